//! Agreement between labelers: Krippendorff's alpha for nominal values with any number
//! of labelers and missing answers (Cohen's kappa for two is in `metrics`).

use std::collections::BTreeMap;

/// Krippendorff's alpha (nominal) from units, each the values its labelers gave
/// (missing answers simply absent). Units with fewer than two values do not count.
/// `None` when fewer than two pairable values exist or every value is the same
/// (expected disagreement zero).
pub fn krippendorff_alpha_nominal<T: Ord + Clone>(units: &[Vec<T>]) -> Option<f64> {
    // Coincidence counts: o[c][k] over ordered pairs within a unit, weighted 1/(m-1).
    let mut o: BTreeMap<(T, T), f64> = BTreeMap::new();
    for u in units {
        let m = u.len();
        if m < 2 {
            continue;
        }
        let w = 1.0 / (m - 1) as f64;
        for (i, a) in u.iter().enumerate() {
            for (j, b) in u.iter().enumerate() {
                if i != j {
                    *o.entry((a.clone(), b.clone())).or_default() += w;
                }
            }
        }
    }
    let mut n_c: BTreeMap<T, f64> = BTreeMap::new();
    for ((c, _), v) in &o {
        *n_c.entry(c.clone()).or_default() += v;
    }
    let n: f64 = n_c.values().sum();
    if n < 2.0 {
        return None;
    }
    let observed: f64 = o.iter().filter(|((c, k), _)| c != k).map(|(_, v)| v).sum();
    let totals: Vec<f64> = n_c.values().copied().collect();
    let mut expected_pairs = 0.0;
    for (i, a) in totals.iter().enumerate() {
        for (j, b) in totals.iter().enumerate() {
            if i != j {
                expected_pairs += a * b;
            }
        }
    }
    if expected_pairs == 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * observed / expected_pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_matches_krippendorffs_worked_example() {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section
        // C: 4 observers, 12 units, missing values; nominal alpha = 0.743.
        let rows: [[u8; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        let units: Vec<Vec<u8>> = (0..12)
            .map(|u| rows.iter().map(|r| r[u]).filter(|&v| v != 0).collect())
            .collect();
        let a = krippendorff_alpha_nominal(&units).unwrap();
        assert!((a - 0.743).abs() < 0.0005, "{a}");
    }

    #[test]
    fn alpha_by_hand_for_two_labelers() {
        // Units (yes,yes) (no,no) (yes,no): o = yes-yes 2, no-no 2, yes-no 1, no-yes 1;
        // n_yes = n_no = 3, n = 6; alpha = 1 - 5 * 2 / (3*3*2) = 4/9.
        let units = vec![vec!["yes", "yes"], vec!["no", "no"], vec!["yes", "no"]];
        let a = krippendorff_alpha_nominal(&units).unwrap();
        assert!((a - 4.0 / 9.0).abs() < 1e-12, "{a}");
        // Perfect agreement is 1; one category only is undefined.
        assert_eq!(
            krippendorff_alpha_nominal(&[vec!["a", "a"], vec!["b", "b"]]),
            Some(1.0)
        );
        assert_eq!(krippendorff_alpha_nominal(&[vec!["a", "a"]]), None);
        assert_eq!(krippendorff_alpha_nominal::<&str>(&[vec!["a"]]), None);
    }
}
