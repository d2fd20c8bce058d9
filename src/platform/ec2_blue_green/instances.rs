//! What happens to single instances of an EC2 blue/green run: an instance that stops
//! (§3.3), registration state, and the capacity points of both fleets.
//!
//! Not here: the lifecycle events an instance runs (`super`).

use crate::deployment::{Diagnostic, LifecycleEventStatus, TargetStatus};
use crate::engine::Scheduler;
use crate::id::TargetId;
use crate::lifecycle::Runner;
use crate::load_balancer::ALLOW_TRAFFIC_LIMIT;
use crate::time::SimTime;

use super::{Ec2BlueGreenRun, Event, FleetPoint, Phase};

impl Ec2BlueGreenRun<'_> {
    pub(super) fn on_instance_stops(&mut self, t: TargetId, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        if self.phase == Phase::Done {
            return;
        }
        tracing::info!(target: "cdsim::deployment", t = %now, target = %t, "instance stopped");
        self.stopped[t.index()] = true;
        self.set_serving(t, false, now);
        if self.active_ref().target_status[t.index()] != TargetStatus::InProgress {
            return;
        }
        let stage = usize::from(self.active_ref().stage[t.index()]);
        let Some(&name) = self.active_ref().order(t).get(stage) else {
            return;
        };
        let rec = self.active_ref().records_of(t)[stage];
        if rec.status != LifecycleEventStatus::InProgress {
            return;
        }
        let (limit, diagnostic) = match name.runner() {
            Runner::Scripts | Runner::Agent => (self.hook_for(name).total_timeout(), Diagnostic::InstanceStopped),
            Runner::Register => (ALLOW_TRAFFIC_LIMIT, Diagnostic::NotHealthyInTime),
            Runner::Deregister | Runner::TestTraffic => return,
        };
        let end = (rec.start + limit).max(now);
        let rec = self.active().rec(t, stage);
        rec.duration = end.since(rec.start);
        rec.diagnostic = diagnostic;
        self.generation[t.index()] += 1;
        let generation = self.generation[t.index()];
        sched.at(end, Event::LifecycleEventEnds { target: t, generation });
    }

    pub(super) fn set_serving(&mut self, t: TargetId, serving: bool, now: SimTime) {
        let s = &mut self.serving[t.index()];
        if *s == serving || (serving && self.stopped[t.index()]) {
            return;
        }
        *s = serving;
        let new = self.spec.is_replacement(t);
        if serving {
            self.in_service += 1;
            self.on_new += u32::from(new);
        } else {
            self.in_service -= 1;
            self.on_new -= u32::from(new);
        }
        self.push_capacity(now);
    }

    pub(super) fn push_capacity(&mut self, now: SimTime) {
        self.capacity.push(FleetPoint {
            time: now,
            in_service: self.in_service,
            on_new_revision: self.on_new,
            original_running: self.original_running,
            replacement_running: self.replacement_running,
        });
    }
}
