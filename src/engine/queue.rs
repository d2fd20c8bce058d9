//! The future-event list.
//!
//! **Tie order.** Events are delivered in order of (time, sequence number), where the
//! sequence number is assigned when the event is scheduled. Two events at the same simulated
//! time are therefore delivered in the order they were scheduled (FIFO), the rule of SimPy,
//! ns-3 and nexosim. Nothing else breaks ties, so the order never depends on event contents,
//! memory addresses or hashing.
//!
//! **Structure: a radix heap** on the integer millisecond time (Ahuja, Mehlhorn, Orlin and
//! Tarjan), with 64-way digits. Simulated time never goes backwards, so every pending event
//! is at or after `now`. Times are read as 11 digits of 6 bits (the last has 4); an event
//! at time `t > now` is kept in bucket (level, digit): `level` is the highest digit in which
//! `t` differs from `now` and `digit` is `t`'s value there. Events at `now` are in a FIFO.
//! Buckets are ordered by level, then digit: every event of an earlier bucket is due before
//! any event of a later one. To advance, the first non-empty bucket is emptied: its earliest
//! time becomes `now` and its events are redistributed, in their order, into lower levels or
//! the FIFO (they agree with the new `now` at their old level and above). Every other event
//! keeps its bucket. So each event moves at most 11 times (in W1, where events are at most
//! minutes ahead, at most 4), a push is O(1), a fleet of 100,000 instances costs no `log n`
//! sift per event, and the buckets are scanned sequentially, which caches well. Bit masks
//! of the occupied buckets find the first one without a scan.
//!
//! **Memory.** A bucket is a vector of up to `BLOCK` events that it keeps when emptied
//! (a bucket reused every cycle of its digit costs no allocation, and small buckets stay
//! small and close together), then, when that is full, blocks of `BLOCK` events drawn
//! from a pool shared by all buckets, which an emptied bucket returns. So filling a large
//! bucket never copies it to a larger allocation, and the queue holds about as much memory
//! as its pending events: W1 at N = 100,000 (100,000 events pending at once)
//! touches a few MB instead of the 14 MB of growable vectors, each of whose pages a
//! one-shot run pays a page fault for.
//!
//! Why this keeps the tie order: all events at one time are always in the same bucket, and
//! neither pushing (an append) nor redistributing (in order) reorders events within a
//! bucket; events reach the current-instant FIFO in the order they were scheduled.
//!
//! Cancellation is not a queue operation: handlers ignore stale events by a generation
//! check (see `platform::server`), which keeps the queue simple.

use std::collections::VecDeque;

use crate::time::SimTime;

/// Bits per digit of a time.
const DIGIT_BITS: u32 = 6;
/// Values of a digit (at most 64: a level's occupied digits are a `u64` mask).
const DIGITS: usize = 1 << DIGIT_BITS;
/// Digits of a 64-bit time.
const LEVELS: usize = u64::BITS.div_ceil(DIGIT_BITS) as usize;
/// Events per block of a bucket.
const BLOCK: usize = 128;

/// A pending event at time `.0` (milliseconds) outside the current instant.
type Entry<E> = (u64, E);

