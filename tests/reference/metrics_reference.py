"""Reference values for tests/metrics.rs, computed with scikit-learn and statsmodels.

Run: python3 tests/reference/metrics_reference.py  (scikit-learn 1.9, statsmodels 0.15)
The Rust tests carry the printed numbers, so they run without Python.
"""
from sklearn.metrics import (roc_auc_score, average_precision_score, roc_curve,
                             precision_recall_fscore_support, confusion_matrix, cohen_kappa_score)
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.contingency_tables import mcnemar

# The same data as tests/metrics.rs.
TIES_S = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.0, 0.4, 0.55]
TIES_Y = [0, 0, 1, 1, 1, 0, 1, 0, 1, 0]
VOTES_S = [(i * 7 % 21) / 20 for i in range(30)]
VOTES_Y = [1 if (i * 7 % 21) >= 8 or i % 5 == 0 else 0 for i in range(30)]
VOTES_Y[3] = 0
SINGLE_S = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1]
SINGLE_Y = [1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0]

for name, s, y in [("ties", TIES_S, TIES_Y), ("votes", VOTES_S, VOTES_Y), ("single", SINGLE_S, SINGLE_Y)]:
    print(name, "auroc", repr(roc_auc_score(y, s)))
    print(name, "ap", repr(average_precision_score(y, s)))
    pred = [1 if v >= 0.4 else 0 for v in s]
    p, r, f, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
    (tn, fp), (fn, tp) = confusion_matrix(y, pred)
    print(name, "at0.4", tn, fp, fn, tp, repr(p), repr(r), repr(f))
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    print(name, "roc", [repr(x) for x in fpr], [repr(x) for x in tpr])

A = ["yes", "no", "unsure", "yes", "yes", "no", "no", "yes", "unsure", "no", "yes", "no"]
B = ["yes", "no", "no", "yes", "unsure", "no", "yes", "yes", "unsure", "no", "no", "no"]
print("kappa", repr(cohen_kappa_score(A, B)))
print("wilson 81/263", [repr(x) for x in proportion_confint(81, 263, alpha=0.05, method="wilson")])
print("wilson 0/10", [repr(x) for x in proportion_confint(0, 10, alpha=0.05, method="wilson")])
print("mcnemar 5,15", repr(mcnemar([[10, 5], [15, 20]], exact=True).pvalue))
print("mcnemar 0,7", repr(mcnemar([[3, 0], [7, 1]], exact=True).pvalue))

from statsmodels.stats.proportion import confint_proportions_2indep
# Newcombe (1998), Statistics in Medicine 17:873-890, example (a): 56/70 vs 48/80,
# method 10 interval 0.0524 to 0.3339.
print("newcombe 56/70-48/80", [repr(x) for x in confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")])
print("newcombe 9/10-3/10", [repr(x) for x in confint_proportions_2indep(9, 10, 3, 10, method="newcomb", compare="diff")])
