//! JSON rendering of reports: the bytes of serde_json's pretty printing (two-space indent)
//! of the report's serde shape, deterministic (struct field order, no maps), rendered in
//! chunks so that a large fleet's JSON is never held whole: the command line hands each
//! chunk on as it is produced (`cli::stream`), `to_string` keeps them all.
//!
//! The report's own fields and each deployment's are written through serde (the derive is
//! the one statement of the shape); a deployment's targets and the capacity series, which
//! grow with the fleet, are written one element at a time, an in-place fleet's targets
//! straight from the run's records with pre-rendered constant fragments
//! (`in_place_json.rs`). Those two arrays are rendered in blocks of elements, each block
//! from scratch but for a writer's caches, by an `InOrder` that hands the blocks on in
//! order: `OneThread` here, or the command line's, which spreads them over threads
//! (`cli::stream`); the bytes are the same either way. Every writer here gives serde's
//! bytes; `tests/it/reports.rs` compares them on every committed scenario.
//!
//! Not here: the report's shape (`mod.rs`), I/O (the caller's `sink`), threads (the
//! caller's `InOrder`).

use std::convert::Infallible;

use serde::Serialize;

use super::{CapacityPoint, DeploymentInfo, Report, Targets};

/// Rendered bytes are handed on once they pass this many.
pub const CHUNK: usize = 1 << 18;

/// Targets rendered by one thread at a time: about 290 KB for an in-place instance of 13
/// lifecycle events.
const TARGETS_PER_BLOCK: usize = 64;

/// Capacity points rendered by one thread at a time: about 400 KB.
const POINTS_PER_BLOCK: usize = 4096;

/// The report as pretty-printed JSON with a final newline: the bytes of `report.json`.
pub fn to_string(report: &Report) -> String {
    let mut all = Vec::new();
    let Ok(()) = render(report, &OneThread, |b| {
        all.extend_from_slice(b);
        Ok::<(), Infallible>(())
    });
    String::from_utf8(all).expect("the JSON of a report is UTF-8")
}

