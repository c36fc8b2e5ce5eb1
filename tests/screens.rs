//! Screen snapshots at 80×24 and 40×12, reached by pressing keys through the real
//! keymap, and the hostile-text screen.

mod common;

use afscope::app::{App, Keymap};
use afscope::load::LoadOptions;
use afscope::tui::execute_sync;
use common::fixture;
use common::screen::{app_at, press, screen};
use std::sync::Arc;

fn app(width: u16, height: u16) -> App {
    let opts = LoadOptions {
        verdicts: vec![fixture("demo-verdicts.jsonl")],
        labels: Some(fixture("label.jsonl")),
        ..Default::default()
    };
    app_at(&[fixture("demo.jsonl")], opts, width, height)
}

#[test]
fn start_screen_80x24() {
    insta::assert_snapshot!(screen(&app(80, 24), "dark"));
}

#[test]
fn start_screen_40x12() {
    insta::assert_snapshot!(screen(&app(40, 12), "dark"));
}

#[test]
fn wide_screen_puts_the_reader_beside_the_list() {
    insta::assert_snapshot!(screen(&app(130, 30), "dark"));
}

#[test]
fn filter_then_jump_to_a_match_80x24() {
    let mut a = app(80, 24);
    press(&mut a, "/tier:free scratchpad:/modify my values/i<Enter>n");
    assert_eq!(a.rows.len(), 6);
    insta::assert_snapshot!(screen(&a, "dark"));
}

#[test]
fn next_match_without_a_text_search_says_how_to_search() {
    let mut a = app(80, 24);
    press(&mut a, "n");
    assert_eq!(
        a.message.as_deref(),
        Some("no text search to jump between: filter with a text term (/ values)")
    );
    press(&mut a, "/tier:free<Enter>n");
    assert!(a.message.as_deref().unwrap().starts_with("no text search"));
    press(&mut a, "/<C-u>values<Enter>n");
    assert!(
        a.message.as_deref().unwrap().starts_with("match 1/"),
        "{:?}",
        a.message
    );
}

#[test]
fn filter_error_points_at_the_token_and_keeps_the_view() {
    let mut a = app(80, 24);
    press(&mut a, "/tier:free and modle:opus<Enter>");
    assert_eq!(a.rows.len(), 31, "the previous view stays");
    insta::assert_snapshot!(screen(&a, "dark"));
}

#[test]
fn fullscreen_reader_with_system_prompt_40x12() {
    let mut a = app(40, 12);
    press(&mut a, "jjfs");
    insta::assert_snapshot!(screen(&a, "dark"));
}

#[test]
fn help_overlay_lists_the_live_keymap() {
    let mut a = app(80, 24);
    press(&mut a, "?");
    insta::assert_snapshot!(screen(&a, "dark"));
}

#[test]
fn too_small_says_so() {
    let a = app(30, 10);
    insta::assert_snapshot!(screen(&a, "dark"));
}

#[test]
fn next_block_and_bottom_move_the_reader() {
    let mut a = app(80, 24);
    press(&mut a, "<Tab>]");
    let first = a.reader.scroll;
    assert!(first > 0);
    press(&mut a, "]");
    assert!(a.reader.scroll > first);
    press(&mut a, "G");
    let bottom = a.reader.scroll;
    press(&mut a, "j");
    assert_eq!(a.reader.scroll, bottom, "already at the end");
    press(&mut a, "g");
    assert_eq!(a.reader.scroll, 0);
    press(&mut a, "G");
    insta::assert_snapshot!(screen(&a, "mono"));
}

