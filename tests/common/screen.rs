//! Driving the interface by key presses through the real keymap, and reading the
//! screen it draws.

use afscope::app::{App, Keymap};
use afscope::load::LoadOptions;
use afscope::tui::label_runner::Labeling;
use afscope::tui::{execute_sync, execute_sync_with};
use afscope::ui::{self, Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::Arc;

/// The interface on `files` at `width`×`height` with the default keymap, as it
/// stands after the first frame.
pub fn app_at(files: &[PathBuf], opts: LoadOptions, width: u16, height: u16) -> App {
    let corpus = super::open(files, opts);
    let mut app = App::new(Arc::new(corpus), Keymap::default(), 7);
    let fx = app.on_resize(width, height);
    execute_sync(&mut app, fx);
    let fx = app.update_initial();
    execute_sync(&mut app, fx);
    app
}

/// Presses keys: plain characters, or `<Enter>`, `<Esc>`, `<Tab>`, `<C-d>`, `<Down>`.
pub fn press(app: &mut App, keys: &str) {
    press_with(app, keys, &mut Labeling::none("no label journal"));
}

/// Presses keys, labeling effects carried out through `labeling`.
pub fn press_with(app: &mut App, keys: &str, labeling: &mut Labeling) {
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        let (ev, len) = if c == '<' && rest.contains('>') {
            let end = rest.find('>').unwrap();
            let name = &rest[1..end];
            let ev = match name {
                "Enter" => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                "Esc" => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                "Tab" => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
                "Down" => KeyEvent::new(KeyCode::Down, KeyModifiers::NONE),
                "Up" => KeyEvent::new(KeyCode::Up, KeyModifiers::NONE),
                "Left" => KeyEvent::new(KeyCode::Left, KeyModifiers::NONE),
                "Right" => KeyEvent::new(KeyCode::Right, KeyModifiers::NONE),
                "PgDn" => KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE),
                "BS" => KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
                n if n.starts_with("C-") => KeyEvent::new(
                    KeyCode::Char(n.chars().nth(2).unwrap()),
                    KeyModifiers::CONTROL,
                ),
                other => panic!("unknown key <{other}>"),
            };
            (ev, end + 1)
        } else {
            let m = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            (KeyEvent::new(KeyCode::Char(c), m), c.len_utf8())
        };
        let fx = app.on_key(ev);
        execute_sync_with(app, fx, labeling);
        rest = &rest[len..];
    }
}

pub fn screen(app: &App, theme: &str) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    let theme = Theme::builtin(theme).unwrap();
    t.draw(|f| ui::draw(f, app, &theme)).unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An app over `corpus` at 160×30 labeling its whole view as `labeler` into
/// `journal`, with the runner's journal handling.
pub fn view_session(
    corpus: afscope::load::Corpus,
    journal: &std::path::Path,
    labeler: &str,
) -> (App, Labeling) {
    use afscope::labeling::queue::{QueueMode, QueueSpec};
    let spec = QueueSpec {
        mode: QueueMode::View,
        query: None,
        blind: false,
        target: None,
    };
    session_at(corpus, journal, labeler, spec, (160, 30))
}

/// An app over `corpus` at `size` in a labeling session on `spec`, as `labeler`
/// into `journal`, with the runner's journal handling.
pub fn session_at(
    corpus: afscope::load::Corpus,
    journal: &std::path::Path,
    labeler: &str,
    spec: afscope::labeling::queue::QueueSpec,
    size: (u16, u16),
) -> (App, Labeling) {
    let mut app = App::new(
        std::sync::Arc::new(corpus),
        afscope::app::Keymap::default(),
        1,
    );
    let mut l = Labeling {
        journal_path: Ok(journal.to_path_buf()),
        labeler: labeler.into(),
        ..Labeling::none("")
    };
    let fx = app.on_resize(size.0, size.1);
    execute_sync_with(&mut app, fx, &mut l);
    let setup = l.open(spec, false).unwrap();
    let fx = app.start_session(setup);
    execute_sync_with(&mut app, fx, &mut l);
    (app, l)
}
