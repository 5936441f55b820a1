//! Retrieval evaluation: embeddings + labels → exact kNN over the whole gallery → per-query
//! relevance → metrics with bootstrap intervals over queries, overall, per subset and per class;
//! or a ranked-list run with its qrels; and two systems paired on the same queries.
//!
//! The rules that decide numbers are `verdict_core`'s (the ranking depth:
//! `verdict_core::retrieval::choose_depth`; the metrics and their cut-offs); this module reads the
//! inputs, aligns labels to embedding rows (by row, or by id, refusing anything unmatched), and
//! collects the warnings.

use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;
use verdict_core::diagnostics::{self, Finding};
use verdict_core::knn::{KnnConfig, Matrix, Similarity, knn_map, zero_rows};
use verdict_core::prepare::rows_by_value;
use verdict_core::retrieval::{
    self, DepthError, NoRelevant, QueryRelevance, RankedRelevance, RetrievalMetric, Summary,
    choose_depth, ndcg_at_k,
};
use verdict_io::{EmbeddingMatrix, ReadOptions};
use verdict_report::retrieval::{EmbeddingRole, PairedRow, RetrievalComparison, RetrievalReport};

use crate::{Error, Progress, bail};

/// How many zero-vector rows a warning names (then "…" and the count).
const ZERO_ROWS_NAMED: usize = 5;

/// Embeddings with their labels: the exact-kNN mode.
#[derive(Debug, Clone)]
pub struct EmbeddingsInput {
    /// Query embeddings (`.npy`, or a Parquet list column).
    pub query: PathBuf,
    /// The queries' labels file.
    pub query_labels: PathBuf,
    /// Gallery embeddings and their labels; without them, leave-one-out among the queries.
    pub gallery: Option<(PathBuf, PathBuf)>,
    /// The Parquet column holding the embeddings.
    pub embedding_col: String,
    /// The labels column.
    pub label_col: String,
    /// Align labels to embedding rows by this id column (else by row).
    pub id_col: Option<String>,
    /// A metadata column of the query labels to summarise by.
    pub subset_col: Option<String>,
    /// The similarity.
    pub similarity: Similarity,
    /// Neighbours ranked per query (default: [`choose_depth`]'s).
    pub depth: Option<usize>,
}

/// Embeddings with their labels already in memory (the Python package's arrays): the exact-kNN
/// mode without reading files. Labels are columns of a [`verdict_io::Table`] in the embeddings'
/// row order, read as a labels file's are (the same text of each value, the same refusal of a
/// null, naming the table, row and column).
#[derive(Debug, Clone)]
pub struct ArraysInput {
    /// Query embeddings.
    pub query: EmbeddingMatrix,
    /// One row per query row: column `label_col`, and `subset_col` when given.
    pub query_labels: verdict_io::Table,
    /// Gallery embeddings with a table of one row per gallery row (column `label_col`); without
    /// them, leave-one-out among the queries.
    pub gallery: Option<(EmbeddingMatrix, verdict_io::Table)>,
    /// The labels column of both tables.
    pub label_col: String,
    /// A column of the query table to summarise by (its name is the report's).
    pub subset_col: Option<String>,
    /// The similarity.
    pub similarity: Similarity,
    /// Neighbours ranked per query (default: [`choose_depth`]'s).
    pub depth: Option<usize>,
}

/// What is evaluated.
#[derive(Debug, Clone)]
pub enum RetrievalInput {
    /// Embeddings and labels.
    Embeddings(EmbeddingsInput),
    /// Embeddings and labels in memory.
    Arrays(Box<ArraysInput>),
    /// A ranked-list run (TREC or ranx JSON) with its relevance judgements.
    Ranked {
        /// The run.
        run: PathBuf,
        /// The qrels.
        qrels: PathBuf,
    },
}

/// A retrieval evaluation.
#[derive(Debug, Clone)]
pub struct RetrievalSpec {
    /// The inputs.
    pub input: RetrievalInput,
    /// The cut-offs.
    pub k: Vec<usize>,
    /// Queries with no relevant item: left out, or scored 0.
    pub no_relevant: NoRelevant,
    /// Bootstrap replicates over queries (0 = none).
    pub bootstrap: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Interval level.
    pub ci: f64,
}

