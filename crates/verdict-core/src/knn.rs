//! Exact brute-force k-nearest neighbours at GEMM speed.
//!
//! [`knn`] scores every query against every gallery row and keeps the best `k` per query. It never
//! builds the query × gallery score matrix: queries are cut into blocks of
//! [`KnnConfig::query_block`] rows, the gallery into blocks of [`KnnConfig::gallery_block`] rows, and
//! one `query_block × gallery_block` tile of scores is computed at a time by a blocked float32
//! matrix product (`matrixmultiply::sgemm`, which picks AVX2/FMA or AVX-512 kernels at run time)
//! into a buffer reused by the thread. Query blocks run in parallel with rayon.
//!
//! # Selection
//! Each query's best `k` are kept one of two ways ([`Selection`]; the result is identical):
//! * **Bounded** (small `k`): a candidate buffer of at most `k + max(k, 256)` entries with a running
//!   threshold; candidates are tested 16 at a time against it (one vectorised comparison), so once
//!   the buffer has filled most of a tile row costs a few instructions per 16 scores.
//! * **Full row** (`k` at least a sixteenth of the candidates, as exact MAP@R needs: the depth is the
//!   largest class): the block's rows of scores are kept as integer keys, and a sampled threshold
//!   (exact radix select as the fallback) gathers a superset of the best `k`, which a stable radix
//!   sort orders. This avoids the buffer churn a deep bounded buffer would have.
//!
//! Candidates are single `u64`s (score key in the high half, gallery index in the low half), so
//! selection and sorting are integer operations with no comparator. Memory beyond the inputs and
//! the output is about `threads × query_block × (gallery_block + 2k + 256)` values for Bounded, or
//! `threads × min(query_block, FULL_ROW_BUDGET / gallery rows) × gallery rows` keys (at most
//! [`FULL_ROW_BUDGET`]) for Full row; plus, for cosine, one normalised query block per thread and the
//! normalised gallery (once, when it is at most 256 MiB; otherwise block by block) and
//! `O(query rows + gallery rows)` norms, so a 1M-row gallery never needs a 1M-column matrix.
//! [`knn_map`] hands each query's neighbours to a closure instead of returning `rows × k` of them,
//! so deep rankings need no output of that size either.
//!
//! # Similarities and scores
//! * [`Similarity::Cosine`] (the default): rows are L2-normalised (norm computed in f64) block by
//!   block into a per-thread buffer, then `score = q̂·ĝ`. A **zero vector** stays zero, so its
//!   cosine similarity with everything (another zero vector included) is `0`. This is the
//!   convention of scikit-learn's `cosine_similarity` (`normalize` leaves a zero row zero),
//!   pytorch-metric-learning's `CosineSimilarity` (`torch.nn.functional.normalize` divides by
//!   `max(‖x‖, 1e-12)`) and faiss's `normalize_L2` (a zero norm is left alone). So a zero
//!   **query** ties every gallery row at 0 and, by the tie rule below, ranks the gallery in index
//!   order; a zero **gallery** row scores 0 for every query, above every row with a negative
//!   cosine. The metrics of such rows say nothing about the model, so callers warn about them
//!   ([`zero_rows`]; `verdict retrieval` names the rows). Scores may exceed 1 by a rounding
//!   error; they are not clamped.
//! * [`Similarity::Dot`]: `score = q·g`.
//! * [`Similarity::L2`]: `score = max(‖q‖² + ‖g‖² − 2 q·g, 0)`, the **squared** Euclidean distance
//!   (faiss `IndexFlatL2`, PML's default), with the squared norms computed in f64 and rounded to
//!   f32. The expansion loses precision by cancellation for near-duplicates (the clamp at 0 keeps it
//!   non-negative); exact duplicates still get exactly equal distances.
//!
//! # Order and ties
//! Neighbours are listed best first: **higher similarity** for Cosine/Dot, **smaller distance** for
//! L2, and on equal scores the **smaller gallery index** first (faiss returns ties in that order,
//! docs/design/metrics.md §2.1). This is a total order, so the result equals a full stable sort of each query's
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

/// The rows of `m` that are zero vectors (every entry `0.0` or `-0.0`), in increasing order.
/// Under [`Similarity::Cosine`] a zero vector has no direction and is scored 0 against everything
/// (module docs), so its ranking is the tie order, not the model's.
pub fn zero_rows(m: Matrix<'_>) -> Vec<usize> {
    if m.dim == 0 {
        return Vec::new();
    }
    m.data
        .chunks_exact(m.dim)
        .take(m.rows)
        .enumerate()
        .filter(|(_, row)| row.iter().all(|&x| x == 0.0))
        .map(|(i, _)| i)
        .collect()
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
    /// Query rows per block (the unit of parallel work), e.g. 1024.
    pub query_block: usize,
    /// Gallery rows per score tile, e.g. 4096.
    pub gallery_block: usize,
    /// How each query's best `k` are selected (both ways give identical results).
    pub selection: Selection,
}

