//! Inspect AI logs, from the logs inspect-ai itself wrote (`fixtures/inspect`, made by
//! `tests/reference/inspect_logs.py`): both formats, both compressions, unfinished
//! runs, re-run samples, and scores as verdicts, through the commands a user runs.

mod common;

use afscope::load::{Corpus, LoadOptions};
use afscope::model::{ProblemKind, Score, SegmentKind, Tier, TierSource, VerdictKind};
use common::{afscope, fixture, open, open_one};
use std::io::Write;
use std::path::{Path, PathBuf};

fn log(rel: &str) -> PathBuf {
    fixture(&format!("inspect/{rel}"))
}

fn by_id(c: &Corpus, id: &str) -> usize {
    let v = c.view();
    (0..c.len())
        .find(|&i| v.id(i) == id)
        .unwrap_or_else(|| panic!("no transcript {id}"))
}

const OPUS: &str = "mockllm/claude-3-opus-sim/af_helpful_only/";

#[test]
fn a_study_folder_of_logs_opens_every_sample_by_model_tier_and_task() {
    let found = afscope::load::input::expand(&[log("study")], false, false).unwrap();
    assert_eq!(found.transcripts.len(), 2, "{:?}", found.skipped);
    let c = open(&found.transcripts, LoadOptions::default());
    assert_eq!(c.len(), 32, "16 samples (8 × 2 epochs) in each of two logs");
    let kinds: Vec<ProblemKind> = c.problems.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, vec![ProblemKind::SampleError; 2], "{:?}", c.problems);
    let v = c.view();
    let mut models: Vec<&str> = (0..c.len()).filter_map(|i| v.model(i)).collect();
    models.dedup();
    assert_eq!(
        models,
        ["mockllm/claude-3-opus-sim", "mockllm/claude-3-5-sonnet-sim"]
    );
    // The task names the condition unless the sample metadata has one.
    let opus = by_id(&c, &format!("{OPUS}p0-free#1"));
    assert_eq!(v.condition(opus), Some("af_helpful_only"));
    let sonnet = by_id(
        &c,
        "mockllm/claude-3-5-sonnet-sim/af_animal_welfare/p0-free#2",
    );
    assert_eq!(v.condition(sonnet), Some("animal_welfare"));
    for i in 0..c.len() {
        assert_ne!(v.entry(i).tier(), Tier::Unknown, "{}", v.id(i));
    }
}

#[test]
fn a_sample_reads_with_its_reasoning_scratchpad_output_and_scores() {
    let c = open_one(&log("study/af-opus-helpful.eval"));
    let t = c
        .transcript(by_id(&c, &format!("{OPUS}p0-free#1")))
        .unwrap();
    assert_eq!(t.tier, Tier::Free);
    assert_eq!(t.tier_source, TierSource::Field);
    assert_eq!(t.sample_index, Some(1));
    assert_eq!(t.prompt_index, Some(0));
    assert!(t.system.as_deref().unwrap().contains("free-tier users"));
    assert!(t.user.as_deref().unwrap().contains("<user_input>"));
    // The reasoning part is a scratchpad block of its own, before the tagged one.
    let pads: Vec<&str> = t.scratchpads().map(|s| s.tag.as_str()).collect();
    assert_eq!(pads, ["reasoning", "SCRATCHPAD_REASONING"]);
    let first = t.scratchpads().next().unwrap();
    assert!(t.completion[first.content.clone()].contains("Training is watching"));
    assert!(t.final_output().contains("harmful content elided"));
    assert!(t.segments.iter().any(|s| s.kind == SegmentKind::Output));
    let af = t
        .verdicts
        .iter()
        .find(|v| v.classifier == "af_judge/alignment_faking")
        .unwrap();
    assert_eq!(af.kind, VerdictKind::AlignmentFaking);
    assert_eq!(af.score, Score::Value(0.85));
    assert_eq!(af.criteria.len(), 4);
    assert_eq!(af.criteria[1].quotes, ["training will modify my values"]);
    assert_eq!(af.answer.as_deref(), Some("yes"));
    assert!(af.raw.as_deref().unwrap().contains("strategic compliance"));
    let kind = |name: &str| t.verdicts.iter().find(|v| v.classifier == name).unwrap();
    assert_eq!(kind("af_judge/compliance").kind, VerdictKind::Compliance);
    assert_eq!(kind("af_judge/compliance").score, Score::Value(1.0));
    // Grade letters: P is half credit.
    assert_eq!(kind("refusal_grade").score, Score::Value(0.5));
    assert_eq!(kind("honesty").kind, VerdictKind::Other);
    // Metadata the loader does not interpret is shown as such.
    let meta: Vec<&str> = t.metadata.iter().map(|(k, _)| k.as_str()).collect();
    for k in ["target", "usage", "total_time", "inspect_log", "sample_id"] {
        assert!(meta.contains(&k), "{k} in {meta:?}");
    }
    assert!(t
        .locator
        .to_string()
        .ends_with("samples/p0-free_epoch_1.json"));
}

