//! The event queue against a shadow model (design notes §3, §7): a `BTreeMap` keyed by
//! (time, sequence number of scheduling) is the specification of the delivery order — time
//! first, then FIFO among equal times — and `EventQueue` must agree with it under random
//! pushes and pops, including many pushes at the current instant (the same-time fast path).

use std::collections::BTreeMap;

use cdsim::engine::EventQueue;
use cdsim::time::SimTime;
use proptest::prelude::*;

#[derive(Clone, Copy, Debug)]
enum Op {
    /// Schedule at now + delay (ms).
    Push(u64),
    Pop,
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        // Delay 0 hits the same-time FIFO; small delays make many equal future times.
        4 => Just(Op::Push(0)),
        4 => (1u64..=3).prop_map(Op::Push),
        1 => (4u64..=1_000).prop_map(Op::Push),
        1 => (1_001u64..=10_000_000).prop_map(Op::Push),
        1 => Just(Op::Push(u64::from(u32::MAX))),
        6 => Just(Op::Pop),
    ]
}

/// The specification: pending events by (time, scheduling sequence).
#[derive(Default)]
struct Shadow {
    pending: BTreeMap<(u64, u64), u32>,
    next_seq: u64,
    now: u64,
}

impl Shadow {
    fn push(&mut self, time: u64, value: u32) {
        assert!(time >= self.now);
        self.pending.insert((time, self.next_seq), value);
        self.next_seq += 1;
    }

    fn pop(&mut self) -> Option<(u64, u32)> {
        let ((time, _), value) = self.pending.pop_first()?;
        self.now = time;
        Some((time, value))
    }
}

fn check(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut q: EventQueue<u32> = EventQueue::new();
    let mut shadow = Shadow::default();
    let mut next_value = 0u32;
    for (step, &op) in ops.iter().enumerate() {
        match op {
            Op::Push(delay) => {
                let at = q.now().as_millis() + delay;
                q.push(SimTime::from_millis(at), next_value);
                shadow.push(at, next_value);
                next_value += 1;
            }
            Op::Pop => {
                let got = q.pop().map(|(t, v)| (t.as_millis(), v));
                prop_assert_eq!(got, shadow.pop(), "step {}: pop", step);
            }
        }
        prop_assert_eq!(q.len(), shadow.pending.len(), "step {}: len", step);
        prop_assert_eq!(q.is_empty(), shadow.pending.is_empty(), "step {}: is_empty", step);
        prop_assert_eq!(q.now().as_millis(), shadow.now, "step {}: now", step);
    }
    // Drain: everything left comes out in the specified order.
    loop {
        let got = q.pop().map(|(t, v)| (t.as_millis(), v));
        let want = shadow.pop();
        prop_assert_eq!(got, want, "drain");
        if want.is_none() {
            break;
        }
    }
    prop_assert_eq!(q.len(), 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn queue_matches_the_shadow_model(ops in proptest::collection::vec(arb_op(), 0..300)) {
        check(&ops)?;
    }

    /// Bursts: many events at one future instant, then more pushed at that instant while it
    /// is being delivered (the fast path must come after the heap's earlier-scheduled ones).
    #[test]
    fn equal_time_bursts_are_fifo(
        burst in 1usize..40,
        during in proptest::collection::vec(0usize..4, 1..40),
        at in 1u64..5,
    ) {
        let mut ops = vec![Op::Push(at); burst];
        for k in during {
            ops.push(Op::Pop);
            ops.extend(std::iter::repeat_n(Op::Push(0), k));
        }
        check(&ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Buckets holding more events than their own vector (128) overflow into pooled blocks:
    /// hundreds of events due within a few buckets, delivered partly between bursts so that
    /// blocks go back to the pool and are reused, keep the (time, scheduling) order.
    #[test]
    fn overflowing_buckets_keep_the_order(
        rounds in proptest::collection::vec((100u64..700, 1u64..200, 1usize..400), 1..5),
    ) {
        let mut ops = Vec::new();
        for (n, spread, pops) in rounds {
            ops.extend((0..n).map(|i| Op::Push(64 + (i * 7) % spread)));
            ops.extend(std::iter::repeat_n(Op::Pop, pops));
        }
        check(&ops)?;
    }
}

/// A hand-written case of the fast path's subtle order: events already in the heap for the
/// current instant were scheduled earlier than anything pushed at that instant.
#[test]
fn heap_entries_at_now_come_before_fast_path_entries() {
    let t = SimTime::from_millis;
    let mut q = EventQueue::new();
    q.push(t(7), "heap-1");
    q.push(t(7), "heap-2");
    assert_eq!(q.pop(), Some((t(7), "heap-1")));
    q.push(t(7), "now-1");
    q.push(t(8), "later");
    q.push(t(7), "now-2");
    let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
    assert_eq!(
        order,
        vec![(t(7), "heap-2"), (t(7), "now-1"), (t(7), "now-2"), (t(8), "later")]
    );
    assert!(q.is_empty());
}

#[test]
#[should_panic(expected = "in the past")]
fn pushing_in_the_past_panics() {
    let mut q = EventQueue::new();
    q.push(SimTime::from_millis(10), 1);
    assert_eq!(q.pop(), Some((SimTime::from_millis(10), 1)));
    q.push(SimTime::from_millis(9), 2);
}
