//! Command-line interface: the top-level arguments, the options every command
//! shares, the subcommands, and the parse that gives per-file settings their file.

mod args;

pub use args::*;

mod scope;

pub use scope::command;
use scope::refuse_unused;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "afscope",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("AFSCOPE_COMMIT"), ")"),
    about = "Inspect alignment-faking transcripts and classifier verdicts",
    after_help = "Examples:\n  afscope                                  open the built-in demo corpus\n  afscope results/*.jsonl --verdicts judge.jsonl\n  afscope check results.json.gz\n  afscope list data/ --tier free --model opus --format tsv"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Transcript files (JSONL, JSON, CSV, optionally .gz; Inspect AI `.eval` and `.json`
    /// logs) or folders of them; none opens the demo corpus.
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub load: LoadArgs,

    /// Interface theme: dark, light, high-contrast, mono, or a TOML file
    /// (default dark; mono when NO_COLOR is set).
    #[arg(long, value_name = "NAME|FILE")]
    pub theme: Option<String>,

    /// Key bindings file (TOML, `[keys] action = ["key", ...]`); default
    /// ~/.config/afscope/keymap.toml when it exists.
    #[arg(long, value_name = "FILE")]
    pub keymap: Option<std::path::PathBuf>,

    /// Saved filters file (TOML, `[filters] name = "query"`); default
    /// ~/.config/afscope/filters.toml.
    #[arg(long, value_name = "FILE")]
    pub filters: Option<std::path::PathBuf>,

    /// Lexicon of alignment-faking cues (TOML `[[cue]] name, pattern`); default
    /// ~/.config/afscope/lexicon.toml when it exists, else the built-in one.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<std::path::PathBuf>,

    /// Seed for the random-transcript key, so a triage order can be repeated.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Open with this filter, e.g. `-q 'tier:free model:opus'`.
    #[arg(short, long)]
    pub query: Option<String>,

    /// The condition the gap panel (`C`) compares every other with (`b` there
    /// changes it).
    #[arg(long, value_name = "CONDITION")]
    pub baseline: Option<String>,

    /// Show input files as they were opened: records appended and new files in an
    /// opened folder are said in the status line, not indexed as they come.
    #[arg(long, global = true)]
    pub no_follow: bool,

    /// The options given on the command line (by id), so a study's defaults apply
    /// only where no flag was given.
    #[arg(skip)]
    pub explicit: Vec<String>,
}

/// Options every command shares.
#[derive(Debug, Args, Clone, Default)]
pub struct LoadArgs {
    /// Mapping profile: a built-in name (see `afscope profiles`) or a TOML file.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub profile: Option<String>,

    /// Set a profile key, e.g. `--set fields.id=query_id --set tier_values.monitored=free`.
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// A file of verdicts to join to the transcripts (repeatable).
    #[arg(long, global = true, value_name = "FILE")]
    pub verdicts: Vec<PathBuf>,

    /// Mapping profile for verdict files (default: detected per file). After a
    /// `--verdicts FILE`, for that file only.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub verdict_profile: Vec<String>,

    /// Set a key of the verdict files' profile, e.g. `--verdict-set join.position=true`.
    /// After a `--verdicts FILE`, for that file only (repeatable).
    #[arg(long = "verdict-set", global = true, value_name = "KEY=VALUE")]
    pub verdict_set: Vec<String>,

    /// Per `--verdicts` file: the profile and settings given after it.
    #[arg(skip)]
    pub verdict_own: Vec<(Option<String>, Vec<String>)>,

    /// A label file to join to the transcripts: afscope label records (JSONL), or any
    /// JSON, JSONL or CSV of labels read through `--label-set`.
    #[arg(long, global = true, value_name = "FILE")]
    pub labels: Option<PathBuf>,

    /// How to read a label file in another layout: `id=FIELD`, `field=FIELD`,
    /// `labeler=NAME`, `join=position`, `map.CLASS=yes|no|unsure`.
    #[arg(long = "label-set", global = true, value_name = "KEY=VALUE")]
    pub label_set: Vec<String>,

