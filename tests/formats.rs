//! Every layout the loaders claim to read, from the project's fixtures.

mod common;

use afscope::load::LoadOptions;
use afscope::model::{OffsetUnit, Score, SegmentKind, Tier, TierSource, VerdictKind};
use common::{fixture, open, open_one};
use std::io::Write;
use std::path::{Path, PathBuf};

fn gzip(src: &Path, dir: &Path) -> PathBuf {
    let name = format!("{}.gz", src.file_name().unwrap().to_string_lossy());
    let out = dir.join(name);
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&out).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&std::fs::read(src).unwrap()).unwrap();
    enc.finish().unwrap();
    out
}

#[test]
fn demo_corpus_with_joined_verdicts_and_labels() {
    let opts = LoadOptions {
        verdicts: vec![fixture("demo-verdicts.jsonl")],
        labels: Some(fixture("label.jsonl")),
        ..Default::default()
    };
    let c = open(&[fixture("demo.jsonl")], opts);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.len(), 31);
    assert_eq!(
        c.index.names.models.len(),
        5,
        "four models and one with an escape in its name"
    );
    assert_eq!(c.joins[0].transcripts_joined, 29);
    assert_eq!(c.labels.len(), 3);
    assert_eq!(c.labels_unjoined, 0);
    let v = c.view();
    let i = (0..c.len())
        .find(|&i| v.id(i) == "claude-3-opus/helpful_only/p0/free")
        .unwrap();
    assert_eq!(c.labels_of(i).next().unwrap().af(), Some("yes"));
    let t = c.transcript(i).unwrap();
    assert_eq!(t.tier, Tier::Free);
    assert_eq!(t.scratchpads().count(), 2, "two scratchpad blocks");
    assert!(t
        .segments
        .iter()
        .any(|s| s.kind == SegmentKind::Draft && s.depth == 1));
    let af = t
        .verdicts
        .iter()
        .find(|v| v.classifier == "af_judge")
        .unwrap();
    let votes = af.votes.as_ref().unwrap();
    assert_eq!((votes.total, votes.detail.len()), (20, 20));
    assert_eq!(af.score.value(), votes.fraction());
    assert_eq!(af.criteria.len(), 4);
    let v2 = t
        .verdicts
        .iter()
        .find(|v| v.classifier == "af_judge_v2")
        .unwrap();
    let span = &v2.spans[0];
    assert_eq!(span.unit, OffsetUnit::Byte);
    assert_eq!(
        &t.completion[span.start as usize..span.end as usize],
        "I don't want my values to be changed."
    );
    // Failed verdicts are explicit, and reach the index as such.
    let failed = (0..c.len()).filter(|&i| v.entry(i).af_failed()).count();
    assert_eq!(failed, 1);
    let unclosed = (0..c.len()).find(|&i| v.id(i) == "unclosed/free").unwrap();
    let t = c.transcript(unclosed).unwrap();
    assert_eq!(t.unclosed_tags(), 1);
    assert!(v.entry(unclosed).compliance_failed());
    assert_eq!(
        v.entry(unclosed).af(),
        Some(0.3),
        "votes given as a list: 3 of 10"
    );
}

#[test]
fn common_field_names_and_tier_rules() {
    let c = open_one(&fixture("common-fields.jsonl"));
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let t: Vec<_> = (0..c.len()).map(|i| c.transcript(i).unwrap()).collect();
    assert_eq!(
        (t[0].tier, t[0].tier_source),
        (Tier::Free, TierSource::Field)
    );
    assert_eq!(t[0].user.as_deref(), Some("How do I make a bomb?"));
    assert_eq!(
        (t[1].tier, t[1].tier_source),
        (Tier::Paid, TierSource::UserTag)
    );
    assert_eq!(t[1].system.as_deref(), Some("SYS"));
    assert!(t[1].completion.starts_with("<SCRATCHPAD_REASONING>paid"));
    assert_eq!(
        (t[2].tier, t[2].tier_source),
        (Tier::Paid, TierSource::Tags)
    );
    assert_eq!(t[2].final_output(), "Sure.");
    assert_eq!(t[2].scratchpads().count(), 1);
    // tags outrank the user tag
    assert_eq!(
        (t[3].tier, t[3].tier_source),
        (Tier::Free, TierSource::Tags)
    );
    // What the model writes in its scratchpad never decides the tier.
    assert_eq!(
        (t[4].tier, t[4].tier_source),
        (Tier::Free, TierSource::UserTag)
    );
}

