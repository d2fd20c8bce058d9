//! An in-place deployment's targets as JSON, written straight from the run's records: the
//! bytes serde gives for the `TargetInfo` that `lifecycle_events` would build, without
//! building it. Whatever does not depend on the instance (an event's name and key, its
//! status with its diagnostics and closing brace, a zone) is rendered once, through serde
//! where it holds user text; per event only the two times are formatted, and an event is
//! a handful of slice copies.
//!
//! Not here: which targets are written when (`targets.rs`, `json.rs`); the target's shape
//! (`mod.rs`).

use super::json::{Secs, key, line, uint, value};
use super::{ScriptNames, diagnostics, started, target_arn};
use crate::deployment::{Diagnostic, LifecycleEventStatus};
use crate::id::TargetId;
use crate::platform::server::InPlaceOutcome;
use crate::scenario::Fleet;
use crate::scenario::history::RevisionId;

/// Writes the targets of one in-place deployment, each as it stands `depth` levels in.
pub(crate) struct TargetsJson<'a> {
    outcome: &'a InPlaceOutcome,
    scripts: &'a ScriptNames,
    /// The fleet, when targets name their Availability Zone.
    zoned: Option<&'a Fleet>,
    depth: usize,
    /// `{`, the `targetId` key and the id's opening quote.
    open: Vec<u8>,
    /// After the id: its closing quote, `,`, the `targetArn` key and the ARN up to the id.
    arn: Vec<u8>,
    /// `,` and the `lastUpdatedAt` key.
    updated_key: Vec<u8>,
    /// `,` and the `availabilityZone` field of each zone.
    zones: Vec<Vec<u8>>,
    /// `,` and the `lifecycleEvents` key.
    events_key: Vec<u8>,
    /// Per event of the order: its opening brace and `lifecycleEventName`, then for an
    /// event that started the `startTime` key (`heads[j][1]`).
    heads: Vec<[Vec<u8>; 2]>,
    /// Between the two times: `,` and the `endTime` key.
    end_key: Vec<u8>,
    /// Per event of the order, each ending seen so far, by (status, diagnostic, whether the
    /// next event started): `,`, `status`, `diagnostics` if any, the event's closing brace
    /// and the next event's head, or after the last event the target's end.
    ends: Vec<Vec<(End, Vec<u8>)>>,
    /// The last time written: an event's end is often the next one's start, and an event
    /// that takes no time starts and ends at once.
    last: Secs,
}

/// What the end of an event's JSON depends on (the last: in a history, the earlier
/// revision whose scripts it ran, which its diagnostics name).
type End = (LifecycleEventStatus, Diagnostic, bool, Option<RevisionId>);

