//! `cdsim serve`: a local CodeDeploy endpoint whose deployments run by cdsim's rules in
//! scaled time, driven by real AWS clients (AWS JSON 1.1 over HTTP), with a live page.
//!
//! The service itself (`service.rs` and the operations beside it) is synchronous and
//! deterministic: a request and the simulated instant at which it takes effect give the
//! same response, whatever the wall clock. Each CreateDeployment is simulated to its end
//! at once (`run.rs`); a client sees the report as of the current simulated instant
//! (`view.rs`); a StopDeployment or ContinueDeployment re-simulates the run with the action
//! scheduled at its instant. Only `http.rs` (tokio, hyper, the wall clock, the record file)
//! does I/O.
//!
//! Not here: any simulation rule. The core is used unchanged through
//! `simulation::simulate`.

mod alarms;
mod defaults;
mod deployments;
pub mod error;
mod groups;
pub mod http;
pub mod page;
mod paginate;
pub mod record;
mod request;
mod run;
pub mod service;
pub mod view;

pub use deployments::BAD_REVISION_MARK;
pub use service::{Reply, Service};
