//! The fleet (instances, zones, health classes) and the load balancer with its health checks
//! (§10).
//!
//! Not here: the closed-form health-check timing (`load_balancer`).

use super::{MAX_INSTANCES, Validator};
use crate::id::TargetId;
use crate::load_balancer::{HealthCheck, LoadBalancer};
use crate::scenario::raw::{self, Located, RawHealthCheck};
use crate::scenario::{FirstDeploymentHealth, Fleet, HealthClass};

impl Validator {
    pub(super) fn fleet(&mut self, raw: &raw::RawFleet) -> Option<Fleet> {
        let n = self.int_in(&raw.instances, "fleet.instances", 1, MAX_INSTANCES)?;
        let zones = raw
            .availability_zones
            .as_ref()
            .map_or_else(Vec::new, |z| z.value.clone());
        if let Some(z) = &raw.availability_zones {
            let mut sorted = z.value.clone();
            sorted.sort();
            if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                self.problem(z, format!("availabilityZones lists \"{}\" twice", w[0]));
            }
            if z.value.iter().any(|s| s.trim().is_empty()) {
                self.problem(z, "availabilityZones has an empty name");
            }
        }
        let mut initial_health = Vec::new();
        if let Some(h) = &raw.instance_health {
            let lists = [
                (&h.unhealthy, HealthClass::Unhealthy, "unhealthy"),
                (&h.unknown, HealthClass::Unknown, "unknown"),
                (&h.current, HealthClass::Current, "current"),
            ];
            for (list, class, field) in lists {
                for t in list.iter().flatten() {
                    if let Some(i) = self.int_in(t, &format!("instanceHealth.{field} instance"), 0, i64::from(n) - 1) {
                        if initial_health.iter().any(|&(x, _)| x == TargetId(i)) {
                            self.problem(
                                t,
                                format!("instance {i} is listed in more than one instanceHealth class"),
                            );
                        }
                        initial_health.push((TargetId(i), class));
                    }
                }
            }
        }
        initial_health.sort();
        if raw.first_deployment == Some(true)
            && let Some(h) = &raw.instance_health
            && let Some(t) = h.unknown.iter().chain(h.current.iter()).flatten().next()
        {
            self.problem(
                t,
                "on a first deployment every instance is Unhealthy (nothing was ever deployed): instanceHealth may \
                 list only unhealthy instances",
            );
            return None;
        }
        let first_deployment = raw.first_deployment.unwrap_or(false);
        Some(Fleet {
            instances: n,
            zones,
            first_deployment,
            first_deployment_health: self
                .first_deployment_health(raw.first_deployment_health.as_ref(), first_deployment)?,
            initial_health,
        })
    }

    /// `fleet.firstDeploymentHealth`, which only a first deployment may set.
    fn first_deployment_health(
        &mut self,
        raw: Option<&Located<String>>,
        first_deployment: bool,
    ) -> Option<FirstDeploymentHealth> {
        if let Some(v) = raw.filter(|_| !first_deployment) {
            self.problem(v, "firstDeploymentHealth applies only with firstDeployment: true");
            return None;
        }
        let choices = [
            ("countedHealthy", FirstDeploymentHealth::CountedHealthy),
            ("unhealthy", FirstDeploymentHealth::Unhealthy),
        ];
        self.either(raw, "firstDeploymentHealth", choices)
    }

    pub(super) fn load_balancer(&mut self, raw: &raw::RawLoadBalancer) -> Option<LoadBalancer> {
        let default = LoadBalancer::default();
        let delay = self.duration_in(
            &raw.deregistration_delay,
            "deregistrationDelay",
            0,
            3600,
            default.deregistration_delay,
        );
        let hc = match &raw.health_check {
            Some(h) => self.health_check(h),
            None => Some(HealthCheck::default()),
        };
        Some(LoadBalancer {
            deregistration_delay: delay?,
            health_check: hc?,
        })
    }

    /// ALB ranges (§10).
    pub(super) fn health_check(&mut self, raw: &RawHealthCheck) -> Option<HealthCheck> {
        let d = HealthCheck::default();
        let interval = self.duration_in(&raw.interval, "healthCheck.interval", 5, 300, d.interval);
        let timeout = self.duration_in(&raw.timeout, "healthCheck.timeout", 2, 120, d.timeout);
        let mut count = |v: &Option<Located<i64>>, field: &str, lo: i64, default: u32| match v {
            None => Some(default),
            Some(v) => self.int_in(v, field, lo, 10),
        };
        let healthy = count(
            &raw.healthy_threshold,
            "healthCheck.healthyThreshold",
            2,
            d.healthy_threshold,
        );
        let unhealthy = count(
            &raw.unhealthy_threshold,
            "healthCheck.unhealthyThreshold",
            2,
            d.unhealthy_threshold,
        );
        let passes = count(
            &raw.new_target_passes,
            "healthCheck.newTargetPasses",
            1,
            d.new_target_passes,
        );
        let response = self.duration_in(&raw.response_time, "healthCheck.responseTime", 0, 3600, d.response_time);
        let phase = self.duration_in(&raw.phase, "healthCheck.phase", 0, 300, d.phase);
        let (interval, timeout) = (interval?, timeout?);
        if timeout >= interval
            && let Some(t) = &raw.timeout
        {
            self.problem(
                t,
                format!("healthCheck.timeout ({timeout}) must be less than the interval ({interval})"),
            );
            return None;
        }
        if let (Some(p), Some(ph)) = (&raw.phase, phase)
            && ph >= interval
        {
            self.problem(
                p,
                format!("healthCheck.phase ({ph}) must be less than the interval ({interval})"),
            );
            return None;
        }
        Some(HealthCheck {
            interval,
            timeout,
            healthy_threshold: healthy?,
            unhealthy_threshold: unhealthy?,
            new_target_passes: passes?,
            response_time: response?,
            phase: phase?,
        })
    }
}
