//! Exact brute-force k-nearest neighbours at GEMM speed.
//!
//! [`knn`] scores every query against every gallery row and keeps the best `k` per query. It never
//! builds the query × gallery score matrix: queries are cut into blocks of
//! [`KnnConfig::query_block`] rows, the gallery into blocks of [`KnnConfig::gallery_block`] rows, and
//! one `query_block × gallery_block` tile of scores is computed at a time by a blocked float32
//! matrix product (`matrixmultiply::sgemm`, which picks AVX2/FMA or AVX-512 kernels at run time)
//! into a buffer reused by the thread. Query blocks run in parallel with rayon; each query keeps a
//! bounded candidate buffer (see [`knn`]). Memory beyond the inputs and the output is about
//! `threads × query_block × (gallery_block + k + max(k, 256))` values (plus, for cosine, one
//! normalised query and gallery block per thread) and `O(query rows + gallery rows)` norms, so a
//! 1M-row gallery never needs a 1M-column matrix.
//!
//! # Similarities and scores
//! * [`Similarity::Cosine`] (the default): rows are L2-normalised (norm computed in f64) block by
//!   block into a per-thread buffer, then `score = q̂·ĝ`. A **zero vector** stays zero, so its
//!   cosine similarity with everything (another zero vector included) is `0`. Scores may exceed 1 by
//!   a rounding error; they are not clamped.
//! * [`Similarity::Dot`]: `score = q·g`.
//! * [`Similarity::L2`]: `score = max(‖q‖² + ‖g‖² − 2 q·g, 0)`, the **squared** Euclidean distance
//!   (faiss `IndexFlatL2`, PML's default), with the squared norms computed in f64 and rounded to
//!   f32. The expansion loses precision by cancellation for near-duplicates (the clamp at 0 keeps it
//!   non-negative); exact duplicates still get exactly equal distances.
//!
//! # Order and ties
//! Neighbours are listed best first: **higher similarity** for Cosine/Dot, **smaller distance** for
//! L2, and on equal scores the **smaller gallery index** first (faiss returns ties in that order,
//! metrics.md §2.1). This is a total order, so the result equals a full stable sort of each query's
//! scores, is the same for any block sizes, and does not depend on the number of threads. `-0.0` and
//! `0.0` are one score (`0.0` is reported).
//!
//! # Leave-one-out
//! With [`KnnConfig::leave_one_out`] the gallery *starts with* the query set (query row `i` is
//! gallery row `i`; usually the gallery is the query set itself) and gallery row `i` is never a
//! neighbour of query `i`. The exclusion is **by index**, as in pytorch-metric-learning: other rows
//! equal to the query are kept. Each query then has `gallery rows − 1` candidates.
//!
//! # Unsafe code
//! The single `unsafe` block of this crate is the call to `matrixmultiply::sgemm` in the private
//! function `gemm_abt`, whose bounds are asserted right before the call (see its SAFETY comment).
//! Everything else is safe Rust.

use rayon::prelude::*;
use std::cmp::Ordering;
use thiserror::Error;

/// How a query and a gallery row are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Similarity {
    /// Cosine similarity `q·g / (‖q‖‖g‖)`, higher is better; zero vectors score 0 (module docs).
    #[default]
    Cosine,
    /// Inner product `q·g`, higher is better.
    Dot,
    /// Squared Euclidean distance `‖q − g‖²`, smaller is better.
    L2,
}

impl Similarity {
    /// True when a larger score is better (Cosine, Dot); false for the L2 distance.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Similarity::L2)
    }
}

/// A borrowed row-major `rows × dim` matrix of f32: row `i` is `data[i*dim .. (i+1)*dim]`.
#[derive(Debug, Clone, Copy)]
pub struct Matrix<'a> {
    /// The values, row after row; `data.len()` must equal `rows * dim`.
    pub data: &'a [f32],
    /// Number of rows (vectors).
    pub rows: usize,
    /// Number of columns (the embedding dimension).
    pub dim: usize,
}

impl<'a> Matrix<'a> {
    /// A view of `data` as `rows × dim`; the shape is checked by [`knn`].
    pub fn new(data: &'a [f32], rows: usize, dim: usize) -> Self {
        Self { data, rows, dim }
    }

    fn row(&self, i: usize) -> &'a [f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }
}

