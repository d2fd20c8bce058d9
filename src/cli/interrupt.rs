//! Ctrl-C (SIGINT), SIGTERM and SIGHUP while cdsim has temporaries on disk: the only home
//! of ctrlc.
//!
//! [`install`] sets the handler (every command but `serve`, which handles its signals
//! itself). `output` registers each temporary (a `.NAME.tmp-PID` file, a
//! `.cdsim-out.tmp-PID` folder) while it exists, and changes files only while it [`hold`]s
//! the registry. On a signal the handler waits for the change in progress (one file
//! written, or a set moved into place), removes every registered temporary and ends the
//! process with exit code 130 and a message: no file under a final name is partial, and no
//! temporary is left. The work under way (a simulation, a sweep of runs) is simply
//! abandoned: it writes nothing until it is done.
//!
//! Not here: how files are written and moved into place (`output`).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

/// The exit code of a command ended by a signal (128 + SIGINT's number, as shells report it).
pub const EXIT_CODE: i32 = 130;

/// The temporaries that exist now.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

static INSTALL: Once = Once::new();

/// Sets the handler, once. Without it (another handler is set), the signal's default
/// action ends the process and the next write into the directory removes what it left.
pub fn install() {
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(on_signal);
    });
}

/// The registry, held: the handler waits until it is dropped.
pub struct Held(MutexGuard<'static, Vec<PathBuf>>);

impl Held {
    /// `path` exists now and is removed if a signal ends the process.
    pub fn register(&mut self, path: &Path) {
        self.0.push(path.to_path_buf());
    }

    /// `path` is gone (moved into place or removed).
    pub fn unregister(&mut self, path: &Path) {
        self.0.retain(|p| p != path);
    }
}

/// Holds off the signal handler while the caller changes files.
pub fn hold() -> Held {
    Held(TEMPORARIES.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Waits for the change in progress, removes every temporary and ends the process.
fn on_signal() {
    let temporaries = TEMPORARIES.lock().unwrap_or_else(PoisonError::into_inner);
    for path in temporaries.iter() {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
    }
    eprintln!("cdsim: interrupted; no file was left half-written");
    std::process::exit(EXIT_CODE);
}
