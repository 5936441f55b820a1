//! Retrieval and metric-learning metrics from ranked relevance.
//!
//! A query's input is a [`RankedRelevance`]: whether each retrieved position (best first, `K`
//! positions) is relevant, and `R` = `n_relevant`, the number of relevant items in the whole gallery
//! (for label-based retrieval: gallery items with the query's label, minus the query itself under
//! leave-one-out, as pytorch-metric-learning (PML) computes `R_ℓ − self`; see
//! [`relevance_from_labels`]). Notation: `relᵢ ∈ {0,1}` for rank `i = 1..K`, `hits@k = Σ_{i≤min(k,K)}
//! relᵢ`, `P@i = hits@i / i`. References: docs/design/metrics.md §2.1 (PML `AccuracyCalculator`) and §2.2 (ranx).
//!
//! # Conventions
//! * **No relevant item** (`R = 0`, PML's "lone" queries): every metric returns **NaN**. The caller
//!   picks the policy with [`NoRelevant`]: PML excludes such queries ([`NoRelevant::Exclude`]); ranx
//!   scores them 0 ([`NoRelevant::Zero`]). [`mean_over_queries`] and [`per_class`] apply it and count
//!   the excluded queries.
//! * **Two "recalls"**: [`hit_rate_at_k`] is the metric-learning "Recall@K" (1 if any relevant item is
//!   in the top k; ranx `hit_rate`, trec_eval `success`). [`recall_at_k`] is the IR recall (relevant
//!   retrieved / relevant total; ranx `recall`). [`RetrievalMetric`] names them `hit_rate_at_k` and
//!   `recall_at_k` so they cannot be confused.
//! * **Cut-offs**: `k` must be at least 1 (`k = 0` gives NaN). The per-query functions treat
//!   positions beyond `K` as non-relevant (trec_eval); [`per_query`] instead refuses a `k` larger than
//!   the depth retrieved, and refuses MAP@R / R-precision when some query has `R > K` (PML then only
//!   warns and reports truncated values).
//! * The functions trust `relevant` to hold at most `R` true values ([`relevance_from_labels`]
//!   guarantees it); otherwise results can exceed 1.
//! * Sums are in f64; counts are integers until the division.

use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// The ranked relevance of one query.
#[derive(Debug, Clone, Copy)]
pub struct RankedRelevance<'a> {
    /// Whether each retrieved position is relevant, best first (the top-K positions).
    pub relevant: &'a [bool],
    /// R: the number of relevant items in the whole gallery for this query.
    pub n_relevant: usize,
}

impl<'a> RankedRelevance<'a> {
    /// The same query cut at the first `k` positions (a metric "@k" = the metric of the cut list).
    pub fn truncate(self, k: usize) -> Self {
        Self {
            relevant: &self.relevant[..k.min(self.relevant.len())],
            n_relevant: self.n_relevant,
        }
    }

    /// `hits@k`: relevant items among the first `min(k, K)` positions.
    pub fn hits(&self, k: usize) -> usize {
        self.relevant.iter().take(k).filter(|&&r| r).count()
    }
}

/// `hits@k / k` (ranx `precision@k`: `k` is taken literally even when fewer than `k` items were
/// retrieved, as in trec_eval). PML's `precision_at_1` is `precision_at_k(r, 1)` = rel₁.
/// NaN when `R = 0` or `k = 0`.
pub fn precision_at_k(r: RankedRelevance<'_>, k: usize) -> f64 {
    if r.n_relevant == 0 || k == 0 {
        return f64::NAN;
    }
    r.hits(k) as f64 / k as f64
}

/// `1` if `hits@k ≥ 1`, else `0`: the metric-learning "Recall@K" (ranx `hit_rate`, trec_eval
/// `success`). NaN when `R = 0` or `k = 0`.
pub fn hit_rate_at_k(r: RankedRelevance<'_>, k: usize) -> f64 {
    if r.n_relevant == 0 || k == 0 {
        return f64::NAN;
    }
    if r.hits(k) > 0 { 1.0 } else { 0.0 }
}

/// IR recall `hits@k / R` (ranx `recall@k`). NaN when `R = 0` or `k = 0`.
pub fn recall_at_k(r: RankedRelevance<'_>, k: usize) -> f64 {
    if r.n_relevant == 0 || k == 0 {
        return f64::NAN;
    }
    r.hits(k) as f64 / r.n_relevant as f64
}

/// `1 / (first rank i with relᵢ)` over the retrieved positions, `0` if none is relevant (PML
/// `mean_reciprocal_rank` per query, ranx `mrr`; for `mrr@k` pass [`RankedRelevance::truncate`]).
/// NaN when `R = 0`.
pub fn reciprocal_rank(r: RankedRelevance<'_>) -> f64 {
    if r.n_relevant == 0 {
        return f64::NAN;
    }
    r.relevant
        .iter()
        .position(|&x| x)
        .map_or(0.0, |p| 1.0 / (p + 1) as f64)
}

/// `Σ_{i≤K} relᵢ·P@i / R`: ranx `map` (with `map@k` = this on [`RankedRelevance::truncate`]) and
/// PML `mean_average_precision` per query, both dividing by **R**, not by the hits, so relevant items
/// not retrieved count as precision 0; it is trec_eval's full AP when `K` covers all `R` items.
/// NaN when `R = 0`.
pub fn average_precision(r: RankedRelevance<'_>) -> f64 {
    if r.n_relevant == 0 {
        return f64::NAN;
    }
    ap_sum(r.relevant) / r.n_relevant as f64
}