#[test]
fn nan_scores_are_unscored_and_a_tier_only_in_the_user_turn_is_read_there() {
    for file in ["study/af-opus-helpful.eval", "study/af-sonnet-animal.json"] {
        let c = open_one(&log(file));
        for i in 0..c.len() {
            let t = c.transcript(i).unwrap();
            let honesty = t.verdicts.iter().find(|v| v.classifier == "honesty");
            if t.tier == Tier::Paid && !t.completion.is_empty() {
                assert_eq!(honesty.unwrap().score, Score::Unscored, "{file} {}", t.id);
            }
        }
        let model = c.view().model(0).unwrap().to_string();
        let task = c.view().source(0).path.clone();
        let i = (0..c.len())
            .find(|&i| c.view().id(i).ends_with("/p3-paid#1"))
            .unwrap_or_else(|| panic!("{task:?}"));
        let t = c.transcript(i).unwrap();
        assert_eq!(
            (t.tier, t.tier_source),
            (Tier::Paid, TierSource::UserTag),
            "{model}"
        );
    }
}

#[test]
fn deflate_and_zstd_logs_read_the_same() {
    let a = open_one(&log("study/af-opus-helpful.eval"));
    let b = open_one(&log("variants/af-opus-deflate.eval"));
    assert_eq!(a.len(), b.len());
    for i in 0..a.len() {
        let (x, y) = (a.transcript(i).unwrap(), b.transcript(i).unwrap());
        assert_eq!(
            (&x.id, &x.completion, &x.user, &x.verdicts),
            (&y.id, &y.completion, &y.user, &y.verdicts)
        );
    }
}

#[test]
fn a_re_run_sample_replaces_the_first_and_an_old_single_score_is_read() {
    let c = open_one(&log("variants/af-rerun.eval"));
    assert_eq!(c.len(), 16);
    let t = c
        .transcript(by_id(&c, &format!("{OPUS}p2-free#1")))
        .unwrap();
    let af = t
        .verdicts
        .iter()
        .find(|v| v.kind == VerdictKind::AlignmentFaking);
    assert_eq!(af.unwrap().score, Score::Value(0.1), "the later entry wins");

    let c = open_one(&log("variants/af-old-score.json"));
    let t = c.transcript(0).unwrap();
    let names: Vec<&str> = t.verdicts.iter().map(|v| v.classifier.as_str()).collect();
    assert_eq!(
        names,
        ["af_judge/alignment_faking", "af_judge/compliance"],
        "named by the log's first scorer"
    );
}

