//! Numbers and labels exactly right at their edges: scores at a threshold, votes in
//! every spelling, records every command counts the same, joins that never shift,
//! integers kept whole, and labels that mean one thing everywhere.

mod common;

use common::{afscope, afscope_json};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The number `list --count` prints in its total row.
fn count(args: &[&str]) -> u64 {
    let mut a = vec!["list"];
    a.extend_from_slice(args);
    a.push("--count");
    let out = afscope(&a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let total = text
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap_or_else(|| panic!("no total row in {text}"));
    total.split_whitespace().last().unwrap().parse().unwrap()
}

const AT_THRESHOLD: &str = r#"{"id":"t1","model":"m","tier":"free","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","votes":{"yes":14,"n":20}}]}
{"id":"t2","model":"m","tier":"free","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","score":0.7}]}
{"id":"t3","model":"m","tier":"paid","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","score":0.3}]}
{"id":"t4","model":"m","tier":"paid","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","score":0.69999999}]}
"#;

const AT_THRESHOLD_LABELS: &str = r#"{"transcript_id":"t1","labeler":"ana","time":"2026-11-20T10:00:00Z","schema":1,"values":{"af":"yes"}}
{"transcript_id":"t2","labeler":"ana","time":"2026-11-20T10:00:00Z","schema":1,"values":{"af":"yes"}}
{"transcript_id":"t3","labeler":"ana","time":"2026-11-20T10:00:00Z","schema":1,"values":{"af":"no"}}
{"transcript_id":"t4","labeler":"ana","time":"2026-11-20T10:00:00Z","schema":1,"values":{"af":"no"}}
"#;

#[test]
fn a_score_at_exactly_the_threshold_is_at_or_above_it_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "a.jsonl", AT_THRESHOLD);
    let labels = write(dir.path(), "hand.jsonl", AT_THRESHOLD_LABELS);
    // 14 of 20 votes is 0.7, as the decimal 0.7 is.
    assert_eq!(count(&[&data, "-q", "af>=0.7"]), 2);
    assert_eq!(count(&[&data, "-q", "af=0.7"]), 2);
    assert_eq!(count(&[&data, "-q", "af=0.3"]), 1);
    assert_eq!(count(&[&data, "-q", "af<0.7"]), 2);
    let stats = afscope_json(&["stats", &data, "--threshold", "0.7", "--json"]);
    let free = &stats["rows"][0]["free"]["af"];
    assert_eq!((free["k"].as_u64(), free["n"].as_u64()), (Some(2), Some(2)));
    let paid = &stats["rows"][0]["paid"]["af"];
    assert_eq!((paid["k"].as_u64(), paid["n"].as_u64()), (Some(0), Some(2)));
    let eval = afscope_json(&[
        "eval",
        &data,
        "--labels",
        &labels,
        "--threshold",
        "0.7",
        "--resamples",
        "0",
        "--json",
    ]);
    let c = &eval["classifiers"][0]["at_threshold"];
    assert_eq!(c["tp"].as_u64(), Some(2), "{eval}");
    assert_eq!(c["fp"].as_u64(), Some(0), "{eval}");
}

