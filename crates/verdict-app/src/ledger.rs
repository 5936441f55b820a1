//! The ledger's conventions for evaluations (docs/ledger.md), and the one operation that writes an
//! evaluation into a run.
//!
//! An evaluation stored under the name `NAME` (default `eval`) is:
//! - the artifact `verdict/NAME.json`: the whole `--format json` document (docs/eval-json.md);
//! - the artifact `verdict/NAME.html`: the `--format html` report, in the target's language, to
//!   read in a browser (the artifact view previews it);
//! - the metrics `NAME/<metric>`, `NAME/<metric>_ci_low`, `NAME/<metric>_ci_high` at step 0, or `--step` (the
//!   names of the document's `metrics` object; undefined values and absent intervals are not
//!   logged);
//! - the artifact `verdict/NAME.predictions.parquet`: the evaluated predictions (unless the
//!   evaluation did not keep them), which `verdict_io::load_predictions` reads back to the same eval
//!   set, so later comparisons can pair runs sample by sample;
//! - the tags `verdict.eval.NAME.fingerprint` (the eval set's `sha256:…`), `verdict.eval.NAME.rows`,
//!   `verdict.eval.NAME.source` (the predictions file as given), `verdict.eval.NAME.artifact`,
//!   `verdict.eval.NAME.predictions` (the predictions' path, empty when not kept) and, for a binary
//!   task, `verdict.eval.NAME.positive` (the positive class, which a reader of the predictions
//!   passes as its positive class).
//!
//! The fingerprint tag is what makes results comparable: `verdict runs compare` refuses two runs
//! whose fingerprints for the evaluation differ, and [`store_evaluation`] refuses to put an
//! evaluation of another eval set under a name the run already uses.

use crate::eval::Evaluation;
use std::collections::BTreeMap;
use std::path::Path;
use verdict_report::EvalReport;
use verdict_store::artifacts::ArtifactRepo;
use verdict_store::{Metric, Run, Store, Tag};

use crate::{Error, ResultExt, bail};

/// The experiment with this id (all digits), else this name.
///
/// # Errors
/// [`Error::Invalid`] when there is neither.
pub fn experiment(store: &Store, id_or_name: &str) -> crate::Result<verdict_store::Experiment> {
    if id_or_name.bytes().all(|b| b.is_ascii_digit())
        && !id_or_name.is_empty()
        && let Ok(e) = store.get_experiment(id_or_name)
    {
        return Ok(e);
    }
    store.get_experiment_by_name(id_or_name).map_err(|_| {
        Error::Invalid(format!(
            "no experiment with id or name `{id_or_name}` in the ledger"
        ))
    })
}

/// Every run `query` finds, at most `max`, following the page tokens (pages of at most 50,000).
///
/// # Errors
/// The store's (a bad filter names what was expected).
pub fn search_all(
    store: &Store,
    query: verdict_store::RunQuery,
    max: i64,
) -> crate::Result<Vec<Run>> {
    let mut out = Vec::new();
    let mut q = query;
    loop {
        q.max_results = (max - out.len() as i64).clamp(1, 50_000);
        let page = store.search_runs(&q)?;
        out.extend(page.items);
        match page.next_page_token {
            Some(t) if (out.len() as i64) < max => q.page_token = Some(t),
            _ => return Ok(out),
        }
    }
}

/// The options every front end opens the ledger with: MLflow's artifact convention and the live
/// rules hook ([`crate::rules::LiveRules`]), so a metric written through any of them (the
/// server, `verdict eval --run`) is judged by the run's rules in the same transaction.
pub fn store_options() -> verdict_store::StoreOptions {
    verdict_store::StoreOptions {
        rules_hook: Some(std::sync::Arc::new(crate::rules::LiveRules::default())),
        ..verdict_store::StoreOptions::mlflow_artifacts()
    }
}

/// Opens the ledger at `url` with [`store_options`].
///
/// # Errors
/// The store cannot be opened.
pub fn open(url: &str) -> crate::Result<Store> {
    Ok(Store::open_with(url, &store_options())?)
}

