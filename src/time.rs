//! Simulated time: integer milliseconds since the deployment was created.
//!
//! CodeDeploy's own units are seconds and minutes; a millisecond grid is fine enough for
//! probe latencies and hook durations drawn from continuous distributions (they are rounded
//! to the nearest millisecond when drawn). Time is never an `f64` inside the simulation and
//! never read from a wall clock: the only conversion to floating point is
//! [`SimTime::as_secs_f64`], used when a report is rendered.
//!
//! Not here: parsing durations from text (the scenario validator's job, in
//! `scenario::validate::parse_duration_text`).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in simulated time, in milliseconds since the deployment was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

/// A span of simulated time, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(u64);

impl SimTime {
    /// The instant the deployment is created.
    pub const ZERO: SimTime = SimTime(0);

    /// The instant `ms` milliseconds after the deployment was created.
    pub const fn from_millis(ms: u64) -> Self {
        SimTime(ms)
    }

    /// Milliseconds since the deployment was created.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds since the start, for reports. Exact for every value below 2^53 ms.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The time elapsed since `earlier`. Panics (a broken invariant) if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        assert!(earlier.0 <= self.0, "time went backwards: {earlier} > {self}");
        SimDuration(self.0 - earlier.0)
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A span of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }

    /// A span of `s` seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1000)
    }

    /// A span of `m` minutes.
    pub const fn from_mins(m: u64) -> Self {
        SimDuration(m * 60_000)
    }

    /// Whether `self` is positive and divides `larger` exactly (a metric period that fits a
    /// whole number of times into an alarm's period, say).
    pub fn divides(self, larger: SimDuration) -> bool {
        self.0 > 0 && larger.0.is_multiple_of(self.0)
    }

    /// Rounds a non-negative number of seconds to the nearest millisecond. Values that are
    /// not finite or negative are a broken invariant: samplers only produce finite,
    /// non-negative durations.
    pub fn from_secs_f64(s: f64) -> Self {
        assert!(s.is_finite(), "duration is not finite: {s}");
        assert!(s >= 0.0, "duration is negative: {s}");
        SimDuration(round_to_u64(s * 1000.0))
    }

    /// The span in milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// The span in seconds, for reports and for rates per second.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The span `k` times over, saturating at the largest span.
    pub fn saturating_mul(self, k: u64) -> Self {
        SimDuration(self.0.saturating_mul(k))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.checked_add(d.0).expect("simulated time overflow"))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.checked_add(d.0).expect("duration overflow"))
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl fmt::Display for SimTime {
    /// `hh:mm:ss.mmm` since the start, the form used in traces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        write!(f, "{:02}:{:02}:{:02}.{:03}", s / 3600, (s / 60) % 60, s % 60, ms)
    }
}

impl fmt::Display for SimDuration {
    /// A compact human form: `45s`, `2m 30s`, `1h 2m`, `250ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return write!(f, "0s");
        }
        if ms < 1000 {
            return write!(f, "{ms}ms");
        }
        let total_s = ms / 1000;
        let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
        let frac = ms % 1000;
        match (h, m) {
            (0, 0) if frac != 0 => write!(f, "{}.{:01}s", s, frac / 100),
            (0, 0) => write!(f, "{s}s"),
            (0, _) if s == 0 => write!(f, "{m}m"),
            (0, _) => write!(f, "{m}m {s}s"),
            (_, 0) => write!(f, "{h}h"),
            _ => write!(f, "{h}h {m}m"),
        }
    }
}

impl SimDuration {
    /// The compact form, except that past an hour the seconds are kept: `1h 9m 30s` where
    /// the compact form writes `1h 9m`. For times read one after another (an event log, a
    /// history's table), where two events a few seconds apart must not read as the same.
    pub fn exact(self) -> String {
        let total_s = self.0 / 1000;
        let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
        match (h, s) {
            (0, _) | (_, 0) => self.to_string(),
            _ => format!("{h}h {m}m {s}s"),
        }
    }
}

/// `x.round() as u64` (half away from zero, saturating) for a finite `x >= 0`, without
/// the library call `round` compiles to on baseline x86_64: every hook duration drawn
/// passes through here. Exact: `x - trunc(x)` is representable, so comparing it with 0.5
/// decides the rounding as `round` does. Below 2^63 (every duration a simulation meets)
/// the conversions go through `i64`, one instruction each way on x86_64, where `u64`
/// takes a branchy sequence.
fn round_to_u64(x: f64) -> u64 {
    const TWO_TO_63: f64 = 9_223_372_036_854_775_808.0;
    if x < TWO_TO_63 {
        // The largest double below 2^63 is 2^63 − 1024, a whole number: no overflow.
        let whole = x as i64;
        (whole + i64::from(x - whole as f64 >= 0.5)) as u64
    } else {
        let whole = x as u64;
        whole.saturating_add(u64::from(x - whole as f64 >= 0.5))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_forms() {
        assert_eq!(SimDuration::from_millis(250).to_string(), "250ms");
        assert_eq!(SimDuration::from_millis(1500).to_string(), "1.5s");
        assert_eq!(SimDuration::from_secs(150).to_string(), "2m 30s");
        assert_eq!(SimDuration::from_secs(3720).to_string(), "1h 2m");
        assert_eq!(SimDuration::from_secs(4170).exact(), "1h 9m 30s");
        assert_eq!(SimDuration::from_secs(3610).exact(), "1h 0m 10s");
        assert_eq!(SimDuration::from_secs(3720).exact(), "1h 2m");
        assert_eq!(SimDuration::from_millis(1500).exact(), "1.5s");
        assert_eq!(SimTime::from_millis(3_723_004).to_string(), "01:02:03.004");
    }

    #[test]
    fn rounding_to_millis() {
        assert_eq!(SimDuration::from_secs_f64(1.0004).as_millis(), 1000);
        assert_eq!(SimDuration::from_secs_f64(1.0005).as_millis(), 1001);
    }

    #[test]
    fn rounding_matches_the_library_round() {
        let edges = [
            0.0,
            0.49999999999999994,
            0.5,
            1.5,
            2.5,
            4503599627370495.5,
            4503599627370497.0,
            9007199254740993.0,
            9.223372036854775e18,
            9.223372036854776e18,
            1.8446744073709552e19,
            1e300,
        ];
        let mut x = 1e-3_f64;
        let sweep = std::iter::from_fn(|| {
            x *= 1.000_37;
            (x < 1e12).then_some(x)
        });
        for v in edges.into_iter().chain(sweep) {
            for v in [v, v + 0.5, (v * 2.0).floor() / 2.0] {
                assert_eq!(round_to_u64(v), v.round() as u64, "{v}");
            }
        }
    }
}
