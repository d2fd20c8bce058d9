//! A deployment's targets: listed (blue/green deployments, a few targets) or built on
//! demand, one at a time, from a finished in-place run's compact records. A fleet of a
//! million instances is never held as a million `TargetInfo`s: the JSON writes each target
//! as it builds it, and the summary and the charts read statuses, or one target at a time.
//!
//! Reading the targets as a slice (`Deref`) builds them all once and keeps them: what tests
//! and small fleets do; the command line's paths do not.
//!
//! Not here: a target's shape (`TargetInfo`, in `mod.rs`) and how an in-place run's
//! targets are built (`in_place.rs`).

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde::ser::{Serialize, SerializeSeq, Serializer};

use super::TargetInfo;

/// What a report needs from a source of targets built on demand.
pub trait TargetSource: Send + Sync {
    /// How many targets there are.
    fn len(&self) -> usize;
    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Target `i`'s status and label, without building it.
    fn brief(&self, i: usize) -> Brief;
    /// Target `i`, built.
    fn target(&self, i: usize) -> TargetInfo;
    /// A writer of target `i`'s JSON as it stands `depth` levels in (`report::json`): by
    /// default the target built and serialized; a source may write the same bytes faster.
    fn json(&self, depth: usize) -> TargetJson<'_> {
        Box::new(move |i, out| super::json::value(out, depth, &self.target(i)))
    }
}

/// A writer of targets' JSON: target `i`'s bytes appended to the buffer.
pub type TargetJson<'a> = Box<dyn FnMut(usize, &mut Vec<u8>) + 'a>;

/// A target's status and EC2 blue/green label, read without building the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Brief {
    /// The target's `status`, as the JSON spells it.
    pub status: &'static str,
    /// EC2 blue/green: `Blue` or `Green`.
    pub instance_label: Option<&'static str>,
}

/// A deployment's targets (`targets` in the JSON), in fleet order.
#[derive(Clone)]
pub struct Targets {
    source: Option<Arc<dyn TargetSource>>,
    built: OnceLock<Vec<TargetInfo>>,
    /// Targets built from `source` so far, for tests of how much a reader builds.
    builds: Arc<AtomicUsize>,
}

impl Targets {
    /// Targets built one at a time from `source` when read.
    pub fn on_demand(source: Arc<dyn TargetSource>) -> Targets {
        Targets {
            source: Some(source),
            built: OnceLock::new(),
            builds: Arc::default(),
        }
    }

    /// How many targets there are, without building them.
    pub fn len(&self) -> usize {
        match (self.built.get(), &self.source) {
            (Some(v), _) => v.len(),
            (None, Some(s)) => s.len(),
            (None, None) => 0,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Target `i`'s status and label.
    pub fn brief(&self, i: usize) -> Brief {
        match (self.built.get(), &self.source) {
            (None, Some(s)) => s.brief(i),
            _ => {
                let t = &self[i];
                Brief {
                    status: t.status,
                    instance_label: t.instance_label,
                }
            }
        }
    }

    /// Every target's status and label, in order.
    pub fn briefs(&self) -> impl Iterator<Item = Brief> + '_ {
        (0..self.len()).map(|i| self.brief(i))
    }

    /// Target `i`: borrowed when the targets are held, else built.
    pub fn get(&self, i: usize) -> Cow<'_, TargetInfo> {
        match (self.built.get(), &self.source) {
            (None, Some(s)) => Cow::Owned(self.build(s.as_ref(), i)),
            _ => Cow::Borrowed(&self[i]),
        }
    }

    /// How many targets have been built (or written as JSON) from the source so far: what
    /// a reader cost (each of `n` targets read once builds `n`).
    pub fn builds(&self) -> usize {
        self.builds.load(Ordering::Relaxed)
    }

    fn build(&self, source: &dyn TargetSource, i: usize) -> TargetInfo {
        self.builds.fetch_add(1, Ordering::Relaxed);
        source.target(i)
    }

    /// A writer of target `i`'s JSON `depth` levels in: serialized when held, else written
    /// by the source (each counted as a build).
    pub(crate) fn json_writer(&self, depth: usize) -> TargetJson<'_> {
        match (self.built.get(), &self.source) {
            (None, Some(s)) => {
                let mut write = s.json(depth);
                Box::new(move |i, out| {
                    self.builds.fetch_add(1, Ordering::Relaxed);
                    write(i, out)
                })
            }
            _ => Box::new(move |i, out| super::json::value(out, depth, &self[i])),
        }
    }

    /// Every target in order, each built only while it is read when not held.
    pub fn each(&self) -> impl Iterator<Item = Cow<'_, TargetInfo>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl From<Vec<TargetInfo>> for Targets {
    fn from(targets: Vec<TargetInfo>) -> Targets {
        Targets {
            source: None,
            built: OnceLock::from(targets),
            builds: Arc::default(),
        }
    }
}

impl FromIterator<TargetInfo> for Targets {
    fn from_iter<I: IntoIterator<Item = TargetInfo>>(iter: I) -> Targets {
        Targets::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl Deref for Targets {
    type Target = [TargetInfo];

    /// Builds every target once (tests, small fleets).
    fn deref(&self) -> &[TargetInfo] {
        self.built.get_or_init(|| match &self.source {
            Some(s) => (0..s.len()).map(|i| self.build(s.as_ref(), i)).collect(),
            None => Vec::new(),
        })
    }
}

impl<'a> IntoIterator for &'a Targets {
    type Item = &'a TargetInfo;
    type IntoIter = std::slice::Iter<'a, TargetInfo>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for Targets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.built.get() {
            Some(v) => v.fmt(f),
            None => write!(f, "[{} targets built on demand]", self.len()),
        }
    }
}

/// Writes each target as it is built: no target outlives its own serialization.
impl Serialize for Targets {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for t in self.each() {
            seq.serialize_element(t.as_ref())?;
        }
        seq.end()
    }
}
