//! In a history, the scripts an instance's earlier revisions give the lifecycle events that
//! run them (§4.1): ApplicationStop, BeforeBlockTraffic and AfterBlockTraffic run the AppSpec
//! of the revision last deployed successfully to the instance, and none on an instance that
//! never had one; in a rollback deployment, BeforeBlockTraffic and AfterBlockTraffic run the
//! most recent deployment's.
//!
//! A single deployment has no such table: every instance's previous revision has the
//! scenario's own hooks, or none on a first deployment.
//!
//! Not here: which revision each instance last ran (`history`, which builds this table).

use crate::id::TargetId;
use crate::lifecycle::LifecycleEventName;
use crate::scenario::Hooks;

/// Per instance, the hooks of its earlier revisions.
#[derive(Clone, Debug)]
pub struct PreviousHooks<'s> {
    /// The revision last deployed successfully to each instance (`None`: never).
    last_good: Vec<Option<&'s Hooks>>,
    /// The revision of the most recent deployment to each instance: read by a rollback's
    /// BeforeBlockTraffic and AfterBlockTraffic.
    most_recent: Vec<Option<&'s Hooks>>,
    /// This table is a rollback deployment's.
    rollback: bool,
}

impl<'s> PreviousHooks<'s> {
    /// The table of a deployment (`rollback`: a rollback deployment's).
    pub fn new(last_good: Vec<Option<&'s Hooks>>, most_recent: Vec<Option<&'s Hooks>>, rollback: bool) -> Self {
        assert_eq!(last_good.len(), most_recent.len(), "one entry per instance");
        PreviousHooks {
            last_good,
            most_recent,
            rollback,
        }
    }

    /// Whether `t` never had a revision deployed successfully: the events that run the
    /// previous revision's scripts are Skipped (§4.1).
    pub fn none_for(&self, t: TargetId) -> bool {
        self.last_good[t.index()].is_none()
    }

    /// The hooks `event` (one that runs an earlier revision's scripts) reads on `t`.
    pub fn for_event(&self, t: TargetId, event: LifecycleEventName) -> Option<&'s Hooks> {
        let block_traffic = matches!(
            event,
            LifecycleEventName::BeforeBlockTraffic | LifecycleEventName::AfterBlockTraffic
        );
        if self.rollback && block_traffic {
            self.most_recent[t.index()].or(self.last_good[t.index()])
        } else {
            self.last_good[t.index()]
        }
    }
}
