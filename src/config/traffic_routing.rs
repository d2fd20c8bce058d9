//! Traffic routing configurations (§2.1, §2.3–§2.5) and their shift schedules.
//!
//! The schedule is a pure function of the configuration: a list of (minute, percent on the
//! new version) steps. Percentages at the shift instants are documented; when the last
//! step's wait ends (and AfterAllowTraffic starts) is not, so [`LinearEnd`] names the two
//! readings of §2.5.
//!
//! Not here: executing the shifts (ECS and Lambda platforms).

/// CodeDeploy's `trafficRoutingConfig`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrafficRouting {
    /// All traffic moves at once.
    AllAtOnce,
    /// `canaryPercentage` first, the rest `canaryInterval` minutes later.
    TimeBasedCanary {
        /// The canary's percentage.
        percentage: u32,
        /// Minutes until the rest moves.
        interval_minutes: u32,
    },
    /// `linearPercentage` at the start of each increment, `linearInterval` minutes apart.
    TimeBasedLinear {
        /// The percentage each increment moves.
        percentage: u32,
        /// Minutes between increments.
        interval_minutes: u32,
    },
}

/// One traffic shift: at `at_minute` after AllowTraffic starts, `percent` goes to the new
/// version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    /// Minutes after AllowTraffic starts.
    pub at_minute: u32,
    /// The replacement's share of production traffic from then on.
    pub percent: u32,
}

/// When AllowTraffic ends for a linear configuration (§2.5 \[C\]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LinearEnd {
    /// Model A: AllowTraffic ends at the 100 % shift, after n − 1 intervals.
    #[default]
    AtLastShift,
    /// Model B: one more interval is waited after the 100 % shift (SAM's "100 minutes").
    OneIntervalAfter,
}

impl TrafficRouting {
    /// Whether this configuration may be used with a Network Load Balancer (§2.3: only
    /// all-at-once).
    pub fn allowed_with_nlb(self) -> bool {
        self == TrafficRouting::AllAtOnce
    }

    /// The shift instants and percentages (§2.5 table).
    pub fn shifts(self) -> Vec<Shift> {
        match self {
            TrafficRouting::AllAtOnce => vec![Shift {
                at_minute: 0,
                percent: 100,
            }],
            TrafficRouting::TimeBasedCanary {
                percentage,
                interval_minutes,
            } => vec![
                Shift {
                    at_minute: 0,
                    percent: percentage,
                },
                Shift {
                    at_minute: interval_minutes,
                    percent: 100,
                },
            ],
            TrafficRouting::TimeBasedLinear {
                percentage,
                interval_minutes,
            } => {
                assert!(percentage > 0, "linear percentage must be positive");
                let steps = 100u32.div_ceil(percentage);
                (0..steps)
                    .map(|k| Shift {
                        at_minute: k * interval_minutes,
                        percent: (percentage * (k + 1)).min(100),
                    })
                    .collect()
            }
        }
    }

    /// Minutes from the start of AllowTraffic to its end under `end`.
    pub fn shifting_minutes(self, end: LinearEnd) -> u32 {
        let last = self.shifts().last().map_or(0, |s| s.at_minute);
        match (self, end) {
            (TrafficRouting::TimeBasedLinear { interval_minutes, .. }, LinearEnd::OneIntervalAfter) => {
                last + interval_minutes
            }
            _ => last,
        }
    }

    /// The API `type` spelling.
    pub fn type_name(self) -> &'static str {
        match self {
            TrafficRouting::AllAtOnce => "AllAtOnce",
            TrafficRouting::TimeBasedCanary { .. } => "TimeBasedCanary",
            TrafficRouting::TimeBasedLinear { .. } => "TimeBasedLinear",
        }
    }
}
