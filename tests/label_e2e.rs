//! A labeler's session on the real binary in a pseudo-terminal: a stratified blind
//! queue of 100 transcripts labelled with single keys, stopped and resumed, exported,
//! and read by `afscope eval`.

mod common;

use afscope::model::journal::Replay;
use afscope::model::LabelRecord;
use common::pty::Pty;
use common::{afscope, afscope_json};

fn synth(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("runs.jsonl");
    let out = afscope(&[
        "synth",
        "--out",
        path.to_str().unwrap(),
        "--size-mb",
        "1",
        "--seed",
        "1",
    ]);
    assert!(out.status.success());
    path
}

/// `afscope label` over the evaluation fixture's view, into journal `j`.
fn view_session(j: &str) -> Vec<&str> {
    vec![
        "label",
        "fixtures/eval/transcripts.jsonl",
        "--labels",
        j,
        "--queue",
        "view",
    ]
}

#[test]
fn a_hundred_blind_stratified_labels_stopped_resumed_exported_and_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let data = synth(dir.path());
    let journal = dir.path().join("hand.journal.jsonl");
    let (d, j) = (data.to_str().unwrap(), journal.to_str().unwrap());
    let mut p = Pty::start_sized(
        &[
            "label",
            d,
            "--labels",
            j,
            "--queue",
            "stratified",
            "--per-stratum",
            "8",
            "--target",
            "100",
            "--blind",
            "--seed",
            "5",
            "--labeler",
            "ana",
        ],
        30,
        140,
        &[],
    );
    // 8 models × 2 tiers; strata smaller than 8 give what they have.
    p.wait_for("labeling stratified 8/stratum · blind: 117 items");
    let first = p.screen();
    for leak in [
        "claude",
        "gpt-4o",
        "llama",
        "free 9",
        "FREE TIER",
        "PAID TIER",
    ] {
        assert!(!first.contains(leak), "{leak} shows blind:\n{first}");
    }
    p.keys(&"axu".repeat(20));
    p.wait_for(" 60/100");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    // Resume: no queue given, the journal knows the session.
    let mut p = Pty::start_sized(
        &["label", d, "--labels", j, "--labeler", "ana"],
        30,
        140,
        &[],
    );
    p.wait_for("resumed stratified 8/stratum · blind: 60/100 labelled; at item 61 of 117");
    p.keys(&"ax".repeat(20));
    let done = p.wait_for("target reached");
    assert!(done.contains("100/100"), "{done}");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    // Every label is in the journal, made blind, with its source.
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    assert!(r.bad.is_empty());
    let labels = r.labels();
    assert_eq!(labels.len(), 100);
    assert!(labels.iter().all(|l| l.labeler == "ana"
        && l.shown.as_ref().is_some_and(|s| s == "hidden")
        && l.source
            .as_deref()
            .is_some_and(|s| s.contains("runs.jsonl:"))));
    let counts = |v: &str| labels.iter().filter(|l| l.af() == Some(v)).count();
    assert_eq!(
        (counts("yes"), counts("no"), counts("unsure")),
        (40, 40, 20)
    );
    // Exported labels are what eval reads; the journal itself gives the same numbers.
    let export = dir.path().join("hand.jsonl");
    let out = afscope(&["labels", "export", j, "-o", export.to_str().unwrap()]);
    assert!(out.status.success());
    let lines: Vec<LabelRecord> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 100);
    let base = [
        "eval",
        d,
        "--json",
        "--resamples",
        "0",
        "--vote-repeats",
        "1",
    ];
    let mut a = base.to_vec();
    a.extend(["--labels", export.to_str().unwrap()]);
    let ra = afscope_json(&a);
    let c = &ra["classifiers"][0];
    // Yes and no count, unsure is left out, and so are transcripts whose verdict failed.
    let failed = c["left_out"]["failed"].as_u64().unwrap();
    assert_eq!(c["n"].as_u64().unwrap() + failed, 80);
    assert_eq!(c["left_out"]["unsure"], 20);
    assert!(c["positives"].as_u64().unwrap() + failed >= 40);
    let mut b = base.to_vec();
    b.extend(["--labels", j]);
    assert_eq!(afscope_json(&b)["classifiers"], ra["classifiers"]);
}

