//! `verdict._native`: the Python package's native module, a thin adapter over `verdict-app`.
//!
//! Why so thin: the numbers, intervals, findings and messages of `import verdict` must be the
//! command line's, so nothing here computes. Each function takes arrays and settings the pure-Python
//! layer (`python/verdict/__init__.py`) has already shaped, builds the same in-memory inputs a file
//! would give (`verdict_io::Table`, `verdict_io::EmbeddingMatrix`), hands them to `verdict-app`
//! with the GIL released, and returns a `Report` that renders exactly as the CLI does (JSON,
//! HTML, Markdown, text) — the Python layer parses the JSON into its objects.
//!
//! Conventions the Python layer relies on:
//! * a column is a 1-D NumPy array of `float64`, `int64` or `bool` (read in place when
//!   contiguous, then copied once into the core's owned column), or a list of `str | None`
//!   (`None` is a null cell);
//! * errors: a [`verdict_app::Error`] becomes `ValueError` with its whole chain on one line
//!   (`context: cause: cause`), as the CLI prints it; a wrong Python type is a `TypeError` naming
//!   the argument.

use numpy::{PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::path::{Path, PathBuf};
use verdict_app::eval::{ClassGrouping, EvalSpec, Evaluation, Settings};
use verdict_app::input::Source;
use verdict_io::{Column, ColumnNames, Format, Locator, PredictionOptions, Table, Values};
use verdict_report::Lang;
use verdict_report::compare::CompareReport;
use verdict_report::ensemble::EnsembleReport;
use verdict_report::retrieval::RetrievalReport;

mod monitor;

/// Named columns, in the order given.
type Columns<'py> = Vec<(String, Bound<'py, PyAny>)>;
/// Named models (or members), each with its columns.
type Models<'py> = Vec<(String, Columns<'py>)>;

/// One line: the error and every cause under it, `: `-separated (anyhow's `{:#}`).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

fn value_error(e: verdict_app::Error) -> PyErr {
    PyValueError::new_err(chain(&e))
}

fn lang(code: &str) -> PyResult<Lang> {
    Lang::parse(code).ok_or_else(|| {
        PyValueError::new_err(format!("lang must be \"en\" or \"ko\", got {code:?}"))
    })
}

/// A setting's name as a Python keyword argument: `target_recall` → `target_recall=`.
fn keyword(setting: &str) -> String {
    format!("{setting}=")
}

/// One column from an array the Python layer shaped (module docs).
fn column(name: String, obj: &Bound<'_, PyAny>) -> PyResult<Column> {
    fn values<T: numpy::Element + Copy>(a: &PyReadonlyArray1<'_, T>) -> Vec<T> {
        match a.as_slice() {
            Ok(s) => s.to_vec(),
            Err(_) => a.as_array().iter().copied().collect(),
        }
    }
    let (values, nulls) = if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, f64>>() {
        (Values::F64(values(&a)), None)
    } else if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, i64>>() {
        (Values::I64(values(&a)), None)
    } else if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, bool>>() {
        (Values::Bool(values(&a)), None)
    } else if let Ok(list) = obj.cast::<PyList>() {
        let mut text = Vec::with_capacity(list.len());
        let mut nulls = vec![false; list.len()];
        for (i, item) in list.iter().enumerate() {
            if item.is_none() {
                nulls[i] = true;
                text.push(String::new());
            } else {
                text.push(item.extract::<String>().map_err(|_| {
                    PyTypeError::new_err(format!("{name}: row {i}: expected a str or None"))
                })?);
            }
        }
        let nulls = nulls.iter().any(|&n| n).then_some(nulls);
        (Values::Str(text), nulls)
    } else {
        return Err(PyTypeError::new_err(format!(
            "{name}: expected a 1-D float64, int64 or bool array or a list of str"
        )));
    };
    Ok(Column {
        name,
        values,
        nulls,
        raw: None,
    })
}

/// The columns as a table named `name`, its rows located as `row N` (0-based).
fn table(name: &str, columns: Columns<'_>) -> PyResult<Table> {
    let columns = columns
        .into_iter()
        .map(|(n, o)| column(n, &o))
        .collect::<PyResult<Vec<Column>>>()?;
    let n_rows = columns.first().map_or(0, Column::len);
    if let Some(c) = columns.iter().find(|c| c.len() != n_rows) {
        return Err(PyValueError::new_err(format!(
            "{}: {} has {} rows, {} has {n_rows}",
            name,
            c.name,
            c.len(),
            columns[0].name
        )));
    }
    Ok(Table {
        path: PathBuf::from(name),
        format: Format::Parquet,
        n_rows,
        all_columns: columns.iter().map(|c| c.name.clone()).collect(),
        columns,
        locator: Locator::Rows,
    })
}

