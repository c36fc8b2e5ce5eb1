//! `afscope study init [DIR]`: writes a study file drafted from what is found in DIR.

use super::Status;
use crate::cli::Cli;
use afscope::load::input::study::FILE_NAME;
use afscope::load::input::study_draft;
use afscope::model::sanitize::visible;
use std::path::Path;

pub fn run(dir: &Path, force: bool, _cli: &Cli) -> Result<Status, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{}: not a folder",
            visible(&dir.display().to_string(), false)
        ));
    }
    let path = dir.join(FILE_NAME);
    let shown = visible(&path.display().to_string(), false).into_owned();
    match std::fs::symlink_metadata(&path) {
        Ok(m) if !m.file_type().is_file() => {
            return Err(format!(
                "{shown} exists and is not a regular file; not replaced"
            ))
        }
        Ok(_) if !force => {
            return Err(format!(
                "{shown} exists; `afscope study show` prints it, --force replaces it"
            ))
        }
        _ => {}
    }
    let text = study_draft::draft(dir)?;
    afscope::labeling::write_atomically(&path, &text)?;
    let tables = |t: &str| text.lines().filter(|l| *l == t).count();
    super::print_plain(&format!(
        "wrote {shown}: {} transcript, {} verdict and {} label table(s); edit it, then `afscope study show`\n",
        tables("[[transcripts]]"),
        tables("[[verdicts]]"),
        tables("[[labels]]")
    ))?;
    Ok(Status::SUCCESS)
}