/// Renders blocks of a large array's elements and hands their bytes on in order.
pub trait InOrder {
    /// Hands `sink` the bytes of blocks `0..blocks` in order, block `b` rendered by
    /// `render(state, b, buffer)` into an empty buffer, with a `state` that `init` made
    /// (one per thread that renders); the first error of `sink` ends the rendering and is
    /// returned.
    fn in_order<T, E>(
        &self,
        blocks: usize,
        init: impl Fn() -> T + Sync,
        render: impl Fn(&mut T, usize, &mut Vec<u8>) + Sync,
        sink: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E>;
}

/// Every block rendered on the calling thread, one after the other.
pub struct OneThread;

impl InOrder for OneThread {
    fn in_order<T, E>(
        &self,
        blocks: usize,
        init: impl Fn() -> T + Sync,
        render: impl Fn(&mut T, usize, &mut Vec<u8>) + Sync,
        mut sink: impl FnMut(&[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let (mut state, mut buf) = (init(), Vec::new());
        for b in 0..blocks {
            render(&mut state, b, &mut buf);
            sink(&buf)?;
            buf.clear();
        }
        Ok(())
    }
}

/// Renders the report's JSON and a final newline, handing `sink` the bytes in order, in
/// pieces of about `CHUNK` bytes or a block of elements, so that about that much is held
/// per rendering thread. A deployment's targets and the capacity series are rendered in
/// blocks by `blocks`. The first error of `sink` ends the rendering.
pub fn render<E>(report: &Report, blocks: &impl InOrder, sink: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
    let mut w = Chunks {
        out: Vec::with_capacity(2 * CHUNK),
        sink,
        blocks,
    };
    // Every field, named: a field added to `Report` must be written here too.
    let Report {
        scenario,
        seed,
        deployments,
        metrics,
        capacity,
        traffic,
        alarms,
        refused_requests,
    } = report;
    w.out.push(b'{');
    field(&mut w.out, 1, true, "scenario", scenario);
    field(&mut w.out, 1, false, "seed", seed);
    key(&mut w.out, 1, false, "deployments");
    w.out.push(b'[');
    for (i, d) in deployments.iter().enumerate() {
        if i > 0 {
            w.out.push(b',');
        }
        line(&mut w.out, 2);
        deployment_head(&mut w.out, 2, d);
        w.targets(4, &d.targets)?;
        w.spill()?;
    }
    if !deployments.is_empty() {
        line(&mut w.out, 1);
    }
    w.out.push(b']');
    field(&mut w.out, 1, false, "metrics", metrics);
    if !capacity.is_empty() {
        key(&mut w.out, 1, false, "capacity");
        w.out.push(b'[');
        w.elements(2, capacity.len(), POINTS_PER_BLOCK, || {
            |i, out: &mut Vec<u8>| capacity_point(out, 2, &capacity[i])
        })?;
        line(&mut w.out, 1);
        w.out.push(b']');
    }
    if let Some(traffic) = traffic {
        field(&mut w.out, 1, false, "traffic", traffic);
    }
    if !alarms.is_empty() {
        field(&mut w.out, 1, false, "alarms", alarms);
    }
    if !refused_requests.is_empty() {
        field(&mut w.out, 1, false, "refusedRequests", refused_requests);
    }
    line(&mut w.out, 0);
    w.out.extend_from_slice(b"}\n");
    w.flush()
}

/// The rendering buffer, where its bytes go, and what renders the large arrays.
struct Chunks<'a, S, B> {
    out: Vec<u8>,
    sink: S,
    blocks: &'a B,
}

impl<E, S: FnMut(&[u8]) -> Result<(), E>, B: InOrder> Chunks<'_, S, B> {
    /// Hands the buffer on.
    fn flush(&mut self) -> Result<(), E> {
        if !self.out.is_empty() {
            (self.sink)(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    /// Hands the buffer on once it passes `CHUNK` bytes.
    fn spill(&mut self) -> Result<(), E> {
        if self.out.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    /// The targets of a deployment whose `targets` key is at `depth - 1`, after the key,
    /// and the rest of the deployment's object (`deployment_head` left it open).
    fn targets(&mut self, depth: usize, targets: &Targets) -> Result<(), E> {
        if targets.is_empty() {
            self.out.extend_from_slice(b"[]");
        } else {
            self.out.push(b'[');
            self.elements(depth, targets.len(), TARGETS_PER_BLOCK, || targets.json_writer(depth))?;
            line(&mut self.out, depth - 1);
            self.out.push(b']');
        }
        line(&mut self.out, depth - 2);
        self.out.push(b'}');
        Ok(())
    }

    /// Elements `0..n` of an array whose elements stand `depth` levels in, each after its
    /// separator, written by a writer that `writer` makes (one per rendering thread), in
    /// blocks of `per_block` elements.
    fn elements<W: FnMut(usize, &mut Vec<u8>)>(
        &mut self,
        depth: usize,
        n: usize,
        per_block: usize,
        writer: impl Fn() -> W + Sync,
    ) -> Result<(), E> {
        self.flush()?;
        let block = |w: &mut W, b: usize, out: &mut Vec<u8>| {
            (b * per_block..n.min((b + 1) * per_block)).for_each(|i| element(depth, i, w, out))
        };
        self.blocks
            .in_order(n.div_ceil(per_block), writer, block, &mut self.sink)
    }
}

/// Element `i` of an array whose elements stand `depth` levels in, after its separator.
fn element(depth: usize, i: usize, write: &mut impl FnMut(usize, &mut Vec<u8>), out: &mut Vec<u8>) {
    if i > 0 {
        out.push(b',');
    }
    line(out, depth);
    write(i, out);
}

/// A deployment at `depth` up to its `targets` key: serde's bytes for the deployment with
/// no targets, cut before the empty array (the derive puts `targets` last; a broken
/// invariant otherwise).
fn deployment_head(out: &mut Vec<u8>, depth: usize, d: &DeploymentInfo) {
    let head = DeploymentInfo {
        targets: Targets::from(Vec::new()),
        ..d.clone()
    };
    value(out, depth, &head);
    let mut tail = b"\"targets\": []".to_vec();
    line(&mut tail, depth);
    tail.push(b'}');
    assert!(out.ends_with(&tail), "`targets` is the last field of a deployment");
    out.truncate(out.len() - tail.len() + b"\"targets\": ".len());
}

/// A capacity point at `depth`; the in-place fields without serde when its time is a
/// whole number of milliseconds (as every simulated time is).
fn capacity_point(out: &mut Vec<u8>, depth: usize, p: &CapacityPoint) {
    let ms = (p.time * 1000.0).round();
    let whole_ms = ms >= 0.0 && ms < EXACT_MS as f64 && ms / 1000.0 == p.time;
    if !whole_ms || p.original_running.is_some() || p.replacement_running.is_some() {
        return value(out, depth, p);
    }
    out.push(b'{');
    line(out, depth + 1);
    out.extend_from_slice(b"\"time\": ");
    secs(out, ms as u64);
    out.push(b',');
    line(out, depth + 1);
    out.extend_from_slice(b"\"inService\": ");
    uint(out, p.in_service.into());
    out.push(b',');
    line(out, depth + 1);
    out.extend_from_slice(b"\"onNewRevision\": ");
    uint(out, p.on_new_revision.into());
    line(out, depth);
    out.push(b'}');
}

/// `"name": ` at `depth`, after a comma unless it is an object's `first` key.
pub(crate) fn key(out: &mut Vec<u8>, depth: usize, first: bool, name: &str) {
    if !first {
        out.push(b',');
    }
    line(out, depth);
    value(out, depth, name);
    out.extend_from_slice(b": ");
}

/// `"name": value` at `depth`.
fn field(out: &mut Vec<u8>, depth: usize, first: bool, name: &str, v: &impl Serialize) {
    key(out, depth, first, name);
    value(out, depth, v);
}

/// `v` as serde_json pretty-prints it when it starts on a line indented `depth` levels:
/// pretty-printed, then each line break indented `depth` levels more (a JSON string
/// holds no raw line break, so every one is the printer's).
pub(crate) fn value(out: &mut Vec<u8>, depth: usize, v: &(impl Serialize + ?Sized)) {
    let start = out.len();
    serde_json::to_writer_pretty(&mut *out, v).expect("reports serialize");
    if depth > 0 && out[start..].contains(&b'\n') {
        let printed = out.split_off(start);
        for (i, l) in printed.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                line(out, depth);
            }
            out.extend_from_slice(l);
        }
    }
}

/// Times below this many milliseconds (about 31,700 years) print as their decimal digits:
/// far below 2^42 seconds, where a double's spacing reaches a millisecond.
const EXACT_MS: u64 = 1_000_000_000_000_000;

/// `ms` milliseconds as seconds, as serde_json prints `ms as f64 / 1000.0`.
pub(crate) fn secs(out: &mut Vec<u8>, ms: u64) {
    Secs::new(ms).write(out)
}

/// A time as serde_json prints `ms as f64 / 1000.0` (its shortest round-trip form: `12.0`,
/// `12.5`, `0.001`), composed without a float formatter and kept, for a writer that
/// prints the same time twice (an event's end is the next one's start).
#[derive(Clone, Copy)]
pub(crate) struct Secs {
    /// The time, in milliseconds.
    pub(crate) ms: u64,
    /// The text, first character in the lowest byte: at most 12 digits, the point and 3
    /// more, composed in a register rather than byte by byte in memory.
    text: u128,
    /// How many bytes of `text` are the time; 0 beyond `EXACT_MS`, printed by serde_json.
    len: usize,
}

impl Secs {
    /// `ms` as text.
    pub(crate) fn new(ms: u64) -> Secs {
        if ms >= EXACT_MS {
            return Secs { ms, text: 0, len: 0 };
        }
        // Composed from the last character to the first, each put before the others.
        let put = |text: u128, c: u64| (text << 8) | u128::from(c);
        let digit = |d: u64| u64::from(b'0') + d % 10;
        let (mut whole, f) = (ms / 1000, ms % 1000);
        // Trailing zeros dropped, but one digit kept: `.0`, `.5`, `.25`, `.125`.
        let kept = if f % 100 == 0 {
            1
        } else if f % 10 == 0 {
            2
        } else {
            3
        };
        let mut text = [f / 100, f / 10, f][..kept]
            .iter()
            .rev()
            .fold(0, |text, &d| put(text, digit(d)));
        text = put(text, u64::from(b'.'));
        let mut len = kept + 1;
        loop {
            text = put(text, digit(whole));
            len += 1;
            whole /= 10;
            if whole == 0 {
                break;
            }
        }
        Secs { ms, text, len }
    }

    /// The text into `out`: all 16 bytes copied and cut to length, so that no copy of a
    /// variable length is made.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        if self.len == 0 {
            return value(out, 0, &(self.ms as f64 / 1000.0));
        }
        out.extend_from_slice(&self.text.to_le_bytes());
        out.truncate(out.len() - (16 - self.len));
    }
}

/// `n` in decimal, as serde_json prints it.
pub(crate) fn uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A line break and the indentation of up to 63 levels.
const BREAKS: &[u8; 127] = &{
    let mut b = [b' '; 127];
    b[0] = b'\n';
    b
};

/// A line break and `depth` levels of two-space indentation.
pub(crate) fn line(out: &mut Vec<u8>, depth: usize) {
    match BREAKS.get(..1 + 2 * depth) {
        Some(b) => out.extend_from_slice(b),
        None => {
            out.extend_from_slice(BREAKS);
            (63..depth).for_each(|_| out.extend_from_slice(b"  "));
        }
    }
}

#[cfg(test)]
mod tests {
    /// Milliseconds print as serde_json prints the seconds they make, from the smallest
    /// times to beyond the exact range (where serde_json itself prints them).
    #[test]
    fn secs_are_serde_jsons_seconds() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let spread = (0..200_000u64).map(move |i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x >> (i % 64)
        });
        let edges = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1010, 1100, 123_450];
        let exact = [super::EXACT_MS - 1, super::EXACT_MS];
        for ms in edges
            .into_iter()
            .chain(exact)
            .chain((0..5000).map(|k| k * 7))
            .chain(spread)
        {
            let mut ours = Vec::new();
            super::secs(&mut ours, ms);
            let theirs = serde_json::to_string(&(ms as f64 / 1000.0)).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), theirs, "{ms} ms");
        }
    }

    /// A value starting some levels in is indented as the whole document would have it.
    #[test]
    fn values_are_indented_to_their_depth() {
        let v = serde_json::json!({"a": [1, {"b": []}], "c": {}});
        let whole = serde_json::to_string_pretty(&serde_json::json!({"x": {"y": v}})).unwrap();
        let mut out = Vec::new();
        super::value(&mut out, 2, &v);
        assert!(whole.contains(std::str::from_utf8(&out).unwrap()));
    }
}
