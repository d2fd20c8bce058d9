//! Hooks, the agent's steps, scripts and their duration models (§4.4).
//!
//! Not here: planning a run of a hook's scripts (`lifecycle::hook`).

use super::Validator;
use crate::lifecycle::hook::MAX_EVENT_TIMEOUT;
use crate::lifecycle::{DurationModel, Hook, LifecycleEventName, Script};
use crate::scenario::raw::{self, Located, RawDistribution, RawDuration, RawDurationModel, RawScript, RawStep};
use crate::scenario::text::parse_duration_text;
use crate::scenario::{Agent, Hooks};
use crate::time::SimDuration;

impl Validator {
    pub(super) fn hooks(&mut self, raw: Option<&raw::RawHooks>) -> Option<Hooks> {
        let mut hooks = Hooks::default();
        let mut ok = true;
        for (name, scripts) in raw.map(|r| r.entries()).unwrap_or_default() {
            let event = LifecycleEventName::parse(name).expect("field names are event names");
            match self.hook(name, scripts) {
                Some(h) => hooks.set(event, h),
                None => ok = false,
            }
        }
        ok.then_some(hooks)
    }

    pub(super) fn hook(&mut self, event: &str, scripts: &[RawScript]) -> Option<Hook> {
        let mut out = Vec::new();
        let mut ok = true;
        for s in scripts {
            match self.script(s) {
                Some(script) => out.push(script),
                None => ok = false,
            }
        }
        let total = out.iter().fold(SimDuration::ZERO, |a, s| a + s.timeout);
        if ok && total > MAX_EVENT_TIMEOUT {
            let first = &scripts[0].location;
            self.problem(
                first,
                format!(
                    "the scripts of {event} have timeouts adding up to {}s; one lifecycle event may take at most 3600s \
                     (§4.4)",
                    total.as_millis() / 1000
                ),
            );
            ok = false;
        }
        ok.then_some(Hook { scripts: out })
    }

    pub(super) fn script(&mut self, raw: &RawScript) -> Option<Script> {
        if raw.location.value.trim().is_empty() {
            self.problem(&raw.location, "location must name a script (it is empty)");
        }
        // §4.4: the agent rejects a timeout ≤ 0; 3600 s is the default and the maximum.
        let timeout = match &raw.timeout {
            None => Some(MAX_EVENT_TIMEOUT),
            Some(t) => self
                .int_in(t, "timeout (seconds)", 1, 3600)
                .map(|s| SimDuration::from_secs(u64::from(s))),
        };
        let duration = self.duration_model(raw.duration.as_ref(), SimDuration::from_secs(5));
        let p = self.probability(raw.failure_probability.as_ref());
        (!raw.location.value.trim().is_empty()).then_some(())?;
        Some(Script {
            location: raw.location.value.clone(),
            timeout: timeout?,
            duration: duration?,
            failure_probability: p?,
        })
    }

    pub(super) fn agent(&mut self, raw: Option<&raw::RawAgent>) -> Option<Agent> {
        let download = self.step(raw.and_then(|a| a.download_bundle.as_ref()), "DownloadBundle", 2);
        let install = self.step(raw.and_then(|a| a.install.as_ref()), "Install", 1);
        Some(Agent {
            download_bundle: download?,
            install: install?,
        })
    }

    pub(super) fn step(&mut self, raw: Option<&RawStep>, name: &str, default_secs: u64) -> Option<Hook> {
        let default = SimDuration::from_secs(default_secs);
        let duration = self.duration_model(raw.and_then(|r| r.duration.as_ref()), default);
        let p = self.probability(raw.and_then(|r| r.failure_probability.as_ref()));
        Some(Hook {
            scripts: vec![Script {
                location: format!("(agent) {name}"),
                timeout: MAX_EVENT_TIMEOUT,
                duration: duration?,
                failure_probability: p?,
            }],
        })
    }