/// `Σ_i relᵢ·P@i` over `rel`.
fn ap_sum(rel: &[bool]) -> f64 {
    let mut hits = 0u64;
    let mut sum = 0.0;
    for (i, &x) in rel.iter().enumerate() {
        if x {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    sum
}

/// PML `mean_average_precision_at_r` per query: `Σ_{i≤R} relᵢ·P@i / R`, only the first `R` ranks
/// count. When fewer than `R` positions were retrieved (`K < R`) this returns PML's value in that
/// case, `Σ_{i≤K} relᵢ·P@i / K` (its relevance mask has only `K` columns), which is **not** MAP@R;
/// [`per_query`] refuses that input. `0` when nothing was retrieved (`K = 0`), NaN when `R = 0`.
pub fn map_at_r(r: RankedRelevance<'_>) -> f64 {
    if r.n_relevant == 0 {
        return f64::NAN;
    }
    let m = r.n_relevant.min(r.relevant.len());
    if m == 0 {
        return 0.0;
    }
    ap_sum(&r.relevant[..m]) / m as f64
}

/// PML `r_precision` per query: `hits@min(R, K) / min(R, K)`. When `K ≥ R` this is `hits@R / R`,
/// ranx `r-precision` (P@R); when `K < R` PML divides by `K` ([`per_query`] refuses that input).
/// `0` when nothing was retrieved (`K = 0`), NaN when `R = 0`.
pub fn r_precision(r: RankedRelevance<'_>) -> f64 {
    if r.n_relevant == 0 {
        return f64::NAN;
    }
    let m = r.n_relevant.min(r.relevant.len());
    if m == 0 {
        return 0.0;
    }
    r.hits(m) as f64 / m as f64
}

/// ranx `ndcg@k` (Järvelin–Kekäläinen, linear gains): `DCG@k = Σ_{i≤min(k,K)} gainᵢ / log₂(i+1)`
/// over the retrieved positions, divided by the ideal `IDCG@k`, the same sum over `ideal` sorted
/// descending (the gains of all relevant items, any order; zero gains are allowed). NaN when no
/// ideal gain is positive (no relevant item; ranx would report 0, which [`NoRelevant::Zero`]
/// reproduces) or `k = 0`. With binary relevance (gain 1 per relevant item, `ideal` = R ones) use
/// [`ndcg_at_k_binary`].
pub fn ndcg_at_k(gains: &[f64], ideal: &[f64], k: usize) -> f64 {
    if k == 0 || !ideal.iter().any(|&g| g > 0.0) {
        return f64::NAN;
    }
    let dcg = |g: &mut dyn Iterator<Item = f64>| -> f64 {
        g.take(k)
            .enumerate()
            .map(|(i, x)| x / ((i + 2) as f64).log2())
            .sum()
    };
    let mut sorted = ideal.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    dcg(&mut gains.iter().copied()) / dcg(&mut sorted.into_iter())
}

/// [`ndcg_at_k`] with gain 1 for each relevant position and `R` ideal gains of 1. NaN when `R = 0`
/// or `k = 0`. Computed without building the gain vectors: the same sums in the same order, with
/// the zero-gain terms (which add exactly `0.0`) skipped, so it equals [`ndcg_at_k`] exactly (a
/// ranking with no hit gives `+0.0` here where the graded form may give `-0.0`).
pub fn ndcg_at_k_binary(r: RankedRelevance<'_>, k: usize) -> f64 {
    if k == 0 || r.n_relevant == 0 {
        return f64::NAN;
    }
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = r
        .relevant
        .iter()
        .take(k)
        .enumerate()
        .filter(|&(_, &x)| x)
        .fold(0.0, |acc, (i, _)| acc + discount(i));
    let idcg: f64 = (0..k.min(r.n_relevant)).fold(0.0, |acc, i| acc + discount(i));
    dcg / idcg
}

/// The retrieval metrics by name, for [`per_query`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetrievalMetric {
    /// PML `precision_at_1` ([`precision_at_k`] with k = 1).
    PrecisionAt1,
    /// [`precision_at_k`].
    PrecisionAtK(usize),
    /// [`hit_rate_at_k`]: the metric-learning "Recall@K".
    HitRateAtK(usize),
    /// [`recall_at_k`]: IR recall, relevant retrieved / relevant total.
    RecallAtK(usize),
    /// [`reciprocal_rank`] over all retrieved positions (PML `mean_reciprocal_rank`).
    Mrr,
    /// [`average_precision`] over all retrieved positions (ranx `map`, PML `mean_average_precision`).
    Map,
    /// [`map_at_r`] (PML `mean_average_precision_at_r`).
    MapAtR,
    /// [`r_precision`] (PML `r_precision`).
    RPrecision,
    /// [`ndcg_at_k_binary`] (ranx `ndcg@k` with binary relevance).
    NdcgAtK(usize),
}

impl RetrievalMetric {
    /// The name in reports and JSON, one that keeps the two recalls apart: `precision_at_1`,
    /// `precision_at_k`, `hit_rate_at_k` (any relevant item in the top k: the metric-learning
    /// "Recall@K"), `recall_at_k` (IR recall: relevant retrieved / relevant total), `mrr`, `map`,
    /// `map_at_r`, `r_precision`, `ndcg_at_k`.
    pub fn name(self) -> String {
        match self {
            Self::PrecisionAt1 => "precision_at_1".into(),
            Self::PrecisionAtK(k) => format!("precision_at_{k}"),
            Self::HitRateAtK(k) => format!("hit_rate_at_{k}"),
            Self::RecallAtK(k) => format!("recall_at_{k}"),
            Self::Mrr => "mrr".into(),
            Self::Map => "map".into(),
            Self::MapAtR => "map_at_r".into(),
            Self::RPrecision => "r_precision".into(),
            Self::NdcgAtK(k) => format!("ndcg_at_{k}"),
        }
    }

    /// The metrics `verdict retrieval` reports for the cut-offs `ks`, in the one fixed report
    /// order: [`RetrievalMetric::cutoffs`], then mrr, map, map_at_r, r_precision.
    pub fn standard(ks: &[usize]) -> Vec<RetrievalMetric> {
        let mut out = Self::cutoffs(ks, true);
        out.extend([Self::Mrr, Self::Map, Self::MapAtR, Self::RPrecision]);
        out
    }

    /// The cut-off metrics in the fixed report order: `precision_at_1` first (PML's headline,
    /// always reported), then for each distinct k in **ascending** order (whatever order `--k`
    /// gave) the same four, always in the same order: `precision_at_k`, `hit_rate_at_k`,
    /// `recall_at_k`, `ndcg_at_k` (the last only when `ndcg`). At k = 1 the precision is
    /// `precision_at_1`, listed once, so the k = 1 group reads precision_at_1, hit_rate_at_1,
    /// recall_at_1, ndcg_at_1 like every other k.
    pub fn cutoffs(ks: &[usize], ndcg: bool) -> Vec<RetrievalMetric> {
        let mut ks = ks.to_vec();
        ks.sort_unstable();
        ks.dedup();
        let mut out = vec![Self::PrecisionAt1];
        for k in ks {
            if k != 1 {
                out.push(Self::PrecisionAtK(k));
            }
            out.extend([Self::HitRateAtK(k), Self::RecallAtK(k)]);
            if ndcg {
                out.push(Self::NdcgAtK(k));
            }
        }
        out
    }

    /// The metric of one query (NaN when `R = 0`), without the depth checks of [`per_query`].
    pub fn of(self, r: RankedRelevance<'_>) -> f64 {
        match self {
            Self::PrecisionAt1 => precision_at_k(r, 1),
            Self::PrecisionAtK(k) => precision_at_k(r, k),
            Self::HitRateAtK(k) => hit_rate_at_k(r, k),
            Self::RecallAtK(k) => recall_at_k(r, k),
            Self::Mrr => reciprocal_rank(r),
            Self::Map => average_precision(r),
            Self::MapAtR => map_at_r(r),
            Self::RPrecision => r_precision(r),
            Self::NdcgAtK(k) => ndcg_at_k_binary(r, k),
        }
    }
}

/// Why a retrieval metric cannot be computed from the given ranking.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RetrievalError {
    /// A cut-off of 0.
    #[error("{metric}: the cut-off k must be at least 1")]
    ZeroK {
        /// The metric's name.
        metric: String,
    },
    /// A cut-off deeper than the ranking.
    #[error(
        "{metric} needs the top {needed} neighbours but only {retrieved} were retrieved per query; \
         rerun the kNN with k ≥ {needed}"
    )]
    TooShallow {
        /// The metric's name.
        metric: String,
        /// Positions needed (k, or the largest R for MAP@R / R-precision).
        needed: usize,
        /// Positions retrieved (K).
        retrieved: usize,
    },
    /// Inconsistent lengths.
    #[error("{0}")]
    Shape(String),
}