/// The column names the Python layer gives its arguments (`y_true`, `y_score`, …), so a message
/// names the argument: `<arrays>: row 3: column "y_score": expected a finite number, found nan`.
fn prediction_options(positive: Option<String>, normalize: bool) -> PredictionOptions {
    PredictionOptions {
        columns: ColumnNames {
            label: "y_true".into(),
            score: "y_score".into(),
            pred: "y_pred".into(),
            id: "ids".into(),
            group: "groups".into(),
            prob_prefix: "y_prob:".into(),
            logit_prefix: "y_logit:".into(),
        },
        task: None,
        positive,
        normalize,
        keep: Vec::new(),
    }
}

/// The evaluation settings as keyword arguments (`verdict.evaluate`'s), checked by the app.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct PySettings {
    threshold: f64,
    bootstrap: usize,
    seed: u64,
    ci: f64,
    calibration_bins: usize,
    calibration_strategy: String,
    curve_points: usize,
    target_recall: Option<f64>,
    target_precision: Option<f64>,
}

impl PySettings {
    fn config(&self) -> PyResult<verdict_core::eval::EvalConfig> {
        use verdict_core::calibration::Binning;
        let binning = match self.calibration_strategy.as_str() {
            "uniform" => Binning::Uniform,
            "quantile" => Binning::Quantile,
            other => {
                return Err(PyValueError::new_err(format!(
                    "calibration_strategy must be \"uniform\" or \"quantile\", got {other:?}"
                )));
            }
        };
        Settings {
            threshold: self.threshold,
            bootstrap: self.bootstrap,
            seed: self.seed,
            ci: self.ci,
            calibration_bins: self.calibration_bins,
            calibration_binning: binning,
            curve_points: self.curve_points,
            target_recall: self.target_recall,
            target_precision: self.target_precision,
        }
        .config(&keyword)
        .map_err(value_error)
    }
}

/// What a native call returns: one report, rendered on demand exactly as the CLI renders it.
enum Kind {
    Eval(Box<Evaluation>),
    Compare(Box<CompareReport>),
    Retrieval(Box<RetrievalReport>),
    Ensemble(Box<EnsembleReport>),
}

/// A report of `evaluate`, `compare`, `retrieval` or `ensemble`.
#[pyclass(frozen, module = "verdict._native")]
struct Report {
    kind: Kind,
}

#[pymethods]
impl Report {
    /// The JSON document, byte for byte what the CLI's `--format json` prints.
    fn json(&self) -> String {
        match &self.kind {
            Kind::Eval(e) => verdict_report::json::render(&e.report),
            Kind::Compare(r) => verdict_report::compare::json(r),
            Kind::Retrieval(r) => verdict_report::retrieval::json(r),
            Kind::Ensemble(r) => verdict_report::ensemble::json(r),
        }
    }

    /// The self-contained HTML report (`--format html`).
    fn html(&self, lang: &str) -> PyResult<String> {
        let l = self::lang(lang)?;
        Ok(match &self.kind {
            Kind::Eval(e) => verdict_report::markdown::html(&e.report, l),
            Kind::Compare(r) => verdict_report::compare::html(r, l),
            Kind::Retrieval(r) => verdict_report::retrieval::html(r, l),
            Kind::Ensemble(r) => verdict_report::ensemble::html(r, l),
        })
    }

    /// The notebook fragment (`_repr_html_`).
    fn fragment(&self, lang: &str) -> PyResult<String> {
        let l = self::lang(lang)?;
        Ok(match &self.kind {
            Kind::Eval(e) => verdict_report::markdown::html_fragment(&e.report, l),
            Kind::Compare(r) => verdict_report::compare::html_fragment(r, l),
            Kind::Retrieval(r) => verdict_report::retrieval::html_fragment(r, l),
            Kind::Ensemble(r) => verdict_report::ensemble::html_fragment(r, l),
        })
    }

    /// The Markdown report (`--format md`).
    fn markdown(&self, lang: &str) -> PyResult<String> {
        let l = self::lang(lang)?;
        Ok(match &self.kind {
            Kind::Eval(e) => verdict_report::markdown::render(&e.report, l),
            Kind::Compare(r) => {
                verdict_report::compare::markdown(r, l, &verdict_report::compare::plots(r, l))
            }
            Kind::Retrieval(r) => verdict_report::retrieval::render(r, l, true, false),
            Kind::Ensemble(r) => {
                verdict_report::ensemble::markdown(r, l, &verdict_report::ensemble::plots(r, l))
            }
        })
    }