    pub(super) fn probability(&mut self, raw: Option<&Located<f64>>) -> Option<f64> {
        match raw {
            None => Some(0.0),
            Some(p) if (0.0..=1.0).contains(&p.value) => Some(p.value),
            Some(p) => {
                self.problem(
                    p,
                    format!("failureProbability must be between 0 and 1, found {}", p.value),
                );
                None
            }
        }
    }

    pub(super) fn duration_model(
        &mut self,
        raw: Option<&Located<RawDurationModel>>,
        default: SimDuration,
    ) -> Option<DurationModel> {
        let Some(raw) = raw else {
            return Some(DurationModel::Fixed(default));
        };
        let (line, column) = (raw.line, raw.column);
        let mut dur = |d: &RawDuration, field: &str| self.duration(d, field, line, column);
        match &raw.value {
            RawDurationModel::Fixed(d) | RawDurationModel::Distribution(RawDistribution::Fixed(d)) => {
                dur(d, "duration").map(DurationModel::Fixed)
            }
            RawDurationModel::Distribution(RawDistribution::Lognormal { median, sigma }) => {
                let median = dur(median, "lognormal median")?;
                if median == SimDuration::ZERO {
                    self.problem(raw, "lognormal median must be positive");
                    return None;
                }
                if !(sigma.is_finite() && (0.0..=5.0).contains(sigma)) {
                    self.problem(raw, format!("lognormal sigma must be between 0 and 5, found {sigma}"));
                    return None;
                }
                Some(DurationModel::lognormal(median.as_secs_f64(), *sigma))
            }
            RawDurationModel::Distribution(RawDistribution::Exponential { mean }) => {
                let mean = dur(mean, "exponential mean")?;
                if mean == SimDuration::ZERO {
                    self.problem(raw, "exponential mean must be positive");
                    return None;
                }
                Some(DurationModel::Exponential {
                    mean_s: mean.as_secs_f64(),
                })
            }
            RawDurationModel::Distribution(RawDistribution::Uniform { min, max }) => {
                let (min, max) = (dur(min, "uniform min"), dur(max, "uniform max"));
                let (min, max) = (min?, max?);
                if min > max {
                    self.problem(raw, format!("uniform min ({min}) is greater than max ({max})"));
                    return None;
                }
                Some(DurationModel::Uniform { min, max })
            }
        }
    }

    /// A duration: seconds as a number, or text (`90s`, `5m`, `1h 30m`, `250ms`).
    pub(super) fn duration(&mut self, raw: &RawDuration, field: &str, line: u64, column: u64) -> Option<SimDuration> {
        const LIMIT_S: f64 = 365.0 * 24.0 * 3600.0;
        let secs = match raw {
            RawDuration::Seconds(s) => Some(*s),
            RawDuration::Text(t) => parse_duration_text(t),
        };
        match secs {
            Some(s) if s.is_finite() && (0.0..=LIMIT_S).contains(&s) => Some(SimDuration::from_secs_f64(s)),
            _ => {
                let found = match raw {
                    RawDuration::Seconds(s) => s.to_string(),
                    RawDuration::Text(t) => format!("\"{t}\""),
                };
                self.problem_at(
                    line,
                    column,
                    format!(
                        "{field} must be a duration from 0 to one year, such as 30, 30s, 5m or 1h 30m; found {found}"
                    ),
                );
                None
            }
        }
    }

    /// An optional duration field with a range in whole seconds and a default.
    pub(super) fn duration_in(
        &mut self,
        raw: &Option<Located<RawDuration>>,
        field: &str,
        lo_s: u64,
        hi_s: u64,
        default: SimDuration,
    ) -> Option<SimDuration> {
        let Some(raw) = raw else {
            return Some(default);
        };
        let d = self.duration(&raw.value, field, raw.line, raw.column)?;
        if d < SimDuration::from_secs(lo_s) || d > SimDuration::from_secs(hi_s) {
            self.problem(raw, format!("{field} must be between {lo_s}s and {hi_s}s, found {d}"));
            return None;
        }
        Some(d)
    }
}
