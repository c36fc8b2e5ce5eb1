//! Metrics against reference values: scikit-learn 1.9 and statsmodels 0.15 through
//! tests/reference/metrics_reference.py (numbers copied here, so no Python is needed),
//! and the published worked examples cited below.

use afscope::model::metrics::*;

const TOL: f64 = 1e-9;

fn data(scores: &[f64], labels: &[u8]) -> Vec<Scored> {
    scores
        .iter()
        .zip(labels)
        .map(|(&score, &y)| Scored {
            score,
            positive: y == 1,
        })
        .collect()
}

fn ties() -> Vec<Scored> {
    data(
        &[0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.0, 0.4, 0.55],
        &[0, 0, 1, 1, 1, 0, 1, 0, 1, 0],
    )
}

fn votes() -> Vec<Scored> {
    let scores: Vec<f64> = (0..30).map(|i| f64::from(i * 7 % 21) / 20.0).collect();
    let mut labels: Vec<u8> = (0..30)
        .map(|i| u8::from(i * 7 % 21 >= 8 || i % 5 == 0))
        .collect();
    labels[3] = 0;
    data(&scores, &labels)
}

fn single_vote() -> Vec<Scored> {
    data(
        &[1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0],
        &[1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0],
    )
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < TOL, "{a} vs {b}");
}

#[test]
fn auroc_and_average_precision_match_scikit_learn() {
    for (d, auc, ap) in [
        (ties(), 0.7200000000000001, 0.7535714285714286),
        (votes(), 0.8571428571428572, 0.8666666666666667),
        (single_vote(), 0.7571428571428572, 0.6166666666666667),
    ] {
        close(auroc(&d).unwrap(), auc);
        close(average_precision(&d).unwrap(), ap);
    }
}

#[test]
fn confusion_and_rates_at_0_4_match_scikit_learn() {
    // (tn, fp, fn, tp, precision, recall, f1) from confusion_matrix and
    // precision_recall_fscore_support(average="binary", zero_division=0).
    for (d, tn, fp, fn_, tp, p, r, f) in [
        (
            ties(),
            2,
            3,
            1,
            4,
            0.5714285714285714,
            0.8,
            0.6666666666666666,
        ),
        (
            votes(),
            16,
            0,
            4,
            10,
            1.0,
            0.7142857142857143,
            0.8333333333333334,
        ),
        (
            single_vote(),
            5,
            2,
            1,
            4,
            0.6666666666666666,
            0.8,
            0.7272727272727273,
        ),
    ] {
        let c = Confusion::at(&d, 0.4);
        assert_eq!((c.tn, c.fp, c.fn_, c.tp), (tn, fp, fn_, tp));
        close(c.precision(), p);
        close(c.recall(), r);
        close(c.f1(), f);
        close(c.accuracy(), (tp + tn) as f64 / d.len() as f64);
        close(c.false_positive_rate(), fp as f64 / (fp + tn) as f64);
    }
}

#[test]
fn roc_curve_matches_scikit_learn_without_dropping_points() {
    let points = roc_curve(&ties()).unwrap();
    let fpr = [0.0, 0.0, 0.0, 0.2, 0.6, 0.6, 0.8, 1.0];
    let tpr = [0.0, 0.2, 0.4, 0.4, 0.8, 1.0, 1.0, 1.0];
    assert_eq!(points.len(), fpr.len());
    for (p, (x, y)) in points.iter().zip(fpr.iter().zip(tpr)) {
        close(p.x, *x);
        close(p.y, y);
    }
    let single = roc_curve(&single_vote()).unwrap();
    let xs: Vec<f64> = single.iter().map(|p| p.x).collect();
    close(xs[1], 0.2857142857142857);
}

#[test]
fn one_class_only_is_a_clear_error_not_nan() {
    let d = data(&[0.2, 0.9, 0.4], &[1, 1, 1]);
    let e = auroc(&d).unwrap_err();
    assert_eq!(e.0, "needs both classes: 3 positive and 0 negative labels");
    assert!(average_precision(&d).is_err() && roc_curve(&d).is_err() && pr_curve(&d).is_err());
}

#[test]
fn cohen_kappa_matches_scikit_learn() {
    let a = [
        "yes", "no", "unsure", "yes", "yes", "no", "no", "yes", "unsure", "no", "yes", "no",
    ];
    let b = [
        "yes", "no", "no", "yes", "unsure", "no", "yes", "yes", "unsure", "no", "no", "no",
    ];
    close(cohen_kappa(&a, &b).unwrap(), 0.4666666666666668);
    assert!(cohen_kappa(&["x", "x"], &["x", "x"]).is_err());
}

#[test]
fn wilson_interval_matches_newcombe_1998_and_statsmodels() {
    // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion",
    // Statistics in Medicine 17:857-872, example 81/263: Wilson 0.2553 to 0.3662.
    let (lo, hi) = wilson(81, 263, Z95).unwrap();
    close(lo, 0.2552885198782742);
    close(hi, 0.36620957698280004);
    assert_eq!(
        (format!("{lo:.4}"), format!("{hi:.4}")),
        ("0.2553".into(), "0.3662".into())
    );
    let (lo, hi) = wilson(0, 10, Z95).unwrap();
    close(lo, 0.0);
    close(hi, 0.27753279986288926);
    assert!(wilson(3, 0, Z95).is_err());
}

#[test]
fn newcombe_difference_interval_matches_the_published_example() {
    // Newcombe RG (1998), "Interval estimation for the difference between independent
    // proportions", Statistics in Medicine 17:873-890, example 56/70 − 48/80:
    // method 10 gives 0.0524 to 0.3339.
    let (d, lo, hi) = newcombe(56, 70, 48, 80, Z95).unwrap();
    close(d, 0.2);
    close(lo, 0.05243147240236498);
    close(hi, 0.33387265403690614);
    assert_eq!(
        (format!("{lo:.4}"), format!("{hi:.4}")),
        ("0.0524".into(), "0.3339".into())
    );
    let (_, lo, hi) = newcombe(9, 10, 3, 10, Z95).unwrap();
    close(lo, 0.1705227239345029);
    close(hi, 0.809017973535488);
}

#[test]
fn exact_mcnemar_matches_statsmodels() {
    close(mcnemar_exact(5, 15), 0.04138946533203125);
    close(mcnemar_exact(0, 7), 0.015625);
    close(mcnemar_exact(4, 4), 1.0);
    assert_eq!(mcnemar_exact(0, 0), 1.0);
    // Large discordant counts stay finite and tiny.
    let p = mcnemar_exact(10, 400);
    assert!(p > 0.0 && p < 1e-80, "{p}");
}

#[test]
fn sweep_best_f1_and_youden() {
    let d = ties();
    let s = sweep(&d);
    assert_eq!(s.first().unwrap().0, 0.9);
    assert_eq!(s.last().unwrap().0, 0.0);
    let best_f1 = s
        .iter()
        .max_by(|a, b| a.1.f1().total_cmp(&b.1.f1()))
        .unwrap();
    // At 0.35: tp 5, fp 3, fn 0 → F1 = 10/13.
    assert_eq!(best_f1.0, 0.35);
    close(best_f1.1.f1(), 10.0 / 13.0);
    let best_j = s
        .iter()
        .max_by(|a, b| a.1.youden().total_cmp(&b.1.youden()))
        .unwrap();
    close(best_j.1.youden(), 0.4);
}
