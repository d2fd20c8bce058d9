//! Validation of alarms, automatic rollback and StopDeployment (§7, §8).

use super::{Located, Validator};
use crate::alarm::{
    Alarm, AlarmConfiguration, AlarmRule, AlarmState, Comparison, History, MetricSource, Percentile, TreatMissingData,
    VersionRef,
};
use crate::config::ComputePlatform;
use crate::scenario::raw::{RawAlarm, RawAlarmConfiguration, RawScenario};
use crate::scenario::{AutoRollback, Monitoring, StopRequest};
use crate::time::{SimDuration, SimTime};

/// The API's limit on alarms per deployment group (§7.1, §11 \[C\]: 10 in the API).
pub const MAX_ALARMS: usize = 10;

impl Validator {
    pub(super) fn monitoring(&mut self, raw: &RawScenario, platform: Option<ComputePlatform>) -> Option<Monitoring> {
        let alarms = match &raw.alarm_configuration {
            None => Some(None),
            Some(a) if a.value.enabled == Some(false) => Some(None),
            Some(a) => self.alarm_configuration(a, platform).map(Some),
        };
        let auto_rollback = match &raw.auto_rollback_configuration {
            None => Some(AutoRollback::default()),
            Some(r) if r.value.enabled == Some(false) => Some(AutoRollback::default()),
            Some(r) => self.auto_rollback(&r.value.events),
        };
        let stop = match &raw.stop_deployment {
            None => Some(None),
            Some(s) => self
                .duration(
                    &s.value.at.value,
                    "stopDeployment.at",
                    s.value.at.line,
                    s.value.at.column,
                )
                .map(|at| {
                    Some(StopRequest {
                        at: SimTime::ZERO + at,
                        auto_rollback_enabled: s.value.auto_rollback_enabled,
                    })
                }),
        };
        Some(Monitoring {
            alarms: alarms?,
            auto_rollback: auto_rollback?,
            stop: stop?,
            rollback_stop: None,
        })
    }

    /// Alarms are evaluated at metric period ends, so the metric period must divide each
    /// alarm's period and its evaluation interval.
    pub(super) fn alarm_periods_fit(&mut self, raw: &RawScenario, metric_period: SimDuration, m: &Monitoring) {
        let Some(config) = &m.alarms else { return };
        let raw_alarms = raw.alarm_configuration.as_ref().map(|a| &a.value.alarms.value);
        for (i, a) in config.alarms.iter().enumerate() {
            if !metric_period.divides(a.period) || !metric_period.divides(a.evaluation_interval()) {
                let (line, column) = raw_alarms.and_then(|v| v.get(i)).map_or((1, 1), |x| (x.line, x.column));
                self.problem_at(
                    line,
                    column,
                    format!(
                        "alarm {}: traffic.metricPeriod ({metric_period}) must divide the alarm period ({}) and its \
                         evaluation interval ({})",
                        a.name,
                        a.period,
                        a.evaluation_interval()
                    ),
                );
            }
        }
    }

