//! A hook's scripts and what running them takes (§4.4).
//!
//! The agent runs an event's scripts one after another in AppSpec order; the first that
//! exits non-zero ends the event with `ScriptFailed`, one that outlives its `timeout` is
//! killed with `ScriptTimedOut`, and later scripts do not run. [`Hook::run`] is the pure
//! planner of that: given random draws and any injected fault it returns how long the event
//! takes and how it ends, before the engine schedules its end.
//!
//! Not here: validation of timeouts (scenario), or which events have hooks (lifecycle).

use crate::rng::RandomSource;
use crate::time::SimDuration;

/// The default and maximum script timeout, and the cap on one event's scripts together.
pub const MAX_EVENT_TIMEOUT: SimDuration = SimDuration::from_secs(3600);

/// The longest duration one draw gives (2^40 ms, about 35 years): a longer draw counts as
/// this long. Every limit a draw is compared with is far shorter (a script's timeout, the
/// hour an ECS task set or a Lambda hook has), so the cap changes no outcome; it keeps a
/// draw, and a draw plus a slow fault or the simulated time, from overflowing (a lognormal
/// with a one-year median and sigma 5 draws beyond 2^64 ms about once in 40,000 draws).
pub const LONGEST_DRAW: SimDuration = SimDuration::from_millis(1 << 40);

/// How long something takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DurationModel {
    /// Always this long.
    Fixed(SimDuration),
    /// Lognormal with this median (seconds) and shape sigma; `ln_median` is ln(median_s),
    /// kept so that a draw does not compute it again (use [`DurationModel::lognormal`]).
    LogNormal {
        /// The median, in seconds.
        median_s: f64,
        /// The shape.
        sigma: f64,
        /// ln(median_s).
        ln_median: f64,
    },
    /// Exponential with this mean (seconds).
    Exponential {
        /// The mean, in seconds.
        mean_s: f64,
    },
    /// Uniform between min and max.
    Uniform {
        /// The shortest.
        min: SimDuration,
        /// The longest.
        max: SimDuration,
    },
}

impl DurationModel {
    /// A lognormal duration model with this median (seconds, > 0) and sigma.
    pub fn lognormal(median_s: f64, sigma: f64) -> DurationModel {
        assert!(median_s > 0.0, "lognormal median {median_s}");
        DurationModel::LogNormal {
            median_s,
            sigma,
            ln_median: median_s.ln(),
        }
    }

    /// A duration drawn from `rng`, rounded to the millisecond, at most [`LONGEST_DRAW`].
    pub fn sample(&self, rng: &mut RandomSource) -> SimDuration {
        let drawn = match *self {
            DurationModel::Fixed(d) => d,
            DurationModel::LogNormal { ln_median, sigma, .. } => {
                SimDuration::from_secs_f64(rng.lognormal_ln(ln_median, sigma))
            }
            DurationModel::Exponential { mean_s } => SimDuration::from_secs_f64(rng.exponential(mean_s)),
            DurationModel::Uniform { min, max } => {
                SimDuration::from_secs_f64(rng.uniform_between(min.as_secs_f64(), max.as_secs_f64()))
            }
        };
        drawn.min(LONGEST_DRAW)
    }

    /// The mean, in seconds (for documentation and sanity checks).
    pub fn mean_secs(&self) -> f64 {
        match *self {
            DurationModel::Fixed(d) => d.as_secs_f64(),
            DurationModel::LogNormal { median_s, sigma, .. } => median_s * (sigma * sigma / 2.0).exp(),
            DurationModel::Exponential { mean_s } => mean_s,
            DurationModel::Uniform { min, max } => (min.as_secs_f64() + max.as_secs_f64()) / 2.0,
        }
    }
}

/// One script of a hook (or an agent step modelled as one).
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    /// The script's path in the revision.
    pub location: String,
    /// The script's timeout (at most 3600 s, §4.4).
    pub timeout: SimDuration,
    /// How long it runs when it succeeds.
    pub duration: DurationModel,
    /// Probability that the script exits non-zero.
    pub failure_probability: f64,
}

/// A lifecycle event's scripts, in run order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hook {
    /// The scripts, in run order.
    pub scripts: Vec<Script>,
}

/// A fault injected into one run of a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookFault {
    /// The first script exits non-zero after its drawn duration.
    Fails,
    /// The first script never finishes and is killed at its timeout.
    Hangs,
    /// Every script takes this much longer.
    Slow(SimDuration),
}

/// How an event's scripts end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookResult {
    /// Every script exited zero.
    Succeeded,
    /// Script number `.0` exited non-zero.
    ScriptFailed(u16),
    /// Script number `.0` was killed at its timeout.
    ScriptTimedOut(u16),
}

/// The plan for one run of a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HookOutcome {
    /// How long the scripts run.
    pub duration: SimDuration,
    /// How they end.
    pub result: HookResult,
}

impl Hook {
    /// Whether the event has no scripts (it then succeeds at once).
    pub fn is_empty(&self) -> bool {
        self.scripts.is_empty()
    }

    /// The timeouts of all scripts together: how long CodeDeploy waits for the event when
    /// the agent stops answering.
    pub fn total_timeout(&self) -> SimDuration {
        self.scripts.iter().fold(SimDuration::ZERO, |a, s| a + s.timeout)
    }

    /// Plans one run of a known-good revision's scripts (a rollback): the same durations,
    /// no failure draws, no injected faults \[I\]; a script slower than its timeout still
    /// times out.
    pub fn run_known_good(&self, rng: &mut RandomSource) -> HookOutcome {
        let mut elapsed = SimDuration::ZERO;
        for (i, script) in self.scripts.iter().enumerate() {
            let took = script.duration.sample(rng);
            if took > script.timeout {
                let i = u16::try_from(i).expect("fewer than 65536 scripts");
                return HookOutcome {
                    duration: elapsed + script.timeout,
                    result: HookResult::ScriptTimedOut(i),
                };
            }
            elapsed += took;
        }
        HookOutcome {
            duration: elapsed,
            result: HookResult::Succeeded,
        }
    }

    /// Plans one run. Draws, per script that runs: its duration, then (if its failure
    /// probability is positive) one uniform for the failure.
    pub fn run(&self, rng: &mut RandomSource, faults: &[HookFault]) -> HookOutcome {
        let slow = faults.iter().fold(SimDuration::ZERO, |a, f| match f {
            HookFault::Slow(d) => a + *d,
            _ => a,
        });
        let fails = faults.contains(&HookFault::Fails);
        let hangs = faults.contains(&HookFault::Hangs);
        let mut elapsed = SimDuration::ZERO;
        for (i, script) in self.scripts.iter().enumerate() {
            let i = u16::try_from(i).expect("fewer than 65536 scripts");
            let took = script.duration.sample(rng) + slow;
            let failed = rng.chance(script.failure_probability) || (fails && i == 0);
            if took > script.timeout || (hangs && i == 0) {
                return HookOutcome {
                    duration: elapsed + script.timeout,
                    result: HookResult::ScriptTimedOut(i),
                };
            }
            elapsed += took;
            if failed {
                return HookOutcome {
                    duration: elapsed,
                    result: HookResult::ScriptFailed(i),
                };
            }
        }
        HookOutcome {
            duration: elapsed,
            result: HookResult::Succeeded,
        }
    }
}
