//! `afscope list`: matching transcripts as a table, TSV or JSONL, or their counts.

use super::Status;
use crate::cli::{ListArgs, ListFormat, LoadArgs};
use afscope::load::{Corpus, View};
use afscope::model::sanitize::visible;
use afscope::model::Tier;
use afscope::query::Query;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;

/// One output row.
struct Row {
    id: String,
    model: Option<String>,
    tier: &'static str,
    condition: Option<String>,
    compliance: Score,
    af: Score,
    locator: String,
}

/// A score as read: its value, or none, and whether its classifier failed.
#[derive(Clone, Copy)]
struct Score {
    value: Option<f64>,
    failed: bool,
}

impl Score {
    fn text(self) -> String {
        match (self.value, self.failed) {
            (Some(x), _) => format!("{x:.3}"),
            (None, true) => "failed".into(),
            (None, false) => "-".into(),
        }
    }
}

/// A transcript's row, its values exact (tables and terminals sanitise them when
/// they are written).
fn row(view: &View<'_>, i: usize) -> Row {
    let e = view.entry(i);
    Row {
        id: view.id(i).into_owned(),
        model: view.model(i).map(str::to_string),
        tier: e.tier().as_str(),
        condition: view.condition(i).map(str::to_string),
        compliance: Score {
            value: e.compliance(),
            failed: e.compliance_failed(),
        },
        af: Score {
            value: e.af(),
            failed: e.af_failed(),
        },
        locator: view.place(i),
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

/// A row's cells as tables and TSV show them (`-` for a value that is not there).
fn cells(r: &Row) -> [String; 7] {
    let text = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".to_string());
    [
        r.id.clone(),
        text(&r.model),
        r.tier.to_string(),
        text(&r.condition),
        r.compliance.text(),
        r.af.text(),
        r.locator.clone(),
    ]
}

/// A row as one JSON object: scores as numbers, what is not there as `null`, and a
/// failed classifier said by `<score>_failed: true`.
fn json_row(r: &Row) -> serde_json::Value {
    let mut v = serde_json::json!({
        "id": r.id, "model": r.model, "tier": r.tier, "condition": r.condition,
        "compliance": r.compliance.value, "af": r.af.value, "source": r.locator,
    });
    for (name, s) in [("compliance_failed", r.compliance), ("af_failed", r.af)] {
        if s.failed {
            v[name] = serde_json::Value::Bool(true);
        }
    }
    v
}

/// The TSV header row.
fn tsv_header(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", HEADER.join("\t"))
}

fn write_row(
    out: &mut dyn Write,
    format: ListFormat,
    r: &Row,
    terminal: bool,
) -> std::io::Result<()> {
    match format {
        ListFormat::Tsv => {
            let line = cells(r)
                .map(|c| c.replace(['\t', '\n', '\r'], " "))
                .join("\t");
            writeln!(
                out,
                "{}",
                super::safe_output(&line, super::Output::Delimited, terminal)
            )
        }
        ListFormat::Jsonl => {
            let v = json_row(r);
            writeln!(
                out,
                "{}",
                super::safe_output(&v.to_string(), super::Output::Json, terminal)
            )
        }
        ListFormat::Table => unreachable!("tables are written whole"),
    }
}

/// Writes a row of a streaming format, or keeps it for the table.
fn emit(
    out: &mut dyn Write,
    format: ListFormat,
    r: Row,
    table: &mut Vec<Row>,
    terminal: bool,
) -> std::io::Result<()> {
    if format == ListFormat::Table {
        table.push(r);
        Ok(())
    } else {
        write_row(out, format, &r, terminal)
    }
}

/// The query from `--query` and the shorthand flags, and-ed.
fn query_text(args: &ListArgs) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut parts = Vec::new();
    // A blank query asks for everything, as no query does.
    if let Some(q) = args.query.as_deref().filter(|q| !q.trim().is_empty()) {
        parts.push(format!("({q})"));
    }
    if let Some(m) = &args.model {
        parts.push(format!("model:{}", quote(m)));
    }
    if let Some(t) = &args.tier {
        parts.push(format!("tier:{}", quote(t)));
    }
    if let Some(c) = &args.condition {
        parts.push(format!("condition:{}", quote(c)));
    }
    parts.join(" and ")
}

pub fn run(args: &ListArgs, load: &LoadArgs) -> Result<Status, String> {
    // A query that does not parse is shown as the user typed it, not as combined with
    // the shorthand flags.
    if let Some(q) = &args.query {
        Query::parse(q).map_err(|e| format!("query:\n{}", e.pointed(q)))?;
    }
    let text = query_text(args);
    let query = Query::parse(&text).map_err(|e| format!("query:\n{}", e.pointed(&text)))?;
    let limit = args.limit.unwrap_or(usize::MAX);
    let stdout = std::io::stdout();
    let terminal = std::io::IsTerminal::is_terminal(&stdout);
    let mut out = BufWriter::new(stdout.lock());
    // Without joins, rows stream as batches are indexed: every row, or (with a limit)
    // the first rows that match a query the index and records answer alone, so a
    // search for a few rows stops reading where it has them.
    let no_joins = !args.count && load.verdicts.is_empty() && load.labels.is_none() && !load.strict;
    let streaming = no_joins && (query.is_all() || (args.limit.is_some() && !query.needs_corpus()));
    // Only a table keeps its rows (to size its columns); other formats stream.
    let mut rows: Vec<Row> = Vec::new();
    let mut emitted = 0usize;
    let mut failed_write = None;
    if args.format == ListFormat::Tsv && !args.count {
        tsv_header(&mut out).map_err(super::output_failed)?;
    }
    let corpus = if streaming {
        let mut load = load.clone();
        load.tests = query.record_tests();
        super::load(&args.files, &load, &mut |view, range, _| {
            let p = (!query.is_all()).then(|| query.prepare_view(view));
            for i in range {
                if emitted >= limit {
                    return ControlFlow::Break(());
                }
                if let Some(p) = &p {
                    if !p.fields(i).unwrap_or_else(|| p.matches(i)) {
                        continue;
                    }
                }
                if let Err(e) = emit(&mut out, args.format, row(&view, i), &mut rows, terminal) {
                    failed_write = Some(e);
                    return ControlFlow::Break(());
                }
                emitted += 1;
            }
            if emitted >= limit {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?
    } else {
        // Text terms run as records are indexed, unless a few rows are wanted (then
        // the search stops at the block that has them).
        let mut load = load.clone();
        if args.count || args.limit.is_none() {
            load.tests = query.record_tests();
        }
        // A count reads the index alone once the files are open, and the scores only
        // when the query tests them.
        load.index_only = args.count;
        if args.count && !query.reads_scores() {
            load.scores = afscope::load::profile::extract::Scores::Unread;
        }
        let corpus = super::load_with_progress(&args.files, &load)?;
        super::strict_gate(&corpus, &load)?;
        let hits = if args.count {
            matching(&corpus, &query)
        } else {
            matching_first(&corpus, &query, limit)
        };
        if args.count {
            super::print_plain(&count_table(&corpus, &hits))?;
            notes(&corpus);
            let status = super::changed_while_read(&corpus, Status::SUCCESS);
            super::leave(corpus);
            return Ok(status);
        }
        for &i in hits.iter().take(limit) {
            if let Err(e) = emit(
                &mut out,
                args.format,
                row(&corpus.view(), i),
                &mut rows,
                terminal,
            ) {
                failed_write = Some(e);
                break;
            }
        }
        corpus
    };
    if let Some(e) = failed_write {
        return Err(super::output_failed(e));
    }
    if args.format == ListFormat::Table {
        // On a terminal the table fits its width; into a pipe or file it is whole.
        let fit = terminal
            .then(|| crossterm::terminal::size().ok())
            .flatten()
            .map(|(w, _)| usize::from(w));
        write_table(&mut out, &rows, fit).map_err(super::output_failed)?;
    }
    out.flush().map_err(super::output_failed)?;
    notes(&corpus);
    let status = super::changed_while_read(&corpus, Status::SUCCESS);
    super::leave(corpus);
    Ok(status)
}

/// What the rows do not say, on standard error: where labels came from, problems.
fn notes(corpus: &Corpus) {
    if let Some(n) = super::labels_note(corpus) {
        eprintln!("afscope: {n}");
    }
    if !corpus.problems.is_empty() {
        eprintln!(
            "afscope: {} problem(s) in the input; run `afscope check` for details",
            corpus.problems.len()
        );
    }
}

/// Entries matching `query`, in corpus order; index fields first, text in parallel.
pub fn matching(corpus: &Corpus, query: &Query) -> Vec<usize> {
    let p = query.prepare(corpus);
    (0..corpus.len())
        .into_par_iter()
        .filter(|&i| p.fields(i).unwrap_or_else(|| p.matches(i)))
        .collect()
}

/// The first `limit` entries matching `query`, in corpus order: tested in parallel a
/// block at a time, stopping at the block that completes the limit.
pub fn matching_first(corpus: &Corpus, query: &Query, limit: usize) -> Vec<usize> {
    if limit >= corpus.len() {
        return matching(corpus, query);
    }
    let p = query.prepare(corpus);
    let mut out = Vec::new();
    let mut start = 0;
    // Blocks grow so a rare match costs few rounds.
    let mut block = 4096usize;
    while start < corpus.len() && out.len() < limit {
        let end = (start + block).min(corpus.len());
        let found: Vec<usize> = (start..end)
            .into_par_iter()
            .filter(|&i| p.fields(i).unwrap_or_else(|| p.matches(i)))
            .collect();
        out.extend(found);
        start = end;
        block = block.saturating_mul(2).min(1 << 20);
    }
    out.truncate(limit);
    out
}

/// Matches by model (rows) and tier (columns), with totals.
fn count_table(corpus: &Corpus, hits: &[usize]) -> String {
    let view = corpus.view();
    // Tallied by the model's number first: a name is made once per model, not once
    // per transcript.
    let mut by_id: Vec<[usize; 3]> = vec![[0; 3]; corpus.index.names.models.len() + 1];
    for &i in hits {
        let e = view.entry(i);
        let col = match e.tier() {
            Tier::Free => 0,
            Tier::Paid => 1,
            Tier::Unknown => 2,
        };
        by_id[e.model as usize][col] += 1;
    }
    let mut counts: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for (id, c) in by_id.into_iter().enumerate() {
        if c == [0; 3] {
            continue;
        }
        let name = corpus.index.names.models.get(id as u32);
        let model = visible(name.unwrap_or(afscope::model::MISSING), false).into_owned();
        let slot = counts.entry(model).or_default();
        for (s, n) in slot.iter_mut().zip(c) {
            *s += n;
        }
    }
    // Names as shown: two names cut to the same cell are counted together.
    let mut shown: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for (m, c) in counts {
        let slot = shown
            .entry(afscope::model::sanitize::cell(&m).into_owned())
            .or_default();
        for (s, n) in slot.iter_mut().zip(c) {
            *s += n;
        }
    }
    let counts = shown;
    let width = counts
        .keys()
        .map(|m| m.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut s = format!(
        "{:<width$}  {:>6}  {:>6}  {:>7}  {:>6}\n",
        "model", "free", "paid", "unknown", "total"
    );
    let mut total = [0usize; 3];
    for (m, c) in &counts {
        s.push_str(&format!(
            "{m:<width$}  {:>6}  {:>6}  {:>7}  {:>6}\n",
            c[0],
            c[1],
            c[2],
            c.iter().sum::<usize>()
        ));
        for (t, n) in total.iter_mut().zip(c) {
            *t += n;
        }
    }
    s.push_str(&format!(
        "{:<width$}  {:>6}  {:>6}  {:>7}  {:>6}\n",
        "total",
        total[0],
        total[1],
        total[2],
        hits.len()
    ));
    s
}

fn write_table(out: &mut dyn Write, rows: &[Row], fit: Option<usize>) -> std::io::Result<()> {
    let mut rows: Vec<[String; 7]> = rows
        .iter()
        .map(|r| cells(r).map(|c| afscope::model::sanitize::cell(&c).into_owned()))
        .collect();
    let mut widths = HEADER.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    if let Some(max) = fit {
        if shrink_to(&mut widths, max) {
            for r in &mut rows {
                for (c, &w) in r.iter_mut().zip(&widths) {
                    if c.chars().count() > w {
                        *c = afscope::model::idcut::middle_cut(c, w);
                    }
                }
            }
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
    for r in &rows {
        line(out, r.each_ref().map(String::as_str))?;
    }
    Ok(())
}

/// Narrows the widest text column (id, model, condition, source), again and again,
/// until the row fits `max` columns or none can narrow further; whether any did.
fn shrink_to(widths: &mut [usize; 7], max: usize) -> bool {
    const TEXT: [usize; 4] = [0, 1, 3, 6];
    let total = |w: &[usize; 7]| w.iter().sum::<usize>() + 2 * (w.len() - 1);
    let mut changed = false;
    while total(widths) > max {
        let Some(&widest) = TEXT
            .iter()
            .filter(|&&i| widths[i] > HEADER[i].len().max(8))
            .max_by_key(|&&i| widths[i])
        else {
            break;
        };
        let others_max = TEXT
            .iter()
            .filter(|&&i| i != widest)
            .map(|&i| widths[i])
            .max()
            .unwrap_or(0);
        let excess = total(widths) - max;
        // Down to the next widest at most, so the cut is shared once they are level.
        let floor = HEADER[widest]
            .len()
            .max(8)
            .max(others_max.min(widths[widest] - 1));
        widths[widest] = widths[widest].saturating_sub(excess).max(floor);
        changed = true;
    }
    changed
}
