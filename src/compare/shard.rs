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

/// The format tag of partial result files.
pub const FORMAT: &str = "cdsim-compare-partial/2";

/// A shard's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Partial {
    pub format: String,
    pub cdsim_version: String,
    pub scenario: String,
    /// A digest of the validated scenario (FNV-1a 64 of its canonical form, in hex).
    pub scenario_digest: String,
    pub configs: Vec<String>,
    pub seed: u64,
    pub runs: u64,
    pub confidence: f64,
    /// This shard, 1-based, of `shard_count`.
    pub shard: u64,
    pub shard_count: u64,
    /// The run indices this shard computed: `first_run .. first_run + records[0].len()`.
    pub first_run: u64,
    /// Per configuration, the records of this shard's runs in run order.
    pub records: Vec<Vec<RunRecord>>,
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
    fn identity(&self) -> (&str, &str, &str, &str, &[String], u64, u64, u64, u64) {
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
        )
    }
}

/// Merges shards (in any order) into the comparison one run of every seed would give, or
/// says why they do not belong together.
pub fn merge(mut parts: Vec<Partial>) -> Result<Comparison, String> {
    let Some(first) = parts.first() else {
        return Err("no partial results to merge".to_string());
    };
    if first.format != FORMAT {
        return Err(format!(
            "not a partial result of this format: {:?} (expected {FORMAT})",
            first.format
        ));
    }
    for (i, p) in parts.iter().enumerate().skip(1) {
        if p.identity() != first.identity() {
            return Err(format!(
                "partial result {} is of another comparison than the first: {}",
                i + 1,
                difference(first, p)
            ));
        }
    }
    let n = first.shard_count;
    parts.sort_by_key(|p| p.shard);
    let shards: Vec<u64> = parts.iter().map(|p| p.shard).collect();
    if shards != (1..=n).collect::<Vec<u64>>() {
        return Err(format!(
            "shards {shards:?} given; a merge needs each of 1..={n} exactly once"
        ));
    }
    let configs = parts[0].configs.len();
    let mut records: Vec<Vec<RunRecord>> = vec![Vec::new(); configs];
    let mut next_run = 0;
    for p in &parts {
        let len = p.records.first().map_or(0, Vec::len) as u64;
        if p.first_run != next_run || p.records.len() != configs || p.records.iter().any(|r| r.len() as u64 != len) {
            return Err(format!("shard {}/{n} does not hold the runs its place needs", p.shard));
        }
        next_run += len;
        for (c, r) in p.records.iter().enumerate() {
            records[c].extend(r.iter().cloned());
        }
    }
    let head = &parts[0];
    if next_run != head.runs {
        return Err(format!(
            "the shards hold {next_run} runs; the comparison has {}",
            head.runs
        ));
    }
    Ok(Comparison::new(
        &head.scenario,
        head.seed,
        head.confidence,
        &head.configs,
        &records,
    ))
}

fn difference(a: &Partial, b: &Partial) -> String {
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
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ")
}
