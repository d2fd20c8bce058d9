//! Statistical functions from a well-kept crate (statrs): the only home of statrs.
//!
//! Not here: random sampling (`rng`).

use statrs::distribution::{ContinuousCDF, Normal};

/// The standard normal quantile Φ⁻¹(p), for 0 < p < 1.
pub fn normal_quantile(p: f64) -> f64 {
    assert!(p > 0.0 && p < 1.0, "quantile of {p}");
    Normal::standard().inverse_cdf(p)
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_quantiles() {
        assert!((super::normal_quantile(0.5)).abs() < 1e-12);
        assert!((super::normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
    }
}