/// Every active run of the experiment, in start order (runs started at the same time by name, then
/// id, so a report over them is stable).
///
/// # Errors
/// A store failure.
pub fn experiment_runs(store: &Store, experiment_id: &str) -> crate::Result<Vec<Run>> {
    let mut runs = search_all(
        store,
        verdict_store::RunQuery {
            experiment_ids: vec![experiment_id.to_owned()],
            filter: String::new(),
            order_by: vec!["start_time ASC".to_owned()],
            max_results: 50_000,
            page_token: None,
            view: verdict_store::ViewType::ActiveOnly,
        },
        i64::MAX,
    )?;
    runs.sort_by(|a, b| {
        (a.info.start_time, &a.info.run_name, &a.info.run_id).cmp(&(
            b.info.start_time,
            &b.info.run_name,
            &b.info.run_id,
        ))
    });
    Ok(runs)
}

/// The tag `verdict.eval.NAME.WHAT` of a stored evaluation named `name`.
pub fn eval_tag(name: &str, what: &str) -> String {
    format!("verdict.eval.{name}.{what}")
}

/// The value of a run tag.
pub fn tag<'a>(run: &'a Run, key: &str) -> Option<&'a str> {
    run.tags
        .iter()
        .find(|t| t.key == key)
        .map(|t| t.value.as_str())
}

/// The names of the evaluations stored in a run (from its `verdict.eval.*.fingerprint` tags).
pub fn eval_names(run: &Run) -> Vec<String> {
    run.tags
        .iter()
        .filter_map(|t| {
            t.key
                .strip_prefix("verdict.eval.")
                .and_then(|r| r.strip_suffix(".fingerprint"))
                .map(str::to_owned)
        })
        .collect()
}

/// One stored evaluation of a run, as its tags describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalInfo {
    /// The evaluation's name.
    pub name: String,
    /// The eval set's fingerprint.
    pub fingerprint: String,
    /// Rows of the eval set.
    pub rows: Option<String>,
    /// The predictions file as given.
    pub source: Option<String>,
    /// The JSON document's artifact path.
    pub artifact: Option<String>,
    /// The stored predictions' artifact path, when the evaluation kept them.
    pub predictions: Option<String>,
    /// The positive class (binary tasks with stored predictions).
    pub positive: Option<String>,
}

/// The evaluation `name` of a run, when the run holds one.
pub fn eval_info(run: &Run, name: &str) -> Option<EvalInfo> {
    let get = |what: &str| tag(run, &eval_tag(name, what)).map(str::to_owned);
    Some(EvalInfo {
        name: name.to_owned(),
        fingerprint: get("fingerprint")?,
        rows: get("rows"),
        source: get("source"),
        artifact: get("artifact"),
        predictions: get("predictions").filter(|p| !p.is_empty()),
        positive: get("positive"),
    })
}

/// The predictions stored with a run's evaluation, read back as the evaluation read them (same
/// eval set, same canonical order), ready for a paired comparison.
///
/// # Errors
/// [`Error::Invalid`] when the evaluation kept no predictions; the artifact repository's or the
/// reader's error otherwise.
pub fn load_stored_predictions(
    run: &Run,
    eval: &EvalInfo,
    artifacts: &Path,
) -> crate::Result<verdict_io::PredictionSet> {
    let Some(rel) = &eval.predictions else {
        bail!(
            "run {} ({}): evaluation `{}` has no stored predictions (it was stored with \
             --no-keep-predictions or by an older verdict); store it again with `verdict eval FILE \
             --run {} --eval-name {}`",
            run.info.run_id,
            run.info.run_name,
            eval.name,
            run.info.run_id,
            eval.name
        );
    };
    let (repo, base) = run_artifacts(&run.info.artifact_uri, artifacts)?;
    let path = repo
        .resolve(&join(&base, rel))
        .with_context(|| format!("run {}: {rel}", run.info.run_id))?;
    let opts = verdict_io::PredictionOptions {
        positive: eval.positive.clone(),
        ..verdict_io::PredictionOptions::default()
    };
    let mut set = verdict_io::load_predictions(&path, &verdict_io::ReadOptions::default(), &opts)
        .with_context(|| format!("run {}: cannot read {rel}", run.info.run_id))?;
    verdict_io::canonical_order(&mut set);
    Ok(set)
}

