//! Whether a run's work fits its budget, decided before it starts (`scenario::work`'s
//! estimates and limits): a run beyond it is refused with the estimate and the limit,
//! naming the scenario and, for `compare`, the configuration, instead of running for many
//! minutes.
//!
//! Not here: the estimates and limits themselves (`scenario::work`), memory (`memory`).

use super::Failure;
use crate::config::DeploymentConfig;
use crate::scenario::{Scenario, work};

/// Refuses a run of `scenario` whose estimated work exceeds the budget; `label` names the
/// scenario in the message.
pub fn check(scenario: &Scenario, label: &str) -> Result<(), Failure> {
    check_configs(scenario, std::slice::from_ref(&scenario.deployment_config), label)
}

/// Refuses runs of `scenario` under any of `configs` (`compare`'s) whose estimated work
/// exceeds the budget, naming the configuration when there are several.
pub fn check_configs(scenario: &Scenario, configs: &[DeploymentConfig], label: &str) -> Result<(), Failure> {
    for config in configs {
        work::within_budget(scenario, config).map_err(|e| match configs {
            [_] => Failure(format!("{label}: {e}")),
            _ => Failure(format!("{label} under {}: {e}", config.name)),
        })?;
    }
    Ok(())
}
