//! The engine against a bare binary heap, on the same event stream.
//!
//! Workload ("hold model"): K processes, each with one pending event; delivering a process's
//! event reschedules it after a pseudo-random delay, M times in all, so K·M = 1,000,000
//! events are delivered and the queue holds K events throughout. The delays (1 ms to
//! 10 s) come from SplitMix64, precomputed into a table before timing, so sampling costs
//! nothing inside the measured loop; event i draws `table[i mod len]`, and since every
//! implementation delivers in (time, scheduling order) all see the same stream.
//!
//! Rows, each at K = 100, 10,000 and 100,000 (W1 at N = 100,000 holds 50,000 to 100,000
//! pending events):
//! - `bare_heap`: `BinaryHeap<Reverse<(u64 time, u64 seq, payload)>>` and a `while let`;
//! - `event_queue`: `cdsim::engine::EventQueue` pushed and popped directly;
//! - `engine_run`: a `cdsim::engine::Model` driven by `cdsim::engine::run` (the loop the
//!   simulator uses, with its `finished()` check and per-event `tracing` callsite);
//! - `radix_heap`: a reference for a possible replacement of the binary heap, a radix heap
//!   on the integer time with FIFO buckets (same tie order; not used by cdsim).
//!
//! Every row checks the final clock, event count and delivery order (a checksum of the
//! process ids in delivery order) against the bare loop, so all do the same work.
//! Criterion reports throughput in events per second.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::time::Duration;

use cdsim::engine::{self, EventQueue, Model, Scheduler};
use cdsim::time::{SimDuration, SimTime};
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

/// Events delivered per run: K·M with M = TOTAL / K.
const TOTAL: u64 = 1_000_000;
/// Length of the precomputed delay table (a power of two).
const TABLE: usize = 1 << 16;

/// The precomputed delays, in milliseconds, 1..=10_000 (SplitMix64).
fn delay_table() -> Vec<u64> {
    let mut state = 0x5EED_u64;
    (0..TABLE)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            1 + z % 10_000
        })
        .collect()
}

/// The payload every implementation carries: which process, and how many reschedulings
/// it has left.
#[derive(Clone, Copy, Debug)]
struct Hold {
    process: u32,
    left: u32,
}

// The bare heap orders tuples; (time, seq) is unique, so the payload never decides and an
// always-equal order is correct.
impl PartialEq for Hold {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Hold {}
impl PartialOrd for Hold {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Hold {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

/// What a run did, for cross-checking: events delivered, final clock (ms), and a checksum
/// of the delivery order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Outcome {
    events: u64,
    end: u64,
    order: u64,
}

/// The workload's state outside the queue: the delay cursor and the counters.
struct Driver<'d> {
    delays: &'d [u64],
    drawn: usize,
    out: Outcome,
}

impl<'d> Driver<'d> {
    fn new(delays: &'d [u64]) -> Self {
        Driver {
            delays,
            drawn: 0,
            out: Outcome {
                events: 0,
                end: 0,
                order: 0,
            },
        }
    }

    fn draw(&mut self) -> u64 {
        let d = self.delays[self.drawn & (TABLE - 1)];
        self.drawn += 1;
        d
    }

    /// Counts a delivered event; returns the event to schedule next, if any.
    fn deliver(&mut self, now: u64, hold: Hold) -> Option<Hold> {
        self.out.events += 1;
        self.out.end = now;
        self.out.order = self.out.order.wrapping_mul(31).wrapping_add(u64::from(hold.process));
        (hold.left > 0).then_some(Hold {
            process: hold.process,
            left: hold.left - 1,
        })
    }
}

fn bare_heap(k: u32, m: u32, delays: &[u64]) -> Outcome {
    let mut d = Driver::new(delays);
    let mut heap: BinaryHeap<Reverse<(u64, u64, Hold)>> = BinaryHeap::with_capacity(k as usize);
    let mut seq = 0u64;
    for process in 0..k {
        heap.push(Reverse((d.draw(), seq, Hold { process, left: m - 1 })));
        seq += 1;
    }
    while let Some(Reverse((now, _, hold))) = heap.pop() {
        if let Some(next) = d.deliver(now, hold) {
            heap.push(Reverse((now + d.draw(), seq, next)));
            seq += 1;
        }
    }
    d.out
}

fn event_queue(k: u32, m: u32, delays: &[u64]) -> Outcome {
    let mut d = Driver::new(delays);
    let mut q = EventQueue::new();
    for process in 0..k {
        q.push(SimTime::from_millis(d.draw()), Hold { process, left: m - 1 });
    }
    while let Some((now, hold)) = q.pop() {
        if let Some(next) = d.deliver(now.as_millis(), hold) {
            q.push(now + SimDuration::from_millis(d.draw()), next);
        }
    }
    d.out
}

/// The same workload as a `Model`.
struct HoldModel<'d> {
    k: u32,
    m: u32,
    driver: Driver<'d>,
}

