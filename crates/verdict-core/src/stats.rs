//! Small statistics helpers: quantiles, the exact binomial test, normal quantiles.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};
use statrs::function::gamma::checked_gamma_ur;

/// A compensated (Neumaier) running sum: as accurate as numpy's pairwise sum or better, in one pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct Neumaier {
    sum: f64,
    comp: f64,
}

impl Neumaier {
    /// Adds `x`.
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.comp += (self.sum - t) + x;
        } else {
            self.comp += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// The sum so far.
    pub fn total(&self) -> f64 {
        self.sum + self.comp
    }
}

/// Linear-interpolation quantile of **sorted** finite data (numpy's default, Hyndman & Fan type 7):
/// `h = (n−1)·q`, `x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`. NaN for empty data.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let frac = h - lo as f64;
    sorted[lo] + frac * (sorted[hi] - sorted[lo])
}

/// Percentile interval `[q_{α/2}, q_{1−α/2}]` (type-7 quantiles) of the finite values in `values`;
/// NaN values (undefined replicates) are left out and counted. Returns `(low, high, n_undefined)`.
pub fn percentile_interval(values: &[f64], level: f64) -> (f64, f64, usize) {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let undefined = values.len() - finite.len();
    finite.sort_by(f64::total_cmp);
    let alpha = 1.0 - level;
    (
        quantile_sorted(&finite, alpha / 2.0),
        quantile_sorted(&finite, 1.0 - alpha / 2.0),
        undefined,
    )
}

/// One-sided exact binomial test, `P(X ≥ k)` for `X ~ Binomial(n, p)`: scipy's
/// `binomtest(k, n, p, alternative='greater').pvalue`.
pub fn binomial_sf_ge(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    match Binomial::new(p, n) {
        // P(X ≥ k) = 1 − P(X ≤ k−1) = sf(k−1)
        Ok(b) => b.sf(k - 1).clamp(0.0, 1.0),
        Err(_) => f64::NAN,
    }
}

/// The standard normal quantile `Φ⁻¹(q)`.
pub fn normal_quantile(q: f64) -> f64 {
    Normal::standard().inverse_cdf(q)
}

/// Survival function of χ² with one degree of freedom, `P(χ²₁ > x) = Q(½, x/2)` (the upper
/// regularized gamma function, as scipy's `chdtrc`).
///
/// Not `erfc(√(x/2))`: statrs 0.19's `erfc` (and so `Normal::cdf`) is only accurate to about
/// 1e-10 relative (statrs-dev/statrs#412), while its `gamma_ur` agrees with scipy to ~1e-15.
pub fn chi2_1_sf(x: f64) -> f64 {
    chi2_sf(x, 1.0)
}

/// Survival function of χ² with `dof` degrees of freedom, `P(χ²_dof > x) = Q(dof/2, x/2)`
/// (scipy's `chdtrc`; see [`chi2_1_sf`] for why the gamma function).
pub fn chi2_sf(x: f64, dof: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    checked_gamma_ur(dof / 2.0, x / 2.0).unwrap_or(f64::NAN)
}

/// Two-sided normal p-value `2·Φ(−|z|) = P(χ²₁ > z²)`, accurate to ~1e-15 (see [`chi2_1_sf`]).
pub fn two_sided_normal_p(z: f64) -> f64 {
    chi2_1_sf(z * z)
}

/// The standard normal CDF `Φ(x)`, through [`chi2_1_sf`] for accuracy in the tails.
pub fn normal_cdf(x: f64) -> f64 {
    let half_tail = 0.5 * chi2_1_sf(x * x);
    if x < 0.0 { half_tail } else { 1.0 - half_tail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_numpy() {
        // numpy.quantile([1, 2, 3, 4], [0.025, 0.5, 0.975]) = [1.075, 2.5, 3.925]
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((quantile_sorted(&x, 0.025) - 1.075).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.975) - 3.925).abs() < 1e-12);
    }
}