/// Parameters of [`knn`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnnConfig {
    /// Neighbours per query (at least 1, at most the number of candidates).
    pub k: usize,
    /// How vectors are compared.
    pub similarity: Similarity,
    /// The gallery starts with the query set; gallery row `i` is excluded for query `i`.
    pub leave_one_out: bool,
    /// Query rows per block (the unit of parallel work), e.g. 256.
    pub query_block: usize,
    /// Gallery rows per score tile, e.g. 8192.
    pub gallery_block: usize,
}

impl KnnConfig {
    /// `k` neighbours by cosine similarity, no leave-one-out, blocks of 256 queries × 8192 gallery rows.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            similarity: Similarity::Cosine,
            leave_one_out: false,
            query_block: 256,
            gallery_block: 8192,
        }
    }
}

/// The `k` nearest gallery rows of every query, best first (module docs for the order).
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbors {
    /// Neighbours per query.
    pub k: usize,
    /// Number of queries.
    pub rows: usize,
    /// Gallery row indices, `rows × k` row-major.
    pub index: Vec<u32>,
    /// Scores, `rows × k` row-major: the similarity for Cosine/Dot (descending), the squared L2
    /// distance for L2 (ascending).
    pub score: Vec<f32>,
}

impl Neighbors {
    /// Gallery indices of query `q`'s neighbours, best first.
    pub fn indices(&self, q: usize) -> &[u32] {
        &self.index[q * self.k..(q + 1) * self.k]
    }

    /// Scores of query `q`'s neighbours, best first.
    pub fn scores(&self, q: usize) -> &[f32] {
        &self.score[q * self.k..(q + 1) * self.k]
    }
}

/// Why [`knn`] refused its input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KnnError {
    /// `k` was 0.
    #[error("k must be at least 1")]
    ZeroK,
    /// `k` exceeds the number of candidates per query.
    #[error(
        "k = {k} is larger than the {candidates} candidates each query has: the gallery has \
         {gallery} rows{}",
        if *leave_one_out { " and leave-one-out excludes the query itself, leaving n − 1" } else { "" }
    )]
    KTooLarge {
        /// The requested k.
        k: usize,
        /// Gallery rows (n).
        gallery: usize,
        /// Candidates per query: n, or n − 1 with leave-one-out.
        candidates: usize,
        /// Whether leave-one-out was on.
        leave_one_out: bool,
    },
    /// Queries and gallery have different dimensions.
    #[error("query vectors have dimension {query} but gallery vectors have dimension {gallery}")]
    DimMismatch {
        /// Query dimension.
        query: usize,
        /// Gallery dimension.
        gallery: usize,
    },
    /// `data.len()` is not `rows × dim`, or `dim` is 0.
    #[error(
        "the {which} matrix has {len} values, which is not {rows} rows × {dim} columns (dim ≥ 1)"
    )]
    Shape {
        /// "query" or "gallery".
        which: &'static str,
        /// `data.len()`.
        len: usize,
        /// Declared rows.
        rows: usize,
        /// Declared dimension.
        dim: usize,
    },
    /// Leave-one-out needs at least as many gallery rows as queries.
    #[error(
        "leave-one-out needs the gallery to start with the {queries} queries, but it has only \
         {gallery} rows"
    )]
    LeaveOneOutShape {
        /// Query rows.
        queries: usize,
        /// Gallery rows.
        gallery: usize,
    },
    /// A NaN or infinite value.
    #[error("{which} row {row} holds a non-finite value (NaN or ±inf)")]
    NonFinite {
        /// "query" or "gallery".
        which: &'static str,
        /// The first offending row.
        row: usize,
    },
    /// For Dot and L2, a squared norm above `f32::MAX / 4`, where scores could overflow.
    #[error(
        "{which} row {row} has a squared norm above f32::MAX / 4, so its {similarity:?} scores \
         could overflow f32; rescale the embeddings"
    )]
    Overflow {
        /// "query" or "gallery".
        which: &'static str,
        /// The first offending row.
        row: usize,
        /// The similarity that needs the bound.
        similarity: Similarity,
    },
    /// Indices are u32.
    #[error("the gallery has {0} rows; at most 4294967295 (u32::MAX) are supported")]
    TooManyRows(usize),
    /// A block size of 0.
    #[error("query_block and gallery_block must be at least 1")]
    ZeroBlock,
}

