//! What the web UI's pages show, read from the ledger (`verdict server` renders them with
//! `verdict_report::ui`).
//!
//! Each function answers one page from its URL's parameters. They only read, and they return the
//! store's own error (`verdict_store::Error`), whose kind the server turns into the status: a run
//! or experiment that does not exist is a 404, anything else the store refuses a 400. A filter or
//! order the store's grammar rejects is not an error of the page: the runs page shows the message
//! above an empty table, so the user can correct what they typed.

use verdict_report::ui::{
    ArtifactEntry, ArtifactFile, ArtifactsPage, CompareOutcome, ComparePage, EvaluationSummary,
    ExperimentRow, ExperimentsPage, History, ModelPage, ModelRow, ModelsPage, Preview, RunPage,
    RunRow, RunsPage, VersionRow, fmt_value,
};
use verdict_store::{
    BulkIntervalQuery, ExperimentQuery, ModelVersion, RegistryQuery, Run, RunQuery, Store, ViewType,
};

/// Runs per page of the runs table.
pub const RUNS_PER_PAGE: i64 = 100;

/// Extra columns shown when the URL names none: the first metric keys of the runs on the page,
/// the training metrics (in key order) before the stored evaluations' (in key order, without
/// their `_ci_low` / `_ci_high` keys, which the run's page shows with each value).
pub const DEFAULT_METRIC_COLUMNS: usize = 5;

/// The experiments page: every active experiment whose name contains `search` (case-insensitive;
/// empty: all), newest activity first (ties by id).
pub fn experiments(store: &Store, search: &str) -> verdict_store::Result<ExperimentsPage> {
    let counts = store.run_counts()?;
    let needle = search.trim().to_lowercase();
    let mut rows = Vec::new();
    let mut token = None;
    loop {
        let page = store.search_experiments(&ExperimentQuery {
            filter: String::new(),
            order_by: Vec::new(),
            max_results: 1000,
            page_token: token,
            view: ViewType::ActiveOnly,
        })?;
        for e in page.items {
            if !needle.is_empty() && !e.name.to_lowercase().contains(&needle) {
                continue;
            }
            let c = counts.iter().find(|c| c.experiment_id == e.experiment_id);
            rows.push(ExperimentRow {
                runs: c.map_or(0, |c| c.runs),
                last_activity: c.map_or(e.last_update_time, |c| {
                    c.last_activity.max(e.last_update_time)
                }),
                id: e.experiment_id,
                name: e.name,
            });
        }
        token = page.next_page_token;
        if token.is_none() {
            break;
        }
    }
    rows.sort_by(|a, b| {
        b.last_activity
            .cmp(&a.last_activity)
            .then_with(|| a.id.len().cmp(&b.id.len()).then_with(|| a.id.cmp(&b.id)))
    });
    Ok(ExperimentsPage {
        search: search.to_string(),
        rows,
    })
}

/// What the runs page's URL asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunsQuery {
    /// The MLflow filter (the store's grammar).
    pub filter: String,
    /// One order, `metrics.val_loss ASC` (empty: the store's default, newest first).
    pub order_by: String,
    /// Extra columns, comma-separated `metrics.<key>`, `params.<key>`, `tags.<key>`.
    pub columns: String,
    /// The page token (empty: the first page).
    pub page: String,
}

