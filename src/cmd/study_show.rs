//! `afscope study show`: the study as resolved, each file with its role, profile and
//! what it gave, the defaults, and the data files under the folder it leaves out.

use super::Status;
use crate::cli::Cli;
use afscope::load::input::study::{self, Study};
use afscope::model::sanitize::visible;
use afscope::model::Tier;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The study file `show` reads: `--study`, else `DIR/afscope.toml` (or DIR itself
/// when it is a file), else the one here.
fn study_file(dir: Option<&Path>, cli: &Cli) -> Result<PathBuf, String> {
    if let Some(f) = &cli.load.study {
        return Ok(f.clone());
    }
    let dir = dir.unwrap_or(Path::new("."));
    if dir.is_file() {
        return Ok(dir.to_path_buf());
    }
    study::find(dir).ok_or_else(|| {
        format!(
            "{}: no {} here; `afscope study init` writes one",
            visible(&dir.display().to_string(), false),
            study::FILE_NAME
        )
    })
}

pub fn run(dir: Option<&Path>, cli: &Cli) -> Result<Status, String> {
    let file = study_file(dir, cli)?;
    let s = Study::load(&file)?;
    let (files, load) = super::study::resolved(&s, &cli.load);
    let corpus = super::load_with_progress(&files, &load)?;
    let name = |p: &Path| visible(&p.display().to_string(), false).into_owned();
    let mut out = String::new();
    let _ = writeln!(out, "study {}", name(&s.file));
    let d = &s.defaults;
    let or_dash = |v: &Option<String>| {
        v.as_deref()
            .map_or("-".into(), |v| visible(v, false).into_owned())
    };
    let journal = match std::fs::metadata(&d.journal) {
        Ok(_) => format!("{} ({} labels read)", name(&d.journal), corpus.labels.len()),
        Err(_) => format!("{} (not written yet)", name(&d.journal)),
    };
    let _ = writeln!(
        out,
        "  defaults: filter {} · threshold {} · theme {} · labeler {} · journal {journal}\n",
        or_dash(&d.filter),
        d.threshold.map_or("- (0.4)".into(), |t| t.to_string()),
        or_dash(&d.theme),
        or_dash(&d.labeler),
    );
    let view = corpus.view();
    let mut per_source = vec![0usize; corpus.sources.len()];
    for i in 0..view.len() {
        per_source[usize::from(view.entry(i).source)] += 1;
    }
    super::check::files_section(&mut out, &corpus, &per_source);
    let tier = |t: Tier| {
        (0..view.len())
            .filter(|&i| view.entry(i).tier() == t)
            .count()
    };
    let _ = writeln!(
        out,
        "{} transcripts (free {}, paid {}, unknown {}) from {} file(s); {} verdict file(s), {} label file(s); {} problem(s){}",
        view.len(),
        tier(Tier::Free),
        tier(Tier::Paid),
        tier(Tier::Unknown),
        corpus.file_count(),
        corpus.joins.len(),
        corpus.label_files.len(),
        corpus.problems.len(),
        if corpus.problems.is_empty() { "" } else { " (`afscope check` lists them)" }
    );
    let left = left_out(&s);
    if !left.is_empty() {
        let names: Vec<String> = left.iter().take(5).map(|p| name(p)).collect();
        let more = left.len().saturating_sub(names.len());
        let _ = writeln!(
            out,
            "not named by the study: {} data file(s) under {}: {}{}",
            left.len(),
            name(&s.root),
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    super::print_plain(&out)?;
    Ok(Status::SUCCESS)
}

/// Data files under the study's folder that no table names (new results a glob
/// misses, a score file not yet added); the study file and journal are not counted.
fn left_out(s: &Study) -> Vec<PathBuf> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let named: HashSet<PathBuf> = s
        .transcripts
        .iter()
        .chain(&s.verdicts)
        .chain(&s.labels)
        .map(|i| canon(&i.path))
        .chain([canon(&s.file), canon(&s.defaults.journal)])
        .collect();
    let root = if s.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &s.root
    };
    afscope::load::input::data_files(root)
        .into_iter()
        .filter(|f| !named.contains(&canon(f)))
        .collect()
}
