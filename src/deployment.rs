//! CodeDeploy's status vocabulary (§9): deployment, target and lifecycle-event statuses,
//! error codes and diagnostics, spelled as the API spells them.
//!
//! Not here: the state machines that move between them (`platform`).

use crate::time::{SimDuration, SimTime};

/// `DeploymentStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentStatus {
    /// Created, not started yet.
    Created,
    /// Running.
    InProgress,
    /// Waiting between Availability Zones (the zonal monitor duration). Reported as
    /// `InProgress` by the API \[I\]; kept apart here for traces.
    Baking,
    /// Ended: succeeded.
    Succeeded,
    /// Ended: failed (see its `ErrorCode`).
    Failed,
    /// Ended: stopped by StopDeployment, an alarm or a timed-out wait.
    Stopped,
    /// Blue/green: waiting for ContinueDeployment before rerouting traffic.
    Ready,
}

impl DeploymentStatus {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentStatus::Created => "Created",
            DeploymentStatus::InProgress => "InProgress",
            DeploymentStatus::Baking => "Baking",
            DeploymentStatus::Succeeded => "Succeeded",
            DeploymentStatus::Failed => "Failed",
            DeploymentStatus::Stopped => "Stopped",
            DeploymentStatus::Ready => "Ready",
        }
    }

    /// Whether the deployment has ended.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            DeploymentStatus::Succeeded | DeploymentStatus::Failed | DeploymentStatus::Stopped
        )
    }
}

/// `ErrorCode` (deployment level), the codes this simulator produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// `HEALTH_CONSTRAINTS`: too many instances failed to keep the minimum healthy.
    HealthConstraints,
    /// `HEALTH_CONSTRAINTS_INVALID`: the minimum cannot be met at all (M ≥ N).
    HealthConstraintsInvalid,
    /// A Lambda or ECS hook reported Failed or did not report within an hour \[I\].
    HookExecutionFailure,
    /// The ECS replacement task set did not become healthy \[I\].
    EcsUpdateError,
    /// A wait ran out (the blue/green wait for rerouting with STOP_DEPLOYMENT).
    Timeout,
    /// An alarm went into ALARM, or alarm states could not be read (§7.1).
    AlarmActive,
    /// A StopDeployment request.
    ManualStop,
}

impl ErrorCode {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::HealthConstraints => "HEALTH_CONSTRAINTS",
            ErrorCode::HealthConstraintsInvalid => "HEALTH_CONSTRAINTS_INVALID",
            ErrorCode::HookExecutionFailure => "HOOK_EXECUTION_FAILURE",
            ErrorCode::EcsUpdateError => "ECS_UPDATE_ERROR",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::AlarmActive => "ALARM_ACTIVE",
            ErrorCode::ManualStop => "MANUAL_STOP",
        }
    }
}

/// `errorInformation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorInformation {
    /// The code.
    pub code: ErrorCode,
    /// The message, in CodeDeploy's words.
    pub message: String,
}

/// `TargetStatus` / `InstanceStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetStatus {
    /// Not deployed to yet.
    Pending,
    /// Being deployed to.
    InProgress,
    /// Deployed to.
    Succeeded,
    /// Its deployment failed.
    Failed,
    /// Never deployed to (the deployment ended first).
    Skipped,
}

impl TargetStatus {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Pending => "Pending",
            TargetStatus::InProgress => "InProgress",
            TargetStatus::Succeeded => "Succeeded",
            TargetStatus::Failed => "Failed",
            TargetStatus::Skipped => "Skipped",
        }
    }
}

/// `LifecycleEventStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifecycleEventStatus {
    /// Not started.
    Pending,
    /// Running.
    InProgress,
    /// Ended well.
    Succeeded,
    /// Ended badly.
    Failed,
    /// Not run (nothing to run, or the deployment ended first).
    Skipped,
}

impl LifecycleEventStatus {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleEventStatus::Pending => "Pending",
            LifecycleEventStatus::InProgress => "InProgress",
            LifecycleEventStatus::Succeeded => "Succeeded",
            LifecycleEventStatus::Failed => "Failed",
            LifecycleEventStatus::Skipped => "Skipped",
        }
    }
}

/// `LifecycleErrorCode` in `diagnostics.errorCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LifecycleErrorCode {
    /// `Success`.
    Success,
    /// `ScriptFailed`: a script exited non-zero.
    ScriptFailed,
    /// `ScriptTimedOut`: a script ran past its timeout.
    ScriptTimedOut,
    /// `UnknownError`: the agent or the instance failed.
    UnknownError,
}

