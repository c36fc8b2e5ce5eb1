//! Writing a file the user named as output (exports, merges): never over an input,
//! never through a planted temporary file, and a device, FIFO or link is written
//! through, never replaced.

use std::io::Write;
use std::path::{Path, PathBuf};

/// What an output path names, decided without creating anything: its folder must
/// exist, and the name is resolved in it (links followed).
fn resolved(out: &Path) -> Result<PathBuf, String> {
    let shown = out.display();
    let name = out
        .file_name()
        .ok_or_else(|| format!("{shown}: not a file name"))?;
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(dir)
        .map_err(|e| format!("{shown}: its folder {}: {e}", dir.display()))?;
    let path = dir.join(name);
    Ok(std::fs::canonicalize(&path).unwrap_or(path))
}

/// Writes `text` to `out`. An output that resolves to one of `inputs` is refused; a
/// regular or new file is replaced whole (a new temporary file beside it, synced,
/// then renamed); a device, FIFO or link is opened and written through.
pub fn write_output(out: &Path, text: &str, inputs: &[&Path]) -> Result<(), String> {
    write_output_with(out, inputs, &mut |w| w.write_all(text.as_bytes()))
}

/// `write_output` of what `write` produces, streamed (never held whole in memory).
pub fn write_output_with(
    out: &Path,
    inputs: &[&Path],
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let shown = out.display();
    let target = resolved(out)?;
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if inputs.iter().any(|i| canon(i) == target) {
        return Err(format!(
            "{shown}: is one of the inputs; write to a new file"
        ));
    }
    let err = |e: std::io::Error| format!("{shown}: {e}");
    match std::fs::symlink_metadata(out) {
        Ok(m) if !m.file_type().is_file() => {
            if m.is_dir() {
                return Err(format!("{shown}: is a folder"));
            }
            // A device, FIFO or link: what the user named receives the text.
            let f = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(out)
                .map_err(err)?;
            let mut w = std::io::BufWriter::new(f);
            return write(&mut w).and_then(|_| w.flush()).map_err(err);
        }
        _ => {}
    }
    let mut last = None;
    for k in 0..16u32 {
        let mut name = target.file_name().unwrap_or_default().to_owned();
        name.push(format!(".{}.{k}.tmp", std::process::id()));
        let tmp = target.with_file_name(name);
        // A new file only: whatever is planted at the name is never followed.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => {
                let mut w = std::io::BufWriter::new(f);
                let done = write(&mut w)
                    .and_then(|_| w.into_inner().map_err(|e| e.into_error()))
                    .and_then(|f| f.sync_all())
                    .and_then(|_| std::fs::rename(&tmp, &target));
                if done.is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                return done.map_err(err);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(err(e)),
        }
    }
    Err(err(last.unwrap_or_else(|| {
        std::io::Error::other("no temporary name")
    })))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn outputs_never_replace_inputs_devices_or_links() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("j.jsonl");
        std::fs::write(&input, "x\n").unwrap();
        // `nosuch/../j.jsonl` names the input; nothing is created to find that out.
        let sneaky = dir.path().join("nosuch/../j.jsonl");
        let e = write_output(&sneaky, "y\n", &[&input]).unwrap_err();
        assert!(e.contains("its folder"), "{e}");
        assert!(!dir.path().join("nosuch").exists());
        let e = write_output(&dir.path().join("./j.jsonl"), "y\n", &[&input]).unwrap_err();
        assert!(e.contains("is one of the inputs"), "{e}");
        // A link to the input is refused; a link elsewhere is written through.
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        assert!(write_output(&link, "y\n", &[&input]).is_err());
        let other = dir.path().join("other.txt");
        std::fs::write(&other, "old").unwrap();
        let link2 = dir.path().join("link2.jsonl");
        std::os::unix::fs::symlink(&other, &link2).unwrap();
        write_output(&link2, "new\n", &[&input]).unwrap();
        assert!(std::fs::symlink_metadata(&link2)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "new\n");
        // A device stays the device.
        write_output(Path::new("/dev/null"), "z\n", &[&input]).unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
        // A planted temporary name is skipped, not followed.
        let out = dir.path().join("out.jsonl");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let planted = dir
            .path()
            .join(format!("out.jsonl.{}.0.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_output(&out, "fine\n", &[&input]).unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "fine\n");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "x\n");
    }
}
