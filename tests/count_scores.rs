//! A count whose query tests no score leaves the records' verdicts unread; one that
//! tests scores reads them, and agrees with the listing.

mod common;

use afscope::load::profile::extract::Scores;
use afscope::load::{Corpus, LoadOptions};
use std::ops::ControlFlow;

fn open(scores: Scores) -> Corpus {
    let opts = LoadOptions {
        scores,
        index_only: true,
        ..LoadOptions::default()
    };
    Corpus::open(&[common::fixture("demo.jsonl")], &opts, &mut |_, _, _| {
        ControlFlow::Continue(())
    })
    .unwrap()
}

/// Unread scores are none on every entry and name no classifier; every other field
/// of the index is as when they are read.
#[test]
fn scores_left_unread_change_nothing_else_in_the_index() {
    let (read, unread) = (open(Scores::Read), open(Scores::Unread));
    assert_eq!(read.len(), unread.len());
    let (a, b) = (read.view(), unread.view());
    assert!((0..read.len()).any(|i| a.entry(i).af().is_some()));
    assert!((0..read.len()).any(|i| a.entry(i).compliance_failed()));
    assert!(!read.index.af_classifiers.is_empty());
    assert!(unread.index.af_classifiers.is_empty());
    for i in 0..read.len() {
        let (x, y) = (a.entry(i), b.entry(i));
        assert_eq!((y.af(), y.compliance()), (None, None), "entry {i}");
        assert!(!y.af_failed() && !y.compliance_failed(), "entry {i}");
        assert_eq!(a.id(i), b.id(i));
        assert_eq!(a.model(i), b.model(i));
        assert_eq!(a.condition(i), b.condition(i));
        assert_eq!(x.tier(), y.tier());
        assert_eq!(x.prompt_index, y.prompt_index);
    }
    assert_eq!(read.problems.len(), unread.problems.len());
}

#[test]
fn only_terms_on_scores_and_pairs_read_scores() {
    for (q, reads) in [
        ("", false),
        ("scratchpad:values tier:free", false),
        ("model:opus -label:any", false),
        ("spans>0 or quote:exact", false),
        ("af>=0.5", true),
        ("scratchpad:values and not compliance:failed", true),
        ("verdict:failed", true),
        ("tier:free or (model:opus and af:none)", true),
        ("pair:discordant", true),
        ("pair:any", true),
    ] {
        let query = afscope::query::Query::parse(q).unwrap();
        assert_eq!(query.reads_scores(), reads, "{q}");
    }
}

fn total(table: &str) -> usize {
    table
        .lines()
        .find_map(|l| l.strip_prefix("total"))
        .map_or(0, |t| t.split_whitespace().last().unwrap().parse().unwrap())
}

/// On the command line, each count equals the listing's rows for the same query,
/// whether it tests scores or not; the queries on scores count a part of the corpus.
#[test]
fn counts_with_and_without_scores_agree_with_the_listing() {
    let file = common::fixture("demo.jsonl");
    let f = file.to_str().unwrap();
    let all = total(&String::from_utf8(common::afscope(&["list", f, "--count"]).stdout).unwrap());
    assert!(all > 0);
    for q in [
        "",
        "scratchpad:values",
        "af>=0.4",
        "af<0.4",
        "af:failed",
        "compliance>0.5",
        "verdict:failed",
        "pair:discordant",
        "scratchpad:values and not af:none",
        "tier:free",
    ] {
        let out = common::afscope(&["list", f, "-q", q, "--count"]);
        assert!(out.status.success(), "{q}");
        let counted = total(&String::from_utf8(out.stdout).unwrap());
        let out = common::afscope(&["list", f, "-q", q, "--format", "jsonl"]);
        assert!(out.status.success(), "{q}");
        let rows = String::from_utf8(out.stdout).unwrap().lines().count();
        assert_eq!(counted, rows, "{q}");
        if q.contains("af") || q.contains("compliance") || q.contains("verdict") {
            assert!(0 < rows && rows < all, "{q}: {rows} of {all}");
        }
    }
}
