//! `afscope [FILES...]` on a terminal: the interface; elsewhere, the overview.

use super::Status;
use crate::cli::{Cli, ColorChoice};
use afscope::app::Keymap;
use afscope::ui::Theme;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The theme from `--theme`, else mono under NO_COLOR or `--color never`, else dark.
pub fn theme(cli: &Cli) -> Result<Theme, String> {
    if let Some(t) = &cli.theme {
        return Theme::load(t);
    }
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let name = if no_color || cli.load.color == ColorChoice::Never {
        "mono"
    } else {
        "dark"
    };
    Theme::load(name)
}

fn config_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("afscope"))
}

fn default_keymap_path() -> Option<PathBuf> {
    config_dir()
        .map(|d| d.join("keymap.toml"))
        .filter(|p| p.exists())
}

/// The saved filters file and its contents (an unreadable file is a warning).
pub fn saved_filters(cli: &Cli, warnings: &mut Vec<String>) -> afscope::tui::SavedFilters {
    let path = cli
        .filters
        .clone()
        .or_else(|| config_dir().map(|d| d.join("filters.toml")));
    // A file that cannot be read is never written over: filters and typed queries
    // are then kept for this session only.
    let read = path
        .as_ref()
        .filter(|p| p.exists())
        .map(|p| (p, std::fs::read_to_string(p)));
    let failed = |p: &std::path::Path, e: &dyn std::fmt::Display| {
        format!(
            "filters {}: {e}; left as it is (filters and queries are kept for this session only)",
            p.display()
        )
    };
    let (saved, path) = match read {
        Some((p, Ok(text))) => match afscope::app::saved::Saved::parse(&text) {
            Ok(s) => (s, path.clone()),
            Err(e) => {
                warnings.push(failed(p, &e));
                (Default::default(), None)
            }
        },
        Some((p, Err(e))) => {
            warnings.push(failed(p, &e));
            (Default::default(), None)
        }
        None => (Default::default(), path.clone()),
    };
    afscope::tui::SavedFilters { path, saved }
}

/// The lexicon from `--lexicon`, else the user's file, else the built-in one.
pub fn lexicon(cli: &Cli) -> Result<afscope::model::lexicon::Lexicon, String> {
    let path = cli.lexicon.clone().or_else(|| {
        config_dir()
            .map(|d| d.join("lexicon.toml"))
            .filter(|p| p.exists())
    });
    match path {
        Some(p) => {
            let text =
                std::fs::read_to_string(&p).map_err(|e| format!("lexicon {}: {e}", p.display()))?;
            afscope::model::lexicon::Lexicon::parse(&text)
                .map_err(|e| format!("lexicon {}: {e}", p.display()))
        }
        None => Ok(afscope::model::lexicon::Lexicon::builtin()),
    }
}

/// The keymap with the user's file applied, and what in it was not understood.
pub fn keymap(cli: &Cli) -> Result<(Keymap, Vec<String>), String> {
    let mut keymap = Keymap::default();
    let path = match &cli.keymap {
        Some(p) => Some(p.clone()),
        None => default_keymap_path(),
    };
    let mut warnings = Vec::new();
    if let Some(p) = path {
        let text =
            std::fs::read_to_string(&p).map_err(|e| format!("keymap {}: {e}", p.display()))?;
        warnings = keymap
            .apply_toml(&text)
            .into_iter()
            .map(|w| format!("{}: {w}", p.display()))
            .collect();
        if !keymap.binds(afscope::app::Action::Quit) {
            let mut msg = format!(
                "keymap {}: no key is left for `quit`, so the interface could not be left; not started",
                afscope::model::sanitize::visible(&p.display().to_string(), false)
            );
            for w in &warnings {
                msg.push_str(&format!(
                    "\n  {}",
                    afscope::model::sanitize::visible(w, false)
                ));
            }
            return Err(msg);
        }
    }
    Ok((keymap, warnings))
}

pub fn run(cli: &Cli) -> Result<Status, String> {
    let tty = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if !tty {
        return super::overview::run(&cli.files, &cli.load);
    }
    let journal_path = super::journal_path(&cli.files, &cli.load);
    let load = match &journal_path {
        Ok(p) => super::with_journal_labels(&cli.load, p),
        Err(_) => cli.load.clone(),
    };
    let labeling = afscope::tui::label_runner::Labeling {
        journal_path,
        labeler: afscope::labeling::labeler_name(cli.load.labeler.as_deref()),
        ..afscope::tui::label_runner::Labeling::none("")
    };
    interface(cli, &cli.files, &load, labeling)
}