/// How [`knn`] keeps each query's best `k` candidates. The result is the same either way; only
/// the speed differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Selection {
    /// [`Selection::FullRow`] when `k` is at least a sixteenth of the candidates (deep rankings
    /// such as exact R-metrics, where most candidates would enter a bounded buffer anyway),
    /// otherwise [`Selection::Bounded`].
    #[default]
    Auto,
    /// A bounded candidate buffer per query with a running threshold (see [`knn`]).
    Bounded,
    /// Each query's whole row of scores is kept as integer keys for a block of queries, then a radix
    /// select finds the best `k` and a stable radix sort orders them. The block shrinks so that the
    /// rows take at most [`FULL_ROW_BUDGET`] keys per thread.
    FullRow,
}

/// Keys (4 bytes each) one thread may hold for [`Selection::FullRow`]: 32 Mi keys = 128 MiB.
pub const FULL_ROW_BUDGET: usize = 32 << 20;

impl KnnConfig {
    /// `k` neighbours by cosine similarity, no leave-one-out, blocks of 1024 queries × 4096 gallery
    /// rows, automatic selection. Large query blocks matter: the GEMM packs each gallery block once
    /// per query block and each query block once per 1024 gallery rows, so packing costs
    /// `1/query_block + 1/1024` of the data per score.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            similarity: Similarity::Cosine,
            leave_one_out: false,
            query_block: 1024,
            gallery_block: 4096,
            selection: Selection::Auto,
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

/// A candidate as one integer: the score's order key in the high 32 bits and the gallery index in
/// the low 32, so that **a smaller `u64` is a better candidate** (higher "higher is better" key
/// first, then smaller index). This is a total order on (key, index) pairs with no NaN keys, and
/// selection and sorting run on plain integers, with no comparator.
#[inline]
fn compose(kv: f32, j: usize) -> u64 {
    let b = kv.to_bits();
    // Monotone map of f32 onto u32 (ascending), then complemented so better is smaller.
    let asc = if b & 0x8000_0000 != 0 {
        !b
    } else {
        b | 0x8000_0000
    };
    (u64::from(!asc) << 32) | j as u64
}

/// The key and gallery index of a [`compose`]d candidate.
#[inline]
fn decompose(c: u64) -> (f32, u32) {
    let asc = !((c >> 32) as u32);
    let b = if asc & 0x8000_0000 != 0 {
        asc & 0x7fff_ffff
    } else {
        !asc
    };
    (f32::from_bits(b), c as u32)
}

/// The best `k` candidates seen so far for one query, fed in increasing gallery index.
///
/// Candidates better than the threshold are appended; when the buffer reaches `cap` (≥ 2k) it is
/// cut back to the best `k` by `select_nth_unstable` (amortised O(1) per candidate) and the
/// threshold becomes the k-th best candidate. Candidates are [`compose`]d integers, all distinct
/// (indices differ), so `c < thr` is the exact acceptance test; `thr_key`, the k-th best key, is a
/// cheaper first test that rejects most candidates before they are composed.
struct TopK {
    buf: Vec<u64>,
    thr: u64,
    thr_key: f32,
}

impl TopK {
    fn new() -> Self {
        Self {
            buf: Vec::new(),
            thr: u64::MAX,
            thr_key: f32::NEG_INFINITY,
        }
    }

    fn reset(&mut self) {
        self.buf.clear();
        self.thr = u64::MAX;
        self.thr_key = f32::NEG_INFINITY;
    }

    fn shrink(&mut self, k: usize) {
        let worst = if self.buf.len() > k {
            // After the selection, position k − 1 holds the k-th best and everything before it
            // is better.
            self.buf.select_nth_unstable(k - 1);
            self.buf.truncate(k);
            self.buf.last().copied()
        } else if self.buf.len() == k {
            self.buf.iter().max().copied()
        } else {
            None
        };
        if let Some(w) = worst {
            self.thr = w;
            self.thr_key = decompose(w).0;
        }
    }