/// The runs page of an experiment.
pub fn runs(store: &Store, experiment_id: &str, q: &RunsQuery) -> verdict_store::Result<RunsPage> {
    let experiment = store.get_experiment(experiment_id)?;
    let result = store.search_runs(&RunQuery {
        experiment_ids: vec![experiment.experiment_id.clone()],
        filter: q.filter.clone(),
        order_by: if q.order_by.trim().is_empty() {
            Vec::new()
        } else {
            vec![q.order_by.trim().to_string()]
        },
        max_results: RUNS_PER_PAGE,
        page_token: (!q.page.is_empty()).then(|| q.page.clone()),
        view: ViewType::ActiveOnly,
    });
    let (found, next_page, error) = match result {
        Ok(page) => (page.items, page.next_page_token, None),
        Err(e) if e.kind() != verdict_store::ErrorKind::Internal => {
            (Vec::new(), None, Some(e.to_string()))
        }
        Err(e) => return Err(e),
    };
    let mut columns: Vec<String> = q
        .columns
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    // The evaluation names of the page's runs, by how many runs have each (then by name).
    let mut evals: Vec<(String, usize)> = Vec::new();
    for r in &found {
        for n in crate::ledger::eval_names(r) {
            match evals.iter_mut().find(|(e, _)| *e == n) {
                Some((_, c)) => *c += 1,
                None => evals.push((n, 1)),
            }
        }
    }
    evals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if columns.is_empty() {
        let eval_of = |k: &str| evals.iter().any(|(n, _)| k.starts_with(&format!("{n}/")));
        let mut keys: Vec<(bool, &str)> = found
            .iter()
            .flat_map(|r| r.metrics.iter().map(|m| m.key.as_str()))
            .map(|k| (eval_of(k), k))
            .filter(|(e, k)| !(*e && (k.ends_with("_ci_low") || k.ends_with("_ci_high"))))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        columns = keys
            .into_iter()
            .take(DEFAULT_METRIC_COLUMNS)
            .map(|(_, k)| format!("metrics.{k}"))
            .collect();
    }
    let spec = default_check(crate::check::Curves::File(Default::default()));
    let rows = found
        .iter()
        .map(|r| RunRow {
            findings: findings_badge(store, r, &spec),
            ..row(r, &columns)
        })
        .collect();
    let mut available: Vec<String> = found
        .iter()
        .flat_map(|r| {
            r.metrics
                .iter()
                .map(|m| format!("metrics.{}", m.key))
                .chain(r.params.iter().map(|p| format!("params.{}", p.key)))
                .chain(
                    r.tags
                        .iter()
                        .filter(|t| !t.key.starts_with("mlflow.") && !t.key.starts_with("verdict."))
                        .map(|t| format!("tags.{}", t.key)),
                )
        })
        .collect();
    available.sort_by(|a, b| column_rank(a).cmp(&column_rank(b)).then_with(|| a.cmp(b)));
    available.dedup();
    for c in &columns {
        if !available.contains(c) {
            available.push(c.clone());
        }
    }
    Ok(RunsPage {
        available,
        // The report's evaluation: `test` when a run on the page has one, else the most common.
        report_eval: evals
            .iter()
            .find(|(n, _)| n == "test")
            .or(evals.first())
            .map(|(n, _)| n.clone()),
        experiment_id: experiment.experiment_id,
        experiment_name: experiment.name,
        filter: q.filter.clone(),
        order_by: q.order_by.clone(),
        error,
        columns,
        rows,
        next_page,
        page: q.page.clone(),
    })
}

/// Metrics first, then params, then tags, in the column picker.
fn column_rank(key: &str) -> u8 {
    match key.split_once('.').map(|(e, _)| e) {
        Some("metrics") => 0,
        Some("params") => 1,
        _ => 2,
    }
}

/// The runs table's findings badge of a run: the curve checks' findings by status
/// (`verdict_app::check::check_run_curves` with the default thresholds; two history reads).
/// `None` when the checks cannot run on it.
fn findings_badge(
    store: &Store,
    r: &Run,
    spec: &crate::check::RunCheckSpec,
) -> Option<verdict_report::ui::FindingCounts> {
    use verdict_core::diagnostics::Status;
    let rep = crate::check::check_run_curves(store, r, spec).ok()?;
    let mut c = verdict_report::ui::FindingCounts::default();
    for (_, f) in &rep.findings {
        match f.status {
            Status::Fail => c.fail += 1,
            Status::Warn => c.warn += 1,
            Status::Info => c.info += 1,
            Status::Pass => {}
        }
    }
    Some(c)
}

/// The prefixes that mark a metric as the training or the validation side of one stem
/// (`train_loss` and `val_loss` are plotted together as `loss`).
const SIDES: [(&str, bool); 8] = [
    ("train_", false),
    ("train/", false),
    ("training_", false),
    ("val_", true),
    ("val/", true),
    ("valid_", true),
    ("validation_", true),
    ("eval_", true),
];

/// A key's stem and whether it is a validation key (`None` side: neither prefix).
fn stem(key: &str) -> (&str, Option<bool>) {
    SIDES
        .iter()
        .find_map(|(p, val)| key.strip_prefix(p).map(|s| (s, Some(*val))))
        .unwrap_or((key, None))
}

