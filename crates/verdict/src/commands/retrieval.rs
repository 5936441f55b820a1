//! `verdict retrieval`: embeddings + labels → exact kNN over the whole gallery → per-query
//! relevance → metrics with bootstrap intervals over queries, overall, per subset and per class;
//! or a ranked-list run with its qrels.

use super::common;
use crate::cli::{NoRelevantArg, OutputFormat, RetrievalArgs, RetrievalCompareArgs, SimilarityArg};
use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;
use verdict_core::knn::{KnnConfig, Matrix, Similarity, knn_map, zero_rows};
use verdict_core::retrieval::{
    self, NoRelevant, QueryRelevance, RankedRelevance, RetrievalMetric, Summary, ndcg_at_k,
};
use verdict_io::{EmbeddingMatrix, ReadOptions};
use verdict_report::retrieval::{EmbeddingRole, RetrievalReport, RetrievalWarning};

/// How many zero-vector rows a warning names (then "…" and the count).
const ZERO_ROWS_NAMED: usize = 5;

fn read_embeddings(path: &Path, column: &str) -> Result<EmbeddingMatrix> {
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
fn text_column(table: &verdict_io::Table, path: &Path, name: &str) -> Result<Vec<String>> {
    let col = table.column(name).with_context(|| {
        format!(
            "{}: missing column \"{name}\"; the file has columns: {}",
            path.display(),
            table.all_columns.join(", ")
        )
    })?;
    (0..table.n_rows)
        .map(|i| {
            col.text(i).map(|t| t.into_owned()).with_context(|| {
                format!(
                    "{}: {}: column \"{name}\": expected a value, found {}",
                    path.display(),
                    table.locator.describe(i),
                    table.null_word()
                )
            })
        })
        .collect()
}

/// The ids of an embeddings file's rows (`--id-col`): a column of the same Parquet file. A `.npy`
/// file has no ids.
fn embedding_ids(path: &Path, id_col: &str) -> Result<Vec<String>> {
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
) -> Result<(Vec<String>, Option<Vec<String>>)> {
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

struct Evaluated {
    names: Vec<String>,
    values: Vec<Vec<f64>>,
    labels: Vec<String>,
    subsets: Option<Vec<String>>,
    header: Map<String, Value>,
    warnings: Vec<RetrievalWarning>,
}

fn embeddings_mode(a: &RetrievalArgs) -> Result<Evaluated> {
    let (Some(qpath), Some(qlabels)) = (&a.query, &a.query_labels) else {
        bail!("--query needs --query-labels (or give --run and --qrels)");
    };
    let started = Instant::now();
    let query = read_embeddings(qpath, &a.embedding_col)?;
    let q_ids = a
        .id_col
        .as_deref()
        .map(|c| embedding_ids(qpath, c))
        .transpose()?;
    let (q_text, subsets) = read_labels(
        qlabels,
        &a.label_col,
        a.subset_col.as_deref(),
        &query,
        a.id_col
            .as_deref()
            .zip(q_ids.as_deref())
            .map(|(c, ids)| (c, ids, qpath.as_path())),
    )?;
    let gallery = match (&a.gallery, &a.gallery_labels) {
        (Some(g), Some(gl)) => {
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
        _ => None,
    };
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
    // Depth: the largest cut-off, and at least the largest R so MAP@R and R-precision are exact
    // (pytorch-metric-learning's k = "max_bin_count").
    let mut count: HashMap<u32, usize> = HashMap::new();
    for &l in &g_ids {
        *count.entry(l).or_default() += 1;
    }
    let max_r = q_ids
        .iter()
        .map(|l| count.get(l).map_or(0, |&c| c - usize::from(loo)))
        .max()
        .unwrap_or(0);
    let max_k = a.k.iter().copied().max().unwrap_or(1);
    let candidates = g_rows - usize::from(loo);
    if max_k > candidates {
        bail!(
            "--k {max_k} is larger than the {candidates} candidates each query has ({})",
            if loo {
                format!("leave-one-out among {} queries leaves n − 1", query.rows)
            } else {
                format!("the gallery has {g_rows} rows")
            }
        );
    }
    let depth = match a.depth {
        Some(d) if d < max_k => bail!(
            "--depth {d} is smaller than the largest cut-off --k {max_k}; the @k metrics need the top {max_k}"
        ),
        Some(d) if d > candidates => {
            bail!("--depth {d} is larger than the {candidates} candidates each query has")
        }
        Some(d) => d,
        None => max_k.max(max_r).min(candidates),
    };
    let similarity = match a.similarity {
        SimilarityArg::Cosine => Similarity::Cosine,
        SimilarityArg::Dot => Similarity::Dot,
        SimilarityArg::L2 => Similarity::L2,
    };
    let cfg = KnnConfig {
        similarity,
        leave_one_out: loo,
        ..KnnConfig::new(depth)
    };
    let metrics: Vec<RetrievalMetric> = RetrievalMetric::standard(&a.k)
        .into_iter()
        .filter(|m| {
            !matches!(m, RetrievalMetric::MapAtR | RetrievalMetric::RPrecision) || max_r <= depth
        })
        .collect();
    retrieval::check_depth(&metrics, depth, max_r)?;
    let names = metrics.iter().map(|m| m.name()).collect();
    // Each query's metrics straight from its neighbours (knn_map), so the `queries × depth`
    // neighbour lists, which exact R-metrics make as deep as the largest class, never exist at once.
    let n_rel: Vec<usize> = q_ids
        .iter()
        .map(|l| count.get(l).map_or(0, |&c| c - usize::from(loo)))
        .collect();
    let bar = common::progress(&a.output, query.rows, "queries");
    let searching = Instant::now();
    let per_query = knn_map(
        Matrix::new(&query.data, query.rows, query.dim),
        Matrix::new(&gm.data, g_rows, gm.dim),
        &cfg,
        &|n| bar.inc(n as u64),
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
    bar.finish_and_clear();
    if a.timings {
        let search = searching.elapsed().as_secs_f64();
        let flop = 2.0 * query.rows as f64 * g_rows as f64 * query.dim as f64;
        eprintln!(
            "timings: read {:.3} s, kNN search + per-query metrics {search:.3} s ({:.1} GFLOP/s over {} × {} × {})",
            (searching - started).as_secs_f64(),
            flop / search / 1e9,
            query.rows,
            g_rows,
            query.dim
        );
    }
    let values: Vec<Vec<f64>> = (0..metrics.len())
        .map(|i| per_query.iter().map(|row| row[i]).collect())
        .collect();
    let mut warnings = Vec::new();
    if max_r > depth {
        warnings.push(RetrievalWarning::ShallowDepth { max_r, depth });
    }
    let dups = duplicate_rows(gm);
    if dups > 0 {
        warnings.push(RetrievalWarning::DuplicateEmbeddings { rows: dups });
    }
    if similarity == Similarity::Cosine {
        // A zero vector is scored 0 against everything (verdict_core::knn, as scikit-learn, PML
        // and faiss do): name the rows.
        let mut zero = |m: &EmbeddingMatrix, role: EmbeddingRole| {
            let rows = zero_rows(Matrix::new(&m.data, m.rows, m.dim));
            if !rows.is_empty() {
                warnings.push(RetrievalWarning::ZeroEmbeddings {
                    role,
                    count: rows.len(),
                    rows: rows.into_iter().take(ZERO_ROWS_NAMED).collect(),
                });
            }
        };
        match &gallery {
            None => zero(&query, EmbeddingRole::QueryAndGallery),
            Some((g, _)) => {
                zero(&query, EmbeddingRole::Query);
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
    })
}

fn run_mode(a: &RetrievalArgs) -> Result<Evaluated> {
    let (Some(run_path), Some(qrels_path)) = (&a.run, &a.qrels) else {
        bail!("--run needs --qrels");
    };
    let run = verdict_io::read_run(run_path)?;
    let qrels = verdict_io::read_qrels(qrels_path)?;
    let max_k = a.k.iter().copied().max().unwrap_or(1);
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
    let mut metrics = RetrievalMetric::cutoffs(&a.k, true);
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
        warnings.push(RetrievalWarning::QueriesMissingFromRun { queries: missing });
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
    })
}

pub(crate) fn run(a: &RetrievalArgs) -> Result<String> {
    if !(a.boot.ci > 0.0 && a.boot.ci < 1.0) {
        bail!(
            "--ci must be between 0 and 1 (exclusive), got {}",
            a.boot.ci
        );
    }
    if a.k.contains(&0) {
        bail!("--k values must be at least 1");
    }
    let e = if a.run.is_some() {
        run_mode(a)?
    } else {
        embeddings_mode(a)?
    };
    let policy = policy(a);
    let summarising = Instant::now();
    let n = e.values.first().map_or(0, Vec::len);
    let all: Vec<usize> = (0..n).collect();
    let summarize = |rows: &[usize]| {
        retrieval::summarize(
            &e.names,
            &e.values,
            rows,
            policy,
            a.boot.bootstrap,
            a.boot.seed,
            a.boot.ci,
        )
    };
    let overall = summarize(&all);
    let group = |keys: &[String]| -> Vec<(String, Summary)> {
        let mut rows: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            rows.entry(k.as_str()).or_default().push(i);
        }
        rows.into_iter()
            .map(|(k, r)| (k.to_string(), summarize(&r)))
            .collect()
    };
    let subsets = e.subsets.as_ref().map(|s| group(s));
    let per_class = (a.run.is_none()).then(|| group(&e.labels));
    let report = RetrievalReport {
        header: e.header.clone().into_iter().collect(),
        k: {
            let mut k = a.k.clone();
            k.sort_unstable();
            k.dedup();
            k
        },
        no_relevant_policy: match policy {
            NoRelevant::Exclude => "exclude",
            NoRelevant::Zero => "zero",
        },
        overall,
        subsets: a.subset_col.clone().zip(subsets),
        per_class,
        bootstrap: (a.boot.bootstrap > 0).then_some((a.boot.bootstrap, a.boot.seed, a.boot.ci)),
        warnings: e.warnings,
    };
    if a.timings {
        eprintln!(
            "timings: summaries and bootstrap {:.3} s",
            summarising.elapsed().as_secs_f64()
        );
    }
    let lang = common::lang(&a.output);
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::retrieval::json(&report),
        OutputFormat::Md => verdict_report::retrieval::render(&report, lang, true, false),
        OutputFormat::Text => {
            verdict_report::retrieval::render(&report, lang, false, common::color(&a.output))
        }
    })
}

