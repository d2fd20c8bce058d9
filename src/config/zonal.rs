//! Zonal configuration (§2.6): deploy one Availability Zone at a time.
//!
//! Documented: a zone is finished before the next starts; `monitorDurationInSeconds` is the
//! bake after each zone (none when unset); `firstZoneMonitorDurationInSeconds` replaces it
//! after the first zone; `minimumHealthyHostsPerZone` (default 0 %) constrains each zone in
//! conjunction with the fleet-wide minimum. Not documented, and chosen here \[I\]: zones are
//! deployed in the order the scenario lists them; a zone without instances is passed over;
//! no bake follows the last zone with instances; inside a
//! zone the §3 start rule applies to both the fleet and the zone constraint; when a zone
//! ends and the next zone could start none of its instances, the deployment fails then
//! (§3.2 rule 4), without the monitor duration.
//!
//! Not here: rollbacks, which are not zonal (§2.6) and are outside this crate's scope so far.

use super::MinimumHealthyHosts;
use crate::time::SimDuration;

/// A zonal configuration (§2.6): deploy zone by zone, with a bake time after each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZonalConfig {
    /// `firstZoneMonitorDurationInSeconds`: the bake after the first zone (defaults to
    /// `monitor_duration`).
    pub first_zone_monitor_duration: Option<SimDuration>,
    /// `monitorDurationInSeconds`: the bake after each later zone but the last.
    pub monitor_duration: Option<SimDuration>,
    /// `minimumHealthyHostsPerZone`: the minimum each zone must keep.
    pub minimum_healthy_hosts_per_zone: MinimumHealthyHosts,
}

impl ZonalConfig {
    /// The bake after finishing zone number `finished` (0-based) when another zone follows.
    pub fn bake_after(&self, finished: usize) -> SimDuration {
        let d = if finished == 0 {
            self.first_zone_monitor_duration.or(self.monitor_duration)
        } else {
            self.monitor_duration
        };
        d.unwrap_or(SimDuration::ZERO)
    }
}

impl Default for ZonalConfig {
    fn default() -> Self {
        ZonalConfig {
            first_zone_monitor_duration: None,
            monitor_duration: None,
            minimum_healthy_hosts_per_zone: MinimumHealthyHosts::FleetPercent(0),
        }
    }
}
