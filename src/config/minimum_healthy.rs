//! Minimum healthy hosts (§2.1, §2.2, §3): resolution of the minimum at deployment start
//! and the pure planning rules derived from it.
//!
//! With N instances and a resolved minimum M (§3.2):
//! - a percentage is converted at start, rounding up: M = ceil(N·p/100);
//! - OneAtATime (`MOST_CONCURRENCY`) keeps all but one healthy: M = N − 1;
//! - an instance may start while the healthy count after taking it offline stays ≥ M, so
//!   at most N − M are in flight when every instance starts healthy;
//! - the deployment succeeds iff at least max(M, 1) instances succeed;
//! - it cannot start when M ≥ N (`HEALTH_CONSTRAINTS_INVALID`).
//!
//! Not here: the event-driven use of these rules (`platform::server`).

/// CodeDeploy's `minimumHealthyHosts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinimumHealthyHosts {
    /// `HOST_COUNT`: an absolute number of instances (any value ≥ 0).
    HostCount(u32),
    /// `FLEET_PERCENT`: a percentage of the instances (0–99), rounded up at start.
    FleetPercent(u32),
    /// `MOST_CONCURRENCY` with value 1: what `CodeDeployDefault.OneAtATime` returns. Users
    /// cannot create it; it means "all instances but one stay healthy".
    MostConcurrency,
}

impl MinimumHealthyHosts {
    /// The API `type` spelling.
    pub fn type_name(self) -> &'static str {
        match self {
            MinimumHealthyHosts::HostCount(_) => "HOST_COUNT",
            MinimumHealthyHosts::FleetPercent(_) => "FLEET_PERCENT",
            MinimumHealthyHosts::MostConcurrency => "MOST_CONCURRENCY",
        }
    }

    /// The API `value`.
    pub fn value(self) -> u32 {
        match self {
            MinimumHealthyHosts::HostCount(v) | MinimumHealthyHosts::FleetPercent(v) => v,
            MinimumHealthyHosts::MostConcurrency => 1,
        }
    }

    /// The minimum as an instance count for a fleet of `n` (§3.1: percentages round up).
    pub fn resolve(self, n: u32) -> u32 {
        match self {
            MinimumHealthyHosts::HostCount(v) => v,
            MinimumHealthyHosts::FleetPercent(p) => (u64::from(n) * u64::from(p)).div_ceil(100) as u32,
            MinimumHealthyHosts::MostConcurrency => n.saturating_sub(1),
        }
    }
}

/// The numbers a minimum implies for a fleet, all-healthy at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthPlan {
    /// The number of instances the minimum is resolved over.
    pub instances: u32,
    /// Resolved minimum healthy hosts M.
    pub minimum: u32,
    /// N − M: how many instances may be in flight at once.
    pub max_in_flight: u32,
    /// max(M, 1): successes needed for the deployment to succeed.
    pub min_successes: u32,
}

impl HealthPlan {
    /// `None` when the deployment cannot start (M ≥ N, or N = 0): `HEALTH_CONSTRAINTS_INVALID`.
    pub fn new(minimum: MinimumHealthyHosts, instances: u32) -> Option<HealthPlan> {
        let m = minimum.resolve(instances);
        (m < instances).then(|| HealthPlan::with_minimum(instances, m))
    }

    /// The plan for `instances` under an already resolved minimum `m` (at most `instances`).
    pub fn with_minimum(instances: u32, m: u32) -> HealthPlan {
        assert!(m <= instances, "minimum {m} above the {instances} instances");
        HealthPlan {
            instances,
            minimum: m,
            max_in_flight: instances - m,
            min_successes: min_successes(m),
        }
    }

    /// Group sizes when every instance succeeds and takes the same time: each wave starts
    /// when the previous one has finished.
    pub fn waves(&self) -> Vec<u32> {
        waves(self.instances, self.max_in_flight)
    }
}

/// §3.2: the successes a deployment under the resolved minimum `m` needs, max(M, 1) (with
/// M = 0 one instance must still succeed).
pub fn min_successes(m: u32) -> u32 {
    m.max(1)
}

/// Splits `instances` into consecutive groups of at most `max_in_flight`.
pub fn waves(instances: u32, max_in_flight: u32) -> Vec<u32> {
    assert!(max_in_flight > 0 || instances == 0, "no progress possible");
    let mut out = Vec::new();
    let mut left = instances;
    while left > 0 {
        let w = left.min(max_in_flight);
        out.push(w);
        left -= w;
    }
    out
}

/// One healthy-count constraint: the fleet's, or one Availability Zone's in a zonal
/// deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthCount {
    /// Instances currently healthy and not being deployed to.
    pub healthy: u32,
    /// The resolved minimum for this constraint.
    pub minimum: u32,
}

impl HealthCount {
    /// Whether taking one more instance offline keeps this constraint: a healthy one only if
    /// the healthy count stays at or above the minimum; an instance that is already
    /// unhealthy always, since it does not lower the healthy count (§3.1: a group that
    /// starts below the minimum is simply not reduced further).
    pub fn allows(self, candidate_is_healthy: bool) -> bool {
        !candidate_is_healthy || self.healthy > self.minimum
    }
}

/// The start rule (§3.2 rule 2), as a pure decision: may the next pending instance start?
///
/// `in_flight < max_in_flight` caps parallelism at N − M even when the candidates are
/// unhealthy instances (whose parallelism CodeDeploy does not document, §3.2 rule 6).
pub fn may_start(
    candidate_is_healthy: bool,
    fleet: HealthCount,
    zone: Option<HealthCount>,
    in_flight: u32,
    max_in_flight: u32,
) -> bool {
    in_flight < max_in_flight
        && fleet.allows(candidate_is_healthy)
        && zone.is_none_or(|z| z.allows(candidate_is_healthy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use MinimumHealthyHosts::*;

    #[test]
    fn percent_rounds_up() {
        assert_eq!(FleetPercent(40).resolve(9), 4);
        assert_eq!(FleetPercent(50).resolve(9), 5);
        assert_eq!(FleetPercent(95).resolve(10), 10);
        assert_eq!(FleetPercent(85).resolve(10), 9);
    }

    #[test]
    fn waves_split() {
        assert_eq!(waves(9, 4), vec![4, 4, 1]);
        assert_eq!(waves(3, 3), vec![3]);
    }
}
