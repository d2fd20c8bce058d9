//! What the two EC2/on-premises models (in place and blue/green) share about an instance's
//! lifecycle events: how long CodeDeploy waits for an event that never starts, and the
//! diagnostic a run of an event's scripts ends with.
//!
//! Not here: planning the run of the scripts (`lifecycle::hook`).

use crate::deployment::{Diagnostic, LifecycleErrorCode};
use crate::lifecycle::Runner;
use crate::lifecycle::hook::{Hook, HookResult};
use crate::time::SimDuration;

/// How long CodeDeploy waits for a lifecycle event that never starts (§3.3, §11).
pub const EVENT_START_LIMIT: SimDuration = SimDuration::from_mins(5);

/// The diagnostic a planned run of an event's scripts (or an agent step) ends with.
pub fn script_diagnostic(runner: Runner, hook: &Hook, result: HookResult) -> Diagnostic {
    match (runner, result) {
        (_, _) if hook.is_empty() => Diagnostic::None,
        (Runner::Agent, HookResult::Succeeded) => Diagnostic::None,
        (Runner::Agent, _) => Diagnostic::AgentStepFailed,
        (_, HookResult::Succeeded) => Diagnostic::Script {
            code: LifecycleErrorCode::Success,
            script: 0,
        },
        (_, HookResult::ScriptFailed(s)) => Diagnostic::Script {
            code: LifecycleErrorCode::ScriptFailed,
            script: s,
        },
        (_, HookResult::ScriptTimedOut(s)) => Diagnostic::Script {
            code: LifecycleErrorCode::ScriptTimedOut,
            script: s,
        },
    }
}
