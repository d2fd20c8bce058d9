//! `autoRollbackConfiguration`, `stopDeployment` and alarms (with their injected metric
//! series), shared by every platform: spec types, their YAML and their strategies.

use std::fmt::Write as _;

use proptest::prelude::*;

use super::Platform;

/// `autoRollbackConfiguration`: which endings roll back. All false: the section is left out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RollbackSpec {
    /// `DEPLOYMENT_FAILURE`.
    pub on_failure: bool,
    /// `DEPLOYMENT_STOP_ON_ALARM`.
    pub on_alarm: bool,
    /// `DEPLOYMENT_STOP_ON_REQUEST`.
    pub on_request: bool,
    /// Write `enabled: false` (with the events): no event rolls back.
    pub disabled: bool,
}

impl RollbackSpec {
    /// Every event rolls back.
    pub const ALL: RollbackSpec = RollbackSpec {
        on_failure: true,
        on_alarm: true,
        on_request: true,
        disabled: false,
    };

    pub(super) fn yaml(&self, y: &mut String) {
        let events: Vec<&str> = [
            (self.on_failure, "DEPLOYMENT_FAILURE"),
            (self.on_alarm, "DEPLOYMENT_STOP_ON_ALARM"),
            (self.on_request, "DEPLOYMENT_STOP_ON_REQUEST"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if events.is_empty() {
            return;
        }
        let enabled = if self.disabled { "enabled: false, " } else { "" };
        let _ = writeln!(
            y,
            "autoRollbackConfiguration: {{{enabled}events: [{}]}}",
            events.join(", ")
        );
    }
}

/// `stopDeployment`: a StopDeployment request at `at_s` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopSpec {
    /// Seconds after the deployment's creation.
    pub at_s: u32,
    /// `None`: `DEPLOYMENT_STOP_ON_REQUEST` decides.
    pub auto_rollback_enabled: Option<bool>,
}

impl StopSpec {
    pub(super) fn yaml(&self, y: &mut String) {
        let _ = write!(y, "stopDeployment: {{at: {}s", self.at_s);
        if let Some(b) = self.auto_rollback_enabled {
            let _ = write!(y, ", autoRollbackEnabled: {b}");
        }
        y.push_str("}\n");
    }
}

/// Which version a traffic metric watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// The original version.
    Original,
    /// The replacement version.
    Replacement,
    /// Both.
    All,
}

impl Version {
    fn as_str(self) -> &'static str {
        match self {
            Version::Original => "original",
            Version::Replacement => "replacement",
            Version::All => "all",
        }
    }
}

/// What an alarm watches.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricSpec {
    /// ECS and Lambda.
    ErrorRate(Version),
    /// ECS and Lambda.
    ErrorCount(Version),
    /// ECS and Lambda, milliseconds.
    LatencyP99(Version),
    /// Server (in-service instances) and ECS (healthy tasks).
    HealthyCount,
    /// A metric series given as data: `(from_s, value)`, in increasing `from_s`; `None` is
    /// missing data from then on.
    Injected(Vec<(u32, Option<f64>)>),
}

/// One CloudWatch alarm.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmSpec {
    /// `name`.
    pub name: String,
    /// What it watches.
    pub metric: MetricSpec,
    /// 60 or 120 (a multiple of the 60 s metric period on every platform).
    pub period_s: u32,
    /// N, `evaluationPeriods`.
    pub evaluation_periods: u32,
    /// M, `datapointsToAlarm`.
    pub datapoints_to_alarm: u32,
    /// `threshold`.
    pub threshold: f64,
    /// `GreaterThanThreshold`, `LessThanThreshold`, …
    pub comparison: &'static str,
    /// `missing`, `ignore`, `breaching`, `notBreaching`.
    pub treat_missing_data: &'static str,
    /// `initialState: ALARM`: already firing when the deployment starts.
    pub initially_in_alarm: bool,
}

impl AlarmSpec {
    /// A one-minute, 1-of-1 `GreaterThanThreshold` alarm, missing data `notBreaching`.
    pub fn new(name: &str, metric: MetricSpec, threshold: f64) -> AlarmSpec {
        AlarmSpec {
            name: name.to_string(),
            metric,
            period_s: 60,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
            threshold,
            comparison: "GreaterThanThreshold",
            treat_missing_data: "notBreaching",
            initially_in_alarm: false,
        }
    }

