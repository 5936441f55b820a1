//! `verdict retrieval` and `verdict retrieval compare`: flags → `verdict_app::retrieval` →
//! render.

use super::common;
use crate::cli::{NoRelevantArg, OutputFormat, RetrievalArgs, RetrievalCompareArgs, SimilarityArg};
use anyhow::{Context, Result, bail};
use verdict_app::retrieval::{EmbeddingsInput, PairedSpec, RetrievalInput, RetrievalSpec};
use verdict_core::knn::Similarity;
use verdict_core::retrieval::NoRelevant;

/// The flags as the application layer's spec.
fn spec(a: &RetrievalArgs) -> Result<RetrievalSpec> {
    let input = if let Some(run) = &a.run {
        let Some(qrels) = &a.qrels else {
            bail!("--run needs --qrels");
        };
        RetrievalInput::Ranked {
            run: run.clone(),
            qrels: qrels.clone(),
        }
    } else {
        let (Some(query), Some(query_labels)) = (&a.query, &a.query_labels) else {
            bail!("--query needs --query-labels (or give --run and --qrels)");
        };
        RetrievalInput::Embeddings(EmbeddingsInput {
            query: query.clone(),
            query_labels: query_labels.clone(),
            gallery: a.gallery.clone().zip(a.gallery_labels.clone()),
            embedding_col: a.embedding_col.clone(),
            label_col: a.label_col.clone(),
            id_col: a.id_col.clone(),
            subset_col: a.subset_col.clone(),
            similarity: match a.similarity {
                SimilarityArg::Cosine => Similarity::Cosine,
                SimilarityArg::Dot => Similarity::Dot,
                SimilarityArg::L2 => Similarity::L2,
            },
            depth: a.depth,
        })
    };
    Ok(RetrievalSpec {
        input,
        k: a.k.clone(),
        no_relevant: match a.no_relevant {
            NoRelevantArg::Exclude => NoRelevant::Exclude,
            NoRelevantArg::Zero => NoRelevant::Zero,
        },
        bootstrap: a.boot.bootstrap,
        seed: a.boot.seed,
        ci: a.boot.ci,
    })
}

pub(crate) fn run(a: &RetrievalArgs) -> Result<String> {
    let (report, t) = verdict_app::retrieval::evaluate(&spec(a)?, &common::Bar::new(&a.output))?;
    if a.timings {
        if let Some((search, (q, g, d))) = t.search {
            let flop = 2.0 * q as f64 * g as f64 * d as f64;
            eprintln!(
                "timings: read {:.3} s, kNN search + per-query metrics {search:.3} s ({:.1} GFLOP/s over {q} × {g} × {d})",
                t.read,
                flop / search / 1e9,
            );
        }
        eprintln!("timings: summaries and bootstrap {:.3} s", t.summarize);
    }
    let lang = common::lang(&a.output);
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::retrieval::json(&report),
        OutputFormat::Md => verdict_report::retrieval::render(&report, lang, true, false),
        OutputFormat::Html => verdict_report::retrieval::html(&report, lang),
        OutputFormat::Text => {
            verdict_report::retrieval::render(&report, lang, false, common::color(&a.output))
        }
    })
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
    let paired = PairedSpec {
        permutations: c.permutations,
        metric: c.metric.clone(),
        alpha: c.alpha,
    };
    let cmp = verdict_app::retrieval::compare(&spec(a)?, &spec(&b)?, &paired)?;
    let lang = common::lang(&a.output);
    Ok(match a.output.format {
        OutputFormat::Json => verdict_report::retrieval::compare_json(&cmp),
        OutputFormat::Md => verdict_report::retrieval::compare_render(&cmp, lang, true, false),
        OutputFormat::Html => verdict_report::retrieval::compare_html(&cmp, lang),
        OutputFormat::Text => {
            verdict_report::retrieval::compare_render(&cmp, lang, false, common::color(&a.output))
        }
    })
}
