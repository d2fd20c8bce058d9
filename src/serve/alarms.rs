//! The alarms of a deployment group made or changed through the API. CodeDeploy's
//! `alarmConfiguration` names CloudWatch alarms and nothing more; to evaluate one, cdsim
//! needs its metric, period, threshold and rule. An alarm named like an alarm of a
//! `--scenario` file is that alarm, when that scenario is of the group's compute platform
//! (and, ECS and Lambda, the group's metric period divides the alarm's period); any other
//! name is cdsim's default alarm for the platform ([`default_alarm`]).
//!
//! Not here: evaluating alarms and stopping on them (the core's `alarm` module and the
//! platforms, as for a scenario's alarms).

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::ApiError;
use super::request::ApiAlarmConfiguration;
use crate::alarm::{
    Alarm, AlarmConfiguration, AlarmRule, AlarmState, Comparison, History, MetricSource, TreatMissingData, VersionRef,
};
use crate::config::ComputePlatform;
use crate::scenario::{Scenario, Workload};
use crate::time::SimDuration;

/// The API's limit on alarms per deployment group.
const MAX_ALARMS: usize = 10;

/// The alarms the `--scenario` files define, by name, with their scenario's platform (the
/// first definition of a name wins).
#[derive(Default)]
pub struct Catalogue {
    by_name: BTreeMap<String, (ComputePlatform, Alarm)>,
}

impl Catalogue {
    /// Adds a scenario's alarms.
    pub fn add(&mut self, scenario: &Scenario) {
        let platform = scenario.deployment_config.compute_platform;
        for alarm in scenario.monitoring.alarms.iter().flat_map(|a| &a.alarms) {
            self.by_name
                .entry(alarm.name.clone())
                .or_insert_with(|| (platform, alarm.clone()));
        }
    }

    /// The alarm `name` for a group deploying `scenario`.
    fn alarm(&self, name: &str, scenario: &Scenario) -> Alarm {
        let platform = scenario.deployment_config.compute_platform;
        match self.by_name.get(name) {
            Some((p, alarm)) if *p == platform && fits(alarm, scenario) => alarm.clone(),
            _ => default_alarm(name, scenario),
        }
    }
}

/// The alarms a group's `alarmConfiguration` makes its deployments watch: none unless
/// `enabled` is true (absent counts as false, as in the API).
pub fn configuration(
    value: &Value,
    scenario: &Scenario,
    catalogue: &Catalogue,
) -> Result<Option<AlarmConfiguration>, ApiError> {
    let invalid = |message: String| ApiError::new("InvalidAlarmConfigException", message);
    let c: ApiAlarmConfiguration = serde_json::from_value(value.clone()).map_err(|e| invalid(e.to_string()))?;
    if c.enabled != Some(true) {
        return Ok(None);
    }
    let names: Vec<String> = c
        .alarms
        .unwrap_or_default()
        .into_iter()
        .filter_map(|a| a.name)
        .collect();
    if names.is_empty() {
        return Err(invalid(
            "An enabled alarm configuration needs at least one alarm".into(),
        ));
    }
    if names.len() > MAX_ALARMS {
        let message = format!(
            "At most {MAX_ALARMS} alarms per deployment group, found {}",
            names.len()
        );
        return Err(ApiError::new("AlarmsLimitExceededException", message));
    }
    let alarms: Vec<Alarm> = names.iter().map(|n| catalogue.alarm(n, scenario)).collect();
    if let Some(a) = alarms.iter().find(|a| !fits(a, scenario)) {
        let message = format!("The alarm {} cannot be evaluated at this group's metric period", a.name);
        return Err(invalid(message));
    }
    Ok(Some(AlarmConfiguration {
        alarms,
        ignore_poll_alarm_failure: c.ignore_poll_alarm_failure.unwrap_or(false),
        poll_interval: SimDuration::from_secs(60),
        unreadable: Vec::new(),
    }))
}

/// The alarm cdsim simulates for a name no scenario defines, like the alarm a team puts on
/// a deployment group. Server: in-service instances below 1 in a minute (an ELB
/// `HealthyHostCount` alarm). ECS and Lambda: the new version's error rate above 5 % in a
/// metric period (a per-version `Errors` or 5XX alarm). One datapoint of one period
/// decides; missing data is missing; the metric's steady value before the deployment is
/// its history, as for a scenario alarm without `history`.
pub fn default_alarm(name: &str, scenario: &Scenario) -> Alarm {
    let (metric, threshold, comparison) = match scenario.deployment_config.compute_platform {
        ComputePlatform::Server => (MetricSource::HealthyCount, 1.0, Comparison::LessThanThreshold),
        ComputePlatform::Ecs | ComputePlatform::Lambda => (
            MetricSource::ErrorRate(VersionRef::Replacement),
            0.05,
            Comparison::GreaterThanThreshold,
        ),
    };
    let rule = AlarmRule {
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        threshold,
        comparison,
        treat_missing_data: TreatMissingData::Missing,
    };
    Alarm {
        name: name.to_string(),
        metric,
        period: metric_period(scenario).unwrap_or(SimDuration::from_secs(60)),
        history: History::Baseline(rule.evaluation_periods + 2),
        rule,
        initial_state: AlarmState::Ok,
    }
}

/// The traffic's metric period of an ECS or Lambda group.
fn metric_period(scenario: &Scenario) -> Option<SimDuration> {
    match &scenario.workload {
        Workload::BlueGreen(bg) => Some(bg.traffic.period),
        Workload::InPlace(_) | Workload::Ec2BlueGreen(_) => None,
    }
}

/// Whether an alarm of this period can be evaluated in the group's deployments: the
/// metric period divides the period and the evaluation interval (ECS, Lambda).
fn fits(alarm: &Alarm, scenario: &Scenario) -> bool {
    metric_period(scenario).is_none_or(|m| m.divides(alarm.period) && m.divides(alarm.evaluation_interval()))
}