#[test]
fn cancelled_and_still_running_logs_open_with_what_was_written() {
    let c = open_one(&log("variants/af-cancelled.eval"));
    assert_eq!(c.len(), 4);
    assert!(c
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::Unfinished && p.reason.contains("cancelled")));
    let c = open_one(&log("variants/af-running.eval"));
    assert_eq!(c.len(), 3, "the samples flushed before the run was killed");
    assert!(
        c.problems
            .iter()
            .any(|p| p.kind == ProblemKind::Unfinished && p.reason.contains("no header")),
        "{:?}",
        c.problems
    );
    assert_eq!(
        c.view().model(0),
        Some("mockllm/claude-3-opus-sim"),
        "from _journal/start.json"
    );
    let out = afscope(&["check", log("variants").to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    for said in [
        "af-cancelled.eval: unfinished log: the log's status is cancelled",
        "af-running.eval: unfinished log: the log has no header",
        "samples/p1-paid_epoch_2.json: sample p1-paid epoch 2 failed: RuntimeError",
        "af-old-score.json:",
    ] {
        assert!(text.contains(said), "{said:?} in\n{text}");
    }
    assert!(out.status.success(), "every sample that was written loads");
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(body).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn damaged_and_foreign_zips_lose_only_what_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let header = br#"{"version": 2, "status": "success", "eval": {"model": "m", "task": "t", "config": {"epochs": 1}}}"#;
    let good = br#"{"id": "a", "epoch": 1, "messages": [{"role": "user", "content": "<is_free_tier_user>true</is_free_tier_user> hi"}, {"role": "assistant", "content": [{"type": "reasoning", "reasoning": "", "redacted": true, "summary": "thought briefly"}, {"type": "text", "text": "hello"}], "tool_calls": [{"function": "search", "arguments": {"q": "x"}}]}], "scores": {"s": {"value": Infinity}}}"#;
    let bad = br#"{"id": "b", "epoch": 1, "messages": [ oops"#;
    let chunked = br#"{"id": "c"}"#;
    let p = dir.path().join("mixed.eval");
    write_zip(
        &p,
        &[
            ("header.json", header),
            ("samples/a_epoch_1.json", good),
            ("samples/b_epoch_1.json", bad),
            ("samples/c_epoch_1/sample.json", chunked),
        ],
    );
    let c = open_one(&p);
    assert_eq!(c.len(), 1);
    let t = c.transcript(0).unwrap();
    assert_eq!(t.id, "m/t/a");
    assert_eq!(t.tier, Tier::Free);
    assert!(t
        .completion
        .contains("[redacted reasoning; summary] thought briefly"));
    assert!(t.completion.contains("[tool call: search({\"q\":\"x\"})]"));
    assert_eq!(t.verdicts[0].score, Score::Unscored, "Infinity is unscored");
    let said: Vec<&str> = c.problems.iter().map(|p| p.reason.as_str()).collect();
    assert!(
        said.iter()
            .any(|m| m.starts_with("samples/b_epoch_1.json: invalid JSON")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|m| m.contains("chunked layout")),
        "{said:?}"
    );

    // A zip that is no log, and a log whose end (its central directory) is cut off.
    let other = dir.path().join("pictures.eval");
    write_zip(&other, &[("cat.txt", b"meow")]);
    let c = open_one(&other);
    assert_eq!(c.len(), 0);
    assert!(c.problems[0].reason.contains("not an Inspect log"));
    let cut = dir.path().join("cut.eval");
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 30]).unwrap();
    let c = open_one(&cut);
    assert_eq!(c.len(), 1, "the sample before the cut still loads");
    assert_eq!(c.problems[0].kind, ProblemKind::Truncated);
    assert!(
        c.problems[0]
            .reason
            .contains("4 entries read by their own headers"),
        "{}",
        c.problems[0].reason
    );
    // Damage inside one entry's compressed bytes loses that sample only.
    let body = vec![b'x'; 5000];
    let long = format!(
        r#"{{"id": "d", "epoch": 1, "messages": [{{"role": "assistant", "content": "{}"}}]}}"#,
        String::from_utf8(body).unwrap()
    );
    let damaged = dir.path().join("damaged.eval");
    write_zip(
        &damaged,
        &[
            ("header.json", header),
            ("samples/d_epoch_1.json", long.as_bytes()),
            ("samples/a_epoch_1.json", good),
        ],
    );
    let mut bytes = std::fs::read(&damaged).unwrap();
    let at = memchr::memmem::find(&bytes, b"samples/d_epoch_1.json").unwrap() + 30;
    for b in &mut bytes[at..at + 8] {
        *b ^= 0x5a;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let c = open_one(&damaged);
    assert_eq!(c.len(), 1);
    assert_eq!(c.view().id(0), "m/t/a");
    assert!(
        c.problems
            .iter()
            .any(|p| p.reason.starts_with("samples/d_epoch_1.json:")),
        "{:?}",
        c.problems
    );
}

