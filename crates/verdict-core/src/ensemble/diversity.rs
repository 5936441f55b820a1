//! Pairwise diversity of the members' oracle outputs (Kuncheva & Whitaker 2003, "Measures of
//! diversity in classifier ensembles").
//!
//! An ensemble helps only where its members make *different* errors. The oracle output of a member
//! is whether it is right on a row (`argmax == label`, [`oracle`]); for a pair `(a, b)` the counts
//! are `N11` (both right), `N10` (a right, b wrong), `N01` (a wrong, b right), `N00` (both wrong),
//! `N` their sum, and
//!
//! * disagreement `(N01 + N10) / N` (0: they are right and wrong on the same rows);
//! * Q statistic `(N11·N00 − N01·N10) / (N11·N00 + N01·N10)`, in `[−1, 1]` (1: one member's errors
//!   are a subset of the other's; 0: independent errors);
//! * double fault `N00 / N` (rows no vote between the two can rescue);
//! * correlation `ρ = (N11·N00 − N01·N10) / √((N11+N10)(N01+N00)(N11+N01)(N10+N00))`, the phi
//!   coefficient of the two oracle outputs.
//!
//! **Undefined values are `None`**: every ratio above is 0/0 exactly when its denominator is 0 (the
//! numerator is then 0 too: e.g. a member that is always right makes ρ's denominator 0 and
//! `N01 = N00 = 0`), and no value is made up for it (Kuncheva & Whitaker leave these cases
//! undefined; a report shows "—"). `N = 0` leaves every ratio undefined.
//!
//! Arithmetic: counts in `u64`, the products in `u128`/`i128` (exact), each ratio one division of
//! the two exact integers converted to `f64`, ρ's denominator the square root of the exact product
//! converted once, as the committed numpy reference does with Python integers.

use super::{EnsembleError, Members};
use crate::multiclass::argmax_predictions;

/// The diversity of one pair of members `a < b`.
#[derive(Debug, Clone, PartialEq)]
pub struct PairDiversity {
    /// The first member (0-based).
    pub a: usize,
    /// The second member, `> a`.
    pub b: usize,
    /// Rows where both are right.
    pub n11: u64,
    /// Rows where `a` is right and `b` wrong.
    pub n10: u64,
    /// Rows where `a` is wrong and `b` right.
    pub n01: u64,
    /// Rows where both are wrong.
    pub n00: u64,
    /// `(N01 + N10) / N`; `None` when `N = 0`.
    pub disagreement: Option<f64>,
    /// Yule's Q; `None` when `N11·N00 + N01·N10 = 0`.
    pub q: Option<f64>,
    /// `N00 / N`; `None` when `N = 0`.
    pub double_fault: Option<f64>,
    /// The phi coefficient; `None` when a marginal is 0 (a member always right or always wrong).
    pub correlation: Option<f64>,
}

/// Each member's oracle output: `correct[m][i]` iff the first maximum of member `m`'s row `i` is
/// `labels[i]` (the prediction of [`argmax_predictions`]).
///
/// # Errors
/// If `labels` do not fit the members.
pub fn oracle(members: &Members<'_>, labels: &[u32]) -> Result<Vec<Vec<bool>>, EnsembleError> {
    members.check_labels(labels)?;
    Ok((0..members.count())
        .map(|j| {
            argmax_predictions(members.member(j), members.classes())
                .iter()
                .zip(labels)
                .map(|(p, y)| p == y)
                .collect()
        })
        .collect())
}

fn ratio(num: u128, den: u128) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

/// Every pair `a < b` in order `(0,1), (0,2), …, (1,2), …`.
///
/// # Errors
/// If the members' oracle outputs differ in length.
pub fn diversity<C: AsRef<[bool]>>(correct: &[C]) -> Result<Vec<PairDiversity>, EnsembleError> {
    let n = correct.first().map_or(0, |c| c.as_ref().len());
    for (member, c) in correct.iter().enumerate() {
        if c.as_ref().len() != n {
            return Err(EnsembleError::OracleLength {
                member,
                len: c.as_ref().len(),
                expected: n,
            });
        }
    }
    let mut out = Vec::new();
    for a in 0..correct.len() {
        for b in a + 1..correct.len() {
            let mut t = [[0u64; 2]; 2];
            for (&x, &y) in correct[a].as_ref().iter().zip(correct[b].as_ref()) {
                t[usize::from(x)][usize::from(y)] += 1;
            }
            let (n11, n10, n01, n00) = (t[1][1], t[1][0], t[0][1], t[0][0]);
            let big = u128::from;
            let total = big(n11 + n10 + n01 + n00);
            let (same, cross) = (big(n11) * big(n00), big(n01) * big(n10));
            let num = same as i128 - cross as i128;
            let signed = |den: f64| -> f64 { num as f64 / den };
            let q = (same + cross != 0).then(|| signed((same + cross) as f64));
            let prod = big(n11 + n10) * big(n01 + n00) * big(n11 + n01) * big(n10 + n00);
            let correlation = (prod != 0).then(|| signed((prod as f64).sqrt()));
            out.push(PairDiversity {
                a,
                b,
                n11,
                n10,
                n01,
                n00,
                disagreement: ratio(big(n01 + n10), total),
                q,
                double_fault: ratio(big(n00), total),
                correlation,
            });
        }
    }
    Ok(out)
}