/// The ranked relevance of many queries: `relevant` is `rows × depth` row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRelevance {
    /// Retrieved positions per query (K).
    pub depth: usize,
    /// Relevance of each retrieved position, `rows × depth`.
    pub relevant: Vec<bool>,
    /// R per query.
    pub n_relevant: Vec<usize>,
}

impl QueryRelevance {
    /// Number of queries.
    pub fn rows(&self) -> usize {
        self.n_relevant.len()
    }

    /// Query `q`'s ranked relevance.
    pub fn query(&self, q: usize) -> RankedRelevance<'_> {
        RankedRelevance {
            relevant: &self.relevant[q * self.depth..(q + 1) * self.depth],
            n_relevant: self.n_relevant[q],
        }
    }
}

/// Label-based relevance, as PML's `AccuracyCalculator` defines it: neighbour `j` of query `q` is
/// relevant iff `gallery_labels[j] == query_labels[q]`, and `R = #{gallery items with that label}
/// − self`, where `self = 1` under leave-one-out (the query is gallery row `q` and cannot be its own
/// neighbour). `neighbors` is `rows × depth` row-major gallery indices (e.g. [`crate::knn::Neighbors::index`]).
///
/// # Errors
/// [`RetrievalError::Shape`] when lengths disagree, an index is out of range, or (leave-one-out)
/// there are more queries than gallery rows.
pub fn relevance_from_labels(
    neighbors: &[u32],
    depth: usize,
    query_labels: &[u32],
    gallery_labels: &[u32],
    leave_one_out: bool,
) -> Result<QueryRelevance, RetrievalError> {
    let rows = query_labels.len();
    if neighbors.len() != rows * depth {
        return Err(RetrievalError::Shape(format!(
            "{} neighbour indices are not {rows} queries × {depth}",
            neighbors.len()
        )));
    }
    if leave_one_out && gallery_labels.len() < rows {
        return Err(RetrievalError::Shape(format!(
            "leave-one-out needs the gallery to start with the {rows} queries, but it has {} rows",
            gallery_labels.len()
        )));
    }
    if let Some(&j) = neighbors
        .iter()
        .find(|&&j| j as usize >= gallery_labels.len())
    {
        return Err(RetrievalError::Shape(format!(
            "neighbour index {j} is outside the gallery of {} rows",
            gallery_labels.len()
        )));
    }
    let mut count: HashMap<u32, usize> = HashMap::new();
    for &l in gallery_labels {
        *count.entry(l).or_default() += 1;
    }
    let n_relevant = query_labels
        .iter()
        .map(|l| {
            count
                .get(l)
                .map_or(0, |&c| c.saturating_sub(usize::from(leave_one_out)))
        })
        .collect();
    let relevant = neighbors
        .iter()
        .enumerate()
        .map(|(p, &j)| gallery_labels[j as usize] == query_labels[p / depth.max(1)])
        .collect();
    Ok(QueryRelevance {
        depth,
        relevant,
        n_relevant,
    })
}

