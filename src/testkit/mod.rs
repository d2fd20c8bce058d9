//! A property-testing kit for rollback logic (cargo feature `testkit`).
//!
//! - [`strategies`]: proptest strategies that generate scenarios on every platform
//!   (Server in place and blue/green, ECS, Lambda) as scenario YAML plus a small spec struct, with fault
//!   schedules (failing, hanging and slow hooks, instances that stop, a bad revision's error
//!   rate and latency, alarm metric series given as data), alarm configurations,
//!   `autoRollbackConfiguration` and `stopDeployment`;
//! - [`invariants`]: checkers that take a [`Report`](crate::report::Report) and the
//!   [`Scenario`](crate::scenario::Scenario) it came from and return a
//!   [`Violation`] naming the seed and the rule; [`check_all`] runs
//!   every one.
//!
//! Enable it in your `Cargo.toml`:
//!
//! ```toml
//! [dev-dependencies]
//! cdsim = { version = "0.1", features = ["testkit"] }
//! proptest = "1.12"
//! ```
//!
//! Then test your own alarm and rollback settings over generated deployments:
//!
//! ```
//! use cdsim::testkit::strategies::{self, AlarmSpec, AlarmsSpec, MetricSpec, RollbackSpec, Version};
//! use cdsim::testkit::check_all;
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! // My settings: roll back when the new version's error rate is above 5 % for 2 of 3 minutes.
//! let mut alarm = AlarmSpec::new("errors", MetricSpec::ErrorRate(Version::Replacement), 0.05);
//! (alarm.evaluation_periods, alarm.datapoints_to_alarm) = (3, 2);
//! let mine = AlarmsSpec::one(alarm);
//! let cases = strategies::lambda_case().prop_map(move |case| {
//!     case.edit(|spec| {
//!         let m = spec.monitoring();
//!         *m.alarms = Some(mine.clone());
//!         *m.rollback = RollbackSpec::ALL;
//!     })
//! });
//! let mut runner = TestRunner::new(Config { cases: 8, ..Config::default() });
//! runner
//!     .run(&cases, |case| {
//!         let (scenario, report) = case.simulate();
//!         check_all(&report, &scenario)?;
//!         Ok(())
//!     })
//!     .unwrap();
//! ```
//!
//! The rules are stated exactly in [`invariants`]. They read only what a report shows and
//! the settings the scenario chose, so they apply to hand-written scenarios too.

pub mod history;
pub mod invariants;
pub mod strategies;

pub use invariants::{Violation, check_all};
pub use strategies::Case;
