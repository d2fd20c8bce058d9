//! Partial results: what `cdsim compare --shard K/N` writes and `cdsim merge` combines.
//!
//! A partial result holds the per-run records of its slice of runs, in run order, never
//! aggregated figures: merging concatenates the slices in shard order and computes the
//! statistics once, so a merge of shards gives exactly what one run of all seeds gives.
//! Shards are only merged when they are of the same comparison (same cdsim version,
//! scenario, configurations, seed, runs, confidence and shard count) and cover every
//! shard once.
//!
//! Not here: reading or writing the files (`cli`).

use serde::{Deserialize, Serialize};

use super::{Comparison, RunRecord};
use crate::scenario::{Problem, Problems};

/// The format tag of partial result files.
pub const FORMAT: &str = "cdsim-compare-partial/2";

/// A shard's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Partial {
    /// [`FORMAT`].
    pub format: String,
    /// The version of cdsim that ran the shard.
    pub cdsim_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// A digest of the validated scenario (FNV-1a 64 of its canonical form, in hex).
    pub scenario_digest: String,
    /// The configurations compared, in order.
    pub configs: Vec<String>,
    /// The comparison's base seed.
    pub seed: u64,
    /// The comparison's runs (all shards together).
    pub runs: u64,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// This shard, 1-based, of `shard_count`.
    pub shard: u64,
    /// How many shards the runs are split into.
    pub shard_count: u64,
    /// The run indices this shard computed: `first_run .. first_run + records[0].len()`.
    pub first_run: u64,
    /// Per configuration, the records of this shard's runs in run order.
    pub records: Vec<Vec<RunRecord>>,
    /// When the scenario is a history: its requests (each run is the whole history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_requests: Option<u64>,
}

/// A partial result that passed every check (`partial_file::read`), with where its top-level values are.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The file's path, as shown in messages.
    pub path: String,
    /// What the file holds.
    pub partial: Partial,
    /// (key, line, column) of each top-level value.
    pub at: Vec<(String, u64, u64)>,
}

impl Checked {
    /// The problem at the value of top-level `key`.
    pub fn problem(&self, key: &str, message: String) -> Problems {
        let (line, column) = self
            .at
            .iter()
            .find(|(k, ..)| k == key)
            .map_or((1, 1), |(_, l, c)| (*l, *c));
        Problems {
            path: self.path.clone(),
            problems: vec![Problem { line, column, message }],
        }
    }
}

/// FNV-1a, 64 bits: a stable digest of a scenario's canonical text.
pub fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl Partial {
    /// What must be equal for two shards to merge.
    #[allow(clippy::type_complexity)]
    fn identity(&self) -> (&str, &str, &str, &str, &[String], u64, u64, u64, u64, Option<u64>) {
        (
            &self.format,
            &self.cdsim_version,
            &self.scenario,
            &self.scenario_digest,
            &self.configs,
            self.seed,
            self.runs,
            self.confidence.to_bits(),
            self.shard_count,
            self.history_requests,
        )
    }
}

/// Merges shards (in any order, each already checked by `partial_file::read`) into the
/// comparison one run of every seed would give, or says, at the value in question, why
/// they do not belong together.
pub fn merge(mut parts: Vec<Checked>) -> Result<Comparison, Problems> {
    let Some(first) = parts.first() else {
        return Err(Problems {
            path: "(merge)".to_string(),
            problems: vec![Problem {
                line: 1,
                column: 1,
                message: "no partial results to merge".to_string(),
            }],
        });
    };
    let n = first.partial.shard_count;
    if n != parts.len() as u64 {
        return Err(first.problem(
            "shardCount",
            format!(
                "a merge needs each of the {n} shards exactly once; {} partial results given",
                parts.len()
            ),
        ));
    }
    for p in &parts[1..] {
        if p.partial.identity() != first.partial.identity() {
            return Err(p.problem(
                "scenario",
                format!(
                    "partial result of another comparison than {}: {}",
                    first.path,
                    difference(&first.partial, &p.partial)
                ),
            ));
        }
    }
    parts.sort_by_key(|p| p.partial.shard);
    for (i, p) in parts.iter().enumerate() {
        if p.partial.shard != i as u64 + 1 {
            return Err(p.problem(
                "shard",
                format!(
                    "shard {} given twice, or another missing: a merge needs each of shards 1 to {n} exactly once",
                    p.partial.shard
                ),
            ));
        }
    }
    let head = &parts[0].partial;
    let mut records: Vec<Vec<RunRecord>> = (0..head.configs.len())
        .map(|_| Vec::with_capacity(usize::try_from(head.runs).unwrap_or(0)))
        .collect();
    for p in &parts {
        // `partial_file::read` checked that each shard holds exactly its slice of runs.
        for (c, r) in p.partial.records.iter().enumerate() {
            records[c].extend(r.iter().cloned());
        }
    }
    Ok(
        Comparison::new(&head.scenario, head.seed, head.confidence, &head.configs, &records)
            .of_history(head.history_requests),
    )
}

fn difference(a: &Partial, b: &Partial) -> String {
    let requests = |p: &Partial| {
        p.history_requests
            .map_or("none (no history)".to_string(), |n| n.to_string())
    };
    let field = |name: &str, x: String, y: String| (x != y).then(|| format!("{name} {x} ≠ {y}"));
    [
        field("cdsim version", a.cdsim_version.clone(), b.cdsim_version.clone()),
        field("scenario", a.scenario.clone(), b.scenario.clone()),
        field("scenario digest", a.scenario_digest.clone(), b.scenario_digest.clone()),
        field("configurations", a.configs.join(","), b.configs.join(",")),
        field("seed", a.seed.to_string(), b.seed.to_string()),
        field("runs", a.runs.to_string(), b.runs.to_string()),
        field("confidence", a.confidence.to_string(), b.confidence.to_string()),
        field("shard count", a.shard_count.to_string(), b.shard_count.to_string()),
        field("history requests", requests(a), requests(b)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ")
}
