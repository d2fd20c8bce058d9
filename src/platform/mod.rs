//! Compute platforms: the state machines that carry a deployment out.
//!
//! `server` is EC2/on-premises in-place; `ec2_blue_green` is EC2 blue/green (and its
//! `history`); `traffic_shift` is ECS and Lambda blue/green, and `shift_history` a history
//! of them on one group (its alarms in `shift_alarms`). What more than one of them uses has a file of its own:
//! `alarm_watch` (the alarms of a running deployment), `instance_event` (what both EC2 models
//! share about an instance's lifecycle events) and `phase` (a named phase, for reports).

pub mod alarm_watch;
pub mod ec2_blue_green;
pub mod instance_event;
pub mod phase;
pub mod server;
pub mod shift_alarms;
pub mod shift_history;
pub mod traffic_shift;
