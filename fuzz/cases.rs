//! What each fuzz target does with its input, shared by the fuzz targets (libFuzzer,
//! nightly) and by `tests/fuzz_regressions.rs` (stable), which replays every input
//! kept under `fuzz/regressions/<target>/`. Each case must return without panicking,
//! whatever the bytes.

use afscope::load::join::labels::{self, LabelMapping};
use afscope::load::{Corpus, LoadOptions};
use afscope::model::journal::Replay;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// The targets, by name (read by the regression test; each fuzz target names its own).
#[allow(dead_code)]
pub const TARGETS: [&str; 9] = [
    "split_jsonl",
    "split_json",
    "split_csv",
    "split_gzip",
    "split_eval",
    "query",
    "quote",
    "journal",
    "label_sheet",
];

/// Runs target `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "split_jsonl" => open_as("jsonl", data),
        "split_json" => open_as("json", data),
        "split_csv" => open_as("csv", data),
        "split_gzip" => open_as("jsonl.gz", data),
        "split_eval" => open_as("eval", data),
        "query" => query(data),
        "quote" => quote(data),
        "journal" => journal(data),
        "label_sheet" => label_sheet(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// A folder of one thread's own, removed when the thread ends.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

thread_local! {
    static SCRATCH: Scratch = Scratch(std::env::temp_dir().join(format!(
        "afscope-fuzz-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    )));
}

/// A file of this thread's own, rewritten for each input.
fn scratch(ending: &str, data: &[u8]) -> PathBuf {
    let dir = SCRATCH.with(|s| s.0.clone());
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("input.{ending}"));
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(data).unwrap();
    path
}

/// Splits the bytes as a file of that ending, extracts every transcript in full
/// (profile detection, fields, verdicts), locates every span.
fn open_as(ending: &str, data: &[u8]) {
    let path = scratch(ending, data);
    let Ok(c) = Corpus::open(&[path], &LoadOptions::default(), &mut |_, _, _| {
        ControlFlow::Continue(())
    }) else {
        return;
    };
    let v = c.view();
    for i in 0..c.len() {
        let _ = v.id(i);
        if let Ok((t, _)) = c.transcript_checked(i) {
            let _ = afscope::model::spans::resolve(&t);
            let _ = t.final_output();
        }
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Parses a query (with its depth limit: deep nesting from the input's own bytes is
/// refused, never a stack overflow), and runs it on the demo corpus.
fn query(data: &[u8]) {
    let q = text(data);
    match afscope::query::Query::parse(&q) {
        Ok(query) => {
            thread_local! {
                static DEMO: Corpus = afscope::demo::open(&LoadOptions::default()).unwrap();
            }
            DEMO.with(|c| {
                let p = query.prepare(c);
                for i in 0..c.len() {
                    let _ = p.fields(i).unwrap_or_else(|| p.matches(i));
                }
            });
        }
        Err(e) => {
            let _ = e.pointed(&q);
        }
    }
    let deep = format!("{}{q}{}", "(".repeat(5000), ")".repeat(5000));
    assert!(afscope::query::Query::parse(&deep).is_err());
}

/// Locates a quote (the input after its first NUL) in a text (before it).
fn quote(data: &[u8]) {
    let t = text(data);
    let (hay, quote) = t.split_once('\0').unwrap_or((&t, ""));
    let found = afscope::model::quote::locate(hay, quote);
    for r in &found.spans {
        assert!(
            r.start <= r.end && r.end <= hay.len(),
            "{r:?} in {}",
            hay.len()
        );
        assert!(hay.is_char_boundary(r.start) && hay.is_char_boundary(r.end));
    }
}

/// A journal from someone else, replayed in full and lean and pulled event by event:
/// the labels in force and the events must agree, and every event kept writes back as
/// a line read the same.
fn journal(data: &[u8]) {
    use afscope::model::journal::{EventReader, Keep};
    let full = Replay::read_stream(data, Keep::All).unwrap();
    let lean = Replay::read_stream(data, Keep::Labels).unwrap();
    let mut reader = EventReader::new(data);
    let mut events = Vec::new();
    while let Some(item) = reader.next_event().unwrap() {
        if let Ok((_, e)) = item {
            events.push(e);
        }
    }
    assert_eq!(full.events, events);
    assert_eq!(full.unmatched_undos, lean.unmatched_undos);
    let want: Vec<_> = full.labels().into_iter().cloned().collect();
    assert_eq!(lean.into_labels().collect::<Vec<_>>(), want);
    for e in &full.events {
        let again = Replay::parse(&e.line());
        assert_eq!(again.events.len(), 1);
    }
    let _ = Replay::parse(&text(data)).labels();
}

/// A label file in every layout (CSV, TSV, JSON, JSONL, journal): read without a
/// panic, each problem naming the file.
fn label_sheet(data: &[u8]) {
    for ending in ["csv", "tsv", "json", "jsonl"] {
        let name = format!("labels.{ending}");
        let path = scratch(&format!("labels.{ending}"), data);
        let file = labels::read(&path, &LabelMapping::default());
        for p in &file.problems {
            assert!(p.to_string().contains(&name), "{p}");
        }
    }
}
