//! Compute platforms: the state machines that carry a deployment out.
//!
//! `server` is EC2/on-premises in-place; `traffic_shift` is ECS and Lambda blue/green.

pub mod alarm_watch;
pub mod server;
pub mod traffic_shift;
