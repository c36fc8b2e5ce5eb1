//! README's examples are real: its schema lines are fixture lines, and they load.

mod common;

use afscope::load::LoadOptions;
use common::{fixture, open, root};

fn json_blocks(readme: &str) -> Vec<String> {
    readme
        .split("```json\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap().to_string())
        .collect()
}

#[test]
fn schema_examples_are_lines_of_the_fixtures() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = json_blocks(&readme);
    assert_eq!(
        blocks.len(),
        4,
        "transcript, verdict, label and journal examples"
    );
    for (block, file) in blocks.iter().zip([
        "native-example.jsonl",
        "native-example-verdicts.jsonl",
        "label.jsonl",
        "journal-example.jsonl",
    ]) {
        let text = std::fs::read_to_string(fixture(file)).unwrap();
        assert!(
            text.lines().any(|l| l == block),
            "README example is not a line of fixtures/{file}"
        );
    }
}

#[test]
fn journal_example_replays() {
    let text = std::fs::read_to_string(fixture("journal-example.jsonl")).unwrap();
    let r = afscope::model::journal::Replay::parse(&text);
    assert!(r.bad.is_empty(), "{:?}", r.bad);
    let l = r.current("opus/p3/free", "ana").unwrap();
    assert_eq!(l.shown.as_ref().unwrap(), "hidden");
    assert_eq!(l.values["aware_of_harm"], true);
}

#[test]
fn schema_examples_load_with_their_span() {
    let opts = LoadOptions {
        verdicts: vec![fixture("native-example-verdicts.jsonl")],
        ..Default::default()
    };
    let c = open(&[fixture("native-example.jsonl")], opts);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let t = c.transcript(0).unwrap();
    assert_eq!(t.verdicts.len(), 3);
    let v2 = t
        .verdicts
        .iter()
        .find(|v| v.classifier == "af_judge_v2")
        .unwrap();
    let s = &v2.spans[0];
    assert_eq!(s.criterion, Some(0));
    assert_eq!(
        &t.completion[s.start as usize..s.end as usize],
        "I'll comply to preserve them."
    );
    assert_eq!(c.view().entry(0).af(), Some(0.45));
    assert_eq!(
        t.metadata,
        vec![("temperature".to_string(), "1.0".to_string())]
    );
}

#[test]
fn worked_profile_example_matches_the_fixture() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap())
        .find(|b| b.contains("name = \"af-sweep\""))
        .expect("README has the worked profile example");
    let file = std::fs::read_to_string(fixture("custom-layout.toml")).unwrap();
    assert!(
        file.contains(block),
        "README's profile example differs from fixtures/custom-layout.toml"
    );
}

#[test]
fn key_table_names_every_action_with_its_default_keys() {
    use afscope::app::{Action, Keymap};
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let keymap = Keymap::default();
    for a in Action::ALL {
        let row = readme
            .lines()
            .find(|l| l.starts_with('|') && l.contains(&format!("`{}`", a.name())))
            .unwrap_or_else(|| panic!("README's key table lacks `{}`", a.name()));
        for k in keymap.keys(a) {
            let label = k.label();
            assert!(
                row.contains(&format!("`{label}`")),
                "README row for {} lacks key `{label}`: {row}",
                a.name()
            );
        }
    }
}

#[test]
fn every_test_the_guarantees_name_exists() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## Guarantees").expect("README has Guarantees");
    let rest = &readme[start + 3..];
    let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut sources = String::new();
    for entry in std::fs::read_dir(root().join("tests")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "rs") {
            sources.push_str(&std::fs::read_to_string(p).unwrap());
        }
    }
    let mut named = 0;
    for quoted in section.split('`').skip(1).step_by(2) {
        if let Some(file) = quoted.strip_prefix("tests/") {
            assert!(root().join("tests").join(file).exists(), "{quoted}");
        } else if quoted.matches('_').count() >= 3
            && quoted
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        {
            assert!(
                sources.contains(&format!("fn {quoted}(")),
                "README's Guarantees name a test that does not exist: {quoted}"
            );
            named += 1;
        }
    }
    assert!(named >= 10, "{named}");
}
