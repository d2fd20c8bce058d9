//! The future-event list.
//!
//! **Tie order.** Events are delivered in order of (time, sequence number), where the
//! sequence number is assigned when the event is scheduled. Two events at the same simulated
//! time are therefore delivered in the order they were scheduled (FIFO), the rule of SimPy,
//! ns-3 and nexosim. Nothing else breaks ties, so the order never depends on event contents,
//! memory addresses or hashing.
//!
//! **Structure: a radix heap** on the integer millisecond time (Ahuja, Mehlhorn, Orlin and
//! Tarjan). Simulated time never goes backwards, so every pending event is at or after
//! `now`; an event at time `t` is kept in bucket `b = bit length of (t XOR now)`. Bucket 0
//! (`t == now`) is a FIFO. To advance, the lowest non-empty bucket is emptied: its earliest
//! time becomes `now` and its events are redistributed, in their order, into lower buckets.
//! Every other event keeps its bucket (its highest bit differing from the old `now` is also
//! the highest differing from the new one). Each event moves down at most 64 times, and a
//! push is O(1), so a fleet of 100,000 instances costs no `log n` sift per event, and the
//! buckets are scanned sequentially, which caches well.
//!
//! Why this keeps the tie order: all events at one time are always in the same bucket, and
//! neither pushing (an append) nor redistributing (in order) reorders events within a
//! bucket; events reach the current-instant FIFO in the order they were scheduled.
//!
//! Cancellation is not a queue operation: handlers ignore stale events by a generation
//! check (see `platform::server`), which keeps the queue simple.

use std::collections::VecDeque;

use crate::time::SimTime;

/// Buckets 1..=64 by the bit length of `time XOR now`; bucket 0 is `now_fifo`.
const BUCKETS: usize = 65;

/// Pending events ordered by (time, scheduling sequence).
pub struct EventQueue<E> {
    now_fifo: VecDeque<E>,
    buckets: Vec<Vec<(u64, E)>>,
    /// Bit `b - 1` is set when bucket `b` (1..=64) holds events.
    occupied: u64,
    now: SimTime,
    len: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            now_fifo: VecDeque::new(),
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            occupied: 0,
            now: SimTime::ZERO,
            len: 0,
        }
    }

    /// The time of the last delivered event (the current simulated instant).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events still pending.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Schedules `event` at `time`, which may not be in the past.
    pub fn push(&mut self, time: SimTime, event: E) {
        assert!(time >= self.now, "event scheduled in the past: {time} < {}", self.now);
        self.len += 1;
        let t = time.as_millis();
        match bucket(t, self.now.as_millis()) {
            0 => self.now_fifo.push_back(event),
            b => self.push_to(b, t, event),
        }
    }

    fn push_to(&mut self, b: usize, t: u64, event: E) {
        self.buckets[b].push((t, event));
        self.occupied |= 1 << (b - 1);
    }

    /// Up to `n` events due soon, for prefetch hints (without advancing time): those due
    /// now in delivery order, then those of the nearest buckets, each of which is due
    /// before any event of a farther bucket (within a bucket, in scheduling order, which
    /// may differ from delivery order).
    pub fn upcoming(&self, n: usize) -> impl Iterator<Item = &E> {
        let soon = OccupiedBuckets(self.occupied).flat_map(|b| self.buckets[b].iter().map(|(_, e)| e));
        self.now_fifo.iter().chain(soon).take(n)
    }

    /// Removes and returns the earliest event, advancing the current instant to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if self.now_fifo.is_empty() {
            self.advance()?;
        }
        let event = self.now_fifo.pop_front().expect("advance fills the FIFO");
        self.len -= 1;
        Some((self.now, event))
    }

    /// Moves `now` to the earliest pending time and its events into the FIFO.
    fn advance(&mut self) -> Option<()> {
        let i = OccupiedBuckets(self.occupied).next()?;
        self.occupied &= !(1 << (i - 1));
        let mut bucket_i = std::mem::take(&mut self.buckets[i]);
        let min = bucket_i.iter().map(|&(t, _)| t).min().expect("non-empty");
        assert!(min > self.now.as_millis(), "queue order violated");
        self.now = SimTime::from_millis(min);
        for (t, e) in bucket_i.drain(..) {
            match bucket(t, min) {
                0 => self.now_fifo.push_back(e),
                b => {
                    assert!(b < i, "redistribution moves events down");
                    self.push_to(b, t, e);
                }
            }
        }
        self.buckets[i] = bucket_i; // keep the allocation
        Some(())
    }
}

/// The occupied buckets of an `occupied` mask, nearest first.
struct OccupiedBuckets(u64);

impl Iterator for OccupiedBuckets {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        (self.0 != 0).then(|| {
            let b = self.0.trailing_zeros() as usize + 1;
            self.0 &= self.0 - 1;
            b
        })
    }
}

/// The bucket of an event at `t` when the current instant is `now`.
fn bucket(t: u64, now: u64) -> usize {
    (u64::BITS - (t ^ now).leading_zeros()) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_are_fifo_including_the_fast_path() {
        let mut q = EventQueue::new();
        q.push(SimTime::from_millis(5), 'a');
        q.push(SimTime::from_millis(5), 'b');
        q.push(SimTime::from_millis(1), 'c');
        assert_eq!(q.pop(), Some((SimTime::from_millis(1), 'c')));
        q.push(SimTime::from_millis(5), 'd'); // heap, after a and b
        assert_eq!(q.pop(), Some((SimTime::from_millis(5), 'a')));
        q.push(SimTime::from_millis(5), 'e'); // fast path, after b and d
        let rest: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(rest, vec!['b', 'd', 'e']);
    }
}
