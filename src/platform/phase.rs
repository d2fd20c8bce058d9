//! A named phase of a deployment and when it ran, as the blue/green models record them
//! for reports (install, the ready wait, the shift or reroute, the termination wait, the
//! rollback).
//!
//! Not here: deciding when a phase begins or ends (each platform's model).

use crate::time::SimTime;

/// A phase of the deployment, for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhaseSpan {
    /// The phase's name as reports show it.
    pub name: &'static str,
    /// When it began.
    pub start: SimTime,
    /// When it ended.
    pub end: SimTime,
}
