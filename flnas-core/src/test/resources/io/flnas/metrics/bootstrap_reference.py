#!/usr/bin/env python3
"""Reference intervals for BootstrapReferenceTest, computed outside the project with SciPy.

Run once by hand (not by the build), from this folder:

    python3 bootstrap_reference.py > bootstrap_reference.json

It makes a fixed split of 140 labelled predictions (8 classes, sex and age bands with unknowns),
computes the five figures of DESIGN.md with its own NumPy code, and the interval Bootstrap uses:
figure -/+ q, clipped to [0, 1], where q is the 95% quantile of the resampled deviation bound
D* = agg |term* - term| (the figure's aggregate of the absolute differences of each resample's
signed terms to the split's). q comes from scipy.stats.bootstrap (percentile method, one-sided
'less', case resampling) with 20,000 resamples. The tolerance the test allows is four standard
deviations of each bound over 20 SciPy runs of 4,000 resamples each (the test's count), times
sqrt(2) for the two independent Monte Carlo errors (SciPy's and the test's).
"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

CLASSES = 8
ATTRIBUTES = [("sex", ["male", "female"]), ("age", ["young", "middle", "old"])]
N = 140
TEST_RESAMPLES = 4000


def make_split():
    rng = np.random.default_rng(20260422)
    sex = np.where(rng.random(N) < 0.03, -1, np.where(rng.random(N) < 0.58, 0, 1))
    u = rng.random(N)
    age = np.where(rng.random(N) < 0.03, -1, np.where(u < 0.3, 0, np.where(u < 0.78, 1, 2)))
    labels = rng.integers(0, CLASSES, N)
    right = 0.72 - 0.10 * (sex == 1) - 0.12 * (age == 2)
    wrong = (labels + rng.integers(1, CLASSES, N)) % CLASSES
    predictions = np.where(rng.random(N) < right, labels, wrong)
    return labels, predictions, [sex, age]


def terms(labels, predictions, columns):
    """Signed terms: accuracy, group gaps, per pair and class dTPR, dFPR, dTNR (NaN undefined)."""
    accuracy = np.mean(labels == predictions)
    gaps, tpr, fpr, tnr = [], [], [], []
    for (name, groups), member in zip(ATTRIBUTES, columns):
        rates = []
        for g in range(len(groups)):
            inside = member == g
            count = inside.sum()
            gaps.append(np.mean(labels[inside] == predictions[inside]) - accuracy
                        if count else np.nan)
            rate = []
            for c in range(CLASSES):
                pos = inside & (labels == c)
                neg = inside & (labels != c)
                t = np.mean(predictions[pos] == c) if pos.sum() else np.nan
                f = np.mean(predictions[neg] == c) if neg.sum() else np.nan
                rate.append((t, f, 1 - f if neg.sum() else np.nan))
            rates.append(rate)
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                tpr.append([rates[a][c][0] - rates[b][c][0] for c in range(CLASSES)])
                fpr.append([rates[a][c][1] - rates[b][c][1] for c in range(CLASSES)])
                tnr.append([rates[a][c][2] - rates[b][c][2] for c in range(CLASSES)])
    return accuracy, np.array(gaps), np.array(tpr), np.array(fpr), np.array(tnr)


def aggregate(t, ref=None):
    """The figures of DESIGN.md over |term| (ref None) or |term - ref|."""
    accuracy, gaps, tpr, fpr, tnr = t
    if ref is None:
        ref = (0.0, np.zeros_like(gaps), np.zeros_like(tpr), np.zeros_like(fpr),
               np.zeros_like(tnr))
    first = abs(accuracy - ref[0])
    dg = np.abs(gaps - ref[1])
    unfairness = np.nanmean(dg) if np.any(~np.isnan(dg)) else 0.0
    dt, df, dn = np.abs(tpr - ref[2]), np.abs(fpr - ref[3]), np.abs(tnr - ref[4])
    eodd, eopp1, eopp2 = [], [], []
    for p in range(tpr.shape[0]):
        if np.any(~np.isnan(dt[p])):
            eopp1.append(np.nanmean(dt[p]))
        if np.any(~np.isnan(dn[p])):
            eopp2.append(np.nanmean(dn[p]))
        both = ~np.isnan(dt[p]) & ~np.isnan(df[p])
        if np.any(both):
            eodd.append(np.mean(np.maximum(dt[p][both], df[p][both])))
    mean = lambda xs: float(np.mean(xs)) if xs else 0.0
    return [float(first), float(unfairness), mean(eodd), mean(eopp1), mean(eopp2)]


def main():
    labels, predictions, columns = make_split()
    original = terms(labels, predictions, columns)
    figures = aggregate(original)

    def deviation(index, figure):
        idx = np.asarray(index)
        t = terms(labels[idx], predictions[idx], [m[idx] for m in columns])
        return aggregate(t, original)[figure]

    def bounds(resamples, seed):
        out = []
        for f in range(5):
            res = stats.bootstrap((np.arange(N),), lambda i: deviation(i, f), vectorized=False,
                                  n_resamples=resamples, confidence_level=0.95,
                                  alternative="less", method="percentile",
                                  random_state=np.random.default_rng(seed + f))
            q = res.confidence_interval.high
            out.append((max(0.0, figures[f] - q), min(1.0, figures[f] + q)))
        return out

    reference = bounds(20000, 1)
    runs = np.array([bounds(TEST_RESAMPLES, 100 + 10 * r) for r in range(20)])
    spread = runs.std(axis=0, ddof=1)
    names = ["accuracy", "unfairness", "eodd", "eopp1", "eopp2"]
    print(json.dumps({
        "generator": "bootstrap_reference.py, scipy " + scipy.__version__ + ", numpy "
                     + np.__version__,
        "classes": CLASSES,
        "resamples": TEST_RESAMPLES,
        "labels": labels.tolist(),
        "predictions": predictions.tolist(),
        "groups": {name: member.tolist() for (name, _), member in zip(ATTRIBUTES, columns)},
        "figures": dict(zip(names, figures)),
        "intervals": {n: list(b) for n, b in zip(names, reference)},
        "tolerance": {n: [4 * np.sqrt(2) * s[0], 4 * np.sqrt(2) * s[1]]
                      for n, s in zip(names, spread.tolist())},
    }, indent=1))


if __name__ == "__main__":
    sys.exit(main())