    /// Refuse to start when any record could not be read.
    #[arg(long, global = true)]
    pub strict: bool,

    /// Also read hidden files and folders of input directories.
    #[arg(long, global = true)]
    pub hidden: bool,

    /// The study file (default: `afscope.toml` in the current folder when no files
    /// are named, or in the one folder named).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_study")]
    pub study: Option<PathBuf>,

    /// Read no study file.
    #[arg(long, global = true)]
    pub no_study: bool,

    /// Per transcript file (by position in the files): a profile and settings of its
    /// own, from the study file.
    #[arg(skip)]
    pub transcript_own: Vec<(Option<String>, Vec<String>)>,

    /// A command's text terms, run on each record as it is indexed.
    #[arg(skip)]
    pub tests: Option<afscope::load::index::marks::Tests>,

    /// The command reads nothing but the index once the files are open (see
    /// `LoadOptions::index_only`).
    #[arg(skip)]
    pub index_only: bool,

    /// Whether indexing reads the records' scores (see `LoadOptions::scores`).
    #[arg(skip)]
    pub scores: afscope::load::profile::extract::Scores,

    /// Label files from the study file, each with its label-sheet settings.
    #[arg(skip)]
    pub label_own: Vec<(PathBuf, Vec<String>)>,

    /// The label journal when `--labels` names none (from the study file).
    #[arg(skip)]
    pub journal: Option<PathBuf>,

    /// The labeler's name when `--labeler` gives none (from the study file).
    #[arg(skip)]
    pub labeler: Option<String>,

    /// The study file read, if any.
    #[arg(skip)]
    pub study_file: Option<PathBuf>,

    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Report every record that cannot be read, and a summary; exit 1 if any was skipped.
    #[command(after_help = "Example:\n  afscope check results.jsonl --verdicts scores.csv")]
    Check {
        /// Files or folders to check (default: the study's).
        files: Vec<PathBuf>,
        /// Also what reads but disagrees: a tier that the user turn's
        /// `<is_free_tier_user>` tag contradicts, evidence quotes not found in the
        /// completion, and labels for transcripts that are not loaded; each with its
        /// file and line.
        #[arg(long)]
        deep: bool,
    },
    /// Print the matching transcripts as a table, TSV or JSONL.
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// Locate every evidence quote and explicit span of every verdict, and say how
    /// each was located (exact, normalized, fuzzy with score, not found).
    #[command(
        after_help = "Examples:\n  afscope spans results.json\n  afscope spans runs/*.jsonl -q 'model:opus tier:free' --format jsonl > spans.jsonl"
    )]
    Spans {
        /// Files or folders to read (default: the study's).
        files: Vec<PathBuf>,
        /// Only transcripts matching this query.
        #[arg(short, long)]
        query: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = SpansFormat::Table)]
        format: SpansFormat,
    },
    /// Evaluate classifiers against human labels: AUROC, average precision, the
    /// confusion matrix and rates at a threshold, a sweep, bootstrap intervals,
    /// AUROC by number of votes, and a breakdown by model, tier and condition.
    #[command(
        after_help = "Examples:\n  afscope eval results.jsonl --labels labels.jsonl\n  afscope eval runs/*.json --labels hand.csv --label-set id=query_id --label-set field=label --label-set map.potential_faking=yes --markdown\n  afscope eval runs/ --labels labels.jsonl --threshold 0.5 --resamples 2000 --seed 7 --json > eval.json"
    )]
    Eval(EvalArgs),
    /// The compliance-gap table: per model (and condition), compliance and
    /// alignment-faking rates on each tier with Wilson intervals, the free − paid gap
    /// with a Newcombe interval, and an exact McNemar test on paired prompts.
    #[command(
        after_help = "Examples:\n  afscope stats runs/*.jsonl\n  afscope stats results.json --compliance-threshold 0.5 --threshold 0.4 --markdown\n  afscope stats runs/ --labels labels.jsonl --compliance-from labels --csv > gap.csv"
    )]
    Stats(StatsArgs),
    /// Label transcripts in the interface: a queue worked through with single keys,
    /// every label fsync'd to the journal (`--labels`, default beside the first file)
    /// before it shows as saved. Without `--queue`, resumes this labeler's last session.
    #[command(
        after_help = "Examples:\n  afscope label runs/*.jsonl --queue stratified --per-stratum 25 --blind --labeler ana\n  afscope label results.json --labels hand.jsonl          (resume)\n  afscope label runs/ --queue threshold --threshold 0.4 -q 'model:opus'\n  afscope label runs/ --queue adjudicate --adjudicate ana,ben --labeler final\n\nKeys (default schema): a yes · x no · u unsure (save, next) · F P D compliance · 1-4 criteria · m note · . skip · Bksp undo · C-y redo · H history · % progress · Esc leaves"
    )]
    Label(LabelArgs),
    /// Label journals: export, merge, import, agreement between labelers.
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    #[command(
        after_help = "Examples:\n  afscope completions bash > ~/.local/share/bash-completion/completions/afscope\n  afscope completions zsh > ~/.zfunc/_afscope"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `afscope man | man -l -`.
    Man,
    /// The study file (`afscope.toml`): write one from what detection finds in a
    /// folder, or print the study it describes.
    #[command(subcommand)]
    Study(StudyCommand),
    /// List the built-in profiles, or print one as a starting point for your own.
    #[command(after_help = "Example:\n  afscope profiles wide-conditions > my-layout.toml")]
    Profiles {
        /// A profile to print.
        name: Option<String>,
    },
    /// Write a synthetic corpus (deterministic by seed), for benchmarks: a file in one
    /// of the layouts researchers have, or a results tree in the pipeline's layout.
    #[command(
        after_help = "Examples:\n  afscope synth --out /tmp/big.jsonl --size-mb 1024 --seed 7\n  afscope synth --layout pipeline-tree --out /tmp/outputs --size-mb 2500\n  afscope synth --layout csv --out /tmp/rows.csv --size-mb 300"
    )]
    Synth(SynthArgs),
}

