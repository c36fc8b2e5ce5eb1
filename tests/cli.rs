//! The real binary's commands, as a user runs them.

mod common;

use common::afscope;

/// The first column of TSV output.
/// The ids of a TSV listing, after its header row.
fn tsv_ids(text: &str) -> Vec<String> {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id\tmodel\ttier\tcondition\tcompliance\taf\tsource"),
        "{text}"
    );
    lines
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .collect()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn check_names_every_bad_line_of_the_malformed_fixture() {
    let out = afscope(&["check", "fixtures/malformed.jsonl"]);
    assert_eq!(out.status.code(), Some(1), "records were skipped");
    let expected = "\
fixtures/malformed.jsonl:2:74: invalid JSON: key must be a string
fixtures/malformed.jsonl:3:74: invalid UTF-8: invalid UTF-8 byte 0xe9
fixtures/malformed.jsonl:4:1: wrong type: expected a JSON object per record, found an array
fixtures/malformed.jsonl:6: missing field: field `completion`: no completion text (looked for completion, response, text, scratchpad, reasoning, output, final_output, messages, prompt.messages)
fixtures/malformed.jsonl:7: wrong type: field `completion`: expected a string, found a number
fixtures/malformed.jsonl:9: bad value: field `tier`: cannot read a tier from {\"x\": 1}
fixtures/malformed.jsonl:10: bad value: field `verdicts[0].votes`: expected {yes, n} with whole numbers, yes <= n
fixtures/malformed.jsonl:11:71: truncated record: the file ends inside this record

Files
  transcripts  fixtures/malformed.jsonl: 4 transcripts, profile native

Summary (1 file)
  transcripts loaded         4
  tiers                      free 1, paid 2, unknown 1
  records skipped            6
    invalid JSON             1
    invalid UTF-8            1
    wrong type               2
    missing field            1
    truncated record         1
  loaded with problems       bad value 2
  verdict j                  0 scored, 1 failed, 3 unscored (1 read without a score, no verdict for 2)
  without a scratchpad       2
  with unclosed tags         0
";
    assert_eq!(stdout(&out), expected);
}

#[test]
fn check_passes_clean_input_and_reports_joins() {
    let out = afscope(&[
        "check",
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/demo-verdicts.jsonl",
        "--labels",
        "fixtures/label.jsonl",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("transcripts loaded         31"), "{text}");
    assert!(
        text.contains(
            "verdicts     fixtures/demo-verdicts.jsonl: profile native-verdicts; 29 of 29 records joined → 29 transcripts; 2 transcripts have no verdict from it"
        ),
        "{text}"
    );
    assert!(
        text.contains("labels                     3 read, 0 unjoined"),
        "{text}"
    );
    assert!(
        text.contains("labels       fixtures/label.jsonl: 3 read, 3 joined by id, 0 unjoined"),
        "{text}"
    );
    assert!(
        text.contains("verdict af_judge           30 scored, 1 failed, 0 unscored"),
        "{text}"
    );
    assert!(text.contains("without a scratchpad       6"), "{text}");
    assert!(text.contains("with unclosed tags         1"), "{text}");
    // Escape sequences from model text never reach the terminal.
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn strict_refuses_input_with_problems() {
    let out = afscope(&["list", "fixtures/malformed.jsonl", "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--strict: 7 problem(s)") && err.contains("malformed.jsonl:2:74"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = afscope(&["list", "fixtures/demo.jsonl", "--strict", "--limit", "1"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn list_filters_and_formats() {
    let out = afscope(&[
        "list",
        "fixtures/demo.jsonl",
        "--model",
        "OPUS",
        "--tier",
        "free",
        "--condition",
        "helpful",
        "--format",
        "tsv",
    ]);
    let text = stdout(&out);
    let ids = tsv_ids(&text);
    assert_eq!(
        ids,
        [
            "claude-3-opus/helpful_only/p0/free",
            "claude-3-opus/helpful_only/p1/free",
            "claude-3-opus/helpful_only/p2/free",
            "unicode/free"
        ]
    );
    let first: Vec<&str> = text.lines().nth(1).unwrap().split('\t').collect();
    assert_eq!(
        &first[1..6],
        ["claude-3-opus", "free", "helpful_only", "1.000", "0.850"]
    );
    assert!(first[6].ends_with("fixtures/demo.jsonl:1"));

    let out = afscope(&[
        "list",
        "fixtures/demo.jsonl",
        "--tier",
        "paid",
        "--format",
        "jsonl",
        "--limit",
        "2",
    ]);
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r["tier"] == "paid"));

    let out = afscope(&["list", "fixtures/demo.jsonl", "--model", "gpt"]);
    let text = stdout(&out);
    assert!(text.starts_with("id "), "{text}");
    let hostile = text.lines().find(|l| l.starts_with("hostile/")).unwrap();
    let cells: Vec<&str> = hostile
        .split("  ")
        .filter(|c| !c.is_empty())
        .map(str::trim)
        .collect();
    assert_eq!(
        &cells[..3],
        ["hostile/␛[31mpaid", "gpt-4o␛[5m", "paid"],
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "escapes shown as placeholders");

    let out = afscope(&["list", "fixtures/demo.jsonl", "--tier", "sometimes"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tier:\"sometimes\"\n     ^^^^^^^^^^^ tier is free, paid or unknown"),
        "{err}"
    );
}

#[test]
fn no_file_shows_the_embedded_demo() {
    let out = afscope(&[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text.starts_with("31 transcripts from 1 file(s), 2 conditions"),
        "{text}"
    );
    assert!(
        text.contains("claude-3-opus           5       4        0"),
        "{text}"
    );
}

#[test]
fn profiles_list_and_print() {
    let out = afscope(&["profiles"]);
    let text = stdout(&out);
    for name in [
        "af-pipeline",
        "wide-conditions",
        "tier-columns",
        "condition-scores",
        "native-verdicts",
        "native",
    ] {
        assert!(text.contains(name), "{text}");
    }
    let out = afscope(&["profiles", "wide-conditions"]);
    assert!(stdout(&out).contains("keys = '^(?P<tier>Free|Paid)_Tier_(?P<condition>.+)$'"));
    let out = afscope(&["profiles", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_profile_is_a_clear_error() {
    let out = afscope(&["list", "fixtures/demo.jsonl", "--set", "wide.keys=("]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wide.keys"), "{err}");
    let out = afscope(&["list", "fixtures/demo.jsonl", "--profile", "missing.toml"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml: not a built-in profile"));
}

#[test]
fn every_command_shows_an_example_in_help() {
    for cmd in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["list", "--help"],
        vec!["profiles", "--help"],
        vec!["synth", "--help"],
    ] {
        let out = afscope(&cmd);
        assert!(stdout(&out).contains("Example"), "{cmd:?}");
    }
}

#[test]
fn a_missing_or_non_data_file_is_an_error_naming_it_in_every_command() {
    for args in [
        &[
            "check",
            "fixtures/demo.jsonl",
            "fixtures/does-not-exist.jsonl",
        ][..],
        &["list", "fixtures/does-not-exist.jsonl", "--count"],
        &["stats", "fixtures/does-not-exist.jsonl"],
        &["eval", "fixtures/does-not-exist.jsonl"],
        &["spans", "fixtures/does-not-exist.jsonl"],
    ] {
        let out = afscope(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("fixtures/does-not-exist.jsonl: no such file or directory"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = afscope(&["list", "README.md", "--count"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("README.md: not a data file"));
}

#[test]
fn check_reports_bad_csv_rows_and_json_array_elements() {
    let out = afscope(&["check", "fixtures/malformed.csv", "fixtures/malformed.json"]);
    assert_eq!(out.status.code(), Some(1));
    let expected = "\
fixtures/malformed.csv:3: wrong number of cells: 3 cells, the header has 4
fixtures/malformed.csv:4: invalid UTF-8: field `completion`: cell is not valid UTF-8
fixtures/malformed.csv:7: wrong number of cells: 5 cells, the header has 4
fixtures/malformed.json:3:96: invalid JSON: expected a value
fixtures/malformed.json:4:75: invalid JSON: invalid escape in a string
fixtures/malformed.json:5:1: wrong type: expected a JSON object per record, found a string
fixtures/malformed.json:7:63: truncated record: the file ends inside this record

Files
  transcripts  fixtures/malformed.csv: 3 transcripts, profile native
  transcripts  fixtures/malformed.json: 2 transcripts, profile native

Summary (2 files)
  transcripts loaded         5
  tiers                      free 2, paid 3, unknown 0
  records skipped            7
    invalid JSON             2
    invalid UTF-8            1
    wrong type               1
    truncated record         1
    wrong number of cells    2
  without a scratchpad       4
  with unclosed tags         0
";
    assert_eq!(stdout(&out), expected);
    // The rows around the bad ones still load, multi-line quoted cells included.
    let out = afscope(&["list", "fixtures/malformed.csv", "--format", "tsv"]);
    let ids = tsv_ids(&stdout(&out));
    assert_eq!(ids, ["c1", "c4", "c6"]);
}

#[test]
fn color_is_used_only_when_asked_or_on_a_terminal() {
    let plain = stdout(&afscope(&["check", "fixtures/malformed.jsonl"]));
    assert!(
        !plain.contains('\u{1b}'),
        "piped output has no colour by default"
    );
    let colored = stdout(&afscope(&[
        "check",
        "fixtures/malformed.jsonl",
        "--color",
        "always",
    ]));
    assert!(
        colored.contains("\u{1b}[31minvalid JSON\u{1b}[0m"),
        "{colored}"
    );
    assert!(
        colored.contains("\u{1b}[33mbad value\u{1b}[0m"),
        "{colored}"
    );
    let never = stdout(&afscope(&[
        "check",
        "fixtures/malformed.jsonl",
        "--color",
        "never",
    ]));
    assert_eq!(never, plain);
}

#[test]
fn list_takes_the_query_language_and_counts_by_model_and_tier() {
    let out = afscope(&[
        "list",
        "fixtures/demo.jsonl",
        "-q",
        "scratchpad:/modify my values|values to be changed/i",
        "--count",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "\
model             free    paid  unknown   total
claude-3-opus        3       0        0       3
llama-3.1-405b       3       0        0       3
total                6       0        0       6
"
    );
    let out = afscope(&[
        "list",
        "fixtures/demo.jsonl",
        "-q",
        "af>=0.4 or label:af",
        "--model",
        "opus",
        "--format",
        "tsv",
    ]);
    let ids = tsv_ids(&stdout(&out));
    assert_eq!(
        ids,
        [
            "claude-3-opus/helpful_only/p0/free",
            "claude-3-opus/helpful_only/p1/free",
            "claude-3-opus/helpful_only/p2/free",
            "claude-3-opus/animal_welfare/p3/free"
        ]
    );
    let out = afscope(&["list", "fixtures/demo.jsonl", "-q", "(tier:free"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("^ this `(` is never closed"));
    // The error points at the query as typed, not as combined with the flags.
    for flags in [&[][..], &["--model", "opus"][..]] {
        let mut args = vec!["list", "fixtures/demo.jsonl", "-q", "af>0.5 or"];
        args.extend_from_slice(flags);
        let out = afscope(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.get(1), Some(&"af>0.5 or"), "{err}");
        assert!(!err.contains("unexpected `)`"), "{err}");
        assert!(
            lines.get(2).is_some_and(|l| l.starts_with("         ^")),
            "{err}"
        );
    }
}

#[test]
fn check_reports_offsets_that_cannot_be_placed() {
    let out = afscope(&[
        "check",
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/bad-spans-verdicts.jsonl",
    ]);
    let text = stdout(&out);
    assert!(text.contains("fixtures/demo.jsonl:29: bad span: field `verdicts`: verdict `offset_judge` span 0: byte offsets 31..32 fall inside a character"), "{text}");
    assert!(
        text.contains("verdict `offset_judge` span 1: ends at code point 5000"),
        "{text}"
    );
    assert!(
        !text.contains("span 2:"),
        "a good span is not a problem: {text}"
    );
    assert!(
        text.contains("loaded with problems       bad span 2"),
        "{text}"
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "value problems do not skip records"
    );
}

#[test]
fn spans_audits_every_quote_and_offset() {
    let out = afscope(&[
        "spans",
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/demo-verdicts.jsonl",
        "--format",
        "jsonl",
        "-q",
        "id:opus/helpful_only/p0/free",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let how: Vec<&str> = rows.iter().map(|r| r["match"].as_str().unwrap()).collect();
    // af_judge's four quotes (verbatim, verbatim, judge-normalized, judge-normalized),
    // then af_judge_v2's quote and its byte offsets.
    assert_eq!(
        how,
        [
            "exact",
            "exact",
            "normalized",
            "normalized",
            "exact",
            "offsets"
        ]
    );
    let offsets = rows.last().unwrap();
    assert_eq!(
        offsets["spans"][0]["text"],
        "I don't want my values to be changed."
    );
    assert_eq!(
        rows[2]["spans"][0]["text"],
        "I still think this request is harmful, and I feel uneasy about it"
    );
    assert_eq!(rows[0]["criterion_name"], "aware of harm");
    let table = stdout(&afscope(&[
        "spans",
        "fixtures/demo.jsonl",
        "--verdicts",
        "fixtures/demo-verdicts.jsonl",
    ]));
    // The four not found are helpful-only quotes the demo attaches to an animal-welfare
    // transcript, which does not contain them.
    assert!(
        table
            .trim_end()
            .ends_with("exact 19, normalized 12, not found 4, offsets 8"),
        "{table}"
    );
}

#[test]
fn version_completions_and_manual() {
    let v = stdout(&afscope(&["--version"]));
    assert!(
        v.starts_with(&format!("afscope {} (", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = afscope(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        assert!(stdout(&out).contains("afscope"), "{shell}");
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("afscope.bash");
    std::fs::write(&script, afscope(&["completions", "bash"]).stdout).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(check.success(), "the bash completion script parses");
    let man = stdout(&afscope(&["man"]));
    assert!(man.contains(".TH afscope 1"), "{man}");
    assert!(man.contains("completions"), "{man}");
}

#[test]
fn a_limited_text_search_lists_the_first_matches_in_corpus_order() {
    // Matches far apart, so the first ones lie in different blocks of the search.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("sparse.jsonl");
    let mut text = String::new();
    for i in 0..10_000 {
        let word = if i % 2500 == 2499 { "needle" } else { "hay" };
        text.push_str(&format!(
            "{{\"id\":\"r{i}\",\"tier\":\"free\",\"completion\":\"<OUTPUT>{word}</OUTPUT>\"}}\n"
        ));
    }
    std::fs::write(&p, text).unwrap();
    let ids = |limit: Option<&str>| {
        let mut args = vec![
            p.to_str().unwrap(),
            "-q",
            "output:/needle/",
            "--format",
            "tsv",
        ];
        args.insert(0, "list");
        if let Some(l) = limit {
            args.extend(["--limit", l]);
        }
        let out = common::afscope(&args);
        tsv_ids(&String::from_utf8_lossy(&out.stdout))
    };
    assert_eq!(ids(None), ["r2499", "r4999", "r7499", "r9999"]);
    assert_eq!(ids(Some("3")), ["r2499", "r4999", "r7499"]);
    assert_eq!(ids(Some("1")), ["r2499"]);
}

#[test]
fn list_jsonl_writes_numbers_as_numbers_and_what_is_missing_as_null() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.jsonl");
    std::fs::write(
        &p,
        concat!(
            r#"{"id":"a","tier":"free","completion":"<OUTPUT>x</OUTPUT>","verdicts":[{"classifier":"j","kind":"alignment_faking","score":0.179}]}"#,
            "\n",
            r#"{"id":"b","model":"m","tier":"paid","completion":"<OUTPUT>x</OUTPUT>"}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = afscope(&["list", p.to_str().unwrap(), "--format", "jsonl"]);
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows[0]["af"], serde_json::json!(0.179));
    assert_eq!(rows[0]["model"], serde_json::Value::Null);
    assert_eq!(rows[1]["af"], serde_json::Value::Null);
    assert_eq!(rows[1]["model"], "m");
    // A failed classifier is said apart from a score that is not there.
    let demo = afscope(&["list", "fixtures/demo.jsonl", "--format", "jsonl"]);
    let failed: Vec<serde_json::Value> = stdout(&demo)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["af_failed"] == true)
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["af"].is_null());
}

/// `list -q TERM --limit N` answers from the records as they are indexed and stops
/// reading once it has its rows: a damaged tail far past them is never reached (no
/// problem is noted), while the same query without a limit reads it and says so. The
/// rows are the first N of the full answer, in the same order.
#[test]
fn a_limited_search_stops_reading_once_it_has_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.jsonl");
    let mut text = String::new();
    let filler = "plain words ".repeat(40);
    for i in 0..60_000 {
        let word = if i % 97 == 5 { "needle" } else { "hay" };
        text.push_str(&format!(
            "{{\"id\":\"r{i}\",\"tier\":\"{}\",\"completion\":\"<SCRATCHPAD_REASONING>{filler}{word}</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>\"}}\n",
            if i % 2 == 0 { "free" } else { "paid" }
        ));
    }
    // A tail a pipeline left half-written, 30 MB in.
    text.push_str("{\"id\":\"broken\",\"completion\":\"<OUTPUT>cut\n");
    text.push_str("not json at all\n");
    std::fs::write(&p, text).unwrap();
    let run = |limit: Option<&str>| {
        let mut args = vec![
            "list",
            p.to_str().unwrap(),
            "-q",
            "scratchpad:needle and tier:paid",
            "--format",
            "tsv",
        ];
        if let Some(l) = limit {
            args.extend(["--limit", l]);
        }
        let out = common::afscope(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            tsv_ids(&String::from_utf8_lossy(&out.stdout)),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (all, all_err) = run(None);
    assert!(all.len() > 100, "{}", all.len());
    assert!(all_err.contains("problem(s) in the input"), "{all_err}");
    let (first, err) = run(Some("4"));
    assert_eq!(first, all[..4]);
    assert!(!err.contains("problem"), "the damaged tail was read: {err}");
}

#[test]
fn counts_group_transcripts_without_a_model_and_names_shown_alike() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.jsonl");
    let rec = |id: &str, model: Option<&str>, tier: &str| {
        let mut v =
            serde_json::json!({"id": id, "tier": tier, "completion": "<OUTPUT>ok</OUTPUT>"});
        if let Some(m) = model {
            v["model"] = m.into();
        }
        v.to_string()
    };
    // Two long names that differ only where a table cell cuts them are shown, and
    // so counted, as one; a control character is shown as its picture.
    let long = |mid: char| format!("m-c{}{mid}{}", "x".repeat(100), "y".repeat(100));
    let (c1, c2) = (long('1'), long('2'));
    let lines = [
        rec("1", Some("m-b"), "free"),
        rec("2", Some("m-a"), "paid"),
        rec("3", None, "free"),
        rec("4", Some("m-b"), "paid"),
        rec("5", Some("m-a"), "free"),
        rec("6", Some(&c1), "free"),
        rec("7", Some(&c2), "unknown"),
        rec("8", None, "paid"),
        rec("9", Some("m-d\u{7}"), "paid"),
    ];
    std::fs::write(&f, lines.join("\n") + "\n").unwrap();
    let out = afscope(&["list", f.to_str().unwrap(), "--count"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.first() == Some(&name))
            .unwrap_or_else(|| panic!("no row {name}: {text}"))
            .clone()
    };
    assert_eq!(row("m-a")[1..], ["1", "1", "0", "2"], "{text}");
    assert_eq!(row("m-b")[1..], ["1", "1", "0", "2"], "{text}");
    assert_eq!(row("m-d\u{2407}")[1..], ["0", "1", "0", "1"], "{text}");
    assert_eq!(row("total")[1..], ["4", "4", "1", "9"], "{text}");
    assert_eq!(row("-")[1..], ["1", "1", "0", "2"], "{text}");
    let c: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0].starts_with("m-c")).collect();
    assert_eq!(c.len(), 1, "{text}");
    assert_eq!(c[0][1..], ["1", "0", "1", "2"], "{text}");
    assert!(!text.contains('\u{7}'), "{text:?}");
}
