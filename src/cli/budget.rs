//! Whether a run's work fits its budget, decided before it starts: a `perRequest` run that
//! would draw more than [`work::MAX_REQUESTS`] requests (`scenario::work`'s estimate) is
//! refused with the estimate and the limit, instead of running for many minutes.
//!
//! Not here: the estimate itself (`scenario::work`), memory (`memory`).

use super::Failure;
use crate::scenario::{Scenario, work};

/// Refuses a run of `scenario` whose estimated work exceeds the budget; `label` names the
/// scenario in the message.
pub fn check(scenario: &Scenario, label: &str) -> Result<(), Failure> {
    match work::per_request(scenario) {
        Some(e) if e.requests > work::MAX_REQUESTS => Err(Failure(format!(
            "{label}: traffic.mode perRequest would draw about {:.1e} requests in one run (the rate times the \
             deployment's expected {:.1} hours), more than the {:.0e} a run may draw (README.md, \"Limits\"); \
             use traffic.mode: aggregated (the same distribution, at a cost that does not grow with the rate), a \
             lower requestRate or shorter waits",
            e.requests,
            e.span_s / 3600.0,
            work::MAX_REQUESTS
        ))),
        _ => Ok(()),
    }
}
