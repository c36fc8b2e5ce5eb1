"""Reference values for tests/compare.rs: kappa (scikit-learn), Spearman (SciPy),
Holm (statsmodels), and the MOVER interval of a difference of differences and its inverted p.

Run: python3 tests/reference/compare_reference.py  (scikit-learn, SciPy, statsmodels)
The Rust tests carry the printed numbers, so they run without Python.
MOVER: Zou & Donner (2008), Statistics in Medicine 27:1693-1702, from statsmodels'
Wilson intervals; for two terms it equals statsmodels' Newcombe (score) interval.
"""
from math import sqrt
from scipy.optimize import brentq
from scipy.stats import spearmanr, norm
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, confint_proportions_2indep

# The same scores as compare_reference.R.
a = [0.9,0.4,0.7,0.7,0.2,0.4,0.6,0.1,0.9,0.7,0.3,0.5,0.8,0.4,0.2,0.6,0.5,0.4,0.1,0.3]
b = [0.8,0.5,0.6,0.9,0.5,0.2,0.4,0.3,0.7,0.6,0.5,0.5,0.6,0.1,0.5,0.7,0.2,0.9,0.3,0.4]
print("spearman", repr(spearmanr(a, b).statistic))
da = [1 if x >= 0.4 else 0 for x in a]
db = [1 if x >= 0.4 else 0 for x in b]
print("kappa", repr(cohen_kappa_score(da, db)))

p = [0.01, 0.04, 0.03, 0.5, 0.002, 0.2]
print("holm", [repr(x) for x in multipletests(p, method="holm")[1]])


def mover_at(terms, alpha):
    est = sum(c * k / n for k, n, c in terms)
    lo2 = hi2 = 0.0
    for k, n, c in terms:
        l, u = proportion_confint(k, n, alpha=alpha, method="wilson")
        pk = k / n
        cl, cu = (c * l, c * u) if c >= 0 else (c * u, c * l)
        lo2 += (c * pk - cl) ** 2
        hi2 += (cu - c * pk) ** 2
    return est, est - sqrt(lo2), est + sqrt(hi2)


def mover(terms):
    est, lo, hi = mover_at(terms, 0.05)
    # p: the level at which the interval just reaches 0 (interval inversion).
    def bound(z):
        _, l, h = mover_at(terms, 2 * norm.sf(z))
        return l if est > 0 else -h
    z = brentq(bound, 1e-9, 30, xtol=1e-15)
    return est, lo, hi, z, 2 * norm.sf(z)


# A condition's gap against the baseline's: (free_c - paid_c) - (free_b - paid_b).
terms = [(61, 100, 1.0), (30, 100, -1.0), (45, 110, -1.0), (38, 105, 1.0)]
print("mover", [repr(x) for x in mover(terms)])
# Two terms: the same as statsmodels' Newcombe interval.
two = mover([(56, 70, 1.0), (48, 80, -1.0)])
print("mover2", [repr(x) for x in two])
print("newcombe", [repr(x) for x in confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")])

# Rogan & Gladen (1978), Am J Epidemiol 107:71-76: true = (obs + sp - 1) / (se + sp - 1);
# delta-method variance with the binomial variances of obs, se and sp (as in Lang &
# Reiczigel 2014, Prev Vet Med 113:13-22, their Wald-type interval).
def rogan_gladen(k, n, se_k, se_n, sp_k, sp_n):
    p, se, sp = k / n, se_k / se_n, sp_k / sp_n
    j = se + sp - 1
    pi = min(max((p + sp - 1) / j, 0.0), 1.0)
    var = (p * (1 - p) / n + pi**2 * se * (1 - se) / se_n + (1 - pi)**2 * sp * (1 - sp) / sp_n) / j**2
    z = norm.ppf(0.975)
    return pi, var, max(pi - z * sqrt(var), 0.0), min(pi + z * sqrt(var), 1.0)

free = rogan_gladen(30, 100, 40, 50, 90, 100)
paid = rogan_gladen(18, 100, 20, 30, 95, 100)
print("rogan_gladen free", [repr(float(x)) for x in free])
print("rogan_gladen paid", [repr(float(x)) for x in paid])
gap = free[0] - paid[0]
sd = sqrt(free[1] + paid[1])
print("corrected gap", repr(gap), repr(gap - norm.ppf(0.975) * sd), repr(gap + norm.ppf(0.975) * sd), repr(float(2 * norm.sf(abs(gap / sd)))))

# Further labels at the same class balance: the label-driven part of the variance
# falls as 1/labels (DeLong's whole variance; the sensitivity and specificity terms
# of a corrected rate), so labels' = labels * v_label / ((w / z)^2 - v_fixed).
import math
def more_labels(labels, fixed, shrinking, w):
    z = norm.ppf(0.975)
    if z * sqrt(fixed + shrinking) <= w:
        return 0
    if (w / z) ** 2 <= fixed:
        return "labels alone cannot"
    return math.ceil(shrinking * labels / ((w / z) ** 2 - fixed)) - labels

print("more auroc a", more_labels(20, 0.0, 0.0036246301397816552, 0.05))
def parts(k, n, se_k, se_n, sp_k, sp_n):
    p, se, sp = k / n, se_k / se_n, sp_k / sp_n
    j = se + sp - 1
    pi = (p + sp - 1) / j
    return p * (1 - p) / n / j**2, (pi**2 * se * (1 - se) / se_n + (1 - pi)**2 * sp * (1 - sp) / sp_n) / j**2
f, p_ = parts(30, 100, 40, 50, 90, 100), parts(18, 100, 20, 30, 95, 100)
print("more gap 0.2", more_labels(280, f[0] + p_[0], f[1] + p_[1], 0.2))
print("more gap 0.15", more_labels(280, f[0] + p_[0], f[1] + p_[1], 0.15))
