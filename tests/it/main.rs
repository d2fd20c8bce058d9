//! The one integration-test binary (one link step). Modules:
//! - `alarms`: CloudWatch alarm evaluation, alarms stopping deployments, rollback and stop;
//! - `fidelity`: every documented CodeDeploy rule the code implements, citing its section of
//!   the behavioural reference (§N);
//! - `scenarios`: every example scenario in `scenarios/` runs;
//! - `properties`: proptest invariants over generated scenarios;
//! - `determinism`: same seed ⇒ same bytes;
//! - `queue`: the event queue against a shadow model;
//! - `cli`: the `cdsim` binary's contracts (exit codes, located errors, JSON shapes);
//! - `tidy`: the core does no I/O, reads no clock, iterates no hash map;
//! - `traffic`: ECS and Lambda traffic shifting, and the traffic model.

mod common;

mod alarms;

mod cli;
mod determinism;
mod fidelity;
mod properties;
mod queue;
mod scenarios;
mod tidy;
mod traffic;
