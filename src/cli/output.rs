//! Writing results: standard output, and files written so that no file under a final name
//! is ever partial.
//!
//! One file is written to a temporary sibling (`.NAME.tmp-PID`) and renamed. A set of
//! files (`--out DIR`) is written whole into a temporary folder inside `DIR`
//! (`.cdsim-out.tmp-PID`) first and only then renamed into place, file by file, the JSON
//! result last: a failed write leaves none of the set, and a failed rename names the files
//! that are missing. A
//! process killed on the way leaves only temporaries, which the next write into the same
//! directory removes when the process that made them is gone; Ctrl-C, SIGTERM and SIGHUP
//! remove them at once (`interrupt`).
//!
//! Standard output: a write error is an error (exit 1), except a closed pipe
//! (`cdsim … | head`), which ends the command quietly.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Failure, interrupt};
use crate::chart::DrawError;

/// How writing to standard output ended.
pub enum Printed {
    Done,
    /// The reader went away (EPIPE): not worth a word.
    PipeClosed,
    Failed(std::io::Error),
}

/// Writes `text` to standard output and flushes it.
pub fn print(text: &str) -> Printed {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Printed::Done,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Printed::PipeClosed,
        Err(e) => Printed::Failed(e),
    }
}

/// Writes to standard output, through a buffer, what `write` produces as it produces it
/// (a large fleet's JSON is never held whole). A closed pipe ends it quietly; any other
/// write error ends the process with exit code 1 and a message, as `main` does for printed
/// text.
pub fn stream_stdout(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("cdsim: cannot write to standard output: {e}");
            std::process::exit(1);
        }
    }
}

/// The suffix of every temporary cdsim writes: `.tmp-PID`.
fn tmp_suffix() -> String {
    format!(".tmp-{}", std::process::id())
}

/// Writes `contents` to `dir/name` atomically, creating `dir` if needed.
pub fn write_atomic(dir: &Path, name: &str, contents: &[u8]) -> Result<(), Failure> {
    let fail = |what: &str, e: std::io::Error| Failure(format!("{}: cannot {what}: {e}", dir.join(name).display()));
    std::fs::create_dir_all(dir).map_err(|e| fail("create the directory", e))?;
    remove_stale(dir);
    let tmp = dir.join(format!(".{name}{}", tmp_suffix()));
    let mut held = interrupt::hold();
    held.register(&tmp);
    let result = write_synced(&tmp, contents).and_then(|()| std::fs::rename(&tmp, dir.join(name)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    held.unregister(&tmp);
    result.map_err(|e| fail("write", e))
}

fn write_synced(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_synced_with(path, |f| f.write_all(contents))
}

fn write_synced_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    write(&mut f)?;
    f.sync_all()
}

/// A file of a set whose contents are written as they are produced (a large fleet's
/// `report.json`), not held in memory.
pub struct Streamed<'a> {
    /// The file's name.
    pub name: &'a str,
    /// Writes the contents.
    pub write: &'a dyn Fn(&mut std::fs::File) -> std::io::Result<()>,
}

/// Writes the set `files` (names and bytes, as `report::files` and `compare::files` give
/// them) into `dir`: all of them, or none with a message, or a message naming the ones
/// missing. JSON files are moved into place last.
pub fn write_files(dir: &Path, files: Result<Vec<(String, Vec<u8>)>, DrawError>) -> Result<(), Failure> {
    write_set(dir, files, None)
}