/// Pending events ordered by (time, scheduling sequence).
pub struct EventQueue<E> {
    now_fifo: VecDeque<E>,
    /// Bucket (level, digit) at `level * DIGITS + digit`: its first `BLOCK` events in
    /// scheduling order...
    buckets: Vec<Vec<Entry<E>>>,
    /// ...and the rest, in blocks of `BLOCK` from the pool (non-empty only when the
    /// bucket's own vector is full).
    overflow: Vec<Vec<Vec<Entry<E>>>>,
    /// Empty blocks (each with room for `BLOCK` events), for whichever bucket fills next.
    pool: Vec<Vec<Entry<E>>>,
    /// Per level, bit `d` is set when bucket (level, d) holds events.
    occupied: [u64; LEVELS],
    /// Bit `level` is set when any bucket of `level` holds events.
    levels: u64,
    now: SimTime,
    len: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue at time zero.
    pub fn new() -> Self {
        EventQueue {
            now_fifo: VecDeque::new(),
            buckets: (0..LEVELS * DIGITS).map(|_| Vec::new()).collect(),
            overflow: (0..LEVELS * DIGITS).map(|_| Vec::new()).collect(),
            pool: Vec::new(),
            occupied: [0; LEVELS],
            levels: 0,
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

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Schedules `event` at `time`, which may not be in the past.
    pub fn push(&mut self, time: SimTime, event: E) {
        assert!(time >= self.now, "event scheduled in the past: {time} < {}", self.now);
        self.len += 1;
        let t = time.as_millis();
        match bucket(t, self.now.as_millis()) {
            None => self.now_fifo.push_back(event),
            Some(b) => self.push_to(b, t, event),
        }
    }

    fn push_to(&mut self, (level, digit): (usize, usize), t: u64, event: E) {
        let i = level * DIGITS + digit;
        if self.buckets[i].len() < BLOCK {
            // (Then the overflow is empty: it fills only once the bucket's vector is full.)
            self.buckets[i].push((t, event));
        } else {
            let overflow = &mut self.overflow[i];
            match overflow.last_mut() {
                Some(block) if block.len() < BLOCK => block.push((t, event)),
                _ => {
                    let mut block = self.pool.pop().unwrap_or_else(|| Vec::with_capacity(BLOCK));
                    block.push((t, event));
                    overflow.push(block);
                }
            }
        }
        self.occupied[level] |= 1 << digit;
        self.levels |= 1 << level;
    }

    /// The occupied buckets, earliest first.
    fn occupied_buckets(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        Bits(self.levels).flat_map(|level| Bits(self.occupied[level]).map(move |digit| (level, digit)))
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
        let (level, digit) = self.occupied_buckets().next()?;
        self.occupied[level] &= !(1 << digit);
        if self.occupied[level] == 0 {
            self.levels &= !(1 << level);
        }
        let i = level * DIGITS + digit;
        let mut head = std::mem::take(&mut self.buckets[i]);
        // The overflow holds events only when the bucket's own vector is full.
        let overflowed = head.len() == BLOCK && !self.overflow[i].is_empty();
        let mut min = head.iter().map(|&(t, _)| t).min().expect("non-empty");
        if overflowed {
            min = self.overflow[i].iter().flatten().map(|&(t, _)| t).fold(min, u64::min);
        }
        assert!(min > self.now.as_millis(), "queue order violated");
        self.now = SimTime::from_millis(min);
        self.redistribute(level, min, &mut head);
        self.buckets[i] = head; // keep the allocation for the digit's next cycle
        if overflowed {
            let mut rest = std::mem::take(&mut self.overflow[i]);
            for mut block in rest.drain(..) {
                self.redistribute(level, min, &mut block);
                self.pool.push(block);
            }
            self.overflow[i] = rest;
        }
        Some(())
    }

    /// Moves the events of `block`, emptied from a bucket of `level`, to where they belong
    /// now that the current instant is `min`, in their order.
    fn redistribute(&mut self, level: usize, min: u64, block: &mut Vec<Entry<E>>) {
        for (t, e) in block.drain(..) {
            match bucket(t, min) {
                None => self.now_fifo.push_back(e),
                Some(b) => {
                    assert!(b.0 < level, "redistribution moves events down");
                    self.push_to(b, t, e);
                }
            }
        }
    }
}

/// The bucket (level, digit) of an event at `t` when the current instant is `now`; `None`
/// when `t == now`.
fn bucket(t: u64, now: u64) -> Option<(usize, usize)> {
    let differ = t ^ now;
    (differ != 0).then(|| {
        let level = (u64::BITS - 1 - differ.leading_zeros()) / DIGIT_BITS;
        let digit = (t >> (level * DIGIT_BITS)) as usize & (DIGITS - 1);
        (level as usize, digit)
    })
}

/// The set bits of a mask, lowest first.
struct Bits(u64);

impl Iterator for Bits {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        (self.0 != 0).then(|| {
            let b = self.0.trailing_zeros() as usize;
            self.0 &= self.0 - 1;
            b
        })
    }
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