/// Points per series of a run page's curves: the store's downsampling (MLflow's bulk-interval
/// rule: the first and last points always kept), so a 100,000-step curve costs a page no more
/// than a 1,000-step one.
pub const CURVE_POINTS: i64 = 1000;

/// Points per series of a curve zoomed to a step range: the most the bulk-interval query gives
/// (MLflow's limit). A range with fewer points shows every one of them.
pub const ZOOM_POINTS: i64 = 2500;

/// The run's metrics as plots, keys of one stem together. Each series is the store's
/// downsampled history ([`CURVE_POINTS`]; within `zoom`, an inclusive step range,
/// [`ZOOM_POINTS`]). The best evaluation of the validation key (or the only key) is marked by
/// the direction its name implies (`verdict_core::curves::direction_from_name`): the best of
/// *every* point, not of the sample (`Store::best_metric_point`; ties: the earliest step), and
/// only when it lies in the zoomed range.
fn histories(
    store: &Store,
    r: &Run,
    zoom: Option<(i64, i64)>,
) -> verdict_store::Result<Vec<History>> {
    // (stem, its keys with their side)
    type Group = (String, Vec<(String, Option<bool>)>);
    let mut groups: Vec<Group> = Vec::new();
    for m in &r.metrics {
        let (s, side) = stem(&m.key);
        match groups.iter_mut().find(|(g, _)| g == s) {
            Some((_, keys)) => keys.push((m.key.clone(), side)),
            None => groups.push((s.to_string(), vec![(m.key.clone(), side)])),
        }
    }
    let mut out = Vec::new();
    for (title, keys) in groups {
        let mut series = Vec::new();
        let mut best = None;
        let mut sampled = false;
        let judged = keys
            .iter()
            .position(|(_, side)| *side == Some(true))
            .or((keys.len() == 1).then_some(0));
        let max = if zoom.is_some() {
            ZOOM_POINTS
        } else {
            CURVE_POINTS
        };
        for (i, (key, _)) in keys.iter().enumerate() {
            let points = store.get_metric_history_bulk_interval(&BulkIntervalQuery {
                run_ids: vec![r.info.run_id.clone()],
                metric_key: key.clone(),
                start_step: zoom.map(|z| z.0),
                end_step: zoom.map(|z| z.1),
                max_results: max,
            })?;
            // As many points as asked for: the history may have had more.
            sampled |= points.len() as i64 >= max;
            let x: Vec<f64> = points.iter().map(|p| p.metric.step as f64).collect();
            let y: Vec<f64> = points.iter().map(|p| p.metric.value).collect();
            if Some(i) == judged
                && let Some(dir) = verdict_core::curves::direction_from_name(key)
            {
                let lowest = dir == verdict_core::metrics::Direction::Lower;
                best = store
                    .best_metric_point(&r.info.run_id, key, lowest)?
                    .filter(|p| zoom.is_none_or(|(a, b)| (a..=b).contains(&p.step)))
                    .map(|p| (p.step as f64, p.value));
            }
            series.push((key.clone(), x, y));
        }
        out.push(History {
            title,
            series,
            best,
            sampled,
        });
    }
    Ok(out)
}

/// The evaluations stored in a run (docs/ledger.md: tags `verdict.eval.NAME.*`, metrics
/// `NAME/<metric>` with `_ci_low` / `_ci_high`).
fn evaluations(r: &Run) -> Vec<EvaluationSummary> {
    crate::ledger::eval_names(r)
        .into_iter()
        .filter_map(|name| crate::ledger::eval_info(r, &name))
        .map(|info| {
            let prefix = format!("{}/", info.name);
            let value = |k: &str| r.metrics.iter().find(|m| m.key == k).map(|m| m.value);
            let metrics = r
                .metrics
                .iter()
                .filter_map(|m| {
                    let metric = m.key.strip_prefix(&prefix)?;
                    if metric.ends_with("_ci_low") || metric.ends_with("_ci_high") {
                        return None;
                    }
                    let ci = value(&format!("{}_ci_low", m.key))
                        .zip(value(&format!("{}_ci_high", m.key)));
                    Some((metric.to_string(), m.value, ci))
                })
                .collect();
            EvaluationSummary {
                name: info.name,
                fingerprint: info.fingerprint,
                rows: info.rows,
                source: info.source,
                metrics,
            }
        })
        .collect()
}

