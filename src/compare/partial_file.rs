//! A partial result file read and checked before anything is computed from it.
//!
//! Partial results travel between machines and batch systems: they are input like any
//! other. [`read`] checks the text (UTF-8, JSON, the shape of [`Partial`]), then every
//! value's domain and the file's own consistency: the format and the cdsim version, the
//! digest's form, the seed of every run (run *i*'s seed derives from the base seed), the
//! shard's numbering, its slice of runs and each record's figures. Every problem is
//! located at the line and column of the JSON value, with the value found.
//!
//! Not here: whether several partials belong together (`shard::merge`), reading files
//! from disk (`cli`).

use super::RunRecord;
use super::shard::{Checked, FORMAT, Partial};
use crate::input::document::{self, Node};
use crate::scenario::{Problem, Problems};

/// The most runs a comparison may have (`--runs`): about 0.2 KiB per run and
/// configuration are kept for the statistics and charts.
pub const MAX_RUNS: u64 = 1_000_000;

/// The most requests a history holds (`scenario::validate`'s limit).
const MAX_HISTORY_REQUESTS: u64 = crate::scenario::validate::MAX_HISTORY_REQUESTS as u64;

/// The most configurations one comparison may hold.
pub const MAX_CONFIGS: usize = 1000;

/// Figures beyond 2^53 cannot come from a run (and would lose precision as `f64`).
const MAX_FIGURE: u64 = 1 << 53;

/// At most this many problems are listed per file.
const MAX_LISTED: usize = 20;

/// What is wrong with the JSON, without the position serde_json appends (the location is
/// reported separately), and a cut-off file said so.
fn json_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let what = text.rsplit_once(" at line ").map_or(text.as_str(), |(what, _)| what);
    // Rust's names of the types expected, in the user's words.
    let what = [
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected f64", "expected a number"),
        ("invalid type: sequence", "invalid type: a list"),
        ("invalid type: map", "invalid type: an object"),
    ]
    .iter()
    .fold(what.to_string(), |w, (rust, words)| w.replace(rust, words));
    match e.classify() {
        serde_json::error::Category::Eof => format!("the file ends before its JSON does (cut short?): {what}"),
        _ => what,
    }
}

/// Reads and checks one partial result file.
pub fn read(bytes: &[u8], path: &str) -> Result<Checked, Problems> {
    let at_1 = |line: u64, column: u64, message: String| Problems {
        path: path.to_string(),
        problems: vec![Problem { line, column, message }],
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = document::byte_position(bytes, e.valid_up_to());
        let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
        at_1(
            line,
            column,
            format!("not a partial result: the file is not UTF-8 text, byte 0x{byte:02x} found"),
        )
    })?;
    let partial: Partial = serde_json::from_str(text).map_err(|e| {
        at_1(
            e.line().max(1) as u64,
            e.column().max(1) as u64,
            format!("not a partial result of cdsim compare --shard: {}", json_problem(&e)),
        )
    })?;
    // The same text as JSON again, for the locations of values (serde_json keeps none).
    let root = document::read_json(text)
        .map(|d| d.root)
        .unwrap_or_else(|_| Node::new(document::Value::Null, 1, 1));
    let mut c = Checker {
        root: &root,
        problems: Vec::new(),
    };
    c.partial(&partial);
    if !c.problems.is_empty() {
        c.problems.sort_by_key(|p| (p.line, p.column));
        let more = c.problems.len().saturating_sub(MAX_LISTED);
        c.problems.truncate(MAX_LISTED);
        if more > 0 {
            c.problems.push(Problem {
                line: 1,
                column: 1,
                message: format!("… and {more} more problems"),
            });
        }
        return Err(Problems {
            path: path.to_string(),
            problems: c.problems,
        });
    }
    let at = root
        .entries()
        .iter()
        .map(|(k, v)| (k.name.clone(), v.line, v.column))
        .collect();
    Ok(Checked {
        path: path.to_string(),
        partial,
        at,
    })
}

/// One step of a path into the document.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

