//! An uninterruptible in-place instance's lifecycle, planned in one go when it starts.
//!
//! When nothing can interrupt an instance mid-way (no instance stops, no StopDeployment, no
//! alarm that could stop the deployment), each of its lifecycle events begins when the
//! previous one ends and takes what was drawn for it (scripts and agent steps), what the load
//! balancer says (the deregistration delay; AllowTraffic by the health checks' closed form),
//! or nothing (an event skipped on a first deployment). [`plan`] is the pure planner of
//! that: it writes the instance's whole row of records, with their final statuses, and
//! returns its [`Itinerary`], the few moments at which the instance touches state shared
//! with the rest of the deployment ([`Milestone`]s):
//! - BlockTraffic begins: the instance leaves service (at the end of the event before it);
//! - AllowTraffic ends: back in service, now on the new revision if Install succeeded;
//! - the instance finishes: its last event ends, or an event fails and is not forgiven.
//!
//! With a load balancer that is at most three milestones for thirteen lifecycle events,
//! without one a single milestone for seven. The model delivers one engine event per
//! milestone, each scheduled when the previous one is delivered, and those events read the
//! itinerary, not the records: in a fleet of 100,000 instances the records are 31 MB, and
//! every read of them is a cache miss.
//!
//! The records are exactly those of event-by-event execution (tested against it).
//!
//! Not here: instances that can be interrupted, which run event by event (`server`), and
//! drawing the hooks' outcomes (`server::plan_hooks`, before the planner runs).

use super::records::Slot;
use crate::deployment::{Diagnostic, LifecycleEventStatus};
use crate::lifecycle::{LifecycleEventName, Runner};
use crate::load_balancer::LoadBalancer;
use crate::time::{SimDuration, SimTime};

/// The most milestones an instance can have: one before BlockTraffic, one at the end of
/// AllowTraffic and one at the end; each in-place order has one BlockTraffic and one
/// AllowTraffic.
const MAX_MILESTONES: usize = 3;

/// What the planner needs to know of the deployment and of the instance's past.
#[derive(Clone, Copy, Debug)]
pub struct Setting<'a> {
    pub order: &'static [LifecycleEventName],
    /// The instance never had a revision deployed successfully (the group's first
    /// deployment, or in a history its own past): the events that use the previous
    /// revision are skipped.
    pub first_deployment: bool,
    pub ignore_application_stop_failures: bool,
    pub load_balancer: Option<&'a LoadBalancer>,
}

/// A moment at which an instance touches shared state: the end of lifecycle event `stage`.
/// Its effects apply in field order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Milestone {
    /// Milliseconds after the instance started (an instance's events last hours at most).
    after_ms: u32,
    pub stage: u8,
    /// Install succeeded since the previous milestone: the instance runs the deployed revision.
    pub installed: bool,
    /// AllowTraffic succeeded here: the instance is back in service.
    pub in_service: bool,
    /// The instance finishes here, succeeded (`true`) or failed.
    pub finishes: Option<bool>,
    /// The next event is BlockTraffic, which begins now: the instance leaves service.
    pub out_of_service: bool,
}

/// An instance's milestones, in time order, and which one is next: 48 bytes, so that an
/// instance's whole state fits one cache line (see `instance`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Itinerary {
    started: SimTime,
    milestones: [Milestone; MAX_MILESTONES],
    len: u8,
    next: u8,
    /// The first event that runs is BlockTraffic: the instance leaves service as it starts.
    pub out_of_service_at_start: bool,
}

impl Itinerary {
    /// When the milestone due next is reached. Panics when none is left (a broken invariant).
    pub fn upcoming_at(&self) -> SimTime {
        self.at(self.upcoming())
    }

    fn upcoming(&self) -> &Milestone {
        assert!(self.next < self.len, "no milestone left");
        &self.milestones[usize::from(self.next)]
    }

    fn at(&self, m: &Milestone) -> SimTime {
        self.started + SimDuration::from_millis(u64::from(m.after_ms))
    }

    /// The first lifecycle event after the previous milestone (or 0 before the first).
    pub fn stretch_start(&self) -> usize {
        usize::from(self.next)
            .checked_sub(1)
            .map_or(0, |prev| usize::from(self.milestones[prev].stage) + 1)
    }

    /// Passes the milestone due next: when it is reached, and what it does.
    pub fn pass(&mut self) -> (SimTime, Milestone) {
        let m = *self.upcoming();
        self.next += 1;
        (self.at(&m), m)
    }

