//! Writing results: stdout, and atomic files (a temporary file in the same directory, then
//! a rename), so an interrupted run never leaves a half-written report.

use std::io::Write;
use std::path::Path;

use super::Failure;
use crate::chart::DrawError;

pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`cdsim … | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// Writes `contents` to `dir/name` atomically, creating `dir` if needed.
pub fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<(), Failure> {
    write_atomic_with(dir, name, |f| f.write_all(contents))
}

/// Writes what `write` produces to `dir/name` atomically, creating `dir` if needed: for
/// contents too large to hold (a large fleet's report.json).
pub fn write_atomic_with(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let fail = |what: &str, e: std::io::Error| Failure(format!("{}: cannot {what}: {e}", dir.join(name).display()));
    std::fs::create_dir_all(dir).map_err(|e| fail("create the directory", e))?;
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail("write", e));
    }
    Ok(())
}

/// Writes each of `files` (names and bytes, as `report::files` and `compare::files` give
/// them) into `dir`, each atomically.
pub fn write_files(dir: &Path, files: Result<Vec<(String, Vec<u8>)>, DrawError>) -> Result<(), Failure> {
    let files = files.map_err(|e| Failure(e.to_string()))?;
    for (name, bytes) in files {
        write_atomic(dir, &name, &bytes)?;
    }
    Ok(())
}
