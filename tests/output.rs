//! Standard output that fails, one way in every command: a reader that stops early
//! ends the command quietly with success; a full device is an error, exit 2.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

fn afscope() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_afscope"));
    c.current_dir(common::root());
    c
}

const COMMANDS: &[&[&str]] = &[
    &["check", "fixtures/demo.jsonl"],
    &["list", "fixtures/demo.jsonl"],
    &["list", "fixtures/demo.jsonl", "--format", "jsonl"],
    &["list", "fixtures/demo.jsonl", "--count"],
    &["list", "fixtures/demo.jsonl", "-q", "scratchpad:values"],
    &["stats", "fixtures/demo.jsonl"],
    &[
        "eval",
        "fixtures/demo.jsonl",
        "--labels",
        "fixtures/label.jsonl",
    ],
    &["spans", "fixtures/demo.jsonl"],
    &["profiles"],
    &["profiles", "native"],
    &["man"],
    &["labels", "export", "fixtures/journal-example.jsonl"],
];

#[test]
fn a_full_device_is_an_error_in_every_command() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    for args in COMMANDS {
        let out = afscope()
            .args(*args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("writing output: No space left"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_reader_that_stops_early_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.jsonl");
    let out = afscope()
        .args(["synth", "--out", big.to_str().unwrap(), "--size-mb", "4"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let big = big.to_str().unwrap();
    let long: &[&[&str]] = &[
        &["list", big],
        &["list", big, "--format", "jsonl"],
        &["list", big, "-q", "scratchpad:the"],
        &["check", big],
        &["spans", big],
        &["man"],
    ];
    for args in long {
        let mut child = afscope()
            .args(*args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The reader is gone (as `| head -c 1` leaves).
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}

/// A model or condition the data does not give is shown as `-` by every command.
#[test]
fn a_missing_model_is_spelled_one_way_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    for i in 0..4 {
        lines.push_str(&format!(
            "{{\"id\":\"t{i}\",\"tier\":\"{}\",\"compliance\":{},\"completion\":\"<OUTPUT>x</OUTPUT>\"}}\n",
            if i % 2 == 0 { "free" } else { "paid" },
            i % 3
        ));
    }
    std::fs::write(dir.path().join("r.jsonl"), lines).unwrap();
    for args in [
        &["list", "r.jsonl"][..],
        &["stats", "r.jsonl"][..],
        // Not a terminal: the overview.
        &["r.jsonl"][..],
    ] {
        let out = common::afscope_in(dir.path(), args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        for other in ["(unknown model)", "(none)", "(no model)"] {
            assert!(!text.contains(other), "{args:?}: {text}");
        }
        assert!(out.status.success(), "{args:?}: {text}");
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some("-")
                    || l.split_whitespace().nth(1) == Some("-")),
            "{args:?}: {text}"
        );
    }
}
