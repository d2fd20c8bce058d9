//! cdsim: a deterministic discrete-event simulator of AWS CodeDeploy deployments.
//!
//! Give it a [`scenario::Scenario`] and a seed; it returns a [`report::Report`] in
//! CodeDeploy's own vocabulary. Same scenario, same seed, same commit ⇒ same bytes.
//!
//! Module map, from the bottom up (dependencies point down only):
//!
//! - vocabulary: [`time`] (integer milliseconds), [`id`] (dense ids), [`rng`] (seeded named
//!   streams, the only home of the RNG crate), [`stats`] (the only home of statrs);
//! - the pure core: [`engine`] (event queue with documented tie order, the loop);
//! - the pure domain: [`config`] (deployment configurations and their planners),
//!   [`lifecycle`] (event orders, hooks), [`load_balancer`], [`traffic`] (requests and
//!   their metrics), [`alarm`] (CloudWatch alarm evaluation), [`fault`], [`deployment`]
//!   (status vocabulary), [`platform`] (the deployment state machines);
//! - boundary types: [`scenario`] (raw YAML → validated model), [`input`] (AWS's own file
//!   formats → scenario YAML), [`report`] (plain data and its renderings);
//! - the edge: [`simulation`] (runs a scenario), [`compare`] (many runs of several
//!   configurations, as distributions), [`cli`] (the `cdsim` command);
//! - behind the `testkit` feature: `testkit` (proptest strategies and invariant checkers).
//!
//! The core and the domain do no I/O, read no clock and use no unseeded randomness; a test
//! (`tests/it/tidy.rs`) checks this.

pub mod alarm;
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
