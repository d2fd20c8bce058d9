//! Tuning a scenario's alarm over simulated runs of its fault model (`cdsim alarms tune
//! --scenario`): each setting of threshold × N × M is simulated in run *i* with the faults
//! drawn for run *i* (the seeds of `compare`, so every setting meets the same runs), the
//! alarm alone watching the deployment. A run whose revision was drawn bad is a bad
//! deployment; the others are good. The alarm going into ALARM during the deployment is a
//! detection (bad) or a false alarm (good); time to detection runs from the deployment's
//! creation to its first ALARM. The alarms start from their usual history (`baselinePeriods`).
//!
//! Not here: tuning on recorded deployments (`alarm::tune`, which shares [`Outcome`]),
//! threads, rendering.

use crate::alarm::tune::{Outcome, Setting};
use crate::alarm::{Alarm, AlarmRule};
use crate::scenario::{Scenario, fault_model};
use crate::simulation;

use super::run_seed;

/// What `alarm` (an alarm of `scenario`) would do under each setting over `runs` runs.
/// Each run's faults are drawn again for each setting (the same draws: the same seed), so
/// memory does not grow with the runs.
pub fn sweep(scenario: &Scenario, alarm: &Alarm, settings: &[Setting], runs: u64, seed: u64) -> Vec<Outcome> {
    settings
        .iter()
        .map(|&setting| {
            let runs = (0..runs).map(|i| {
                let run = fault_model::draw(scenario, run_seed(seed, i));
                (
                    run.bad_revision,
                    first_alarm(&run.scenario, alarm, setting, run_seed(seed, i)),
                )
            });
            Outcome::of(setting, runs)
        })
        .collect()
}

/// Ms from creation to the first ALARM of `alarm` under `setting`, the only alarm watched.
fn first_alarm(scenario: &Scenario, alarm: &Alarm, setting: Setting, seed: u64) -> Option<i64> {
    let mut s = scenario.clone();
    let config = s.monitoring.alarms.as_mut().expect("the alarm comes from the scenario");
    config.alarms = vec![Alarm {
        rule: AlarmRule {
            threshold: setting.threshold,
            evaluation_periods: setting.evaluation_periods,
            datapoints_to_alarm: setting.datapoints_to_alarm,
            ..alarm.rule
        },
        ..alarm.clone()
    }];
    let report = simulation::simulate(&s, seed);
    let created = report.deployments.first().map_or(0.0, |d| d.create_time);
    report.alarms.first().and_then(|a| {
        a.states
            .iter()
            .find(|p| p.state == "ALARM")
            .map(|p| ((p.time - created) * 1000.0).round() as i64)
    })
}