/// `(value, ci_low, ci_high)` of every `NAME/<metric>` of a run, by metric name.
pub fn eval_metrics(run: &Run, name: &str) -> BTreeMap<String, [Option<f64>; 3]> {
    let prefix = format!("{name}/");
    let mut out: BTreeMap<String, [Option<f64>; 3]> = BTreeMap::new();
    for m in &run.metrics {
        let Some(k) = m.key.strip_prefix(&prefix) else {
            continue;
        };
        let (base, slot) = if let Some(b) = k.strip_suffix("_ci_low") {
            (b, 1)
        } else if let Some(b) = k.strip_suffix("_ci_high") {
            (b, 2)
        } else {
            (k, 0)
        };
        out.entry(base.to_owned()).or_default()[slot] = Some(m.value);
    }
    out
}

/// The artifact directory of a run's `artifact_uri`: `mlflow-artifacts:/X` is `X` under the
/// artifact root `root` (the layout `verdict server` serves), `file://` URIs and plain paths are
/// themselves. Returns the repository and the path inside it.
pub fn run_artifacts(uri: &str, root: &Path) -> crate::Result<(ArtifactRepo, String)> {
    if let Some(rest) = uri.strip_prefix("mlflow-artifacts:") {
        let repo = ArtifactRepo::open(root).with_context(|| {
            format!(
                "cannot open the artifact root (--artifacts {})",
                root.display()
            )
        })?;
        return Ok((repo, rest.trim_start_matches('/').to_owned()));
    }
    let path = if let Some(rest) = uri.strip_prefix("file://") {
        rest.to_owned()
    } else if !uri.contains("://") && !uri.is_empty() {
        uri.to_owned()
    } else {
        bail!(
            "cannot write artifacts to {uri}: only mlflow-artifacts:/ and local file:// artifact URIs are supported"
        );
    };
    let repo = ArtifactRepo::open(Path::new(&path))
        .with_context(|| format!("cannot open the artifact directory {path}"))?;
    Ok((repo, String::new()))
}

/// Joins an artifact-relative directory and a name.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{}/{name}", dir.trim_end_matches('/'))
    }
}

/// Where [`store_evaluation`] writes.
#[derive(Debug, Clone)]
pub struct EvalTarget<'a> {
    /// The run.
    pub run_id: &'a str,
    /// The evaluation's name: letters, digits, `_`, `-` or `.`.
    pub name: &'a str,
    /// The artifact root that `mlflow-artifacts:` URIs resolve under.
    pub artifacts: &'a Path,
    /// The predictions file as the user named it (the `source` tag).
    pub source: &'a str,
    /// The step the metrics are logged at (0 unless the caller evaluates repeatedly).
    pub step: i64,
    /// The language of the stored HTML report.
    pub lang: verdict_report::Lang,
}

/// What [`store_evaluation`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Metrics logged.
    pub metrics: usize,
    /// The JSON document's path inside the run.
    pub artifact: String,
    /// The predictions' path inside the run, when they were kept.
    pub predictions: Option<String>,
    /// The eval set's fingerprint.
    pub fingerprint: String,
    /// Its rows.
    pub rows: usize,
    /// The fingerprint of the test split recorded with the run (`verdict splits check --run`,
    /// tag `verdict.split.testing.fingerprint`) when it differs from the eval set's: the run was
    /// evaluated on another set than the one recorded.
    pub split_mismatch: Option<String>,
}