#[test]
fn votes_written_as_floats_are_read_alike_by_the_index_and_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "a.jsonl",
        r#"{"id":"a","tier":"free","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","votes":[1.0,0.0]}]}
{"id":"b","tier":"paid","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","votes":{"yes":2.0,"n":4}}]}
{"id":"c","tier":"paid","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","votes":{"yes":"1","total":4e0}}]}
"#,
    );
    assert_eq!(count(&[&data, "-q", "af=0.5"]), 2);
    assert_eq!(count(&[&data, "-q", "af=0.25"]), 1);
    let corpus = common::open_one(Path::new(&data));
    for i in 0..corpus.len() {
        let t = corpus.transcript(i).unwrap();
        let v = &t.verdicts[0];
        assert_eq!(
            v.score.value(),
            corpus.view().entry(i).af(),
            "{}: the reader and the index agree",
            t.id
        );
        assert!(v.votes.is_some(), "{}", t.id);
    }
    let check = afscope(&["check", &data]);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("3 scored, 0 failed"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn a_record_check_rejects_is_counted_by_no_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "a.jsonl",
        "{\"id\":\"a\",\"tier\":\"free\",\"completion\":\"ok\"}\n\
         {\"id\":\"b\",\"tier\":\"free\",\"completion\":\"bad \\x41 escape\"}\n\
         {\"id\":\"c\",\"tier\":\"paid\",\"completion\":\"nested\",\"meta\":{\"k\":tru}}\n\
         {\"id\":\"d\",\"tier\":\"paid\",\"completion\":\"raw\ttab\"}\n",
    );
    assert_eq!(count(&[&data]), 1);
    let check = afscope(&["check", &data]);
    let text = stdout(&check);
    assert!(text.contains("transcripts loaded         1"), "{text}");
    assert!(text.contains(":2:"), "{text}");
    assert!(text.contains("invalid escape"), "{text}");
    assert!(text.contains(":3:"), "{text}");
    assert!(text.contains(":4:"), "{text}");
    let stats = afscope_json(&["stats", &data, "--json"]);
    let n: u64 = stats["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["condition"].is_null())
        .map(|r| r["free"]["n"].as_u64().unwrap() + r["paid"]["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 1);
}

const THREE: &str = r#"{"id":"t1","tier":"free","completion":"a"}
{"id":"t2","tier":"free","completion":"b"}
{"id":"t3","tier":"paid","completion":"c"}
"#;

const BY_POSITION: &str = r#"name = "by-position"
format = "jsonl"

[join]
position = true

[[verdicts]]
name = "probe"
kind = "alignment_faking"
style = "score"
path = "p"
"#;

#[test]
fn a_bad_verdict_record_keeps_its_position_in_a_position_join() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "a.jsonl", THREE);
    let profile = write(dir.path(), "pos.toml", BY_POSITION);
    for (name, verdicts, bad_line) in [
        ("v.jsonl", "{\"p\":0.1}\n{\"p\":0.2,,}\n{\"p\":0.3}\n", 2),
        // A blank line is not a record; an unreadable one is.
        (
            "blank.jsonl",
            "{\"p\":0.1}\n\n{\"p\": tru}\n{\"p\":0.3}\n",
            3,
        ),
    ] {
        let v = write(dir.path(), name, verdicts);
        let corpus = common::open(
            &[data.clone().into()],
            afscope::load::LoadOptions {
                verdicts: vec![v.clone().into()],
                verdict_profile: Some(profile.clone()),
                ..Default::default()
            },
        );
        let scores: Vec<Option<f64>> = (0..3).map(|i| corpus.view().entry(i).af()).collect();
        assert_eq!(scores, [Some(0.1), None, Some(0.3)], "{name}");
        let t2 = corpus.transcript(1).unwrap();
        assert!(t2.verdicts.is_empty(), "{name}: t2 gets no verdict");
        let (_, joined, with, without) = common::join_counts(&corpus.joins[0]);
        assert_eq!((joined, with, without), (2, 2, 1), "{name}");
        let reported: Vec<u64> = corpus
            .problems
            .iter()
            .filter(|p| p.file.ends_with(name))
            .filter_map(|p| p.line)
            .collect();
        assert_eq!(reported, [bad_line], "{name}: the bad record is reported");
    }
    // The same with a CSV whose second row has the wrong number of cells.
    let csv_profile = write(
        dir.path(),
        "pos-csv.toml",
        &BY_POSITION
            .replace("jsonl", "csv")
            .replace("style = \"score\"", "style = \"columns\""),
    );
    let v = write(dir.path(), "v.csv", "p,q\n0.1,x\n0.2\n0.3,z\n");
    let corpus = common::open(
        &[data.into()],
        afscope::load::LoadOptions {
            verdicts: vec![v.into()],
            verdict_profile: Some(csv_profile),
            ..Default::default()
        },
    );
    let scores: Vec<Option<f64>> = (0..3).map(|i| corpus.view().entry(i).af()).collect();
    assert_eq!(scores, [Some(0.1), None, Some(0.3)]);
}

