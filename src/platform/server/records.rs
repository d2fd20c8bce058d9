//! The in-place model's lifecycle records, stored compactly: 8 bytes per lifecycle event
//! instead of [`EventRecord`]'s 24.
//!
//! An instance's lifecycle events run back to back: each event that starts begins when the
//! previous one ends, the first when the instance starts, and events skipped on a first
//! deployment take no time. So the table keeps each instance's start once and, per event,
//! its duration in milliseconds (in place, no event lasts more than a few hours: script
//! timeouts, the deregistration delay and AllowTraffic are each capped at one hour), its
//! status and its diagnostic (packed in three bytes); [`Records::row`] rebuilds the
//! [`EventRecord`]s. An event that
//! never started (pending, or skipped after a failure or a stop) reports no times, so the
//! start the table gives it, the end of the events before it, is immaterial.
//!
//! In a fleet of 100,000 instances with a load balancer the table is 11 MB instead of 31,
//! which matters because a one-shot run pays a page fault per 4 KiB it touches.
//!
//! Not here: what the records say (`server` and `itinerary` write them).

use crate::deployment::{Diagnostic, EventRecord, LifecycleErrorCode, LifecycleEventStatus};
use crate::id::TargetId;
use crate::time::{SimDuration, SimTime};

/// One lifecycle event of one instance, without its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    duration_ms: u32,
    /// The diagnostic's script index (see [`Kind`]).
    script: u16,
    kind: Kind,
    /// The event's status.
    pub status: LifecycleEventStatus,
}

/// Which [`Diagnostic`] a slot holds: the variant, and for scripts the error code. It
/// mirrors `Diagnostic` variant for variant (one byte instead of four, the script index
/// kept apart); `pack` and `unpack` match exhaustively, so a new diagnostic does not
/// compile until it has a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    None,
    Script(LifecycleErrorCode),
    InstanceStopped,
    EventNotStarted,
    NotHealthyInTime,
    AgentStepFailed,
    HookFailed,
    HookNoReport,
    TaskSetNotHealthy,
    DeploymentStopped,
}

fn pack(d: Diagnostic) -> (Kind, u16) {
    match d {
        Diagnostic::None => (Kind::None, 0),
        Diagnostic::Script { code, script } => (Kind::Script(code), script),
        Diagnostic::InstanceStopped => (Kind::InstanceStopped, 0),
        Diagnostic::EventNotStarted => (Kind::EventNotStarted, 0),
        Diagnostic::NotHealthyInTime => (Kind::NotHealthyInTime, 0),
        Diagnostic::AgentStepFailed => (Kind::AgentStepFailed, 0),
        Diagnostic::HookFailed => (Kind::HookFailed, 0),
        Diagnostic::HookNoReport => (Kind::HookNoReport, 0),
        Diagnostic::TaskSetNotHealthy => (Kind::TaskSetNotHealthy, 0),
        Diagnostic::DeploymentStopped => (Kind::DeploymentStopped, 0),
    }
}

fn unpack(kind: Kind, script: u16) -> Diagnostic {
    match kind {
        Kind::None => Diagnostic::None,
        Kind::Script(code) => Diagnostic::Script { code, script },
        Kind::InstanceStopped => Diagnostic::InstanceStopped,
        Kind::EventNotStarted => Diagnostic::EventNotStarted,
        Kind::NotHealthyInTime => Diagnostic::NotHealthyInTime,
        Kind::AgentStepFailed => Diagnostic::AgentStepFailed,
        Kind::HookFailed => Diagnostic::HookFailed,
        Kind::HookNoReport => Diagnostic::HookNoReport,
        Kind::TaskSetNotHealthy => Diagnostic::TaskSetNotHealthy,
        Kind::DeploymentStopped => Diagnostic::DeploymentStopped,
    }
}

impl Slot {
    /// The slot of an event that has not run.
    pub const PENDING: Slot = Slot {
        duration_ms: 0,
        script: 0,
        kind: Kind::None,
        status: LifecycleEventStatus::Pending,
    };

    /// Skipped without running (an event with nothing to run on a first deployment).
    pub const SKIPPED: Slot = Slot {
        status: LifecycleEventStatus::Skipped,
        ..Slot::PENDING
    };

    /// How long the event ran.
    pub fn duration(&self) -> SimDuration {
        SimDuration::from_millis(u64::from(self.duration_ms))
    }

    /// Panics beyond 2^32 ms (about 49 days): no in-place event can last that long.
    pub fn set_duration(&mut self, d: SimDuration) {
        self.duration_ms = u32::try_from(d.as_millis()).expect("an in-place lifecycle event lasts under 49 days");
    }

