//! Load balancer interplay for in-place deployments (§10).
//!
//! BlockTraffic deregisters the instance and waits the target group's deregistration delay
//! (connection draining). AllowTraffic registers it and waits until health checks declare it
//! healthy; a target that is not healthy within one hour fails the event.
//!
//! Health checks are computed, not simulated probe by probe: the target group probes on a
//! fixed grid (rounds at `phase + k·interval`), a target registered at `r` is first probed in
//! the first round strictly after `r`, each probe's answer arrives `response_time` later, and
//! a new target is healthy after `new_target_passes` consecutive passes (ALB: one, §10). So
//! AllowTraffic costs one event per instance whatever the interval, instead of one per probe.
//!
//! Not here: traffic and request routing (ECS/Lambda), or capacity bookkeeping (the
//! deployment records it).

use crate::time::{SimDuration, SimTime};

/// How long CodeDeploy waits for a registered instance to become healthy (§10).
pub const ALLOW_TRAFFIC_LIMIT: SimDuration = SimDuration::from_secs(3600);

/// The load balancer in front of the fleet: its target group's deregistration delay and
/// health checks (§10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadBalancer {
    /// Target group deregistration delay (ALB default 300 s, range 0–3600 s).
    pub deregistration_delay: SimDuration,
    /// The target group's health checks.
    pub health_check: HealthCheck,
}

/// A target group's health-check settings, with ALB's defaults and ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HealthCheck {
    /// `HealthCheckIntervalSeconds` (default 30, 5–300).
    pub interval: SimDuration,
    /// `HealthCheckTimeoutSeconds` (default 5, 2–120): a probe answered later fails.
    pub timeout: SimDuration,
    /// `HealthyThresholdCount` (default 5, 2–10): consecutive passes for an unhealthy
    /// target to become healthy again.
    pub healthy_threshold: u32,
    /// `UnhealthyThresholdCount` (default 2, 2–10).
    pub unhealthy_threshold: u32,
    /// Passes a newly registered target needs (ALB: 1).
    pub new_target_passes: u32,
    /// How long a healthy target takes to answer a probe.
    pub response_time: SimDuration,
    /// Offset of the probe grid from time zero.
    pub phase: SimDuration,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            interval: SimDuration::from_secs(30),
            timeout: SimDuration::from_secs(5),
            healthy_threshold: 5,
            unhealthy_threshold: 2,
            new_target_passes: 1,
            response_time: SimDuration::from_millis(5),
            phase: SimDuration::ZERO,
        }
    }
}

impl Default for LoadBalancer {
    fn default() -> Self {
        LoadBalancer {
            deregistration_delay: SimDuration::from_secs(300),
            health_check: HealthCheck::default(),
        }
    }
}

impl HealthCheck {
    /// When a target registered at `registered` is declared healthy, if it answers probes
    /// in time; `None` if it never would (it answers too slowly or not at all).
    pub fn healthy_at(&self, registered: SimTime, answers: bool) -> Option<SimTime> {
        if !answers || self.response_time > self.timeout {
            return None;
        }
        let interval = self.interval.as_millis();
        assert!(interval > 0, "validated: interval > 0");
        let phase = self.phase.as_millis();
        let r = registered.as_millis();
        // First round strictly after r.
        let first_round = if r < phase {
            phase
        } else {
            phase + ((r - phase) / interval + 1) * interval
        };
        let last_needed = first_round + u64::from(self.new_target_passes - 1) * interval;
        Some(SimTime::from_millis(last_needed) + self.response_time)
    }

    /// How long AllowTraffic lasts for a target registered at `registered`, and whether it
    /// succeeds (§10: it fails after one hour without a healthy verdict).
    pub fn allow_traffic(&self, registered: SimTime, answers: bool) -> (SimDuration, bool) {
        match self.healthy_at(registered, answers) {
            Some(t) if t.since(registered) <= ALLOW_TRAFFIC_LIMIT => (t.since(registered), true),
            _ => (ALLOW_TRAFFIC_LIMIT, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_probe_is_strictly_after_registration() {
        let hc = HealthCheck {
            interval: SimDuration::from_secs(10),
            new_target_passes: 2,
            ..HealthCheck::default()
        };
        // Registered exactly on a round: that round does not count.
        let t = hc.healthy_at(SimTime::from_millis(10_000), true).unwrap();
        assert_eq!(t.as_millis(), 30_005);
        let t = hc.healthy_at(SimTime::from_millis(10_001), true).unwrap();
        assert_eq!(t.as_millis(), 30_005);
    }
}