impl RetrievalSpec {
    /// The system's name in a comparison: the run's or the query embeddings' file stem.
    pub fn system_name(&self) -> String {
        let p = match &self.input {
            RetrievalInput::Ranked { run, .. } => run,
            RetrievalInput::Embeddings(e) => &e.query,
            RetrievalInput::Arrays(a) => &a.query.path,
        };
        p.file_stem()
            .map_or_else(|| "system".into(), |s| s.to_string_lossy().into_owned())
    }
}

/// Where the time went (what `--timings` prints).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading the inputs, seconds.
    pub read: f64,
    /// The kNN search with the per-query metrics (embeddings only): seconds, and the shape
    /// `(queries, gallery rows, dim)`.
    pub search: Option<(f64, (usize, usize, usize))>,
    /// Summaries and bootstrap, seconds.
    pub summarize: f64,
}

fn read_embeddings(path: &Path, column: &str) -> crate::Result<EmbeddingMatrix> {
    let is_parquet = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("parquet" | "pq")
    );
    let m = if is_parquet {
        verdict_io::read_embedding_column(path, column)?
    } else {
        verdict_io::read_npy(path)?
    };
    Ok(m)
}

/// The text of column `name` of a table, one value per row; a null is an error naming the row.
fn text_column(table: &verdict_io::Table, path: &Path, name: &str) -> crate::Result<Vec<String>> {
    let col = table.column(name).ok_or_else(|| {
        Error::Invalid(format!(
            "{}: missing column \"{name}\"; the file has columns: {}",
            path.display(),
            table.all_columns.join(", ")
        ))
    })?;
    (0..table.n_rows)
        .map(|i| {
            col.text(i).map(|t| t.into_owned()).ok_or_else(|| {
                Error::Invalid(format!(
                    "{}: {}: column \"{name}\": expected a value, found {}",
                    path.display(),
                    table.locator.describe(i),
                    table.null_word()
                ))
            })
        })
        .collect()
}

/// The ids of an embeddings file's rows (`--id-col`): a column of the same Parquet file. A `.npy`
/// file has no ids.
fn embedding_ids(path: &Path, id_col: &str) -> crate::Result<Vec<String>> {
    if !matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("parquet" | "pq")
    ) {
        bail!(
            "{}: --id-col {id_col} needs the embeddings in Parquet with an id column; a .npy file has no ids (drop --id-col to align the labels by row)",
            path.display()
        );
    }
    let opts = ReadOptions {
        columns: Some(vec![id_col.to_string()]),
        ..ReadOptions::default()
    };
    let table = verdict_io::read_table(path, &opts)?;
    text_column(&table, path, id_col)
}

