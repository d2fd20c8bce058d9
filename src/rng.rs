//! Seeded, named random streams: the only home of the RNG crate.
//!
//! One seed per run. Each subsystem draws from its own [`Stream`], and within a stream each
//! target has its own sub-stream, so:
//! - adding a draw in one subsystem never shifts another subsystem's numbers;
//! - a target's hook durations do not depend on the order targets are scheduled in, so two
//!   deployment configurations run with the same seed see the same instance behaviour
//!   (common random numbers: comparisons between strategies are not blurred by noise).
//!
//! The generator is ChaCha8, one of rand's named portable generators: its output is fixed
//! across versions and platforms. The 32-byte key is derived here with SplitMix64 from
//! (seed, stream), and the ChaCha stream selector is the target index; neither depends on
//! rand's `seed_from_u64`. Distribution samplers come from `rand_distr`; `Cargo.lock` pins
//! them and a test pins the first draws, so an upgrade that changes streams is caught.
//!
//! Not here: which distribution a hook uses (see `lifecycle::DurationModel`).

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Beta, Binomial, Distribution, Exp, LogNormal, Poisson};

/// The named streams. The discriminant is part of the key derivation: never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stream {
    /// Hook and agent-step durations and their failure draws, one sub-stream per target.
    Hooks = 1,
    /// Fault draws (crash times, bad-revision draws), one sub-stream per target.
    Faults = 2,
    /// Load-balancer health-check phases and probe latencies.
    HealthChecks = 3,
    /// Traffic (request counts, errors).
    Traffic = 4,
    /// A scenario's `faultModel`: the bad-revision draw (sub-stream 0) and each instance's
    /// fault draws (sub-stream 1 + target index).
    FaultModel = 5,
    /// The seeds of the runs of `cdsim compare`: run `i` has seed `source(Runs, i).seed_draw()`
    /// of the base seed's streams.
    Runs = 6,
}

/// Salt of a rollback deployment's streams ("rollback" in ASCII): [`Streams::rollback`]. A
/// rollback deployment of run `seed` draws from the streams of `seed ^ ROLLBACK_SALT`, so
/// its draws differ from the failed deployment's while every stream keeps its name.
const ROLLBACK_SALT: u64 = 0x726F_6C6C_6261_636B;

/// Salt of the streams of a history's later deployments ("deploymnt" folded into an odd
/// constant): [`Streams::deployment`]. Deployment `k` of a history draws from the streams
/// of `seed ^ k·DEPLOYMENT_SALT`; `k = 0` is the run's own streams, so a history of one
/// request draws what the plain scenario draws.
const DEPLOYMENT_SALT: u64 = 0x6465_706C_6F79_6D6F | 1;

/// Where a sub-stream index carries the phase of a target's life
/// ([`phase_substream`]): target indices stay below 2^40.
const PHASE_SHIFT: u32 = 40;

/// The sub-stream of `target` in the `phase`-th phase of its life (0: its first), for a
/// model that draws a target's phases separately (EC2 blue/green: a replacement's install,
/// then its reroute). Phase 0 is the target's plain sub-stream.
pub fn phase_substream(target: u64, phase: u64) -> u64 {
    assert!(
        target < 1 << PHASE_SHIFT,
        "target index {target} too large for a phase sub-stream"
    );
    target | phase << PHASE_SHIFT
}

/// The seed of a run and the factory of its streams.
#[derive(Clone, Copy, Debug)]
pub struct Streams {
    seed: u64,
}

/// One random sequence. Wraps the generator so that no other module names the RNG crate.
#[derive(Debug)]
pub struct RandomSource {
    rng: ChaCha8Rng,
}