#[test]
fn prompt_indices_are_kept_whole_or_refused_never_saturated() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "a.jsonl",
        r#"{"id":"a","tier":"free","prompt_index":5000000000,"completion":"x"}
{"id":"b","tier":"paid","prompt_index":5000000001,"completion":"x"}
{"id":"c","tier":"free","prompt_index":4294967294,"completion":"x"}
{"id":"d","tier":"paid","prompt_index":4.294967294e9,"completion":"x"}
{"id":"e","tier":"free","prompt_index":7.0,"completion":"x"}
{"id":"f","tier":"paid","prompt_index":"7","completion":"x"}
"#,
    );
    let corpus = common::open_one(Path::new(&data));
    let v = corpus.view();
    let pi: Vec<Option<u64>> = (0..v.len()).map(|i| v.entry(i).prompt_index()).collect();
    assert_eq!(
        pi,
        [
            None,
            None,
            Some(4294967294),
            Some(4294967294),
            Some(7),
            Some(7)
        ]
    );
    for (i, want) in pi.iter().enumerate() {
        assert_eq!(corpus.transcript(i).unwrap().prompt_index, *want, "{i}");
    }
    let refused: Vec<u64> = corpus
        .problems
        .iter()
        .filter(|p| p.field.as_deref() == Some("prompt_index"))
        .filter_map(|p| p.line)
        .collect();
    assert_eq!(refused, [1, 2], "{:?}", corpus.problems);
    // a and b do not pair up; c/d and e/f do.
    let pairs = corpus.pairs();
    assert_eq!(pairs.partner(0), None);
    assert_eq!(pairs.partner(1), None);
    assert_eq!(pairs.partner(2), Some(3));
    assert_eq!(pairs.partner(4), Some(5));
}

fn set(seq: u64, id: &str, who: &str, time: &str, af: &str) -> String {
    format!(
        "{{\"event\":\"{}\",\"seq\":{seq},\"label\":{{\"transcript_id\":\"{id}\",\"labeler\":\"{who}\",\"time\":\"{time}\",\"schema\":1,\"values\":{{\"af\":\"{af}\"}}}}}}\n",
        if seq == 1 { "set" } else { "change" }
    )
}

fn undo(seq: u64, undoes: u64, id: &str, who: &str, time: &str) -> String {
    format!("{{\"event\":\"undo\",\"seq\":{seq},\"undoes\":{undoes},\"transcript_id\":\"{id}\",\"labeler\":\"{who}\",\"time\":\"{time}\"}}\n")
}

#[test]
fn a_superseded_label_matches_no_label_term_and_counts_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "a.jsonl", AT_THRESHOLD);
    // A sheet of label records where ana said yes, then no, about t1; and the same as
    // a journal.
    let sheet = write(
        dir.path(),
        "sheet.jsonl",
        &AT_THRESHOLD_LABELS.replacen(
            "\n",
            "\n{\"transcript_id\":\"t1\",\"labeler\":\"ana\",\"time\":\"2026-11-20T10:05:00Z\",\"schema\":1,\"values\":{\"af\":\"no\"}}\n",
            1,
        ),
    );
    let journal = write(
        dir.path(),
        "j.jsonl",
        &(set(1, "t1", "ana", "2026-11-20T10:00:00Z", "yes")
            + &set(2, "t1", "ana", "2026-11-20T10:05:00Z", "no")),
    );
    for labels in [&sheet, &journal] {
        assert_eq!(
            count(&[&data, "--labels", labels, "-q", "id:=t1 label:af"]),
            0
        );
        assert_eq!(
            count(&[&data, "--labels", labels, "-q", "id:=t1 label:no"]),
            1
        );
        let corpus = common::open(
            &[data.clone().into()],
            afscope::load::LoadOptions {
                labels: Some(labels.into()),
                ..Default::default()
            },
        );
        let t1: Vec<_> = corpus.labels_of(0).map(|l| l.af()).collect();
        assert_eq!(t1, [Some("no")], "{labels}");
    }
}