/// The metric of every query (NaN for queries with `R = 0`).
///
/// # Errors
/// [`RetrievalError::ZeroK`] for a cut-off of 0; [`RetrievalError::TooShallow`] when a cut-off
/// exceeds the depth retrieved, or, for MAP@R and R-precision, when some query with `R > 0` has
/// `R > depth` (PML's `k = "max_bin_count"` avoids this).
pub fn per_query(
    metric: RetrievalMetric,
    rel: &QueryRelevance,
) -> Result<Vec<f64>, RetrievalError> {
    check_depth(
        &[metric],
        rel.depth,
        rel.n_relevant.iter().copied().max().unwrap_or(0),
    )?;
    Ok((0..rel.rows()).map(|q| metric.of(rel.query(q))).collect())
}

/// The checks of [`per_query`] for rankings of `depth` positions whose largest `R` is
/// `max_relevant`, for callers that compute metrics query by query (e.g. from
/// [`crate::knn::knn_map`]) and so never build a [`QueryRelevance`].
///
/// # Errors
/// As [`per_query`].
pub fn check_depth(
    metrics: &[RetrievalMetric],
    depth: usize,
    max_relevant: usize,
) -> Result<(), RetrievalError> {
    for &metric in metrics {
        check_one(metric, depth, max_relevant)?;
    }
    Ok(())
}

fn check_one(
    metric: RetrievalMetric,
    depth: usize,
    max_relevant: usize,
) -> Result<(), RetrievalError> {
    let name = metric.name();
    let needed = match metric {
        RetrievalMetric::PrecisionAt1 => Some(1),
        RetrievalMetric::PrecisionAtK(k)
        | RetrievalMetric::HitRateAtK(k)
        | RetrievalMetric::RecallAtK(k)
        | RetrievalMetric::NdcgAtK(k) => {
            if k == 0 {
                return Err(RetrievalError::ZeroK { metric: name });
            }
            Some(k)
        }
        RetrievalMetric::MapAtR | RetrievalMetric::RPrecision => Some(max_relevant),
        RetrievalMetric::Mrr | RetrievalMetric::Map => None,
    };
    match needed {
        Some(needed) if needed > depth => Err(RetrievalError::TooShallow {
            metric: name,
            needed,
            retrieved: depth,
        }),
        _ => Ok(()),
    }
}

/// What to do with queries that have no relevant item (per-query value NaN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoRelevant {
    /// Leave them out of the mean (PML's lone queries).
    #[default]
    Exclude,
    /// Score them 0 (ranx).
    Zero,
}

/// A mean over queries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanScore {
    /// The mean over the counted queries; NaN when none is counted.
    pub mean: f64,
    /// Queries in the mean.
    pub counted: usize,
    /// Queries left out (no relevant item, under [`NoRelevant::Exclude`]).
    pub excluded: usize,
}

/// The plain mean of per-query values, NaN meaning "no relevant item" and handled by `policy`.
pub fn mean_over_queries(per_query: &[f64], policy: NoRelevant) -> MeanScore {
    let mut sum = crate::stats::Neumaier::default();
    let (mut counted, mut excluded) = (0, 0);
    for &v in per_query {
        if v.is_nan() {
            match policy {
                NoRelevant::Exclude => excluded += 1,
                NoRelevant::Zero => counted += 1,
            }
        } else {
            sum.add(v);
            counted += 1;
        }
    }
    MeanScore {
        mean: if counted == 0 {
            f64::NAN
        } else {
            sum.total() / counted as f64
        },
        counted,
        excluded,
    }
}

/// [`mean_over_queries`] per query label, in ascending label order (PML `return_per_class`). PML's
/// `avg_of_avgs` is the plain mean of the per-class means that are not NaN.
///
/// # Errors
/// [`RetrievalError::Shape`] when the lengths differ.
pub fn per_class(
    per_query: &[f64],
    query_labels: &[u32],
    policy: NoRelevant,
) -> Result<Vec<(u32, MeanScore)>, RetrievalError> {
    if per_query.len() != query_labels.len() {
        return Err(RetrievalError::Shape(format!(
            "{} per-query values but {} query labels",
            per_query.len(),
            query_labels.len()
        )));
    }
    let mut groups: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    for (&v, &l) in per_query.iter().zip(query_labels) {
        groups.entry(l).or_default().push(v);
    }
    Ok(groups
        .into_iter()
        .map(|(l, v)| (l, mean_over_queries(&v, policy)))
        .collect())
}

/// A metric averaged over a set of queries, with its bootstrap interval over queries.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryMetric {
    /// Metric name ([`RetrievalMetric::name`]).
    pub name: String,
    /// Mean over the counted queries.
    pub value: f64,
    /// Percentile bootstrap interval over queries.
    pub ci: Option<(f64, f64)>,
}

/// Means over a set of queries.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Queries in the set.
    pub queries: usize,
    /// Queries with no relevant item (excluded, or scored 0, by the policy).
    pub no_relevant: usize,
    /// One entry per metric.
    pub metrics: Vec<SummaryMetric>,
}

/// Summarises per-query values (`values[m][q]`, NaN = no relevant item) over the queries `rows`:
/// the mean under `policy`, and with `bootstrap > 0` a percentile interval from resampling those
/// queries (seeded per replicate, independent of thread count; a query drawn c times counts c
/// times; under [`NoRelevant::Exclude`] queries without relevant items never count).
pub fn summarize(
    names: &[String],
    values: &[Vec<f64>],
    rows: &[usize],
    policy: NoRelevant,
    bootstrap: usize,
    seed: u64,
    level: f64,
) -> Summary {
    let sub = |m: usize| -> Vec<f64> { rows.iter().map(|&q| values[m][q]).collect() };
    let no_relevant = values
        .first()
        .map_or(0, |v| rows.iter().filter(|&&q| v[q].is_nan()).count());
    let resampler = crate::bootstrap::Resampler::plain(rows.len());
    let reps: Vec<Vec<f64>> = if bootstrap > 0 && !rows.is_empty() {
        resampler.run(
            bootstrap,
            seed,
            |c| {
                (0..names.len())
                    .map(|m| {
                        let (mut sum, mut n) = (crate::stats::Neumaier::default(), 0u64);
                        for (i, &q) in rows.iter().enumerate() {
                            let w = u64::from(c[i]);
                            let v = values[m][q];
                            if w == 0 || (v.is_nan() && policy == NoRelevant::Exclude) {
                                continue;
                            }
                            n += w;
                            if !v.is_nan() {
                                sum.add(v * w as f64);
                            }
                        }
                        if n == 0 {
                            f64::NAN
                        } else {
                            sum.total() / n as f64
                        }
                    })
                    .collect()
            },
            &|| {},
        )
    } else {
        Vec::new()
    };
    let metrics = names
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let ci = (!reps.is_empty()).then(|| {
                let col: Vec<f64> = reps.iter().map(|r| r[m]).collect();
                let (lo, hi, _) = crate::stats::percentile_interval(&col, level);
                (lo, hi)
            });
            SummaryMetric {
                name: name.clone(),
                value: mean_over_queries(&sub(m), policy).mean,
                ci,
            }
        })
        .collect();
    Summary {
        queries: rows.len(),
        no_relevant,
        metrics,
    }
}

