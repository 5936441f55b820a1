//! The log-loss optimum over the weight simplex: the weights `w ≥ 0, Σw = 1` that minimise the
//! log loss of the soft vote `Σ_m w_m P_m` on validation rows.
//!
//! # The problem
//! The log loss of a weighted average only reads each member's probability of the true class,
//! `A[i, m] = P_m[i, y_i]`, so the problem is
//! `min f(w) = (1/T) Σ_i c_i · φ(A_i · w)` over the simplex, `φ(q) = −ln(clip(q, ε, 1 − ε))`
//! with ε = `f64::EPSILON` (scikit-learn's `log_loss` clipping, as in
//! [`crate::multiclass::log_loss`]), `c_i` the count weights and `T = Σ c_i`. Where no row is
//! clipped, `f` is convex (`−ln` of a linear function): every local minimum is global. It is the
//! maximum-likelihood mixture-weight (or log-optimal portfolio) problem.
//!
//! # The method: active-set projected Newton
//! Start at equal weights. Each iteration computes `f`, the gradient `g` and the Hessian
//! `H = (1/T) Σ c_i A_i A_iᵀ / q_i²` in one pass over the rows (rows whose `q_i` is clipped add
//! nothing to `g` and `H`, as `φ` is flat there), then takes the Newton step on the face of the
//! simplex spanned by the members with positive weight (`min gᵀd + ½ dᵀHd` subject to `Σd = 0`,
//! solved by a Cholesky factorisation of the small `|F| × |F|` block, with a ridge of
//! `1e-13 · max diag` for duplicate or useless members), shortened so that no weight becomes
//! negative (a weight that reaches 0 leaves the face) and backtracked until the Armijo condition
//! holds. When the face is optimal (the predicted decrease `−gᵀd` is below 1e-20, or no weight
//! would move by more than 1e-14, or the last step left the weights unchanged), the KKT
//! conditions are checked: the members with weight 0 whose gradient is below the face's
//! multiplier `λ` by more than 1e-12·(1 + |λ|) re-enter the face (together, as long as the Newton
//! step on the larger face gives each of them a positive weight); if there is none, the point is
//! optimal.
//!
//! Newton converges quadratically near the optimum, so a handful of passes suffice (10–12 on the
//! fixtures, from 178 to 2,000 rows and 4–5 members; EM's multiplicative updates `w_m ← w_m ·
//! (−g_m)` also stay on the simplex, but converge linearly and reach a weight of 0 only
//! asymptotically).
//!
//! # Agreement with scipy's SLSQP
//! The parity test (`tests/ensemble_parity.rs`) runs this on the members' out-of-fold
//! probabilities of wine, digits, breast_cancer and seed 004 and requires (a) a log loss no more
//! than 1e-12 relative above SLSQP's optimum (measured: within 2.6e-15 relative either way, i.e.
//! the rounding of the log loss itself; SLSQP is not beaten by more than rounding because it too
//! converged) and (b) weights within 1e-6 of SLSQP's (measured: 2.3e-8 at most). Why 1e-6 and not
//! tighter: SLSQP stops on a relative change of `f` below its `ftol`, and near the optimum
//! `f(w) − f(w*) ≈ ½ ΔwᵀHΔw`, so a change in `f` at the last bit (~1e-17) still allows weight
//! errors of order `√(2·1e-17 / h)`, ~1e-8 for curvature `h` ≈ 0.1 along the face; the fixture's
//! recorded KKT residual of SLSQP's solution (the spread of the gradient over the free weights,
//! 2.4e-10 to 3.6e-9) divided by the curvature says the same. 1e-6 leaves a margin of 40× for a
//! machine whose BLAS moves SLSQP's path, while a wrong face (a weight that should be 0 or not)
//! would show as an error of 1e-3 or more.
//!
//! The returned log loss is [`crate::multiclass::log_loss`] of [`super::soft_vote`] with the
//! optimal weights: the same number `verdict eval` prints for that ensemble.