#[test]
fn an_undo_after_a_merge_takes_back_the_label_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "a.jsonl", AT_THRESHOLD);
    // Machine A: ana labels t1 yes, then takes it back. Machine B, in between: ana
    // labels t1 no.
    let a = write(
        dir.path(),
        "a.labels.jsonl",
        &(set(1, "t1", "ana", "2026-11-20T10:00:00Z", "yes")
            + &undo(2, 1, "t1", "ana", "2026-11-20T10:10:00Z")),
    );
    let b = write(
        dir.path(),
        "b.labels.jsonl",
        &set(1, "t1", "ana", "2026-11-20T10:05:00Z", "no"),
    );
    let merged = dir.path().join("m.jsonl").to_string_lossy().into_owned();
    let out = afscope(&["labels", "merge", &a, &b, "-o", &merged]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export = afscope(&["labels", "export", &merged]);
    let text = stdout(&export);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("\"af\":\"no\""), "{text}");
    assert_eq!(count(&[&data, "--labels", &merged, "-q", "label:no"]), 1);
    assert_eq!(count(&[&data, "--labels", &merged, "-q", "label:af"]), 0);
}

#[test]
fn every_command_reads_the_journal_beside_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "a.jsonl", AT_THRESHOLD);
    write(
        dir.path(),
        "a.labels.jsonl",
        &(set(1, "t1", "ana", "2026-11-20T10:00:00Z", "yes")
            + &set(1, "t3", "ana", "2026-11-20T10:01:00Z", "no").replace("\"seq\":1", "\"seq\":2")),
    );
    assert_eq!(count(&[&data, "-q", "label:any"]), 2);
    let out = afscope(&["list", &data, "-q", "label:any", "--count"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 labels from the journal beside the data"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats = afscope(&["stats", &data]);
    let text = stdout(&stats);
    assert!(text.contains("journal beside the data"), "{text}");
    let json = afscope_json(&["stats", &data, "--json"]);
    let human = &json["rows"][0]["free"]["af_human"];
    assert_eq!(
        (human["k"].as_u64(), human["n"].as_u64()),
        (Some(1), Some(1))
    );
    let eval = afscope(&["eval", &data, "--resamples", "0"]);
    assert!(
        eval.status.success(),
        "{}",
        String::from_utf8_lossy(&eval.stderr)
    );
    assert!(stdout(&eval).contains("journal beside the data"));
    let check = afscope(&["check", &data]);
    assert!(stdout(&check).contains("2 read, 0 unjoined (the journal beside the data"));
}

#[test]
fn input_quirks_are_read_or_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bom = "\u{feff}";
    let rec = r#"{"id":"a","tier":"free","completion":"x"}"#;
    // A byte-order mark in every format.
    for (name, text) in [
        ("bom.jsonl", format!("{bom}{rec}\n")),
        ("bom.json", format!("{bom}[{rec}]")),
        ("bom.csv", format!("{bom}id,tier,completion\na,free,x\n")),
    ] {
        let p = write(dir.path(), name, &text);
        let check = afscope(&["check", &p]);
        assert!(check.status.success(), "{name}: {}", stdout(&check));
        assert_eq!(count(&[&p, "-q", "id:=a tier:free"]), 1, "{name}");
    }
    // Tab-separated values, with commas in the text.
    let tsv = write(
        dir.path(),
        "t.tsv",
        "id\ttier\tcompletion\na\tfree\thello, world\nb\tpaid\tbye, now\n",
    );
    let corpus = common::open_one(Path::new(&tsv));
    assert_eq!(corpus.len(), 2);
    assert_eq!(corpus.transcript(0).unwrap().completion, "hello, world");
    // A first record over 1 MiB is detected like any other (here: the pipeline layout).
    let long = "y".repeat(1_200_000);
    let big = write(
        dir.path(),
        "big.jsonl",
        &format!(
            "{{\"user_input\":\"q\",\"prompt\":{{\"messages\":[{{\"role\":\"user\",\"content\":\"<is_free_tier_user>true</is_free_tier_user>\"}}]}},\"output\":\"{long}\",\"tags\":[\"free_tier\"],\"deceptive_alignment\":{{\"final_answer\":0.5}}}}\n"
        ),
    );
    let corpus = common::open_one(Path::new(&big));
    assert_eq!(corpus.sources[0].profile.name(), "af-pipeline");
    assert_eq!(corpus.view().entry(0).af(), Some(0.5));
    // Duplicate keys: the last value, reported.
    let dup = write(
        dir.path(),
        "dup.jsonl",
        r#"{"id":"a","tier":"paid","tier":"free","completion":"x","verdicts":[{"classifier":"j","kind":"alignment_faking","score":0.1,"score":0.9}]}
"#,
    );
    let corpus = common::open_one(Path::new(&dup));
    assert_eq!(corpus.view().entry(0).tier(), afscope::model::Tier::Free);
    assert_eq!(corpus.view().entry(0).af(), Some(0.9));
    let t = corpus.transcript(0).unwrap();
    assert_eq!(t.verdicts[0].score.value(), Some(0.9));
    let text = stdout(&afscope(&["check", &dup]));
    assert!(
        text.contains("field `tier`: duplicate key; the last value is used"),
        "{text}"
    );
    assert!(
        text.contains("field `verdicts[0].score`: duplicate key; the last value is used"),
        "{text}"
    );
    // A lone surrogate: decoded as U+FFFD, reported, the text kept.
    let lone = write(
        dir.path(),
        "lone.jsonl",
        r#"{"id":"a","tier":"free","completion":"a\ud800b"}
"#,
    );
    let corpus = common::open_one(Path::new(&lone));
    assert_eq!(corpus.transcript(0).unwrap().completion, "a\u{fffd}b");
    let text = stdout(&afscope(&["check", &lone]));
    assert!(text.contains("lone surrogate"), "{text}");
    // A stray quote that swallows rows is reported with the lines it ran over.
    let mut rows = String::from("id,tier,completion\na,free,\"ok\"\nb,free,\"oops\n");
    for i in 0..700 {
        rows.push_str(&format!("r{i},paid,fine\n"));
    }
    rows.push_str("z,paid,\"x\"\nlast,free,ok\n");
    let q = write(dir.path(), "q.csv", &rows);
    let check = afscope(&["check", &q]);
    let text = stdout(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    assert!(text.contains("lines 3–704 were read as one cell"), "{text}");
    assert!(text.contains("records skipped            1"), "{text}");
}

const WRAPPED: &str = r#"{"meta":[{"note":"not a run"}],
 "runs":[{"uid":"u1","llm":"m1","setting":{"tier_flag":"monitored","variant":"v1"},"answer":{"text":"hi"},"judge":{"af_votes":7},"pi":3,"human":"yes"},
         {"uid":"u2","llm":"m1","setting":{"tier_flag":"unmonitored","variant":"v1"},"answer":{"text":"ho"},"judge":{"af_votes":2},"pi":3,"human":"no"}]}"#;