/// Schema keys that hide an interface key needed while labeling (they take precedence
/// in a session).
fn schema_shadows(keymap: &Keymap, schema: &afscope::model::schema::Schema) -> Vec<String> {
    use afscope::app::Action;
    use afscope::model::schema::FieldKind;
    const NEEDED: [Action; 7] = [
        Action::Quit,
        Action::Help,
        Action::Up,
        Action::Down,
        Action::PageDown,
        Action::Skip,
        Action::UndoLabel,
    ];
    let mut out = Vec::new();
    for f in &schema.fields {
        let keys: Vec<char> = match f.kind {
            FieldKind::Choice => f.choices.iter().map(|c| c.key).collect(),
            _ => f.key.into_iter().collect(),
        };
        for k in keys {
            let ev = crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(k),
                crossterm::event::KeyModifiers::NONE,
            );
            if let Some(a) = keymap.action(&ev).filter(|a| NEEDED.contains(a)) {
                let others: Vec<String> = keymap
                    .keys(a)
                    .iter()
                    .map(|k| k.label())
                    .filter(|l| l.chars().count() > 1 || !l.starts_with(k))
                    .collect();
                out.push(format!(
                    "label schema: key `{k}` of `{}` hides `{}` while labeling{}",
                    f.name,
                    a.name(),
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" (still on {})", others.join(", "))
                    }
                ));
            }
        }
    }
    out
}

/// Opens the interface on `files` with labeling set up as given.
pub fn interface(
    cli: &Cli,
    files: &[PathBuf],
    args: &crate::cli::LoadArgs,
    labeling: afscope::tui::label_runner::Labeling,
) -> Result<Status, String> {
    let theme = theme(cli)?;
    let (keymap, mut warnings) = keymap(cli)?;
    warnings.extend(schema_shadows(&keymap, &labeling.schema));
    let filters = saved_filters(cli, &mut warnings);
    for w in &warnings {
        eprintln!("afscope: {w}");
    }
    let follow = follow(cli, files, args);
    let (files, args) = (files.to_vec(), args.clone());
    let loader: afscope::tui::Loader = std::sync::Arc::new(move |progress| {
        let corpus = super::load(&files, &args, &mut |view, _, p| {
            progress(view, p);
            std::ops::ControlFlow::Continue(())
        })?;
        super::strict_gate(&corpus, &args)?;
        Ok(corpus)
    });
    let lexicon = lexicon(cli)?;
    let filter = match cli.query.as_deref().filter(|_| cli.command.is_none()) {
        Some(q) => {
            Some(afscope::query::Query::parse(q).map_err(|e| format!("query:\n{}", e.pointed(q)))?)
        }
        None => None,
    };
    let opts = afscope::tui::Options {
        filter,
        theme,
        keymap,
        warnings,
        seed: cli.seed,
        filters,
        lexicon,
        labeling,
        baseline: cli.baseline.clone(),
        follow,
    };
    let code = afscope::tui::run(loader, opts)?;
    Ok(Status::from(code.clamp(0, 255) as u8))
}

/// What the interface watches: the inputs resolved again as at start (for new
/// files), and the folders they name (a glob's folder too) to notice new files by.
fn follow(
    cli: &Cli,
    files: &[PathBuf],
    args: &crate::cli::LoadArgs,
) -> Option<afscope::tui::Follow> {
    if files.is_empty() {
        return None;
    }
    let folders = files
        .iter()
        .filter_map(|f| {
            let s = f.to_string_lossy();
            if s.contains(['*', '?', '[', '{']) {
                let fixed: PathBuf = f
                    .components()
                    .take_while(|c| {
                        !c.as_os_str()
                            .to_string_lossy()
                            .contains(['*', '?', '[', '{'])
                    })
                    .collect();
                Some(if fixed.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    fixed
                })
            } else {
                f.is_dir().then(|| f.clone())
            }
        })
        .collect();
    let (files, args) = (files.to_vec(), args.clone());
    Some(afscope::tui::Follow {
        inputs: Box::new(move || {
            let plan = super::plan(&files, &args)?;
            let own = plan.opts.transcript_own.clone();
            let with_own = plan.transcripts.into_iter().zip(own).collect();
            Ok((with_own, plan.opts))
        }),
        folders,
        on: !cli.no_follow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_keys_that_hide_labeling_keys_are_reported() {
        let toml = "version = 3\n[[field]]\nname = \"af\"\nkind = \"choice\"\nprimary = true\nchoices = [{value = \"yes\", key = \"y\"}, {value = \"no\", key = \"j\"}]\n[[field]]\nname = \"harm\"\nkind = \"check\"\nkey = \"q\"\n";
        let schema = afscope::model::schema::Schema::parse(toml).unwrap();
        let w = schema_shadows(&Keymap::default(), &schema);
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].contains("key `j` of `af` hides `down` while labeling (still on ↓)"),
            "{w:?}"
        );
        assert!(w[1].contains("key `q` of `harm` hides `quit`"), "{w:?}");
        assert!(schema_shadows(&Keymap::default(), &Default::default()).is_empty());
    }
}
