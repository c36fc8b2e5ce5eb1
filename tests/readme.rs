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