/// One run's page. The metrics of its stored evaluations are shown with them, not as curves;
/// its findings are `verdict check --run` with the default thresholds (`artifacts`: the root of
/// `mlflow-artifacts:/` runs), or the reason that check could not run. `zoom` (an inclusive
/// step range) draws the curves from the points within it (every point of the range up to
/// [`ZOOM_POINTS`]; without a zoom, [`CURVE_POINTS`] sampled per key, the best of every point marked).
pub fn run(
    store: &Store,
    run_id: &str,
    artifacts: &std::path::Path,
    zoom: Option<(i64, i64)>,
) -> verdict_store::Result<RunPage> {
    let mut r = store.get_run(run_id)?;
    let check = crate::check::check_run(
        Some(store),
        &default_check(crate::check::Curves::Run {
            run_id: run_id.to_string(),
            artifacts: artifacts.to_path_buf(),
        }),
    )
    .map_err(|e| e.to_string());
    let decisions = store
        .rule_decisions(run_id)?
        .into_iter()
        .map(|d| (d.step, d.action, d.rule, d.reason))
        .collect();
    let experiment = store.get_experiment(&r.info.experiment_id)?;
    let evaluations = evaluations(&r);
    r.metrics.retain(|m| {
        !evaluations
            .iter()
            .any(|e| m.key.starts_with(&format!("{}/", e.name)))
    });
    let artifact_listing =
        artifact_repo(&r, artifacts).and_then(|(repo, base)| listing(&repo, &base, ""));
    Ok(RunPage {
        check,
        decisions,
        evaluations,
        histories: histories(store, &r, zoom)?,
        zoom,
        artifacts: artifact_listing,
        row: row(&r, &[]),
        experiment: (experiment.experiment_id, experiment.name),
        params: r
            .params
            .iter()
            .map(|p| (p.key.clone(), p.value.clone()))
            .collect(),
        metrics: r.metrics.iter().map(|m| (m.key.clone(), m.value)).collect(),
        tags: r
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
    })
}

/// Bytes of a file read for its preview: text and JSON beyond this are cut (and say so); a
/// CSV shows its first [`CSV_PREVIEW_ROWS`] rows of what fits.
pub const PREVIEW_BYTES: usize = 256 * 1024;

/// Rows of a CSV (or TSV) preview, after its header.
pub const CSV_PREVIEW_ROWS: usize = 20;

/// The run's artifact repository and its directory in it (`verdict_app::ledger::run_artifacts`),
/// or why it cannot be read.
fn artifact_repo(
    r: &Run,
    root: &std::path::Path,
) -> Result<(verdict_store::artifacts::ArtifactRepo, String), String> {
    crate::ledger::run_artifacts(&r.info.artifact_uri, root).map_err(|e| e.to_string())
}

/// The `/get-artifact?run_id=…&path=` prefix of a run's downloads, when this server serves
/// its artifacts (an `mlflow-artifacts:` URI); a `file://` run's files are listed but not served.
fn download_base(r: &Run) -> Option<String> {
    r.info
        .artifact_uri
        .starts_with("mlflow-artifacts:")
        .then(|| {
            format!(
                "/get-artifact?run_id={}&path=",
                verdict_report::ui::percent(&r.info.run_id)
            )
        })
}

/// The entries of the run's artifact directory `dir` (relative to the run's root), directories
/// first, then files, each by name.
fn listing(
    repo: &verdict_store::artifacts::ArtifactRepo,
    base: &str,
    dir: &str,
) -> Result<Vec<ArtifactEntry>, String> {
    let mut entries: Vec<ArtifactEntry> = repo
        .list(&crate::ledger::join(base, dir))
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|f| ArtifactEntry {
            path: crate::ledger::join(dir, &f.path),
            name: f.path,
            is_dir: f.is_dir,
            size: f.file_size,
        })
        .collect();
    entries.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.cmp(&b.name)));
    Ok(entries)
}