impl Model for HoldModel<'_> {
    type Event = Hold;

    fn start(&mut self, sched: &mut Scheduler<Hold>) {
        for process in 0..self.k {
            let delay = SimDuration::from_millis(self.driver.draw());
            sched.after(
                delay,
                Hold {
                    process,
                    left: self.m - 1,
                },
            );
        }
    }

    fn handle(&mut self, hold: Hold, sched: &mut Scheduler<Hold>) {
        if let Some(next) = self.driver.deliver(sched.now().as_millis(), hold) {
            let delay = SimDuration::from_millis(self.driver.draw());
            sched.after(delay, next);
        }
    }

    fn finished(&self) -> bool {
        false // runs until the queue is empty
    }
}

fn engine_run(k: u32, m: u32, delays: &[u64]) -> Outcome {
    let mut model = HoldModel {
        k,
        m,
        driver: Driver::new(delays),
    };
    let stats = engine::run(&mut model);
    assert_eq!(
        (stats.events, stats.end.as_millis()),
        (model.driver.out.events, model.driver.out.end)
    );
    model.driver.out
}

/// A radix heap on integer times (monotone: nothing is scheduled before the last delivered
/// time). Bucket 0 holds the events at the current time in FIFO order; bucket i > 0 the
/// events whose time first differs from the current time at bit i − 1. Events with equal
/// times always share a bucket and buckets are only appended to and redistributed in order,
/// so equal times are delivered in scheduling order, as in `EventQueue`.
struct RadixHeap<E> {
    now: u64,
    current: VecDeque<E>,
    buckets: Vec<Vec<(u64, E)>>,
    len: usize,
}

impl<E> RadixHeap<E> {
    fn new() -> Self {
        RadixHeap {
            now: 0,
            current: VecDeque::new(),
            buckets: (0..=64).map(|_| Vec::new()).collect(),
            len: 0,
        }
    }

    fn push(&mut self, time: u64, event: E) {
        assert!(time >= self.now, "scheduled in the past");
        self.len += 1;
        match time ^ self.now {
            0 => self.current.push_back(event),
            x => self.buckets[64 - x.leading_zeros() as usize].push((time, event)),
        }
    }

    fn pop(&mut self) -> Option<(u64, E)> {
        if self.current.is_empty() {
            let i = (1..=64).find(|&i| !self.buckets[i].is_empty())?;
            let mut bucket = std::mem::take(&mut self.buckets[i]);
            self.now = bucket.iter().map(|&(t, _)| t).min().expect("non-empty");
            for (t, e) in bucket.drain(..) {
                match t ^ self.now {
                    0 => self.current.push_back(e),
                    x => self.buckets[64 - x.leading_zeros() as usize].push((t, e)),
                }
            }
            debug_assert!(self.buckets[i].is_empty(), "redistribution goes to lower buckets");
            self.buckets[i] = bucket; // keep the allocation (it is empty again)
        }
        self.len -= 1;
        self.current.pop_front().map(|e| (self.now, e))
    }
}

fn radix_heap(k: u32, m: u32, delays: &[u64]) -> Outcome {
    let mut d = Driver::new(delays);
    let mut q = RadixHeap::new();
    for process in 0..k {
        q.push(d.draw(), Hold { process, left: m - 1 });
    }
    while let Some((now, hold)) = q.pop() {
        if let Some(next) = d.deliver(now, hold) {
            q.push(now + d.draw(), next);
        }
    }
    assert_eq!(q.len, 0);
    d.out
}

/// One implementation of the workload: (K, M, delay table) → what it did.
type Workload = fn(u32, u32, &[u64]) -> Outcome;

fn benches(c: &mut Criterion) {
    let delays = delay_table();
    let mut group = c.benchmark_group("hold");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    for k in [100u32, 10_000, 100_000] {
        let m = (TOTAL / u64::from(k)) as u32;
        let expected = bare_heap(k, m, &delays);
        assert_eq!(expected.events, TOTAL);
        let runs: [(&str, Workload); 4] = [
            ("bare_heap", bare_heap),
            ("event_queue", event_queue),
            ("engine_run", engine_run),
            ("radix_heap", radix_heap),
        ];
        for (name, f) in runs {
            assert_eq!(f(k, m, &delays), expected, "{name} delivers the same stream at K={k}");
        }
        group.throughput(Throughput::Elements(TOTAL));
        for (name, f) in runs {
            group.bench_with_input(BenchmarkId::new(name, format!("K={k}")), &k, |b, &k| {
                b.iter(|| f(black_box(k), m, &delays));
            });
        }
    }
    group.finish();
}

criterion_group!(engine_benches, benches);
criterion_main!(engine_benches);
