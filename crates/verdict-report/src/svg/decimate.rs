//! Point preparation: dropping non-finite points, visual decimation (largest-triangle-three-
//! buckets) and step expansion.

/// Curves with more points than this are decimated.
pub(crate) const MAX_POINTS: usize = 2000;

/// The points `(x[i], y[i])` where both are finite, in order (the shorter slice bounds the pairs).
pub(crate) fn finite_points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(&a, &b)| (a, b))
        .collect()
}

/// At most `max` of `pts`, chosen by Steinarsson's largest-triangle-three-buckets: the first and
/// last points are kept, the rest split into `max − 2` buckets of consecutive points, and each
/// bucket keeps the point forming the largest triangle with the point kept before it and the mean
/// of the next bucket. Unlike every-k-th sampling it keeps the corners and spikes a reader sees.
/// Deterministic; `pts` unchanged when it has at most `max` points (or `max < 3`).
pub(crate) fn lttb(pts: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    let len = pts.len();
    if len <= max || max < 3 {
        return pts.to_vec();
    }
    let buckets = max - 2;
    // Bucket b covers inner points [start(b), start(b + 1)), inner = 1..len-1.
    let inner = len - 2;
    let start = |b: usize| 1 + b * inner / buckets;
    let mut out = Vec::with_capacity(max);
    out.push(pts[0]);
    let mut prev = pts[0];
    for b in 0..buckets {
        let (lo, hi) = (start(b), start(b + 1));
        // Mean of the next bucket (the last point after the last bucket).
        let (nlo, nhi) = if b + 1 < buckets {
            (start(b + 1), start(b + 2))
        } else {
            (len - 1, len)
        };
        let cnt = (nhi - nlo) as f64;
        let (mx, my) = pts[nlo..nhi]
            .iter()
            .fold((0.0, 0.0), |(sx, sy), p| (sx + p.0, sy + p.1));
        let (mx, my) = (mx / cnt, my / cnt);
        let mut best = lo;
        let mut best_area = -1.0;
        for (i, p) in pts.iter().enumerate().take(hi).skip(lo) {
            let area = ((prev.0 - mx) * (p.1 - prev.1) - (prev.0 - p.0) * (my - prev.1)).abs();
            if area > best_area {
                best_area = area;
                best = i;
            }
        }
        prev = pts[best];
        out.push(prev);
    }
    out.push(pts[len - 1]);
    out
}

/// Expands points into matplotlib's `drawstyle="steps-post"`: from each point the line runs
/// horizontally to the next point's x, then vertically to its y.
pub(crate) fn steps_post(pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(pts.len() * 2);
    for (i, &p) in pts.iter().enumerate() {
        if i > 0 {
            out.push((p.0, pts[i - 1].1));
        }
        out.push(p);
    }
    out
}

/// Drops consecutive duplicates of `pts` (after rounding to pixels they often coincide), and the
/// middle of three consecutive points on one horizontal or vertical line.
pub(crate) fn simplify(pts: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for p in pts {
        if out.last() == Some(&p) {
            continue;
        }
        if let [.., a, b] = out[..]
            && ((a.0 == b.0 && b.0 == p.0 && (a.1 - b.1) * (b.1 - p.1) >= 0.0)
                || (a.1 == b.1 && b.1 == p.1 && (a.0 - b.0) * (b.0 - p.0) >= 0.0))
        {
            out.pop();
        }
        out.push(p);
    }
    out
}