/// How a file is previewed, by the extension of its name (case-insensitive): images (and SVG,
/// which the page shows through `<img>`, where it can run no script) as images, `.json` pretty
/// printed, `.csv`/`.tsv` as a table of their head, anything else as text when its first
/// [`PREVIEW_BYTES`] are UTF-8 without NUL bytes (an HTML file shows as its source), else not at
/// all.
fn preview(name: &str, head: &[u8], cut: bool) -> Preview {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(
        ext.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "bmp" | "svg"
    ) {
        return Preview::Image;
    }
    // A cut may split the last character: the text ends before it.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if cut && e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return Preview::Binary,
    };
    if text.contains('\0') {
        return Preview::Binary;
    }
    if ext == "json"
        && !cut
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
    {
        return Preview::Text {
            text: serde_json::to_string_pretty(&v).unwrap_or_else(|_| text.to_string()),
            cut,
        };
    }
    if ext == "csv" || ext == "tsv" {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if ext == "tsv" { b'\t' } else { b',' })
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut more = false;
        for rec in reader.records() {
            let Ok(rec) = rec else { break };
            if rows.len() > CSV_PREVIEW_ROWS {
                more = true;
                break;
            }
            rows.push(rec.iter().map(str::to_string).collect());
        }
        if !rows.is_empty() {
            let header = rows.remove(0);
            return Preview::Table {
                header,
                rows,
                more: more || cut,
            };
        }
    }
    Preview::Text {
        text: text.to_string(),
        cut,
    }
}

/// The artifacts page of a run: the directory `path` (relative to the run's artifact root;
/// empty: the root) listed, or the file `path` previewed with its download link (images,
/// SVG included, through `<img>`; `.json` pretty printed; `.csv`/`.tsv` as a table of their first
/// [`CSV_PREVIEW_ROWS`] rows; other UTF-8 text as text, HTML as its source; each from at most
/// [`PREVIEW_BYTES`]).
///
/// # Errors
/// The run does not exist (404); `path` is refused by the repository (`..`, absolute; 400) or
/// names nothing (404).
pub fn artifacts(
    store: &Store,
    run_id: &str,
    path: &str,
    root: &std::path::Path,
) -> verdict_store::Result<ArtifactsPage> {
    let r = store.get_run(run_id)?;
    let experiment = store.get_experiment(&r.info.experiment_id)?;
    let path = path.trim_matches('/').to_string();
    let mut page = ArtifactsPage {
        run_id: r.info.run_id.clone(),
        run_name: r.info.run_name.clone(),
        experiment: (experiment.experiment_id, experiment.name),
        path: path.clone(),
        listing: Ok(Vec::new()),
        file: None,
    };
    let (repo, base) = match artifact_repo(&r, root) {
        Ok(x) => x,
        Err(why) => {
            page.listing = Err(why);
            return Ok(page);
        }
    };
    let full = crate::ledger::join(&base, &path);
    let resolved = repo.resolve(&full)?;
    if resolved.is_dir() || path.is_empty() {
        page.listing = listing(&repo, &base, &path);
        return Ok(page);
    }
    let mut file = match repo.open_file(&full) {
        Ok(f) => f,
        Err(e) if e.kind() == verdict_store::ErrorKind::ResourceDoesNotExist => {
            return Err(verdict_store::Error::not_found(format!(
                "No such artifact: '{path}'"
            )));
        }
        Err(e) => return Err(e),
    };
    let size = file.metadata().ok().map(|m| m.len());
    let mut head = Vec::new();
    use std::io::Read as _;
    let read = (&mut file)
        .take(PREVIEW_BYTES as u64 + 1)
        .read_to_end(&mut head);
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    let preview = match read {
        Ok(_) => {
            let cut = head.len() > PREVIEW_BYTES;
            head.truncate(PREVIEW_BYTES);
            preview(&name, &head, cut)
        }
        Err(e) => Preview::Unreadable(e.to_string()),
    };
    page.file = Some(ArtifactFile {
        name,
        size,
        download: download_base(&r).map(|b| b + &verdict_report::ui::percent(&path)),
        preview,
    });
    Ok(page)
}

/// Most runs a compare page shows.
pub const MAX_COMPARED_RUNS: usize = 10;