impl LifecycleErrorCode {
    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleErrorCode::Success => "Success",
            LifecycleErrorCode::ScriptFailed => "ScriptFailed",
            LifecycleErrorCode::ScriptTimedOut => "ScriptTimedOut",
            LifecycleErrorCode::UnknownError => "UnknownError",
        }
    }
}

/// Why a lifecycle event that did not succeed ended as it did; also the diagnostics of a
/// succeeded scripted event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Diagnostic {
    /// Nothing to say (a success without scripts, or an event that did not run).
    None,
    /// Scripts ran; `Success`, `ScriptFailed` or `ScriptTimedOut` of script `script`.
    Script {
        /// How the scripts ended.
        code: LifecycleErrorCode,
        /// Which script (0-based) the code is about.
        script: u16,
    },
    /// The instance stopped answering: the event timed out (§3.3).
    InstanceStopped,
    /// The instance stopped between events: the next event never started (5 minutes, §3.3).
    EventNotStarted,
    /// AllowTraffic: not healthy behind the load balancer within one hour (§10).
    NotHealthyInTime,
    /// An agent step failed.
    AgentStepFailed,
    /// A hook function reported Failed.
    HookFailed,
    /// A hook function did not report within one hour (§4.4).
    HookNoReport,
    /// ECS Install: the replacement task set did not become healthy within one hour.
    TaskSetNotHealthy,
    /// The deployment was stopped (an alarm, a StopDeployment, a failure) while the event ran.
    DeploymentStopped,
}

impl Diagnostic {
    /// Whether an event that ends with this diagnostic succeeded.
    pub fn succeeds(self) -> bool {
        matches!(
            self,
            Diagnostic::None
                | Diagnostic::Script {
                    code: LifecycleErrorCode::Success,
                    ..
                }
        )
    }
}

/// One lifecycle event of one target. `duration` and `diagnostic` are planned when the
/// event is planned and final once it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// When the event began.
    pub start: SimTime,
    /// How long it ran (planned when it is planned).
    pub duration: SimDuration,
    /// Its status.
    pub status: LifecycleEventStatus,
    /// Why it ended as it did.
    pub diagnostic: Diagnostic,
}

impl EventRecord {
    /// The record of an event that has not run.
    pub const PENDING: EventRecord = EventRecord {
        start: SimTime::ZERO,
        duration: SimDuration::ZERO,
        status: LifecycleEventStatus::Pending,
        diagnostic: Diagnostic::None,
    };

    /// When the event ended (or ends).
    pub fn end(&self) -> SimTime {
        self.start + self.duration
    }

    /// Whether the event succeeded (or will, as planned).
    pub fn succeeds(&self) -> bool {
        self.diagnostic.succeeds()
    }
}

/// The error CreateDeployment answers when the deployment group already has an active
/// deployment (§11: one deployment at a time per group). The API reference's list of
/// CreateDeployment errors has no `DeploymentAlreadyInProgressException`; CodeDeploy
/// answers this one, with the message of [`already_active_message`].
pub const DEPLOYMENT_LIMIT_EXCEEDED: &str = "DeploymentLimitExceededException";

/// The message of [`DEPLOYMENT_LIMIT_EXCEEDED`] for `group`, whose deployment `active` is
/// in progress.
pub fn already_active_message(group: &str, active: &str) -> String {
    format!("The Deployment Group '{group}' already has an active Deployment '{active}'")
}

/// The error ContinueDeployment answers when the deployment is not in the wait the call
/// names (API:ContinueDeployment: "The deployment does not have a status of Ready and can't
/// continue yet"), with the message of [`not_in_wait_message`].
pub const DEPLOYMENT_NOT_READY: &str = "DeploymentIsNotInReadyStateException";

/// The message of [`DEPLOYMENT_NOT_READY`] for deployment `id`: not in the Ready state
/// (`READY_WAIT`), or not in its termination wait (`termination`, `TERMINATION_WAIT`).
pub fn not_in_wait_message(id: &str, termination: bool) -> String {
    let wait = if termination { "termination wait" } else { "Ready state" };
    format!("The deployment {id} is not in the {wait}")
}

/// The error StopDeployment and ContinueDeployment answer for a deployment that has ended,
/// with the message of [`already_completed_message`].
pub const DEPLOYMENT_ALREADY_COMPLETED: &str = "DeploymentAlreadyCompletedException";

/// The message of [`DEPLOYMENT_ALREADY_COMPLETED`] for deployment `id`.
pub fn already_completed_message(id: &str) -> String {
    format!("The deployment {id} is already completed")
}

/// The id cdsim gives the `n`-th deployment of a run (1-based, in creation order):
/// `d-SIMULATED1`, `d-SIMULATED2`, …
pub fn simulated_id(n: usize) -> String {
    format!("d-SIMULATED{n}")
}