impl std::fmt::Display for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} metrics, artifact {}{}, eval set {} ({} rows)",
            self.metrics,
            self.artifact,
            self.predictions
                .as_ref()
                .map_or(String::new(), |p| format!(" and {p}")),
            self.fingerprint,
            self.rows
        )
    }
}

/// The metrics an evaluation logs (module docs), all at `timestamp` and `step`.
pub fn evaluation_metrics(
    name: &str,
    report: &EvalReport,
    timestamp: i64,
    step: i64,
) -> Vec<Metric> {
    let mut out = Vec::new();
    for m in &report.result.metrics {
        let (lo, hi) = m.ci.map_or((None, None), |(l, h)| (Some(l), Some(h)));
        for (suffix, v) in [("", Some(m.value)), ("_ci_low", lo), ("_ci_high", hi)] {
            if let Some(x) = v.filter(|x| x.is_finite()) {
                out.push(Metric::new(
                    format!("{name}/{}{suffix}", m.name),
                    x,
                    timestamp,
                    step,
                ));
            }
        }
    }
    out
}

/// Stores an evaluation in a run as one unit (module docs for what is written).
///
/// The order makes a failure part-way leave nothing half-written: the artifacts (the JSON
/// document, and the predictions when the evaluation kept them) are written first, each earlier
/// file of the same path kept in memory; then every tag and metric goes into **one** store
/// transaction ([`Store::log_records`]). When that transaction fails, the artifacts are put back
/// as they were (the earlier files restored, new ones removed) and the error is returned. So
/// either the run holds the whole new evaluation, or exactly what it held before. An evaluation
/// stored without predictions sets the `predictions` tag empty (an earlier evaluation's
/// predictions no longer describe it) and then removes the earlier predictions file.
///
/// # Errors
/// [`Error::Invalid`] for a bad name, or when the run already holds an evaluation of this name
/// made on another eval set (results of different eval sets must not share a name); otherwise the
/// store's or the artifact repository's error.
pub fn store_evaluation(
    store: &Store,
    target: &EvalTarget<'_>,
    evaluation: &Evaluation,
) -> crate::Result<Stored> {
    store_evaluation_with(store, target, evaluation, &Extras::default())
}

/// What a caller stores with an evaluation besides its own artifacts, tags and metrics (an
/// ensemble's report and weights): written in the same unit as [`store_evaluation`] writes, so
/// a failure leaves none of it either.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Artifacts: a path inside the run (`verdict/…`) and its bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// Params (write-once, as MLflow's: storing another value under the same key fails, and
    /// then nothing of the evaluation is stored).
    pub params: Vec<verdict_store::Param>,
}