    fn push(&mut self, at: SimTime, mut m: Milestone) {
        let i = usize::from(self.len);
        assert!(i < MAX_MILESTONES, "more than {MAX_MILESTONES} milestones");
        m.after_ms =
            u32::try_from(at.since(self.started).as_millis()).expect("an instance's lifecycle lasts under 49 days");
        if let Some(prev) = i.checked_sub(1) {
            assert!(self.milestones[prev].after_ms <= m.after_ms, "milestones in time order");
        }
        self.milestones[i] = m;
        self.len += 1;
    }

    fn last_mut(&mut self) -> Option<&mut Milestone> {
        usize::from(self.len).checked_sub(1).map(|i| &mut self.milestones[i])
    }
}

/// Plans the lifecycle of an instance that starts at `start`. `row` is the instance's
/// records in `setting.order`, holding the drawn duration and diagnostic of every event run
/// by scripts or the agent; the planner completes every record (later events of an
/// instance that fails end `Skipped`). `answers_health_checks`: the instance passes the
/// load balancer's health checks once registered.
pub fn plan(setting: &Setting<'_>, row: &mut [Slot], start: SimTime, answers_health_checks: bool) -> Itinerary {
    let order = setting.order;
    assert_eq!(row.len(), order.len(), "one record per lifecycle event");
    let mut it = Itinerary {
        started: start,
        ..Itinerary::default()
    };
    let mut now = start;
    let mut installed = false;
    // A lifecycle event has run since the previous milestone (or the start).
    let mut ran = false;
    for (stage, &name) in order.iter().enumerate() {
        let last = stage + 1 == order.len();
        if setting.first_deployment && name.uses_previous_revision() {
            assert!(!last, "the last event is never skipped");
            row[stage] = Slot::SKIPPED;
            continue;
        }
        if name.runner() == Runner::Deregister {
            assert!(!ran, "BlockTraffic begins at a milestone or at the start");
            match it.last_mut() {
                Some(m) => m.out_of_service = true,
                None => it.out_of_service_at_start = true,
            }
        }
        let (duration, diagnostic) = run(setting, name, &row[stage], now, answers_health_checks);
        let ok = diagnostic.succeeds();
        let status = if ok {
            LifecycleEventStatus::Succeeded
        } else {
            LifecycleEventStatus::Failed
        };
        row[stage] = Slot::new(duration, status, diagnostic);
        now += duration;
        ran = true;
        installed |= ok && name == LifecycleEventName::Install;
        let forgiven = !ok && setting.ignore_application_stop_failures && name.failure_may_be_ignored();
        let fails = !ok && !forgiven;
        let registered = name.runner() == Runner::Register;
        let before_block_traffic = order.get(stage + 1).is_some_and(|n| n.runner() == Runner::Deregister);
        if fails || last || registered || before_block_traffic {
            it.push(
                now,
                Milestone {
                    stage: u8::try_from(stage).expect("at most 13 lifecycle events"),
                    installed,
                    in_service: ok && registered,
                    finishes: (fails || last).then_some(!fails),
                    out_of_service: false,
                    after_ms: 0,
                },
            );
            (installed, ran) = (false, false);
        }
        if fails {
            for slot in &mut row[stage + 1..] {
                slot.status = LifecycleEventStatus::Skipped;
            }
            break;
        }
    }
    it
}

/// How long lifecycle event `name` takes when it begins at `now` on a running instance, and
/// its diagnostic. `drawn` is its record, holding the drawn outcome of scripts and agent
/// steps. Shared with event-by-event execution.
pub fn run(
    setting: &Setting<'_>,
    name: LifecycleEventName,
    drawn: &Slot,
    now: SimTime,
    answers_health_checks: bool,
) -> (SimDuration, Diagnostic) {
    match name.runner() {
        Runner::Scripts | Runner::Agent => (drawn.duration(), drawn.diagnostic()),
        Runner::Deregister => (load_balancer(setting).deregistration_delay, Diagnostic::None),
        Runner::Register => match load_balancer(setting)
            .health_check
            .allow_traffic(now, answers_health_checks)
        {
            (d, true) => (d, Diagnostic::None),
            (d, false) => (d, Diagnostic::NotHealthyInTime),
        },
        Runner::TestTraffic => unreachable!("not an in-place event"),
    }
}

fn load_balancer<'a>(setting: &Setting<'a>) -> &'a LoadBalancer {
    setting.load_balancer.expect("traffic events need a load balancer")
}