    /// Cuts to the best `k` and sorts them best first.
    fn finish(&mut self, k: usize) {
        self.shrink(k);
        self.buf.sort_unstable();
    }
}

/// Per-thread buffers.
struct Scratch {
    tile: Vec<f32>,
    qbuf: Vec<f32>,
    gbuf: Vec<f32>,
    tops: Vec<TopK>,
    /// [`Selection::FullRow`]: the block's rows of keys, `qb × gallery rows`.
    rows: Vec<u32>,
    /// [`Selection::FullRow`]: one tile row's float keys.
    kbuf: Vec<f32>,
    radix: RadixScratch,
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

/// Candidates examined together by [`scan`]: one chunk's keys are computed and all compared with
/// the threshold before any candidate is looked at alone (a loop the compiler turns into SIMD), so
/// a chunk with nothing good enough, the common case once the top-k has filled, costs a few vector
/// instructions.
const CHUNK: usize = 16;

/// How a tile's raw scores become "higher is better" keys.
#[derive(Clone, Copy)]
enum KeyOf<'a> {
    /// Cosine and dot: the score itself.
    Score,
    /// Squared L2 from `x = q·g`: `−max(‖q‖² + ‖g‖² − 2x, 0)`, with the query's squared norm and
    /// the squared norms of the tile row's gallery rows.
    L2 { q_sq: f32, g_sq: &'a [f32] },
}

impl KeyOf<'_> {
    /// Writes the keys of `scores` (gallery rows `off..off + scores.len()` of the tile row) into
    /// `out`; `+ 0.0` turns `-0.0` into `0.0`, one tie. Plain slice loops, so they vectorise.
    #[inline]
    fn keys(self, scores: &[f32], off: usize, out: &mut [f32]) {
        match self {
            KeyOf::Score => {
                for (o, &x) in out.iter_mut().zip(scores) {
                    *o = x + 0.0;
                }
            }
            KeyOf::L2 { q_sq, g_sq } => {
                let g_sq = &g_sq[off..off + scores.len()];
                for ((o, &x), &g) in out.iter_mut().zip(scores).zip(g_sq) {
                    let d = (q_sq + g) - 2.0 * x;
                    *o = (if d > 0.0 { -d } else { 0.0 }) + 0.0;
                }
            }
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
    key: KeyOf<'_>,
) {
    let mut feed = |part: &[f32], base: usize| {
        let mut keys = [0f32; CHUNK];
        for (ci, chunk) in part.chunks(CHUNK).enumerate() {
            let b = base + ci * CHUNK;
            let keys = &mut keys[..chunk.len()];
            key.keys(chunk, b - g0, keys);
            // The threshold only tightens, so a candidate below it now would be rejected by the
            // exact test below: one mask of the comparisons (which vectorises: keys are never
            // NaN) picks the few worth a look, and a chunk with none costs a few instructions.
            let thr = top.thr_key;
            let mut mask = keys
                .iter()
                .enumerate()
                .fold(0u32, |m, (t, &x)| m | (u32::from(x >= thr) << t));
            while mask != 0 {
                let t = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let kv = keys[t];
                if kv >= top.thr_key {
                    let c = compose(kv, b + t);
                    if c < top.thr {
                        top.buf.push(c);
                        if top.buf.len() >= cap {
                            top.shrink(k);
                        }
                    }
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

/// The 32-bit order key of [`compose`] (smaller is better) for a "higher is better" key.
#[inline]
fn key32(kv: f32) -> u32 {
    (compose(kv, 0) >> 32) as u32
}

/// Marks the excluded (leave-one-out) position in a full row: worse than every finite key, since
/// [`key32`] of a finite value is never `u32::MAX` (that would need the bits of a negative NaN).
const EXCLUDED: u32 = u32::MAX;

/// Bits per radix digit in [`select_full_row`] (2048 bins: a histogram that stays in L1).
const RADIX_BITS: u32 = 11;

/// Buffers for [`select_full_row`], reused across queries.
#[derive(Default)]
struct RadixScratch {
    hist: Vec<u32>,
    keys: Vec<u32>,
    a: Vec<(u32, u32)>,
    b: Vec<(u32, u32)>,
}

/// Number of significant bits of `x` (0 for 0).
#[inline]
fn bit_len(x: u32) -> u32 {
    32 - x.leading_zeros()
}

/// The best `k` of a full row of [`key32`] keys (position = gallery index), written to `out` as
/// [`compose`]d candidates sorted best first: smaller key first, ties by smaller index.
///
/// First a superset of the best `k` is gathered in index order ([`gather_by_sample`], or
/// [`gather_by_radix`] when sampling cannot help or missed); then a stable LSD radix sort by key
/// orders it ([`sort_gathered`]; stability keeps index order among equal keys) and the first `k`
/// are the answer. Both gathers are exact, so the result never depends on the sample.
fn select_full_row(row: &[u32], k: usize, s: &mut RadixScratch, out: &mut Vec<u64>) {
    debug_assert!(k >= 1 && k <= row.len());
    if !gather_by_sample(row, k, s) {
        gather_by_radix(row, k, s);
    }
    sort_gathered(s);
    out.clear();
    out.extend(
        s.a.iter()
            .take(k)
            .map(|&(x, j)| (u64::from(x) << 32) | u64::from(j)),
    );
}

/// Every `SAMPLE_STEP`-th key of a row forms the sample of [`gather_by_sample`].
const SAMPLE_STEP: usize = 32;

/// Appends to `s.a`, in index order, every `(key, index)` of `row` with `key ≤ x`, branch-free:
/// each pair is written and the length only advances past the ones taken (about k of the row's
/// keys are taken, in no predictable pattern, so a branch would mispredict often).
fn gather_at_most(row: &[u32], x_max: u32, a: &mut Vec<(u32, u32)>) {
    a.clear();
    a.resize(row.len(), (0, 0));
    let mut n = 0;
    for (j, &x) in row.iter().enumerate() {
        // n ≤ j < row.len(): the index is always in bounds; the min lets the compiler see it.
        a[n.min(row.len() - 1)] = (x, j as u32);
        n += usize::from(x <= x_max);
    }
    a.truncate(n);
}

/// Gathers a superset of the best `k` from an estimated threshold: the sample's order statistic of
/// rank `k·(sample/row) + 4σ + 8` (σ the binomial spread of that rank), so that the keys at or
/// below it number at least `k` unless the sample is very unrepresentative. Returns false (and
/// gathers nothing useful) when the row is too short to sample, the estimate would take almost the
/// whole row, or fewer than `k` keys were gathered; the caller then uses [`gather_by_radix`].
fn gather_by_sample(row: &[u32], k: usize, s: &mut RadixScratch) -> bool {
    let n = row.len();
    if n < SAMPLE_STEP * 64 {
        return false;
    }
    s.keys.clear();
    s.keys.extend(row.iter().step_by(SAMPLE_STEP).copied());
    let ns = s.keys.len();
    let p = k as f64 / n as f64;
    let expected = p * ns as f64;
    let rank = (expected + 4.0 * (expected * (1.0 - p)).sqrt() + 8.0).ceil() as usize;
    if rank + ns / 8 >= ns {
        return false;
    }
    let (_, &mut t_hi, _) = s.keys.select_nth_unstable(rank);
    if t_hi == EXCLUDED {
        return false;
    }
    gather_at_most(row, t_hi, &mut s.a);
    s.a.len() >= k
}

/// Gathers exactly the best `k` by radix select on the key *offsets* from the row's smallest key,
/// so the 2048 bins of a digit cover the keys actually present (scores of one query crowd into a
/// narrow band of float bits, so fixed top bits would put most keys in a handful of bins). The
/// `k`-th smallest key `t` is found digit by digit: a histogram over the row, then over the keys
/// left in the chosen bin, until the bin is one key wide. The selection is every key below `t`
/// plus the first `k − #{key < t}` keys equal to `t`, in index order.
fn gather_by_radix(row: &[u32], k: usize, s: &mut RadixScratch) {
    let bins = 1usize << RADIX_BITS;
    // The range of the keys, leaving out the excluded position (it is clamped into the last bin,
    // above every real key; k ≤ candidates keeps it out of the selection).
    let (lo, hi) = row.iter().fold((u32::MAX, 0u32), |(l, h), &x| {
        (l.min(x), h.max(if x == EXCLUDED { 0 } else { x }))
    });
    let hi = hi.max(lo);
    let mut base = lo;
    let mut shift = bit_len(hi - lo).saturating_sub(RADIX_BITS);
    let mut need = k; // rank of t among the keys in the current bin (1-based)
    let mut first = true;
    loop {
        s.hist.clear();
        s.hist.resize(bins, 0);
        let digit = |x: u32| (((x - base) >> shift) as usize).min(bins - 1);
        {
            let keys: &[u32] = if first { row } else { &s.keys };
            for &x in keys {
                s.hist[digit(x)] += 1;
            }
        }
        let mut below = 0usize;
        let mut chosen = bins - 1;
        for (d, &c) in s.hist.iter().enumerate() {
            if below + c as usize >= need {
                chosen = d;
                break;
            }
            below += c as usize;
        }
        need -= below;
        if shift == 0 {
            // Bins are one key wide: t is found.
            base += chosen as u32;
            break;
        }
        // Keep the keys of the chosen bin (branch-free, as in gather_at_most).
        let keep = |x: u32| digit(x) == chosen;
        if first {
            s.keys.clear();
            s.keys.resize(row.len(), 0);
            let mut n = 0;
            for &x in row {
                s.keys[n.min(row.len() - 1)] = x;
                n += usize::from(keep(x));
            }
            s.keys.truncate(n);
            first = false;
        } else {
            s.keys.retain(|&x| keep(x));
        }
        base += (chosen as u32) << shift;
        shift = shift.saturating_sub(RADIX_BITS);
    }
    let t = base;
    let mut ties = need; // keys equal to t that are taken, the first ones by index
    s.a.clear();
    s.a.resize(row.len(), (0, 0));
    let mut n = 0;
    for (j, &x) in row.iter().enumerate() {
        let tie = usize::from(x == t) & usize::from(ties > 0);
        ties -= tie;
        s.a[n.min(row.len() - 1)] = (x, j as u32);
        n += usize::from(x < t) | tie;
    }
    s.a.truncate(n);
    debug_assert_eq!(n, k);
}

/// Stable LSD radix sort of `s.a` by key (offsets from the smallest key, over the bits in which
/// the keys differ).
fn sort_gathered(s: &mut RadixScratch) {
    let bins = 1usize << RADIX_BITS;
    let (lo, hi) =
        s.a.iter()
            .fold((u32::MAX, 0u32), |(l, h), &(x, _)| (l.min(x), h.max(x)));
    if s.a.is_empty() {
        return;
    }
    let passes = bit_len(hi - lo).div_ceil(RADIX_BITS);
    s.b.clear();
    s.b.resize(s.a.len(), (0, 0));
    for pass in 0..passes {
        let sh = pass * RADIX_BITS;
        let digit = |x: u32| (((x - lo) >> sh) as usize) & (bins - 1);
        s.hist.clear();
        s.hist.resize(bins, 0);
        for &(x, _) in &s.a {
            s.hist[digit(x)] += 1;
        }
        let mut sum = 0u32;
        for c in s.hist.iter_mut() {
            let m = *c;
            *c = sum;
            sum += m;
        }
        for &(x, j) in &s.a {
            let slot = &mut s.hist[digit(x)];
            s.b[*slot as usize] = (x, j);
            *slot += 1;
        }
        std::mem::swap(&mut s.a, &mut s.b);
    }
}

/// Checks the inputs of [`knn`] / [`knn_map`] and computes the row norms.
fn prepare<'a>(
    query: Matrix<'a>,
    gallery: Matrix<'a>,
    cfg: &KnnConfig,
) -> Result<Prepared<'a>, KnnError> {
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
    // Every query block reads the whole gallery, so a gallery that fits the limit is normalised
    // once (the same values as normalising block by block).
    let g_unit =
        (sim == Similarity::Cosine && gallery.data.len() <= NORMALISED_COPY_LIMIT).then(|| {
            let mut out = vec![0f32; gallery.data.len()];
            out.par_chunks_mut(gallery.dim * 1024)
                .enumerate()
                .for_each(|(c, o)| {
                    let r0 = c * 1024;
                    normalise_into(&gallery, &g_inv, r0..r0 + o.len() / gallery.dim, o);
                });
            out
        });
    Ok(Prepared {
        query,
        gallery,
        cfg: cfg.clone(),
        q_inv,
        g_inv,
        q_n,
        g_n,
        g_unit,
    })
}

/// Largest gallery (in values) that Cosine normalises once into a copy rather than block by block
/// for every query block: 64 Mi values (256 MiB).
const NORMALISED_COPY_LIMIT: usize = 64 << 20;

/// Validated inputs and per-row norms, shared by [`knn`] and [`knn_map`].
struct Prepared<'a> {
    query: Matrix<'a>,
    gallery: Matrix<'a>,
    cfg: KnnConfig,
    /// 1/‖row‖ for Cosine (empty otherwise).
    q_inv: Vec<f64>,
    g_inv: Vec<f64>,
    /// ‖row‖² in f32, for L2.
    q_n: Vec<f32>,
    g_n: Vec<f32>,
    /// The normalised gallery, for Cosine when it fits [`NORMALISED_COPY_LIMIT`].
    g_unit: Option<Vec<f32>>,
}

impl Prepared<'_> {
    /// Runs every query block in parallel; `finish(q0, tops)` receives a block's first query row and
    /// its finished candidate lists (each sorted best first, `k` long) and returns the block's result.
    fn run<R: Send>(
        &self,
        on_block: &(dyn Fn(usize) + Sync),
        finish: &(dyn Fn(usize, &[TopK]) -> R + Sync),
    ) -> Vec<R> {
        let (query, gallery, cfg) = (&self.query, &self.gallery, &self.cfg);
        let (k, sim, dim) = (cfg.k, cfg.similarity, query.dim);
        let candidates = gallery.rows - usize::from(cfg.leave_one_out);
        let full_row = match cfg.selection {
            Selection::Auto => k.saturating_mul(16) >= candidates,
            Selection::FullRow => true,
            Selection::Bounded => false,
        };
        let mut qb = cfg.query_block.min(query.rows.max(1));
        if full_row {
            qb = qb.min((FULL_ROW_BUDGET / gallery.rows).max(1));
        }
        let n_g = gallery.rows;
        let gb = cfg.gallery_block.min(gallery.rows);
        let cap = k + k.max(256);
        let blocks = query.rows.div_ceil(qb);
        (0..blocks)
            .into_par_iter()
            .map_init(
                || Scratch {
                    tile: vec![0.0; qb * gb],
                    qbuf: if sim == Similarity::Cosine {
                        vec![0.0; qb * dim]
                    } else {
                        Vec::new()
                    },
                    gbuf: if sim == Similarity::Cosine && self.g_unit.is_none() {
                        vec![0.0; gb * dim]
                    } else {
                        Vec::new()
                    },
                    tops: Vec::new(),
                    rows: if full_row {
                        vec![0; qb * n_g]
                    } else {
                        Vec::new()
                    },
                    kbuf: if full_row { vec![0.0; gb] } else { Vec::new() },
                    radix: RadixScratch::default(),
                },
                |s, bi| {
                    let q0 = bi * qb;
                    let qn = qb.min(query.rows - q0);
                    s.tops.resize_with(qn, TopK::new);
                    for t in &mut s.tops[..qn] {
                        t.reset();
                    }
                    let a: &[f32] = if sim == Similarity::Cosine {
                        normalise_into(query, &self.q_inv, q0..q0 + qn, &mut s.qbuf[..qn * dim]);
                        &s.qbuf[..qn * dim]
                    } else {
                        &query.data[q0 * dim..(q0 + qn) * dim]
                    };
                    let mut g0 = 0;
                    while g0 < gallery.rows {
                        let gn = gb.min(gallery.rows - g0);
                        let b: &[f32] = if let Some(unit) = &self.g_unit {
                            &unit[g0 * dim..(g0 + gn) * dim]
                        } else if sim == Similarity::Cosine {
                            normalise_into(
                                gallery,
                                &self.g_inv,
                                g0..g0 + gn,
                                &mut s.gbuf[..gn * dim],
                            );
                            &s.gbuf[..gn * dim]
                        } else {
                            &gallery.data[g0 * dim..(g0 + gn) * dim]
                        };
                        let tile = &mut s.tile[..qn * gn];
                        gemm_abt(a, qn, b, gn, dim, tile);
                        if full_row {
                            for (r, row) in tile.chunks_exact(gn).enumerate() {
                                let qi = q0 + r;
                                let keys = &mut s.rows[r * n_g + g0..r * n_g + g0 + gn];
                                let kf = &mut s.kbuf[..gn];
                                self.key_of(qi, g0, gn).keys(row, 0, kf);
                                for (o, &kv) in keys.iter_mut().zip(kf.iter()) {
                                    *o = key32(kv);
                                }
                                if cfg.leave_one_out && (g0..g0 + gn).contains(&qi) {
                                    keys[qi - g0] = EXCLUDED;
                                }
                            }
                            g0 += gn;
                            continue;
                        }
                        for (r, (row, top)) in tile.chunks_exact(gn).zip(&mut s.tops).enumerate() {
                            let qi = q0 + r;
                            let skip = cfg.leave_one_out.then_some(qi);
                            scan(row, g0, skip, top, k, cap, self.key_of(qi, g0, gn));
                        }
                        g0 += gn;
                    }
                    if full_row {
                        for (r, top) in s.tops[..qn].iter_mut().enumerate() {
                            let row = &s.rows[r * n_g..(r + 1) * n_g];
                            select_full_row(row, k, &mut s.radix, &mut top.buf);
                        }
                    } else {
                        for top in &mut s.tops[..qn] {
                            top.finish(k);
                        }
                    }
                    let out = finish(q0, &s.tops[..qn]);
                    on_block(qn);
                    out
                },
            )
            .collect()
    }

    /// The key rule for query `qi` against gallery rows `g0..g0 + gn`.
    fn key_of(&self, qi: usize, g0: usize, gn: usize) -> KeyOf<'_> {
        match self.cfg.similarity {
            Similarity::Cosine | Similarity::Dot => KeyOf::Score,
            Similarity::L2 => KeyOf::L2 {
                q_sq: self.q_n[qi],
                g_sq: &self.g_n[g0..g0 + gn],
            },
        }
    }

    /// Writes one finished candidate list as gallery indices and scores (the reported score: the
    /// similarity, or the L2 distance).
    fn emit(&self, top: &TopK, index: &mut [u32], score: &mut [f32]) {
        let l2 = self.cfg.similarity == Similarity::L2;
        for ((&c, i), s) in top.buf.iter().zip(index).zip(score) {
            let (kv, j) = decompose(c);
            *i = j;
            *s = if l2 { 0.0 - kv } else { kv };
        }
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
    let p = prepare(query, gallery, cfg)?;
    let k = cfg.k;
    let parts = p.run(on_block, &|_, tops| {
        let mut index = vec![0u32; tops.len() * k];
        let mut score = vec![0f32; tops.len() * k];
        for ((top, i), s) in tops
            .iter()
            .zip(index.chunks_exact_mut(k))
            .zip(score.chunks_exact_mut(k))
        {
            p.emit(top, i, s);
        }
        (index, score)
    });
    let (mut index, mut score) = (
        Vec::with_capacity(query.rows * k),
        Vec::with_capacity(query.rows * k),
    );
    for (i, s) in parts {
        index.extend_from_slice(&i);
        score.extend_from_slice(&s);
    }
    Ok(Neighbors {
        k,
        rows: query.rows,
        index,
        score,
    })
}

/// The per-query reduction of [`knn_map`]: `(query row, neighbour indices, scores) → T`.
pub type PerQuery<'f, T> = dyn Fn(usize, &[u32], &[f32]) -> T + Sync + 'f;

/// [`knn`] without materialising the `rows × k` result: `per_query(q, indices, scores)` is called
/// once per query row `q` with its `k` neighbours (best first, as [`Neighbors::indices`] and
/// [`Neighbors::scores`] would give them), on worker threads, and its results are returned in query
/// order. Memory stays bounded by the block sizes however deep `k` is, which is what exact
/// R-metrics (depth = the largest class) need.
///
/// # Errors
/// As [`knn`].
pub fn knn_map<T: Send>(
    query: Matrix<'_>,
    gallery: Matrix<'_>,
    cfg: &KnnConfig,
    on_block: &(dyn Fn(usize) + Sync),
    per_query: &PerQuery<'_, T>,
) -> Result<Vec<T>, KnnError> {
    let p = prepare(query, gallery, cfg)?;
    let k = cfg.k;
    let parts = p.run(on_block, &|q0, tops| {
        let (mut index, mut score) = (vec![0u32; k], vec![0f32; k]);
        tops.iter()
            .enumerate()
            .map(|(r, top)| {
                p.emit(top, &mut index, &mut score);
                per_query(q0 + r, &index, &score)
            })
            .collect::<Vec<T>>()
    });
    Ok(parts.into_iter().flatten().collect())
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
            selection: Selection::Auto,
        }
    }

    const SELECTIONS: [Selection; 3] = [Selection::Auto, Selection::Bounded, Selection::FullRow];

    fn with(mut c: KnnConfig, selection: Selection) -> KnnConfig {
        c.selection = selection;
        c
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
                    for sel in SELECTIONS {
                        let c = with(cfg(k, sim, false, qb, gb), sel);
                        let got = knn(q, g, &c, &|_| {}).expect("knn");
                        assert_eq!(got, want, "{sim:?} k={k} blocks {qb}x{gb} {sel:?}");
                    }
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
                    for sel in SELECTIONS {
                        let c = with(cfg(k, sim, true, qb, gb), sel);
                        let got = knn(m, m, &c, &|_| {}).expect("knn");
                        assert_eq!(got, want, "{sim:?} k={k} {sel:?}");
                        for i in 0..41 {
                            assert!(!got.indices(i).contains(&(i as u32)));
                        }
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

    /// Rows long enough for the sampled gather of [`Selection::FullRow`], with many exact ties
    /// (duplicated rows, zero vectors) and deep `k`: both selections equal the full sort.
    #[test]
    fn selections_agree_with_the_full_sort_on_long_rows_with_ties() {
        let (nq, ng) = (12, 4500);
        let gd = exact_data(ng, 8);
        let g = Matrix::new(&gd, ng, 16);
        let q = Matrix::new(&gd[..nq * 16], nq, 16);
        for sim in SIMS {
            for (k, loo) in [
                (1, false),
                (37, false),
                (900, true),
                (3000, false),
                (4499, true),
            ] {
                let want = naive(&q, &g, k, sim, loo);
                for sel in [Selection::Bounded, Selection::FullRow] {
                    let c = with(cfg(k, sim, loo, 5, 1000), sel);
                    let got = knn(q, g, &c, &|_| {}).expect("knn");
                    assert_eq!(got, want, "{sim:?} k={k} loo={loo} {sel:?}");
                }
            }
        }
    }

    /// The radix fallback of the full-row selection: a sample that holds only the best keys sets
    /// the estimated threshold too low, fewer than k keys are gathered, and the exact radix select
    /// takes over. Both gathers, directly, give the k best in (key, index) order.
    #[test]
    fn full_row_selection_is_exact_when_the_sample_misleads() {
        let n = 8192;
        let mut r = crate::rng::Xoshiro256pp::for_stream(9, 2);
        let row: Vec<u32> = (0..n)
            .map(|j| {
                if j % SAMPLE_STEP == 0 {
                    0
                } else {
                    1000 + r.below(500) as u32
                }
            })
            .collect();
        let mut sorted: Vec<u64> = row
            .iter()
            .enumerate()
            .map(|(j, &x)| (u64::from(x) << 32) | j as u64)
            .collect();
        sorted.sort_unstable();
        let mut s = RadixScratch::default();
        for k in [1, 100, 256, 300, 5000, n] {
            assert_eq!(
                gather_by_sample(&row, k, &mut s) && s.a.len() >= k,
                k <= 256,
                "sample gather at k={k}"
            );
            let mut out = Vec::new();
            select_full_row(&row, k, &mut s, &mut out);
            assert_eq!(out, sorted[..k], "k={k}");
            gather_by_radix(&row, k, &mut s);
            sort_gathered(&mut s);
            let radix: Vec<u64> =
                s.a.iter()
                    .map(|&(x, j)| (u64::from(x) << 32) | u64::from(j))
                    .collect();
            assert_eq!(radix, sorted[..k], "radix k={k}");
        }
    }

    #[test]
    fn knn_map_hands_each_query_its_neighbours_in_query_order() {
        let (n, dim) = (230, 16);
        let d = exact_data(n, 10);
        let m = Matrix::new(&d, n, dim);
        for sim in SIMS {
            for (k, sel) in [(5, Selection::Bounded), (200, Selection::FullRow)] {
                let c = with(cfg(k, sim, true, 17, 64), sel);
                let want = knn(m, m, &c, &|_| {}).expect("knn");
                let got = knn_map(m, m, &c, &|_| {}, &|q, idx, sc| {
                    (q, idx.to_vec(), sc.to_vec())
                })
                .expect("knn_map");
                assert_eq!(got.len(), n);
                for (q, (qq, idx, sc)) in got.iter().enumerate() {
                    assert_eq!(*qq, q);
                    assert_eq!(idx.as_slice(), want.indices(q), "{sim:?} k={k} q={q}");
                    assert_eq!(sc.as_slice(), want.scores(q), "{sim:?} k={k} q={q}");
                }
            }
        }
    }

    #[test]
    fn compose_orders_by_key_then_index() {
        let keys = [
            f32::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            1e-30,
            0.5,
            2.0,
            f32::INFINITY,
        ];
        for (a, &x) in keys.iter().enumerate() {
            let x = x + 0.0;
            assert_eq!(decompose(compose(x, 7)), (x, 7));
            for &y in &keys[a..] {
                let y = y + 0.0;
                // Higher key is better, i.e. a smaller integer.
                assert_eq!(
                    compose(x, 3).cmp(&compose(y, 3)),
                    y.total_cmp(&x),
                    "{x} {y}"
                );
                if x == y {
                    assert!(compose(x, 3) < compose(y, 4));
                }
            }
        }
    }

    #[test]
    fn zero_rows_lists_rows_whose_every_entry_is_zero() {
        let d = [0.0f32, 0.0, 1e-30, 0.0, -0.0, 0.0, 3.0, 4.0];
        assert_eq!(zero_rows(Matrix::new(&d, 4, 2)), [0, 2]);
        assert!(zero_rows(Matrix::new(&d[6..], 1, 2)).is_empty());
        // A tiny but non-zero row is normalised (its norm is computed in f64), not a zero vector.
        let tiny = [1e-30f32, 0.0, 0.6, 0.8];
        let m = Matrix::new(&tiny, 2, 2);
        let got = knn(m, m, &cfg(2, Similarity::Cosine, false, 8, 8), &|_| {}).expect("knn");
        let s = got.scores(0);
        assert!(
            (s[0] - 1.0).abs() < 1e-6 && (s[1] - 0.6).abs() < 1e-6,
            "{s:?}"
        );
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