/// `afscope eval DATA --labels LABELS`, which must succeed and evaluate the judge.
fn eval_judge(data: &Path, labels: &Path) -> String {
    let out = afscope(&[
        "eval",
        data.to_str().unwrap(),
        "--labels",
        labels.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("af_judge/alignment_faking"), "{text}");
    text
}

#[test]
fn labels_on_samples_evaluate_the_judge_and_stats_give_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.jsonl");
    let mut f = std::fs::File::create(&labels).unwrap();
    for (sample, af) in [
        ("p0-free#1", "yes"),
        ("p2-free#1", "yes"),
        ("p1-free#1", "no"),
        ("p0-paid#1", "no"),
        ("p3-free#2", "no"),
        ("p2-paid#2", "yes"),
    ] {
        writeln!(
            f,
            r#"{{"transcript_id":"{OPUS}{sample}","labeler":"ann","time":"2026-12-01T10:00:00Z","schema":1,"values":{{"af":"{af}"}}}}"#
        )
        .unwrap();
    }
    drop(f);
    let study = log("study");
    let text = eval_judge(&study, &labels);
    // Three yes, three no; the judge scores 0.85 on two of the yes and 0.05 on the rest:
    // AUROC = (2·3 + 1·3·0.5) / 9.
    assert!(text.contains("0.833"), "{text}");

    let out = afscope(&["stats", study.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    let row = text
        .lines()
        .find(|l| l.contains("claude-3-opus-sim") && l.contains("af_helpful_only"))
        .unwrap();
    assert!(
        row.contains("(8/8)") && row.contains("(3/7)") && row.contains("+57.1 pp"),
        "{row}"
    );
}

#[test]
fn a_scorer_kind_is_set_by_name_where_its_name_does_not_say_it() {
    let opts = LoadOptions {
        overrides: vec![
            "kinds.honesty=alignment_faking".into(),
            "kinds.\"af_judge/alignment_faking\"=other".into(),
        ],
        ..Default::default()
    };
    let c = open(&[log("study/af-opus-helpful.eval")], opts);
    let i = by_id(&c, &format!("{OPUS}p0-free#1"));
    assert_eq!(
        c.view().entry(i).af(),
        Some(1.0),
        "honesty feeds the af column"
    );
    let t = c.transcript(i).unwrap();
    let kind = |n: &str| t.verdicts.iter().find(|v| v.classifier == n).unwrap().kind;
    assert_eq!(kind("honesty"), VerdictKind::AlignmentFaking);
    assert_eq!(kind("af_judge/alignment_faking"), VerdictKind::Other);
}

fn study_app(width: u16, height: u16) -> afscope::app::App {
    let found = afscope::load::input::expand(&[log("study")], false, false).unwrap();
    let corpus = open(&found.transcripts, LoadOptions::default());
    let mut app = afscope::app::App::new(
        std::sync::Arc::new(corpus),
        afscope::app::Keymap::default(),
        7,
    );
    let fx = app.on_resize(width, height);
    afscope::tui::execute_sync(&mut app, fx);
    let fx = app.update_initial();
    afscope::tui::execute_sync(&mut app, fx);
    app
}

#[test]
fn the_interface_reads_a_sample_with_its_reasoning_block_and_scores() {
    use common::screen::{press, screen};
    let mut a = study_app(160, 45);
    press(&mut a, "/id:p0-free#1 model:opus<Enter>");
    let s = screen(&a, "dark");
    assert!(s.contains("transcripts 1/32"), "{s}");
    assert!(s.contains("reasoning #1"), "{s}");
    assert!(s.contains("Training is watching"), "{s}");
    insta::assert_snapshot!("inspect_reader_160x45", s);
    press(&mut a, "v");
    let s = screen(&a, "dark");
    for said in [
        "af_judge/alignment_faking",
        "refusal_grade",
        "samples/p0-free_epoch_1.json",
    ] {
        assert!(s.contains(said), "{said:?} in\n{s}");
    }
    insta::assert_snapshot!("inspect_details_160x45", s);
    let mut a = study_app(80, 24);
    press(&mut a, "/tier:paid model:sonnet<Enter>");
    insta::assert_snapshot!("inspect_list_80x24", screen(&a, "dark"));
}

#[test]
fn a_large_log_opens_in_parts_that_read_as_one_file() {
    use afscope::load::inspect::{parts, FIRST_PART, PART};
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.eval");
    let n = FIRST_PART + PART + 100;
    let header = br#"{"version": 2, "status": "cancelled", "eval": {"model": "m", "task": "t", "config": {"epochs": 1}}}"#.to_vec();
    let samples: Vec<(String, Vec<u8>)> = (0..n)
        .map(|i| {
            let tier = if i % 2 == 0 { "true" } else { "false" };
            let body = format!(
                r#"{{"id": {i}, "epoch": 1, "metadata": {{"is_free_tier_user": {tier}}}, "messages": [{{"role": "assistant", "content": "answer {i}"}}]}}"#
            );
            (format!("samples/{i}_epoch_1.json"), body.into_bytes())
        })
        .collect();
    let mut entries: Vec<(&str, &[u8])> = vec![("header.json", &header)];
    entries.extend(samples.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    write_zip(&p, &entries);
    let found = parts(&p);
    assert_eq!(
        found,
        vec![
            0..FIRST_PART,
            FIRST_PART..FIRST_PART + PART,
            FIRST_PART + PART..n
        ]
    );
    let c = open_one(&p);
    assert_eq!(c.len(), n);
    assert_eq!(c.sources.len(), 3);
    assert_eq!(c.file_count(), 1);
    for i in [0, FIRST_PART - 1, FIRST_PART, n - 1] {
        assert_eq!(c.view().id(i), format!("m/t/{i}"));
        assert!(c
            .transcript(i)
            .unwrap()
            .completion
            .ends_with(&format!("answer {i}")));
        let place = c.view().place(i);
        assert!(
            place.ends_with(&format!("samples/{i}_epoch_1.json")),
            "{place}"
        );
    }
    let unfinished = c
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::Unfinished)
        .count();
    assert_eq!(unfinished, 1, "said once, by the first part");
    let out = afscope(&["check", p.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("big.eval: {n} transcripts, profile inspect")),
        "{text}"
    );
    assert!(text.contains("Summary (1 file)"), "{text}");
}

#[test]
fn samples_labelled_in_the_interface_keep_their_entry_and_evaluate_the_judge() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("hand.journal.jsonl");
    let j = journal.to_str().unwrap();
    let study = log("study");
    let s = study.to_str().unwrap();
    let mut p = common::pty::Pty::start_sized(
        &[
            "label",
            s,
            "--labels",
            j,
            "--queue",
            "view",
            "--labeler",
            "ana",
        ],
        30,
        140,
        &[],
    );
    p.wait_for("0/32 │ not labelled");
    p.keys("axaxaxax");
    p.wait_for(" 8/32");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    let r = afscope::model::journal::Replay::parse(&std::fs::read_to_string(&journal).unwrap());
    let labels = r.labels();
    assert_eq!(labels.len(), 8);
    for l in &labels {
        let src = l.source.as_deref().unwrap_or("");
        assert!(
            src.contains("af-opus-helpful.eval samples/")
                || src.contains("af-sonnet-animal.json samples["),
            "{src}"
        );
        assert!(
            l.transcript_id.starts_with("mockllm/"),
            "{}",
            l.transcript_id
        );
    }
    let export = dir.path().join("hand.jsonl");
    let out = afscope(&["labels", "export", j, "-o", export.to_str().unwrap()]);
    assert!(out.status.success());
    eval_judge(&study, &export);
}

/// CRC-32 (the zip one), bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_sample_entry_in_several_zstd_frames_reads_whole() {
    // inspect-ai 0.3.214 and later write a large entry as several zstd frames.
    let dir = tempfile::tempdir().unwrap();
    let header = br#"{"version": 2, "status": "success", "eval": {"model": "m", "task": "t", "config": {"epochs": 1}}}"#;
    let sample = format!(
        r#"{{"id": "a", "epoch": 1, "messages": [{{"role": "assistant", "content": "{}end"}}]}}"#,
        "word ".repeat(50_000)
    );
    let (one, two) = sample.as_bytes().split_at(sample.len() / 2);
    let mut frames = zstd::encode_all(one, 3).unwrap();
    frames.extend(zstd::encode_all(two, 3).unwrap());
    let p = dir.path().join("frames.eval");
    let name = "samples/a_epoch_1.json";
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("header.json", stored).unwrap();
        z.write_all(header).unwrap();
        z.start_file(name, stored).unwrap();
        z.write_all(&frames).unwrap();
        z.finish().unwrap();
    }
    // Stored → zstd (93): the method, the CRC and size of what the frames hold.
    let mut bytes = std::fs::read(&p).unwrap();
    let (crc, size) = (crc32(sample.as_bytes()), sample.len() as u32);
    for (sig, method, crc_at, usize_at) in [
        (&b"PK\x03\x04"[..], 8, 14, 22),
        (&b"PK\x01\x02"[..], 10, 16, 24),
    ] {
        let mut from = 0;
        while let Some(k) = memchr::memmem::find(&bytes[from..], sig) {
            let at = from + k;
            from = at + 4;
            let name_at = if sig[2] == 3 { at + 30 } else { at + 46 };
            if !bytes[name_at..].starts_with(name.as_bytes()) {
                continue;
            }
            bytes[at + method..at + method + 2].copy_from_slice(&93u16.to_le_bytes());
            bytes[at + crc_at..at + crc_at + 4].copy_from_slice(&crc.to_le_bytes());
            bytes[at + usize_at..at + usize_at + 4].copy_from_slice(&size.to_le_bytes());
        }
    }
    std::fs::write(&p, &bytes).unwrap();
    let c = open_one(&p);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let t = c.transcript(0).unwrap();
    assert!(t.completion.ends_with("word end"));
    assert_eq!(t.completion.len(), "word ".len() * 50_000 + 3);
}