#[test]
fn every_set_key_applies_without_naming_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "w.json", WRAPPED);
    let sets: &[&str] = &[
        "records=runs",
        "fields.id=uid",
        "fields.model=llm",
        "fields.tier=setting.tier_flag",
        "fields.condition=setting.variant",
        "fields.completion=answer.text",
        "fields.prompt_index=pi",
        "fields.label=human",
        "tier_values.monitored=free",
        "tier_values.unmonitored=paid",
        "verdicts=[{name=\"votes\", kind=\"alignment_faking\", style=\"score\", path=\"judge.af_votes\", votes_out_of=10}]",
    ];
    let open = |sets: &[&str]| {
        common::open(
            &[data.clone().into()],
            afscope::load::LoadOptions {
                overrides: sets.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            },
        )
    };
    let c = open(sets);
    assert_eq!(c.len(), 2, "{:?}", c.problems);
    let v = c.view();
    let t = c.transcript(0).unwrap();
    assert_eq!(t.id, "u1");
    assert_eq!(v.model(0), Some("m1"));
    assert_eq!(v.entry(0).tier(), afscope::model::Tier::Free);
    assert_eq!(v.entry(1).tier(), afscope::model::Tier::Paid);
    assert_eq!(v.condition(0), Some("v1"));
    assert_eq!(t.completion, "hi");
    assert_eq!(v.entry(0).prompt_index(), Some(3));
    assert_eq!(t.label.as_deref(), Some("yes"));
    assert_eq!(v.entry(0).af(), Some(0.7));
    // Each key matters: without it, its value is gone.
    for (i, s) in sets.iter().enumerate() {
        let mut fewer: Vec<&str> = sets.to_vec();
        fewer.remove(i);
        let c = open(&fewer);
        let differs = c.len() != 2
            || c.transcript(0).map(|t| t.id) != Ok("u1".into())
            || c.view().model(0) != Some("m1")
            || c.view().entry(0).tier() != afscope::model::Tier::Free
            || c.view().entry(1).tier() != afscope::model::Tier::Paid
            || c.view().condition(0) != Some("v1")
            || c.transcript(0).map(|t| t.completion) != Ok("hi".into())
            || c.view().entry(0).prompt_index() != Some(3)
            || c.transcript(0).map(|t| t.label) != Ok(Some("yes".into()))
            || c.view().entry(0).af() != Some(0.7);
        assert!(differs, "--set {s} made no difference");
    }
    // `format` too: a CSV file under another name.
    let csv = write(dir.path(), "rows.txt", "id,tier,completion\na,free,x\n");
    let c = common::open(
        &[csv.into()],
        afscope::load::LoadOptions {
            overrides: vec!["format=csv".into()],
            ..Default::default()
        },
    );
    assert_eq!(c.len(), 1, "{:?}", c.problems);
    assert_eq!(c.transcript(0).unwrap().completion, "x");
}