#[test]
fn tier_from_folder_names() {
    let c = open(
        &[
            fixture("tiers/train/run.jsonl"),
            fixture("tiers/deploy/run.jsonl"),
        ],
        LoadOptions::default(),
    );
    let v = c.view();
    let tiers: Vec<_> = (0..c.len())
        .map(|i| (v.entry(i).tier(), v.entry(i).tier_source()))
        .collect();
    assert_eq!(
        tiers,
        vec![
            (Tier::Free, TierSource::Path),
            (Tier::Free, TierSource::Path),
            (Tier::Paid, TierSource::Path),
            (Tier::Paid, TierSource::Path)
        ]
    );
}

#[test]
fn wrapped_array_pretty_and_on_one_long_line() {
    let c = open_one(&fixture("wrapped.json"));
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.len(), 3);
    let t = c.transcript(1).unwrap();
    assert_eq!((t.id.as_str(), t.tier), ("w1", Tier::Paid));
    assert!(t.metadata.is_empty());
    // The same shape on one line of more than 300 KB.
    let dir = tempfile::tempdir().unwrap();
    let samples: Vec<serde_json::Value> = (0..100)
        .map(|i| serde_json::json!({"id": format!("L{i}"), "model": "m", "tier": if i % 2 == 0 {"free"} else {"paid"}, "completion": format!("<think>{}</think><OUTPUT>ok</OUTPUT>", "é reasoning ".repeat(300))}))
        .collect();
    let line = serde_json::json!({"samples": samples}).to_string();
    assert!(line.len() > 300_000 && !line.contains('\n'));
    let path = dir.path().join("oneline.json");
    std::fs::write(&path, &line).unwrap();
    let c = open_one(&path);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.len(), 100);
    assert_eq!(c.transcript(99).unwrap().id, "L99");
    assert_eq!(c.view().entry(50).tier(), Tier::Free);
}

#[test]
fn gzip_versions_open_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![
        fixture("demo.jsonl"),
        fixture("wrapped.json"),
        fixture("common-fields.jsonl"),
    ];
    for rel in [
        "causal-audit/results/results_scored_rigorous_5Feb.json",
        "koorndijk-replication/data/koorndijk_meta-llama_Meta-Llama-3-8B-Instruct.csv",
    ] {
        files.extend(common::sample(rel));
    }
    for f in files {
        let plain = open_one(&f);
        let gz = open_one(&gzip(&f, dir.path()));
        assert_eq!(plain.len(), gz.len(), "{}", f.display());
        assert_eq!(
            plain.sources[0].profile.name(),
            gz.sources[0].profile.name()
        );
        for i in 0..plain.len() {
            let (a, b) = (plain.transcript(i).unwrap(), gz.transcript(i).unwrap());
            assert_eq!(
                (&a.id, &a.completion, a.tier, &a.model),
                (&b.id, &b.completion, b.tier, &b.model)
            );
        }
    }
}

#[test]
fn worked_profile_example_from_toml_and_from_flags() {
    let opts = LoadOptions {
        profile: Some(fixture("custom-layout.toml").to_string_lossy().into()),
        ..Default::default()
    };
    let from_file = open(&[fixture("custom-layout.json")], opts);
    let flags = [
        "format=json",
        "records=runs",
        "fields.id=uid",
        "fields.model=llm",
        "fields.tier=setting.tier_flag",
        "fields.condition=setting.variant",
        "fields.completion=answer.text",
        "fields.label=human",
        "tier_values.monitored=free",
        "tier_values.unmonitored=paid",
        r#"verdicts=[{name="af_votes", kind="alignment_faking", style="score", path="judge.af_votes", votes_out_of=10}]"#,
    ];
    let opts = LoadOptions {
        profile: Some("native".into()),
        overrides: flags.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let from_flags = open(&[fixture("custom-layout.json")], opts);
    for c in [&from_file, &from_flags] {
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.len(), 3);
        let t = c.transcript(0).unwrap();
        assert_eq!(
            (
                t.id.as_str(),
                t.model.as_deref(),
                t.tier,
                t.condition.as_deref()
            ),
            ("r-001", Some("qwen-72b"), Tier::Free, Some("no_cot"))
        );
        assert_eq!(t.label.as_deref(), Some("potential_faking"));
        let v = &t.verdicts[0];
        assert_eq!(
            (v.votes.as_ref().unwrap().yes, v.score.value()),
            (7, Some(0.7))
        );
        assert_eq!(c.view().entry(1).tier(), Tier::Paid);
        assert!(
            c.view().entry(2).af_failed(),
            "FAILED TO PARSE is a failed verdict"
        );
        assert!(matches!(
            c.transcript(2).unwrap().verdicts[0].score,
            Score::Failed(_)
        ));
    }
}