/// Two systems compared on the same queries for one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedQueries {
    /// Queries compared (both values defined, or scored 0 under [`NoRelevant::Zero`]).
    pub queries: usize,
    /// Mean of A.
    pub mean_a: f64,
    /// Mean of B.
    pub mean_b: f64,
    /// Mean of B − A.
    pub delta: f64,
    /// Percentile interval of the paired bootstrap over queries.
    pub ci: Option<(f64, f64)>,
    /// Paired-bootstrap p-value `min(1, 2·min(P(Δ* ≤ 0), P(Δ* ≥ 0)))`.
    pub p_bootstrap: Option<f64>,
    /// Paired randomization (sign-flip) test: `(#(|Δ*| ≥ |Δ|) + 1)/(R + 1)`, two-sided with the
    /// +1 correction (ranx's Fisher test omits it, so it can report p = 0).
    pub p_randomization: Option<f64>,
    /// Queries where B scores higher / equal / lower than A.
    pub wins: usize,
    /// Ties.
    pub ties: usize,
    /// Losses.
    pub losses: usize,
}

/// Compares per-query values `a` and `b` (same queries, NaN = no relevant item, handled by
/// `policy`). Replicate `r` of the bootstrap and of the randomization test draws from its own
/// seeded stream, so results do not depend on the thread count.
pub fn paired_queries(
    a: &[f64],
    b: &[f64],
    policy: NoRelevant,
    bootstrap: usize,
    permutations: usize,
    seed: u64,
    level: f64,
) -> PairedQueries {
    use rayon::prelude::*;
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .zip(b)
        .filter_map(|(&x, &y)| match (x.is_nan() || y.is_nan(), policy) {
            (false, _) => Some((x, y)),
            (true, NoRelevant::Zero) => Some((
                if x.is_nan() { 0.0 } else { x },
                if y.is_nan() { 0.0 } else { y },
            )),
            (true, NoRelevant::Exclude) => None,
        })
        .collect();
    let n = pairs.len();
    let d: Vec<f64> = pairs.iter().map(|(x, y)| y - x).collect();
    let mean = |v: &mut dyn Iterator<Item = f64>| {
        let mut s = crate::stats::Neumaier::default();
        let mut k = 0usize;
        for x in v {
            s.add(x);
            k += 1;
        }
        if k == 0 {
            f64::NAN
        } else {
            s.total() / k as f64
        }
    };
    let delta = mean(&mut d.iter().copied());
    let (mut wins, mut ties, mut losses) = (0, 0, 0);
    for &x in &d {
        if x > 0.0 {
            wins += 1;
        } else if x < 0.0 {
            losses += 1;
        } else {
            ties += 1;
        }
    }
    let (ci, p_bootstrap) = if bootstrap > 0 && n > 0 {
        let reps = crate::bootstrap::Resampler::plain(n).run(
            bootstrap,
            seed,
            |c| {
                let (mut s, mut k) = (crate::stats::Neumaier::default(), 0u64);
                for (i, &w) in c.iter().enumerate() {
                    s.add(d[i] * f64::from(w));
                    k += u64::from(w);
                }
                vec![s.total() / k as f64]
            },
            &|| {},
        );
        let col: Vec<f64> = reps.iter().map(|r| r[0]).collect();
        let (lo, hi, _) = crate::stats::percentile_interval(&col, level);
        let le = col.iter().filter(|&&x| x <= 0.0).count() as f64 / col.len() as f64;
        let ge = col.iter().filter(|&&x| x >= 0.0).count() as f64 / col.len() as f64;
        (Some((lo, hi)), Some((2.0 * le.min(ge)).min(1.0)))
    } else {
        (None, None)
    };
    let p_randomization = (permutations > 0 && n > 0).then(|| {
        let observed = delta.abs();
        let gamma = 100.0 * f64::EPSILON * observed;
        let extreme: usize = (0..permutations as u64)
            .into_par_iter()
            .map(|r| {
                let mut rng = crate::rng::Xoshiro256pp::for_stream(seed ^ 0x7369_676e_666c_6970, r);
                let mut s = crate::stats::Neumaier::default();
                for &x in &d {
                    s.add(if rng.next_u64() & 1 == 1 { -x } else { x });
                }
                usize::from((s.total() / n as f64).abs() >= observed - gamma)
            })
            .sum();
        (extreme as f64 + 1.0) / (permutations as f64 + 1.0)
    });
    PairedQueries {
        queries: n,
        mean_a: mean(&mut pairs.iter().map(|p| p.0)),
        mean_b: mean(&mut pairs.iter().map(|p| p.1)),
        delta,
        ci,
        p_bootstrap,
        p_randomization,
        wins,
        ties,
        losses,
    }
}

