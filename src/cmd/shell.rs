//! `afscope completions SHELL` and `afscope man`: generated from the argument
//! definitions, so they always match the commands.

use super::Status;
use std::io::Write;

pub fn completions(shell: clap_complete::Shell) -> Result<Status, String> {
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "afscope", &mut out);
    write(&out)
}

pub fn man() -> Result<Status, String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::cli::command())
        .render(&mut out)
        .map_err(|e| format!("writing the manual: {e}"))?;
    write(&out)
}

fn write(bytes: &[u8]) -> Result<Status, String> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(super::output_failed)?;
    Ok(Status::SUCCESS)
}