/// The options of the compare page's paired tests: `verdict runs compare`'s defaults (1,000
/// paired bootstrap replicates, seed 0, 95 % intervals, threshold 0.5, α = 0.05, power 0.8, no
/// permutation test), so the page shows the numbers the command prints.
pub fn compare_defaults() -> crate::compare::CompareOptions {
    crate::compare::CompareOptions {
        eval: crate::eval::default_config(),
        metric: None,
        baseline: None,
        alpha: 0.05,
        power: 0.8,
        permutations: 0,
    }
}

/// The compare page of 2 to [`MAX_COMPARED_RUNS`] runs: each metric's curves overlaid (one
/// series per run, downsampled as on a run's page), the params whose values differ, the latest
/// metrics, and — for the evaluation `eval` (empty: `test` when every run has one, else the
/// first name every run has) — the paired tests of `verdict runs compare` on the runs' stored
/// predictions ([`compare_defaults`]), or why there are none: the runs' evaluations were made on
/// different eval sets (refused, naming each), or kept no predictions. With fewer than two runs
/// the page offers the runs of `experiment` (else the given run's) to pick from.
///
/// # Errors
/// More than [`MAX_COMPARED_RUNS`] runs (400); a run or experiment that does not exist (404).
pub fn compare(
    store: &Store,
    run_ids: &[String],
    experiment: &str,
    eval: &str,
    artifacts: &std::path::Path,
) -> verdict_store::Result<ComparePage> {
    let mut ids: Vec<&str> = Vec::new();
    for id in run_ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_COMPARED_RUNS {
        return Err(verdict_store::Error::invalid(format!(
            "compare shows at most {MAX_COMPARED_RUNS} runs; {} were given",
            ids.len()
        )));
    }
    let runs = ids
        .iter()
        .map(|id| store.get_run(id))
        .collect::<verdict_store::Result<Vec<Run>>>()?;
    let experiment_id = if experiment.trim().is_empty() {
        runs.first().map(|r| r.info.experiment_id.clone())
    } else {
        Some(experiment.trim().to_string())
    };
    let experiment = experiment_id
        .map(|id| store.get_experiment(&id))
        .transpose()?;
    let mut page = ComparePage {
        runs: runs.iter().map(|r| row(r, &[])).collect(),
        experiment: experiment
            .as_ref()
            .map(|e| (e.experiment_id.clone(), e.name.clone())),
        choices: Vec::new(),
        plots: Vec::new(),
        params: Vec::new(),
        metrics: Vec::new(),
        evals: Vec::new(),
        eval: None,
        outcome: CompareOutcome::NoEvaluation,
    };
    if runs.len() < 2 {
        if let Some(e) = &experiment {
            page.choices = store
                .search_runs(&RunQuery {
                    experiment_ids: vec![e.experiment_id.clone()],
                    filter: String::new(),
                    order_by: Vec::new(),
                    max_results: RUNS_PER_PAGE,
                    page_token: None,
                    view: ViewType::ActiveOnly,
                })?
                .items
                .iter()
                .map(|r| row(r, &[]))
                .collect();
        }
        return Ok(page);
    }
    // The evaluation names every run has; their metrics are shown with the tests, not as curves.
    let names: Vec<Vec<String>> = runs.iter().map(crate::ledger::eval_names).collect();
    let is_eval_key =
        |r: usize, key: &str| names[r].iter().any(|n| key.starts_with(&format!("{n}/")));
    page.evals = names[0]
        .iter()
        .filter(|n| names.iter().all(|ns| ns.contains(n)))
        .cloned()
        .collect();
    page.evals.sort();
    // Params whose values are not all the same (a missing param differs from any value).
    let mut keys: Vec<&str> = runs
        .iter()
        .flat_map(|r| r.params.iter().map(|p| p.key.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for k in keys {
        let values: Vec<Option<String>> = runs
            .iter()
            .map(|r| {
                r.params
                    .iter()
                    .find(|p| p.key == k)
                    .map(|p| p.value.clone())
            })
            .collect();
        if values.iter().any(|v| *v != values[0]) {
            page.params.push((k.to_string(), values));
        }
    }
    let mut metric_keys: Vec<&str> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.metrics
                .iter()
                .map(|m| m.key.as_str())
                .filter(move |k| !is_eval_key(i, k))
        })
        .collect();
    metric_keys.sort_unstable();
    metric_keys.dedup();
    let run_names: Vec<String> = page
        .runs
        .iter()
        .map(|r| {
            if r.name.is_empty() {
                r.id.clone()
            } else {
                r.name.clone()
            }
        })
        .collect();
    for key in &metric_keys {
        page.metrics.push((
            key.to_string(),
            runs.iter()
                .map(|r| r.metrics.iter().find(|m| m.key == *key).map(|m| m.value))
                .collect(),
        ));
        let points = store.get_metric_history_bulk_interval(&BulkIntervalQuery {
            run_ids: runs.iter().map(|r| r.info.run_id.clone()).collect(),
            metric_key: key.to_string(),
            start_step: None,
            end_step: None,
            max_results: CURVE_POINTS,
        })?;
        let mut sampled = false;
        let series = runs
            .iter()
            .zip(&run_names)
            .map(|(r, name)| {
                let mine: Vec<_> = points
                    .iter()
                    .filter(|p| p.run_id == r.info.run_id)
                    .collect();
                sampled |= mine.len() as i64 >= CURVE_POINTS;
                (
                    name.clone(),
                    mine.iter().map(|p| p.metric.step as f64).collect(),
                    mine.iter().map(|p| p.metric.value).collect(),
                )
            })
            .collect();
        page.plots.push(History {
            title: key.to_string(),
            series,
            best: None,
            sampled,
        });
    }
    let chosen = if eval.trim().is_empty() {
        page.evals
            .iter()
            .find(|n| *n == "test")
            .or(page.evals.first())
            .cloned()
    } else {
        Some(eval.trim().to_string())
    };
    let Some(name) = chosen else {
        return Ok(page);
    };
    page.eval = Some(name.clone());
    let ids: Vec<&str> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
    page.outcome = match crate::ledger::stored_evaluations(store, &ids, &name) {
        Err(e) => CompareOutcome::Refused(e.to_string()),
        Ok(sides) => match crate::ledger::compare_runs(
            &sides,
            artifacts,
            &compare_defaults(),
            &crate::NoProgress,
        ) {
            Ok(rep) => CompareOutcome::Compared(Box::new(rep)),
            Err(e) => CompareOutcome::Failed(e.to_string()),
        },
    };
    Ok(page)
}

