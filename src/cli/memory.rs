//! Whether a run fits in memory, decided before it starts: the memory a fleet needs (a
//! figure per instance measured with `/usr/bin/time -v`, benches/README.md) and the metric
//! periods an ECS or Lambda run keeps (a figure per period, README.md), and the
//! records `compare` keeps of every run (a figure per run and configuration), against what
//! the process may use (the machine's available memory, the cgroup's limit, the
//! address-space limit). A run that cannot fit is refused with a message instead of
//! aborting half-way on a failed allocation.
//!
//! Not here: what a run needs (`scenario::work::memory_needed`, a measured bound, not a sum
//! of structure sizes).

use super::Failure;
use crate::scenario::{Scenario, work};

/// Refuses `concurrent` runs of `scenario` at once (one per thread) that would need more
/// memory than the process may use; `label` names the scenario in the message.
pub fn check(scenario: &Scenario, label: &str, concurrent: usize) -> Result<(), Failure> {
    let need = work::memory_needed(scenario).saturating_mul(concurrent as u64);
    let (one, what, smaller) = match (scenario.blue_green(), &scenario.history) {
        (Some(_), None) => (
            "this deployment's metric periods need",
            "this deployment",
            "fewer metric periods (a longer traffic.metricPeriod)",
        ),
        (Some(_), Some(_)) => (
            "this history's metric periods need",
            "this history",
            "fewer metric periods (a longer traffic.metricPeriod, fewer or shorter deployments)",
        ),
        (None, _) => ("this fleet needs", "this fleet", "a smaller fleet"),
    };
    let runs = if concurrent > 1 {
        format!("{concurrent} runs of {what} at once (one per thread) need")
    } else {
        one.to_string()
    };
    match available() {
        Some((have, from)) if need > have => Err(Failure(format!(
            "{label}: {runs} about {} MiB to simulate, but only {} MiB are available ({from}); \
             simulate {smaller}, use fewer threads or give the process more memory",
            need >> 20,
            have >> 20
        ))),
        _ => Ok(()),
    }
}

/// Resident bytes per run and configuration that `compare` keeps for its quantiles and
/// charts, rounded up from README.md's measurement ("Limits": about 214).
const BYTES_PER_RECORD: u64 = 256;

/// Refuses `runs` runs of `configs` configurations whose records would need more memory than
/// the process may use (they are all kept: quantiles and charts need every run);
/// `label` names the scenario in the message.
pub fn check_records(label: &str, runs: u64, configs: usize) -> Result<(), Failure> {
    let need = work::BASE_BYTES.saturating_add(runs.saturating_mul(configs as u64).saturating_mul(BYTES_PER_RECORD));
    match available() {
        Some((have, from)) if need > have => Err(Failure(format!(
            "{label}: {runs} runs of {configs} configurations keep about {} MiB of records, but only {} MiB are \
             available ({from}); use fewer runs or give the process more memory",
            need >> 20,
            have >> 20
        ))),
        _ => Ok(()),
    }
}

/// The least of the limits that apply, with where it comes from; `None` when none can be
/// read (not Linux).
pub fn available() -> Option<(u64, &'static str)> {
    [
        (meminfo_available(), "the machine's available memory"),
        (cgroup_available(), "the cgroup's memory limit"),
        (address_space_limit(), "the address-space limit, ulimit -v"),
    ]
    .into_iter()
    .filter_map(|(bytes, from)| Some((bytes?, from)))
    .min_by_key(|&(bytes, _)| bytes)
}

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// `MemAvailable` of /proc/meminfo.
fn meminfo_available() -> Option<u64> {
    let text = read("/proc/meminfo")?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The cgroup (v2) limit less what the group already uses.
fn cgroup_available() -> Option<u64> {
    let max: u64 = read("/sys/fs/cgroup/memory.max")?.trim().parse().ok()?;
    let current: u64 = read("/sys/fs/cgroup/memory.current")
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    Some(max.saturating_sub(current))
}

/// The soft address-space limit (`ulimit -v`) of /proc/self/limits.
fn address_space_limit() -> Option<u64> {
    let text = read("/proc/self/limits")?;
    let line = text.lines().find(|l| l.starts_with("Max address space"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}