    pub(super) fn yaml(&self, y: &mut String) {
        let metric = match &self.metric {
            MetricSpec::ErrorRate(v) => format!("errorRate, version: {}", v.as_str()),
            MetricSpec::ErrorCount(v) => format!("errorCount, version: {}", v.as_str()),
            MetricSpec::LatencyP99(v) => format!("latencyP99, version: {}", v.as_str()),
            MetricSpec::HealthyCount => "healthyCount".to_string(),
            MetricSpec::Injected(values) => {
                let points: Vec<String> = values
                    .iter()
                    .map(|(from, v)| match v {
                        Some(v) => format!("{{from: {from}s, value: {v}}}"),
                        None => format!("{{from: {from}s}}"),
                    })
                    .collect();
                format!("injected, values: [{}]", points.join(", "))
            }
        };
        let _ = write!(
            y,
            "    - {{name: {}, metric: {metric}, period: {}s, evaluationPeriods: {}, datapointsToAlarm: {}, \
             threshold: {}, comparisonOperator: {}, treatMissingData: {}",
            self.name,
            self.period_s,
            self.evaluation_periods,
            self.datapoints_to_alarm,
            self.threshold,
            self.comparison,
            self.treat_missing_data
        );
        if self.initially_in_alarm {
            y.push_str(", initialState: ALARM");
        }
        y.push_str("}\n");
    }
}

/// `alarmConfiguration`.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmsSpec {
    /// The alarms.
    pub alarms: Vec<AlarmSpec>,
    /// `None`: the default 60 s.
    pub poll_interval_s: Option<u32>,
    /// `ignorePollAlarmFailure`.
    pub ignore_poll_alarm_failure: bool,
    /// Windows `[from_s, to_s)` when alarm states cannot be read.
    pub unreadable: Vec<(u32, u32)>,
}

impl AlarmsSpec {
    /// One alarm, default polling.
    pub fn one(alarm: AlarmSpec) -> AlarmsSpec {
        AlarmsSpec {
            alarms: vec![alarm],
            poll_interval_s: None,
            ignore_poll_alarm_failure: false,
            unreadable: Vec::new(),
        }
    }

    pub(super) fn yaml(&self, y: &mut String) {
        y.push_str("alarmConfiguration:\n");
        if let Some(p) = self.poll_interval_s {
            let _ = writeln!(y, "  pollInterval: {p}s");
        }
        if self.ignore_poll_alarm_failure {
            y.push_str("  ignorePollAlarmFailure: true\n");
        }
        if !self.unreadable.is_empty() {
            let w: Vec<String> = self
                .unreadable
                .iter()
                .map(|(a, b)| format!("{{from: {a}s, to: {b}s}}"))
                .collect();
            let _ = writeln!(y, "  unreadable: [{}]", w.join(", "));
        }
        y.push_str("  alarms:\n");
        for a in &self.alarms {
            a.yaml(y);
        }
    }
}

/// The monitoring sections every platform shares.
pub(super) fn monitoring_yaml(
    y: &mut String,
    alarms: &Option<AlarmsSpec>,
    rollback: &RollbackSpec,
    stop: &Option<StopSpec>,
) {
    if let Some(a) = alarms {
        a.yaml(y);
    }
    rollback.yaml(y);
    if let Some(s) = stop {
        s.yaml(y);
    }
}

/// `autoRollbackConfiguration`: each event on or off, now and then `enabled: false`.
pub fn auto_rollback() -> impl Strategy<Value = RollbackSpec> {
    (any::<bool>(), any::<bool>(), any::<bool>(), prop::bool::weighted(0.1)).prop_map(
        |(on_failure, on_alarm, on_request, disabled)| RollbackSpec {
            on_failure,
            on_alarm,
            on_request,
            disabled,
        },
    )
}

/// `stopDeployment` within the first `max_s` seconds (half the time within the first tenth),
/// or none (about half the time).
pub fn stop_deployment(max_s: u32) -> impl Strategy<Value = Option<StopSpec>> {
    let at = prop_oneof![0..=max_s / 10, 0..=max_s];
    prop::option::of(
        (at, prop::option::of(any::<bool>())).prop_map(|(at_s, auto_rollback_enabled)| StopSpec {
            at_s,
            auto_rollback_enabled,
        }),
    )
}