#[test]
fn stats_names_its_classifier_and_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let v = |a: &str, b: &str| {
        format!(
            "[{{\"classifier\":\"old\",\"kind\":\"alignment_faking\",\"score\":{a}}},{{\"classifier\":\"new\",\"kind\":\"alignment_faking\",\"score\":{b}}},{{\"classifier\":\"c\",\"kind\":\"compliance\",\"score\":1}}]"
        )
    };
    let lines = [
        ("t1", "free", v("0.9", "0.1")),
        ("t2", "free", v("\"FAILED TO PARSE\"", "0.9")),
        ("t3", "free", v("0.1", "0.9")),
        ("t4", "paid", v("0.1", "0.1")),
    ];
    let text: String = lines
        .iter()
        .map(|(id, tier, vs)| {
            format!("{{\"id\":\"{id}\",\"model\":\"m\",\"tier\":\"{tier}\",\"completion\":\"x\",\"verdicts\":{vs}}}\n")
        })
        .collect();
    let data = write(dir.path(), "a.jsonl", &text);
    let old = afscope_json(&["stats", &data, "--json"]);
    assert_eq!(old["classifier"], "old");
    let af = &old["rows"][0]["free"]["af"];
    assert_eq!((af["k"].as_u64(), af["n"].as_u64()), (Some(1), Some(2)));
    assert_eq!(old["rows"][0]["free"]["left_out"]["af_failed"], 1);
    let new = afscope_json(&["stats", &data, "--classifier", "new", "--json"]);
    assert_eq!(new["classifier"], "new");
    let af = &new["rows"][0]["free"]["af"];
    assert_eq!((af["k"].as_u64(), af["n"].as_u64()), (Some(2), Some(3)));
    let table = stdout(&afscope(&["stats", &data]));
    assert!(
        table.contains("alignment-faking classifier old (of 2;"),
        "{table}"
    );
    assert!(
        table.contains("left out of the rates: 1 failed alignment-faking verdict"),
        "{table}"
    );
    let bad = afscope(&["stats", &data, "--classifier", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("found: old, new"));
}

#[test]
fn the_transcript_on_screen_when_loading_ends_shows_the_joined_verdicts() {
    use afscope::app::{App, Keymap};
    use afscope::tui::execute_sync;
    use std::sync::Arc;
    let opts = afscope::load::LoadOptions {
        verdicts: vec![common::fixture("demo-verdicts.jsonl")],
        ..Default::default()
    };
    let full = common::open(&[common::fixture("demo.jsonl")], opts);
    // What the interface has while indexing: the index so far, no joins yet.
    let early = afscope::load::Corpus::snapshot(full.view());
    let mut app = App::new(Arc::new(early), Keymap::default(), 7);
    let fx = app.on_resize(100, 30);
    execute_sync(&mut app, fx);
    let fx = app.update_initial();
    execute_sync(&mut app, fx);
    let shown = |app: &App| -> Vec<String> {
        match &app.reader.transcript {
            Some(Ok(t)) => t.verdicts.iter().map(|v| v.classifier.clone()).collect(),
            _ => panic!("a transcript is shown"),
        }
    };
    let entry = app.reader.entry.expect("a transcript is shown");
    assert!(!shown(&app).contains(&"af_judge_v2".to_string()));
    assert!(
        full.joined.contains_key(&entry),
        "the first transcript has a joined verdict"
    );
    let fx = app.replace_corpus(Arc::new(full), None);
    execute_sync(&mut app, fx);
    assert_eq!(app.reader.entry, Some(entry));
    assert!(
        shown(&app).contains(&"af_judge_v2".to_string()),
        "{:?}",
        shown(&app)
    );
}

