//! `afscope list`: matching transcripts as a table, TSV or JSONL.

use super::Status;
use crate::cli::{ListArgs, ListFormat, LoadArgs};
use afscope::load::filter::FieldFilter;
use afscope::load::View;
use afscope::model::sanitize::visible;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;

/// One output row.
struct Row {
    id: String,
    model: String,
    tier: &'static str,
    condition: String,
    compliance: String,
    af: String,
    locator: String,
}

fn score(v: Option<f32>, failed: bool) -> String {
    match (v, failed) {
        (Some(x), _) => format!("{x:.3}"),
        (None, true) => "failed".into(),
        (None, false) => "-".into(),
    }
}

fn row(view: &View<'_>, i: usize) -> Row {
    let e = view.entry(i);
    let text =
        |s: Option<&str>| s.map_or_else(|| "-".to_string(), |s| visible(s, false).into_owned());
    Row {
        id: visible(&view.id(i), false).into_owned(),
        model: text(view.model(i)),
        tier: e.tier().as_str(),
        condition: text(view.condition(i)),
        compliance: score(e.compliance(), e.compliance_failed()),
        af: score(e.af(), e.af_failed()),
        locator: format!(
            "{}:{}",
            visible(&view.source(i).path.display().to_string(), false),
            e.line
        ),
    }
}

const HEADER: [&str; 7] = [
    "id",
    "model",
    "tier",
    "condition",
    "compliance",
    "af",
    "source",
];

fn cells(r: &Row) -> [&str; 7] {
    [
        &r.id,
        &r.model,
        r.tier,
        &r.condition,
        &r.compliance,
        &r.af,
        &r.locator,
    ]
}

fn write_row(out: &mut dyn Write, format: ListFormat, r: &Row) -> std::io::Result<()> {
    match format {
        ListFormat::Tsv => writeln!(out, "{}", cells(r).map(|c| c.replace('\t', " ")).join("\t")),
        ListFormat::Jsonl => {
            let v = serde_json::json!({
                "id": r.id, "model": r.model, "tier": r.tier, "condition": r.condition,
                "compliance": r.compliance, "af": r.af, "source": r.locator,
            });
            writeln!(out, "{v}")
        }
        ListFormat::Table => unreachable!("tables are written whole"),
    }
}

pub fn run(args: &ListArgs, load: &LoadArgs) -> Result<Status, String> {
    let filter = FieldFilter::new(
        args.model.as_deref(),
        args.tier.as_deref(),
        args.condition.as_deref(),
    )?;
    let limit = args.limit.unwrap_or(usize::MAX);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut rows: Vec<Row> = Vec::new();
    let mut failed_write = None;
    // Rows stream as batches are indexed, unless joins can still change scores.
    let streaming = load.verdicts.is_empty() && load.labels.is_none() && !load.strict;
    let mut emit =
        |view: View<'_>, range: std::ops::Range<usize>, rows: &mut Vec<Row>| -> ControlFlow<()> {
            for i in range {
                if rows.len() >= limit {
                    return ControlFlow::Break(());
                }
                if filter.matches(&view, i) {
                    let r = row(&view, i);
                    if args.format != ListFormat::Table {
                        if let Err(e) = write_row(&mut out, args.format, &r) {
                            failed_write = Some(e);
                            return ControlFlow::Break(());
                        }
                    }
                    rows.push(r);
                }
            }
            if rows.len() >= limit {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
    let corpus = if streaming {
        super::load(&args.files, load, &mut |view, range, _| {
            emit(view, range, &mut rows)
        })?
    } else {
        let corpus = super::load(&args.files, load, &mut |_, _, _| ControlFlow::Continue(()))?;
        super::strict_gate(&corpus, load)?;
        let _ = emit(corpus.view(), 0..corpus.len(), &mut rows);
        corpus
    };
    if let Some(e) = failed_write {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(Status::SUCCESS);
        }
        return Err(format!("writing output: {e}"));
    }
    if args.format == ListFormat::Table {
        write_table(&mut out, &rows).map_err(|e| format!("writing output: {e}"))?;
    }
    out.flush().ok();
    if !corpus.problems.is_empty() {
        eprintln!(
            "afscope: {} problem(s) in the input; run `afscope check` for details",
            corpus.problems.len()
        );
    }
    Ok(Status::SUCCESS)
}

fn write_table(out: &mut dyn Write, rows: &[Row]) -> std::io::Result<()> {
    let mut widths = HEADER.map(str::len);
    for r in rows {
        for (w, c) in widths.iter_mut().zip(cells(r)) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: [&str; 7]| -> std::io::Result<()> {
        let parts: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        writeln!(out, "{}", parts.join("  ").trim_end())
    };
    line(out, HEADER)?;
    for r in rows {
        line(out, cells(r))?;
    }
    Ok(())
}