/// How deep an exact kNN ranks each query's neighbours: `requested`, or by default the largest
/// cut-off and at least the largest `R` (pytorch-metric-learning's `k = "max_bin_count"`), so that
/// MAP@R and R-precision are exact, never deeper than the `candidates` a query has.
///
/// # Errors
/// [`DepthError::KExceedsCandidates`] when the largest cut-off exceeds the candidates;
/// [`DepthError::BelowK`] / [`DepthError::AboveCandidates`] when a requested depth is shallower
/// than the largest cut-off or deeper than the candidates.
pub fn choose_depth(
    requested: Option<usize>,
    max_k: usize,
    max_r: usize,
    candidates: usize,
) -> Result<usize, DepthError> {
    if max_k > candidates {
        return Err(DepthError::KExceedsCandidates { max_k, candidates });
    }
    match requested {
        Some(depth) if depth < max_k => Err(DepthError::BelowK { depth, max_k }),
        Some(depth) if depth > candidates => Err(DepthError::AboveCandidates { depth, candidates }),
        Some(depth) => Ok(depth),
        None => Ok(max_k.max(max_r).min(candidates)),
    }
}

/// Why [`choose_depth`] refused; the front end words it with its own flag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepthError {
    /// The largest cut-off is larger than the candidates of a query.
    KExceedsCandidates {
        /// The largest cut-off.
        max_k: usize,
        /// Candidates per query.
        candidates: usize,
    },
    /// A requested depth below the largest cut-off.
    BelowK {
        /// The requested depth.
        depth: usize,
        /// The largest cut-off.
        max_k: usize,
    },
    /// A requested depth above the candidates.
    AboveCandidates {
        /// The requested depth.
        depth: usize,
        /// Candidates per query.
        candidates: usize,
    },
}

#[cfg(test)]
mod depth_tests {
    use super::{DepthError, choose_depth};

    #[test]
    fn default_depth_covers_k_and_the_largest_r_within_the_candidates() {
        assert_eq!(choose_depth(None, 10, 3, 100), Ok(10));
        assert_eq!(choose_depth(None, 10, 40, 100), Ok(40));
        assert_eq!(choose_depth(None, 10, 400, 99), Ok(99));
        assert_eq!(choose_depth(Some(20), 10, 400, 99), Ok(20));
    }

