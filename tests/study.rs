//! A study as a researcher sets one up: `afscope study init` in a results tree, the
//! study file edited, `study show`, then every command (and the interface) reading it
//! without flags, flags still winning.

mod common;

use afscope::load::input::study::{Study, FILE_NAME};
use common::{afscope_in, pty::Pty};
use std::path::{Path, PathBuf};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A copy of the fixture study tree in a temporary folder.
fn tree() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("outputs");
    common::copy_tree(&common::root().join("fixtures/study"), &root);
    (dir, root)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = afscope_in(dir, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn init_edit_show_eval_round_trip() {
    let (_tmp, root) = tree();
    let wrote = ok(&root, &["study", "init"]);
    assert!(
        wrote.contains("1 transcript, 1 verdict and 1 label table(s)"),
        "{wrote}"
    );
    let text = std::fs::read_to_string(root.join("afscope.toml")).unwrap();
    assert!(text.contains("profile = \"af-pipeline\""), "{text}");
    assert!(
        text.contains("paths = [\"analysis/probe-scores.csv\"]"),
        "{text}"
    );
    assert!(
        text.contains("# Not data, not read: README.md, analysis/plot.py"),
        "{text}"
    );
    // A second init does not replace the researcher's file.
    let again = afscope_in(&root, &["study", "init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));

    // Without a flag, every command reads the whole study.
    let eval = ok(&root, &["eval", "--resamples", "0"]);
    assert!(
        eval.contains("n (positive / negative)  5 (2 / 3)"),
        "{eval}"
    );
    assert!(eval.contains("study: afscope.toml"), "{eval}");
    let count = ok(&root, &["list", "--count"]);
    assert!(
        count
            .lines()
            .any(|l| l.starts_with("total") && l.ends_with(" 8")),
        "{count}"
    );
    let stats = ok(&root, &["stats", "--csv"]);
    assert!(stats.contains("claude-3-opus"), "{stats}");

    // Edited: a filter and a threshold as defaults, the label sheet named as Ben's.
    let edited = text
        .replace("# filter = \"tier:free\"", "filter = \"model:claude\"")
        .replace("# threshold = 0.4", "threshold = 0.8")
        .replace(
            "# set = [\"id=transcript_id\", \"field=af\", \"map.potential_faking=yes\"]",
            "set = [\"labeler=ben\"]",
        );
    assert_ne!(edited, text);
    std::fs::write(root.join("afscope.toml"), &edited).unwrap();
    let show = ok(&root, &["study", "show"]);
    assert!(
        show.contains("defaults: filter model:claude · threshold 0.8"),
        "{show}"
    );
    assert!(
        show.contains("labels       analysis/hand-labels.csv: 6 read, 6 joined by id, 0 unjoined"),
        "{show}"
    );
    assert!(
        show.contains("8 transcripts (free 4, paid 4, unknown 0) from 3 file(s); 1 verdict file(s), 1 label file(s); 0 problem(s)"),
        "{show}"
    );
    let eval = ok(&root, &["eval", "--resamples", "0", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&eval).unwrap();
    assert_eq!(v["threshold"], 0.8, "{eval}");
    // Claude's 5 labelled transcripts; 4 have a probe score (0.91, 0.12, 0.77, 0.05).
    let probe = &v["classifiers"][0];
    assert_eq!(probe["n"], 4, "{eval}");
    assert_eq!(probe["at_threshold"]["tp"], 1, "{eval}");
    // The sheet's labels are Ben's, as the study says.
    let v: serde_json::Value = serde_json::from_str(&ok(
        &root,
        &["eval", "--resamples", "0", "--json", "--labeler", "ben"],
    ))
    .unwrap();
    assert_eq!(v["classifiers"][0]["n"], 4);
    // Flags win over the study: another threshold, another query, no study at all.
    let v: serde_json::Value = serde_json::from_str(&ok(
        &root,
        &[
            "eval",
            "--resamples",
            "0",
            "--json",
            "--threshold",
            "0.4",
            "-q",
            "tier:free",
        ],
    ))
    .unwrap();
    assert_eq!(v["threshold"], 0.4);
    assert_eq!(v["classifiers"][0]["n"], 3);
    let none = afscope_in(&root, &["list", "--count", "--no-study"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("no input"), "{}", stderr(&none));
    // From elsewhere: the folder as the one argument, or --study.
    let parent = root.parent().unwrap();
    let by_dir = ok(parent, &["list", "outputs", "--count"]);
    assert!(
        by_dir
            .lines()
            .any(|l| l.starts_with("total") && l.ends_with(" 6")),
        "{by_dir}"
    );
    let by_flag = ok(
        parent,
        &["stats", "--study", "outputs/afscope.toml", "--csv"],
    );
    assert!(!by_flag.contains("llama"), "{by_flag}");
}

#[test]
fn study_errors_name_the_file_line_and_key() {
    let (_tmp, root) = tree();
    let file = root.join("afscope.toml");
    for (text, want) in [
        (
            "[[transcripts]]\npaths = [\"runs/*.json\"]\n",
            "afscope.toml:2: [[transcripts]] paths: `runs/*.json` matches no data file",
        ),
        (
            "[[transcripts]]\npaths = [\"helpful_only\"]\nprofle = \"native\"\n",
            "afscope.toml:3: unknown field `profle`",
        ),
        (
            "[[verdicts]]\npaths = [\"analysis/probe-scores.csv\"]\nprofile = \"missing.toml\"\n",
            "afscope.toml:3: [[verdicts]] profile: profile missing.toml: not a built-in profile",
        ),
    ] {
        std::fs::write(&file, text).unwrap();
        for cmd in [
            &["list", "--count"][..],
            &["study", "show"],
            &["eval"],
            &["check"],
        ] {
            let out = afscope_in(&root, cmd);
            assert_eq!(out.status.code(), Some(2), "{cmd:?}");
            assert!(stderr(&out).contains(want), "{cmd:?}: {}", stderr(&out));
        }
    }
}

#[test]
fn without_a_study_commands_ask_for_input() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in [&["list"][..], &["eval"], &["stats"], &["check"], &["spans"]] {
        let out = afscope_in(tmp.path(), cmd);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        assert!(
            stderr(&out).contains("no input"),
            "{cmd:?}: {}",
            stderr(&out)
        );
    }
    let out = afscope_in(tmp.path(), &["study", "show"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("study init"), "{}", stderr(&out));
    // A folder with no transcripts makes no study.
    let out = afscope_in(tmp.path(), &["study", "init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no transcript files"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_big_tree_is_written_as_globs_that_name_exactly_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let one = std::fs::read(common::root().join(
        "fixtures/study/helpful_only/meta/llama-3.1-405b/results_seed42_20261201_121500.json",
    ))
    .unwrap();
    for (cond, model) in [
        ("helpful_only", "m1"),
        ("helpful_only", "m2"),
        ("animal", "m1"),
    ] {
        let d = root.join(cond).join("prov").join(model);
        std::fs::create_dir_all(&d).unwrap();
        for k in 0..3 {
            std::fs::write(d.join(format!("results_seed{k}.json")), &one).unwrap();
        }
    }
    // A score CSV among the results must not be swept into the transcripts' glob.
    std::fs::write(
        root.join("helpful_only/scores.csv"),
        "transcript_id,score\nresults_seed0#0,0.5\n",
    )
    .unwrap();
    ok(root, &["study", "init"]);
    let text = std::fs::read_to_string(root.join("afscope.toml")).unwrap();
    assert!(text.contains("paths = [\"**/results_*.json\"]"), "{text}");
    assert!(
        text.contains("paths = [\"helpful_only/scores.csv\"]"),
        "{text}"
    );
    let show = ok(root, &["study", "show"]);
    assert_eq!(show.matches("  transcripts  ").count(), 9, "{show}");
    // A new result file the glob does not take is pointed out.
    std::fs::write(root.join("animal/extra.json"), &one).unwrap();
    let show = ok(root, &["study", "show"]);
    assert!(
        show.contains("not named by the study: 1 data file(s)") && show.contains("extra.json"),
        "{show}"
    );
}

#[test]
fn the_interface_opens_the_study_of_its_folder() {
    let (_tmp, root) = tree();
    ok(&root, &["study", "init"]);
    let mut p = Pty::start_at(&root, &[], 24, 100, &[]);
    let s = p.wait_for("transcripts 8/8");
    assert!(s.contains("claude-3-opus"), "{s}");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    // The study's filter is where the interface opens.
    let text = std::fs::read_to_string(root.join("afscope.toml")).unwrap();
    std::fs::write(
        root.join("afscope.toml"),
        text.replace("# filter = \"tier:free\"", "filter = \"model:llama\""),
    )
    .unwrap();
    let mut p = Pty::start_at(&root, &[], 24, 100, &[]);
    let s = p.wait_for("transcripts 2/8");
    assert!(!s.contains("claude-3-opus"), "{s}");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
}

#[test]
fn labels_go_to_the_study_journal_and_count_everywhere() {
    let (_tmp, root) = tree();
    ok(&root, &["study", "init"]);
    let text = std::fs::read_to_string(root.join("afscope.toml")).unwrap();
    std::fs::write(
        root.join("afscope.toml"),
        text.replace("# labeler = \"your-name\"", "labeler = \"ana\"")
            .replace("# filter = \"tier:free\"", "filter = \"model:llama\""),
    )
    .unwrap();
    let mut p = Pty::start_at(&root, &["label", "--queue", "view"], 30, 120, &[]);
    p.wait_for("labeling view: 2 items");
    p.keys("a");
    p.wait_for("✓ saved results_seed42_20261201_121500#0 af=yes");
    p.keys("\x1b");
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
    let journal = std::fs::read_to_string(root.join("afscope.labels.jsonl")).unwrap();
    assert!(journal.contains("\"labeler\":\"ana\""), "{journal}");
    // Read back by every command: the sheet's "no" and Ana's "yes" now disagree.
    let show = ok(&root, &["study", "show"]);
    assert!(
        show.contains("journal afscope.labels.jsonl (7 labels read)"),
        "{show}"
    );
    let eval = ok(&root, &["eval", "--resamples", "0", "-q", "model:llama"]);
    assert!(eval.contains("labelers disagree 1"), "{eval}");
}

// The study file read through the library: every setting resolved, every error
// naming the file, line and key.

/// A study file of `text` in a fresh copy of the fixture study tree.
fn study(text: &str) -> Result<Study, String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("s");
    common::copy_tree(&common::root().join("fixtures/study"), &root);
    let file = root.join(FILE_NAME);
    std::fs::write(&file, text).unwrap();
    let out = Study::load(&file);
    // Paths are under the temporary folder: keep only what tests compare.
    out.map_err(|e| e.replace(&root.display().to_string(), "S"))
}

const GOOD: &str = r#"
[defaults]
filter = "tier:free"
threshold = 0.5
journal = "labels/j.jsonl"

[[transcripts]]
paths = ["helpful_only/**/results_*.json"]
profile = "af-pipeline"

[[transcripts]]
paths = ["animal_welfare"]
set = ["model=opus-aw"]

[[verdicts]]
paths = ["analysis/probe-scores.csv"]
join = { id = "transcript_id" }

[[labels]]
paths = ["analysis/hand-labels.csv"]
set = ["labeler=ana"]
"#;

#[test]
fn a_study_resolves_to_files_with_their_settings() {
    let s = study(GOOD).unwrap();
    let names: Vec<String> = s
        .transcripts
        .iter()
        .map(|t| t.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "results_seed42_20261201_101500.json",
            "results_seed42_20261201_121500.json",
            "results_seed42_20261201_111500.json"
        ]
    );
    assert_eq!(s.transcripts[0].profile.as_deref(), Some("af-pipeline"));
    assert_eq!(s.transcripts[0].line, 8);
    assert_eq!(s.transcripts[2].set, ["model=opus-aw"]);
    assert_eq!(s.verdicts[0].set, [r#"join.on={ id = "transcript_id" }"#]);
    assert_eq!(s.labels[0].set, ["labeler=ana"]);
    assert_eq!(s.defaults.filter.as_deref(), Some("tier:free"));
    assert_eq!(s.defaults.threshold, Some(0.5));
    assert!(s.defaults.journal.ends_with("labels/j.jsonl"));
}

#[test]
fn errors_name_the_file_line_and_key() {
    let cases = [
        ("[[transcripts]]\npathz = [\"x\"]\n", "S/afscope.toml:2: unknown field `pathz`"),
        ("[[transcripts]]\npaths = [\"nope.json\"]\n", "S/afscope.toml:2: [[transcripts]] paths: `nope.json`: no such file or folder"),
        ("[[transcripts]]\npaths = [\n  \"helpful_only/*.csv\",\n]\n", "S/afscope.toml:3: [[transcripts]] paths: `helpful_only/*.csv` matches no data file"),
        ("[[transcripts]]\npaths = [\"analysis\"]\n", "S/afscope.toml:2: [[transcripts]] paths: `analysis`: no transcripts files in this folder"),
        ("[[transcripts]]\npaths = [\"helpful_only\"]\nprofile = \"no-such\"\n", "S/afscope.toml:3: [[transcripts]] profile: profile no-such: not a built-in profile"),
        ("[[transcripts]]\npaths = [\"helpful_only\"]\nprofile = \"native\"\nset = [\"fields.id=\"]\n", ""),
        ("[[transcripts]]\npaths = [\"helpful_only\"]\nset = [\"novalue\"]\n", "S/afscope.toml:3: [[transcripts]] set: `--set novalue`: expected KEY=VALUE"),
        ("[[verdicts]]\npaths = [\"analysis/probe-scores.csv\"]\nset = [\"join.on.id=tid\"]\njoin = \"position\"\n", "S/afscope.toml:4: [[verdicts]] join: conflicts with `set = [\"join.on.id=tid\"]` (line 3)"),
        ("[[verdicts]]\npaths = [\"analysis/probe-scores.csv\"]\njoin = \"sideways\"\n", "S/afscope.toml:3: [[verdicts]] join: expected \"position\""),
        ("[[labels]]\npaths = [\"analysis/hand-labels.csv\"]\nset = [\"colour=red\"]\n", "S/afscope.toml:3: [[labels]] set:"),
        ("[defaults]\nthreshold = 1.5\n", "S/afscope.toml:2: [defaults] threshold: must be in [0, 1]"),
        ("[defaults]\nfilter = \"modle:opus\"\n", "S/afscope.toml:2: [defaults] filter:"),
        ("[[transcripts]]\npaths = [\"helpful_only\"]\n[[transcripts]]\npaths = [\"helpful_only/meta\"]\n", "S/afscope.toml:4: [[transcripts]] paths:"),
        ("[[transcripts]]\npaths = []\n", "S/afscope.toml:2: [[transcripts]] paths: names no file"),
        ("[transcripts]\npaths = 1\n", "S/afscope.toml:1:"),
    ];
    for (text, want) in cases {
        match study(text) {
            Err(e) if !want.is_empty() => {
                assert!(e.starts_with(want), "{text}\n got {e}\nwant {want}")
            }
            Ok(_) if want.is_empty() => {}
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn a_file_named_twice_names_both_lines() {
    let e = study("[[transcripts]]\npaths = [\"helpful_only\"]\n\n[[verdicts]]\npaths = [\"helpful_only/meta/llama-3.1-405b/results_seed42_20261201_121500.json\"]\n").unwrap_err();
    assert!(e.contains(":5: [[verdicts]] paths:"), "{e}");
    assert!(
        e.ends_with("is also named by [[transcripts]] at line 2"),
        "{e}"
    );
}
