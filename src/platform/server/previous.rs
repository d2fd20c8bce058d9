//! In a history, the scripts an instance's earlier revisions give the lifecycle events that
//! run them (§4.1): ApplicationStop, BeforeBlockTraffic and AfterBlockTraffic run the AppSpec
//! of the revision last deployed successfully to the instance, and none on an instance that
//! never had one; in a rollback deployment, BeforeBlockTraffic and AfterBlockTraffic run the
//! most recent deployment's.
//!
//! [`PreviousRevisions`] says which revision each such event reads on each instance (the
//! report names its scripts from it); [`PreviousHooks`] gives the run those revisions' hooks.
//! A single deployment has no such table: every instance's previous revision has the
//! scenario's own hooks, or none on a first deployment.
//!
//! Not here: which revision each instance last ran (`history`, which builds this table).

use crate::id::TargetId;
use crate::lifecycle::LifecycleEventName;
use crate::scenario::Hooks;
use crate::scenario::history::{History, RevisionId};

/// Per instance, its earlier revisions, as a deployment of a history starts.
#[derive(Clone, Debug)]
pub struct PreviousRevisions {
    /// The revision last deployed successfully to each instance (`None`: never).
    last_good: Vec<Option<RevisionId>>,
    /// The revision of the most recent deployment to each instance: read by a rollback's
    /// BeforeBlockTraffic and AfterBlockTraffic.
    most_recent: Vec<Option<RevisionId>>,
    /// This table is a rollback deployment's.
    rollback: bool,
}

impl PreviousRevisions {
    /// The table of a deployment (`rollback`: a rollback deployment's).
    pub fn new(last_good: Vec<Option<RevisionId>>, most_recent: Vec<Option<RevisionId>>, rollback: bool) -> Self {
        assert_eq!(last_good.len(), most_recent.len(), "one entry per instance");
        PreviousRevisions {
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

    /// The revision whose scripts `event` runs on `t`, for an event that runs an earlier
    /// revision's scripts (`None` for any other event, or when `t` never had one).
    pub fn for_event(&self, t: TargetId, event: LifecycleEventName) -> Option<RevisionId> {
        if !event.uses_previous_revision() {
            return None;
        }
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

/// Per instance, the hooks of its earlier revisions.
#[derive(Clone, Debug)]
pub struct PreviousHooks<'s> {
    history: &'s History,
    revisions: PreviousRevisions,
}

impl<'s> PreviousHooks<'s> {
    /// The hooks of `revisions`, revisions of `history`.
    pub fn new(history: &'s History, revisions: PreviousRevisions) -> Self {
        PreviousHooks { history, revisions }
    }

    /// Whether `t` never had a revision deployed successfully (see
    /// [`PreviousRevisions::none_for`]).
    pub fn none_for(&self, t: TargetId) -> bool {
        self.revisions.none_for(t)
    }

    /// The hooks `event` (one that runs an earlier revision's scripts) reads on `t`.
    pub fn for_event(&self, t: TargetId, event: LifecycleEventName) -> Option<&'s Hooks> {
        let history = self.history;
        self.revisions.for_event(t, event).map(|r| &history.revision(r).hooks)
    }
}
