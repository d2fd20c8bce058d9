//! Property-testing your own alarm and rollback settings with cdsim's kit.
//!
//! A team ships a Lambda function with `CodeDeployDefault.LambdaCanary10Percent5Minutes`,
//! an alarm on the new version's error rate (above 5 % in 2 of 3 one-minute periods) and
//! automatic rollback on failure and alarm. They want to know, over every hook outcome,
//! request rate and StopDeployment the kit generates:
//!
//! - that cdsim's documented rollback rules hold for their settings (`check_all`), and
//! - their own rule: a version that fails 30 % of its requests never completes the
//!   deployment.
//!
//! ```sh
//! cargo run --example rollback_properties --features testkit
//! ```

use cdsim::testkit::check_all;
use cdsim::testkit::strategies::{
    self, AlarmSpec, AlarmsSpec, Behaviour, Case, LambdaSpec, MetricSpec, RollbackSpec, RoutingSpec, Version,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// The team's alarm.
pub fn my_alarms() -> AlarmsSpec {
    let mut alarm = AlarmSpec::new("checkout-errors", MetricSpec::ErrorRate(Version::Replacement), 0.05);
    alarm.evaluation_periods = 3;
    alarm.datapoints_to_alarm = 2;
    AlarmsSpec::one(alarm)
}

/// The team's rollback events: failure and alarm, not a manual stop.
pub const MY_ROLLBACK: RollbackSpec = RollbackSpec {
    on_failure: true,
    on_alarm: true,
    on_request: false,
    disabled: false,
};

/// Generated deployments of a bad version (30 % errors) under the team's settings.
pub fn my_cases() -> impl Strategy<Value = Case<LambdaSpec>> {
    strategies::cases(strategies::lambda_spec()).prop_map(|case| {
        case.edit(|s| {
            s.routing = RoutingSpec::Predefined("CodeDeployDefault.LambdaCanary10Percent5Minutes");
            s.alarms = Some(my_alarms());
            s.rollback = MY_ROLLBACK;
            s.traffic.replacement = Behaviour {
                error_rate: 0.3,
                latency_median_ms: 40,
            };
        })
    })
}

/// Runs `cases` generated deployments and checks every rule; the first failure, shrunk,
/// with its seed and scenario, is the error.
pub fn check_my_settings(cases: u32) -> Result<(), String> {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&my_cases(), |case| {
            let (scenario, report) = case.simulate();
            check_all(&report, &scenario)?;
            let d = &report.deployments[0];
            if d.status == "Succeeded" {
                return Err(TestCaseError::fail(format!(
                    "seed {}: a version failing 30 % of its requests was fully deployed\n{}",
                    case.seed, case.yaml
                )));
            }
            Ok(())
        })
        .map_err(|e| e.to_string())
}

fn main() {
    match check_my_settings(64) {
        Ok(()) => println!("64 generated deployments: every rollback rule and the team's own rule hold"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
