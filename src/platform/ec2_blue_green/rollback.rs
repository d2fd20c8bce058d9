//! Stops, failures and the rollback deployment of an EC2 blue/green run (§8): the
//! deregistered originals get traffic back all at once, then the registered replacements
//! lose it.
//!
//! Not here: the phases of the deployment itself (`super`).

use std::collections::VecDeque;

use crate::deployment::{DeploymentStatus, ErrorCode, ErrorInformation, LifecycleEventStatus, TargetStatus};
use crate::engine::Scheduler;
use crate::id::TargetId;
use crate::lifecycle::LifecycleEventName;
use crate::scenario::ec2_blue_green::GreenFleetProvisioning;
use crate::time::SimTime;

use super::{Ec2BlueGreenRun, Ec2Deployment, Event, Phase, Track};
use LifecycleEventName::*;

impl Ec2BlueGreenRun<'_> {
    /// StopDeployment or an alarm: nothing more starts; what runs finishes, then Stopped.
    pub(super) fn stop(
        &mut self,
        now: SimTime,
        code: ErrorCode,
        message: String,
        rollback: bool,
        sched: &mut Scheduler<Event>,
    ) {
        if self.status.is_terminal() || self.stopping.is_some() || self.phase == Phase::RollingBack {
            return;
        }
        self.rollback_requested = rollback;
        self.wait_generation += 1; // cancels a ready or termination wait
        if matches!(self.phase, Phase::Ready | Phase::TerminationWait) {
            self.close_phase(now);
        }
        self.pending.clear();
        if self.in_flight == 0 {
            self.end_deployment(now, DeploymentStatus::Stopped, code, message, rollback, sched);
        } else {
            tracing::info!(target: "cdsim::deployment", t = %now, in_flight = self.in_flight, "stopping");
            self.stopping = Some((code, message));
        }
    }

    /// The first deployment ends Failed or Stopped; its rollback starts if asked for.
    pub(super) fn end_deployment(
        &mut self,
        now: SimTime,
        status: DeploymentStatus,
        code: ErrorCode,
        message: String,
        rollback: bool,
        sched: &mut Scheduler<Event>,
    ) {
        assert_eq!(self.in_flight, 0, "a deployment ends with nothing in flight");
        self.status = status;
        self.error = Some(ErrorInformation { code, message });
        self.complete_time = Some(now);
        self.stopping = None;
        self.pending.clear();
        self.close_phase(now);
        for i in 0..self.track.target_status.len() {
            let t = TargetId(i as u32);
            if matches!(
                self.track.target_status[i],
                TargetStatus::Pending | TargetStatus::InProgress
            ) {
                self.track.target_status[i] = TargetStatus::Skipped;
            }
            self.track.skip_from(t, 0);
        }
        tracing::info!(target: "cdsim::deployment", t = %now, status = %status.as_str(), error = %code.as_str(),
            "deployment finished");
        let touched = self
            .track
            .records
            .iter()
            .any(|r| matches!(r.status, LifecycleEventStatus::Succeeded | LifecycleEventStatus::Failed));
        if !rollback {
            self.rollback_message = self.monitoring.auto_rollback.not_requested_message();
            self.phase = Phase::Done;
        } else if !touched {
            self.rollback_message = Some("Nothing was deployed, so there is nothing to roll back.".to_string());
            self.phase = Phase::Done;
        } else {
            self.start_rollback(sched);
        }
    }

    /// §8: traffic back to the originals (they exist until a successful deployment
    /// terminates them), away from the replacements.
    pub(super) fn start_rollback(&mut self, sched: &mut Scheduler<Event>) {
        let now = sched.now();
        let n = self.spec.originals();
        let r = self.spec.replacements();
        self.rollback = Some(Ec2Deployment {
            status: DeploymentStatus::InProgress,
            error: None,
            create_time: now,
            complete_time: now,
            track: Track::new(
                n,
                r,
                LifecycleEventName::BLUE_GREEN_ROLLBACK_ORIGINALS,
                LifecycleEventName::BLUE_GREEN_ROLLBACK_REPLACEMENTS,
            ),
        });
        self.phase = Phase::RollingBack;
        self.open_phase("rollback", now);
        tracing::info!(target: "cdsim::deployment", t = %now, "rollback deployment started");
        let (mut todo, mut later) = (VecDeque::new(), VecDeque::new());
        for i in 0..(n + r) {
            let t = TargetId(i);
            let blocked = self
                .track
                .records_of(t)
                .iter()
                .zip(self.track.order(t))
                .any(|(rec, &name)| {
                    name == BlockTraffic
                        && !matches!(
                            rec.status,
                            LifecycleEventStatus::Pending | LifecycleEventStatus::Skipped
                        )
                });
            let registered = self.is_replacement(t)
                && self
                    .track
                    .records_of(t)
                    .iter()
                    .zip(self.track.order(t))
                    .any(|(rec, &name)| {
                        name == AllowTraffic
                            && !matches!(
                                rec.status,
                                LifecycleEventStatus::Pending | LifecycleEventStatus::Skipped
                            )
                    });
            if !self.is_replacement(t) && blocked {
                todo.push_back(t);
            } else if registered {
                later.push_back(t);
            }
        }
        if todo.is_empty() {
            todo = std::mem::take(&mut later);
        }
        self.pending = todo;
        self.rollback_block = later;
        self.succeeded = 0;
        self.failed = 0;
        if let Some(at) = self.monitoring.rollback_stop {
            sched.at(at.max(now), Event::StopRollback);
        }
        self.start_more(sched);
    }

    /// StopDeployment on the running rollback: nothing more starts, the lifecycle events
    /// running finish, and the rollback ends Stopped; it is not rolled back in turn.
    pub(super) fn stop_rollback(&mut self, now: SimTime) {
        if self.phase != Phase::RollingBack || self.rollback_stopped {
            return;
        }
        self.rollback_stopped = true;
        self.pending.clear();
        self.rollback_block.clear();
        if self.in_flight == 0 {
            self.end_rollback(now);
        }
    }

    pub(super) fn end_rollback(&mut self, now: SimTime) {
        self.close_phase(now);
        let failed = self.failed;
        let rb = self.rollback.as_mut().expect("rolling back");
        for s in &mut rb.track.target_status {
            if *s == TargetStatus::Pending {
                *s = TargetStatus::Skipped;
            }
        }
        for i in 0..rb.track.target_status.len() {
            rb.track.skip_from(TargetId(i as u32), 0);
        }
        rb.complete_time = now;
        if self.rollback_stopped {
            rb.status = DeploymentStatus::Stopped;
            rb.error = Some(ErrorInformation {
                code: ErrorCode::ManualStop,
                message: "The rollback deployment was stopped by a StopDeployment request.".to_string(),
            });
            self.rollback_message = Some("The rollback deployment was stopped.".to_string());
        } else if failed == 0 {
            rb.status = DeploymentStatus::Succeeded;
            self.rollback_message = Some("Rolled back: production traffic is on the original instances.".to_string());
        } else {
            rb.status = DeploymentStatus::Failed;
            rb.error = Some(ErrorInformation {
                code: ErrorCode::HealthConstraints,
                message: format!(
                    "The rollback failed on {failed} {}.",
                    if failed == 1 { "instance" } else { "instances" }
                ),
            });
            self.rollback_message = Some("The rollback deployment failed.".to_string());
        }
        let status = rb.status;
        if status == DeploymentStatus::Succeeded
            && self.spec.green_fleet.provisioning == GreenFleetProvisioning::CopyAutoScalingGroup
        {
            self.replacement_running = 0;
            self.push_capacity(now);
        }
        self.phase = Phase::Done;
        tracing::info!(target: "cdsim::deployment", t = %now, status = %status.as_str(), "rollback finished");
    }
}