/// As [`write_files`], with one more file written as it is produced; it is a JSON result
/// and moved into place last.
pub fn write_set(
    dir: &Path,
    files: Result<Vec<(String, Vec<u8>)>, DrawError>,
    streamed: Option<Streamed>,
) -> Result<(), Failure> {
    let mut files = files.map_err(|e| Failure(format!("{}: no file written: {e}", dir.display())))?;
    // The JSON result last: when it is in place, so is every other file of the set.
    files.sort_by_key(|(name, _)| name.ends_with(".json"));
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.extend(streamed.as_ref().map(|s| s.name));
    let fail = |what: String, e: std::io::Error| Failure(format!("{}: cannot {what}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(|e| fail("create the directory".into(), e))?;
    remove_stale(dir);
    let staging = dir.join(format!(".cdsim-out{}", tmp_suffix()));
    // Each file is written, and the set moved into place, while the signal handler is held
    // off (`interrupt`): a signal removes the staging folder between those steps.
    let staged = (|| {
        {
            let mut held = interrupt::hold();
            std::fs::create_dir(&staging)?;
            held.register(&staging);
        }
        for (name, bytes) in &files {
            let _held = interrupt::hold();
            write_synced(&staging.join(name), bytes)?;
        }
        if let Some(s) = &streamed {
            let _held = interrupt::hold();
            write_synced_with(&staging.join(s.name), s.write)?;
        }
        Ok(())
    })();
    let mut held = interrupt::hold();
    let result = match staged {
        Err(e) => Err(fail(format!("write the {} files (none was written)", names.len()), e)),
        Ok(()) => move_into_place(&staging, dir, &names)
            .map_err(|(name, missing, e)| fail(format!("move {name} into place; missing: {}", missing.join(", ")), e)),
    };
    let _ = if result.is_err() {
        std::fs::remove_dir_all(&staging)
    } else {
        std::fs::remove_dir(&staging)
    };
    held.unregister(&staging);
    result
}

/// Moves `names` from `staging` into `dir` in order; on failure, the file that could not be
/// moved, those missing from `dir` (it and the ones after it) and the error.
fn move_into_place<'a>(
    staging: &Path,
    dir: &Path,
    names: &'a [&'a str],
) -> Result<(), (&'a str, &'a [&'a str], std::io::Error)> {
    for (i, name) in names.iter().enumerate() {
        std::fs::rename(staging.join(name), dir.join(name)).map_err(|e| (*name, &names[i..], e))?;
    }
    Ok(())
}

/// Removes the temporaries (`.NAME.tmp-PID`) in `dir` of cdsim processes that are gone.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(stale_pid) else {
            continue;
        };
        if pid != std::process::id() && !alive(pid) {
            let path: PathBuf = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

/// The process id of a cdsim temporary's name (`.NAME.tmp-PID`).
fn stale_pid(name: &str) -> Option<u32> {
    let (head, pid) = name.rsplit_once(".tmp-")?;
    (name.starts_with('.') && head.len() > 1).then_some(())?;
    pid.parse().ok()
}

/// Whether process `pid` still runs: where `/proc` exists, by its entry there; elsewhere
/// a temporary is assumed to be in use.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The largest scenario, AWS or configuration file cdsim reads (64 MiB: a scenario of
/// 100,000 faults is about 4 MiB).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// The largest partial result file `merge` reads (1 GiB: about five million run records).
pub const MAX_PARTIAL_BYTES: u64 = 1 << 30;

/// Reads an input file whole, refusing one larger than `limit` bytes before reading it.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, Failure> {
    let fail = |e: String| Failure(format!("{}:1:1: cannot read the file: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?.len();
    if size > limit {
        return Err(fail(format!(
            "it holds {size} bytes, more than the {limit} cdsim reads (see README.md, \"Limits\")"
        )));
    }
    std::fs::read(path).map_err(|e| fail(e.to_string()))
}

/// Reads a text input file (at most `limit` bytes), locating a byte that is not UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, Failure> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let (line, column) = crate::input::document::byte_position(bytes, at);
        Failure(format!(
            "{}:{line}:{column}: not UTF-8 text: byte 0x{:02x} found",
            path.display(),
            bytes[at]
        ))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn temporaries_are_recognised_by_name() {
        assert_eq!(super::stale_pid(".report.json.tmp-123"), Some(123));
        assert_eq!(super::stale_pid(".cdsim-out.tmp-9"), Some(9));
        assert_eq!(super::stale_pid("report.json"), None);
        assert_eq!(super::stale_pid("a.tmp-1"), None);
        assert_eq!(super::stale_pid(".tmp-1"), None);
    }
}
