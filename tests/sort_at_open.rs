//! A count sorts a folder's files where it opens them (one read of each): what it
//! finds (transcripts, verdicts, labels, files that are not data) and how it joins
//! them equal sorting every file first, on the library and on the command line.

mod common;

use afscope::load::{Corpus, LoadOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A folder of every role: the demo transcripts split over JSONL files (one with a
/// byte-order mark, one compressed, one a JSON array), an empty JSONL file, the demo
/// verdicts, a label journal under a plain name and a label file by its name, a CSV
/// of labels, and a README.
fn mixed_folder(dir: &Path) {
    let demo = std::fs::read_to_string(fixture("demo.jsonl")).unwrap();
    let lines: Vec<&str> = demo.lines().collect();
    let part = |from: usize, to: usize| -> String {
        lines[from..to.min(lines.len())]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect()
    };
    std::fs::write(dir.join("a.jsonl"), part(0, 8)).unwrap();
    let bom = [&b"\xef\xbb\xbf"[..], part(8, 14).as_bytes()].concat();
    std::fs::write(dir.join("b.jsonl"), bom).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(part(14, 20).as_bytes()).unwrap();
    std::fs::write(dir.join("c.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let array: Vec<serde_json::Value> = lines[20..]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    std::fs::write(dir.join("d.json"), serde_json::to_string(&array).unwrap()).unwrap();
    std::fs::write(dir.join("e.jsonl"), "").unwrap();
    std::fs::copy(fixture("demo-verdicts.jsonl"), dir.join("judge.jsonl")).unwrap();
    std::fs::copy(fixture("demo-labels.jsonl"), dir.join("ana.jsonl")).unwrap();
    // A label file by its name, in another labeler's words.
    let ids: Vec<String> = lines[..6]
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    let bo: String = ids
        .iter()
        .enumerate()
        .map(|(k, id)| {
            format!("{{\"transcript_id\":{id},\"labeler\":\"bo\",\"time\":\"2026-11-21T10:0{k}:00Z\",\"schema\":1,\"values\":{{\"af\":\"no\"}}}}\n")
        })
        .collect();
    std::fs::write(dir.join("bo.labels.jsonl"), bo).unwrap();
    std::fs::write(dir.join("README.md"), "# runs\n").unwrap();
}

/// The inputs as a load plans them, opened.
fn open(dir: &Path, index_only: bool, query: &afscope::query::Query) -> (Corpus, Vec<bool>) {
    let inputs = afscope::load::input::expand(&[dir.to_path_buf()], false, index_only).unwrap();
    let opts = LoadOptions {
        transcript_claims: inputs.claims.clone(),
        transcript_bytes: inputs.bytes.clone(),
        transcript_sort_at_open: inputs.sort_at_open.clone(),
        verdicts: inputs.verdicts.clone(),
        more_labels: inputs.labels.clone(),
        tests: query.record_tests(),
        index_only,
        ..LoadOptions::default()
    };
    let mut corpus = Corpus::open(&inputs.transcripts, &opts, &mut |_, _, _| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    let late = std::mem::replace(&mut corpus.skipped_inputs, inputs.skipped.clone());
    corpus.skipped_inputs.extend(late);
    (corpus, inputs.sort_at_open)
}

/// What a corpus holds, as far as a command can tell.
fn summary(c: &Corpus, query: &afscope::query::Query) -> String {
    let v = c.view();
    let p = query.prepare(c);
    let rows: Vec<String> = (0..c.len())
        .map(|i| {
            let t = c.transcript(i).unwrap();
            format!(
                "{} {:?} {:?} {} verdicts={} labels={} match={}",
                v.id(i),
                v.model(i),
                v.entry(i).tier(),
                v.source(i).profile.name(),
                t.verdicts.len(),
                c.labels_of(i).count(),
                p.fields(i).unwrap_or_else(|| p.matches(i)),
            )
        })
        .collect();
    format!(
        "{}\njoins {:?}\nlabel files {:?}\nlabels {:?}\nskipped {:?}\nproblems {:?}",
        rows.join("\n"),
        c.joins,
        c.label_files,
        c.labels,
        c.skipped_inputs,
        c.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>()
    )
}

#[test]
fn a_folder_sorted_where_it_is_opened_reads_as_one_sorted_first() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    let query = afscope::query::Query::parse("scratchpad:values af>=0.5").unwrap();
    let (first, at_open) = open(dir.path(), false, &query);
    assert!(at_open.iter().all(|s| !s));
    let (late, at_open) = open(dir.path(), true, &query);
    // Every data file is left to its open: the verdict and label files too.
    assert_eq!(at_open, vec![true; 8]);
    assert_eq!(late.sources.len(), 5, "a, b, c, d and the empty e");
    assert_eq!(late.joins.len(), 1);
    assert_eq!(late.label_files.len(), 2);
    assert!(late.labels.len() > 6);
    assert_eq!(summary(&late, &query), summary(&first, &query));
    // The small plain files were read once, into the buffer, and let go of; reading
    // their ids for the joins mapped them again.
    assert!(late.sources.iter().all(|s| !s.bytes.lost()));
}

/// A folder holding a file that sorting might leave out (no ending it knows) is
/// sorted first, as before: the two ways never mix.
#[test]
fn a_folder_with_a_file_of_no_known_ending_is_sorted_first() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    std::fs::write(dir.path().join("notes"), "nothing here\n").unwrap();
    std::fs::copy(fixture("demo.jsonl"), dir.path().join("more")).unwrap();
    let query = afscope::query::Query::parse("label:any").unwrap();
    let (first, _) = open(dir.path(), false, &query);
    let (late, at_open) = open(dir.path(), true, &query);
    assert!(at_open.iter().all(|s| !s));
    assert_eq!(summary(&late, &query), summary(&first, &query));
    assert!(late.skipped_inputs.iter().any(|p| p.ends_with("notes")));
}

/// On the command line: a count (sorted where opened) agrees with the listing
/// (sorted first) on every query over the joined verdicts and labels.
#[test]
fn a_count_of_a_mixed_folder_agrees_with_its_listing() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    let d = dir.path().to_str().unwrap();
    for q in [
        "",
        "af>=0.5",
        "label:af",
        "label:no",
        "label:any",
        "scratchpad:values",
        "tier:free af:none",
        "spans>0",
        "quote:exact",
    ] {
        let out = common::afscope(&["list", d, "-q", q, "--count"]);
        assert!(
            out.status.success(),
            "{q}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let table = String::from_utf8(out.stdout).unwrap();
        let total = table
            .lines()
            .find_map(|l| l.strip_prefix("total"))
            .map(|t| {
                t.split_whitespace()
                    .last()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .unwrap_or(0);
        let out = common::afscope(&["list", d, "-q", q, "--format", "jsonl"]);
        assert!(out.status.success(), "{q}");
        let rows = String::from_utf8(out.stdout).unwrap().lines().count();
        assert_eq!(total, rows, "{q}: {table}");
        if q == "label:no" {
            assert!(rows >= 6, "bo's six labels and ana's");
        }
    }
}

/// A file gone between the folder's walk and its open is reported, naming it, as a
/// file that cannot be read; the rest of the folder opens and joins as before.
#[test]
fn a_file_gone_before_its_open_is_reported_and_the_rest_opens() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    let query = afscope::query::Query::parse("label:any").unwrap();
    let inputs = afscope::load::input::expand(&[dir.path().to_path_buf()], false, true).unwrap();
    assert!(inputs.sort_at_open.iter().all(|s| *s));
    let gone = dir.path().join("a.jsonl");
    std::fs::remove_file(&gone).unwrap();
    let opts = LoadOptions {
        transcript_sort_at_open: inputs.sort_at_open.clone(),
        verdicts: inputs.verdicts.clone(),
        more_labels: inputs.labels.clone(),
        tests: query.record_tests(),
        index_only: true,
        ..LoadOptions::default()
    };
    let c = Corpus::open(&inputs.transcripts, &opts, &mut |_, _, _| {
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    let about: Vec<&afscope::model::Problem> =
        c.problems.iter().filter(|p| p.file == gone).collect();
    assert_eq!(about.len(), 1, "{:?}", c.problems);
    assert_eq!(about[0].kind, afscope::model::ProblemKind::Io);
    let (first, _) = open(dir.path(), false, &query);
    assert_eq!(c.len(), first.len());
    assert_eq!(c.joins, first.joins);
    assert_eq!(c.label_files, first.label_files);
}