/// The most redundant pair: the **highest Q** (the pair whose errors coincide most; Kuncheva &
/// Whitaker's recommended measure), ties broken by the higher double fault, then the first pair
/// in the order of [`diversity`]. Pairs with an undefined Q are skipped; `None` when no pair has
/// a Q.
pub fn most_redundant(pairs: &[PairDiversity]) -> Option<(usize, usize)> {
    let mut best: Option<&PairDiversity> = None;
    for p in pairs {
        let Some(q) = p.q else { continue };
        let df = p.double_fault.unwrap_or(-1.0);
        let better = match best {
            None => true,
            Some(b) => {
                let (bq, bdf) = (
                    b.q.unwrap_or(f64::NEG_INFINITY),
                    b.double_fault.unwrap_or(-1.0),
                );
                q > bq || (q == bq && df > bdf)
            }
        };
        if better {
            best = Some(p);
        }
    }
    best.map(|p| (p.a, p.b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_measures_of_one_pair() {
        // a: 1 1 1 0 0 1, b: 1 0 1 1 0 0 → N11 2, N10 2, N01 1, N00 1.
        let a = [true, true, true, false, false, true];
        let b = [true, false, true, true, false, false];
        let p = &diversity(&[a, b]).expect("valid")[0];
        assert_eq!((p.a, p.b, p.n11, p.n10, p.n01, p.n00), (0, 1, 2, 2, 1, 1));
        assert_eq!(p.disagreement, Some(0.5));
        assert_eq!(p.q, Some(0.0));
        assert_eq!(p.double_fault, Some(1.0 / 6.0));
        assert_eq!(p.correlation, Some(0.0));
        // Opposites: Q = ρ = −1, disagreement 1.
        let c = [true, false, true, false];
        let d = [false, true, false, true];
        let p = &diversity(&[c, d]).expect("valid")[0];
        assert_eq!(
            (p.q, p.correlation, p.disagreement, p.double_fault),
            (Some(-1.0), Some(-1.0), Some(1.0), Some(0.0))
        );
    }

    #[test]
    fn undefined_values_are_none() {
        // Member 0 always right: ρ is 0/0 with everyone; Q with member 1 (also always right) too.
        let always = vec![true; 4];
        let half = vec![true, false, true, false];
        let pairs = diversity(&[always.clone(), always, half]).expect("valid");
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].q, None);
        assert_eq!(pairs[0].correlation, None);
        assert_eq!(pairs[0].disagreement, Some(0.0));
        // (0, 2): N11 = 2, N10 = 2, N01 = N00 = 0 → Q = 0/0 as well, ρ 0/0.
        assert_eq!((pairs[1].q, pairs[1].correlation), (None, None));
        assert_eq!(most_redundant(&pairs), None);
        // No rows at all.
        let empty: [Vec<bool>; 2] = [vec![], vec![]];
        let p = &diversity(&empty).expect("valid")[0];
        assert_eq!(
            (p.disagreement, p.q, p.double_fault, p.correlation),
            (None, None, None, None)
        );
        // One member: no pair.
        assert!(diversity(&[[true]]).expect("valid").is_empty());
        assert!(diversity::<Vec<bool>>(&[]).expect("valid").is_empty());
    }

    #[test]
    fn lengths_must_agree() {
        assert_eq!(
            diversity(&[vec![true, false], vec![true]]).expect_err("refused"),
            EnsembleError::OracleLength {
                member: 1,
                len: 1,
                expected: 2
            }
        );
    }

    #[test]
    fn most_redundant_is_the_highest_q_then_double_fault_then_first() {
        let mk = |a, b, q: Option<f64>, df| PairDiversity {
            a,
            b,
            n11: 0,
            n10: 0,
            n01: 0,
            n00: 0,
            disagreement: None,
            q,
            double_fault: Some(df),
            correlation: None,
        };
        let pairs = [
            mk(0, 1, Some(0.5), 0.1),
            mk(0, 2, None, 0.9),
            mk(1, 2, Some(0.9), 0.1),
            mk(1, 3, Some(0.9), 0.2),
            mk(2, 3, Some(0.9), 0.2),
        ];
        assert_eq!(most_redundant(&pairs), Some((1, 3)));
    }

    #[test]
    fn oracle_is_argmax_against_the_label() {
        let p = [0.5, 0.5, 0.2, 0.8, 0.9, 0.1];
        let m = Members::new(vec![&p], 2).expect("valid");
        assert_eq!(
            oracle(&m, &[0, 1, 1]).expect("valid"),
            vec![vec![true, true, false]]
        );
    }
}