/// [`store_evaluation`] with [`Extras`].
///
/// # Errors
/// As [`store_evaluation`]; also the store's refusal of a param that changes value.
pub fn store_evaluation_with(
    store: &Store,
    target: &EvalTarget<'_>,
    evaluation: &Evaluation,
    extras: &Extras,
) -> crate::Result<Stored> {
    let report = &evaluation.report;
    let (run_id, name) = (target.run_id, target.name);
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        bail!("--eval-name must be letters, digits, `_`, `-` or `.`, got `{name}`");
    }
    let fingerprint = report.fingerprint.clone();
    let rows = report.result.n;
    let run = store
        .get_run(run_id)
        .with_context(|| format!("--run {run_id}"))?;
    let fp_tag = eval_tag(name, "fingerprint");
    if let Some(old) = tag(&run, &fp_tag)
        && old != fingerprint
    {
        bail!(
            "run {run_id} already holds an evaluation `{name}` made on another eval set ({old}; \
             {} is {fingerprint}); results of different eval sets must not share a name: use \
             another --eval-name",
            target.source
        );
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let metrics = evaluation_metrics(name, report, now, target.step);
    let artifact = format!("verdict/{name}.json");
    let predictions = format!("verdict/{name}.predictions.parquet");
    let kept = evaluation.predictions.as_ref();
    let mut tags = vec![
        Tag::new(fp_tag, fingerprint.clone()),
        Tag::new(eval_tag(name, "rows"), rows.to_string()),
        Tag::new(eval_tag(name, "source"), target.source.to_owned()),
        Tag::new(eval_tag(name, "artifact"), artifact.clone()),
        Tag::new(
            eval_tag(name, "predictions"),
            if kept.is_some() {
                predictions.as_str()
            } else {
                ""
            },
        ),
    ];
    if let Some(positive) = kept.and_then(|k| k.positive.as_ref()) {
        tags.push(Tag::new(eval_tag(name, "positive"), positive.clone()));
    }
    let (repo, base) = run_artifacts(&run.info.artifact_uri, target.artifacts)?;
    let doc = verdict_report::json::render(report);
    let html = verdict_report::markdown::html(report, target.lang);
    let mut files: Vec<(String, &[u8])> = vec![
        (join(&base, &artifact), doc.as_bytes()),
        (
            join(&base, &format!("verdict/{name}.html")),
            html.as_bytes(),
        ),
    ];
    if let Some(k) = kept {
        files.push((join(&base, &predictions), &k.parquet));
    }
    for (path, bytes) in &extras.files {
        files.push((join(&base, path), bytes));
    }
    write_all(
        store,
        &repo,
        run_id,
        &files,
        (&metrics, &extras.params, &tags),
        &format!("evaluation `{name}`"),
    )?;
    if kept.is_none() {
        // The tag now says "no predictions"; an earlier file is only stale. A failure to remove
        // it leaves an unreferenced file, never a wrong reference.
        let _ = repo.delete(&join(&base, &predictions));
    }
    let split_mismatch = tag(&run, "verdict.split.testing.fingerprint")
        .filter(|recorded| *recorded != fingerprint)
        .map(str::to_owned);
    Ok(Stored {
        metrics: metrics.len(),
        artifact,
        predictions: kept.map(|_| predictions),
        fingerprint,
        rows,
        split_mismatch,
    })
}
/// Writes `files` (repository paths) into `repo`, then `records` (metrics, params, tags) into
/// the run in one store call; when a put or the store fails, every file already written is put
/// back as it was (in reverse), so the run is left as it was. `what` names the unit in errors.
fn write_all(
    store: &Store,
    repo: &ArtifactRepo,
    run_id: &str,
    files: &[(String, &[u8])],
    records: (&[Metric], &[verdict_store::Param], &[Tag]),
    what: &str,
) -> crate::Result<()> {
    // Every file written is undone (in reverse) if a later step fails.
    let mut undo: Vec<(String, Option<Vec<u8>>)> = Vec::new();
    let restore = |undo: &[(String, Option<Vec<u8>>)]| -> Result<(), verdict_store::Error> {
        for (path, previous) in undo.iter().rev() {
            match previous {
                Some(bytes) => repo.put(path, bytes)?,
                None => repo.delete(path)?,
            }
        }
        Ok(())
    };
    for (path, bytes) in files {
        let previous = repo.get(path).ok();
        if let Err(e) = repo.put(path, bytes) {
            // Best effort: the put failed, so the store was not touched.
            let _ = restore(&undo);
            return Err(Error::Context {
                context: format!("cannot store {path} for run {run_id}"),
                source: Box::new(e),
            });
        }
        undo.push((path.clone(), previous));
    }
    if let Err(e) = store.log_records(run_id, records.0, records.1, records.2) {
        let why = format!("cannot store {what} in run {run_id}");
        return Err(Error::Context {
            context: match restore(&undo) {
                Ok(()) => why,
                Err(r) => {
                    format!("{why} (and its artifacts could not be put back as they were: {r})")
                }
            },
            source: Box::new(e),
        });
    }
    Ok(())
}

