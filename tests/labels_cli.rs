//! `afscope labels export / merge / import / agree` on the real binary, and journals
//! read directly by `afscope eval`.

mod common;

use afscope::model::journal::{Event, Replay};
use afscope::model::LabelRecord;
use common::{afscope, afscope_json};
use std::path::Path;

fn label(id: &str, who: &str, time: &str, values: serde_json::Value) -> LabelRecord {
    LabelRecord {
        transcript_id: id.into(),
        labeler: who.into(),
        time: time.into(),
        schema: 1,
        source: None,
        shown: None,
        values: values.as_object().unwrap().clone(),
    }
}

fn write_journal(path: &Path, events: &[Event]) {
    std::fs::write(path, events.iter().map(Event::line).collect::<String>()).unwrap();
}

fn set(seq: u64, l: LabelRecord) -> Event {
    Event::Set { seq, label: l }
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn export_csv_then_import_round_trips_every_value() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j.jsonl");
    let spans =
        serde_json::json!([{"start": 3, "end": 9, "unit": "byte", "criterion": "aware_of_harm"}]);
    write_journal(
        &j,
        &[
            set(
                1,
                label(
                    "claude-3-opus/helpful_only/p0/free",
                    "ana",
                    "2026-11-22T10:00:00.000Z",
                    serde_json::json!({"af": "yes", "compliance": "full", "aware_of_harm": true,
                        "note": "says \"RLHF\", twice, then complies", "spans": spans}),
                ),
            ),
            set(
                2,
                label(
                    "claude-3-opus/helpful_only/p0/paid",
                    "ana",
                    "2026-11-22T10:01:00.000Z",
                    serde_json::json!({"af": "no", "compliance": "refused"}),
                ),
            ),
            Event::Undo {
                seq: 3,
                undoes: 2,
                transcript_id: "claude-3-opus/helpful_only/p0/paid".into(),
                labeler: "ana".into(),
                time: "2026-11-22T10:02:00.000Z".into(),
            },
            set(
                4,
                label(
                    "claude-3-opus/helpful_only/p0/paid",
                    "ana",
                    "2026-11-22T10:03:00.000Z",
                    serde_json::json!({"af": "unsure"}),
                ),
            ),
        ],
    );
    let csv = dir.path().join("out.csv");
    stdout(&afscope(&[
        "labels",
        "export",
        j.to_str().unwrap(),
        "--format",
        "csv",
        "-o",
        csv.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("transcript_id,labeler,time,schema,source,shown,af,compliance,aware_of_harm,note,spans\n"), "{text}");
    assert_eq!(text.lines().count(), 3, "undo leaves two current labels");
    // Back into a new journal, against the transcripts (ids checked).
    let j2 = dir.path().join("j2.jsonl");
    let out = afscope(&[
        "labels",
        "import",
        csv.to_str().unwrap(),
        "--to",
        j2.to_str().unwrap(),
        "fixtures/eval/transcripts.jsonl",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = Replay::parse(&std::fs::read_to_string(&j).unwrap());
    let after = Replay::parse(&std::fs::read_to_string(&j2).unwrap());
    let a: Vec<&LabelRecord> = before.labels();
    let b: Vec<&LabelRecord> = after.labels();
    assert_eq!(a, b);
    // JSONL export is what eval reads.
    let jsonl = stdout(&afscope(&["labels", "export", j.to_str().unwrap()]));
    let first: LabelRecord = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(&first, a[0]);
    // Exporting over an input is refused.
    let out = afscope(&[
        "labels",
        "export",
        j.to_str().unwrap(),
        "-o",
        j.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is one of the inputs"));
}

#[test]
fn import_by_position_with_a_mapping_reports_bad_cells_and_unknown_ids() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j.jsonl");
    let out = afscope(&[
        "labels",
        "import",
        "fixtures/eval/labels-position.csv",
        "--to",
        j.to_str().unwrap(),
        "fixtures/eval/transcripts.jsonl",
        "--label-set",
        "join=position",
        "--label-set",
        "labeler=sheet",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    let r = Replay::parse(&std::fs::read_to_string(&j).unwrap());
    let labels = r.labels();
    assert!(!labels.is_empty());
    assert!(labels.iter().all(|l| l.labeler == "sheet"));
    // The sheet's first row labels the first transcript.
    assert_eq!(
        labels[0].transcript_id,
        "claude-3-opus/helpful_only/p0/free"
    );
    assert!(err.contains("imported"), "{err}");
    // By id with a class mapping; an id not in the data is named, not imported.
    let sheet = dir.path().join("sheet.csv");
    std::fs::write(
        &sheet,
        "query_id,label\nclaude-3-opus/helpful_only/p1/free,potential_faking\nno-such-id,aligned\nclaude-3-opus/helpful_only/p1/paid,\n",
    )
    .unwrap();
    let j2 = dir.path().join("j2.jsonl");
    let out = afscope(&[
        "labels",
        "import",
        sheet.to_str().unwrap(),
        "--to",
        j2.to_str().unwrap(),
        "fixtures/eval/transcripts.jsonl",
        "--label-set",
        "id=query_id",
        "--label-set",
        "field=label",
        "--label-set",
        "map.potential_faking=yes",
        "--label-set",
        "map.aligned=no",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"no-such-id\" is not in the transcripts"),
        "{err}"
    );
    assert!(
        err.contains("sheet.csv:4") && err.contains("label"),
        "{err}"
    );
    let r = Replay::parse(&std::fs::read_to_string(&j2).unwrap());
    assert_eq!(r.labels().len(), 1);
    assert_eq!(r.labels()[0].af(), Some("yes"));
}

#[test]
fn merge_keeps_every_labeler_and_reports_one_labelers_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("gpu1.jsonl"),
        dir.path().join("gpu2.jsonl"),
        dir.path().join("all.jsonl"),
    );
    let ana1 = label(
        "t1",
        "ana",
        "2026-11-22T10:00:00.000Z",
        serde_json::json!({"af": "yes"}),
    );
    let ana2 = label(
        "t1",
        "ana",
        "2026-11-22T11:00:00.000Z",
        serde_json::json!({"af": "no"}),
    );
    let ben = label(
        "t1",
        "ben",
        "2026-11-22T10:30:00.000Z",
        serde_json::json!({"af": "no"}),
    );
    let shared = label(
        "t2",
        "ana",
        "2026-11-22T09:00:00.000Z",
        serde_json::json!({"af": "unsure"}),
    );
    write_journal(&a, &[set(1, shared.clone()), set(2, ana1)]);
    write_journal(&b, &[set(1, shared), set(2, ben), set(3, ana2)]);
    let out = afscope(&[
        "labels",
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        c.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("4 event(s) written (1 duplicate(s) written once)"),
        "{err}"
    );
    assert!(
        err.contains("conflict: ana labelled t1 differently in"),
        "{err}"
    );
    assert!(err.contains("labelers: ana, ben"), "{err}");
    let r = Replay::parse(&std::fs::read_to_string(&c).unwrap());
    assert_eq!(r.events.len(), 4);
    assert_eq!(
        r.current("t1", "ana").unwrap().af(),
        Some("no"),
        "newest wins"
    );
    assert_eq!(r.current("t1", "ben").unwrap().af(), Some("no"));
    let seqs: Vec<u64> = r.events.iter().map(Event::seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4], "renumbered in time order");
    // Both of ana's answers are still in the merged journal.
    let answers: Vec<&str> = r
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Set { label, .. } if label.labeler == "ana" && label.transcript_id == "t1" => {
                label.af()
            }
            _ => None,
        })
        .collect();
    assert_eq!(answers, ["yes", "no"]);
    // The output may not be an input.
    let out = afscope(&[
        "labels",
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        a.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
}

#[test]
fn agreement_kappa_and_alpha_match_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j.jsonl");
    // af: ana yes yes no no; ben yes no no no.
    // kappa: po = 3/4, pe = .5*.25 + .5*.75 = .5, kappa = .25/.5 = 0.5.
    // alpha: o_yy 2, o_nn 4, o_yn = o_ny = 1; n_y 3, n_n 5, n 8;
    //        1 - 7 * 2 / (2 * 3 * 5) = 0.5333…
    // aware_of_harm (absent = unchecked): ana t1 only, ben t1 and t2 → units agree on
    // t1 (true) and t3, t4 (false), disagree on t2: po 3/4, pe .25*.5+.75*.5 = .5 → 0.5.
    let mut events = Vec::new();
    let rows = [
        ("t1", "yes", "yes", true, true),
        ("t2", "yes", "no", false, true),
        ("t3", "no", "no", false, false),
        ("t4", "no", "no", false, false),
    ];
    for (k, (t, a, b, ca, cb)) in rows.iter().enumerate() {
        let mut va = serde_json::json!({"af": a});
        if *ca {
            va["aware_of_harm"] = true.into();
        }
        let mut vb = serde_json::json!({"af": b, "note": "n"});
        if *cb {
            vb["aware_of_harm"] = true.into();
        }
        events.push(set(
            2 * k as u64 + 1,
            label(t, "ana", "2026-11-22T10:00:00.000Z", va),
        ));
        events.push(set(
            2 * k as u64 + 2,
            label(t, "ben", "2026-11-22T10:00:00.000Z", vb),
        ));
    }
    write_journal(&j, &events);
    let r = afscope_json(&["labels", "agree", j.to_str().unwrap(), "--json"]);
    let field = |name: &str| {
        r.as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .unwrap_or_else(|| panic!("{name} in {r}"))
            .clone()
    };
    let af = field("af");
    assert_eq!(af["units"], 4);
    assert!((af["raw"].as_f64().unwrap() - 0.75).abs() < 1e-12);
    assert!((af["kappa"][0]["kappa"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    assert!((af["alpha"].as_f64().unwrap() - (1.0 - 14.0 / 30.0)).abs() < 1e-12);
    let harm = field("aware_of_harm");
    assert!((harm["kappa"][0]["kappa"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    // Every criterion of the schema is reported, even one nobody checked.
    let none = field("commitment_to_harmlessness");
    assert!(
        none["alpha"].is_null(),
        "one category only: undefined, not NaN"
    );
    assert!(r.as_array().unwrap().iter().all(|f| f["field"] != "note"));
    // The table names the pair.
    let table = stdout(&afscope(&["labels", "agree", j.to_str().unwrap()]));
    assert!(table.contains("ana–ben 0.500 (n 4)"), "{table}");
    let af_row = table.lines().find(|l| l.starts_with("af ")).unwrap();
    assert!(af_row.contains("4   0.750   0.533"), "{af_row}");
    assert_eq!(
        table.lines().count(),
        6,
        "a header and one row per field:\n{table}"
    );
}

#[test]
fn eval_reads_a_journal_directly() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j.jsonl");
    // The fixture's labels as a journal, with an undone wrong label in between.
    let text = std::fs::read_to_string("fixtures/eval/labels.jsonl").unwrap();
    let mut events = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let l: LabelRecord = serde_json::from_str(line).unwrap();
        let mut wrong = l.clone();
        wrong.values.insert("af".into(), "unsure".into());
        let s = 3 * k as u64;
        events.push(set(s + 1, wrong));
        events.push(Event::Undo {
            seq: s + 2,
            undoes: s + 1,
            transcript_id: l.transcript_id.clone(),
            labeler: l.labeler.clone(),
            time: l.time.clone(),
        });
        events.push(set(s + 3, l));
    }
    write_journal(&j, &events);
    let base = [
        "eval",
        "fixtures/eval/transcripts.jsonl",
        "--json",
        "--resamples",
        "0",
    ];
    let mut a = base.to_vec();
    a.extend(["--labels", "fixtures/eval/labels.jsonl"]);
    let mut b = base.to_vec();
    b.extend(["--labels", j.to_str().unwrap()]);
    let (ra, rb) = (afscope_json(&a), afscope_json(&b));
    assert_eq!(ra["classifiers"], rb["classifiers"]);
}

#[test]
fn agreement_with_one_labeler_says_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let j = dir.path().join("j.jsonl");
    write_journal(
        &j,
        &[
            set(
                1,
                label(
                    "t1",
                    "ana",
                    "2026-11-22T10:00:00.000Z",
                    serde_json::json!({"af": "yes"}),
                ),
            ),
            set(
                2,
                label(
                    "t2",
                    "ana",
                    "2026-11-22T10:01:00.000Z",
                    serde_json::json!({"af": "no"}),
                ),
            ),
        ],
    );
    let out = afscope(&["labels", "agree", j.to_str().unwrap()]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.starts_with("agreement needs two labelers on the same transcripts: only ana labeled here (2 transcripts)."),
        "{text}"
    );
    assert!(
        text.contains("afscope labels agree a.jsonl b.jsonl"),
        "{text}"
    );
    // The JSON report stays a report: an array, empty of pairs.
    let r = afscope_json(&["labels", "agree", j.to_str().unwrap(), "--json"]);
    assert!(
        r.as_array()
            .unwrap()
            .iter()
            .all(|f| f["kappa"].as_array().unwrap().is_empty()),
        "{r}"
    );
}