/// The model registry page: every registered model whose name contains `search`
/// (case-insensitive; empty: all), by name, with its newest version and its aliases.
pub fn models(store: &Store, search: &str) -> verdict_store::Result<ModelsPage> {
    let needle = search.trim().to_lowercase();
    let mut rows = Vec::new();
    let mut token = None;
    loop {
        let page = store.search_registered_models(&RegistryQuery {
            filter: String::new(),
            order_by: vec!["name ASC".into()],
            max_results: 1000,
            page_token: token,
        })?;
        for m in page.items {
            if !needle.is_empty() && !m.name.to_lowercase().contains(&needle) {
                continue;
            }
            rows.push(ModelRow {
                latest: m.latest_versions.iter().map(|v| v.version).max(),
                aliases: m.aliases.clone(),
                updated: m.last_updated_timestamp,
                description: m.description.clone().unwrap_or_default(),
                name: m.name,
            });
        }
        token = page.next_page_token;
        if token.is_none() {
            break;
        }
    }
    Ok(ModelsPage {
        search: search.to_string(),
        rows,
    })
}

/// Every version of the registered model `name`, newest first: one filtered search when the
/// name can be quoted in the filter grammar (it lacks `'` or `"`), else all versions searched
/// and kept by name.
fn versions(store: &Store, name: &str) -> verdict_store::Result<Vec<ModelVersion>> {
    let filter = if !name.contains('\'') {
        format!("name = '{name}'")
    } else if !name.contains('"') {
        format!("name = \"{name}\"")
    } else {
        String::new()
    };
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = store.search_model_versions(&RegistryQuery {
            filter: filter.clone(),
            order_by: vec!["version_number DESC".into()],
            max_results: 10000,
            page_token: token,
        })?;
        out.extend(page.items.into_iter().filter(|v| v.name == name));
        token = page.next_page_token;
        if token.is_none() {
            break;
        }
    }
    out.sort_by_key(|v| std::cmp::Reverse(v.version));
    Ok(out)
}

