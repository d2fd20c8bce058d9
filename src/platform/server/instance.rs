//! One instance's state during an in-place deployment, in one cache line.
//!
//! In a large fleet consecutive events touch unrelated instances, so each event's cost is
//! the cache lines it reads. Everything an event reads or writes about its instance is
//! here, in one 64-byte line; the records,
//! which events do not read in a planned run, are apart (`records`).
//!
//! Not here: the rules that change the state (`server`).

use super::itinerary::Itinerary;
use crate::deployment::TargetStatus;
use crate::scenario::HealthClass;

#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
pub struct Instance {
    pub status: TargetStatus,
    /// CodeDeploy's view of its health (§3.1), which orders the pending instances.
    pub class: HealthClass,
    /// Event by event: the lifecycle event running, or next.
    pub stage: u8,
    /// In service: with a load balancer, registered and healthy; without one, not being
    /// deployed to and not failed.
    pub serving: bool,
    pub stopped: bool,
    /// It runs the revision of the deployment the report is about (the first
    /// deployment's, also during its rollback): set when that revision's Install succeeds,
    /// cleared when a rollback's Install puts the last good revision back.
    pub on_new_revision: bool,
    /// Event by event: bumped when a stop reschedules the running event's end, so that
    /// the superseded end is ignored.
    pub generation: u16,
    /// A planned instance's milestones.
    pub itinerary: Itinerary,
}

impl Instance {
    pub fn new(class: HealthClass, serving: bool, stopped: bool, on_new_revision: bool) -> Instance {
        Instance {
            status: TargetStatus::Pending,
            class,
            stage: 0,
            serving,
            stopped,
            on_new_revision,
            generation: 0,
            itinerary: Itinerary::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_instance_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<super::Instance>(), 64);
    }

    #[test]
    fn an_event_is_eight_bytes() {
        // With its time, a queue entry of 16 bytes (see `engine::queue`).
        assert_eq!(std::mem::size_of::<crate::platform::server::Event>(), 8);
    }
}
