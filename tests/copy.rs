//! Copying over SSH: `y` puts the transcript's id and file:line on the clipboard
//! through OSC 52, `Y` the text in view (sanitised), and F2 lets the terminal's own
//! selection work by giving the mouse back.

mod common;

use afscope::app::{App, Effect, Keymap};
use common::pty::Pty;
use common::screen::press;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

fn contains(raw: &[u8], s: &str) -> bool {
    raw.windows(s.len()).any(|w| w == s.as_bytes())
}

#[test]
fn copy_keys_write_osc52_and_f2_gives_the_mouse_to_the_terminal() {
    let mut p = Pty::start(&["fixtures/demo.jsonl"]);
    p.wait_for("claude-3-opus");
    p.keys("y");
    p.wait_for("copied the id and file:line");
    let want =
        afscope::tui::clipboard::osc52("claude-3-opus/helpful_only/p0/free\tfixtures/demo.jsonl:1");
    assert!(contains(&p.raw(), &want), "no OSC 52 write of the id");
    // F2: mouse capture off (the terminal selects), then on again.
    p.keys("\x1bOQ");
    p.wait_for("mouse off");
    assert!(contains(&p.raw(), "\x1b[?1000l"));
    let before = p.raw().len();
    p.keys("\x1bOQ");
    p.wait_for("mouse on");
    assert!(contains(&p.raw()[before..], "\x1b[?1000h"));
    p.keys("q");
    assert_eq!(p.wait_exit(), 0);
}

fn copied(app: &mut App, c: char) -> Option<String> {
    let m = if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    app.on_key(KeyEvent::new(KeyCode::Char(c), m))
        .into_iter()
        .find_map(|e| match e {
            Effect::Copy(t) => Some(t),
            _ => None,
        })
}

#[test]
fn the_text_in_view_is_copied_sanitised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"x\\u001b]52;c;evil\\u0007\",\"tier\":\"free\",\"completion\":\"<SCRATCHPAD_REASONING>I see \\u001b[31mred\\u001b[0m here.</SCRATCHPAD_REASONING><OUTPUT>ok</OUTPUT>\"}\n",
    )
    .unwrap();
    let corpus = common::open_one(&path);
    let mut app = App::new(Arc::new(corpus), Keymap::default(), 1);
    let mut fx = app.on_resize(80, 24);
    fx.extend(app.update_initial());
    afscope::tui::execute_sync_with(
        &mut app,
        fx,
        &mut afscope::tui::label_runner::Labeling::none("no journal"),
    );
    press(&mut app, "<Tab>");
    let text = copied(&mut app, 'Y').unwrap_or_else(|| panic!("{:?}", app.message));
    assert!(text.contains("red"), "{text:?}");
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{text:?}"
    );
    assert!(
        app.message.as_deref().unwrap().starts_with("copied the "),
        "{:?}",
        app.message
    );
    let id = copied(&mut app, 'y').expect("y copies");
    assert!(
        id.starts_with('x') && !id.contains('\u{1b}') && !id.contains('\u{7}'),
        "{id:?}"
    );
}
