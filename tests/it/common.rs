//! Shared helpers: one place that calls the library, so a signature change touches one
//! function.

use cdsim::report::Report;
use cdsim::scenario::{self, Scenario};
use cdsim::simulation;

/// Parses and validates scenario YAML, panicking with the located problems if invalid.
pub fn scenario(yaml: &str) -> Scenario {
    scenario::load_str(yaml, "test.yaml").unwrap_or_else(|p| panic!("invalid test scenario:\n{p}"))
}

/// Runs a scenario with a seed and returns its report.
pub fn run(yaml: &str, seed: u64) -> Report {
    simulation::simulate(&scenario(yaml), seed)
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let k = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cdsim-it-common-{}-{k}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    /// The path of `name` in the directory, as a command-line argument.
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }

    /// Writes `contents` into `name` and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        std::fs::write(self.0.join(name), contents).expect("write a temp file");
        self.path(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `cdsim` binary with `args`, its output captured.
pub fn cdsim(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cdsim"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("run cdsim")
}

/// An example scenario's path.
pub fn example(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .display()
        .to_string()
}

/// An example scenario's text.
pub fn example_text(name: &str) -> String {
    std::fs::read_to_string(example(&format!("{name}.yaml"))).expect("an example scenario")
}

/// (revision, creator, status) of every deployment of a history's report.
pub fn story(r: &Report) -> Vec<(&str, &str, &str)> {
    r.deployments
        .iter()
        .map(|d| (d.revision_name.as_deref().unwrap(), d.creator, d.status))
        .collect()
}

/// The located problems of a scenario that must not validate (its file is `h.yaml`).
pub fn problems(yaml: &str) -> String {
    match scenario::load_str(yaml, "h.yaml") {
        Ok(_) => panic!("accepted:\n{yaml}"),
        Err(p) => p.to_string(),
    }
}