    /// The terminal report without colour (`--format text`).
    fn text(&self, lang: &str) -> PyResult<String> {
        let l = self::lang(lang)?;
        Ok(match &self.kind {
            Kind::Eval(e) => verdict_report::text::render(&e.report, l, false),
            Kind::Compare(r) => verdict_report::compare::text(r, l, false),
            Kind::Retrieval(r) => verdict_report::retrieval::render(r, l, false, false),
            Kind::Ensemble(r) => verdict_report::ensemble::text(r, l, false),
        })
    }

    /// True when the evaluation kept its predictions (for `Ledger.log_evaluation`).
    fn has_predictions(&self) -> bool {
        matches!(&self.kind, Kind::Eval(e) if e.predictions.is_some())
    }
}

/// The evaluation settings' defaults (`verdict_app::eval::Settings::default()`, the CLI's), which
/// the Python signatures restate for editors and a test holds them to.
#[pyfunction]
fn defaults(py: Python<'_>) -> PyResult<Bound<'_, pyo3::types::PyDict>> {
    let d = Settings::default();
    let out = pyo3::types::PyDict::new(py);
    out.set_item("threshold", d.threshold)?;
    out.set_item("bootstrap", d.bootstrap)?;
    out.set_item("seed", d.seed)?;
    out.set_item("ci", d.ci)?;
    out.set_item("calibration_bins", d.calibration_bins)?;
    out.set_item("curve_points", d.curve_points)?;
    Ok(out)
}

/// Builds the table `evaluate` would build from `columns` and returns its row count: the
/// conversion alone (NumPy → the core's owned columns), which `bench/python_eval.py` times to
/// report the package's overhead over the core.
#[pyfunction]
fn convert_only(py: Python<'_>, columns: Columns<'_>) -> PyResult<usize> {
    let t = table("<arrays>", columns)?;
    Ok(py.detach(move || t.n_rows))
}

/// `verdict.evaluate`: one model's predictions, as `verdict eval` evaluates a file.
#[pyfunction]
#[pyo3(signature = (columns, settings, *, name, positive=None, normalize=false, group_classes=Vec::new(), by=None, keep_predictions=false))]
#[allow(clippy::too_many_arguments)]
fn evaluate(
    py: Python<'_>,
    columns: Columns<'_>,
    settings: PySettings,
    name: String,
    positive: Option<String>,
    normalize: bool,
    group_classes: Vec<(String, Vec<String>)>,
    by: Option<String>,
    keep_predictions: bool,
) -> PyResult<Report> {
    let table = table(&name, columns)?;
    let spec = EvalSpec {
        file: PathBuf::from(&name),
        read: Default::default(),
        predictions: prediction_options(positive, normalize),
        config: settings.config()?,
        groupings: group_classes
            .into_iter()
            .map(|(name, members)| ClassGrouping { name, members })
            .collect(),
        by,
        keep_predictions,
    };
    let e = py
        .detach(|| verdict_app::eval::evaluate_table(&table, &spec, &verdict_app::NoProgress))
        .map_err(value_error)?;
    Ok(Report {
        kind: Kind::Eval(Box::new(e)),
    })
}

/// The models as sources: one table per `(name, columns)`.
fn sources(models: Models<'_>) -> PyResult<Vec<Source>> {
    models
        .into_iter()
        .map(|(name, cols)| Ok(Source::Table(Box::new(table(&name, cols)?))))
        .collect()
}

/// `verdict.compare`: several models on one eval set, as `verdict compare` compares files.
#[pyfunction]
#[pyo3(signature = (models, settings, *, positive=None, normalize=false, metric=None, baseline=None, alpha=0.05, power=0.8, permutations=0))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    models: Models<'_>,
    settings: PySettings,
    positive: Option<String>,
    normalize: bool,
    metric: Option<String>,
    baseline: Option<String>,
    alpha: f64,
    power: f64,
    permutations: usize,
) -> PyResult<Report> {
    let spec = verdict_app::compare::CompareSpec {
        files: sources(models)?,
        val: Vec::new(),
        read: Default::default(),
        predictions: prediction_options(positive, normalize),
        options: verdict_app::compare::CompareOptions {
            eval: settings.config()?,
            metric,
            baseline,
            alpha,
            power,
            permutations,
        },
    };
    let r = py
        .detach(|| verdict_app::compare::compare(&spec, &verdict_app::NoProgress))
        .map_err(value_error)?;
    Ok(Report {
        kind: Kind::Compare(Box::new(r)),
    })
}

