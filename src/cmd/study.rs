//! The study file on the command line: finding it, applying it under the flags (a
//! flag given always wins), and `afscope study init` / `show`.

use super::Status;
use crate::cli::{Cli, Command, StudyCommand};
use afscope::load::input::study::{self, Study};
use std::path::{Path, PathBuf};

/// What a command takes that a study can fill in.
struct Slots<'a> {
    files: &'a mut Vec<PathBuf>,
    query: Option<&'a mut Option<String>>,
    threshold: Option<&'a mut f64>,
    labeler: Option<&'a mut Option<String>>,
    /// The interface opens the demo without files; other commands need input.
    demo_without_files: bool,
}

impl<'a> Slots<'a> {
    /// A command's files and query, nothing else to fill.
    fn of(files: &'a mut Vec<PathBuf>, query: Option<&'a mut Option<String>>) -> Slots<'a> {
        Slots {
            files,
            query,
            threshold: None,
            labeler: None,
            demo_without_files: false,
        }
    }
}

/// The study a command line asks for: `--study FILE`; else, unless `--no-study`,
/// `afscope.toml` here when no files are named, or in the one folder named.
pub fn locate(files: &[PathBuf], load: &crate::cli::LoadArgs) -> Option<PathBuf> {
    if load.no_study {
        return None;
    }
    if let Some(f) = &load.study {
        return Some(f.clone());
    }
    match files {
        [] => study::find(Path::new(".")),
        [dir] if dir.is_dir() => study::find(dir),
        _ => None,
    }
}

/// Applies the study (if there is one) to the parsed command line, for the commands
/// that read input; a command that needs input and has none is an error.
pub fn apply(cli: &mut Cli) -> Result<(), String> {
    let explicit = cli.explicit.clone();
    let given = |id: &str| explicit.iter().any(|e| e == id);
    let slots = match &mut cli.command {
        None => Slots {
            demo_without_files: true,
            ..Slots::of(&mut cli.files, Some(&mut cli.query))
        },
        Some(Command::Check { files, .. }) => Slots::of(files, None),
        Some(Command::Spans { files, query, .. }) => Slots::of(files, Some(query)),
        Some(Command::List(a)) => Slots::of(&mut a.files, Some(&mut a.query)),
        Some(Command::Eval(a)) => Slots {
            threshold: Some(&mut a.threshold),
            ..Slots::of(&mut a.files, Some(&mut a.query))
        },
        Some(Command::Stats(a)) => Slots {
            threshold: Some(&mut a.threshold),
            ..Slots::of(&mut a.files, Some(&mut a.query))
        },
        Some(Command::Label(a)) => Slots {
            threshold: Some(&mut a.threshold),
            labeler: Some(&mut a.labeler),
            ..Slots::of(&mut a.files, Some(&mut a.query))
        },
        _ => return Ok(()),
    };
    let Some(file) = locate(slots.files, &cli.load) else {
        if slots.files.is_empty() && !slots.demo_without_files {
            return Err(format!(
                "no input: name files or folders, or run where a study file is ({} here, or --study FILE; `afscope study init` writes one)",
                study::FILE_NAME
            ));
        }
        return Ok(());
    };
    let s = Study::load(&file)?;
    // A single folder argument that holds the study stands for the study.
    if slots.files.len() == 1 && slots.files[0].is_dir() && cli.load.study.is_none() {
        slots.files.clear();
    }
    cli.load.study_file = Some(file);
    fill(&s, slots, &mut cli.load, &given);
    if cli.theme.is_none() {
        cli.theme.clone_from(&s.defaults.theme);
    }
    Ok(())
}

/// Puts the study's inputs and defaults where the command line left them open.
fn fill(
    s: &Study,
    slots: Slots<'_>,
    load: &mut crate::cli::LoadArgs,
    given: &dyn Fn(&str) -> bool,
) {
    if slots.files.is_empty() {
        for t in &s.transcripts {
            slots.files.push(t.path.clone());
            // Flags win: a --profile for every file replaces the study's, and --set
            // comes after the study's settings.
            let profile = t.profile.clone().filter(|_| load.profile.is_none());
            let mut sets = t.set.clone();
            sets.extend(load.set.iter().cloned());
            load.transcript_own.push((profile, sets));
        }
    }
    load.verdict_own
        .resize(load.verdicts.len(), (None, Vec::new()));
    for v in &s.verdicts {
        load.verdicts.push(v.path.clone());
        let profile = v
            .profile
            .clone()
            .filter(|_| load.verdict_profile.is_empty());
        let mut sets = v.set.clone();
        sets.extend(load.verdict_set.iter().cloned());
        load.verdict_own.push((profile, sets));
    }
    for l in &s.labels {
        let mut sets = l.set.clone();
        sets.extend(load.label_set.iter().cloned());
        load.label_own.push((l.path.clone(), sets));
    }
    if load.labels.is_none() {
        load.journal = Some(s.defaults.journal.clone());
    }
    let d = &s.defaults;
    if let (Some(q), Some(f)) = (slots.query, &d.filter) {
        q.get_or_insert_with(|| f.clone());
    }
    if let (Some(t), Some(v)) = (slots.threshold, d.threshold) {
        if !given("threshold") {
            *t = v;
        }
    }
    if let (Some(l), Some(v)) = (slots.labeler, &d.labeler) {
        l.get_or_insert_with(|| v.clone());
    }
    load.labeler = d.labeler.clone();
}

/// The files and loading options of a study, as `afscope list` would read it.
pub fn resolved(s: &Study, load: &crate::cli::LoadArgs) -> (Vec<PathBuf>, crate::cli::LoadArgs) {
    let mut files = Vec::new();
    let mut load = load.clone();
    load.study_file = Some(s.file.clone());
    fill(s, Slots::of(&mut files, None), &mut load, &|_| false);
    (files, load)
}

pub fn run(cmd: &StudyCommand, cli: &Cli) -> Result<Status, String> {
    match cmd {
        StudyCommand::Init { dir, force } => {
            super::study_init::run(dir.as_deref().unwrap_or(Path::new(".")), *force, cli)
        }
        StudyCommand::Show { dir } => super::study_show::run(dir.as_deref(), cli),
    }
}
