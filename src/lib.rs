//! cdsim: a deterministic discrete-event simulator of AWS CodeDeploy deployments.
//!
//! Give it a [`scenario::Scenario`] and a seed; it returns a [`report::Report`] in
//! CodeDeploy's own vocabulary. Same scenario, same seed, same commit ⇒ same bytes.
//!
//! Module map, from the bottom up (a module uses its own layer and those below it, never
//! one above; the table in ARCHITECTURE.md is the reference, and `tests/it/tidy.rs` checks
//! the code against it):
//!
//! - vocabulary: [`time`] (integer milliseconds), [`id`] (dense ids), [`rng`] (seeded named
//!   streams, the only home of the RNG crate), [`stats`] (the only home of statrs),
//!   [`calendar`] (timestamps of recorded data, the only home of jiff);
//! - the pure core: [`engine`] (event queue with documented tie order, the loop);
//! - the pure domain: [`config`] (deployment configurations and their planners),
//!   [`lifecycle`] (event orders, hooks), [`load_balancer`], [`traffic`] (requests and
//!   their metrics), [`alarm`] (CloudWatch alarm evaluation), [`fault`], [`deployment`]
//!   (status vocabulary);
//! - the scenario: [`scenario`] (raw YAML → the validated model the platforms read);
//! - the platforms: [`platform`] (the deployment state machines);
//! - reports and inputs: [`report`] (plain data and its renderings), [`chart`] (chart data
//!   → SVG and PNG), [`input`] (AWS's own file formats → scenario YAML);
//! - one run: [`simulation`] (runs a scenario);
//! - many runs: [`compare`] (many runs of several configurations, as distributions) and,
//!   behind the `testkit` feature, `testkit` (proptest strategies and invariant checkers);
//! - the edge: [`cli`] (the `cdsim` command).
//!
//! Nothing below the edge does I/O, reads a clock or uses unseeded randomness; a test
//! (`tests/it/tidy.rs`) checks this.

pub mod alarm;
pub mod calendar;
pub mod chart;
pub mod cli;
pub mod compare;
pub mod config;
pub mod deployment;
pub mod engine;
pub mod fault;
pub mod id;
pub mod input;
pub mod lifecycle;
pub mod load_balancer;
pub mod platform;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod serve;
pub mod simulation;
pub mod stats;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod time;
pub mod traffic;
