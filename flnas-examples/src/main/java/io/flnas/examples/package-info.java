/** The FL-NAS command-line program ({@link io.flnas.examples.FlNasMain}) and its console output. */
package io.flnas.examples;