/// Where [`store_comparison`] writes, and what it writes: `verdict/NAME.compare.json` (the
/// `--format json` document, docs/compare-json.md) and `verdict/NAME.compare.html` (the HTML
/// report, in `lang`), and the tags `verdict.compare.NAME.fingerprint` (the shared eval set's) and
/// `verdict.compare.NAME.models` (the model names, comma-separated).
///
/// # Errors
/// A bad name, a missing run, an artifact or store failure (then nothing is left changed).
pub fn store_comparison(
    store: &Store,
    run_id: &str,
    artifacts: &Path,
    name: &str,
    rep: &verdict_report::compare::CompareReport,
    lang: verdict_report::Lang,
) -> crate::Result<Vec<String>> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
    {
        bail!("--compare-name must be letters, digits, `_`, `-` or `.`, got `{name}`");
    }
    let run = store
        .get_run(run_id)
        .with_context(|| format!("--run {run_id}"))?;
    let (repo, base) = run_artifacts(&run.info.artifact_uri, artifacts)?;
    let json = verdict_report::compare::json(rep);
    let html = verdict_report::compare::html(rep, lang);
    let written = vec![
        format!("verdict/{name}.compare.json"),
        format!("verdict/{name}.compare.html"),
    ];
    let files: Vec<(String, &[u8])> = vec![
        (join(&base, &written[0]), json.as_bytes()),
        (join(&base, &written[1]), html.as_bytes()),
    ];
    let tags = vec![
        Tag::new(
            format!("verdict.compare.{name}.fingerprint"),
            rep.fingerprint.clone(),
        ),
        Tag::new(
            format!("verdict.compare.{name}.models"),
            rep.names.join(","),
        ),
    ];
    write_all(
        store,
        &repo,
        run_id,
        &files,
        (&[], &[], &tags),
        &format!("comparison `{name}`"),
    )?;
    Ok(written)
}

/// One side of a comparison of stored evaluations ([`stored_evaluations`]): the run, its evaluation and that evaluation's metrics.
#[derive(Debug, Clone)]
pub struct StoredSide {
    /// The run.
    pub run: Run,
    /// Its evaluation.
    pub eval: EvalInfo,
    /// `(value, ci_low, ci_high)` by metric name ([`eval_metrics`]).
    pub metrics: BTreeMap<String, [Option<f64>; 3]>,
}

impl StoredSide {
    /// `RUN_ID (RUN_NAME)`.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.run.info.run_id, self.run.info.run_name)
    }
}

/// Two runs' evaluations of one name, made on the same eval set.
#[derive(Debug, Clone)]
pub struct StoredComparison {
    /// The evaluation's name.
    pub name: String,
    /// Run A.
    pub a: StoredSide,
    /// Run B.
    pub b: StoredSide,
}

impl StoredComparison {
    /// Every metric name of either side, sorted.
    pub fn keys(&self) -> Vec<&String> {
        let keys: std::collections::BTreeSet<&String> =
            self.a.metrics.keys().chain(self.b.metrics.keys()).collect();
        keys.into_iter().collect()
    }
}