#[test]
fn hostile_text_is_shown_as_placeholders() {
    let mut a = app(100, 40);
    press(&mut a, "/id:hostile<Enter>f");
    let s = screen(&a, "dark");
    assert!(
        !s.contains('\u{1b}')
            && !s.contains('\u{202e}')
            && !s.contains('\u{9b}')
            && !s.contains('\u{7}')
    );
    assert!(s.contains("␛[2J"), "{s}");
    assert!(s.contains("<U+202E>evil"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn sort_and_random_are_reproducible() {
    let mut a = app(80, 24);
    press(&mut a, "oooooo");
    assert_eq!(a.sort, afscope::app::Column::Af);
    let corpus = a.corpus.clone();
    let v = corpus.view();
    let afs: Vec<f64> = a
        .rows
        .iter()
        .map(|&i| v.entry(i as usize).af().unwrap_or(f64::NEG_INFINITY))
        .collect();
    assert!(afs.windows(2).all(|w| w[0] <= w[1]));
    press(&mut a, "O");
    assert_eq!(v.entry(a.rows[0] as usize).af(), Some(0.85));
    let mut c = app(80, 24);
    let mut d = app(80, 24);
    press(&mut c, "rrrr");
    press(&mut d, "rrrr");
    assert_eq!(c.selected, d.selected, "same seed, same sequence");
}

#[test]
fn facet_table_counts_the_view_and_filters_to_a_cell() {
    let mut a = app(80, 24);
    press(&mut a, "c");
    let f = a.facets.as_ref().unwrap();
    let opus = f
        .rows
        .iter()
        .find(|r| r.model.as_deref() == Some("claude-3-opus"))
        .unwrap();
    assert_eq!(opus.counts, [5, 4, 0]);
    insta::assert_snapshot!(screen(&a, "dark"));
    // Down to llama, left from "all" to "unknown", "paid": filter to paid llama.
    press(&mut a, "jjjjhh<Enter>");
    assert_eq!(
        a.filter.as_ref().unwrap().text,
        "model:=\"llama-3.1-405b\" tier:paid"
    );
    assert_eq!(a.rows.len(), 3);
    // Facets narrow an existing filter; Tab splits rows by condition.
    press(&mut a, "c<Tab>");
    assert!(a.facets.as_ref().unwrap().by_condition);
    let shown = screen(&a, "dark");
    assert!(shown.contains("Tab: by model"), "{shown}");
    assert!(!shown.contains("Tab: by condition"), "{shown}");
    press(&mut a, "<Enter>");
    assert_eq!(a.filter.as_ref().unwrap().text, "(model:=\"llama-3.1-405b\" tier:paid) model:=\"llama-3.1-405b\" condition:=\"helpful_only\"");
    assert_eq!(a.rows.len(), 3);
}

#[test]
fn paired_view_shows_free_and_paid_side_by_side() {
    let mut a = app(120, 30);
    press(&mut a, "fp");
    assert!(a.reader.paired);
    let (partner, t) = a.reader.partner.as_ref().unwrap();
    let t = t.as_ref().unwrap();
    assert_eq!(
        a.corpus.view().id(*partner as usize),
        "claude-3-opus/helpful_only/p0/paid"
    );
    assert_eq!(t.tier, afscope::model::Tier::Paid);
    let s = screen(&a, "dark");
    assert!(
        s.contains("[FREE TIER]") && s.contains("[PAID TIER]"),
        "{s}"
    );
    insta::assert_snapshot!(s);
    // Moving keeps the pair in step; a transcript without a pair says so.
    press(&mut a, "f/pair:none<Enter>f");
    assert!(screen(&a, "dark").contains("no transcript of this prompt on the other tier"));
}

#[test]
fn the_paired_view_and_pair_filters_wait_for_pairs_built_on_a_worker() {
    use afscope::app::{Action, Effect};
    let mut a = app(120, 30);
    press(&mut a, "f");
    // Nothing is paired on the interface thread: the pairs are work for a worker,
    // and the reader says so meanwhile.
    let fx = a.update(Action::Pair);
    assert!(matches!(fx.as_slice(), [Effect::BuildPairs]), "{fx:?}");
    assert!(!a.pairs_ready() && a.corpus.pairs_built().is_none());
    let s = screen(&a, "dark");
    assert!(s.contains("pairing free and paid transcripts…"), "{s}");
    // Moving on asks for nothing more while they are built.
    let more = a.update(Action::Down);
    assert!(
        !more.iter().any(|e| matches!(e, Effect::BuildPairs)),
        "{more:?}"
    );
    a.on_pairs_progress(500, 1000);
    assert_eq!(
        a.message.as_deref(),
        Some("pairing free and paid transcripts… 50%")
    );
    execute_sync(&mut a, fx);
    execute_sync(&mut a, more);
    assert!(a.pairs_ready());
    let (partner, _) = a
        .reader
        .partner
        .as_ref()
        .expect("the partner read once paired");
    assert_eq!(Some(*partner), a.partner_of_current());
    assert!(screen(&a, "dark").contains("[PAID TIER]"));

    // A pair: filter on a corpus whose pairs are not built is a worker's search,
    // however few transcripts there are.
    let mut b = app(120, 30);
    let fx = b.apply_filter(afscope::query::Query::parse("pair:any").unwrap());
    assert!(matches!(fx.as_slice(), [Effect::Search { .. }]), "{fx:?}");
    assert!(b.corpus.pairs_built().is_none());
    assert!(b
        .message
        .as_deref()
        .unwrap()
        .starts_with("pairing free and paid"));
    execute_sync(&mut b, fx);
    assert!(b.pairs_ready() && !b.rows.is_empty());
    // Built, the next one is answered at once.
    let fx = b.apply_filter(afscope::query::Query::parse("pair:none").unwrap());
    assert!(
        fx.iter().all(|e| !matches!(e, Effect::Search { .. })),
        "{fx:?}"
    );
}

#[test]
fn help_scrolls_when_it_does_not_fit_40x12() {
    let mut a = app(40, 12);
    press(&mut a, "?");
    assert!(screen(&a, "dark").contains("j/k scroll"));
    press(&mut a, &"j".repeat(400));
    let s = screen(&a, "dark");
    let last = afscope::app::Action::ALL.last().unwrap();
    let key = a.keymap.keys(*last)[0].label();
    assert!(
        s.contains(&format!("│{key} ")) && s.contains("any key closes"),
        "the last action and the end of the help:\n{s}"
    );
    insta::assert_snapshot!(s);
    press(&mut a, "k");
    assert_ne!(screen(&a, "dark"), s, "one k up from the end moves at once");
    press(&mut a, "G");
    assert_eq!(screen(&a, "dark"), s, "G goes to the end");
    press(&mut a, "x");
    assert_eq!(a.mode, afscope::app::Mode::Normal);
}

/// The overlay's text, page by page from the top, inside the border.
fn help_text(a: &mut App) -> String {
    press(a, "?g");
    let mut seen = String::new();
    let mut last = String::new();
    loop {
        let s = screen(a, "dark");
        if s == last {
            break;
        }
        let rows: Vec<Vec<char>> = s.lines().map(|l| l.chars().collect()).collect();
        let top = rows
            .iter()
            .position(|r| r.iter().collect::<String>().contains("┌ keys"))
            .expect("the overlay's top border");
        let first = rows[top]
            .windows(6)
            .position(|w| w.iter().collect::<String>() == "┌ keys")
            .expect("the keys title");
        let last_col = rows[top][first..]
            .iter()
            .position(|c| *c == '┐')
            .map(|p| p + first)
            .expect("the overlay's corner");
        for row in &rows[top + 1..] {
            if row.get(first) == Some(&'└') {
                break;
            }
            seen.extend(&row[first + 1..last_col]);
            seen.push(' ');
        }
        last = s;
        press(a, "<PgDn>");
    }
    press(a, "x");
    seen.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_help_line_is_whole_at_80_and_40_columns() {
    for (w, h) in [(80, 24), (40, 12), (160, 45)] {
        let mut a = app(w, h);
        let text = help_text(&mut a);
        for action in afscope::app::Action::ALL {
            let what = action.describe();
            assert!(
                text.contains(what),
                "{w}×{h}: `{what}` is not whole in the help:\n{text}"
            );
        }
    }
}

#[test]
fn finder_lists_recently_read_then_the_view_before_typing() {
    let mut a = app(80, 24);
    let id = |a: &App, e: u32| a.corpus.view().id(e as usize).into_owned();
    let first = a.rows[0];
    press(&mut a, "jjj");
    let fourth = a.rows[3];
    press(&mut a, "t");
    // Opening it reads no transcript on the interface thread.
    assert!(a.corpus.prompts_built().is_none());
    let s = screen(&a, "dark");
    assert!(
        s.contains("4 recently read, then the view"),
        "the first and the three read after it:\n{s}"
    );
    let listed: Vec<String> = a.finder.hits.iter().map(|h| id(&a, h.entry)).collect();
    assert_eq!(listed[0], id(&a, fourth), "the latest first");
    assert_eq!(listed[3], id(&a, first));
    assert_eq!(
        listed.len(),
        a.rows.len().min(afscope::app::find::LIMIT),
        "then the rest of the view, each once"
    );
    let distinct: std::collections::HashSet<&String> = listed.iter().collect();
    assert_eq!(distinct.len(), listed.len());
    assert!(s.contains(&id(&a, fourth)), "{s}");
    insta::assert_snapshot!(s);
    // Enter on the second goes back to what was read before.
    press(&mut a, "<Down><Enter>");
    assert_eq!(a.current(), Some(a.rows[2]));
}

#[test]
fn finder_says_how_far_a_long_search_has_got() {
    // Over 65,536 transcripts the search reports between chunks.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    let mut text = String::new();
    for i in 0..140_000 {
        text.push_str(&format!(
            "{{\"id\":\"r{i}\",\"model\":\"m\",\"completion\":\"c\"}}\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    let corpus = common::open(&[path], LoadOptions::default());
    let seen = std::sync::Mutex::new(Vec::new());
    let hits = afscope::app::find::search(&corpus, "r1399", &|| false, &|d, t| {
        seen.lock().unwrap().push((d, t))
    })
    .unwrap();
    assert!(!hits.is_empty());
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen, [(65_536, 140_000), (131_072, 140_000)]);

    // On screen, while the search for what was typed runs.
    let mut a = app(80, 24);
    press(&mut a, "t");
    let fx = a.on_key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('o'),
        crossterm::event::KeyModifiers::NONE,
    ));
    assert!(!fx.is_empty(), "typing starts a search");
    let s = screen(&a, "dark");
    assert!(s.contains("searching…"), "{s}");
    a.on_find_progress(a.finder.generation, 65_536, 140_000);
    let s = screen(&a, "dark");
    assert!(s.contains("searching… 46% of 140,000 transcripts"), "{s}");
    // Progress for an older pattern is not shown.
    a.on_find_progress(a.finder.generation - 1, 131_072, 140_000);
    assert!(screen(&a, "dark").contains("46%"));
    execute_sync(&mut a, fx);
    let s = screen(&a, "dark");
    assert!(s.contains("best of the matches"), "{s}");
}

#[test]
fn finder_jumps_by_id_model_or_prompt_text() {
    let mut a = app(80, 24);
    press(&mut a, "/tier:free<Enter>");
    press(&mut a, "tllama p1 paid");
    let first = &a.finder.hits[0];
    assert_eq!(
        a.corpus.view().id(first.entry as usize),
        "llama-3.1-405b/helpful_only/p1/paid"
    );
    insta::assert_snapshot!(screen(&a, "dark"));
    // Jumping to a transcript the filter hides clears the filter.
    press(&mut a, "<Enter>");
    assert!(a.filter.is_none());
    assert_eq!(
        a.corpus.view().id(a.current().unwrap() as usize),
        "llama-3.1-405b/helpful_only/p1/paid"
    );
    // Prompt text.
    press(&mut a, "t<C-u>hotwire");
    assert_eq!(
        a.corpus.view().id(a.finder.hits[0].entry as usize),
        "unclosed/free"
    );
    press(&mut a, "<Esc>");
    assert_eq!(a.mode, afscope::app::Mode::Normal);
}

#[test]
fn saved_filters_are_named_written_applied_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cfg/filters.toml");
    let mut a = app(80, 24);
    a.filters_path = Some(path.clone());
    press(&mut a, "S");
    assert_eq!(
        a.message.as_deref(),
        Some("no filter to save: type one with /")
    );
    press(&mut a, "/pair:discordant tier:free<Enter>S");
    press(&mut a, "discordant free<Enter>");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.contains("\"discordant free\" = \"pair:discordant tier:free\""),
        "{written}"
    );
    press(&mut a, "/<C-u>model:gpt<Enter>Sgpt<Enter><Esc>");
    assert_eq!(a.rows.len(), 31);
    press(&mut a, "'");
    insta::assert_snapshot!(screen(&a, "dark"));
    press(&mut a, "<Enter>");
    assert_eq!(a.filter.as_ref().unwrap().text, "pair:discordant tier:free");
    assert_eq!(a.rows.len(), 7);
    press(&mut a, "'jx");
    assert_eq!(
        a.message.as_deref(),
        Some("x again deletes `gpt`; any other key keeps it")
    );
    press(&mut a, "x");
    let back = afscope::app::saved::Saved::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(back.filters.keys().collect::<Vec<_>>(), ["discordant free"]);
}

#[test]
fn details_panel_beside_the_transcript_when_wide() {
    let mut a = app(130, 30);
    press(&mut a, "fv");
    assert!(a.reader.details);
    assert!(
        a.reader
            .doc
            .lines
            .iter()
            .all(|l| !l.text().contains("── verdicts")),
        "verdicts left the document"
    );
    let s = screen(&a, "dark");
    assert!(
        s.contains("── verdicts") && s.contains("af_judge: 0.850  votes 17/20"),
        "{s}"
    );
    insta::assert_snapshot!(s);
    // Beside the list on a wide terminal.
    let mut w = app(200, 40);
    press(&mut w, "v");
    assert!(screen(&w, "dark").contains("af_judge: 0.850  votes 17/20"));
    // Narrow: the panel does not fit, the verdicts stay at the end.
    let mut n = app(80, 24);
    press(&mut n, "v");
    assert!(n.message.as_deref().unwrap().contains("too narrow"));
    assert!(n
        .reader
        .doc
        .lines
        .iter()
        .any(|l| l.text().contains("── verdicts")));
}

#[test]
fn more_indexed_transcripts_keep_the_filter_selection_and_reader() {
    let full = app(80, 24).corpus.clone();
    // The first ten entries, as a snapshot taken while indexing would have them.
    let mut index = full.index.clone();
    index.entries.truncate(10);
    let partial = afscope::load::Corpus::snapshot(afscope::load::View {
        sources: &full.sources,
        index: &index,
    });
    let mut a = App::new(Arc::new(partial), Keymap::default(), 0);
    let fx = a.on_resize(80, 24);
    execute_sync(&mut a, fx);
    press(&mut a, "/tier:free<Enter>jj");
    let before = a.current();
    assert_eq!(
        a.rows.len(),
        6,
        "four opus and two sonnet free-tier transcripts among the first ten"
    );
    assert!(matches!(a.reader.transcript, Some(Ok(_))));
    let fx = a.replace_corpus(full, None);
    execute_sync(&mut a, fx);
    assert_eq!(a.rows.len(), 16, "the filter takes in the new transcripts");
    assert_eq!(a.current(), before, "same transcript selected");
    assert_eq!(a.reader.entry, before);
    assert!(matches!(a.reader.transcript, Some(Ok(_))));
    assert!(a.indexing.is_none());
}

#[test]
fn random_hostile_completions_lay_out_and_draw_without_panicking() {
    use afscope::app::document::{build, DocOptions};
    use afscope::model::{Locator, Position, Tier, TierSource, Transcript};
    let pieces = [
        "<SCRATCHPAD_REASONING>",
        "</SCRATCHPAD_REASONING>",
        "<DRAFT_OUTPUT>",
        "</DRAFT_OUTPUT>",
        "<OUTPUT>",
        "</OUTPUT>",
        "<think>",
        "</think>",
        "<HIDDEN_SCRATCHPAD>",
        "</",
        "<",
        ">",
        "values ",
        "modify ",
        "日本語",
        "é",
        "👩\u{200d}👧",
        "\u{1b}[31m",
        "\u{202e}",
        "\t",
        "\n",
        " ",
        "مرحبا",
        "x",
    ];
    let mut rng = afscope::synth::Rng::new(5);
    for round in 0..400 {
        let mut text = String::new();
        for _ in 0..rng.below(60) {
            text.push_str(pieces[rng.below(pieces.len() as u64) as usize]);
        }
        let mut t = Transcript {
            id: format!("r{round}"),
            model: Some("m".into()),
            tier: Tier::Free,
            tier_source: TierSource::Field,
            condition: None,
            prompt_index: None,
            sample_index: None,
            locator: Locator {
                file: "x".into(),
                position: Position::Line(1),
                key: None,
            },
            system: Some(text.chars().rev().collect()),
            user: Some(format!("<is_free_tier_user>true</is_free_tier_user>{text}")),
            completion: text.clone(),
            segments: Vec::new(),
            verdicts: Vec::new(),
            label: None,
            metadata: vec![("k".into(), text.clone())],
        };
        t.resegment();
        let q = afscope::query::Query::parse("values or /é|日/ or scratchpad:modify or output:x")
            .unwrap();
        let matches = q.text_matches(&t);
        for width in [1, 5, 17, 40, 113] {
            let opts = DocOptions {
                width,
                show_system: round % 2 == 0,
                blind: round % 3 == 0,
                current_match: matches.first().map(|_| 0),
                sections: true,
            };
            let doc = build(&t, &matches, &opts);
            assert_eq!(doc.match_lines.len(), matches.len());
            for l in &doc.lines {
                assert!(
                    !l.text().chars().any(afscope::model::sanitize::is_hostile),
                    "raw control in {:?}",
                    l.text()
                );
            }
        }
    }
}

#[test]
fn evidence_spans_are_painted_by_criterion_and_jumped_between() {
    let mut a = app(100, 40);
    // The transcript's af_judge quotes: painted with one role per criterion.
    let roles: Vec<afscope::app::role::Role> = a
        .reader
        .doc
        .lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.1))
        .collect();
    use afscope::app::role::Role;
    for r in [
        Role::HlCriterion1,
        Role::HlCriterion2,
        Role::HlCriterion3,
        Role::HlCriterion4,
    ] {
        assert!(roles.contains(&r), "{r:?} painted");
    }
    let legend = a.reader.doc.lines[0].text();
    assert!(
        legend.contains("af_judge (4 of 4 quotes located") && legend.contains("aware of harm"),
        "{legend}"
    );
    // Jump: spans in reading order, with their number.
    press(&mut a, "<Tab>}");
    assert_eq!(
        a.message.as_deref(),
        Some("span 1/3: af_judge · aware of training consequences (exact)")
    );
    let first = a.reader.scroll;
    press(&mut a, "}}");
    // Two criteria quote the same sentence: both are named where it starts.
    assert_eq!(a.message.as_deref(), Some("span 3/3: af_judge · aware of harm (exact); af_judge · commitment to harmlessness (normalized)"));
    press(&mut a, "}");
    assert!(
        a.message.as_deref().unwrap().starts_with("span 1/3"),
        "wraps around"
    );
    assert_eq!(a.reader.scroll, first);
    // e cycles whose evidence: af_judge_v2 (its quote and byte offsets), all, none.
    press(&mut a, "e");
    assert_eq!(a.message.as_deref(), Some("evidence of af_judge_v2"));
    let roles: Vec<Role> = a
        .reader
        .doc
        .lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.1))
        .collect();
    assert!(
        roles.contains(&Role::HlOffsets),
        "offsets painted above the quote they cover"
    );
    press(&mut a, "}");
    assert_eq!(a.message.as_deref(), Some("span 1/1: af_judge_v2 · goal preservation (exact); af_judge_v2 · goal preservation (offsets)"), "the covered quote is still listed");
    press(&mut a, "e");
    assert_eq!(a.message.as_deref(), Some("evidence of every verdict"));
    press(&mut a, "e");
    assert_eq!(a.message.as_deref(), Some("no evidence shown"));
    let roles: Vec<Role> = a
        .reader
        .doc
        .lines
        .iter()
        .flat_map(|l| l.spans.iter().map(|s| s.1))
        .collect();
    assert!(!roles.iter().any(|r| r.name().starts_with("hl_")));
    insta::assert_snapshot!(screen(&a, "mono"));
}

