//! Which of the shared options each command uses: the others are left out of its
//! help and refused when given, so an option never does nothing silently.

use super::Cli;
use clap::{ArgMatches, Command};

/// The shared options that say what to read; given to a command that reads no
/// transcripts, they are refused.
const DATA: [&str; 11] = [
    "profile",
    "set",
    "verdicts",
    "verdict_profile",
    "verdict_set",
    "labels",
    "label_set",
    "strict",
    "hidden",
    "study",
    "no_study",
];

/// The shared options about the interface and its output: left out of the help of a
/// command they do not change, and accepted there.
const SHOWN: [&str; 2] = ["color", "no_follow"];

/// The shared options a command uses.
enum Uses {
    These(&'static [&'static str]),
    AllBut(&'static [&'static str]),
}

impl Uses {
    fn has(&self, id: &str) -> bool {
        match self {
            Uses::These(ids) => ids.contains(&id),
            Uses::AllBut(ids) => !ids.contains(&id),
        }
    }
}

/// Per command path, the shared options it uses. A command not listed uses them all.
const USES: &[(&[&str], Uses)] = &[
    (&["profiles"], Uses::These(&[])),
    (&["synth"], Uses::These(&[])),
    (&["completions"], Uses::These(&[])),
    (&["man"], Uses::These(&[])),
    (&["study", "init"], Uses::These(&[])),
    (&["labels", "merge"], Uses::These(&[])),
    (&["labels", "export"], Uses::These(&["label_set"])),
    (&["labels", "agree"], Uses::These(&["label_set"])),
    (
        &["labels", "import"],
        Uses::These(&["profile", "set", "label_set", "strict", "hidden"]),
    ),
    (&["check"], Uses::AllBut(&["no_follow"])),
    (&["list"], Uses::AllBut(&SHOWN)),
    (&["spans"], Uses::AllBut(&SHOWN)),
    (&["eval"], Uses::AllBut(&SHOWN)),
    (&["stats"], Uses::AllBut(&SHOWN)),
    (&["study", "show"], Uses::AllBut(&SHOWN)),
];

/// `--no-study` for `no_study`.
fn flag(id: &str) -> String {
    format!("--{}", id.replace('_', "-"))
}

/// The command line's definition, with each command's help showing only the shared
/// options it uses.
pub fn command() -> Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let shared: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    // A subcommand's own copy of a shared option is kept when the definition is
    // built, so a hidden copy hides it there and still fills the shared value.
    let hidden = |uses: &'static Uses| {
        let shared = shared.clone();
        move |mut c: Command| {
            for a in shared.iter().filter(|a| !uses.has(a.get_id().as_str())) {
                c = c.arg(a.clone().hide(true));
            }
            c
        }
    };
    for (path, uses) in USES {
        cmd = at(cmd, path, &hidden(uses));
    }
    let journal = shared.iter().find(|a| a.get_id() == "labels").cloned();
    match journal {
        Some(a) => at(cmd, &["label"], &|c| {
            c.arg(a.clone().help(
                "The label journal: every label is appended to it, and its labels are shown \
                 (default: the study's, else `NAME.labels.jsonl` beside the first file)",
            ))
        }),
        None => cmd,
    }
}

/// Applies `f` to the subcommand at `path`.
fn at(cmd: Command, path: &[&str], f: &dyn Fn(Command) -> Command) -> Command {
    match path.split_first() {
        None => f(cmd),
        Some((name, rest)) => cmd.mut_subcommand(*name, |sub| at(sub, rest, f)),
    }
}

/// Exits with a usage error when a data option was given to a command that does not
/// read it (`afscope profiles --verdicts v.jsonl`).
pub fn refuse_unused(cmd: &Command, matches: &ArgMatches) {
    let mut path: Vec<&str> = Vec::new();
    let mut level = matches;
    while let Some((name, sub)) = level.subcommand() {
        path.push(name);
        level = sub;
    }
    let Some((_, uses)) = USES.iter().find(|(p, _)| *p == path.as_slice()) else {
        return;
    };
    let given = DATA.iter().find(|id| {
        !uses.has(id) && level.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
    });
    if let Some(id) = given {
        let takes: Vec<String> = DATA
            .iter()
            .filter(|d| uses.has(d))
            .map(|d| flag(d))
            .collect();
        let takes = if takes.is_empty() {
            "it reads no transcripts, verdicts or labels".to_string()
        } else {
            format!("of the data options it takes only {}", takes.join(", "))
        };
        // The error shows the usage of the command it is about.
        let mut sub = cmd.clone();
        for name in &path {
            if let Some(s) = sub.find_subcommand(name).cloned() {
                sub = s;
            }
        }
        sub.error(
            clap::error::ErrorKind::ArgumentConflict,
            format!(
                "{} does not apply to `afscope {}`: {takes}",
                flag(id),
                path.join(" ")
            ),
        )
        .exit();
    }
}