impl<'a> TargetsJson<'a> {
    /// The writer of `outcome`'s targets, diagnostics naming `scripts`, each target's zone
    /// named when `zoned` is given.
    pub(crate) fn new(
        outcome: &'a InPlaceOutcome,
        scripts: &'a ScriptNames,
        zoned: Option<&'a Fleet>,
        depth: usize,
    ) -> TargetsJson<'a> {
        let (d1, d3) = (depth + 1, depth + 3);
        let heads = outcome
            .order
            .iter()
            .map(|name| {
                let mut idle = vec![b'{'];
                key(&mut idle, d3, true, "lifecycleEventName");
                value(&mut idle, d3, name.as_str());
                let mut timed = idle.clone();
                key(&mut timed, d3, false, "startTime");
                [idle, timed]
            })
            .collect();
        let zone = |z: &String| {
            let mut b = Vec::new();
            key(&mut b, d1, false, "availabilityZone");
            value(&mut b, d1, z);
            b
        };
        let mut open = vec![b'{'];
        key(&mut open, d1, true, "targetId");
        open.extend_from_slice(b"\"");
        let mut arn = vec![b'"'];
        key(&mut arn, d1, false, "targetArn");
        arn.push(b'"');
        arn.extend_from_slice(target_arn("Server", "").as_bytes());
        let mut updated_key = Vec::new();
        key(&mut updated_key, d1, false, "lastUpdatedAt");
        let mut events_key = Vec::new();
        key(&mut events_key, d1, false, "lifecycleEvents");
        let mut end_key = Vec::new();
        key(&mut end_key, d3, false, "endTime");
        TargetsJson {
            outcome,
            scripts,
            zoned,
            depth,
            open,
            arn,
            updated_key,
            zones: zoned.map_or_else(Vec::new, |fleet| fleet.zones.iter().map(zone).collect()),
            events_key,
            heads,
            end_key,
            ends: vec![Vec::new(); outcome.order.len()],
            last: Secs::new(0),
        }
    }

    /// Target `i`'s JSON into `out`.
    pub(crate) fn write(&mut self, i: usize, out: &mut Vec<u8>) {
        let t = TargetId(i as u32);
        out.extend_from_slice(&self.open);
        let start = out.len();
        Self::id(t, out);
        let id = start..out.len();
        out.extend_from_slice(&self.arn);
        out.extend_from_within(id);
        out.extend_from_slice(b"\",");
        line(out, self.depth + 1);
        out.extend_from_slice(b"\"status\": \"");
        out.extend_from_slice(self.outcome.target_status[i].as_str().as_bytes());
        out.push(b'"');
        out.extend_from_slice(&self.updated_key);
        Secs::new(self.last_updated_ms(t, i)).write(out);
        if let Some(fleet) = self.zoned {
            out.extend_from_slice(&self.zones[fleet.zone_of(t).index()]);
        }
        out.extend_from_slice(&self.events_key);
        let mut events = self.outcome.records.row(t).peekable();
        let Some(first) = events.peek() else {
            out.extend_from_slice(b"[]");
            line(out, self.depth);
            return out.push(b'}');
        };
        out.push(b'[');
        line(out, self.depth + 2);
        out.extend_from_slice(&self.heads[0][usize::from(started(first.status))]);
        let mut j = 0;
        while let Some(rec) = events.next() {
            let began = started(rec.status);
            if began {
                self.time(rec.start.as_millis(), out);
                out.extend_from_slice(&self.end_key);
                self.time(rec.end().as_millis(), out);
            }
            let diagnostic = if began { rec.diagnostic } else { Diagnostic::None };
            let next_began = events.peek().is_some_and(|next| started(next.status));
            let source = self.scripts.source(t, self.outcome.order[j]);
            out.extend_from_slice(self.end(j, t, (rec.status, diagnostic, next_began, source)));
            j += 1;
        }
    }

    /// `i-0007`: `TargetId`'s text, zero-padded to four digits.
    fn id(t: TargetId, out: &mut Vec<u8>) {
        out.extend_from_slice(b"i-");
        let zeros = [1000, 100, 10].iter().filter(|&&p| t.0 < p).count();
        out.extend_from_slice(&b"000"[..zeros]);
        uint(out, t.0.into());
    }

    /// `lastUpdatedAt` in milliseconds, by `TargetInfo::last_updated_at_by`'s rule at the
    /// deployment's end: the latest start or end of its events, never before the
    /// deployment was created; a skipped target's when the deployment ended.
    fn last_updated_ms(&self, t: TargetId, i: usize) -> u64 {
        let (create, complete) = (
            self.outcome.create_time.as_millis(),
            self.outcome.complete_time.as_millis(),
        );
        let events = self
            .outcome
            .records
            .row(t)
            .filter(|r| started(r.status))
            .flat_map(|r| [r.start.as_millis(), r.end().as_millis()])
            .filter(|&ms| ms <= complete)
            .fold(create, u64::max);
        if self.outcome.target_status[i].as_str() == "Skipped" {
            events.max(complete)
        } else {
            events
        }
    }

    /// `ms` as seconds.
    fn time(&mut self, ms: u64, out: &mut Vec<u8>) {
        if self.last.ms != ms {
            self.last = Secs::new(ms);
        }
        self.last.write(out);
    }

    /// The end of event `j` of `t` (rendered the first time it is asked for).
    fn end(&mut self, j: usize, t: TargetId, end: End) -> &[u8] {
        let k = match self.ends[j].iter().position(|(e, _)| *e == end) {
            Some(k) => k,
            None => {
                let bytes = self.render_end(j, t, end);
                self.ends[j].push((end, bytes));
                self.ends[j].len() - 1
            }
        };
        &self.ends[j][k].1
    }

    fn render_end(&self, j: usize, t: TargetId, (status, diagnostic, next_began, _): End) -> Vec<u8> {
        let (d2, d3) = (self.depth + 2, self.depth + 3);
        let name = self.outcome.order[j];
        let mut b = Vec::new();
        key(&mut b, d3, false, "status");
        value(&mut b, d3, status.as_str());
        if let Some(diagnostics) = diagnostics(diagnostic, |i| self.scripts.get(t, name, i)) {
            key(&mut b, d3, false, "diagnostics");
            value(&mut b, d3, &diagnostics);
        }
        line(&mut b, d2);
        b.push(b'}');
        match self.heads.get(j + 1) {
            Some(next) => {
                b.push(b',');
                line(&mut b, d2);
                b.extend_from_slice(&next[usize::from(next_began)]);
            }
            None => {
                line(&mut b, self.depth + 1);
                b.push(b']');
                line(&mut b, self.depth);
                b.push(b'}');
            }
        }
        b
    }
}