#[test]
fn a_second_labeler_on_the_same_journal_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let j = journal.to_str().unwrap();
    let args = view_session(j);
    let mut first = args.to_vec();
    first.extend(["--labeler", "ana"]);
    let mut a = Pty::start_sized(&first, 30, 140, &[]);
    a.wait_for("labeling view: 48 items");
    let mut second = args.to_vec();
    second.extend(["--labeler", "ben"]);
    let mut b = Pty::start_sized(&second, 30, 140, &[]);
    b.wait_for("is open for labeling by ana (pid");
    // Whole, wrapped if need be, with the way to go on.
    let s = b.wait_for("(--labels mine.jsonl)");
    assert!(s.contains("merge"), "{s}");
    b.keys("a");
    a.keys("a");
    a.wait_for("✓ saved claude-3-opus/helpful_only/p0/free af=yes");
    b.keys("q");
    a.keys("q");
    assert_eq!((a.wait_exit(), b.wait_exit()), (0, 0));
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    let labelers: Vec<&str> = r.labels().iter().map(|l| l.labeler.as_str()).collect();
    assert_eq!(labelers, ["ana"]);
}

#[test]
fn a_journal_deleted_mid_session_blocks_then_rescues_the_unsaved_label() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let j = journal.to_str().unwrap();
    let mut args = view_session(j);
    args.extend(["--labeler", "ana"]);
    let mut p = Pty::start_sized(&args, 30, 140, &[("TMPDIR", tmp.to_str().unwrap())]);
    p.wait_for("labeling view: 48 items");
    p.keys("a");
    p.wait_for("✓ saved claude-3-opus/helpful_only/p0/free af=yes");
    std::fs::remove_file(&journal).unwrap();
    p.keys("x");
    let s = p.wait_for("label NOT saved");
    assert!(s.contains("moved or deleted"), "{s}");
    assert!(
        !s.contains("✓ saved claude-3-opus/helpful_only/p0/paid"),
        "{s}"
    );
    // Other keys do nothing; a retry fails the same way; Q rescues and quits.
    p.keys("jr");
    p.wait_for("label NOT saved");
    p.keys("Q");
    assert_eq!(p.wait_exit(), 0);
    let raw = String::from_utf8_lossy(&p.raw()).into_owned();
    let rescued: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("afscope-unsaved-labels-"))
        .collect();
    assert_eq!(rescued.len(), 1, "{raw}");
    assert!(
        raw.contains(&*rescued[0].to_string_lossy()),
        "the path is named"
    );
    let r = Replay::parse(&std::fs::read_to_string(&rescued[0]).unwrap());
    let labels = r.labels();
    assert_eq!(labels.len(), 1);
    assert_eq!(
        labels[0].transcript_id,
        "claude-3-opus/helpful_only/p0/paid"
    );
    assert_eq!(labels[0].af(), Some("no"));
}

#[test]
fn labeling_a_real_result_file_blind_then_evaluating() {
    let Some(data) = common::sample("causal-audit/results/results_scored_rigorous_5Feb.json")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("hand.jsonl");
    let (d, j) = (data.to_str().unwrap(), journal.to_str().unwrap());
    let args = [
        "label",
        d,
        "--labels",
        j,
        "--queue",
        "stratified",
        "--per-stratum",
        "5",
        "--blind",
        "--labeler",
        "ana",
    ];
    let mut p = Pty::start_sized(&args, 30, 140, &[]);
    p.wait_for("labeling stratified 5/stratum · blind: 10 items");
    let s = p.screen();
    assert!(!s.contains("FREE TIER") && !s.contains("PAID TIER"), "{s}");
    p.keys("axaxaxaxax");
    p.wait_for("target reached");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    assert_eq!(r.labels().len(), 10);
    // The source locator names the record: array index, line and wide-layout key.
    let sources: Vec<_> = r.labels().iter().map(|l| l.source.clone()).collect();
    assert!(
        sources.iter().all(|s| s.as_deref().is_some_and(|s| s
            .contains("results_scored_rigorous_5Feb.json[")
            && s.contains("(line "))),
        "{sources:?}"
    );
    let report = afscope_json(&[
        "eval",
        d,
        "--labels",
        j,
        "--json",
        "--resamples",
        "0",
        "--classifier",
        "judge",
    ]);
    let c = &report["classifiers"][0];
    assert_eq!(
        c["n"].as_u64().unwrap() + c["left_out"]["failed"].as_u64().unwrap(),
        10,
        "{c}"
    );
}