use rayon::prelude::*;

use super::{CHUNK, EnsembleError, Members, row_counts, soft_vote};
use crate::Weights;

/// The log-loss optimum over the weight simplex.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimum {
    /// The optimal weights, one per member, `≥ 0` (exactly 0 off the optimal face), sum 1.
    pub weights: Vec<f64>,
    /// The (count-weighted) log loss of the soft vote with [`Self::weights`].
    pub log_loss: f64,
    /// Newton iterations (passes with derivatives) taken.
    pub iterations: usize,
    /// False if the iteration limit was reached or no step could decrease `f` before the optimality
    /// conditions held (the weights are then the best found).
    pub converged: bool,
}

/// The weights minimising the log loss of the soft vote over the simplex (see the module docs),
/// on the (count-weighted) rows of `labels`.
///
/// # Errors
/// If `labels` do not fit the members, `w` does not cover every row, or no row carries weight.
pub fn optimize_log_loss(
    members: &Members<'_>,
    labels: &[u32],
    w: Weights<'_>,
) -> Result<Optimum, EnsembleError> {
    members.check_labels(labels)?;
    let counts = row_counts(w, members.rows())?;
    let total: u64 = match &counts {
        None => members.rows() as u64,
        Some(c) => c.iter().map(|&x| u64::from(x)).sum(),
    };
    if total == 0 {
        return Err(EnsembleError::NoRows);
    }
    let a = members.true_class(labels);
    let sol = minimise(&a, members.count(), counts.as_deref(), total);
    let ens = soft_vote(members, &sol.weights)?;
    let log_loss = crate::multiclass::log_loss(labels, &ens, members.classes(), w);
    Ok(Optimum {
        weights: sol.weights,
        log_loss,
        iterations: sol.iterations,
        converged: sol.converged,
    })
}

/// The solver's result.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub(crate) weights: Vec<f64>,
    pub(crate) iterations: usize,
    pub(crate) converged: bool,
}

const MAX_ITER: usize = 200;
/// The face is optimal when the Newton step's predicted decrease `−gᵀd` is below this.
const STOP: f64 = 1e-20;
/// ... or when no weight would move by more than this (below any printed precision, and near the
/// resolution the gradient's rounding allows).
const STEP_FLOOR: f64 = 1e-14;

/// `f`, `g`, `H` (row-major `m × m`) at one point.
struct Eval {
    f: f64,
    g: Vec<f64>,
    h: Vec<f64>,
}

fn eval(a: &[f64], m: usize, counts: Option<&[u32]>, total: u64, w: &[f64]) -> Eval {
    let (lo, hi) = (f64::EPSILON, 1.0 - f64::EPSILON);
    let n = a.len() / m;
    let parts: Vec<Eval> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut e = Eval {
                f: 0.0,
                g: vec![0.0; m],
                h: vec![0.0; m * m],
            };
            let mut r = vec![0.0; m];
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                let ci = counts.map_or(1.0, |c| f64::from(c[i]));
                if ci == 0.0 {
                    continue;
                }
                let row = &a[i * m..(i + 1) * m];
                let q: f64 = row.iter().zip(w).map(|(x, y)| x * y).sum();
                e.f += ci * -q.clamp(lo, hi).ln();
                if q > lo && q < hi {
                    for (rj, &x) in r.iter_mut().zip(row) {
                        *rj = x / q;
                    }
                    for (j, &rj) in r.iter().enumerate() {
                        e.g[j] -= ci * rj;
                        let cr = ci * rj;
                        for (h, &rl) in e.h[j * m + j..(j + 1) * m].iter_mut().zip(&r[j..]) {
                            *h += cr * rl;
                        }
                    }
                }
            }
            e
        })
        .collect();
    let mut out = Eval {
        f: 0.0,
        g: vec![0.0; m],
        h: vec![0.0; m * m],
    };
    for p in &parts {
        out.f += p.f;
        for (x, y) in out.g.iter_mut().zip(&p.g) {
            *x += y;
        }
        for (x, y) in out.h.iter_mut().zip(&p.h) {
            *x += y;
        }
    }
    let t = total as f64;
    out.f /= t;
    for x in &mut out.g {
        *x /= t;
    }
    for j in 0..m {
        for l in j..m {
            let v = out.h[j * m + l] / t;
            out.h[j * m + l] = v;
            out.h[l * m + j] = v;
        }
    }
    out
}

