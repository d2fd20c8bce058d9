//! Dense identifiers. Everything per-target lives in `Vec`s indexed by these, never in hash
//! maps, so iteration order is always the id order.

use std::fmt;

/// A deployment target (an EC2 or on-premises instance), numbered from 0 in fleet order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TargetId(pub u32);

impl TargetId {
    /// The dense index, for per-target `Vec`s.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for TargetId {
    /// `i-0007`: instance-id-like, zero-padded to four digits so small fleets sort well.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "i-{:04}", self.0)
    }
}

/// An Availability Zone, numbered in the order the scenario lists the zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoneId(pub u16);

impl ZoneId {
    /// The dense index, for per-zone `Vec`s.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
