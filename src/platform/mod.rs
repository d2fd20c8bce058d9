//! Compute platforms: the state machines that carry a deployment out.
//!
//! `server` is EC2/on-premises in-place; `ec2_blue_green` is EC2 blue/green; `traffic_shift`
//! is ECS and Lambda blue/green.

pub mod alarm_watch;
pub mod ec2_blue_green;
pub mod server;
pub mod traffic_shift;
