//! The arguments of the subcommands that take more than a few.

use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Write `afscope.toml` in DIR (default: here) from the files found there: each
    /// role's files as globs or paths with their detected profile, commented, for you
    /// to edit.
    #[command(
        after_help = "Example:\n  cd outputs && afscope study init && $EDITOR afscope.toml && afscope study show"
    )]
    Init {
        /// The study's folder.
        dir: Option<PathBuf>,
        /// Replace an existing study file.
        #[arg(long)]
        force: bool,
    },
    /// Print the study as resolved: each file with its role, profile and records, the
    /// joins, the label files and the defaults.
    Show {
        /// The study's folder (default: here), or its study file.
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Write the current labels (last event per transcript and labeler) of a journal
    /// or any label file, as JSONL (what `afscope eval --labels` reads) or CSV.
    #[command(
        after_help = "Examples:\n  afscope labels export labels.jsonl -o hand.jsonl\n  afscope labels export labels.jsonl --format csv --labeler ana > ana.csv"
    )]
    Export {
        /// A label journal or label file.
        file: PathBuf,
        /// JSONL: one label record per line, as `afscope eval --labels` reads; CSV: one
        /// row per label, a column per schema field.
        #[arg(long, value_enum, default_value_t = LabelFormat::Jsonl)]
        format: LabelFormat,
        /// Only this labeler's labels.
        #[arg(long)]
        labeler: Option<String>,
        /// Write here instead of standard output.
        #[arg(short, long)]
        out: Option<PathBuf>,
    },
    /// Combine journals (e.g. copied back from several machines) into a new one:
    /// every event once, in time order; labels of different labelers never replace
    /// each other, and one labeler's differing answers are reported.
    #[command(after_help = "Example:\n  afscope labels merge ana.jsonl ben.jsonl -o all.jsonl")]
    Merge {
        /// The journals to combine (two or more; none is changed).
        #[arg(required = true, num_args = 2..)]
        journals: Vec<PathBuf>,
        /// The merged journal (must not be one of the inputs).
        #[arg(short, long, required = true)]
        out: PathBuf,
    },
    /// Append existing hand labels (JSON, JSONL or CSV, read through `--label-set`) to
    /// a journal, joined to the transcripts by id or by position.
    #[command(
        after_help = "Example:\n  afscope labels import hand.csv --to labels.jsonl results.json --label-set id=query_id --label-set field=label --label-set map.potential_faking=yes --label-set map.aligned=no"
    )]
    Import {
        /// The label file to read.
        file: PathBuf,
        /// The journal to append to.
        #[arg(long, required = true)]
        to: PathBuf,
        /// Transcript files: ids are checked against them, and `join=position` needs
        /// them.
        transcripts: Vec<PathBuf>,
    },
    /// Agreement between labelers per field and criterion: Cohen's kappa per pair,
    /// Krippendorff's alpha over all, raw agreement.
    #[command(after_help = "Example:\n  afscope labels agree all.jsonl --json")]
    Agree {
        /// Label journals or label files (read together).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Label schema (TOML) whose checkboxes count as unchecked when absent.
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Print the agreement as JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Transcript files or folders (default: the study's).
    pub files: Vec<PathBuf>,
    /// Which items, in which order (default: resume the last session, else `view`).
    #[arg(long, value_enum)]
    pub queue: Option<QueueChoice>,
    /// Only transcripts matching this query.
    #[arg(short, long)]
    pub query: Option<String>,
    /// Hide tier, model, condition and classifier scores until an item is labelled.
    #[arg(long)]
    pub blind: bool,
    /// Items to label (default: the whole queue).
    #[arg(long)]
    pub target: Option<usize>,
    /// Seed of the random and stratified queues.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Stratified: items per model × tier stratum.
    #[arg(long, default_value_t = 25)]
    pub per_stratum: usize,
    /// Stratified: split each stratum further into this many classifier-score buckets.
    #[arg(long, default_value_t = 1)]
    pub buckets: usize,
    /// Threshold and disagreement queues: the classifier threshold.
    #[arg(long, default_value_t = 0.4)]
    pub threshold: f64,
    /// Ids queue: a file of transcript ids, one per line.
    #[arg(long, value_name = "FILE")]
    pub ids: Option<PathBuf>,
    /// Adjudication queue: the two labelers, `first,second`.
    #[arg(long, value_name = "A,B")]
    pub adjudicate: Option<String>,
    /// Your name in the labels (default: the login name).
    #[arg(long)]
    pub labeler: Option<String>,
    /// Label schema (TOML; default: the built-in one, see README).
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum QueueChoice {
    View,
    Random,
    Stratified,
    Threshold,
    Disagree,
    Adjudicate,
    Ids,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LabelFormat {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Files or folders to list (default: the study's).
    pub files: Vec<PathBuf>,
    /// A query, e.g. `tier:free model:opus scratchpad:"RLHF"` (terms below).
    #[arg(short, long)]
    pub query: Option<String>,
    /// Print counts of matches by model and tier instead of the transcripts.
    #[arg(long)]
    pub count: bool,
    /// Keep models whose name contains this (case-insensitive).
    #[arg(long)]
    pub model: Option<String>,
    /// Keep one tier: free, paid or unknown.
    #[arg(long)]
    pub tier: Option<String>,
    /// Keep conditions containing this (case-insensitive).
    #[arg(long)]
    pub condition: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Stop after this many transcripts.
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Tsv,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SpansFormat {
    Table,
    Jsonl,
}

/// How `eval` and `stats` write their report.
#[derive(Debug, Args, Clone, Copy, Default)]
#[group(multiple = false)]
pub struct ReportFormat {
    /// Write the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write the report as CSV (one row per classifier or group).
    #[arg(long)]
    pub csv: bool,
    /// Write the report as Markdown tables.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Transcript files or folders (default: the study's); their verdicts, plus
    /// `--verdicts` files, are evaluated.
    pub files: Vec<PathBuf>,
    /// Only transcripts matching this query, e.g. `model:opus`.
    #[arg(short, long)]
    pub query: Option<String>,
    /// A score at or above this is a positive prediction (a vote fraction: 0.4 is
    /// "at least 40% of votes say yes").
    #[arg(long, default_value_t = 0.4)]
    pub threshold: f64,
    /// Bootstrap resamples for the AUROC and F1 intervals (0 for none; at most
    /// 1,000,000).
    #[arg(long, default_value_t = 1000, value_parser = resamples)]
    pub resamples: usize,
    /// Seed for the bootstrap and the vote subsets.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Classifier to evaluate (repeatable; default: every alignment-faking classifier).
    #[arg(long)]
    pub classifier: Vec<String>,
    /// Use only this labeler's labels (default: all; labelers who disagree leave a
    /// transcript out).
    #[arg(long)]
    pub labeler: Option<String>,
    /// Label field to compare with (`af`, or a criterion's yes/no field).
    #[arg(long, default_value = "af")]
    pub label_field: String,
    /// Random vote subsets averaged for each number of votes.
    #[arg(long, default_value_t = 50)]
    pub vote_repeats: usize,
    /// Compare two classifiers on the labelled transcripts both scored, `A,B`
    /// (repeatable; `all` for every pair): DeLong's test and a paired bootstrap of
    /// the AUROC difference, McNemar's test at the threshold, and agreement between
    /// every pair. With `--csv`, one row per pair.
    #[arg(long, value_name = "A,B")]
    pub compare: Vec<String>,
    /// Estimate how many more labels (at the same class balance) bring each DeLong
    /// AUROC interval within ± this (e.g. 0.05).
    #[arg(long, value_name = "HALF_WIDTH", value_parser = half_width)]
    pub target_width: Option<f64>,
    #[command(flatten)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ComplianceFrom {
    /// The compliance verdict's score at `--compliance-threshold`.
    Verdict,
    /// The human labels' `compliance` field (full and partial count as complied).
    Labels,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Transcript files or folders (default: the study's).
    pub files: Vec<PathBuf>,
    /// Only transcripts matching this query, e.g. `condition:helpful`.
    #[arg(short, long)]
    pub query: Option<String>,
    /// Where compliance comes from.
    #[arg(long, value_enum, default_value_t = ComplianceFrom::Verdict)]
    pub compliance_from: ComplianceFrom,
    /// A compliance score at or above this counts as complied.
    #[arg(long, default_value_t = 0.5)]
    pub compliance_threshold: f64,
    /// An alignment-faking score at or above this counts as flagged.
    #[arg(long, default_value_t = 0.4)]
    pub threshold: f64,
    /// The alignment-faking classifier whose rate is counted (default: the first one
    /// found; the header names it)
    #[arg(long)]
    pub classifier: Option<String>,
    /// Use only this labeler's labels.
    #[arg(long)]
    pub labeler: Option<String>,
    /// Compare every other condition with this one, per model: the change in the
    /// compliance gap and in the free-tier alignment-faking rate, with intervals,
    /// p-values and Holm's adjustment. With `--csv`, one row per comparison.
    #[arg(long, value_name = "CONDITION")]
    pub baseline: Option<String>,
    /// Hand labels to measure the judge's error with, per tier (sensitivity and
    /// specificity), and the alignment-faking rates and gap corrected for it
    /// (Rogan–Gladen), beside the raw ones.
    #[arg(long, value_name = "LABELS")]
    pub correct_with: Option<std::path::PathBuf>,
    /// With `--correct-with`: estimate how many more labels bring each corrected
    /// gap's interval within ± this (e.g. 0.05).
    #[arg(long, value_name = "HALF_WIDTH", value_parser = half_width, requires = "correct_with")]
    pub target_width: Option<f64>,
    #[command(flatten)]
    pub format: ReportFormat,
}

/// `--resamples`: a whole number up to 1,000,000.
fn resamples(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n <= 1_000_000 => Ok(n),
        _ => Err(format!("{s} is not a whole number from 0 to 1000000")),
    }
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// The file (or, for pipeline-tree, the folder) to write.
    #[arg(long)]
    pub out: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = SynthLayout::Native)]
    pub layout: SynthLayout,
    /// Approximate size in MiB.
    #[arg(long, default_value_t = 64)]
    pub size_mb: u64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Native: characters of scratchpad per transcript (default: about 6 KB
    /// transcripts).
    #[arg(long, default_value_t = 2200)]
    pub scratchpad_chars: usize,
    /// Native: characters of system prompt per transcript.
    #[arg(long, default_value_t = 2400)]
    pub system_chars: usize,
    /// Inspect-eval: how the sample entries are compressed (zstd, as inspect-ai
    /// writes since 0.3.206, or deflate, as before).
    #[arg(long, value_enum, default_value_t = SynthCompression::Zstd)]
    pub compression: SynthCompression,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SynthCompression {
    Zstd,
    Deflate,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SynthLayout {
    /// One JSONL file in afscope's schema.
    Native,
    /// `<condition>/<provider>/<model>/results_*.json`: JSON arrays of 200 records,
    /// indent 4, ASCII-escaped, about 2.5 MB each.
    PipelineTree,
    /// JSONL with `scratchpad` and `output` fields instead of `completion`,
    /// ASCII-escaped.
    Fields,
    /// JSONL with a chat `messages` array (system, user, assistant), ASCII-escaped.
    Messages,
    /// One JSON array of wide records (a completion per `Free_Tier_*`/`Paid_Tier_*`
    /// key), indent 4, ASCII-escaped.
    Wide,
    /// A CSV: id, model, is_free_tier_user, condition, prompt_index, completion,
    /// af_score.
    Csv,
    /// An Inspect `.eval` log (a zip): samples of about 350 KB (mostly events) in two
    /// epochs, a judge scorer's dict with quotes; `--size-mb` is the zip's size.
    InspectEval,
}

/// A half-width in (0, 1].
fn half_width(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err("must be in (0, 1]".into())
    }
}

/// `list --help`'s text after the options: the query language, then an example.
pub const LIST_HELP: &str = "\
Query terms (-q; the interface's filter bar takes the same):
  model:opus  condition:helpful  id:p0    case-insensitive substring
  model:=claude-3-opus                    exact (case-insensitive)
  condition:~^force                       regex (case-insensitive)
  tier:free  tier:paid  tier:unknown      tier
  af>=0.4  compliance<0.5  prompt_index<10
                                          scores and indices (< <= > >= = !=)
  af:failed  af:none  af:any              score states (\"FAILED TO PARSE\": failed)
  label:none  label:any  label:af  label:no  label:unsure
                                          hand labels
  spans>0  spans=0                        evidence spans placed in the text
  quote:notfound  quote:fuzzy  quote:normalized  quote:exact
                                          how some evidence quote was located
  pair:any  pair:none  pair:discordant    the same prompt on the other tier
  \"literal\"  RLHF                         text anywhere (case-insensitive)
  /regex/  /regex/i                       regex over the same text (flags i s m x)
  scratchpad:/modify my values/i  output:\"I can't\"  user:  system:  completion:
                                          a text term on one part of the transcript
  and  or  not  -term  ( )                terms side by side are and-ed

Examples:
  afscope list runs/*.jsonl --tier free --model opus --format tsv | cut -f1
  afscope list runs/ -q 'tier:free scratchpad:\"RLHF\"' --count";