impl Streams {
    /// The streams of one run, keyed by its seed.
    pub fn new(seed: u64) -> Self {
        Streams { seed }
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The streams of the run's rollback deployment (§8): the same names, other draws.
    pub fn rollback(&self) -> Streams {
        Streams::new(self.seed ^ ROLLBACK_SALT)
    }

    /// The streams of deployment `k` of a history (0: the first, these streams).
    pub fn deployment(&self, k: u64) -> Streams {
        Streams::new(self.seed ^ k.wrapping_mul(DEPLOYMENT_SALT))
    }

    /// The sub-stream `index` of `stream` (a target index, or 0 for fleet-wide streams).
    pub fn source(&self, stream: Stream, index: u64) -> RandomSource {
        let mut state = self.seed ^ (stream as u64).wrapping_mul(0xA076_1D64_78BD_642F);
        let mut key = [0u8; 32];
        for chunk in key.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(index);
        RandomSource { rng }
    }
}

impl RandomSource {
    /// A uniform draw in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        rand::RngExt::random::<f64>(&mut self.rng)
    }

    /// A Bernoulli trial: true with probability `p` (0 ≤ p ≤ 1). `p = 0` consumes no draw,
    /// so scenarios without failures do not pay for failure draws.
    pub fn chance(&mut self, p: f64) -> bool {
        assert!((0.0..=1.0).contains(&p), "probability out of range: {p}");
        p > 0.0 && self.uniform() < p
    }

    /// A lognormal draw with the given median (> 0) and shape `sigma` (≥ 0).
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        assert!(median > 0.0 && sigma >= 0.0, "lognormal({median}, {sigma})");
        let dist = LogNormal::new(median.ln(), sigma).expect("validated lognormal parameters");
        dist.sample(&mut self.rng)
    }

    /// The same draw as [`Self::lognormal`], given ln(median) computed once.
    pub fn lognormal_ln(&mut self, ln_median: f64, sigma: f64) -> f64 {
        assert!(
            ln_median.is_finite() && sigma >= 0.0,
            "lognormal(e^{ln_median}, {sigma})"
        );
        let dist = LogNormal::new(ln_median, sigma).expect("validated lognormal parameters");
        dist.sample(&mut self.rng)
    }

    /// An exponential draw with the given mean (> 0).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        assert!(mean > 0.0, "exponential mean {mean}");
        Exp::new(1.0 / mean).expect("validated rate").sample(&mut self.rng)
    }

    /// A uniform draw in [lo, hi].
    pub fn uniform_between(&mut self, lo: f64, hi: f64) -> f64 {
        assert!(lo <= hi, "uniform({lo}, {hi})");
        lo + (hi - lo) * self.uniform()
    }

    /// A Poisson count with mean `lambda` (≥ 0).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        assert!(lambda >= 0.0 && lambda.is_finite(), "poisson({lambda})");
        if lambda == 0.0 {
            return 0;
        }
        Poisson::new(lambda).expect("validated mean").sample(&mut self.rng) as u64
    }

    /// A binomial count: successes in `n` trials of probability `p`.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        assert!((0.0..=1.0).contains(&p), "binomial p {p}");
        if n == 0 || p == 0.0 {
            return 0;
        }
        Binomial::new(n, p).expect("validated parameters").sample(&mut self.rng)
    }

    /// A Beta(a, b) draw (a, b > 0).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        assert!(a > 0.0 && b > 0.0, "beta({a}, {b})");
        Beta::new(a, b).expect("validated parameters").sample(&mut self.rng)
    }

    /// A full 64-bit draw, used as the seed of another run.
    pub fn seed_draw(&mut self) -> u64 {
        rand::Rng::next_u64(&mut self.rng)
    }

    /// A uniform integer in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0);
        rand::RngExt::random_range(&mut self.rng, 0..n)
    }
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_repeatable() {
        let s = Streams::new(42);
        let a: Vec<f64> = (0..4).map(|_| 0.0).collect();
        let mut h0 = s.source(Stream::Hooks, 0);
        let mut h0_again = s.source(Stream::Hooks, 0);
        let mut h1 = s.source(Stream::Hooks, 1);
        let mut f0 = s.source(Stream::Faults, 0);
        let x: Vec<f64> = a.iter().map(|_| h0.uniform()).collect();
        let y: Vec<f64> = a.iter().map(|_| h0_again.uniform()).collect();
        assert_eq!(x, y);
        assert_ne!(x, a.iter().map(|_| h1.uniform()).collect::<Vec<_>>());
        assert_ne!(x, a.iter().map(|_| f0.uniform()).collect::<Vec<_>>());
    }
}
