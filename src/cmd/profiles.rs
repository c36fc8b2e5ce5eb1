//! `afscope profiles`: the built-in mapping profiles.

use super::Status;
use afscope::load::profile::{Profile, BUILTIN};

pub fn run(name: Option<&str>) -> Result<Status, String> {
    match name {
        Some(n) => {
            let text = BUILTIN
                .iter()
                .find(|(b, _)| *b == n)
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    let names: Vec<&str> = BUILTIN.iter().map(|(b, _)| *b).collect();
                    format!("no built-in profile `{n}`; there are: {}", names.join(", "))
                })?;
            super::print_plain(text)?;
        }
        None => {
            // In detection order: a file two profiles claim gets the first.
            let mut out = String::new();
            for p in Profile::builtins() {
                out.push_str(&format!(
                    "{:<18} {:<12} {}\n",
                    p.name(),
                    p.role().as_str(),
                    p.spec.description
                ));
            }
            super::print_plain(&out)?;
        }
    }
    Ok(Status::SUCCESS)
}