/// The label column (as text) and an optional metadata column of a labels file, in the order of
/// the embedding rows: row by row, or, with `ids` (the embeddings' ids, `--id-col`), by the
/// labels file's `id_col`. Alignment by id refuses duplicate ids on either side, an embedding
/// without a label row, and label rows without an embedding (nothing is dropped silently).
fn read_labels(
    path: &Path,
    label: &str,
    subset: Option<&str>,
    emb: &EmbeddingMatrix,
    ids: Option<(&str, &[String], &Path)>,
) -> crate::Result<(Vec<String>, Option<Vec<String>>)> {
    let rows = emb.rows;
    // Only the columns needed, so one Parquet file can hold the embeddings (a list column the
    // table reader does not take) and the labels.
    let mut needed = vec![label.to_string()];
    needed.extend(subset.map(String::from));
    needed.extend(ids.map(|(c, _, _)| c.to_string()));
    needed.dedup();
    let opts = ReadOptions {
        columns: Some(needed),
        ..ReadOptions::default()
    };
    let table = verdict_io::read_table(path, &opts)?;
    let labels = text_column(&table, path, label)?;
    let subset = subset.map(|c| text_column(&table, path, c)).transpose()?;
    let Some((id_col, emb_ids, emb_path)) = ids else {
        if labels.len() != rows {
            bail!(
                "{}: {} label rows, but the embeddings {} have {rows} rows (shape ({rows}, {})); labels are aligned by row, so the counts must agree (or give --id-col to align them by id)",
                path.display(),
                labels.len(),
                emb.path.display(),
                emb.dim
            );
        }
        return Ok((labels, subset));
    };
    let label_ids = text_column(&table, path, id_col)?;
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(label_ids.len());
    for (i, id) in label_ids.iter().enumerate() {
        if let Some(first) = by_id.insert(id.as_str(), i) {
            bail!(
                "{}: id \"{id}\" appears twice ({} and {})",
                path.display(),
                table.locator.describe(first),
                table.locator.describe(i)
            );
        }
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(emb_ids.len());
    let mut order = Vec::with_capacity(emb_ids.len());
    for (r, id) in emb_ids.iter().enumerate() {
        if !seen.insert(id.as_str()) {
            let first = emb_ids[..r].iter().position(|x| x == id).unwrap_or(r);
            bail!(
                "{}: id \"{id}\" appears twice in column \"{id_col}\" (row {first} and row {r}, counted from 0)",
                emb_path.display()
            );
        }
        let Some(&i) = by_id.get(id.as_str()) else {
            bail!(
                "{}: no row with id \"{id}\" (the id of row {r} of {}, rows counted from 0)",
                path.display(),
                emb_path.display()
            );
        };
        order.push(i);
    }
    if label_ids.len() > emb_ids.len() {
        let extra: Vec<&str> = label_ids
            .iter()
            .filter(|id| !seen.contains(id.as_str()))
            .map(String::as_str)
            .take(5)
            .collect();
        bail!(
            "{}: {} rows have ids that no embedding has, e.g. {}; every label row must match an embedding",
            path.display(),
            label_ids.len() - emb_ids.len(),
            extra.join(", ")
        );
    }
    let pick = |v: &[String]| order.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
    Ok((pick(&labels), subset.as_deref().map(pick)))
}

/// Counts embedding rows that repeat an earlier row exactly.
fn duplicate_rows(m: &EmbeddingMatrix) -> usize {
    let mut seen: HashSet<Vec<u32>> = HashSet::with_capacity(m.rows);
    (0..m.rows)
        .filter(|&i| {
            !seen.insert(
                m.data[i * m.dim..(i + 1) * m.dim]
                    .iter()
                    .map(|x| x.to_bits())
                    .collect(),
            )
        })
        .count()
}

/// Per-query values of every metric, with what the summaries and the report need.
struct Evaluated {
    names: Vec<String>,
    values: Vec<Vec<f64>>,
    labels: Vec<String>,
    subsets: Option<Vec<String>>,
    header: Map<String, Value>,
    warnings: Vec<Finding>,
    timings: Timings,
}

/// Embeddings and labels as the kNN search takes them, from files or from memory.
struct Loaded<'a> {
    query: &'a EmbeddingMatrix,
    q_text: Vec<String>,
    subsets: Option<Vec<String>>,
    gallery: Option<(&'a EmbeddingMatrix, Vec<String>)>,
    similarity: Similarity,
    depth: Option<usize>,
}

/// In-memory inputs checked as files are: one label (and subset) per embedding row.
fn arrays_mode(a: &ArraysInput, k: &[usize], progress: &dyn Progress) -> crate::Result<Evaluated> {
    let started = Instant::now();
    let agree = |what: &str, n: usize, m: &EmbeddingMatrix| -> crate::Result<()> {
        if n != m.rows {
            bail!(
                "{what}: {n} values, but {} has {} rows (shape ({}, {})); one value per row is expected",
                m.path.display(),
                m.rows,
                m.rows,
                m.dim
            );
        }
        Ok(())
    };
    let labels = |t: &verdict_io::Table, col: &str| text_column(t, &t.path, col);
    let q_text = labels(&a.query_labels, &a.label_col)?;
    agree("the query labels", q_text.len(), &a.query)?;
    let subsets = a
        .subset_col
        .as_deref()
        .map(|c| labels(&a.query_labels, c))
        .transpose()?;
    let gallery = match &a.gallery {
        Some((g, t)) => {
            let text = labels(t, &a.label_col)?;
            agree("the gallery labels", text.len(), g)?;
            Some((g, text))
        }
        None => None,
    };
    let loaded = Loaded {
        query: &a.query,
        q_text,
        subsets,
        gallery,
        similarity: a.similarity,
        depth: a.depth,
    };
    search_mode(loaded, k, started, progress)
}

fn embeddings_mode(
    a: &EmbeddingsInput,
    k: &[usize],
    progress: &dyn Progress,
) -> crate::Result<Evaluated> {
    let started = Instant::now();
    let qpath = &a.query;
    let query = read_embeddings(qpath, &a.embedding_col)?;
    let q_ids = a
        .id_col
        .as_deref()
        .map(|c| embedding_ids(qpath, c))
        .transpose()?;
    let (q_text, subsets) = read_labels(
        &a.query_labels,
        &a.label_col,
        a.subset_col.as_deref(),
        &query,
        a.id_col
            .as_deref()
            .zip(q_ids.as_deref())
            .map(|(c, ids)| (c, ids, qpath.as_path())),
    )?;
    let gallery = match &a.gallery {
        Some((g, gl)) => {
            let m = read_embeddings(g, &a.embedding_col)?;
            let g_ids = a
                .id_col
                .as_deref()
                .map(|c| embedding_ids(g, c))
                .transpose()?;
            let (t, _) = read_labels(
                gl,
                &a.label_col,
                None,
                &m,
                a.id_col
                    .as_deref()
                    .zip(g_ids.as_deref())
                    .map(|(c, ids)| (c, ids, g.as_path())),
            )?;
            Some((m, t))
        }
        None => None,
    };
    let (g_matrix, g_text) = gallery.unzip();
    let loaded = Loaded {
        query: &query,
        q_text,
        subsets,
        gallery: g_matrix.as_ref().zip(g_text),
        similarity: a.similarity,
        depth: a.depth,
    };
    search_mode(loaded, k, started, progress)
}

/// The exact kNN search over loaded inputs, each query's metrics, and the warnings.
fn search_mode(
    l: Loaded<'_>,
    k: &[usize],
    started: Instant,
    progress: &dyn Progress,
) -> crate::Result<Evaluated> {
    let Loaded {
        query,
        q_text,
        subsets,
        gallery,
        similarity,
        depth,
    } = l;
    let loo = gallery.is_none();
    // One label dictionary for queries and gallery.
    let mut dict: HashMap<String, u32> = HashMap::new();
    let mut id = |t: &String| {
        let next = dict.len() as u32;
        *dict.entry(t.clone()).or_insert(next)
    };
    let q_ids: Vec<u32> = q_text.iter().map(&mut id).collect();
    let g_ids: Vec<u32> = match &gallery {
        Some((_, t)) => t.iter().map(&mut id).collect(),
        None => q_ids.clone(),
    };
    let (gm, g_rows) = match &gallery {
        Some((m, _)) => (m, m.rows),
        None => (&query, query.rows),
    };
    if gm.dim != query.dim {
        bail!(
            "the query embeddings {} have shape ({}, {}) and the gallery embeddings {} shape ({}, {}); both need the same dimension (columns)",
            query.path.display(),
            query.rows,
            query.dim,
            gm.path.display(),
            gm.rows,
            gm.dim
        );
    }
    let mut count: HashMap<u32, usize> = HashMap::new();
    for &l in &g_ids {
        *count.entry(l).or_default() += 1;
    }
    // R of each query: its class's gallery rows, less itself under leave-one-out.
    let n_rel: Vec<usize> = q_ids
        .iter()
        .map(|l| count.get(l).map_or(0, |&c| c - usize::from(loo)))
        .collect();
    let max_r = n_rel.iter().copied().max().unwrap_or(0);
    let max_k = k.iter().copied().max().unwrap_or(1);
    let candidates = g_rows - usize::from(loo);
    let depth = choose_depth(depth, max_k, max_r, candidates).map_err(|e| {
        Error::Invalid(match e {
            DepthError::KExceedsCandidates { max_k, candidates } => format!(
                "--k {max_k} is larger than the {candidates} candidates each query has ({})",
                if loo {
                    format!("leave-one-out among {} queries leaves n − 1", query.rows)
                } else {
                    format!("the gallery has {g_rows} rows")
                }
            ),
            DepthError::BelowK { depth, max_k } => format!(
                "--depth {depth} is smaller than the largest cut-off --k {max_k}; the @k metrics need the top {max_k}"
            ),
            DepthError::AboveCandidates { depth, candidates } => {
                format!("--depth {depth} is larger than the {candidates} candidates each query has")
            }
        })
    })?;
    let cfg = KnnConfig {
        similarity,
        leave_one_out: loo,
        ..KnnConfig::new(depth)
    };
    let metrics: Vec<RetrievalMetric> = RetrievalMetric::standard(k)
        .into_iter()
        .filter(|m| {
            !matches!(m, RetrievalMetric::MapAtR | RetrievalMetric::RPrecision) || max_r <= depth
        })
        .collect();
    retrieval::check_depth(&metrics, depth, max_r)?;
    let names = metrics.iter().map(|m| m.name()).collect();
    // Each query's metrics straight from its neighbours (knn_map), so the `queries × depth`
    // neighbour lists, which exact R-metrics make as deep as the largest class, never exist at once.
    progress.start(query.rows as u64, "queries");
    let searching = Instant::now();
    let per_query = knn_map(
        Matrix::new(&query.data, query.rows, query.dim),
        Matrix::new(&gm.data, g_rows, gm.dim),
        &cfg,
        &|n| progress.inc(n as u64),
        &|q, idx, _| {
            let label = q_ids[q];
            let relevant: Vec<bool> = idx.iter().map(|&j| g_ids[j as usize] == label).collect();
            let r = RankedRelevance {
                relevant: &relevant,
                n_relevant: n_rel[q],
            };
            metrics.iter().map(|m| m.of(r)).collect::<Vec<f64>>()
        },
    )?;
    progress.finish();
    let timings = Timings {
        read: (searching - started).as_secs_f64(),
        search: Some((
            searching.elapsed().as_secs_f64(),
            (query.rows, g_rows, query.dim),
        )),
        summarize: 0.0,
    };
    let values: Vec<Vec<f64>> = (0..metrics.len())
        .map(|i| per_query.iter().map(|row| row[i]).collect())
        .collect();
    let mut warnings = Vec::new();
    if max_r > depth {
        warnings.push(diagnostics::shallow_depth(max_r, depth));
    }
    let dups = duplicate_rows(gm);
    if dups > 0 {
        warnings.push(diagnostics::duplicate_embeddings(dups));
    }
    if similarity == Similarity::Cosine {
        // A zero vector is scored 0 against everything (verdict_core::knn, as scikit-learn, PML
        // and faiss do): name the rows.
        let mut zero = |m: &EmbeddingMatrix, role: EmbeddingRole| {
            let rows = zero_rows(Matrix::new(&m.data, m.rows, m.dim));
            if !rows.is_empty() {
                warnings.push(diagnostics::zero_embeddings(
                    role,
                    rows.iter().copied().take(ZERO_ROWS_NAMED).collect(),
                    rows.len(),
                ));
            }
        };
        match &gallery {
            None => zero(query, EmbeddingRole::QueryAndGallery),
            Some((g, _)) => {
                zero(query, EmbeddingRole::Query);
                zero(g, EmbeddingRole::Gallery);
            }
        }
    }
    let mut header = Map::new();
    header.insert("mode".into(), json!("embeddings"));
    header.insert("queries".into(), json!(query.rows));
    header.insert(
        "gallery".into(),
        if loo {
            json!("leave-one-out")
        } else {
            json!(g_rows)
        },
    );
    header.insert("dim".into(), json!(query.dim));
    header.insert(
        "similarity".into(),
        json!(format!("{similarity:?}").to_lowercase()),
    );
    header.insert("depth".into(), json!(depth));
    Ok(Evaluated {
        names,
        values,
        labels: q_text,
        subsets,
        header,
        warnings,
        timings,
    })
}

fn ranked_mode(run_path: &Path, qrels_path: &Path, k: &[usize]) -> crate::Result<Evaluated> {
    let started = Instant::now();
    let run = verdict_io::read_run(run_path)?;
    let qrels = verdict_io::read_qrels(qrels_path)?;
    let max_k = k.iter().copied().max().unwrap_or(1);
    // ranx evaluates the queries of the qrels, in sorted order; a query missing from the run
    // retrieved nothing.
    let qids: Vec<&String> = qrels.queries.keys().collect();
    let lists: Vec<Vec<(String, f64)>> = qids.iter().map(|q| run.ranked(q)).collect();
    let depth = lists.iter().map(Vec::len).max().unwrap_or(0).max(max_k);
    let mut relevant = Vec::with_capacity(qids.len() * depth);
    let mut n_relevant = Vec::with_capacity(qids.len());
    let mut gains: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    for (q, list) in qids.iter().zip(&lists) {
        let judged = &qrels.queries[*q];
        let g: Vec<f64> = list
            .iter()
            .map(|(d, _)| judged.get(d).map_or(0.0, |&r| r.max(0) as f64))
            .collect();
        relevant.extend(g.iter().map(|&x| x > 0.0));
        relevant.extend(std::iter::repeat_n(false, depth - g.len()));
        let ideal: Vec<f64> = judged
            .values()
            .filter(|&&r| r > 0)
            .map(|&r| r as f64)
            .collect();
        n_relevant.push(ideal.len());
        gains.push((g, ideal));
    }
    let rel = QueryRelevance {
        depth,
        relevant,
        n_relevant,
    };
    // The fixed report order (RetrievalMetric::cutoffs); nDCG is graded here (ranx: linear gains).
    let mut metrics = RetrievalMetric::cutoffs(k, true);
    metrics.extend([RetrievalMetric::Mrr, RetrievalMetric::Map]);
    let names: Vec<String> = metrics.iter().map(|m| m.name()).collect();
    let values = metrics
        .iter()
        .map(|&m| match m {
            RetrievalMetric::NdcgAtK(k) => Ok(gains
                .iter()
                .map(|(g, ideal)| ndcg_at_k(g, ideal, k))
                .collect()),
            m => retrieval::per_query(m, &rel),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let missing = qids.iter().filter(|q| run.get(q).is_none()).count();
    let mut warnings = Vec::new();
    if missing > 0 {
        warnings.push(diagnostics::queries_missing_from_run(missing));
    }
    // A query whose list is shorter than the largest cut-off (but not empty: those are the
    // missing ones) has fewer candidates than k: its @k metrics count the absent ranks as misses.
    let short = lists
        .iter()
        .filter(|l| !l.is_empty() && l.len() < max_k)
        .count();
    if short > 0 {
        let shortest = lists
            .iter()
            .filter(|l| !l.is_empty())
            .map(Vec::len)
            .min()
            .unwrap_or(0);
        warnings.push(diagnostics::k_exceeds_pool(short, max_k, shortest));
    }
    let mut header = Map::new();
    header.insert("mode".into(), json!("ranked lists"));
    header.insert("queries".into(), json!(qids.len()));
    Ok(Evaluated {
        names,
        values,
        labels: qids.iter().map(|q| (*q).clone()).collect(),
        subsets: None,
        header,
        warnings,
        timings: Timings {
            read: started.elapsed().as_secs_f64(),
            ..Timings::default()
        },
    })
}

fn per_query_values(spec: &RetrievalSpec, progress: &dyn Progress) -> crate::Result<Evaluated> {
    match &spec.input {
        RetrievalInput::Ranked { run, qrels } => ranked_mode(run, qrels, &spec.k),
        RetrievalInput::Embeddings(e) => embeddings_mode(e, &spec.k, progress),
        RetrievalInput::Arrays(a) => arrays_mode(a, &spec.k, progress),
    }
}

/// Evaluates one system.
pub fn evaluate(
    spec: &RetrievalSpec,
    progress: &dyn Progress,
) -> crate::Result<(RetrievalReport, Timings)> {
    if !(spec.ci > 0.0 && spec.ci < 1.0) {
        bail!("--ci must be between 0 and 1 (exclusive), got {}", spec.ci);
    }
    if spec.k.contains(&0) {
        bail!("--k values must be at least 1");
    }
    let e = per_query_values(spec, progress)?;
    let summarising = Instant::now();
    let n = e.values.first().map_or(0, Vec::len);
    let all: Vec<usize> = (0..n).collect();
    let summarize = |rows: &[usize]| {
        retrieval::summarize(
            &e.names,
            &e.values,
            rows,
            spec.no_relevant,
            spec.bootstrap,
            spec.seed,
            spec.ci,
        )
    };
    let overall = summarize(&all);
    let group = |keys: &[String]| -> Vec<(String, Summary)> {
        rows_by_value(keys)
            .into_iter()
            .map(|(k, r)| (k.to_string(), summarize(&r)))
            .collect()
    };
    let (subset_col, ranked) = match &spec.input {
        RetrievalInput::Embeddings(x) => (x.subset_col.clone(), false),
        RetrievalInput::Arrays(x) => (x.subset_col.clone(), false),
        RetrievalInput::Ranked { .. } => (None, true),
    };
    let subsets = e.subsets.as_ref().map(|s| group(s));
    let per_class = (!ranked).then(|| group(&e.labels));
    let mut k = spec.k.clone();
    k.sort_unstable();
    k.dedup();
    let report = RetrievalReport {
        header: e.header.clone().into_iter().collect(),
        k,
        no_relevant_policy: match spec.no_relevant {
            NoRelevant::Exclude => "exclude",
            NoRelevant::Zero => "zero",
        },
        overall,
        subsets: subset_col.zip(subsets),
        per_class,
        bootstrap: (spec.bootstrap > 0).then_some((spec.bootstrap, spec.seed, spec.ci)),
        warnings: e.warnings,
    };
    let timings = Timings {
        summarize: summarising.elapsed().as_secs_f64(),
        ..e.timings
    };
    Ok((report, timings))
}

/// How two systems are compared.
#[derive(Debug, Clone)]
pub struct PairedSpec {
    /// Permutations of the paired permutation test.
    pub permutations: usize,
    /// The metric of the verdict line (default: the report's).
    pub metric: Option<String>,
    /// Significance level.
    pub alpha: f64,
}

/// Two systems on the same queries, metric by metric: `a`'s bootstrap settings and no-relevant
/// policy apply to both. Refused when they were not evaluated on the same queries.
pub fn compare(
    a: &RetrievalSpec,
    b: &RetrievalSpec,
    paired: &PairedSpec,
) -> crate::Result<RetrievalComparison> {
    let (ea, eb) = (
        per_query_values(a, &crate::NoProgress)?,
        per_query_values(b, &crate::NoProgress)?,
    );
    if ea.labels != eb.labels {
        bail!("the two systems were not evaluated on the same queries; they cannot be compared");
    }
    let rows: Vec<PairedRow> = ea
        .names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let j = eb.names.iter().position(|n| n == name)?;
            let p = retrieval::paired_queries(
                &ea.values[i],
                &eb.values[j],
                a.no_relevant,
                a.bootstrap,
                paired.permutations,
                a.seed,
                a.ci,
            );
            Some((name.clone(), p))
        })
        .collect();
    let cmp = RetrievalComparison {
        names: [a.system_name(), b.system_name()],
        rows,
        level: a.ci,
        alpha: paired.alpha,
        headline: paired.metric.clone(),
        permutations: paired.permutations,
        bootstrap: a.bootstrap,
    };
    if let Some(m) = &paired.metric
        && !cmp.rows.iter().any(|(n, _)| n == m)
    {
        bail!(
            "--metric {m} is not among the compared metrics: {}",
            cmp.rows
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !(paired.alpha > 0.0 && paired.alpha < 1.0) {
        bail!(
            "--alpha must be between 0 and 1 (exclusive), got {}",
            paired.alpha
        );
    }
    Ok(cmp)
}