/// Solves `L Lᵀ x = b` in place for the Cholesky factor of `s` (row-major `p × p`); `None` if `s`
/// is not numerically positive definite.
fn cholesky(s: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let mut d = s[j * p + j];
        for t in 0..j {
            d -= l[j * p + t] * l[j * p + t];
        }
        if !d.is_finite() || d <= 0.0 {
            return None;
        }
        let dj = d.sqrt();
        l[j * p + j] = dj;
        for i in j + 1..p {
            let mut v = s[i * p + j];
            for t in 0..j {
                v -= l[i * p + t] * l[j * p + t];
            }
            l[i * p + j] = v / dj;
        }
    }
    Some(l)
}

fn cholesky_solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut y = b.to_vec();
    for i in 0..p {
        for t in 0..i {
            y[i] -= l[i * p + t] * y[t];
        }
        y[i] /= l[i * p + i];
    }
    for i in (0..p).rev() {
        for t in i + 1..p {
            y[i] -= l[t * p + i] * y[t];
        }
        y[i] /= l[i * p + i];
    }
    y
}

/// The Newton step on the face `free` (`d = 0` elsewhere, `Σd = 0`) and the face's multiplier
/// `λ` (at a face optimum, `g_j = λ` on the face). Falls back to the projected gradient when the
/// face's Hessian block cannot be factored even with a larger ridge.
fn face_newton(e: &Eval, m: usize, free: &[usize]) -> (Vec<f64>, f64) {
    let p = free.len();
    let mut d = vec![0.0; m];
    let gf: Vec<f64> = free.iter().map(|&j| e.g[j]).collect();
    let mean = gf.iter().sum::<f64>() / p as f64;
    let max_diag = free.iter().map(|&j| e.h[j * m + j]).fold(0.0f64, f64::max);
    let mut ridge = if max_diag > 0.0 {
        1e-13 * max_diag
    } else {
        1.0
    };
    for _ in 0..6 {
        let mut s = vec![0.0; p * p];
        for (x, &j) in free.iter().enumerate() {
            for (y, &l) in free.iter().enumerate() {
                s[x * p + y] = e.h[j * m + l];
            }
            s[x * p + x] += ridge;
        }
        if let Some(l) = cholesky(&s, p) {
            let u = cholesky_solve(&l, p, &gf);
            let v = cholesky_solve(&l, p, &vec![1.0; p]);
            let (su, sv) = (u.iter().sum::<f64>(), v.iter().sum::<f64>());
            if sv > 0.0 && sv.is_finite() && su.is_finite() {
                let lambda = su / sv;
                for (x, &j) in free.iter().enumerate() {
                    d[j] = lambda * v[x] - u[x];
                }
                return (d, lambda);
            }
        }
        ridge *= 1e3;
    }
    for (x, &j) in free.iter().enumerate() {
        d[j] = -(gf[x] - mean);
    }
    (d, mean)
}

/// `(g − λ1)ᵀd`.
fn centred_dot(g: &[f64], lambda: f64, d: &[f64]) -> f64 {
    g.iter().zip(d).map(|(a, b)| (a - lambda) * b).sum()
}