    /// §8: enabled with no valid event is invalid.
    fn auto_rollback(&mut self, events: &Located<Vec<Located<String>>>) -> Option<AutoRollback> {
        let mut r = AutoRollback::default();
        if events.value.is_empty() {
            self.problem(
                events,
                "an enabled autoRollbackConfiguration needs at least one event (§8)",
            );
            return None;
        }
        let mut ok = true;
        for e in &events.value {
            match e.value.as_str() {
                "DEPLOYMENT_FAILURE" => r.on_failure = true,
                "DEPLOYMENT_STOP_ON_ALARM" => r.on_alarm = true,
                "DEPLOYMENT_STOP_ON_REQUEST" => r.on_request = true,
                other => {
                    self.problem(
                        e,
                        format!(
                            "rollback events are DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM and \
                             DEPLOYMENT_STOP_ON_REQUEST; found \"{other}\""
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(r)
    }

    fn alarm_configuration(
        &mut self,
        raw: &Located<RawAlarmConfiguration>,
        platform: Option<ComputePlatform>,
    ) -> Option<AlarmConfiguration> {
        let a = &raw.value;
        if a.alarms.value.is_empty() {
            self.problem(
                &a.alarms,
                "an enabled alarmConfiguration needs at least one alarm (§7.1)",
            );
            return None;
        }
        if a.alarms.value.len() > MAX_ALARMS {
            self.problem(
                &a.alarms,
                format!(
                    "at most {MAX_ALARMS} alarms per deployment group (§7.1), found {}",
                    a.alarms.value.len()
                ),
            );
        }
        let mut names: Vec<&str> = a.alarms.value.iter().map(|x| x.value.name.value.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            self.problem(
                &a.alarms,
                format!("alarm names must be unique; \"{}\" appears twice", w[0]),
            );
        }
        let poll = self.duration_in(&a.poll_interval, "pollInterval", 1, 3600, SimDuration::from_secs(60));
        let mut alarms = Vec::new();
        let mut ok = true;
        for x in &a.alarms.value {
            match self.alarm(x, platform) {
                Some(alarm) => alarms.push(alarm),
                None => ok = false,
            }
        }
        let mut unreadable = Vec::new();
        for w in a.unreadable.iter().flatten() {
            let from = self.duration(&w.value.from, "unreadable.from", w.line, w.column);
            let to = self.duration(&w.value.to, "unreadable.to", w.line, w.column);
            match (from, to) {
                (Some(f), Some(t)) if f < t => unreadable.push((SimTime::ZERO + f, SimTime::ZERO + t)),
                (Some(_), Some(_)) => {
                    self.problem(w, "an unreadable window must end after it starts");
                    ok = false;
                }
                _ => ok = false,
            }
        }
        (ok && a.alarms.value.len() <= MAX_ALARMS).then_some(())?;
        Some(AlarmConfiguration {
            alarms,
            ignore_poll_alarm_failure: a.ignore_poll_alarm_failure.unwrap_or(false),
            poll_interval: poll?,
            unreadable,
        })
    }

    fn alarm(&mut self, raw: &Located<RawAlarm>, platform: Option<ComputePlatform>) -> Option<Alarm> {
        let a = &raw.value;
        if a.name.value.trim().is_empty() || a.name.value.len() > 255 {
            self.problem(&a.name, "an alarm name has 1 to 255 characters");
        }
        let metric = self.alarm_metric(a, platform);
        let period = self.alarm_period(a);
        let n = match &a.evaluation_periods {
            None => Some(1),
            Some(v) => self.int_in(v, "evaluationPeriods", 1, 100),
        };
        let m = match (&a.datapoints_to_alarm, n) {
            (None, n) => n,
            (Some(v), Some(n)) => self.int_in(v, "datapointsToAlarm", 1, i64::from(n)),
            (Some(_), None) => None,
        };
        if let (Some(p), Some(n)) = (period, n)
            && p.as_millis() * u64::from(n) > 86_400_000
        {
            self.problem(raw, "period × evaluationPeriods may not exceed one day (§7.2)");
            return None;
        }
        let comparison = match &a.comparison_operator {
            None => Some(Comparison::GreaterThanThreshold),
            Some(c) => Comparison::parse(&c.value).or_else(|| {
                self.problem(
                    c,
                    format!(
                        "comparisonOperator must be GreaterThanOrEqualToThreshold, GreaterThanThreshold, \
                         LessThanThreshold or LessThanOrEqualToThreshold; found \"{}\"",
                        c.value
                    ),
                );
                None
            }),
        };
        let treat = match &a.treat_missing_data {
            None => Some(TreatMissingData::Missing),
            Some(t) => TreatMissingData::parse(&t.value).or_else(|| {
                self.problem(
                    t,
                    format!(
                        "treatMissingData must be missing, ignore, breaching or notBreaching; found \"{}\"",
                        t.value
                    ),
                );
                None
            }),
        };
        let initial = match a.initial_state.as_ref().map(|v| (v, v.value.as_str())) {
            None | Some((_, "OK")) => Some(AlarmState::Ok),
            Some((_, "ALARM")) => Some(AlarmState::Alarm),
            Some((_, "INSUFFICIENT_DATA")) => Some(AlarmState::InsufficientData),
            Some((v, other)) => {
                self.problem(
                    v,
                    format!("initialState must be OK, ALARM or INSUFFICIENT_DATA; found \"{other}\""),
                );
                None
            }
        };
        if !a.threshold.value.is_finite() {
            self.problem(&a.threshold, "threshold must be a number");
            return None;
        }
        let history = self.alarm_history(a, n?);
        Some(Alarm {
            name: a.name.value.clone(),
            metric: metric?,
            period: period?,
            rule: AlarmRule {
                evaluation_periods: n?,
                datapoints_to_alarm: m?,
                threshold: a.threshold.value,
                comparison: comparison?,
                treat_missing_data: treat?,
            },
            initial_state: initial?,
            history: history?,
        })
    }

    /// `history` (recorded datapoints) or `baselinePeriods` (default: the evaluation
    /// range, N + 2, so that the first evaluations see a full range \[I\]).
    fn alarm_history(&mut self, a: &RawAlarm, n: u32) -> Option<History> {
        match (&a.history, &a.baseline_periods) {
            (Some(_), Some(b)) => {
                self.problem(b, "give history (recorded datapoints) or baselinePeriods, not both");
                None
            }
            (Some(h), None) => {
                if h.value.iter().flatten().any(|v| !v.is_finite()) {
                    self.problem(h, "history datapoints must be numbers or null");
                    return None;
                }
                Some(History::Recorded(h.value.clone()))
            }
            (None, Some(b)) => self.int_in(b, "baselinePeriods", 0, 1440).map(History::Baseline),
            (None, None) => Some(History::Baseline(n + 2)),
        }
    }

    /// §7.2: 10, 20, 30 s or a multiple of 60 s.
    fn alarm_period(&mut self, a: &RawAlarm) -> Option<SimDuration> {
        let Some(p) = &a.period else {
            return Some(SimDuration::from_secs(60));
        };
        let d = self.duration(&p.value, "period", p.line, p.column)?;
        let ms = d.as_millis();
        if [10_000, 20_000, 30_000].contains(&ms) || (ms > 0 && ms % 60_000 == 0) {
            Some(d)
        } else {
            self.problem(
                p,
                format!("an alarm period is 10s, 20s, 30s or a multiple of 60s (§7.2), found {d}"),
            );
            None
        }
    }

    fn alarm_metric(&mut self, a: &RawAlarm, platform: Option<ComputePlatform>) -> Option<MetricSource> {
        let version = match a.version.as_ref().map(|v| (v, v.value.as_str())) {
            None | Some((_, "all")) => Some(VersionRef::All),
            Some((_, "original")) => Some(VersionRef::Original),
            Some((_, "replacement")) => Some(VersionRef::Replacement),
            Some((v, other)) => {
                self.problem(
                    v,
                    format!("version must be original, replacement or all; found \"{other}\""),
                );
                None
            }
        };
        let traffic = |v: &mut Self, m: MetricSource| {
            if platform == Some(ComputePlatform::Server) {
                v.problem(
                    &a.metric,
                    format!(
                        "{} needs request traffic, which Server scenarios do not model; use healthyCount or injected",
                        a.metric.value
                    ),
                );
                None
            } else {
                Some(m)
            }
        };
        match a.metric.value.as_str() {
            "errorRate" => traffic(self, MetricSource::ErrorRate(version?)),
            "errorCount" => traffic(self, MetricSource::ErrorCount(version?)),
            "latencyP50" => traffic(self, MetricSource::Latency(version?, Percentile::P50)),
            "latencyP90" => traffic(self, MetricSource::Latency(version?, Percentile::P90)),
            "latencyP99" => traffic(self, MetricSource::Latency(version?, Percentile::P99)),
            "healthyCount" => Some(MetricSource::HealthyCount),
            "injected" => {
                let Some(values) = &a.values else {
                    self.problem(
                        &a.metric,
                        "an injected metric needs values: [{from: 0s, value: 1.0}, …]",
                    );
                    return None;
                };
                let mut out = Vec::new();
                for v in values {
                    let from = self.duration(&v.value.from, "values.from", v.line, v.column)?;
                    if out.last().is_some_and(|&(t, _)| t >= SimTime::ZERO + from) {
                        self.problem(v, "injected values must be in increasing time order");
                        return None;
                    }
                    out.push((SimTime::ZERO + from, v.value.value));
                }
                Some(MetricSource::Injected(out))
            }
            other => {
                self.problem(
                    &a.metric,
                    format!(
                        "metric must be errorRate, errorCount, latencyP50, latencyP90, latencyP99, healthyCount or \
                         injected; found \"{other}\""
                    ),
                );
                None
            }
        }
    }
}