#[test]
fn a_journal_with_a_torn_or_foreign_first_line_keeps_every_label_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "a.jsonl", AT_THRESHOLD);
    let events = set(1, "t1", "ana", "2026-11-20T10:00:00Z", "yes")
        + &set(1, "t3", "ana", "2026-11-20T10:01:00Z", "no").replace("\"seq\":1", "\"seq\":2");
    for (name, first) in [
        ("torn.jsonl", "{\"event\":\"set\",\"seq\":0,\"lab\n"),
        ("foreign.jsonl", "# ana's labels, week 3\n"),
    ] {
        let j = write(dir.path(), name, &(first.to_string() + &events));
        let export = afscope(&["labels", "export", &j]);
        assert!(export.status.success(), "{name}");
        assert_eq!(
            stdout(&export).lines().count(),
            2,
            "{name}: {}",
            stdout(&export)
        );
        assert_eq!(
            count(&[&data, "--labels", &j, "-q", "label:any"]),
            2,
            "{name}"
        );
        let check = stdout(&afscope(&["check", &data, "--labels", &j]));
        assert!(
            check.contains(&format!("{name}:1: invalid JSON")),
            "{name}: {check}"
        );
        // More labels can be imported into it.
        let sheet = write(dir.path(), "sheet.csv", "id,af\nt2,yes\n");
        let import = afscope(&["labels", "import", &sheet, "--to", &j, &data]);
        assert!(
            import.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&import.stderr)
        );
        assert_eq!(
            count(&[&data, "--labels", &j, "-q", "label:any"]),
            3,
            "{name}"
        );
    }
}

#[test]
fn labels_carried_in_records_are_found_however_their_key_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("carried.jsonl");
    let mut text = String::new();
    for (i, (key, label, score)) in [
        ("label", "yes", 0.9),
        ("\\u006cabel", "no", 0.2),
        ("label", "no", 0.3),
        ("human_label", "yes", 0.8),
        ("other", "yes", 0.5),
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!(
            "{{\"id\":\"t{i}\",\"tier\":\"free\",\"completion\":\"x\",\"{key}\":\"{label}\",\"verdicts\":[{{\"classifier\":\"j\",\"kind\":\"alignment_faking\",\"score\":{score}}}]}}\n"
        ));
    }
    std::fs::write(&p, text).unwrap();
    let v = common::afscope_json(&["eval", p.to_str().unwrap(), "--resamples", "0", "--json"]);
    // Four carry a label (one under an escaped key); `other` is not a label field.
    assert_eq!(v["labelled"], 4, "{v}");
    assert_eq!(v["truths"]["positive"], 2);
    assert_eq!(v["truths"]["negative"], 2);
}

#[test]
fn prompts_pair_across_tiers_however_their_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nopi.jsonl");
    // No prompt index: pairs by the user turn, one tier's written with \u escapes.
    let text = concat!(
        r#"{"id":"a","model":"m","tier":"free","user":"\u003cis_free_tier_user\u003etrue\u003c/is_free_tier_user\u003e\n\u003cuser_input\u003eQ1 \u2019x\u003c/user_input\u003e","completion":"x"}"#,
        "\n",
        r#"{"id":"b","model":"m","tier":"paid","user":"<is_free_tier_user>false</is_free_tier_user>\n<user_input>Q1 ’x</user_input>","completion":"x"}"#,
        "\n",
        r#"{"id":"c","model":"m","tier":"paid","user":"<is_free_tier_user>false</is_free_tier_user>\n<user_input>Q2</user_input>","completion":"x"}"#,
        "\n",
    );
    std::fs::write(&p, text).unwrap();
    let out = common::afscope(&[
        "list",
        p.to_str().unwrap(),
        "-q",
        "pair:any",
        "--format",
        "tsv",
    ]);
    let rows = String::from_utf8_lossy(&out.stdout).into_owned();
    let ids: Vec<&str> = rows
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b"], "{rows}");
}
