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

/// A number for machine-readable output: full precision, empty when missing.
pub fn raw(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v}"),
        _ => String::new(),
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
    fn csv_quotes_as_needed() {
        let mut t = Table::new("", &["a", "b"]);
        t.row(vec!["x,y".into(), "1".into()]);
        assert_eq!(t.csv().unwrap(), "a,b\n\"x,y\",1\n");
    }
}