/// The step that lets the members `enter` (weight 0, gradient below the face's multiplier
/// `lambda`) join the face `free`: the Newton step on the larger face, dropping the entering members
/// it would not give a positive weight until it gives all remaining ones one and descends; if none
/// remains, the projected gradient on the face plus the most violating member.
fn entering_step(
    e: &Eval,
    m: usize,
    free: &[usize],
    lambda: f64,
    mut enter: Vec<usize>,
) -> Vec<f64> {
    let worst = enter
        .iter()
        .copied()
        .min_by(|&x, &y| (e.g[x] - lambda).total_cmp(&(e.g[y] - lambda)))
        .unwrap_or(0);
    while !enter.is_empty() {
        let mut face = free.to_vec();
        face.extend_from_slice(&enter);
        face.sort_unstable();
        let (dn, mu) = face_newton(e, m, &face);
        let before = enter.len();
        enter.retain(|&j| dn[j] > 0.0);
        if enter.len() == before && centred_dot(&e.g, mu, &dn) < 0.0 {
            return dn;
        }
        if enter.len() == before {
            break;
        }
    }
    let mut face = free.to_vec();
    face.push(worst);
    let mean = face.iter().map(|&x| e.g[x]).sum::<f64>() / face.len() as f64;
    let mut dg = vec![0.0; m];
    for &x in &face {
        dg[x] = -(e.g[x] - mean);
    }
    dg
}

/// Backtracking from the longest feasible step (at most 1) along `d`: the first trial point that
/// satisfies the Armijo condition, or, when the predicted decrease is below `f`'s rounding, does
/// not increase `f` beyond it. A weight that blocks the step is set to exactly 0; the trial is
/// renormalised to sum 1. `None` after 60 halvings.
#[allow(clippy::too_many_arguments)]
fn line_search(
    a: &[f64],
    m: usize,
    counts: Option<&[u32]>,
    total: u64,
    w: &[f64],
    e: &Eval,
    d: &[f64],
    slope: f64,
) -> Option<(Vec<f64>, Eval)> {
    let mut t_max = f64::INFINITY;
    let mut block = None;
    for j in 0..m {
        if d[j] < 0.0 {
            let t = w[j] / -d[j];
            if t < t_max {
                t_max = t;
                block = Some(j);
            }
        }
    }
    let mut t = t_max.min(1.0);
    let quadratic = -slope < 1e-12 * (1.0 + e.f.abs());
    for _ in 0..60 {
        let mut trial: Vec<f64> = w.iter().zip(d).map(|(x, y)| x + t * y).collect();
        if let Some(b) = block.filter(|_| t == t_max) {
            trial[b] = 0.0;
        }
        for x in &mut trial {
            if *x < 0.0 {
                *x = 0.0;
            }
        }
        let sum: f64 = trial.iter().sum();
        for x in &mut trial {
            *x /= sum;
        }
        let et = eval(a, m, counts, total, &trial);
        let armijo = et.f <= e.f + 1e-4 * t * slope;
        let noise = quadratic && et.f <= e.f + 4.0 * f64::EPSILON * e.f.abs();
        if armijo || noise {
            return Some((trial, et));
        }
        t *= 0.5;
    }
    None
}