/// `C = A·Bᵀ` for row-major `A` (`m × dim`), `B` (`n × dim`) and `C` (`m × n`).
///
/// # Panics
/// If a slice is shorter than its shape (never, by construction of the callers).
#[allow(unsafe_code)]
fn gemm_abt(a: &[f32], m: usize, b: &[f32], n: usize, dim: usize, c: &mut [f32]) {
    assert!(m > 0 && n > 0 && dim > 0);
    assert!(a.len() >= m * dim && b.len() >= n * dim && c.len() >= m * n);
    let d = dim as isize;
    // SAFETY: sgemm reads A[i][p] at a + i·dim + p for i < m, p < dim: the largest offset is
    // (m−1)·dim + dim − 1 = m·dim − 1 < a.len(). It reads Bᵀ[p][j] = B[j][p] at b + p + j·dim for
    // p < dim, j < n: at most n·dim − 1 < b.len(). It writes C[i][j] at c + i·n + j: at most
    // m·n − 1 < c.len(). The three bounds are asserted above. `c` is a unique `&mut` borrow, so it
    // aliases neither `a` nor `b`; with beta = 0 the old contents of `c` are never read (so NaN
    // garbage cannot leak), and isize strides cannot overflow since each slice fits in memory.
    unsafe {
        matrixmultiply::sgemm(
            m,
            dim,
            n,
            1.0,
            a.as_ptr(),
            d,
            1,
            b.as_ptr(),
            1,
            d,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// Candidate order: larger key first (keys are "higher is better" for every similarity), then
/// smaller index. A total order on (key, index) pairs with no NaN keys.
#[inline]
fn better(a: &(f32, u32), b: &(f32, u32)) -> Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The best `k` candidates seen so far for one query, fed in increasing gallery index.
///
/// Candidates above the threshold are appended; when the buffer reaches `cap` (≥ 2k) it is cut back
/// to the best `k` by `select_nth_unstable` (amortised O(1) per candidate) and the threshold becomes
/// the k-th best key. A later candidate whose key equals the threshold has a larger index than the
/// k-th best, so it is worse and `key > threshold` is the exact rejection test.
struct TopK {
    buf: Vec<(f32, u32)>,
    thr: f32,
}

impl TopK {
    fn reset(&mut self) {
        self.buf.clear();
        self.thr = f32::NEG_INFINITY;
    }

    fn shrink(&mut self, k: usize) {
        if self.buf.len() > k {
            self.buf.select_nth_unstable_by(k - 1, better);
            self.buf.truncate(k);
        }
        if self.buf.len() == k {
            self.thr = self.buf[k - 1].0;
        }
    }
}

/// Per-thread buffers.
struct Scratch {
    tile: Vec<f32>,
    qbuf: Vec<f32>,
    gbuf: Vec<f32>,
    tops: Vec<TopK>,
}

/// Checks shape and finiteness; returns per-row f64 squared norms.
fn validate(m: &Matrix<'_>, which: &'static str) -> Result<Vec<f64>, KnnError> {
    if m.dim == 0 || m.rows.checked_mul(m.dim) != Some(m.data.len()) {
        return Err(KnnError::Shape {
            which,
            len: m.data.len(),
            rows: m.rows,
            dim: m.dim,
        });
    }
    // A non-finite value makes its row's f64 sum non-finite; finite f32 values cannot overflow it.
    let sq: Vec<f64> = (0..m.rows)
        .into_par_iter()
        .map(|i| m.row(i).iter().map(|&x| f64::from(x) * f64::from(x)).sum())
        .collect();
    match sq.iter().position(|s: &f64| !s.is_finite()) {
        Some(row) => Err(KnnError::NonFinite { which, row }),
        None => Ok(sq),
    }
}

/// Copies rows `rows` of `m` into `out`, each divided by its L2 norm (zero rows stay zero).
fn normalise_into(m: &Matrix<'_>, inv_norm: &[f64], rows: std::ops::Range<usize>, out: &mut [f32]) {
    let d = m.dim;
    for (o, i) in out.chunks_exact_mut(d).zip(rows) {
        let inv = inv_norm[i];
        for (y, &x) in o.iter_mut().zip(m.row(i)) {
            *y = (f64::from(x) * inv) as f32;
        }
    }
}

/// Feeds one tile row (gallery rows `g0..g0+row.len()`) into `top`, skipping gallery row `skip`.
#[inline]
fn scan(
    row: &[f32],
    g0: usize,
    skip: Option<usize>,
    top: &mut TopK,
    k: usize,
    cap: usize,
    key: impl Fn(usize, f32) -> f32,
) {
    let mut feed = |part: &[f32], base: usize| {
        for (jj, &s) in part.iter().enumerate() {
            let j = base + jj;
            let kv = key(j, s) + 0.0; // + 0.0 turns -0.0 into 0.0: one tie.
            if kv > top.thr {
                top.buf.push((kv, j as u32));
                if top.buf.len() >= cap {
                    top.shrink(k);
                }
            }
        }
    };
    match skip {
        Some(s) if s >= g0 && s < g0 + row.len() => {
            let l = s - g0;
            feed(&row[..l], g0);
            feed(&row[l + 1..], s + 1);
        }
        _ => feed(row, g0),
    }
}

/// The `cfg.k` nearest gallery rows of every query row (module docs for scores, order, ties and
/// leave-one-out).
///
/// `on_block(n)` is called after each finished query block with its number of query rows (the calls
/// sum to `query.rows`; they come from worker threads, in no particular order), for a progress bar.
///
/// # Errors
/// [`KnnError`] when `k` is 0 or above the candidates per query (`gallery.rows`, or
/// `gallery.rows − 1` with leave-one-out), a shape or dimension is wrong, a block size is 0, a value
/// is NaN/±inf, the gallery has more than `u32::MAX` rows, or (Dot, L2) a squared norm exceeds
/// `f32::MAX / 4`. No query rows gives an empty result.
pub fn knn(
    query: Matrix<'_>,
    gallery: Matrix<'_>,
    cfg: &KnnConfig,
    on_block: &(dyn Fn(usize) + Sync),
) -> Result<Neighbors, KnnError> {
    let k = cfg.k;
    if k == 0 {
        return Err(KnnError::ZeroK);
    }
    if cfg.query_block == 0 || cfg.gallery_block == 0 {
        return Err(KnnError::ZeroBlock);
    }
    let q_sq = validate(&query, "query")?;
    let g_sq = validate(&gallery, "gallery")?;
    if query.dim != gallery.dim {
        return Err(KnnError::DimMismatch {
            query: query.dim,
            gallery: gallery.dim,
        });
    }
    if u32::try_from(gallery.rows).is_err() {
        return Err(KnnError::TooManyRows(gallery.rows));
    }
    if cfg.leave_one_out && gallery.rows < query.rows {
        return Err(KnnError::LeaveOneOutShape {
            queries: query.rows,
            gallery: gallery.rows,
        });
    }
    let candidates = gallery.rows.saturating_sub(usize::from(cfg.leave_one_out));
    if k > candidates {
        return Err(KnnError::KTooLarge {
            k,
            gallery: gallery.rows,
            candidates,
            leave_one_out: cfg.leave_one_out,
        });
    }
    let sim = cfg.similarity;
    if sim != Similarity::Cosine {
        let limit = f64::from(f32::MAX) / 4.0;
        for (which, sq) in [("query", &q_sq), ("gallery", &g_sq)] {
            if let Some(row) = sq.iter().position(|&s| s > limit) {
                return Err(KnnError::Overflow {
                    which,
                    row,
                    similarity: sim,
                });
            }
        }
    }
    let inv = |sq: &[f64]| -> Vec<f64> {
        sq.iter()
            .map(|&s| if s > 0.0 { 1.0 / s.sqrt() } else { 0.0 })
            .collect()
    };
    let (q_inv, g_inv) = if sim == Similarity::Cosine {
        (inv(&q_sq), inv(&g_sq))
    } else {
        (Vec::new(), Vec::new())
    };
    let q_n: Vec<f32> = q_sq.iter().map(|&s| s as f32).collect();
    let g_n: Vec<f32> = g_sq.iter().map(|&s| s as f32).collect();

    let dim = query.dim;
    let qb = cfg.query_block.min(query.rows.max(1));
    let gb = cfg.gallery_block.min(gallery.rows);
    let cap = k + k.max(256);
    let mut index = vec![0u32; query.rows * k];
    let mut score = vec![0f32; query.rows * k];

    index
        .par_chunks_mut(qb * k)
        .zip(score.par_chunks_mut(qb * k))
        .enumerate()
        .for_each_init(
            || Scratch {
                tile: vec![0.0; qb * gb],
                qbuf: if sim == Similarity::Cosine {
                    vec![0.0; qb * dim]
                } else {
                    Vec::new()
                },
                gbuf: if sim == Similarity::Cosine {
                    vec![0.0; gb * dim]
                } else {
                    Vec::new()
                },
                tops: Vec::new(),
            },
            |s, (bi, (idx_out, sc_out))| {
                let q0 = bi * qb;
                let qn = idx_out.len() / k;
                s.tops.resize_with(qn, || TopK {
                    buf: Vec::new(),
                    thr: f32::NEG_INFINITY,
                });
                for t in &mut s.tops[..qn] {
                    t.reset();
                }
                let a: &[f32] = if sim == Similarity::Cosine {
                    normalise_into(&query, &q_inv, q0..q0 + qn, &mut s.qbuf[..qn * dim]);
                    &s.qbuf[..qn * dim]
                } else {
                    &query.data[q0 * dim..(q0 + qn) * dim]
                };
                let mut g0 = 0;
                while g0 < gallery.rows {
                    let gn = gb.min(gallery.rows - g0);
                    let b: &[f32] = if sim == Similarity::Cosine {
                        normalise_into(&gallery, &g_inv, g0..g0 + gn, &mut s.gbuf[..gn * dim]);
                        &s.gbuf[..gn * dim]
                    } else {
                        &gallery.data[g0 * dim..(g0 + gn) * dim]
                    };
                    let tile = &mut s.tile[..qn * gn];
                    gemm_abt(a, qn, b, gn, dim, tile);
                    for (r, (row, top)) in tile.chunks_exact(gn).zip(&mut s.tops).enumerate() {
                        let qi = q0 + r;
                        let skip = cfg.leave_one_out.then_some(qi);
                        match sim {
                            Similarity::Cosine | Similarity::Dot => {
                                scan(row, g0, skip, top, k, cap, |_, x| x)
                            }
                            Similarity::L2 => {
                                let qq = q_n[qi];
                                scan(row, g0, skip, top, k, cap, |j, x| {
                                    let d = (qq + g_n[j]) - 2.0 * x;
                                    if d > 0.0 { -d } else { 0.0 }
                                })
                            }
                        }
                    }
                    g0 += gn;
                }
                for (r, top) in s.tops[..qn].iter_mut().enumerate() {
                    top.shrink(k);
                    top.buf.sort_unstable_by(better);
                    for (c, &(kv, j)) in top.buf.iter().enumerate() {
                        idx_out[r * k + c] = j;
                        sc_out[r * k + c] = if sim == Similarity::L2 { 0.0 - kv } else { kv };
                    }
                }
                on_block(qn);
            },
        );
    Ok(Neighbors {
        k,
        rows: query.rows,
        index,
        score,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Xoshiro256pp;

    /// All-pairs reference: every score in f64 from its definition, then a full stable sort.
    fn naive(q: &Matrix<'_>, g: &Matrix<'_>, k: usize, sim: Similarity, loo: bool) -> Neighbors {
        let norm = |x: &[f32]| x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>().sqrt();
        let mut index = Vec::new();
        let mut score = Vec::new();
        for i in 0..q.rows {
            let a = q.row(i);
            let mut all: Vec<(f64, u32)> = (0..g.rows)
                .filter(|&j| !(loo && j == i))
                .map(|j| {
                    let b = g.row(j);
                    let dot: f64 = a
                        .iter()
                        .zip(b)
                        .map(|(&x, &y)| f64::from(x) * f64::from(y))
                        .sum();
                    let s = match sim {
                        Similarity::Dot => dot,
                        Similarity::Cosine => {
                            let (na, nb) = (norm(a), norm(b));
                            if na == 0.0 || nb == 0.0 {
                                0.0
                            } else {
                                dot / (na * nb)
                            }
                        }
                        Similarity::L2 => a
                            .iter()
                            .zip(b)
                            .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
                            .sum(),
                    };
                    (s, j as u32)
                })
                .collect();
            // Stable sort by score only: ties keep ascending index.
            if sim == Similarity::L2 {
                all.sort_by(|x, y| x.0.total_cmp(&y.0));
            } else {
                all.sort_by(|x, y| y.0.total_cmp(&x.0));
            }
            for &(s, j) in &all[..k] {
                index.push(j);
                score.push(s as f32);
            }
        }
        Neighbors {
            k,
            rows: q.rows,
            index,
            score,
        }
    }

    /// Rows whose scores are exact in f32 for every similarity: entries ±1 (dim 16, norm 4) times a
    /// scale in {0, 1, 2}, and some rows duplicated, so there are many exact ties and zero vectors.
    fn exact_data(n: usize, seed: u64) -> Vec<f32> {
        let mut r = Xoshiro256pp::for_stream(seed, 0);
        let mut rows: Vec<Vec<f32>> = Vec::new();
        for i in 0..n {
            if i > 2 && r.below(4) == 0 {
                let j = r.below(i as u64) as usize;
                rows.push(rows[j].clone());
                continue;
            }
            let scale = [0.0, 1.0, 1.0, 1.0, 2.0][r.below(5) as usize];
            rows.push(
                (0..16)
                    .map(|_| if r.below(2) == 0 { -scale } else { scale })
                    .collect(),
            );
        }
        rows.concat()
    }

    fn random_data(n: usize, dim: usize, seed: u64) -> Vec<f32> {
        let mut r = Xoshiro256pp::for_stream(seed, 1);
        (0..n * dim)
            .map(|_| (r.next_f64() * 2.0 - 1.0) as f32)
            .collect()
    }

    fn cfg(k: usize, sim: Similarity, loo: bool, qb: usize, gb: usize) -> KnnConfig {
        KnnConfig {
            k,
            similarity: sim,
            leave_one_out: loo,
            query_block: qb,
            gallery_block: gb,
        }
    }

    const SIMS: [Similarity; 3] = [Similarity::Cosine, Similarity::Dot, Similarity::L2];

    #[test]
    fn equals_full_sort_on_exact_data_with_ties() {
        let qd = exact_data(37, 1);
        let gd = exact_data(53, 2);
        let q = Matrix::new(&qd, 37, 16);
        let g = Matrix::new(&gd, 53, 16);
        for sim in SIMS {
            for k in [1, 5, 53] {
                let want = naive(&q, &g, k, sim, false);
                for (qb, gb) in [(7, 13), (256, 8192), (1, 1), (37, 53)] {
                    let got = knn(q, g, &cfg(k, sim, false, qb, gb), &|_| {}).expect("knn");
                    assert_eq!(got, want, "{sim:?} k={k} blocks {qb}x{gb}");
                }
            }
        }
    }

    #[test]
    fn leave_one_out_excludes_self_by_index_only() {
        let d = exact_data(41, 3);
        let m = Matrix::new(&d, 41, 16);
        for sim in SIMS {
            for k in [1, 4, 40] {
                let want = naive(&m, &m, k, sim, true);
                for (qb, gb) in [(5, 9), (64, 64)] {
                    let got = knn(m, m, &cfg(k, sim, true, qb, gb), &|_| {}).expect("knn");
                    assert_eq!(got, want, "{sim:?} k={k}");
                    for i in 0..41 {
                        assert!(!got.indices(i).contains(&(i as u32)));
                    }
                }
            }
        }
        // A duplicate of the query is kept (exclusion by index, not by value).
        let d = [1.0f32, 0.0, 1.0, 0.0, 0.0, 1.0];
        let m = Matrix::new(&d, 3, 2);
        let got = knn(m, m, &cfg(1, Similarity::L2, true, 2, 2), &|_| {}).expect("knn");
        assert_eq!(got.index, vec![1, 0, 0]);
        assert_eq!(got.score, vec![0.0, 0.0, 2.0]);
    }

    #[test]
    fn zero_vector_has_cosine_zero_with_everything() {
        let d = [0.0f32, 0.0, 3.0, 4.0, -3.0, -4.0];
        let m = Matrix::new(&d, 3, 2);
        let got = knn(m, m, &cfg(3, Similarity::Cosine, false, 8, 8), &|_| {}).expect("knn");
        assert_eq!(got.indices(0), &[0, 1, 2]);
        assert_eq!(got.scores(0), &[0.0, 0.0, 0.0]);
        assert_eq!(got.indices(1), &[1, 0, 2]);
        assert_eq!(got.scores(1), &[1.0, 0.0, -1.0]);
    }

    #[test]
    fn matches_naive_scores_on_random_floats() {
        let (nq, ng, dim) = (60, 300, 24);
        let qd = random_data(nq, dim, 4);
        let gd = random_data(ng, dim, 5);
        let q = Matrix::new(&qd, nq, dim);
        let g = Matrix::new(&gd, ng, dim);
        for sim in SIMS {
            let want = naive(&q, &g, 10, sim, false);
            let got = knn(q, g, &cfg(10, sim, false, 16, 70), &|_| {}).expect("knn");
            // Rounding differs between the GEMM and the f64 reference, so compare the score
            // sequences (which do not depend on how near-ties are ordered) within a tolerance.
            for (a, b) in got.score.iter().zip(&want.score) {
                assert!(
                    (a - b).abs() <= 1e-4 * b.abs().max(1.0),
                    "{sim:?}: {a} vs {b}"
                );
            }
            let same = got
                .index
                .iter()
                .zip(&want.index)
                .filter(|(a, b)| a == b)
                .count();
            assert!(same >= got.index.len() * 95 / 100);
        }
    }

    #[test]
    fn thread_count_does_not_change_results() {
        let (n, dim) = (300, 16);
        let d = random_data(n, dim, 6);
        let m = Matrix::new(&d, n, dim);
        for sim in SIMS {
            let c = cfg(7, sim, true, 32, 50);
            let run = |t: usize| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(t)
                    .build()
                    .expect("pool")
                    .install(|| knn(m, m, &c, &|_| {}).expect("knn"))
            };
            assert_eq!(run(1), run(2));
        }
    }

    #[test]
    fn progress_counts_all_queries() {
        let d = random_data(100, 4, 7);
        let m = Matrix::new(&d, 100, 4);
        let seen = std::sync::atomic::AtomicUsize::new(0);
        knn(m, m, &cfg(3, Similarity::Dot, false, 30, 40), &|n| {
            seen.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        })
        .expect("knn");
        assert_eq!(seen.into_inner(), 100);
        let empty = knn(
            Matrix::new(&[], 0, 4),
            m,
            &cfg(3, Similarity::Dot, false, 30, 40),
            &|_| {},
        )
        .expect("empty query set");
        assert!(empty.index.is_empty());
    }

    #[test]
    fn errors_explain_themselves() {
        let d = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let m = Matrix::new(&d, 3, 2);
        let err = |c: &KnnConfig, q: Matrix<'_>, g: Matrix<'_>| {
            knn(q, g, c, &|_| {}).expect_err("must fail").to_string()
        };
        assert_eq!(err(&KnnConfig::new(0), m, m), "k must be at least 1");
        assert_eq!(
            err(&KnnConfig::new(4), m, m),
            "k = 4 is larger than the 3 candidates each query has: the gallery has 3 rows"
        );
        let mut loo = KnnConfig::new(3);
        loo.leave_one_out = true;
        assert_eq!(
            err(&loo, m, m),
            "k = 3 is larger than the 2 candidates each query has: the gallery has 3 rows and \
             leave-one-out excludes the query itself, leaving n − 1"
        );
        assert!(knn(m, m, &KnnConfig::new(3), &|_| {}).is_ok());
        assert_eq!(
            err(&loo, m, Matrix::new(&d[..4], 2, 2)),
            "leave-one-out needs the gallery to start with the 3 queries, but it has only 2 rows"
        );
        assert_eq!(
            err(&KnnConfig::new(1), m, Matrix::new(&d, 2, 3)),
            "query vectors have dimension 2 but gallery vectors have dimension 3"
        );
        assert_eq!(
            err(&KnnConfig::new(1), Matrix::new(&d, 4, 2), m),
            "the query matrix has 6 values, which is not 4 rows × 2 columns (dim ≥ 1)"
        );
        let bad = [1.0f32, 2.0, f32::NAN, 4.0];
        assert_eq!(
            err(&KnnConfig::new(1), m, Matrix::new(&bad, 2, 2)),
            "gallery row 1 holds a non-finite value (NaN or ±inf)"
        );
        let big = [1.0f32, 2.0, 1e19, 4.0];
        let mut dot = KnnConfig::new(1);
        dot.similarity = Similarity::Dot;
        assert_eq!(
            err(&dot, Matrix::new(&big, 2, 2), m),
            "query row 1 has a squared norm above f32::MAX / 4, so its Dot scores could overflow \
             f32; rescale the embeddings"
        );
        assert!(knn(Matrix::new(&big, 2, 2), m, &KnnConfig::new(1), &|_| {}).is_ok());
        let mut zb = KnnConfig::new(1);
        zb.gallery_block = 0;
        assert_eq!(
            err(&zb, m, m),
            "query_block and gallery_block must be at least 1"
        );
        assert_eq!(
            err(&KnnConfig::new(1), m, Matrix::new(&[], 0, 2)),
            "k = 1 is larger than the 0 candidates each query has: the gallery has 0 rows"
        );
    }
}