    /// Why it ended as it did.
    pub fn diagnostic(&self) -> Diagnostic {
        unpack(self.kind, self.script)
    }

    /// Sets why it ended as it did.
    pub fn set_diagnostic(&mut self, d: Diagnostic) {
        (self.kind, self.script) = pack(d);
    }

    /// A slot with these fields.
    pub fn new(duration: SimDuration, status: LifecycleEventStatus, diagnostic: Diagnostic) -> Slot {
        let mut slot = Slot {
            status,
            ..Slot::PENDING
        };
        slot.set_duration(duration);
        slot.set_diagnostic(diagnostic);
        slot
    }
}

/// Every instance's lifecycle records, in lifecycle order, instance after instance.
#[derive(Clone, Debug)]
pub struct Records {
    events: usize,
    started: Vec<SimTime>,
    slots: Vec<Slot>,
}

impl Records {
    /// `instances` rows of `events` pending events.
    pub fn new(instances: usize, events: usize) -> Records {
        Records {
            events,
            started: vec![SimTime::ZERO; instances],
            slots: vec![Slot::PENDING; instances * events],
        }
    }

    /// Lifecycle events per instance.
    pub fn events(&self) -> usize {
        self.events
    }

    /// The instances.
    pub fn instances(&self) -> usize {
        self.started.len()
    }

    /// `t` starts at `at`: its first event begins then.
    pub fn set_started(&mut self, t: TargetId, at: SimTime) {
        self.started[t.index()] = at;
    }

    /// When `t` started.
    pub fn started(&self, t: TargetId) -> SimTime {
        self.started[t.index()]
    }

    /// The slots of `t`'s events, in order.
    pub fn slots(&self, t: TargetId) -> &[Slot] {
        let i = t.index() * self.events;
        &self.slots[i..i + self.events]
    }

    /// The slots of `t`'s events, to change.
    pub fn slots_mut(&mut self, t: TargetId) -> &mut [Slot] {
        let i = t.index() * self.events;
        &mut self.slots[i..i + self.events]
    }

    /// When event `stage` of `t` begins (or would have begun).
    pub fn start(&self, t: TargetId, stage: usize) -> SimTime {
        self.slots(t)[..stage]
            .iter()
            .fold(self.started(t), |at, s| at + s.duration())
    }

    /// Event `stage` of `t` in full.
    pub fn record(&self, t: TargetId, stage: usize) -> EventRecord {
        let slot = self.slots(t)[stage];
        EventRecord {
            start: self.start(t, stage),
            duration: slot.duration(),
            status: slot.status,
            diagnostic: slot.diagnostic(),
        }
    }

    /// `t`'s events in full, in lifecycle order.
    pub fn row(&self, t: TargetId) -> impl Iterator<Item = EventRecord> + '_ {
        let mut at = self.started(t);
        self.slots(t).iter().map(move |s| {
            let rec = EventRecord {
                start: at,
                duration: s.duration(),
                status: s.status,
                diagnostic: s.diagnostic(),
            };
            at = rec.end();
            rec
        })
    }

    /// Marks `t`'s events from `stage` on `Skipped`.
    pub fn skip_from(&mut self, t: TargetId, stage: usize) {
        for slot in &mut self.slots_mut(t)[stage..] {
            slot.status = LifecycleEventStatus::Skipped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_eight_bytes_and_keeps_every_diagnostic() {
        assert_eq!(std::mem::size_of::<Slot>(), 8);
        let codes = [
            LifecycleErrorCode::Success,
            LifecycleErrorCode::ScriptFailed,
            LifecycleErrorCode::ScriptTimedOut,
            LifecycleErrorCode::UnknownError,
        ];
        let scripts = codes
            .into_iter()
            .flat_map(|code| [0, 7, u16::MAX].map(|script| Diagnostic::Script { code, script }));
        let others = [
            Diagnostic::None,
            Diagnostic::InstanceStopped,
            Diagnostic::EventNotStarted,
            Diagnostic::NotHealthyInTime,
            Diagnostic::AgentStepFailed,
            Diagnostic::HookFailed,
            Diagnostic::HookNoReport,
            Diagnostic::TaskSetNotHealthy,
            Diagnostic::DeploymentStopped,
        ];
        for d in scripts.chain(others) {
            let slot = Slot::new(SimDuration::from_millis(3_600_000), LifecycleEventStatus::Failed, d);
            assert_eq!(slot.diagnostic(), d);
            assert_eq!(slot.duration().as_millis(), 3_600_000);
        }
    }
}