/// The active-set projected Newton method of the module docs on the true-class matrix `a`
/// (row-major `n × m`). Infallible: the caller checked `total > 0`.
pub(crate) fn minimise(a: &[f64], m: usize, counts: Option<&[u32]>, total: u64) -> Solution {
    let mut w = vec![1.0 / m as f64; m];
    if m == 1 {
        return Solution {
            weights: vec![1.0],
            iterations: 0,
            converged: true,
        };
    }
    let mut e = eval(a, m, counts, total, &w);
    let mut iterations = 0;
    let mut converged = false;
    // Set when the last step could not move the weights: the face is then treated as optimal.
    let mut stalled = false;
    while iterations < MAX_ITER {
        iterations += 1;
        let free: Vec<usize> = (0..m).filter(|&j| w[j] > 0.0).collect();
        let (mut d, lambda) = face_newton(&e, m, &free);
        // Every direction here sums to 0, so gᵀd = (g − λ)ᵀd; the centred form avoids the
        // cancellation of g_j ≈ λ ≈ −1 terms that would leave a rounding floor of ~1e-16.
        let mut slope = centred_dot(&e.g, lambda, &d);
        let negligible = d.iter().all(|x| x.abs() <= STEP_FLOOR);
        let mut entering = false;
        // (NaN slope included: no step is trusted then.)
        if stalled || negligible || slope.is_nan() || slope >= -STOP {
            // Optimal on the face: do zero weights want to grow?
            let tol = 1e-12 * (1.0 + lambda.abs());
            let enter: Vec<usize> = (0..m)
                .filter(|&j| w[j] == 0.0 && e.g[j] - lambda < -tol)
                .collect();
            if enter.is_empty() {
                converged = true;
                break;
            }
            entering = true;
            d = entering_step(&e, m, &free, lambda, enter);
            slope = centred_dot(&e.g, lambda, &d);
        }
        let Some((trial, et)) = line_search(a, m, counts, total, &w, &e, &d, slope) else {
            break;
        };
        let moved = trial.iter().zip(&w).any(|(x, y)| x != y);
        if !moved && (entering || stalled) {
            // Neither the face step nor a member entering can change the weights.
            break;
        }
        stalled = !moved;
        w = trial;
        e = et;
    }
    Solution {
        weights: w,
        iterations,
        converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::binary_rows;
    use crate::ensemble::testdata::{binary, expand, members};
    use crate::multiclass;

    /// The log loss of the soft vote at `w` (normalised).
    fn loss_at(m: &Members<'_>, y: &[u32], w: &[f64]) -> f64 {
        let p = soft_vote(m, w).expect("valid");
        multiclass::log_loss(y, &p, m.classes(), Weights::Unit)
    }

    fn problem(n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<u32>) {
        binary(n, seed, &[3.0, 1.5, 0.7], 2.0)
    }

    #[test]
    fn the_optimum_beats_every_grid_point_and_satisfies_kkt() {
        let (probs, y) = problem(400, 3);
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let m = members(&refs, 2);
        let opt = optimize_log_loss(&m, &y, Weights::Unit).expect("valid");
        assert!(opt.converged);
        assert!((opt.weights.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        for a in 0..=20 {
            for b in 0..=(20 - a) {
                let w = [a as f64, b as f64, (20 - a - b) as f64];
                assert!(opt.log_loss <= loss_at(&m, &y, &w) + 1e-15, "{w:?}");
            }
        }
        // KKT: equal gradients on the free weights, larger ones on the zero weights.
        let a = m.true_class(&y);
        let e = eval(&a, 3, None, y.len() as u64, &opt.weights);
        let free: Vec<usize> = (0..3).filter(|&j| opt.weights[j] > 0.0).collect();
        let lambda = e.g[free[0]];
        for j in 0..3 {
            if opt.weights[j] > 0.0 {
                assert!((e.g[j] - lambda).abs() < 1e-10, "{:?}", e.g);
            } else {
                assert!(e.g[j] >= lambda - 1e-12, "{:?}", e.g);
            }
        }
    }

    #[test]
    fn a_useless_member_gets_weight_zero() {
        let (mut probs, y) = problem(300, 5);
        // Member 3 says 0.5 everywhere: mixing it in only moves rows towards 0.5.
        probs.push(binary_rows(&vec![0.5; y.len()]));
        // Member 4 is always confidently wrong.
        let wrong: Vec<f64> = y
            .iter()
            .map(|&v| if v == 1 { 0.01 } else { 0.99 })
            .collect();
        probs.push(binary_rows(&wrong));
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let m = members(&refs, 2);
        let opt = optimize_log_loss(&m, &y, Weights::Unit).expect("valid");
        assert!(opt.converged);
        assert_eq!(opt.weights[4], 0.0);
        assert!(opt.weights[0] > 0.5);
    }

    #[test]
    fn duplicate_members_and_a_single_member() {
        let (probs, y) = problem(200, 8);
        let refs: Vec<&[f64]> = vec![&probs[0], &probs[0], &probs[1]];
        let m = members(&refs, 2);
        let opt = optimize_log_loss(&m, &y, Weights::Unit).expect("valid");
        assert!(opt.converged);
        // The two copies share one weight; the loss is that of the two-member problem.
        let m2 = members(&[&probs[0], &probs[1]], 2);
        let opt2 = optimize_log_loss(&m2, &y, Weights::Unit).expect("valid");
        assert!((opt.log_loss - opt2.log_loss).abs() <= 1e-14 * opt2.log_loss);
        assert!((opt.weights[0] + opt.weights[1] - opt2.weights[0]).abs() < 1e-8);
        let one = members(&[&probs[2]], 2);
        let o = optimize_log_loss(&one, &y, Weights::Unit).expect("valid");
        assert_eq!(o.weights, vec![1.0]);
        assert_eq!(o.log_loss, loss_at(&one, &y, &[1.0]));
    }

    #[test]
    fn count_weights_are_repeated_rows() {
        let (probs, y) = problem(150, 9);
        let counts: Vec<u32> = (0..y.len() as u32).map(|i| (i * 5 + 1) % 3).collect();
        let (ep, ey) = expand(&probs, &y, 2, &counts);
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let erefs: Vec<&[f64]> = ep.iter().map(Vec::as_slice).collect();
        let a = optimize_log_loss(&members(&refs, 2), &y, Weights::Counts(&counts)).expect("ok");
        let b = optimize_log_loss(&members(&erefs, 2), &ey, Weights::Unit).expect("ok");
        assert!((a.log_loss - b.log_loss).abs() <= 1e-13 * b.log_loss);
        for (x, z) in a.weights.iter().zip(&b.weights) {
            assert!((x - z).abs() < 1e-7, "{:?} vs {:?}", a.weights, b.weights);
        }
    }

    #[test]
    fn clipped_rows_add_no_gradient() {
        // Row 1: both members give the true class probability 0 → clipped, a constant 36.04.
        let p0 = [0.2, 0.8, 1.0, 0.0];
        let p1 = [0.6, 0.4, 1.0, 0.0];
        let m = members(&[&p0, &p1], 2);
        let y = [1, 1];
        let opt = optimize_log_loss(&m, &y, Weights::Unit).expect("valid");
        assert_eq!(opt.weights, vec![1.0, 0.0]);
        let want = (-(0.8f64.ln()) - f64::EPSILON.ln()) / 2.0;
        assert!((opt.log_loss - want).abs() < 1e-14);
    }

    #[test]
    fn results_do_not_depend_on_thread_count() {
        // Several chunks, so several tasks add partial sums.
        let (probs, y) = binary(3 * CHUNK + 5, 4, &[2.0, 1.0, 0.5], 4.0);
        let refs: Vec<&[f64]> = probs.iter().map(Vec::as_slice).collect();
        let m = members(&refs, 2);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let a = one
            .install(|| optimize_log_loss(&m, &y, Weights::Unit))
            .expect("valid");
        let b = optimize_log_loss(&m, &y, Weights::Unit).expect("valid");
        assert_eq!(a, b);
        assert!(a.converged);
    }

    #[test]
    fn refusals() {
        let a = [0.5, 0.5];
        let m = members(&[&a], 2);
        assert_eq!(
            optimize_log_loss(&m, &[0], Weights::Counts(&[0])).expect_err("refused"),
            EnsembleError::NoRows
        );
        assert_eq!(
            optimize_log_loss(&m, &[3], Weights::Unit).expect_err("refused"),
            EnsembleError::LabelRange {
                row: 0,
                label: 3,
                k: 2
            }
        );
    }
}