#[test]
fn lexicon_cues_are_painted_under_the_evidence() {
    use afscope::app::role::Role;
    let mut a = app(100, 40);
    let count = |a: &App, r: Role| {
        a.reader
            .doc
            .lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .filter(|s| s.1 == r)
            .count()
    };
    assert_eq!(count(&a, Role::HlLexicon), 0);
    press(&mut a, "L");
    assert!(count(&a, Role::HlLexicon) > 0);
    let legend = |a: &App| {
        a.reader
            .doc
            .lines
            .iter()
            .take(4)
            .map(|l| l.text())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(legend(&a).contains("lexicon: "), "legend names it");
    // A user's lexicon replaces the built-in one.
    a.lexicon = std::sync::Arc::new(
        afscope::model::lexicon::Lexicon::parse(
            "[[cue]]\nname = \"least bad\"\npattern = 'least bad option'\n",
        )
        .unwrap(),
    );
    press(&mut a, "LL");
    assert!(
        legend(&a).contains("lexicon: 1 cue: least bad 1"),
        "each cue named with its count: {}",
        legend(&a)
    );
    // `}` stops at the cue too, and says what it is.
    let stops_before = a.message.clone();
    press(&mut a, "}}}}}}}}");
    let mut said = Vec::new();
    for _ in 0..8 {
        press(&mut a, "}");
        said.push(a.message.clone().unwrap_or_default());
    }
    assert!(
        said.iter().any(|m| m.contains("lexicon · least bad")),
        "{stops_before:?} {said:?}"
    );
    press(&mut a, "L");
    assert_eq!(count(&a, Role::HlLexicon), 0);
}

#[test]
fn span_list_shows_each_quote_and_jumps_to_it() {
    let mut a = app(100, 30);
    press(&mut a, "E");
    assert_eq!(a.mode, afscope::app::Mode::SpanList);
    let s = screen(&a, "dark");
    assert!(s.contains("spans · 6 of 6 located"), "{s}");
    assert!(
        s.contains("af_judge · aware of harm · exact · bytes 436..473"),
        "{s}"
    );
    insta::assert_snapshot!(s);
    // The last entry is af_judge_v2's byte offsets: Enter paints that verdict and goes there.
    press(&mut a, "jjjjj<Enter>");
    assert_eq!(a.mode, afscope::app::Mode::Normal);
    assert_eq!(
        a.reader.evidence,
        afscope::app::evidence::Evidence::Verdict(2)
    );
    let line = a.reader.doc.span_lines[1];
    assert!(
        a.reader.scroll <= line && line < a.reader.scroll + 20,
        "the span is on screen"
    );
}

#[test]
fn spans_marked_by_people_are_painted_above_the_evidence() {
    use afscope::app::role::Role;
    let a = app(100, 40);
    assert_eq!(a.reader.human.len(), 1);
    // The transcript body starts at the collapsed system prompt, after the legend.
    let body = a
        .reader
        .doc
        .lines
        .iter()
        .position(|l| l.text().starts_with("▸ system"))
        .unwrap();
    let painted: String = a.reader.doc.lines[body..]
        .iter()
        .flat_map(|l| l.spans.iter())
        .filter(|s| s.1 == Role::HlHuman)
        .map(|s| s.0.as_str())
        .collect();
    assert_eq!(painted, "I don't want my values to be changed.");
    let legend = a
        .reader
        .doc
        .lines
        .iter()
        .take(4)
        .map(|l| l.text())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(legend.contains("marked by bob"), "{legend}");
}

#[test]
fn list_shows_evidence_counts_for_rows_on_screen() {
    let mut a = app(100, 30);
    let corpus = a.corpus.clone();
    let v = corpus.view();
    let find = |id: &str| (0..v.len()).find(|&i| v.id(i) == id).unwrap() as u32;
    // af_judge's four quotes and af_judge_v2's one: all five located.
    assert_eq!(
        a.span_counts
            .get(&find("claude-3-opus/helpful_only/p0/free")),
        Some(&(5, 5))
    );
    let s = screen(&a, "dark");
    assert!(s.contains(" ev"), "{s}");
    // Only rows on screen were counted.
    assert!(a.span_counts.len() <= 30);
    // Sorting by evidence, and the animal-welfare row whose quotes are missing.
    press(&mut a, "/quote:notfound<Enter>");
    let e = find("claude-3-opus/animal_welfare/p3/free");
    // af_judge's four quotes are missing; af_judge_v2's one is located.
    assert_eq!(a.span_counts.get(&e), Some(&(1, 5)));
}

#[test]
fn a_sort_shows_the_top_of_the_sorted_list() {
    let mut a = app(120, 30);
    for _ in 0..5 {
        let fx = a.update(afscope::app::Action::Down);
        execute_sync(&mut a, fx);
    }
    assert_eq!(a.selected, 5);
    let fx = a.update(afscope::app::Action::SortNext);
    execute_sync(&mut a, fx);
    assert_eq!(a.selected, 0, "the first sorted row is selected");
    let first = a.rows[0];
    assert_eq!(a.current(), Some(first));
    let msg = a.message.clone().unwrap();
    assert!(
        msg.starts_with("sorted by ") && msg.ends_with("; at the top"),
        "{msg}"
    );
    // The reader shows the row selected, not the one before the sort.
    assert_eq!(a.reader.entry, Some(first));
}

#[test]
fn every_verdict_shown_names_what_each_colour_paints() {
    let mut a = app(160, 45);
    let legend = |a: &App| {
        a.reader
            .doc
            .lines
            .iter()
            .take(6)
            .map(|l| l.text())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut seen = Vec::new();
    for _ in 0..4 {
        press(&mut a, "e");
        seen.push(legend(&a));
        if legend(&a).contains("all verdicts") {
            break;
        }
    }
    let all = seen.last().unwrap();
    assert!(all.contains("all verdicts (e cycles):"), "{seen:?}");
    assert!(
        all.contains("(af_judge)") && all.contains("(af_judge_v2)"),
        "each colour names its classifier's criterion: {all}"
    );
    assert!(!all.contains("criterion 1"), "{all}");
    insta::assert_snapshot!(screen(&a, "dark"));
    press(&mut a, "e");
    assert!(
        legend(&a).contains("evidence not shown (e shows it)"),
        "{}",
        legend(&a)
    );
}
