//! The discrete-event engine: a clock, the future-event list and the loop.
//!
//! The engine knows nothing of CodeDeploy. A [`Model`] owns the simulated state and a
//! closed event enum; the engine delivers events in (time, scheduling sequence) order (see
//! [`queue`]) and the model's `handle` is the one place that state changes. Every delivered
//! event is also a `tracing` event at debug level with the simulated time as a field, so
//! `RUST_LOG=cdsim=debug` shows a run as it happens.
//!
//! Deliberately absent: wall clocks, threads, async runtimes and I/O. A run is a pure
//! function of the model's initial state.

pub mod queue;

use std::fmt::Debug;

use crate::time::{SimDuration, SimTime};
pub use queue::EventQueue;

/// A simulated system driven by the engine.
pub trait Model {
    /// The model's closed set of events.
    type Event: Debug;

    /// Schedules the initial events.
    fn start(&mut self, sched: &mut Scheduler<Self::Event>);

    /// Applies one event. The only place where simulated state changes.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);

    /// True once the model has reached a terminal state; the loop stops there and any
    /// events still pending are discarded.
    fn finished(&self) -> bool;
}

/// The handle a model uses to read the clock and schedule events.
pub struct Scheduler<E> {
    queue: EventQueue<E>,
    delivered: u64,
}

impl<E> Scheduler<E> {
    /// The current simulated time: the time of the event being handled.
    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    /// Schedules `event` to happen `delay` after now.
    pub fn after(&mut self, delay: SimDuration, event: E) {
        let at = self.queue.now() + delay;
        self.queue.push(at, event);
    }

    /// Schedules `event` at the absolute time `at` (not in the past).
    pub fn at(&mut self, at: SimTime, event: E) {
        self.queue.push(at, event);
    }
}

/// What a run did, for benchmarks and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunStats {
    /// Events delivered to the model.
    pub events: u64,
    /// Simulated time of the last delivered event.
    pub end: SimTime,
    /// Events still pending when the model finished.
    pub discarded: usize,
}

impl RunStats {
    /// Before any run.
    pub const NONE: RunStats = RunStats {
        events: 0,
        end: SimTime::ZERO,
        discarded: 0,
    };

    /// These counters followed by those of a later run, `more`.
    pub fn then(&mut self, more: RunStats) {
        self.events += more.events;
        self.end = more.end;
        self.discarded += more.discarded;
    }
}

/// Runs `model` until it is finished or no event is left.
pub fn run<M: Model>(model: &mut M) -> RunStats {
    let mut sched = Scheduler {
        queue: EventQueue::new(),
        delivered: 0,
    };
    model.start(&mut sched);
    while !model.finished() {
        let Some((time, event)) = sched.queue.pop() else {
            break;
        };
        sched.delivered += 1;
        tracing::trace!(target: "cdsim::engine", t = %time, "event delivered");
        model.handle(event, &mut sched);
    }
    RunStats {
        events: sched.delivered,
        end: sched.queue.now(),
        discarded: sched.queue.len(),
    }
}