/// An embedding matrix from a 2-D float array (`float32` or `float64`, checked finite).
fn matrix(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<verdict_io::EmbeddingMatrix> {
    fn of<T: numpy::Element + Copy + Into<f64>>(
        name: &str,
        a: &PyReadonlyArray2<'_, T>,
        dtype: &'static str,
    ) -> PyResult<verdict_io::EmbeddingMatrix> {
        let (rows, dim) = (a.shape()[0], a.shape()[1]);
        let owned;
        let values = match a.as_slice() {
            Ok(s) => s,
            Err(_) => {
                owned = a.as_array().iter().copied().collect::<Vec<T>>();
                &owned
            }
        };
        verdict_io::EmbeddingMatrix::from_values(PathBuf::from(name), rows, dim, values, dtype)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
    if let Ok(a) = obj.extract::<PyReadonlyArray2<'_, f32>>() {
        of(name, &a, "float32")
    } else if let Ok(a) = obj.extract::<PyReadonlyArray2<'_, f64>>() {
        of(name, &a, "float64")
    } else {
        Err(PyTypeError::new_err(format!(
            "{name}: expected a 2-D float32 or float64 array"
        )))
    }
}

/// `verdict.retrieval`: embeddings and labels, as `verdict retrieval` evaluates files. `labels`
/// is the labels column, then optionally a subsets column; `gallery_labels` one column of the
/// same name as the labels'.
#[pyfunction]
#[pyo3(signature = (query, labels, *, gallery=None, gallery_labels=None, k, similarity, depth=None, no_relevant, bootstrap, seed, ci))]
#[allow(clippy::too_many_arguments)]
fn retrieval(
    py: Python<'_>,
    query: Bound<'_, PyAny>,
    labels: Columns<'_>,
    gallery: Option<Bound<'_, PyAny>>,
    gallery_labels: Option<Columns<'_>>,
    k: Vec<usize>,
    similarity: &str,
    depth: Option<usize>,
    no_relevant: &str,
    bootstrap: usize,
    seed: u64,
    ci: f64,
) -> PyResult<Report> {
    use verdict_core::knn::Similarity;
    use verdict_core::retrieval::NoRelevant;
    let similarity = match similarity {
        "cosine" => Similarity::Cosine,
        "dot" => Similarity::Dot,
        "l2" => Similarity::L2,
        other => {
            return Err(PyValueError::new_err(format!(
                "metric must be \"cosine\", \"dot\" or \"l2\", got {other:?}"
            )));
        }
    };
    let no_relevant = match no_relevant {
        "exclude" => NoRelevant::Exclude,
        "zero" => NoRelevant::Zero,
        other => {
            return Err(PyValueError::new_err(format!(
                "no_relevant must be \"exclude\" or \"zero\", got {other:?}"
            )));
        }
    };
    let gallery = match (gallery, gallery_labels) {
        (Some(g), Some(l)) => Some((matrix("gallery", &g)?, table("<arrays>", l)?)),
        (None, None) => None,
        _ => {
            return Err(PyValueError::new_err(
                "gallery and gallery_labels go together: give both or neither",
            ));
        }
    };
    let spec = verdict_app::retrieval::RetrievalSpec {
        input: verdict_app::retrieval::RetrievalInput::Arrays(Box::new(
            verdict_app::retrieval::ArraysInput {
                query: matrix("query", &query)?,
                subset_col: labels.get(1).map(|(name, _)| name.clone()),
                label_col: labels
                    .first()
                    .map_or_else(String::new, |(name, _)| name.clone()),
                query_labels: table("<arrays>", labels)?,
                gallery,
                similarity,
                depth,
            },
        )),
        k,
        no_relevant,
        bootstrap,
        seed,
        ci,
    };
    let (r, _) = py
        .detach(|| verdict_app::retrieval::evaluate(&spec, &verdict_app::NoProgress))
        .map_err(value_error)?;
    Ok(Report {
        kind: Kind::Retrieval(Box::new(r)),
    })
}