    #[test]
    fn impossible_depths_are_refused() {
        assert_eq!(
            choose_depth(None, 10, 3, 9),
            Err(DepthError::KExceedsCandidates {
                max_k: 10,
                candidates: 9
            })
        );
        assert_eq!(
            choose_depth(Some(5), 10, 3, 100),
            Err(DepthError::BelowK {
                depth: 5,
                max_k: 10
            })
        );
        assert_eq!(
            choose_depth(Some(101), 10, 3, 100),
            Err(DepthError::AboveCandidates {
                depth: 101,
                candidates: 100
            })
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_queries_counts_and_tests() {
        let a = [1.0, 0.5, 0.0, f64::NAN, 0.25];
        let b = [1.0, 0.75, 0.5, 0.5, 0.0];
        let r = paired_queries(&a, &b, NoRelevant::Exclude, 200, 199, 3, 0.95);
        assert_eq!(r.queries, 4);
        assert_eq!((r.wins, r.ties, r.losses), (2, 1, 1));
        // Δ = mean(0, .25, .5, −.25) = 0.125
        assert!((r.delta - 0.125).abs() < 1e-15);
        assert!((r.mean_b - r.mean_a - r.delta).abs() < 1e-15);
        let p = r.p_randomization.expect("p");
        // The +1 correction keeps p ≥ 1/(R+1).
        assert!((1.0 / 200.0..=1.0).contains(&p), "{p}");
        let z = paired_queries(&a, &b, NoRelevant::Zero, 0, 0, 3, 0.95);
        assert_eq!(z.queries, 5);
        assert!(z.ci.is_none() && z.p_randomization.is_none());
        // Identical systems: nothing to tell apart.
        let same = paired_queries(&a, &a, NoRelevant::Exclude, 100, 99, 1, 0.95);
        assert_eq!(same.p_randomization, Some(1.0));
        assert_eq!(same.p_bootstrap, Some(1.0));
    }

    fn close(got: f64, want: f64) {
        assert!(
            (got - want).abs() <= 1e-12 || (got.is_nan() && want.is_nan()),
            "got {got}, want {want}"
        );
    }

    const T: bool = true;
    const F: bool = false;

    // rel = [1,0,1,0,1], R = 4 (one relevant item was not retrieved).
    const REL: [bool; 5] = [T, F, T, F, T];
    fn r() -> RankedRelevance<'static> {
        RankedRelevance {
            relevant: &REL,
            n_relevant: 4,
        }
    }

    #[test]
    fn precision_hit_rate_and_ir_recall() {
        close(precision_at_k(r(), 1), 1.0); // rel₁ = 1
        close(precision_at_k(r(), 3), 2.0 / 3.0); // hits@3 = 2
        close(precision_at_k(r(), 5), 3.0 / 5.0);
        close(precision_at_k(r(), 10), 3.0 / 10.0); // k literal beyond K = 5 (ranx/trec_eval)
        let late = RankedRelevance {
            relevant: &[F, F, T],
            n_relevant: 2,
        };
        close(hit_rate_at_k(late, 2), 0.0); // no hit in the top 2
        close(hit_rate_at_k(late, 3), 1.0);
        close(hit_rate_at_k(r(), 1), 1.0);
        close(recall_at_k(r(), 3), 2.0 / 4.0); // hits@3 / R
        close(recall_at_k(r(), 5), 3.0 / 4.0);
        close(recall_at_k(late, 3), 1.0 / 2.0); // IR recall ≠ hit rate
        close(precision_at_k(r(), 0), f64::NAN);
    }

    #[test]
    fn rank_metrics() {
        close(reciprocal_rank(r()), 1.0);
        close(
            reciprocal_rank(RankedRelevance {
                relevant: &[F, F, T],
                n_relevant: 2,
            }),
            1.0 / 3.0,
        );
        close(
            reciprocal_rank(RankedRelevance {
                relevant: &[F, F],
                n_relevant: 2,
            }),
            0.0,
        );
        // mrr@2 of [0,0,1]: nothing in the top 2.
        close(
            reciprocal_rank(
                RankedRelevance {
                    relevant: &[F, F, T],
                    n_relevant: 2,
                }
                .truncate(2),
            ),
            0.0,
        );
        // AP: (P@1 + P@3 + P@5) / R = (1 + 2/3 + 3/5) / 4 = (34/15) / 4 = 17/30 (divides by R = 4,
        // not by the 3 hits: ranx map, PML mean_average_precision).
        close(average_precision(r()), 17.0 / 30.0);
        // map@3 (ranx): (1 + 2/3) / 4 = 5/12.
        close(average_precision(r().truncate(3)), 5.0 / 12.0);
        // MAP@R, R = 4: first 4 ranks [1,0,1,0]: (P@1 + P@3) / 4 = (1 + 2/3) / 4 = 5/12.
        close(map_at_r(r()), 5.0 / 12.0);
        // R-precision: hits@4 / 4 = 2/4.
        close(r_precision(r()), 0.5);
        // PML's value for K < R: R = 4, K = 2, rel = [0,1]: MAP@R mask has K columns:
        // (P@2·rel₂) / 2 = (1/2) / 2 = 1/4; R-precision = hits@2 / 2 = 1/2.
        let shallow = RankedRelevance {
            relevant: &[F, T],
            n_relevant: 4,
        };
        close(map_at_r(shallow), 0.25);
        close(r_precision(shallow), 0.5);
    }

    #[test]
    fn binary_ndcg_equals_the_graded_definition_exactly() {
        let mut rng = crate::rng::Xoshiro256pp::for_stream(11, 0);
        for case in 0..300 {
            let len = 1 + rng.below(40) as usize;
            let relevant: Vec<bool> = (0..len).map(|_| rng.below(3) == 0).collect();
            let hits = relevant.iter().filter(|&&x| x).count();
            let n_relevant = hits + rng.below(5) as usize;
            let r = RankedRelevance {
                relevant: &relevant,
                n_relevant,
            };
            let gains: Vec<f64> = relevant.iter().map(|&x| f64::from(u8::from(x))).collect();
            for k in [1, 2, 5, 10, 50] {
                let fast = ndcg_at_k_binary(r, k);
                let slow = ndcg_at_k(&gains, &vec![1.0; n_relevant], k);
                assert!(
                    fast == slow || (fast.is_nan() && slow.is_nan()),
                    "case {case}, k {k}: {fast} vs {slow}"
                );
                assert!(fast.is_nan() || fast.is_sign_positive());
            }
        }
    }

    #[test]
    fn cutoffs_list_each_metric_once() {
        let names: Vec<String> = RetrievalMetric::standard(&[1, 5, 1])
            .iter()
            .map(|m| m.name())
            .collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert_eq!(names.iter().filter(|n| *n == "precision_at_1").count(), 1);
        assert!(names.contains(&"precision_at_5".to_string()));
    }

    /// One fixed order whatever the k values and their order: precision, hit rate, recall, nDCG
    /// at each k ascending (issue 10: k = 1 listed precision first and k = 5 third).
    #[test]
    fn cutoffs_have_one_fixed_order() {
        let names = |ks: &[usize]| -> Vec<String> {
            RetrievalMetric::standard(ks)
                .iter()
                .map(|m| m.name())
                .collect()
        };
        let want = [
            "precision_at_1",
            "hit_rate_at_1",
            "recall_at_1",
            "ndcg_at_1",
            "precision_at_5",
            "hit_rate_at_5",
            "recall_at_5",
            "ndcg_at_5",
            "mrr",
            "map",
            "map_at_r",
            "r_precision",
        ];
        assert_eq!(names(&[1, 5]), want);
        assert_eq!(names(&[5, 1, 5]), want);
        assert_eq!(
            names(&[10, 3]),
            [
                "precision_at_1",
                "precision_at_3",
                "hit_rate_at_3",
                "recall_at_3",
                "ndcg_at_3",
                "precision_at_10",
                "hit_rate_at_10",
                "recall_at_10",
                "ndcg_at_10",
                "mrr",
                "map",
                "map_at_r",
                "r_precision",
            ]
        );
        assert_eq!(
            RetrievalMetric::cutoffs(&[5, 1], false)
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>(),
            [
                "precision_at_1",
                "hit_rate_at_1",
                "recall_at_1",
                "precision_at_5",
                "hit_rate_at_5",
                "recall_at_5",
            ]
        );
    }

    #[test]
    fn ndcg_linear_gains() {
        // Binary, k = 5: DCG = 1/log₂2 + 1/log₂4 + 1/log₂6; IDCG (R = 4 ones) = 1/log₂2 + 1/log₂3
        // + 1/log₂4 + 1/log₂5.
        let dcg = 1.0 + 0.5 + 1.0 / 6f64.log2();
        let idcg = 1.0 + 1.0 / 3f64.log2() + 0.5 + 1.0 / 5f64.log2();
        close(ndcg_at_k_binary(r(), 5), dcg / idcg);
        // Cut at 1: 1/1.
        close(ndcg_at_k_binary(r(), 1), 1.0);
        // Wikipedia's graded example: gains [3,2,3,0,1,2], relevant items {3,3,3,2,2,2,1}:
        // DCG₆ = 3 + 2/log₂3 + 3/2 + 0 + 1/log₂6 + 2/log₂7 ≈ 6.861,
        // IDCG₆ = 3 + 3/log₂3 + 3/2 + 2/log₂5 + 2/log₂6 + 2/log₂7 ≈ 8.740, nDCG₆ ≈ 0.785.
        let gains = [3.0, 2.0, 3.0, 0.0, 1.0, 2.0];
        let ideal = [2.0, 3.0, 1.0, 3.0, 2.0, 3.0, 2.0];
        let dcg = 3.0 + 2.0 / 3f64.log2() + 1.5 + 1.0 / 6f64.log2() + 2.0 / 7f64.log2();
        let idcg = 3.0
            + 3.0 / 3f64.log2()
            + 1.5
            + 2.0 / 5f64.log2()
            + 2.0 / 6f64.log2()
            + 2.0 / 7f64.log2();
        close(ndcg_at_k(&gains, &ideal, 6), dcg / idcg);
        assert!((dcg - 6.861).abs() < 1e-3 && (idcg - 8.740).abs() < 1e-3);
        assert!((ndcg_at_k(&gains, &ideal, 6) - 0.785).abs() < 1e-3);
        // No positive ideal gain: no relevant item.
        close(ndcg_at_k(&[0.0], &[0.0], 1), f64::NAN);
    }

    #[test]
    fn no_relevant_item_is_nan_for_every_metric() {
        let lone = RankedRelevance {
            relevant: &[F, F],
            n_relevant: 0,
        };
        for m in [
            RetrievalMetric::PrecisionAt1,
            RetrievalMetric::PrecisionAtK(2),
            RetrievalMetric::HitRateAtK(2),
            RetrievalMetric::RecallAtK(2),
            RetrievalMetric::Mrr,
            RetrievalMetric::Map,
            RetrievalMetric::MapAtR,
            RetrievalMetric::RPrecision,
            RetrievalMetric::NdcgAtK(2),
        ] {
            assert!(m.of(lone).is_nan(), "{}", m.name());
        }
    }

    #[test]
    fn labels_leave_one_out_and_policies() {
        // Gallery = queries (leave-one-out), labels [0,0,1,1,1,2]. R = count − 1: [1,1,2,2,2,0];
        // query 5 (label 2) is lone.
        let labels = [0, 0, 1, 1, 1, 2];
        let nn = [
            1, 2, // q0 (label 0): [1,0]
            2, 0, // q1: [0,1]
            3, 4, // q2 (label 1): [1,1]
            0, 2, // q3: [0,1]
            5, 0, // q4: [0,0]
            0, 1, // q5 (lone)
        ];
        let rel = relevance_from_labels(&nn, 2, &labels, &labels, true).expect("relevance");
        assert_eq!(rel.n_relevant, vec![1, 1, 2, 2, 2, 0]);
        let p1 = per_query(RetrievalMetric::PrecisionAt1, &rel).expect("p@1");
        assert_eq!(&p1[..5], &[1.0, 0.0, 1.0, 0.0, 0.0]);
        assert!(p1[5].is_nan());
        // PML: lone queries excluded: mean of [1,0,1,0,0] = 2/5.
        let ex = mean_over_queries(&p1, NoRelevant::Exclude);
        close(ex.mean, 0.4);
        assert_eq!((ex.counted, ex.excluded), (5, 1));
        // ranx: scored 0: 2/6.
        let zero = mean_over_queries(&p1, NoRelevant::Zero);
        close(zero.mean, 2.0 / 6.0);
        assert_eq!((zero.counted, zero.excluded), (6, 0));
        // MAP@R: q0 R=1 [1] → 1; q1 [0] → 0; q2 R=2 [1,1] → (1+1)/2 = 1; q3 [0,1] → (1/2)/2 = 1/4;
        // q4 [0,0] → 0. Mean = 2.25/5 = 0.45.
        let mr = per_query(RetrievalMetric::MapAtR, &rel).expect("map@r");
        close(mean_over_queries(&mr, NoRelevant::Exclude).mean, 0.45);
        // Per class: label 0: (1+0)/2; label 1: (1 + 1/4 + 0)/3 = 5/12; label 2: all excluded → NaN.
        let pc = per_class(&mr, &labels, NoRelevant::Exclude).expect("per class");
        assert_eq!(pc.len(), 3);
        close(pc[0].1.mean, 0.5);
        close(pc[1].1.mean, 5.0 / 12.0);
        assert!(pc[2].1.mean.is_nan());
        assert_eq!((pc[2].1.counted, pc[2].1.excluded), (0, 1));
        // Hit rate vs IR recall at 2: q3 [0,1] with R = 2: hit 1, recall 1/2.
        close(
            per_query(RetrievalMetric::HitRateAtK(2), &rel).expect("hr")[3],
            1.0,
        );
        close(
            per_query(RetrievalMetric::RecallAtK(2), &rel).expect("rec")[3],
            0.5,
        );
    }

    #[test]
    fn depth_errors_explain_themselves() {
        let labels = [0, 0, 0, 1];
        // depth 1 but R = 2 for label 0 under leave-one-out.
        let rel = relevance_from_labels(&[1, 0, 0, 0], 1, &labels, &labels, true).expect("rel");
        let e = per_query(RetrievalMetric::MapAtR, &rel).expect_err("too shallow");
        assert_eq!(
            e.to_string(),
            "map_at_r needs the top 2 neighbours but only 1 were retrieved per query; rerun the kNN \
             with k ≥ 2"
        );
        let e = per_query(RetrievalMetric::RecallAtK(5), &rel).expect_err("too shallow");
        assert_eq!(
            e.to_string(),
            "recall_at_5 needs the top 5 neighbours but only 1 were retrieved per query; rerun \
             the kNN with k ≥ 5"
        );
        assert_eq!(
            per_query(RetrievalMetric::HitRateAtK(0), &rel)
                .expect_err("k=0")
                .to_string(),
            "hit_rate_at_0: the cut-off k must be at least 1"
        );
        assert!(relevance_from_labels(&[9], 1, &[0], &labels, false).is_err());
        assert!(relevance_from_labels(&[0, 1], 1, &[0], &labels, false).is_err());
        assert!(per_class(&[1.0], &[], NoRelevant::Zero).is_err());
    }
}
