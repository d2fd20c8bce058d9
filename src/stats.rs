//! Statistical functions from a well-kept crate (statrs): the only home of statrs. Normal
//! quantiles for traffic; sample quantiles and Clopper–Pearson intervals for comparisons.
//!
//! Not here: random sampling (`rng`).

use statrs::distribution::{Beta, ContinuousCDF, Normal};
use statrs::statistics::{Data, OrderStatistics};

/// The standard normal quantile Φ⁻¹(p), for 0 < p < 1.
pub fn normal_quantile(p: f64) -> f64 {
    assert!(p > 0.0 && p < 1.0, "quantile of {p}");
    Normal::standard().inverse_cdf(p)
}

/// The `q`-quantile (0 ≤ q ≤ 1) of samples, by statrs' estimator (Hyndman and Fan's
/// type 8, median-unbiased). `None` for no samples.
pub fn quantile(samples: &[f64], q: f64) -> Option<f64> {
    assert!((0.0..=1.0).contains(&q), "quantile {q}");
    (!samples.is_empty()).then(|| Data::new(samples.to_vec()).quantile(q))
}

/// The Clopper–Pearson ("exact") two-sided interval at `confidence` for a proportion with
/// `k` successes in `n` trials (n > 0).
pub fn proportion_interval(k: u64, n: u64, confidence: f64) -> (f64, f64) {
    assert!(n > 0 && k <= n && confidence > 0.0 && confidence < 1.0);
    let alpha = 1.0 - confidence;
    let (k, n) = (k as f64, n as f64);
    let low = if k == 0.0 {
        0.0
    } else {
        beta(k, n - k + 1.0).inverse_cdf(alpha / 2.0)
    };
    let high = if k == n {
        1.0
    } else {
        beta(k + 1.0, n - k).inverse_cdf(1.0 - alpha / 2.0)
    };
    (low, high)
}

/// The one-sided Clopper–Pearson upper bound at `confidence` for a proportion with `k`
/// successes in `n` trials (n > 0): the true proportion is below it with that confidence.
pub fn proportion_upper_bound(k: u64, n: u64, confidence: f64) -> f64 {
    assert!(n > 0 && k <= n && confidence > 0.0 && confidence < 1.0);
    if k == n {
        return 1.0;
    }
    beta(k as f64 + 1.0, (n - k) as f64).inverse_cdf(confidence)
}

fn beta(a: f64, b: f64) -> Beta {
    Beta::new(a, b).expect("positive shape parameters")
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_quantiles() {
        assert!((super::normal_quantile(0.5)).abs() < 1e-12);
        assert!((super::normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
    }

    #[test]
    fn quantiles_of_samples() {
        let v: Vec<f64> = (1..=9).map(f64::from).collect();
        assert_eq!(super::quantile(&v, 0.5), Some(5.0));
        assert_eq!(super::quantile(&v, 0.0), Some(1.0));
        assert_eq!(super::quantile(&v, 1.0), Some(9.0));
        assert_eq!(super::quantile(&[], 0.5), None);
    }

    #[test]
    fn clopper_pearson_matches_published_values() {
        // 0 of 10: the upper limit is 1 − 0.025^(1/10) = 0.3085 (the "rule of three" case).
        let (lo, hi) = super::proportion_interval(0, 10, 0.95);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.308_50).abs() < 1e-4, "{hi}");
        // 5 of 10: (0.1871, 0.8129), as in Clopper and Pearson's tables.
        let (lo, hi) = super::proportion_interval(5, 10, 0.95);
        assert!((lo - 0.187_1).abs() < 1e-3 && (hi - 0.812_9).abs() < 1e-3, "{lo} {hi}");
        // One-sided, 0 of 100 at 95 %: 1 − 0.05^(1/100) = 0.0295.
        assert!((super::proportion_upper_bound(0, 100, 0.95) - 0.029_5).abs() < 1e-4);
    }
}