fn policy(a: &RetrievalArgs) -> NoRelevant {
    match a.no_relevant {
        NoRelevantArg::Exclude => NoRelevant::Exclude,
        NoRelevantArg::Zero => NoRelevant::Zero,
    }
}

fn evaluate(a: &RetrievalArgs) -> Result<Evaluated> {
    if a.run.is_some() {
        run_mode(a)
    } else {
        embeddings_mode(a)
    }
}

/// `verdict retrieval compare`: both systems on the same queries, metric by metric.
pub(crate) fn compare(c: &RetrievalCompareArgs) -> Result<String> {
    let a = &c.a;
    let mut b = a.clone();
    if a.run.is_some() {
        b.run = Some(
            c.run_b
                .clone()
                .context("--run needs --run-b for system B")?,
        );
    } else {
        b.query = Some(
            c.query_b
                .clone()
                .context("--query needs --query-b for system B")?,
        );
        if a.gallery.is_some() {
            b.gallery = Some(
                c.gallery_b
                    .clone()
                    .context("--gallery needs --gallery-b for system B")?,
            );
        }
    }
    let (ea, eb) = (evaluate(a)?, evaluate(&b)?);
    if ea.labels != eb.labels {
        bail!("the two systems were not evaluated on the same queries; they cannot be compared");
    }
    let policy = policy(a);
    let rows: Vec<verdict_report::retrieval::PairedRow> = ea
        .names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let j = eb.names.iter().position(|n| n == name)?;
            let p = retrieval::paired_queries(
                &ea.values[i],
                &eb.values[j],
                policy,
                a.boot.bootstrap,
                c.permutations,
                a.boot.seed,
                a.boot.ci,
            );
            Some((name.clone(), p))
        })
        .collect();
    let cmp = verdict_report::retrieval::RetrievalComparison {
        names: [system_name(a), system_name(&b)],
        rows,
        level: a.boot.ci,
        alpha: c.alpha,
        headline: c.metric.clone(),
        permutations: c.permutations,
        bootstrap: a.boot.bootstrap,
    };
    if let Some(m) = &c.metric
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
    if !(c.alpha > 0.0 && c.alpha < 1.0) {
        bail!(
            "--alpha must be between 0 and 1 (exclusive), got {}",
            c.alpha
        );
    }
    let lang = common::lang(&a.output);
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::retrieval::compare_json(&cmp),
        OutputFormat::Md => verdict_report::retrieval::compare_render(&cmp, lang, true, false),
        OutputFormat::Text => {
            verdict_report::retrieval::compare_render(&cmp, lang, false, common::color(&a.output))
        }
    })
}

fn system_name(a: &RetrievalArgs) -> String {
    let p = a.run.as_ref().or(a.query.as_ref());
    p.and_then(|p| p.file_stem())
        .map_or_else(|| "system".into(), |s| s.to_string_lossy().into_owned())
}