/// The evaluations `name` of several runs, made on one eval set. Refused, listing every run's eval
/// set, when their fingerprints differ: metrics from different eval sets are not comparable.
///
/// # Errors
/// A missing run, a run without an evaluation `name` (naming the ones it has), or several eval
/// sets.
pub fn stored_evaluations(
    store: &Store,
    run_ids: &[&str],
    name: &str,
) -> crate::Result<Vec<StoredSide>> {
    let side = |id: &str| -> crate::Result<StoredSide> {
        let run = store
            .get_run(id)
            .with_context(|| format!("runs compare: run {id}"))?;
        let describe = format!("{} ({})", run.info.run_id, run.info.run_name);
        let Some(eval) = eval_info(&run, name) else {
            let others = eval_names(&run);
            bail!(
                "run {describe} has no evaluation `{name}`{} (store one with `verdict eval FILE --run {} --eval-name {name}`)",
                if others.is_empty() {
                    String::new()
                } else {
                    format!(" (it has: {})", others.join(", "))
                },
                run.info.run_id
            );
        };
        let metrics = eval_metrics(&run, name);
        Ok(StoredSide { run, eval, metrics })
    };
    let sides = run_ids
        .iter()
        .map(|id| side(id))
        .collect::<crate::Result<Vec<_>>>()?;
    if sides
        .iter()
        .any(|s| s.eval.fingerprint != sides[0].eval.fingerprint)
    {
        let lines: Vec<String> = sides
            .iter()
            .map(|s| {
                format!(
                    "  {}: {} ({} rows, {})",
                    s.describe(),
                    s.eval.fingerprint,
                    s.eval.rows.as_deref().unwrap_or("?"),
                    s.eval.source.as_deref().unwrap_or("unknown source")
                )
            })
            .collect();
        bail!(
            "refusing to compare: the `{name}` evaluations of {} were made on different eval sets\n{}\nMetrics from different eval sets are not comparable; evaluate {} on the same file.",
            if sides.len() == 2 {
                "the two runs"
            } else {
                "these runs"
            },
            lines.join("\n"),
            if sides.len() == 2 {
                "both runs"
            } else {
                "every run"
            }
        );
    }
    Ok(sides)
}

/// The paired comparison of runs' stored evaluations: each run's stored predictions read back
/// ([`load_stored_predictions`]) and compared as `verdict compare` compares prediction files, so
/// the numbers are the same as `verdict compare` on the files the runs evaluated. A model is named
/// by its run's name (its id when unnamed; `#position` added when two share a name).
///
/// # Errors
/// A run whose evaluation kept no predictions; otherwise as
/// [`crate::compare::compare_models_read`].
pub fn compare_runs(
    sides: &[StoredSide],
    artifacts: &Path,
    options: &crate::compare::CompareOptions,
    progress: &dyn crate::Progress,
) -> crate::Result<verdict_report::compare::CompareReport> {
    let base: Vec<String> = sides
        .iter()
        .map(|s| {
            if s.run.info.run_name.is_empty() {
                s.run.info.run_id.clone()
            } else {
                s.run.info.run_name.clone()
            }
        })
        .collect();
    let mut models = Vec::with_capacity(sides.len());
    for (i, s) in sides.iter().enumerate() {
        let name = if base.iter().filter(|b| **b == base[i]).count() > 1 {
            format!("{}#{}", base[i], i + 1)
        } else {
            base[i].clone()
        };
        models.push(crate::compare::Model {
            name,
            source: format!(
                "run {}: {}",
                s.run.info.run_id,
                s.eval.predictions.as_deref().unwrap_or("")
            ),
            set: load_stored_predictions(&s.run, &s.eval, artifacts)?,
            val: None,
        });
    }
    crate::compare::compare_models_read(models, options, "group", progress)
}

/// Evaluations of one name made on several eval sets among some runs: their `NAME/…` metrics are
/// not comparable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedEvalSets {
    /// The evaluation's name.
    pub name: String,
    /// Each eval set's fingerprint with how many of the runs used it, by fingerprint.
    pub sets: Vec<(String, usize)>,
}

/// For each evaluation name behind the metric keys `keys` (`NAME/metric`), the eval sets the runs'
/// `NAME` evaluations were made on, when there is more than one.
pub fn mixed_eval_sets(runs: &[Run], keys: &[String]) -> Vec<MixedEvalSets> {
    let names: std::collections::BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| k.split_once('/').map(|(n, _)| n))
        .collect();
    let mut out = Vec::new();
    for name in names {
        let key = eval_tag(name, "fingerprint");
        let mut sets: BTreeMap<&str, usize> = BTreeMap::new();
        for r in runs {
            if let Some(f) = tag(r, &key) {
                *sets.entry(f).or_default() += 1;
            }
        }
        if sets.len() > 1 {
            out.push(MixedEvalSets {
                name: name.to_owned(),
                sets: sets.into_iter().map(|(f, n)| (f.to_owned(), n)).collect(),
            });
        }
    }
    out
}
