//! `--help` of every command: each option described, only the options a command
//! uses listed, the others refused, and the query language where `list` says it is.

mod common;

use common::afscope;

const COMMANDS: &[&[&str]] = &[
    &[],
    &["check"],
    &["list"],
    &["spans"],
    &["eval"],
    &["stats"],
    &["label"],
    &["labels", "export"],
    &["labels", "merge"],
    &["labels", "import"],
    &["labels", "agree"],
    &["completions"],
    &["man"],
    &["study", "init"],
    &["study", "show"],
    &["profiles"],
    &["synth"],
];

fn help(path: &[&str]) -> String {
    let mut args: Vec<&str> = path.to_vec();
    args.push("-h");
    let out = afscope(&args);
    assert!(out.status.success(), "{path:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The option and argument lines of a help text: (name, description on that line).
fn entries(text: &str) -> Vec<(String, String)> {
    let mut section = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.ends_with(':') && !line.starts_with(' ') {
            section = line == "Options:" || line == "Arguments:";
            continue;
        }
        if !section || line.trim().is_empty() {
            if line.trim().is_empty() {
                section = false;
            }
            continue;
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        // Description lines are indented past the names (below the name when the
        // names are long).
        if indent > 6 && !trimmed.starts_with('-') {
            if let Some((_, d)) = found
                .last_mut()
                .filter(|(_, d): &&mut (String, String)| d.is_empty())
            {
                *d = trimmed.to_string();
            }
            continue;
        }
        let (name, rest) = match trimmed.find("  ") {
            Some(i) => (&trimmed[..i], trimmed[i..].trim()),
            None => (trimmed, ""),
        };
        found.push((name.to_string(), rest.to_string()));
    }
    found
}

#[test]
fn every_option_and_argument_of_every_command_is_described() {
    for path in COMMANDS {
        let text = help(path);
        let entries = entries(&text);
        assert!(
            !entries.is_empty(),
            "{path:?}: no options read from\n{text}"
        );
        for (name, description) in entries {
            assert!(
                !description.is_empty(),
                "{path:?}: `{name}` has no description\n{text}"
            );
        }
    }
}

#[test]
fn a_command_that_reads_no_transcripts_lists_no_data_options() {
    for path in [
        &["profiles"][..],
        &["synth"],
        &["labels", "merge"],
        &["study", "init"],
        &["completions"],
    ] {
        let text = help(path);
        for flag in [
            "--verdicts",
            "--profile",
            "--set",
            "--strict",
            "--no-follow",
        ] {
            assert!(
                !text.contains(&format!("{flag} ")),
                "{path:?} lists {flag}:\n{text}"
            );
        }
    }
    // The label commands list the one they use.
    let export = help(&["labels", "export"]);
    assert!(export.contains("--label-set"), "{export}");
    assert!(!export.contains("--verdicts"), "{export}");
    // Commands that read transcripts keep them.
    for path in [&["list"][..], &["eval"], &["label"], &["labels", "import"]] {
        assert!(help(path).contains("--profile"), "{path:?}");
    }
}

#[test]
fn a_data_option_given_to_a_command_that_ignores_it_is_refused() {
    for args in [
        &["profiles", "--verdicts", "v.jsonl"][..],
        &["--verdicts", "v.jsonl", "profiles"],
        &["labels", "merge", "a", "b", "-o", "c", "--strict"],
        &["labels", "agree", "a.jsonl", "--labels", "b.jsonl"],
    ] {
        let out = afscope(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("does not apply to `afscope "),
            "{args:?}: {err}"
        );
        assert!(err.contains("Usage: afscope "), "{err}");
    }
    // Accepted where it is used, before or after the command.
    let out = afscope(&["--strict", "list", "fixtures/demo.jsonl", "--count"]);
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn list_help_gives_the_query_language_it_points_to() {
    let text = help(&["list"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("(terms below)"), "{text}");
    for term in [
        "Query terms",
        "tier:free",
        "af>=0.4",
        "pair:discordant",
        "/regex/",
    ] {
        assert!(text.contains(term), "{term}\n{text}");
    }
}

#[test]
fn label_describes_labels_as_its_journal() {
    let text = help(&["label"]);
    assert!(text.contains("--labels <FILE>"), "{text}");
    assert!(text.contains("The label journal"), "{text}");
    assert!(!text.contains("A label file to join"), "{text}");
}
