//! A template's `AWS::CloudWatch::Alarm` as a scenario alarm: which of cdsim's metrics a
//! CloudWatch metric is, so that an alarm a deployment group names gets its metric and
//! threshold when the template is imported.
//!
//! Mapped (the statistic must fit): `AWS/ApplicationELB` `HTTPCode_Target_5XX_Count` and
//! `HTTPCode_ELB_5XX_Count` (`Sum`) and `AWS/Lambda` `Errors` (`Sum`) → `errorCount`;
//! `TargetResponseTime` (seconds, `p50`, `p90`, `p99`) and Lambda's `Duration`
//! (milliseconds) → `latencyP50`… with the threshold in milliseconds; `HealthyHostCount`
//! (`Minimum`, `Average`) → `healthyCount`. Server scenarios model no requests, so only
//! `healthyCount` maps there. Anything else stays a comment in the scenario, with its
//! metric and threshold, to be simulated from recorded data (`cdsim alarms dry-run`).
//!
//! Not here: writing the YAML (`input::emit`).

use crate::alarm::replay::{MetricAlarm, Statistic};
use crate::config::ComputePlatform;

/// The scenario metric an alarm watches and the factor from the alarm's threshold to the
/// scenario's unit, if cdsim models it on `platform`.
pub fn scenario_metric(a: &MetricAlarm, platform: ComputePlatform) -> Option<(&'static str, f64)> {
    let stat = a.statistic.name();
    let latency = |scale: f64| {
        Some(match stat {
            "p50" => ("latencyP50", scale),
            "p90" => ("latencyP90", scale),
            "p99" => ("latencyP99", scale),
            _ => return None,
        })
    };
    let mapped = match (a.namespace.as_str(), a.metric_name.as_str()) {
        ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count" | "HTTPCode_ELB_5XX_Count") | ("AWS/Lambda", "Errors")
            if a.statistic == Statistic::Sum =>
        {
            Some(("errorCount", 1.0))
        }
        ("AWS/ApplicationELB", "TargetResponseTime") => latency(1000.0),
        ("AWS/Lambda", "Duration") => latency(1.0),
        ("AWS/ApplicationELB" | "AWS/NetworkELB", "HealthyHostCount")
            if matches!(a.statistic, Statistic::Minimum | Statistic::Average) =>
        {
            Some(("healthyCount", 1.0))
        }
        _ => None,
    }?;
    (platform != ComputePlatform::Server || mapped.0 == "healthyCount").then_some(mapped)
}

/// `60s`, for a period in milliseconds.
pub fn period_text(ms: i64) -> String {
    format!("{}s", ms / 1000)
}
