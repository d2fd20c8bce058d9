//! The future-event list.
//!
//! **Tie order.** Events are delivered in order of (time, sequence number), where the
//! sequence number is assigned when the event is scheduled. Two events at the same simulated
//! time are therefore delivered in the order they were scheduled (FIFO), the rule of SimPy,
//! ns-3 and nexosim. Nothing else breaks ties, so the order never depends on event contents,
//! memory addresses or hashing.
//!
//! **Same-time fast path.** An event scheduled for the current instant goes into a FIFO
//! instead of the heap. This preserves the tie order: every event already in the heap at
//! the current instant was scheduled earlier (it has a smaller sequence number) and is
//! delivered first; everything in the FIFO was scheduled at the current instant, in order.
//!
//! Cancellation is not a queue operation: handlers ignore stale events by a generation
//! check (see `platform::server`), which keeps the queue a plain heap.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::time::SimTime;

/// A heap entry. The key packs (time, seq) into one `u128` so that comparison is one
/// integer compare.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// Pending events ordered by (time, scheduling sequence).
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Entry<E>>>,
    now_fifo: VecDeque<E>,
    now: SimTime,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            now_fifo: VecDeque::new(),
            now: SimTime::ZERO,
            next_seq: 0,
        }
    }

    /// The time of the last delivered event (the current simulated instant).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events still pending.
    pub fn len(&self) -> usize {
        self.heap.len() + self.now_fifo.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Schedules `event` at `time`, which may not be in the past.
    pub fn push(&mut self, time: SimTime, event: E) {
        assert!(time >= self.now, "event scheduled in the past: {time} < {}", self.now);
        let seq = self.next_seq;
        self.next_seq += 1;
        if time == self.now {
            self.now_fifo.push_back(event);
        } else {
            let key = (u128::from(time.as_millis()) << 64) | u128::from(seq);
            self.heap.push(Reverse(Entry { key, event }));
        }
    }

    /// Removes and returns the earliest event, advancing the current instant to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let heap_first = self.heap.peek().is_some_and(|Reverse(e)| entry_time(e.key) == self.now);
        if !heap_first && let Some(event) = self.now_fifo.pop_front() {
            return Some((self.now, event));
        }
        let Reverse(entry) = self.heap.pop()?;
        let time = entry_time(entry.key);
        assert!(time >= self.now, "queue order violated");
        self.now = time;
        Some((time, entry.event))
    }
}

fn entry_time(key: u128) -> SimTime {
    SimTime::from_millis((key >> 64) as u64)
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
