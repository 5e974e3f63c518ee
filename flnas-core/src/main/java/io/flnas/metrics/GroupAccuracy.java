package io.flnas.metrics;

/** Accuracy of one group of one attribute, with its sample count. */
public record GroupAccuracy(String attribute, String group, int count, double accuracy) {}
