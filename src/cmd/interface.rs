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
    let saved = match path
        .as_ref()
        .filter(|p| p.exists())
        .map(|p| (p, std::fs::read_to_string(p)))
    {
        Some((p, Ok(text))) => afscope::app::saved::Saved::parse(&text).unwrap_or_else(|e| {
            warnings.push(format!("filters {}: {e}", p.display()));
            Default::default()
        }),
        Some((p, Err(e))) => {
            warnings.push(format!("filters {}: {e}", p.display()));
            Default::default()
        }
        None => Default::default(),
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
    }
    Ok((keymap, warnings))
}

pub fn run(cli: &Cli) -> Result<Status, String> {
    let tty = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    if !tty {
        return super::overview::run(&cli.files, &cli.load);
    }
    let journal_path = super::label::journal_path(&cli.files, &cli.load);
    // The journal beside the data, when there is one, shows its labels from the start.
    let mut load = cli.load.clone();
    if let (None, Ok(p)) = (&load.labels, &journal_path) {
        if p.is_file() {
            load.labels = Some(p.clone());
        }
    }
    let labeling = afscope::label_runner::Labeling {
        journal_path,
        ..afscope::label_runner::Labeling::none("")
    };
    interface(cli, &cli.files, &load, labeling)
}

/// Opens the interface on `files` with labeling set up as given.
pub fn interface(
    cli: &Cli,
    files: &[PathBuf],
    args: &crate::cli::LoadArgs,
    labeling: afscope::label_runner::Labeling,
) -> Result<Status, String> {
    let theme = theme(cli)?;
    let (keymap, mut warnings) = keymap(cli)?;
    let filters = saved_filters(cli, &mut warnings);
    for w in &warnings {
        eprintln!("afscope: {w}");
    }
    let (files, args) = (files.to_vec(), args.clone());
    let loader: afscope::tui::Loader = Box::new(move |progress| {
        let corpus = super::load(&files, &args, &mut |view, _, p| {
            progress(view, p);
            std::ops::ControlFlow::Continue(())
        })?;
        super::strict_gate(&corpus, &args)?;
        Ok(corpus)
    });
    let lexicon = lexicon(cli)?;
    let opts = afscope::tui::Options {
        theme,
        keymap,
        warnings,
        seed: cli.seed,
        filters,
        lexicon,
        labeling,
    };
    let code = afscope::tui::run(loader, opts)?;
    Ok(Status::from(code.clamp(0, 255) as u8))
}
