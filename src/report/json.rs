//! JSON rendering of reports: the bytes of serde_json's pretty printing (two-space indent)
//! of the report's serde shape, deterministic (struct field order, no maps), rendered in
//! chunks so that a large fleet's JSON is never held whole: the command line hands each
//! chunk on as it is produced (`cli::stream`), `to_string` keeps them all.
//!
//! The report's own fields and each deployment's are written through serde (the derive is
//! the one statement of the shape); a deployment's targets and the capacity series, which
//! grow with the fleet, are written one element at a time, an in-place fleet's targets
//! straight from the run's records with pre-rendered constant fragments
//! (`in_place_json.rs`). Every writer here gives serde's bytes; `tests/it/reports.rs`
//! compares them on every committed scenario.
//!
//! Not here: the report's shape (`mod.rs`), I/O (the caller's `drain`).

use std::convert::Infallible;

use serde::Serialize;

use super::{CapacityPoint, DeploymentInfo, Report, Targets};

/// Rendered bytes are handed on once they pass this many.
pub const CHUNK: usize = 1 << 18;

/// The report as pretty-printed JSON with a final newline: the bytes of `report.json`.
pub fn to_string(report: &Report) -> String {
    let mut out = Vec::new();
    let Ok(()) = render(report, &mut out, |_| Ok::<(), Infallible>(()));
    String::from_utf8(out).expect("the JSON of a report is UTF-8")
}

/// Renders the report's JSON and a final newline into `out`, handing `drain` the bytes
/// rendered so far whenever they pass `CHUNK` bytes and once at the end. A `drain` that
/// clears `out` streams the JSON (about `CHUNK` bytes held at a time); one that keeps it
/// collects it. The first error of `drain` ends the rendering.
pub fn render<E>(
    report: &Report,
    out: &mut Vec<u8>,
    drain: impl FnMut(&mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let mut w = Chunks { out, drain };
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
    field(w.out, 1, true, "scenario", scenario);
    field(w.out, 1, false, "seed", seed);
    key(w.out, 1, false, "deployments");
    w.array(
        1,
        deployments,
        |out, d| deployment_head(out, 2, d),
        |w, d| w.targets(4, &d.targets),
    )?;
    field(w.out, 1, false, "metrics", metrics);
    if !capacity.is_empty() {
        key(w.out, 1, false, "capacity");
        w.array(1, capacity, |out, p| capacity_point(out, 2, p), |_, _| Ok(()))?;
    }
    if let Some(traffic) = traffic {
        field(w.out, 1, false, "traffic", traffic);
    }
    if !alarms.is_empty() {
        field(w.out, 1, false, "alarms", alarms);
    }
    if !refused_requests.is_empty() {
        field(w.out, 1, false, "refusedRequests", refused_requests);
    }
    line(w.out, 0);
    w.out.extend_from_slice(b"}\n");
    (w.drain)(w.out)
}

/// The rendering buffer and where its chunks go.
struct Chunks<'a, D> {
    out: &'a mut Vec<u8>,
    drain: D,
}

impl<E, D: FnMut(&mut Vec<u8>) -> Result<(), E>> Chunks<'_, D> {
    /// Hands the buffer on once it passes `CHUNK` bytes.
    fn spill(&mut self) -> Result<(), E> {
        if self.out.len() >= CHUNK {
            (self.drain)(self.out)?;
        }
        Ok(())
    }

    /// An array whose brackets are at `depth`: each item written by `head`, then by
    /// `rest` (which may spill as it goes), the buffer spilled after each.
    fn array<T>(
        &mut self,
        depth: usize,
        items: &[T],
        head: impl Fn(&mut Vec<u8>, &T),
        mut rest: impl FnMut(&mut Self, &T) -> Result<(), E>,
    ) -> Result<(), E> {
        self.out.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            line(self.out, depth + 1);
            head(self.out, item);
            rest(self, item)?;
            self.spill()?;
        }
        if !items.is_empty() {
            line(self.out, depth);
        }
        self.out.push(b']');
        Ok(())
    }

    /// The targets of a deployment whose `targets` key is at `depth - 1`, after the key,
    /// and the rest of the deployment's object (`deployment_head` left it open).
    fn targets(&mut self, depth: usize, targets: &Targets) -> Result<(), E> {
        if targets.is_empty() {
            self.out.extend_from_slice(b"[]");
        } else {
            self.out.push(b'[');
            let mut target = targets.json_writer(depth);
            for i in 0..targets.len() {
                if i > 0 {
                    self.out.push(b',');
                }
                line(self.out, depth);
                target(i, self.out);
                self.spill()?;
            }
            line(self.out, depth - 1);
            self.out.push(b']');
        }
        line(self.out, depth - 2);
        self.out.push(b'}');
        Ok(())
    }
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