/// One registered model's page: its description, tags and aliases, and every version (newest
/// first) with its aliases, stage, status, source and run.
///
/// # Errors
/// The model does not exist (404).
pub fn model(store: &Store, name: &str) -> verdict_store::Result<ModelPage> {
    let m = store.get_registered_model(name)?;
    let versions = versions(store, &m.name)?
        .into_iter()
        .map(|v| VersionRow {
            aliases: m
                .aliases
                .iter()
                .filter(|(_, n)| *n == v.version)
                .map(|(a, _)| a.clone())
                .collect(),
            version: v.version,
            stage: v.current_stage,
            status: v.status,
            source: v.source,
            run_id: v.run_id.filter(|r| !r.is_empty()),
            created: v.creation_timestamp,
            description: v.description.unwrap_or_default(),
        })
        .collect();
    Ok(ModelPage {
        description: m.description.unwrap_or_default(),
        tags: m
            .tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
        aliases: m.aliases,
        updated: m.last_updated_timestamp,
        name: m.name,
        versions,
    })
}

/// A run as a row, with the values of `columns` (`metrics.` as four decimals, `params.` and
/// `tags.` as stored; anything else has no value).
fn row(r: &Run, columns: &[String]) -> RunRow {
    let tag = |k: &str| r.tags.iter().find(|t| t.key == k).map(|t| t.value.clone());
    let values = columns
        .iter()
        .map(|c| {
            if let Some(k) = c.strip_prefix("metrics.") {
                r.metrics
                    .iter()
                    .find(|m| m.key == k)
                    .map(|m| fmt_value(m.value))
            } else if let Some(k) = c.strip_prefix("params.") {
                r.params
                    .iter()
                    .find(|p| p.key == k)
                    .map(|p| p.value.clone())
            } else if let Some(k) = c.strip_prefix("tags.") {
                tag(k)
            } else {
                None
            }
        })
        .collect();
    RunRow {
        id: r.info.run_id.clone(),
        name: r.info.run_name.clone(),
        status: r.info.status.as_str().to_string(),
        start: r.info.start_time,
        end: r.info.end_time,
        user: r.info.user_id.clone(),
        decision: tag("verdict.decision"),
        values,
        findings: None,
    }
}

/// The experiment report page: `verdict check --experiment` with the command's defaults (the
/// evaluation `eval_name`, default `eval`; McNemar and DeLong, no bootstrap; α = 0.05; the default
/// thresholds), so the page shows the numbers the command prints.
///
/// # Errors
/// An unknown experiment or metric; a store or artifact failure.
pub fn experiment_report(
    store: &Store,
    experiment_id: &str,
    eval_name: &str,
    metric: Option<String>,
    artifacts: &std::path::Path,
) -> crate::Result<verdict_report::check::ExperimentReport> {
    let spec = crate::check::ExperimentCheckSpec {
        experiment: experiment_id.to_string(),
        eval_name: if eval_name.is_empty() {
            "eval".into()
        } else {
            eval_name.into()
        },
        artifacts: artifacts.to_path_buf(),
        // `check_experiment` checks every run of the experiment: the curves named here are ignored.
        run: default_check(crate::check::Curves::File(Default::default())),
        compare: crate::compare::CompareOptions {
            eval: verdict_core::eval::EvalConfig {
                bootstrap: 0,
                seed: 0,
                ..crate::eval::point_config()
            },
            metric,
            baseline: None,
            alpha: 0.05,
            power: 0.8,
            permutations: 0,
        },
    };
    crate::check::check_experiment(store, &spec, &crate::NoProgress)
}

/// `verdict check` with every setting at the command's default (the validation and training
/// curves found by name, their direction from the name, the default thresholds) on `curves`.
fn default_check(curves: crate::check::Curves) -> crate::check::RunCheckSpec {
    crate::check::RunCheckSpec {
        curves,
        val_metric: None,
        train_metric: None,
        mode: None,
        pairs: Vec::new(),
        rules: crate::check::CheckRules::default(),
    }
}
