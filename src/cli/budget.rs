//! Whether a run's work fits its budget, decided before it starts: a `perRequest` run that
//! would draw more than [`work::MAX_REQUESTS`] requests, or one that would record or
//! evaluate alarms at more than [`work::MAX_PERIODS`] metric periods or whose alarm
//! evaluations would make more than [`work::MAX_READS`] reads (`scenario::work`'s
//! estimates), is refused with the estimate and the limit, instead of running for many
//! minutes.
//!
//! Not here: the estimates themselves (`scenario::work`), memory (`memory`).

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
        let label = match configs {
            [_] => label.to_string(),
            _ => format!("{label} under {}", config.name),
        };
        requests(scenario, config, &label)?;
        periods(scenario, config, &label)?;
    }
    Ok(())
}

fn requests(scenario: &Scenario, config: &DeploymentConfig, label: &str) -> Result<(), Failure> {
    match work::per_request_under(scenario, config) {
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

fn periods(scenario: &Scenario, config: &DeploymentConfig, label: &str) -> Result<(), Failure> {
    let Some(e) = work::periods_under(scenario, config) else {
        return Ok(());
    };
    let span = format!(
        "the deployment's expected {:.1} hours in metric periods of {} s",
        e.span_s / 3600.0,
        e.period_s
    );
    if e.periods > work::MAX_PERIODS {
        return Err(Failure(format!(
            "{label}: one run would record or evaluate alarms at about {:.1e} metric periods ({span}), more than \
             the {:.0e} a run may (README.md, \"Limits\"); use shorter waits, hooks or monitor durations, a \
             configuration that deploys to more instances at once or, for ECS and Lambda, a longer \
             traffic.metricPeriod",
            e.periods,
            work::MAX_PERIODS
        )));
    }
    if e.reads > work::MAX_READS {
        return Err(Failure(format!(
            "{label}: one run's alarm evaluations would make about {:.1e} reads of datapoints and recorded metric \
             periods ({span}), more than the {:.0e} a run may make (README.md, \"Limits\"); use fewer alarms, \
             fewer evaluationPeriods, shorter alarm periods or, for ECS and Lambda, a longer traffic.metricPeriod",
            e.reads,
            work::MAX_READS
        )));
    }
    Ok(())
}
