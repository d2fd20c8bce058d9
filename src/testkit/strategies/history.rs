//! Histories on an in-place group: spec types, their YAML and their strategy.

use std::fmt::Write as _;

use proptest::prelude::*;

/// One deployment request of a generated history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSpec {
    /// The revision, `v1` to `v3`.
    pub revision: u8,
    /// Seconds after the previous request (after 0 s for the first).
    pub gap_s: u32,
    /// Instances whose BeforeInstall fails under this request.
    pub fails: Vec<u32>,
    /// A StopDeployment this many seconds after the request, with or without a rollback.
    pub stop: Option<(u32, bool)>,
}

/// A history of deployment requests on one in-place group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistorySpec {
    /// N, the number of instances.
    pub instances: u32,
    /// A predefined configuration's name.
    pub config: &'static str,
    /// No revision was ever deployed to the group before the history.
    pub first_deployment: bool,
    /// `autoRollbackConfiguration` with `DEPLOYMENT_FAILURE` and `DEPLOYMENT_STOP_ON_REQUEST`.
    pub auto_rollback: bool,
    /// With a load balancer (the traffic events run the previous revision's scripts too).
    pub load_balancer: bool,
    /// The group's alarm, if any: fewer than this many instances in service during a
    /// minute (`healthyCount`, 1 of 1); automatic rollback then covers
    /// `DEPLOYMENT_STOP_ON_ALARM` too.
    pub alarm_below: Option<u32>,
    /// The requests, in time order.
    pub requests: Vec<RequestSpec>,
}

impl HistorySpec {
    /// The scenario YAML.
    pub fn yaml(&self) -> String {
        let mut y = String::new();
        let _ = writeln!(y, "name: history\ndeploymentConfigName: {}", self.config);
        let _ = writeln!(
            y,
            "fleet: {{instances: {}, firstDeployment: {}}}",
            self.instances, self.first_deployment
        );
        if self.load_balancer {
            y.push_str("loadBalancer: {deregistrationDelay: 5s, healthCheck: {interval: 10s, timeout: 5s}}\n");
        }
        y.push_str(
            "hooks:\n  ApplicationStop: [{location: stop.sh, duration: 3s}]\n  BeforeInstall: [{location: \
             install.sh, duration: {lognormal: {median: 20s, sigma: 0.5}}}]\n",
        );
        if self.auto_rollback {
            y.push_str("autoRollbackConfiguration: {events: [DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_REQUEST");
            y.push_str(if self.alarm_below.is_some() {
                ", DEPLOYMENT_STOP_ON_ALARM]}\n"
            } else {
                "]}\n"
            });
        }
        if let Some(below) = self.alarm_below {
            let _ = writeln!(
                y,
                "alarmConfiguration:\n  alarms:\n    - {{name: healthy, metric: healthyCount, period: 60s, \
                 threshold: {below}, comparisonOperator: LessThanThreshold}}"
            );
        }
        y.push_str("history:\n");
        let mut at = 0;
        for r in &self.requests {
            at += r.gap_s;
            let _ = writeln!(y, "  - revision: v{}\n    at: {at}s", r.revision);
            if !r.fails.is_empty() {
                y.push_str("    faults:\n");
                for t in &r.fails {
                    let _ = writeln!(y, "      - hookFails: {{target: {t}, event: BeforeInstall}}");
                }
            }
            if let Some((after, rollback)) = r.stop {
                let _ = writeln!(
                    y,
                    "    stopDeployment: {{at: {after}s, autoRollbackEnabled: {rollback}}}"
                );
            }
        }
        y
    }
}

fn request(instances: u32) -> impl Strategy<Value = RequestSpec> {
    (
        1u8..=3,
        prop_oneof![Just(0u32), 0u32..120, 0u32..900],
        proptest::collection::vec(0..instances, 0..=instances as usize),
        proptest::option::weighted(0.25, (0u32..200, any::<bool>())),
    )
        .prop_map(|(revision, gap_s, mut fails, stop)| {
            fails.sort_unstable();
            fails.dedup();
            RequestSpec {
                revision,
                gap_s,
                fails,
                stop,
            }
        })
}

/// Histories of one to five requests on two to six instances, some made while a deployment
/// is active, some failing or stopped, half of them watched by an alarm on the instances in
/// service.
pub fn history_spec() -> impl Strategy<Value = HistorySpec> {
    (2u32..=6).prop_flat_map(|instances| {
        (
            prop_oneof![
                Just("CodeDeployDefault.AllAtOnce"),
                Just("CodeDeployDefault.HalfAtATime"),
                Just("CodeDeployDefault.OneAtATime"),
            ],
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(1..=instances),
            proptest::collection::vec(request(instances), 1..=5),
        )
            .prop_map(
                move |(config, first_deployment, auto_rollback, load_balancer, alarm_below, requests)| HistorySpec {
                    instances,
                    config,
                    first_deployment,
                    auto_rollback,
                    load_balancer,
                    alarm_below,
                    requests,
                },
            )
    })
}