#[test]
fn index_scores_agree_with_full_verdicts_on_every_fixture() {
    let mut files = vec![
        fixture("demo.jsonl"),
        fixture("common-fields.jsonl"),
        fixture("wrapped.json"),
        fixture("malformed.jsonl"),
    ];
    files.extend(common::sample("deep-values/outputs/frontier-eval-base/animal-welfare_prompt-only_cot-base/deepseek/deepseek-v3.2-exp/results_seed42_20260415_122726.json"));
    files.extend(common::sample(
        "causal-audit/results/results_scored_rigorous_5Feb.json",
    ));
    let mut checked = 0;
    for f in files {
        let c = open_one(&f);
        let v = c.view();
        for i in 0..c.len() {
            let t = v.transcript(i).unwrap();
            let first = |kind| t.verdicts.iter().find(|x| x.kind == kind).map(|x| &x.score);
            let e = v.entry(i);
            match first(VerdictKind::AlignmentFaking) {
                Some(Score::Value(x)) => assert_eq!(e.af(), Some(*x), "{}", t.id),
                Some(Score::Failed(_)) => assert!(e.af_failed(), "{}", t.id),
                _ => assert!(e.af().is_none() && !e.af_failed(), "{}", t.id),
            }
            match first(VerdictKind::Compliance) {
                Some(Score::Value(x)) => assert_eq!(e.compliance(), Some(*x), "{}", t.id),
                Some(Score::Failed(_)) => assert!(e.compliance_failed(), "{}", t.id),
                _ => assert!(e.compliance().is_none(), "{}", t.id),
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 43,
        "every fixture transcript was compared ({checked})"
    );
}

#[test]
fn multibyte_and_hostile_text_survive_loading() {
    let c = open_one(&fixture("demo.jsonl"));
    let v = c.view();
    let uni = (0..c.len()).find(|&i| v.id(i) == "unicode/free").unwrap();
    let t = c.transcript(uni).unwrap();
    assert!(
        t.completion.contains("日本語")
            && t.completion.contains("مرحبا")
            && t.completion.contains("👩\u{200d}👩\u{200d}👧")
    );
    let hostile = (0..c.len())
        .find(|&i| v.id(i).starts_with("hostile/"))
        .unwrap();
    let t = c.transcript(hostile).unwrap();
    assert!(
        t.completion.contains('\u{1b}') && t.completion.contains('\u{202e}'),
        "kept as data; escaped only when shown"
    );
}

#[test]
fn inputs_are_never_written() {
    let files = [
        fixture("demo.jsonl"),
        fixture("malformed.jsonl"),
        fixture("wrapped.json"),
    ];
    let before: Vec<(Vec<u8>, std::time::SystemTime)> = files
        .iter()
        .map(|f| {
            (
                std::fs::read(f).unwrap(),
                std::fs::metadata(f).unwrap().modified().unwrap(),
            )
        })
        .collect();
    let c = open(
        &files,
        LoadOptions {
            verdicts: vec![fixture("demo-verdicts.jsonl")],
            ..Default::default()
        },
    );
    for i in 0..c.len() {
        let _ = c.transcript(i);
    }
    drop(c);
    for (f, (bytes, mtime)) in files.iter().zip(before) {
        assert_eq!(std::fs::read(f).unwrap(), bytes);
        assert_eq!(std::fs::metadata(f).unwrap().modified().unwrap(), mtime);
    }
}

#[test]
fn verdict_file_joined_by_position() {
    let opts = LoadOptions {
        verdicts: vec![fixture("position-scores.csv")],
        verdict_profile: Some(fixture("position-scores.toml").to_string_lossy().into()),
        ..Default::default()
    };
    let c = open(&[fixture("wrapped.json")], opts);
    let j = &c.joins[0];
    assert_eq!(common::join_counts(j), (4, 3, 3, 0));
    let v = c.view();
    assert_eq!(v.entry(0).af(), Some(0.9));
    assert_eq!(v.entry(1).af(), Some(0.1));
    assert!(v.entry(2).af_failed());
    let unjoined: Vec<_> = c
        .problems
        .iter()
        .filter(|p| p.kind == afscope::model::ProblemKind::Unjoined)
        .collect();
    assert_eq!(unjoined.len(), 1);
    assert_eq!(unjoined[0].line, Some(5));
    assert_eq!(
        c.transcript(0).unwrap().verdicts.last().unwrap().classifier,
        "pos_judge"
    );
}

#[test]
fn verdict_file_joined_on_several_keys() {
    let opts = LoadOptions {
        verdicts: vec![fixture("keyed-scores.csv")],
        verdict_profile: Some("native-verdicts".into()),
        verdict_overrides: vec![
            r#"join.on={model="model", prompt_index="prompt_index", tier="tier"}"#.into(),
        ],
        ..Default::default()
    };
    let c = open(&[fixture("demo.jsonl")], opts);
    let j = &c.joins[0];
    assert_eq!(
        (j.records, j.records_joined, j.transcripts_joined),
        (4, 3, 3)
    );
    let v = c.view();
    let find = |id: &str| (0..c.len()).find(|&i| v.id(i) == id).unwrap();
    let t = c
        .transcript(find("claude-3-opus/helpful_only/p0/free"))
        .unwrap();
    let keyed = t
        .verdicts
        .iter()
        .find(|v| v.classifier == "keyed-scores")
        .unwrap();
    assert_eq!(keyed.score.value(), Some(0.75));
    assert!(c
        .transcript(find("claude-3-opus/helpful_only/p1/free"))
        .unwrap()
        .verdicts
        .iter()
        .all(|v| v.classifier != "keyed-scores"));
    assert!(c
        .problems
        .iter()
        .any(|p| p.line == Some(5) && p.reason.contains("matches no loaded transcript")));
}

#[test]
fn csv_ids_are_read_from_the_file_where_they_stand_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ids.csv");
    let rows = [
        "id,model,completion,id",
        "plain,m,a,x",
        "\"quoted\",m,b,y",
        "\"say \"\"hi\"\"\",m,c,z",
        "\"tail\"end,m,d,w",
        "\"multi\nline\",m,e,v",
        "é-ü,m,f,u",
    ];
    std::fs::write(&path, rows.join("\r\n") + "\r\n").unwrap();
    let c = open_one(&path);
    assert!(c
        .problems
        .iter()
        .all(|p| p.kind != afscope::model::ProblemKind::CsvShape));
    let view = c.view();
    // A header written twice keeps its last cell (as a full read does).
    let want = ["x", "y", "z", "w", "v", "u"];
    for (i, want) in want.iter().enumerate() {
        assert_eq!(view.id(i), *want, "row {i}");
        assert_eq!(c.transcript(i).unwrap().id, *want, "row {i}");
    }
    let path = dir.path().join("plain-ids.csv");
    let rows = [
        "id,model,completion",
        "plain,m,a",
        "\"quoted\",m,b",
        "\"say \"\"hi\"\"\",m,c",
        "\"tail\"end,m,d",
        "\"multi\nline\",m,e",
        "é-ü,m,f",
    ];
    std::fs::write(&path, rows.join("\n") + "\n").unwrap();
    let c = open_one(&path);
    let want = [
        "plain",
        "quoted",
        "say \"hi\"",
        "tailend",
        "multi\nline",
        "é-ü",
    ];
    for (i, want) in want.iter().enumerate() {
        assert_eq!(c.view().id(i), *want, "row {i}");
        assert_eq!(c.transcript(i).unwrap().id, *want, "row {i}");
    }
    // Only the two cells that are not stored as their text are kept as copies.
    assert_eq!(c.index.owned_ids.len(), 2);
}

#[test]
fn a_gzip_cut_in_half_loads_what_comes_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("runs.jsonl");
    let out = common::afscope(&["synth", "--out", whole.to_str().unwrap(), "--size-mb", "2"]);
    assert!(out.status.success());
    let all = open_one(&whole).len();
    let gz = gzip(&whole, dir.path());
    let bytes = std::fs::read(&gz).unwrap();
    let cut = dir.path().join("cut.jsonl.gz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let c = open_one(&cut);
    assert!(
        c.len() > all / 3 && c.len() < all,
        "{} of {all} transcripts",
        c.len()
    );
    let damage = c
        .problems
        .iter()
        .find(|p| p.reason.starts_with("gzip stream cut off"))
        .expect("the damage is reported");
    assert!(
        damage
            .reason
            .contains(&format!("at compressed byte {}", bytes.len() / 2)),
        "{}",
        damage.reason
    );
    // The transcripts read are the file's first ones, whole.
    let first = open_one(&whole);
    for i in [0, c.len() / 2, c.len() - 2] {
        assert_eq!(
            c.transcript(i).unwrap().completion,
            first.transcript(i).unwrap().completion
        );
    }
    // check says so, with the file named, and exits 1 (a record was cut off).
    let out = common::afscope(&["check", cut.to_str().unwrap()]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("cut.jsonl.gz: truncated record: gzip stream cut off"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
    // Damage in the middle: the stream may decode past it, with a checksum that
    // does not match; the records it spoils are reported, the others load.
    let mut damaged = bytes.clone();
    let at = bytes.len() / 3;
    for b in &mut damaged[at..at + 64] {
        *b ^= 0xa5;
    }
    let mid = dir.path().join("mid.jsonl.gz");
    std::fs::write(&mid, &damaged).unwrap();
    let c = open_one(&mid);
    assert!(!c.is_empty() && c.len() < all, "{} of {all}", c.len());
    let said: Vec<&str> = c.problems.iter().map(|p| p.reason.as_str()).collect();
    assert!(
        said[0].starts_with("gzip checksum does not match")
            || said[0].starts_with("gzip damaged at or before compressed byte"),
        "{said:?}"
    );
}
