//! A zonal configuration on a fleet, as people read it (§2.6): the Availability Zones in
//! deployment order with their sizes and minimums, and the monitor waits between them.
//! Shared by `cdsim explain` and the summary of a zonal `run`.
//!
//! Not here: the zonal start rule and bakes as the simulation applies them
//! (`config::zonal`, `platform::server`).

use std::fmt::Write;

use serde::Serialize;

use super::MinimumHealthyHostsInfo;
use super::text::count;
use crate::config::zonal::ZonalConfig;
use crate::time::SimDuration;

/// The zones of a zonal deployment and the waits between them.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZonalExplanation {
    /// The zones in deployment order; empty when the fleet's zones are not known (a
    /// configuration explained without a scenario).
    pub zones: Vec<ZoneInfo>,
    /// The wait after the first zone, in seconds (`firstZoneMonitorDurationInSeconds`, else
    /// `monitorDurationInSeconds`, else 0).
    pub first_zone_monitor_seconds: u64,
    /// The wait after each later zone but the last, in seconds (`monitorDurationInSeconds`).
    pub monitor_seconds: u64,
    /// `minimumHealthyHostsPerZone`, as given.
    pub minimum_healthy_hosts_per_zone: MinimumHealthyHostsInfo,
}

/// One Availability Zone of the fleet.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZoneInfo {
    /// The zone's name.
    pub name: String,
    /// Instances in the zone (instance `i` is in zone `i mod zones`).
    pub instances: u32,
    /// The zone's minimum healthy hosts, resolved on its instances.
    pub minimum_healthy_hosts: u32,
    /// Most of the zone's instances deployed to at the same time: within both the fleet's
    /// and the zone's minimum.
    pub max_in_flight: u32,
}

impl ZonalExplanation {
    /// `zonal` on a fleet of `instances` spread over `zones` in turn, of which at most
    /// `fleet_max_in_flight` may be deployed to at once.
    pub fn new(zonal: &ZonalConfig, zones: &[String], instances: u32, fleet_max_in_flight: u32) -> ZonalExplanation {
        let z = zones.len() as u32;
        let per_zone = zonal.minimum_healthy_hosts_per_zone;
        ZonalExplanation {
            zones: zones
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    let size = instances / z + u32::from((k as u32) < instances % z);
                    let minimum = per_zone.resolve(size).min(size);
                    ZoneInfo {
                        name: name.clone(),
                        instances: size,
                        minimum_healthy_hosts: minimum,
                        max_in_flight: fleet_max_in_flight.min(size - minimum),
                    }
                })
                .collect(),
            first_zone_monitor_seconds: zonal.bake_after(0).as_millis() / 1000,
            monitor_seconds: zonal.bake_after(1).as_millis() / 1000,
            minimum_healthy_hosts_per_zone: per_zone.into(),
        }
    }

    /// The wait after zone `k` (0-based) of `zones`, none after the last.
    fn wait_after(&self, k: usize, zones: usize) -> Option<SimDuration> {
        let s = if k == 0 {
            self.first_zone_monitor_seconds
        } else {
            self.monitor_seconds
        };
        (k + 1 < zones).then(|| SimDuration::from_secs(s))
    }

    /// `explain`'s lines: one per zone with its wait, or the waits alone.
    pub fn lines(&self) -> String {
        let mut out = String::new();
        let m = &self.minimum_healthy_hosts_per_zone;
        let _ = writeln!(
            out,
            "  zonal: one Availability Zone at a time, at least {} {} of each zone healthy",
            m.value,
            if m.kind == "FLEET_PERCENT" { "%" } else { "instances" }
        );
        if self.zones.is_empty() {
            let _ = writeln!(
                out,
                "    waits: {} after the first zone, {} after each later zone, none after the last \
                 (give a scenario file to see its zones)",
                SimDuration::from_secs(self.first_zone_monitor_seconds),
                SimDuration::from_secs(self.monitor_seconds)
            );
        }
        for (k, zone) in self.zones.iter().enumerate() {
            let wait = match self.wait_after(k, self.zones.len()) {
                Some(d) => format!("then a {d} wait"),
                None => "the last zone: no wait".to_string(),
            };
            let _ = writeln!(
                out,
                "    {}: {}, at least {} healthy, at most {} at a time; {wait}",
                zone.name,
                count(zone.instances, "instance"),
                zone.minimum_healthy_hosts,
                zone.max_in_flight
            );
        }
        out
    }

    /// The summary line of a zonal run: the zones in order, the most deployed to at once
    /// in a zone, and the waits.
    pub fn summary(&self) -> String {
        if self.zones.is_empty() {
            return "zones: the fleet lists no Availability Zones, so it is one zone".to_string();
        }
        let names: Vec<&str> = self.zones.iter().map(|z| z.name.as_str()).collect();
        let most = self.zones.iter().map(|z| z.max_in_flight).max().unwrap_or(0);
        let waits: Vec<String> = (0..self.zones.len())
            .filter_map(|k| {
                self.wait_after(k, self.zones.len())
                    .map(|d| format!("{d} after {}", names[k]))
            })
            .collect();
        format!(
            "zones: {} one at a time, up to {most} at a time in a zone; monitor waits: {}",
            names.join(", "),
            if waits.is_empty() {
                "none".to_string()
            } else {
                waits.join(", ")
            }
        )
    }
}