/// A metric series for `metric: injected`: 1 to 5 steps at increasing minute-aligned or
/// odd times within `max_s`, values 0–10, some missing.
pub fn metric_series(max_s: u32) -> impl Strategy<Value = Vec<(u32, Option<f64>)>> {
    prop::collection::vec(
        (
            1..=max_s.max(2) / 2,
            prop::option::weighted(0.8, (0u32..=10).prop_map(f64::from)),
        ),
        1..=5,
    )
    .prop_map(|steps| {
        let mut t = 0;
        steps
            .into_iter()
            .enumerate()
            .map(|(i, (gap, v))| {
                if i > 0 {
                    t += gap;
                }
                (t, v)
            })
            .collect()
    })
}

const COMPARISONS: [&str; 4] = [
    "GreaterThanThreshold",
    "GreaterThanOrEqualToThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
];
const TREAT_MISSING: [&str; 4] = ["missing", "ignore", "breaching", "notBreaching"];

fn arb_version() -> impl Strategy<Value = Version> {
    prop_oneof![
        1 => Just(Version::Original),
        2 => Just(Version::Replacement),
        1 => Just(Version::All)
    ]
}

/// A metric an alarm on `platform` may watch, with a threshold and comparison that make
/// it fire sometimes. `size`: instances or tasks (for `healthyCount`).
fn arb_metric(platform: Platform, size: u32) -> BoxedStrategy<(MetricSpec, f64, &'static str)> {
    let injected = (
        metric_series(3600),
        (0u32..=10).prop_map(f64::from),
        prop::sample::select(&COMPARISONS[..]),
    )
        .prop_map(|(s, t, c)| (MetricSpec::Injected(s), t, c));
    let healthy = (0..=size + 1).prop_map(|t| (MetricSpec::HealthyCount, f64::from(t), "LessThanThreshold"));
    match platform {
        Platform::Server => prop_oneof![injected, healthy].boxed(),
        Platform::Ecs | Platform::Lambda => {
            let traffic = prop_oneof![
                (arb_version(), prop::sample::select(&[0.005, 0.02, 0.1][..])).prop_map(|(v, t)| (
                    MetricSpec::ErrorRate(v),
                    t,
                    "GreaterThanThreshold"
                )),
                (arb_version(), prop::sample::select(&[5.0, 50.0, 500.0][..])).prop_map(|(v, t)| (
                    MetricSpec::ErrorCount(v),
                    t,
                    "GreaterThanThreshold"
                )),
                (arb_version(), prop::sample::select(&[100.0, 250.0, 1000.0][..])).prop_map(|(v, t)| (
                    MetricSpec::LatencyP99(v),
                    t,
                    "GreaterThanThreshold"
                )),
            ];
            if platform == Platform::Ecs {
                prop_oneof![3 => traffic, 1 => injected, 1 => healthy].boxed()
            } else {
                prop_oneof![3 => traffic, 1 => injected].boxed()
            }
        }
    }
}

/// One alarm for `platform` (`size`: instances or tasks).
pub fn alarm(platform: Platform, size: u32) -> impl Strategy<Value = AlarmSpec> {
    (
        arb_metric(platform, size),
        prop::sample::select(&[60u32, 60, 120][..]),
        (1u32..=3).prop_flat_map(|n| (Just(n), 1..=n)),
        prop::sample::select(&TREAT_MISSING[..]),
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |((metric, threshold, comparison), period_s, (n, m), treat, initial)| AlarmSpec {
                name: String::new(),
                metric,
                period_s,
                evaluation_periods: n,
                datapoints_to_alarm: m,
                threshold,
                comparison,
                treat_missing_data: treat,
                initially_in_alarm: initial,
            },
        )
}

/// `alarmConfiguration` for `platform`, or none (a third of the time): 1–3 alarms, now and
/// then a poll interval other than 60 s and unreadable windows.
pub fn alarms(platform: Platform, size: u32) -> impl Strategy<Value = Option<AlarmsSpec>> {
    prop::option::weighted(
        0.67,
        (
            prop::collection::vec(alarm(platform, size), 1..=3),
            prop::option::weighted(0.2, prop::sample::select(&[30u32, 90, 120][..])),
            prop::bool::weighted(0.3),
            prop::option::weighted(0.15, (0u32..=1200, 1u32..=300)),
        )
            .prop_map(|(mut alarms, poll, ignore, window)| {
                for (i, a) in alarms.iter_mut().enumerate() {
                    a.name = format!("alarm-{i}");
                }
                AlarmsSpec {
                    alarms,
                    poll_interval_s: poll,
                    ignore_poll_alarm_failure: ignore,
                    unreadable: window.map(|(a, d)| (a, a + d)).into_iter().collect(),
                }
            }),
    )
}