/// `verdict.ensemble`: members combined, weighed and taken apart, as `verdict ensemble` does.
#[pyfunction]
#[pyo3(signature = (members, val, settings, *, positive=None, normalize=false, voting, weights, optimize=None, rounds=50, select_metric, allow_test_fit=false, stability=200, stability_level=0.9, metric=None, alpha=0.05, label_review=None, in_sample=false))]
#[allow(clippy::too_many_arguments)]
fn ensemble(
    py: Python<'_>,
    members: Models<'_>,
    val: Models<'_>,
    settings: PySettings,
    positive: Option<String>,
    normalize: bool,
    voting: &str,
    weights: Vec<Vec<f64>>,
    optimize: Option<String>,
    rounds: usize,
    select_metric: &str,
    allow_test_fit: bool,
    stability: usize,
    stability_level: f64,
    metric: Option<String>,
    alpha: f64,
    label_review: Option<String>,
    in_sample: bool,
) -> PyResult<Report> {
    use verdict_app::ensemble::{EnsembleOptions, EnsembleSpec, Optimize, ReviewSource};
    use verdict_core::ensemble::SelectionMetric;
    use verdict_report::ensemble::Voting;
    let bad = |what: &str, allowed: &str, got: &str| {
        PyValueError::new_err(format!("{what} must be {allowed}, got {got:?}"))
    };
    let voting = match voting {
        "soft" => Voting::Soft,
        "hard" => Voting::Hard,
        "rank" => Voting::Rank,
        other => return Err(bad("voting", "\"soft\", \"hard\" or \"rank\"", other)),
    };
    let optimize = match optimize.as_deref() {
        None => None,
        Some("caruana") => Some(Optimize::Caruana),
        Some("logloss") => Some(Optimize::LogLoss),
        Some(other) => return Err(bad("optimize", "\"caruana\" or \"logloss\"", other)),
    };
    let select_metric = match select_metric {
        "log_loss" => SelectionMetric::LogLoss,
        "accuracy" => SelectionMetric::Accuracy,
        other => return Err(bad("select_metric", "\"log_loss\" or \"accuracy\"", other)),
    };
    let label_review = label_review.map(|s| match s.as_str() {
        "ensemble" => ReviewSource::Ensemble,
        _ => ReviewSource::Member(s),
    });
    let spec = EnsembleSpec {
        files: sources(members)?,
        val: sources(val)?,
        read: Default::default(),
        predictions: prediction_options(positive, normalize),
        options: EnsembleOptions {
            eval: settings.config()?,
            metric,
            alpha,
            voting,
            weights,
            optimize,
            rounds,
            select_metric,
            allow_test_fit,
            stability,
            stability_level,
            label_review,
            in_sample,
        },
    };
    let r = py
        .detach(|| verdict_app::ensemble::ensemble(&spec, &verdict_app::NoProgress))
        .map_err(value_error)?;
    Ok(Report {
        kind: Kind::Ensemble(Box::new(r)),
    })
}

/// `Ledger.log_evaluation`: stores an evaluation into a run of the ledger at `url`, as
/// `verdict eval --run` does; returns what was stored, as the CLI says it.
#[pyfunction]
#[pyo3(signature = (url, artifacts, run_id, report, *, name, source, step=0, lang="en"))]
#[allow(clippy::too_many_arguments)]
fn log_evaluation(
    py: Python<'_>,
    url: &str,
    artifacts: PathBuf,
    run_id: &str,
    report: &Report,
    name: &str,
    source: &str,
    step: i64,
    lang: &str,
) -> PyResult<(String, Option<String>)> {
    let Kind::Eval(evaluation) = &report.kind else {
        return Err(PyTypeError::new_err(
            "log_evaluation takes an Evaluation (the result of verdict.evaluate)",
        ));
    };
    let lang = self::lang(lang)?;
    let stored = py
        .detach(|| -> verdict_app::Result<_> {
            let store = verdict_app::ledger::open(url)?;
            let target = verdict_app::ledger::EvalTarget {
                run_id,
                name,
                artifacts: Path::new(&artifacts),
                source,
                step,
                lang,
            };
            verdict_app::ledger::store_evaluation(&store, &target, evaluation)
        })
        .map_err(value_error)?;
    Ok((stored.to_string(), stored.split_mismatch.clone()))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Report>()?;
    m.add_class::<monitor::Monitor>()?;
    m.add_function(wrap_pyfunction!(evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(retrieval, m)?)?;
    m.add_function(wrap_pyfunction!(ensemble, m)?)?;
    m.add_function(wrap_pyfunction!(log_evaluation, m)?)?;
    m.add_function(wrap_pyfunction!(convert_only, m)?)?;
    m.add_function(wrap_pyfunction!(defaults, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
