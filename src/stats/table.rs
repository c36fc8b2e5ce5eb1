//! A titled table of text cells, written aligned for reading, as Markdown, or as CSV.

use std::fmt::Write;

/// Columns aligned to the right when every cell in them looks like a number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(title: impl Into<String>, headers: &[&str]) -> Table {
        Table {
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn numeric(&self, col: usize) -> bool {
        self.rows.iter().all(|r| {
            r.get(col).is_none_or(|c| {
                c.is_empty()
                    || c == "–"
                    || c.trim_start_matches(['-', '+', '[', '±', ' '])
                        .starts_with(|ch: char| ch.is_ascii_digit())
            })
        })
    }

    /// Aligned columns under a title line, two spaces apart.
    pub fn text(&self) -> String {
        let cols = self.headers.len();
        let width = |c: usize| {
            self.rows
                .iter()
                .filter_map(|r| r.get(c))
                .chain(std::iter::once(&self.headers[c]))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..cols).map(width).collect();
        let numeric: Vec<bool> = (0..cols).map(|c| self.numeric(c)).collect();
        let mut out = String::new();
        if !self.title.is_empty() {
            let _ = writeln!(out, "{}", self.title);
        }
        let line = |cells: &[String], out: &mut String| {
            let mut l = String::new();
            for c in 0..cols {
                let cell = cells.get(c).map_or("", String::as_str);
                let pad = widths[c].saturating_sub(cell.chars().count());
                if c > 0 {
                    l.push_str("  ");
                }
                if numeric[c] {
                    l.push_str(&" ".repeat(pad));
                    l.push_str(cell);
                } else {
                    l.push_str(cell);
                    l.push_str(&" ".repeat(pad));
                }
            }
            let _ = writeln!(out, "  {}", l.trim_end());
        };
        line(&self.headers, &mut out);
        for r in &self.rows {
            line(r, &mut out);
        }
        out
    }

    /// A Markdown table under a `###` heading; `|` in cells escaped.
    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = String::new();
        if !self.title.is_empty() {
            let _ = writeln!(out, "### {}\n", esc(&self.title));
        }
        let _ = writeln!(
            out,
            "| {} |",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let rule: Vec<&str> = (0..self.headers.len())
            .map(|c| if self.numeric(c) { "---:" } else { "---" })
            .collect();
        let _ = writeln!(out, "|{}|", rule.join("|"));
        for r in &self.rows {
            let _ = writeln!(
                out,
                "| {} |",
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            );
        }
        out
    }

    /// The rows as CSV with a header line.
    pub fn csv(&self) -> Result<String, String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.headers).map_err(|e| e.to_string())?;
        for r in &self.rows {
            w.write_record(r).map_err(|e| e.to_string())?;
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map_err(|e| e.to_string())
    }
}

/// A number with three decimals, or `–` when there is none.
pub fn num(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.3}"),
        _ => "–".into(),
    }
}

/// A number for machine-readable output: full precision less the arithmetic's noise
/// (`denoise`), empty when missing.
pub fn raw(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{}", denoise(v, false)),
        _ => String::new(),
    }
}

/// A p-value for machine-readable output, as `raw`; a tiny p-value is kept.
pub fn raw_p(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{}", denoise(v, true)),
        _ => String::new(),
    }
}

/// A number with the noise of floating-point arithmetic taken out: rounded to 15
/// significant digits (0.25000000000000006 is 0.25), and a magnitude below 1e-12 made
/// 0 (a difference of equal rates, 1.7e-18, is 0), unless it is a p-value, which can
/// be that small.
pub fn denoise(x: f64, p_value: bool) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if !p_value && x.abs() < 1e-12 {
        return 0.0;
    }
    format!("{x:.14e}").parse().unwrap_or(x)
}

/// Whether a machine-readable field holds a p-value (`p`, `p_holm`, `mcnemar_p`).
fn is_p(key: &str) -> bool {
    key == "p" || key.starts_with("p_") || key.ends_with("_p")
}

/// Every number of a JSON report through `denoise` (p-values by their keys).
pub fn denoise_json(v: &mut serde_json::Value, p_value: bool) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(c) = n
                .as_f64()
                .and_then(|x| serde_json::Number::from_f64(denoise(x, p_value)))
            {
                *n = c;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| denoise_json(i, p_value)),
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                denoise_json(item, p_value || is_p(k));
            }
        }
        _ => {}
    }
}

/// `x` rounded to `decimals` places, with a negative zero made positive (so a
/// difference of -1e-17 prints as `+0.0`, not `-0.0`).
pub fn tidy(x: f64, decimals: i32) -> f64 {
    let q = 10f64.powi(decimals);
    let r = (x * q).round() / q;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new("demo", &["model", "n", "rate"]);
        t.row(vec!["opus".into(), "12".into(), "0.500".into()]);
        t.row(vec!["a|b".into(), "3".into(), "–".into()]);
        t
    }

    #[test]
    fn text_aligns_numbers_right() {
        let s = sample().text();
        assert_eq!(
            s,
            "demo\n  model   n   rate\n  opus   12  0.500\n  a|b     3      –\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes_and_right_aligns_numbers() {
        let s = sample().markdown();
        assert!(s.contains("|---|---:|---:|"), "{s}");
        assert!(s.contains("| a\\|b | 3 | – |"), "{s}");
    }

    #[test]
    fn output_numbers_lose_arithmetic_noise_but_not_small_p_values() {
        assert_eq!(raw(Some(0.25000000000000006)), "0.25");
        assert_eq!(raw(Some(1.734723475976807e-18)), "0");
        assert_eq!(raw(Some(-1e-17)), "0");
        assert_eq!(raw(Some(0.23162471584076982)), "0.23162471584077");
        assert_eq!(raw_p(Some(3.34e-12)), "0.00000000000334");
        assert_eq!(raw_p(Some(6e-16)), "0.0000000000000006");
        let mut v = serde_json::json!({
            "gap": 1.734723475976807e-18,
            "rate": 0.25000000000000006,
            "n": 4,
            "p_value": 6e-16,
            "paired": {"mcnemar_p": 2e-13, "low": -2e-13},
            "rows": [{"p": 1e-14, "estimate": 1e-14}]
        });
        denoise_json(&mut v, false);
        assert_eq!(
            v,
            serde_json::json!({
                "gap": 0.0,
                "rate": 0.25,
                "n": 4,
                "p_value": 6e-16,
                "paired": {"mcnemar_p": 2e-13, "low": 0.0},
                "rows": [{"p": 1e-14, "estimate": 0.0}]
            })
        );
    }

    #[test]
    fn csv_quotes_as_needed() {
        let mut t = Table::new("", &["a", "b"]);
        t.row(vec!["x,y".into(), "1".into()]);
        assert_eq!(t.csv().unwrap(), "a,b\n\"x,y\",1\n");
    }
}