struct Checker<'a> {
    root: &'a Node,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    /// A problem at the value `path` leads to (or the deepest value on the way).
    fn at(&mut self, path: &[Step], message: String) {
        let mut node = self.root;
        for step in path {
            let next = match step {
                Step::Key(k) => node.get(k),
                Step::Index(i) => node.items().get(*i),
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        self.problems.push(Problem {
            line: node.line.max(1),
            column: node.column.max(1),
            message,
        });
    }

    fn partial(&mut self, p: &Partial) {
        use Step::Key;
        if let Some(n) = p.history_requests.filter(|n| !(1..=MAX_HISTORY_REQUESTS).contains(n)) {
            self.at(
                &[Key("historyRequests")],
                format!("historyRequests must be 1 to {MAX_HISTORY_REQUESTS}, found {n}"),
            );
        }
        if p.format != FORMAT {
            self.at(
                &[Key("format")],
                format!("format must be \"{FORMAT}\", found \"{}\"", p.format),
            );
        }
        let version = env!("CARGO_PKG_VERSION");
        if p.cdsim_version != version {
            self.at(
                &[Key("cdsimVersion")],
                format!(
                    "written by cdsim \"{}\"; this is cdsim {version}, whose runs may differ: run the shards again",
                    p.cdsim_version
                ),
            );
        }
        if p.scenario_digest.len() != 16
            || !p
                .scenario_digest
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            self.at(
                &[Key("scenarioDigest")],
                format!(
                    "scenarioDigest must be 16 lower-case hex digits, found \"{}\"",
                    p.scenario_digest
                ),
            );
        }
        self.configs(&p.configs);
        if !(1..=MAX_RUNS).contains(&p.runs) {
            self.at(
                &[Key("runs")],
                format!("runs must be 1 to {MAX_RUNS}, found {}", p.runs),
            );
        }
        if !(p.confidence > 0.0 && p.confidence < 1.0) {
            self.at(
                &[Key("confidence")],
                format!("confidence must be between 0 and 1, found {}", p.confidence),
            );
        }
        if !(1..=MAX_RUNS).contains(&p.shard_count) {
            self.at(
                &[Key("shardCount")],
                format!("shardCount must be 1 to {MAX_RUNS}, found {}", p.shard_count),
            );
        } else if !(1..=p.shard_count).contains(&p.shard) {
            self.at(
                &[Key("shard")],
                format!("shard must be 1 to shardCount ({}), found {}", p.shard_count, p.shard),
            );
        }
        if self.problems.is_empty() {
            self.slice(p);
        }
    }

    fn configs(&mut self, configs: &[String]) {
        use Step::{Index, Key};
        if configs.is_empty() || configs.len() > MAX_CONFIGS {
            self.at(
                &[Key("configs")],
                format!(
                    "configs must name 1 to {MAX_CONFIGS} configurations, found {}",
                    configs.len()
                ),
            );
        }
        for (i, name) in configs.iter().enumerate() {
            if name.trim().is_empty() || configs[..i].contains(name) {
                self.at(
                    &[Key("configs"), Index(i)],
                    format!("configs must be distinct names, found \"{name}\""),
                );
            }
        }
    }

    /// The shard's slice of runs: where it starts, how many records, and each record.
    fn slice(&mut self, p: &Partial) {
        use Step::{Index, Key};
        let range = super::shard_range(p.runs, p.shard, p.shard_count);
        if p.first_run != range.start {
            self.at(
                &[Key("firstRun")],
                format!(
                    "shard {} of {} starts at run {}, found firstRun {}",
                    p.shard, p.shard_count, range.start, p.first_run
                ),
            );
        }
        if p.records.len() != p.configs.len() {
            self.at(
                &[Key("records")],
                format!(
                    "records must hold one list per configuration ({}), found {}",
                    p.configs.len(),
                    p.records.len()
                ),
            );
            return;
        }
        let len = range.end - range.start;
        for (c, recs) in p.records.iter().enumerate() {
            if recs.len() as u64 != len {
                self.at(
                    &[Key("records"), Index(c)],
                    format!(
                        "shard {} of {} holds {len} runs of {}, found {} records",
                        p.shard,
                        p.shard_count,
                        p.configs[c],
                        recs.len()
                    ),
                );
            }
        }
        if !self.problems.is_empty() {
            return;
        }
        if let Some(first) = p.records[0].first()
            && first.seed != super::run_seed(p.seed, range.start)
        {
            self.at(
                &[Key("seed")],
                format!(
                    "seed {} does not give this shard's runs: run {} would have seed {}, the record has {}",
                    p.seed,
                    range.start,
                    super::run_seed(p.seed, range.start),
                    first.seed
                ),
            );
            return;
        }
        for (i, index) in range.enumerate() {
            let seed = super::run_seed(p.seed, index);
            let first = &p.records[0][i];
            for c in 0..p.records.len() {
                let r = &p.records[c][i];
                let path = [Key("records"), Index(c), Index(i)];
                if r.seed != seed {
                    self.at(
                        &[path[0], path[1], path[2], Key("seed")],
                        format!("run {index}'s seed is {seed} (from seed {}), found {}", p.seed, r.seed),
                    );
                }
                if r.bad_revision != first.bad_revision {
                    self.at(
                        &[path[0], path[1], path[2], Key("badRevision")],
                        format!(
                            "every configuration meets the same faults in run {index}: badRevision {} here, {} for {}",
                            r.bad_revision, first.bad_revision, p.configs[0]
                        ),
                    );
                }
                if r.min_in_service.is_some() != first.min_in_service.is_some()
                    || r.failed_requests.is_some() != first.failed_requests.is_some()
                {
                    self.at(&path, "a record of another platform than the others".to_string());
                }
                self.record(&path, r);
            }
            if self.problems.len() > MAX_LISTED {
                return;
            }
        }
    }

    /// One record's figures, each in its domain.
    fn record(&mut self, path: &[Step], r: &RunRecord) {
        use Step::Key;
        let mut at = |key: &'static str, message: String| {
            let mut p = path.to_vec();
            p.push(Key(key));
            self.at(&p, message);
        };
        let figures = [
            ("durationMs", Some(r.duration_ms)),
            ("rollbackMs", r.rollback_ms),
            ("failedRequests", r.failed_requests),
            ("exposedRequests", r.exposed_requests),
            ("extraCapacityMs", Some(r.extra_capacity_ms)),
        ];
        for (key, value) in figures {
            if let Some(v) = value.filter(|v| *v > MAX_FIGURE) {
                at(key, format!("{key} must be at most 2^53 ({MAX_FIGURE}), found {v}"));
            }
        }
        if r.rolled_back != r.rollback_ms.is_some() {
            at(
                "rollbackMs",
                format!(
                    "rollbackMs is given exactly when rolledBack is true (rolledBack: {}), found {}",
                    r.rolled_back,
                    r.rollback_ms.map_or("none".to_string(), |m| m.to_string())
                ),
            );
        }
        if let Some(end) = r.rollback_ms.filter(|end| *end < r.duration_ms) {
            at(
                "rollbackMs",
                format!(
                    "a rollback ends after the deployment ({} ms), found {end}",
                    r.duration_ms
                ),
            );
        }
        if r.succeeded && r.rolled_back {
            at(
                "rolledBack",
                "a deployment that succeeded is not rolled back, found true".to_string(),
            );
        }
        if r.failed_requests.is_some() != r.exposed_requests.is_some() {
            at(
                "exposedRequests",
                "failedRequests and exposedRequests are given together".to_string(),
            );
        }
        if !r.bad_revision && r.exposed_requests.is_some_and(|e| e > 0) {
            at(
                "exposedRequests",
                format!(
                    "a good revision exposes no request to a bad one, found {}",
                    r.exposed_requests.unwrap_or(0)
                ),
            );
        }
        if let Some((min, fleet)) = r.min_in_service {
            let max = crate::scenario::validate::MAX_INSTANCES as u32;
            if fleet == 0 || fleet > max || min > fleet {
                at(
                    "minInService",
                    format!("minInService must be [fewest, fleet] with fewest ≤ fleet ≤ {max}, found [{min}, {fleet}]"),
                );
            }
        }
    }
}