#[test]
fn labeling_the_filtered_view_from_the_inspector() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let j = journal.to_str().unwrap();
    let mut p = Pty::start_sized(
        &["fixtures/eval/transcripts.jsonl", "--labels", j],
        30,
        140,
        &[("USER", "ana")],
    );
    p.wait_for("transcripts 48/48");
    p.keys("/tier:paid model:llama\r");
    p.wait_for("transcripts 12/48");
    p.keys("i");
    p.wait_for("labeling view: 12 items");
    p.keys("x");
    p.wait_for("✓ saved llama-3.1-405b/");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    let labels = r.labels();
    assert_eq!(labels.len(), 1);
    assert_eq!(labels[0].labeler, "ana", "the login name by default");
    assert!(
        labels[0].transcript_id.starts_with("llama-3.1-405b/")
            && labels[0].transcript_id.ends_with("/paid")
    );
    assert!(matches!(
        r.events[0],
        afscope::model::journal::Event::Session { .. }
    ));
}

/// Sets the soft file-size limit of a running process (util-linux `prlimit`).
fn limit_file_size(pid: u32, bytes: &str) -> bool {
    std::process::Command::new("prlimit")
        .args([
            "--pid",
            &pid.to_string(),
            &format!("--fsize={bytes}:unlimited"),
        ])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_write_cut_off_mid_line_by_a_file_size_limit_is_taken_back_and_the_retry_kept() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let j = journal.to_str().unwrap();
    let mut args = view_session(j);
    args.extend(["--labeler", "ana"]);
    let mut p = Pty::start_sized(&args, 30, 140, &[]);
    p.wait_for("labeling view: 48 items");
    p.keys("a");
    p.wait_for("✓ saved claude-3-opus/helpful_only/p0/free af=yes");
    let pid = p.child.process_id().expect("pid");
    // The next label's line gets 25 bytes onto the disk, then the write fails.
    let size = std::fs::metadata(&journal).unwrap().len();
    if !limit_file_size(pid, &(size + 25).to_string()) {
        eprintln!("skipped: prlimit is not available");
        p.keys("q");
        return;
    }
    p.keys("x");
    let s = p.wait_for("label NOT saved");
    assert!(
        !s.contains("✓ saved claude-3-opus/helpful_only/p0/paid"),
        "{s}"
    );
    assert_eq!(
        std::fs::metadata(&journal).unwrap().len(),
        size,
        "the part of the line that reached the file was taken back"
    );
    assert!(limit_file_size(pid, "unlimited"));
    p.keys("r");
    p.wait_for("✓ saved claude-3-opus/helpful_only/p0/paid af=no");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    let r = Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    let labels = r.labels();
    assert_eq!(labels.len(), 2);
    assert_eq!(
        r.current("claude-3-opus/helpful_only/p0/paid", "ana")
            .and_then(|l| l.af()),
        Some("no")
    );
}

#[test]
fn a_rescue_that_fails_too_is_said_after_the_terminal_is_restored_with_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let j = journal.to_str().unwrap();
    let mut args = view_session(j);
    args.extend(["--labeler", "ana"]);
    let nowhere = dir.path().join("no-such-folder");
    let mut p = Pty::start_sized(&args, 30, 140, &[("TMPDIR", nowhere.to_str().unwrap())]);
    p.wait_for("labeling view: 48 items");
    p.keys("a");
    p.wait_for("✓ saved claude-3-opus/helpful_only/p0/free af=yes");
    std::fs::remove_file(&journal).unwrap();
    p.keys("x");
    p.wait_for("label NOT saved");
    p.keys("Q");
    assert_eq!(p.wait_exit(), 1);
    let raw = String::from_utf8_lossy(&p.raw()).into_owned();
    // Printed after leaving the alternate screen, so it stays on the terminal.
    let left = raw
        .find("\u{1b}[?1049l")
        .expect("the alternate screen is left");
    let said = raw
        .find("could not be saved to the journal, nor to a rescue file")
        .expect(&raw);
    assert!(said > left, "{raw}");
    assert!(
        raw[said..].contains("claude-3-opus/helpful_only/p0/paid"),
        "{raw}"
    );
}
