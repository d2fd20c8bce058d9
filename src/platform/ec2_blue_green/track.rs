//! One deployment's per-target lifecycle records (the first deployment, or its rollback):
//! each target's events in its fleet's order, stored flat.
//!
//! Not here: when the events run (`super`).

use crate::deployment::{EventRecord, LifecycleEventStatus, TargetStatus};
use crate::id::TargetId;
use crate::lifecycle::LifecycleEventName;

/// One deployment's per-target lifecycle records (the first deployment, or its rollback).
#[derive(Clone, Debug)]
pub struct Track {
    /// How many of the targets are originals (they come first).
    pub originals: u32,
    /// The originals' events in this deployment.
    pub blue_order: &'static [LifecycleEventName],
    /// The replacements' events in this deployment.
    pub green_order: &'static [LifecycleEventName],
    /// Each target's status.
    pub target_status: Vec<TargetStatus>,
    /// Every target's records, in target order, each in its fleet's order.
    pub records: Vec<EventRecord>,
    pub(super) stage: Vec<u8>,
}

impl Track {
    pub(super) fn new(
        originals: u32,
        replacements: u32,
        blue: &'static [LifecycleEventName],
        green: &'static [LifecycleEventName],
    ) -> Track {
        let n = (originals + replacements) as usize;
        let len = originals as usize * blue.len() + replacements as usize * green.len();
        Track {
            originals,
            blue_order: blue,
            green_order: green,
            target_status: vec![TargetStatus::Pending; n],
            records: vec![EventRecord::PENDING; len],
            stage: vec![0; n],
        }
    }

    /// The events of `t` in this deployment.
    pub fn order(&self, t: TargetId) -> &'static [LifecycleEventName] {
        if t.0 < self.originals {
            self.blue_order
        } else {
            self.green_order
        }
    }

    pub(super) fn base(&self, t: TargetId) -> usize {
        let n = self.originals as usize;
        if t.index() < n {
            t.index() * self.blue_order.len()
        } else {
            n * self.blue_order.len() + (t.index() - n) * self.green_order.len()
        }
    }

    /// The records of `t`, in its order.
    pub fn records_of(&self, t: TargetId) -> &[EventRecord] {
        let b = self.base(t);
        &self.records[b..b + self.order(t).len()]
    }

    pub(super) fn rec(&mut self, t: TargetId, stage: usize) -> &mut EventRecord {
        let b = self.base(t);
        &mut self.records[b + stage]
    }

    /// Marks every event of `t` from `stage` on that has not run as Skipped.
    pub(super) fn skip_from(&mut self, t: TargetId, stage: usize) {
        let (b, len) = (self.base(t), self.order(t).len());
        for r in &mut self.records[b + stage.min(len)..b + len] {
            if r.status == LifecycleEventStatus::Pending {
                r.status = LifecycleEventStatus::Skipped;
            }
        }
    }
}
