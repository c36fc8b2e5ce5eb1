//! `afscope spans`: every evidence quote and explicit span, where it was located and
//! how, so the locating can be audited or used elsewhere.

use super::Status;
use crate::cli::{LoadArgs, SpansFormat};
use afscope::model::idcut;
use afscope::model::quote::MatchKind;
use afscope::model::sanitize::visible;
use afscope::model::spans::{resolve, Origin};
use afscope::query::Query;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

fn kind_text(o: &Origin) -> String {
    match o {
        Origin::Quote {
            kind: MatchKind::Fuzzy(s),
            ..
        } => format!("fuzzy {s:.2}"),
        Origin::Quote { kind, .. } => kind.name().to_string(),
        Origin::Offsets => "offsets".to_string(),
    }
}

fn short(s: &str, n: usize) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let v = visible(&one, false);
    match v.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.into_owned(),
    }
}

pub fn run(
    files: &[PathBuf],
    query: Option<&str>,
    format: SpansFormat,
    load: &LoadArgs,
) -> Result<Status, String> {
    let corpus = super::load_with_progress(files, load)?;
    super::strict_gate(&corpus, load)?;
    let q = Query::parse(query.unwrap_or(""))
        .map_err(|e| format!("query:\n{}", e.pointed(query.unwrap_or(""))))?;
    let rows = super::list::matching(&corpus, &q);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut pieces_said = false;
    let w = super::output_failed;
    // The ids' shared prefix is shown as `…`, so that rows are told apart.
    let (id_prefix, id_w) = if format == SpansFormat::Table {
        let view = corpus.view();
        let ids: Vec<String> = rows
            .iter()
            .map(|&i| visible(&view.id(i), false).into_owned())
            .collect();
        let prefix = idcut::shared_prefix(ids.iter().map(String::as_str));
        let widest = idcut::widest(ids.iter().map(String::as_str), &prefix);
        (prefix, widest.clamp("transcript".len(), 40))
    } else {
        (String::new(), 0)
    };
    if format == SpansFormat::Table {
        if !id_prefix.is_empty() {
            writeln!(out, "(… in the transcript column stands for `{id_prefix}`)").map_err(w)?;
        }
        writeln!(
            out,
            "{:<id_w$} {:<24} {:<22} {:<13} {:<14} quote → located",
            "transcript", "classifier", "criterion", "how", "bytes"
        )
        .map_err(w)?;
    }
    for i in rows {
        let t = match corpus.transcript(i) {
            Ok(t) => t,
            Err(p) => {
                eprintln!("afscope: {}", visible(&p.to_string(), false));
                continue;
            }
        };
        let (spans, problems) = resolve(&t);
        for p in problems {
            eprintln!("afscope: {}: {}", visible(&t.id, false), visible(&p, false));
        }
        for s in spans {
            let v = &t.verdicts[s.verdict];
            let criterion = s
                .criterion
                .and_then(|c| v.criteria.get(c))
                .map_or("-".to_string(), |c| c.name.clone());
            let how = kind_text(&s.origin);
            let family = match &s.origin {
                Origin::Quote { kind, .. } => kind.name(),
                Origin::Offsets => "offsets",
            };
            *counts.entry(family.to_string()).or_default() += 1;
            let located: Vec<&str> = s.ranges.iter().map(|r| &t.completion[r.clone()]).collect();
            match format {
                SpansFormat::Jsonl => {
                    let (quote_index, quote) = match &s.origin {
                        Origin::Quote { quote, text, .. } => (Some(*quote), Some(text.clone())),
                        Origin::Offsets => (None, None),
                    };
                    let score = match &s.origin {
                        Origin::Quote {
                            kind: MatchKind::Fuzzy(x),
                            ..
                        } => Some(f64::from(*x)),
                        _ => None,
                    };
                    let rec = serde_json::json!({
                        "id": t.id, "classifier": v.classifier, "criterion": s.criterion, "criterion_name": criterion,
                        "quote_index": quote_index, "quote": quote, "match": family, "score": score,
                        "spans": s.ranges.iter().zip(&located).map(|(r, text)| serde_json::json!({"start": r.start, "end": r.end, "unit": "byte", "text": text})).collect::<Vec<_>>(),
                    });
                    let line = rec.to_string();
                    let line = afscope::model::sanitize::json_safe(&line);
                    writeln!(out, "{line}").map_err(w)?;
                }
                SpansFormat::Table => {
                    let bytes = bytes_cell(&s.ranges, 14);
                    pieces_said |= bytes.ends_with(')');
                    let quote = match &s.origin {
                        Origin::Quote { text, .. } => short(text, 40),
                        Origin::Offsets => "(offsets)".into(),
                    };
                    let found = if located.is_empty() {
                        "-".to_string()
                    } else {
                        short(&located.join(" … "), 40)
                    };
                    writeln!(
                        out,
                        "{:<id_w$} {:<24} {:<22} {:<13} {:<14} {quote} → {found}",
                        idcut::fit(&visible(&t.id, false), &id_prefix, id_w),
                        short(&v.classifier, 23),
                        short(&criterion, 21),
                        how,
                        bytes
                    )
                    .map_err(w)?;
                }
            }
        }
    }
    if pieces_said {
        writeln!(
            out,
            "\n(n) after bytes: the text was located in n pieces, first start to last end shown; --format jsonl gives each"
        )
        .map_err(w)?;
    }
    if format == SpansFormat::Table {
        let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(
            out,
            "\n{}",
            if summary.is_empty() {
                "no quotes or spans".to_string()
            } else {
                summary.join(", ")
            }
        )
        .map_err(w)?;
    }
    out.flush().map_err(w)?;
    Ok(super::changed_while_read(&corpus, Status::SUCCESS))
}

/// The byte ranges of a span for the table, at most `width` characters: each range
/// when they fit, else the first start to the last end and how many pieces.
fn bytes_cell(ranges: &[std::ops::Range<usize>], width: usize) -> String {
    let all = ranges
        .iter()
        .map(|r| format!("{}..{}", r.start, r.end))
        .collect::<Vec<_>>()
        .join(",");
    match (ranges.first(), ranges.last()) {
        (None, _) | (_, None) => "-".into(),
        _ if all.chars().count() <= width => all,
        (Some(a), Some(b)) => format!("{}..{} ({})", a.start, b.end, ranges.len()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn byte_lists_too_long_for_the_column_say_their_extent_and_pieces() {
        assert_eq!(super::bytes_cell(&[], 14), "-");
        assert_eq!(super::bytes_cell(&[8..38, 102..246], 14), "8..38,102..246");
        assert_eq!(
            super::bytes_cell(&[8..38, 102..246, 300..310], 14),
            "8..310 (3)"
        );
    }
}
