//! Compute platforms: the state machines that carry a deployment out.
//!
//! `server` is EC2/on-premises in-place. ECS task sets and Lambda aliases come later.

pub mod server;