impl Cli {
    /// Parses the command line, then gives each `--verdicts FILE` the
    /// `--verdict-profile` and `--verdict-set` that follow it (those before the first
    /// `--verdicts` are for every verdict file).
    pub fn parse_args() -> Cli {
        use clap::FromArgMatches;
        let mut command = command();
        let matches = command.get_matches_mut();
        let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        refuse_unused(&command, &matches);
        // Every (argv position, flag, value) of the three flags, at every level.
        let mut seen: Vec<(usize, &str, String)> = Vec::new();
        let mut level = Some(&matches);
        while let Some(m) = level {
            for id in ["verdicts", "verdict_profile", "verdict_set"] {
                let (Ok(Some(ix)), Ok(Some(vals))) = (
                    m.try_get_raw(id).map(|_| m.indices_of(id)),
                    m.try_get_raw(id),
                ) else {
                    continue;
                };
                for (i, v) in ix.zip(vals) {
                    seen.push((i, id, v.to_string_lossy().into_owned()));
                }
            }
            level = m.subcommand().map(|(_, sub)| sub);
        }
        seen.sort();
        seen.dedup();
        let (mut profiles, mut sets) = (Vec::new(), Vec::new());
        let mut own: Vec<(Option<String>, Vec<String>)> = Vec::new();
        for (_, id, v) in seen {
            match (id, own.last_mut()) {
                ("verdicts", _) => own.push((None, Vec::new())),
                ("verdict_profile", Some(o)) => o.0 = Some(v),
                ("verdict_set", Some(o)) => o.1.push(v),
                ("verdict_profile", None) => profiles.push(v),
                _ => sets.push(v),
            }
        }
        cli.load.verdict_profile = profiles;
        cli.load.verdict_set = sets;
        cli.load.verdict_own = own;
        let mut level = Some(&matches);
        while let Some(m) = level {
            for id in m.ids() {
                if m.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine) {
                    cli.explicit.push(id.to_string());
                }
            }
            level = m.subcommand().map(|(_, sub)| sub);
        }
        cli
    }
}
