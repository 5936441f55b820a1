//! Reading an MLflow FileStore tree (docs/design/mlflow.md §2) into the store's import types.
//!
//! Every problem with one entity (a run dir without a usable `meta.yaml`, a metric line that does
//! not parse, a file that is not UTF-8) becomes a [`Skip`] naming the file (and line) and what was
//! expected; the rest of the tree is still read. Only a root that is not a FileStore at all is an
//! error.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use verdict_store::{
    Dataset, DatasetInput, Experiment, ImportLoggedModel, ImportModelMetric, ImportModelVersion,
    ImportRegisteredModel, ImportRun, LifecycleStage, LoggedModelStatus, Metric, ModelOutput,
    Param, RunInfo, RunStatus, Tag,
};

/// A run as the FileStore holds it: what `Store::import_run` takes, and the logged models the
/// run produced (`outputs/`).
#[derive(Clone, Debug)]
pub struct RunRecord {
    /// The run with its own ids and times.
    pub run: ImportRun,
    /// The logged models the run produced.
    pub model_outputs: Vec<ModelOutput>,
}

use crate::yaml::{self, Yaml};

/// Experiment sub-folders that are not runs (MLflow's `FileStore` reserved names).
pub const RESERVED_EXPERIMENT_FOLDERS: [&str; 4] = ["tags", "datasets", "traces", "models"];

/// Something left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// The file or directory left out.
    pub path: PathBuf,
    /// 1-based line, when the problem is on one line.
    pub line: Option<usize>,
    /// Why it was left out.
    pub reason: String,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path.display(), self.reason),
            None => write!(f, "{}: {}", self.path.display(), self.reason),
        }
    }
}

pub(crate) fn skip(path: &Path, line: Option<usize>, reason: impl Into<String>) -> Skip {
    Skip {
        path: path.to_owned(),
        line,
        reason: reason.into(),
    }
}

/// One experiment directory (under the root or under `.trash/`).
#[derive(Clone, Debug)]
pub struct ExperimentDir {
    /// The directory.
    pub path: PathBuf,
    /// Its `meta.yaml` and `tags/`.
    pub experiment: Experiment,
    /// Run directories (every non-reserved sub-directory), sorted.
    pub run_dirs: Vec<PathBuf>,
    /// `models/<model_id>` directories, sorted.
    pub model_dirs: Vec<PathBuf>,
    /// `datasets/<id>/meta.yaml`, by dataset id.
    pub datasets: BTreeMap<String, Dataset>,
    /// `traces/<id>` directories (not imported: traces are not part of the ledger).
    pub traces: usize,
}

/// What the root holds.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// Every readable experiment directory.
    pub experiments: Vec<ExperimentDir>,
    /// `models/<name>` registry directories, sorted.
    pub registered_model_dirs: Vec<PathBuf>,
    /// What was left out while reading the tree.
    pub skipped: Vec<Skip>,
}

/// A fatal problem: the root cannot be read as a FileStore.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The root cannot be read (the OS error is in the message, not a `source`, so a
    /// whole-chain print shows it once).
    #[error("{}: {error}", path.display())]
    Io {
        /// The path that could not be read.
        path: PathBuf,
        /// The OS error.
        error: std::io::Error,
    },
    /// The root does not exist.
    #[error("{}: no such directory (expected an MLflow FileStore directory, e.g. ./mlruns)", path.display())]
    Missing {
        /// The root.
        path: PathBuf,
    },
    /// The root holds no experiment directory.
    #[error("{}: not an MLflow FileStore (expected experiment directories with a meta.yaml, e.g. 0/meta.yaml)", path.display())]
    NotAFileStore {
        /// The root.
        path: PathBuf,
    },
}

fn io(path: &Path, error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::NotFound {
        return Error::Missing {
            path: path.to_owned(),
        };
    }
    Error::Io {
        path: path.to_owned(),
        error,
    }
}

/// What a file type is, for a skip reason, when it is neither a regular file nor a directory
/// (nor a symlink, which has its own reason). Reading a FIFO would block the import for ever and
/// a device has no end, so only regular files and directories are ever opened.
fn special_kind(ft: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_char_device() {
            return "a character device";
        }
    }
    let _ = ft;
    "not a regular file"
}

/// The skip reason of a special file (see [`special_kind`]).
fn special_reason(ft: fs::FileType) -> String {
    format!(
        "{} (not read: only regular files and directories are imported)",
        special_kind(ft)
    )
}

/// `Err(reason)` when `path` exists and is not a regular file: what [`read_yaml`] and the
/// artifact copy check before opening a path they did not get from [`entries`].
pub(crate) fn check_regular(path: &Path) -> Result<(), String> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err("symbolic link (not followed)".to_owned()),
        Ok(m) if !m.is_file() && !m.is_dir() => Err(special_reason(m.file_type())),
        _ => Ok(()),
    }
}

/// Sorted (name, path, is_dir) of a directory's entries; symlinks are reported as skipped and
/// left out (an import never follows a link out of the tree), and so are FIFOs, sockets and
/// devices (only regular files and directories are read).
fn entries(dir: &Path, skipped: &mut Vec<Skip>) -> Vec<(String, PathBuf, bool)> {
    let mut out = Vec::new();
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            skipped.push(skip(dir, None, format!("cannot list the directory: {e}")));
            return out;
        }
    };
    for entry in rd {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                skipped.push(skip(dir, None, format!("cannot list the directory: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let Ok(ft) = entry.file_type() else {
            skipped.push(skip(&path, None, "cannot read the file type"));
            continue;
        };
        if ft.is_symlink() {
            skipped.push(skip(&path, None, "symbolic link (not followed)"));
            continue;
        }
        if !ft.is_file() && !ft.is_dir() {
            skipped.push(skip(&path, None, special_reason(ft)));
            continue;
        }
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            skipped.push(skip(&path, None, "file name is not UTF-8"));
            continue;
        };
        out.push((name, path, ft.is_dir()));
    }
    out.sort();
    out
}

/// Reads a `meta.yaml`. MLflow's `FileStore._read_yaml` retries an empty parse (a concurrent
/// writer may have truncated the file); we do the same, twice, then give up.
pub(crate) fn read_yaml(path: &Path) -> Result<Yaml, Skip> {
    check_regular(path).map_err(|reason| skip(path, None, reason))?;
    for attempt in 0..3 {
        let text = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(skip(path, None, "missing (expected a meta.yaml here)"));
            }
            Err(e) => return Err(skip(path, None, format!("cannot read: {e}"))),
        };
        let text = String::from_utf8(text)
            .map_err(|e| skip(path, None, format!("not UTF-8 text: {e}")))?;
        if text.trim().is_empty() {
            if attempt < 2 {
                std::thread::sleep(std::time::Duration::from_millis(20));
                continue;
            }
            return Err(skip(
                path,
                None,
                "empty (a concurrent write may have truncated it; expected a YAML mapping)",
            ));
        }
        return yaml::parse(&text).map_err(|e| skip(path, Some(e.line), e.message));
    }
    Err(skip(path, None, "empty"))
}

/// A field's text (`None` when missing or null).
fn text(y: &Yaml, key: &str) -> Option<String> {
    y.get(key).and_then(Yaml::as_str).map(str::to_owned)
}

/// An integer field (`None` when missing or null); quoted integers (legacy `experiment_id: '5'`)
/// and integral floats (`1.7e12` written by some tools) are accepted.
fn int(y: &Yaml, key: &str, path: &Path) -> Result<Option<i64>, Skip> {
    let Some(v) = y.get(key) else {
        return Ok(None);
    };
    if v.is_null() {
        return Ok(None);
    }
    let s = v
        .as_str()
        .ok_or_else(|| skip(path, None, format!("`{key}`: expected an integer")))?;
    if let Ok(i) = s.trim().parse::<i64>() {
        return Ok(Some(i));
    }
    match s.trim().parse::<f64>() {
        #[allow(clippy::cast_possible_truncation)]
        Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Ok(Some(f as i64)),
        _ => Err(skip(
            path,
            None,
            format!("`{key}`: expected an integer, found `{s}`"),
        )),
    }
}

fn stage(y: &Yaml, path: &Path, default: LifecycleStage) -> Result<LifecycleStage, Skip> {
    match text(y, "lifecycle_stage") {
        None => Ok(default),
        Some(s) => LifecycleStage::parse(&s).ok_or_else(|| {
            skip(
                path,
                None,
                format!("`lifecycle_stage`: expected active or deleted, found `{s}`"),
            )
        }),
    }
}

/// `key → file content` for every file under `dir`, keys being the relative path joined with `/`
/// (`metrics/train/loss` → `train/loss`).
pub(crate) fn read_kv_dir(dir: &Path, skipped: &mut Vec<Skip>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    walk_files(
        dir,
        "",
        skipped,
        &mut |key, path, skipped| match fs::read(path) {
            Ok(b) => match String::from_utf8(b) {
                Ok(s) => out.push((key.to_owned(), s)),
                Err(_) => skipped.push(skip(path, None, "not UTF-8 text (value left out)")),
            },
            Err(e) => skipped.push(skip(path, None, format!("cannot read: {e}"))),
        },
    );
    out
}

pub(crate) fn walk_files(
    dir: &Path,
    prefix: &str,
    skipped: &mut Vec<Skip>,
    f: &mut dyn FnMut(&str, &Path, &mut Vec<Skip>),
) {
    for (name, path, is_dir) in entries(dir, skipped) {
        let key = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if is_dir {
            walk_files(&path, &key, skipped, f);
        } else {
            f(&key, &path, skipped);
        }
    }
}

/// Scans the root: experiments (and `.trash/`), and the registry's `models/`.
pub fn scan(root: &Path) -> Result<Tree, Error> {
    let meta = fs::metadata(root).map_err(|e| io(root, e))?;
    if !meta.is_dir() {
        return Err(Error::NotAFileStore {
            path: root.to_owned(),
        });
    }
    let mut tree = Tree::default();
    let mut skipped = Vec::new();
    let mut looked_like_experiment = false;
    for (name, path, is_dir) in entries(root, &mut skipped) {
        if !is_dir {
            continue;
        }
        match name.as_str() {
            ".trash" => {
                for (_, p, d) in entries(&path, &mut skipped) {
                    if d {
                        looked_like_experiment = true;
                        if let Some(e) = read_experiment_dir(&p, true, &mut skipped) {
                            tree.experiments.push(e);
                        }
                    }
                }
            }
            "models" => {
                for (_, p, d) in entries(&path, &mut skipped) {
                    if d {
                        tree.registered_model_dirs.push(p);
                    }
                }
            }
            _ if path.join("meta.yaml").exists() || name.bytes().all(|b| b.is_ascii_digit()) => {
                looked_like_experiment = true;
                if let Some(e) = read_experiment_dir(&path, false, &mut skipped) {
                    tree.experiments.push(e);
                }
            }
            _ => skipped.push(skip(
                &path,
                None,
                "not an experiment directory (expected a numeric id with a meta.yaml)",
            )),
        }
    }
    if !looked_like_experiment && tree.registered_model_dirs.is_empty() {
        return Err(Error::NotAFileStore {
            path: root.to_owned(),
        });
    }
    tree.experiments.sort_by(|a, b| {
        let key = |e: &ExperimentDir| {
            (
                e.experiment
                    .experiment_id
                    .parse::<i64>()
                    .unwrap_or(i64::MAX),
                e.experiment.experiment_id.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    tree.skipped = skipped;
    Ok(tree)
}

fn read_experiment_dir(
    dir: &Path,
    trashed: bool,
    skipped: &mut Vec<Skip>,
) -> Option<ExperimentDir> {
    let meta_path = dir.join("meta.yaml");
    let y = match read_yaml(&meta_path) {
        Ok(y) => y,
        Err(s) => {
            skipped.push(Skip {
                reason: format!("{} (experiment and its runs skipped)", s.reason),
                ..s
            });
            return None;
        }
    };
    let exp = match experiment_from_yaml(&y, dir, &meta_path, trashed, skipped) {
        Ok(e) => e,
        Err(s) => {
            skipped.push(Skip {
                reason: format!("{} (experiment and its runs skipped)", s.reason),
                ..s
            });
            return None;
        }
    };
    let mut out = ExperimentDir {
        path: dir.to_owned(),
        experiment: exp,
        run_dirs: Vec::new(),
        model_dirs: Vec::new(),
        datasets: BTreeMap::new(),
        traces: 0,
    };
    for (name, path, is_dir) in entries(dir, skipped) {
        if !is_dir {
            continue;
        }
        // Each of RESERVED_EXPERIMENT_FOLDERS has its arm; any other directory is a run.
        match name.as_str() {
            "tags" => {}
            "traces" => out.traces = entries(&path, skipped).len(),
            "models" => {
                out.model_dirs = entries(&path, skipped)
                    .into_iter()
                    .filter(|(_, _, d)| *d)
                    .map(|(_, p, _)| p)
                    .collect();
            }
            "datasets" => {
                for (id, p, d) in entries(&path, skipped) {
                    if !d {
                        continue;
                    }
                    let mp = p.join("meta.yaml");
                    match read_yaml(&mp).and_then(|y| dataset_from_yaml(&y, &mp)) {
                        Ok(ds) => {
                            out.datasets.insert(id, ds);
                        }
                        Err(s) => skipped.push(s),
                    }
                }
            }
            _ => out.run_dirs.push(path),
        }
    }
    Some(out)
}

fn experiment_from_yaml(
    y: &Yaml,
    dir: &Path,
    path: &Path,
    trashed: bool,
    skipped: &mut Vec<Skip>,
) -> Result<Experiment, Skip> {
    let dir_name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let id = text(y, "experiment_id").unwrap_or(dir_name);
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || id.parse::<i64>().is_err() {
        return Err(skip(
            path,
            None,
            format!("`experiment_id`: expected a decimal integer id, found `{id}`"),
        ));
    }
    let name = text(y, "name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| skip(path, None, "`name`: expected the experiment's name"))?;
    let creation = int(y, "creation_time", path)?.unwrap_or(0);
    let last = int(y, "last_update_time", path)?.unwrap_or(creation);
    let default_stage = if trashed {
        LifecycleStage::Deleted
    } else {
        LifecycleStage::Active
    };
    let mut stage = stage(y, path, default_stage)?;
    if trashed {
        // Under .trash/ an experiment is deleted whatever its meta.yaml says.
        stage = LifecycleStage::Deleted;
    }
    // Tags: legacy inline `tags:` mapping, then the tags/ directory (which wins).
    let mut tags: BTreeMap<String, String> = BTreeMap::new();
    if let Some(entries) = y.get("tags").and_then(Yaml::entries) {
        for (k, v) in entries {
            if let Some(v) = v.as_str() {
                tags.insert(k.clone(), v.to_owned());
            }
        }
    }
    for (k, v) in read_kv_dir(&dir.join("tags"), skipped) {
        tags.insert(k, v);
    }
    Ok(Experiment {
        experiment_id: id,
        name,
        artifact_location: text(y, "artifact_location").unwrap_or_default(),
        lifecycle_stage: stage,
        creation_time: creation,
        last_update_time: last,
        tags: tags.into_iter().map(|(k, v)| Tag::new(k, v)).collect(),
    })
}

fn dataset_from_yaml(y: &Yaml, path: &Path) -> Result<Dataset, Skip> {
    let need =
        |k: &str| text(y, k).ok_or_else(|| skip(path, None, format!("`{k}`: expected a string")));
    Ok(Dataset {
        name: need("name")?,
        digest: need("digest")?,
        source_type: text(y, "source_type").unwrap_or_default(),
        source: text(y, "source").unwrap_or_default(),
        schema: text(y, "schema"),
        profile: text(y, "profile"),
    })
}

fn parse_status(y: &Yaml, path: &Path) -> Result<RunStatus, Skip> {
    let Some(s) = text(y, "status") else {
        return Ok(RunStatus::Finished);
    };
    let by_int = match s.as_str() {
        "1" => Some(RunStatus::Running),
        "2" => Some(RunStatus::Scheduled),
        "3" => Some(RunStatus::Finished),
        "4" => Some(RunStatus::Failed),
        "5" => Some(RunStatus::Killed),
        _ => None,
    };
    by_int.or_else(|| RunStatus::parse(&s.to_ascii_uppercase())).ok_or_else(|| {
        skip(
            path,
            None,
            format!("`status`: expected 1–5 or RUNNING/SCHEDULED/FINISHED/FAILED/KILLED, found `{s}`"),
        )
    })
}

/// One parsed metric line.
struct MetricLine {
    timestamp: i64,
    value: f64,
    step: i64,
    /// Logged-model metric files carry the run id as the 4th field.
    run_id: Option<String>,
    dataset: Option<(String, String)>,
}

/// Parses `timestamp value [step [dataset_name dataset_digest]]` (runs) or
/// `timestamp value step run_id [dataset_name dataset_digest]` (logged models). Values are
/// Python `str(float)`: `nan`, `inf`, `-inf`, `1e-05` parse.
fn parse_metric_line(line: &str, model: bool) -> Result<MetricLine, String> {
    let f: Vec<&str> = line.split_whitespace().collect();
    let shape = if model {
        "`timestamp value step run_id [dataset_name dataset_digest]`"
    } else {
        "`timestamp value [step [dataset_name dataset_digest]]`"
    };
    let ok_len = if model {
        matches!(f.len(), 4 | 6)
    } else {
        matches!(f.len(), 2 | 3 | 5)
    };
    if !ok_len {
        return Err(format!("expected {shape}, found {} fields", f.len()));
    }
    let timestamp = f[0]
        .parse::<i64>()
        .map_err(|_| format!("timestamp: expected an integer, found `{}`", f[0]))?;
    let value = f[1]
        .parse::<f64>()
        .map_err(|_| format!("value: expected a number (or nan/inf), found `{}`", f[1]))?;
    let step = match f.get(2) {
        Some(s) => s
            .parse::<i64>()
            .map_err(|_| format!("step: expected an integer, found `{s}`"))?,
        None => 0,
    };
    let (run_id, rest) = if model {
        (Some(f[3].to_owned()), &f[4..])
    } else {
        (None, f.get(3..).unwrap_or(&[]))
    };
    let dataset = match rest {
        [n, d] => Some(((*n).to_owned(), (*d).to_owned())),
        _ => None,
    };
    Ok(MetricLine {
        timestamp,
        value,
        step,
        run_id,
        dataset,
    })
}

/// Every point of every metric file under `dir` (bad lines skipped and reported).
fn read_metrics(dir: &Path, model: bool, skipped: &mut Vec<Skip>) -> Vec<(String, MetricLine)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    walk_files(dir, "", skipped, &mut |key, path, skipped| {
        let text = match fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                skipped.push(skip(path, None, format!("cannot read: {e}")));
                return;
            }
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match parse_metric_line(line, model) {
                Ok(m) => out.push((key.to_owned(), m)),
                Err(e) => skipped.push(skip(
                    path,
                    Some(i + 1),
                    format!("metric line left out: {e}"),
                )),
            }
        }
    });
    out
}

/// Reads one run directory. `None` (with a skip) when its `meta.yaml` is missing, empty or bad.
pub fn read_run(exp: &ExperimentDir, dir: &Path, skipped: &mut Vec<Skip>) -> Option<RunRecord> {
    let meta_path = dir.join("meta.yaml");
    let y = match read_yaml(&meta_path) {
        Ok(y) => y,
        Err(s) => {
            skipped.push(Skip {
                reason: format!("{} (run skipped)", s.reason),
                ..s
            });
            return None;
        }
    };
    match run_from_yaml(exp, dir, &meta_path, &y, skipped) {
        Ok(r) => Some(r),
        Err(s) => {
            skipped.push(Skip {
                reason: format!("{} (run skipped)", s.reason),
                ..s
            });
            None
        }
    }
}

fn run_from_yaml(
    exp: &ExperimentDir,
    dir: &Path,
    path: &Path,
    y: &Yaml,
    skipped: &mut Vec<Skip>,
) -> Result<RunRecord, Skip> {
    let dir_name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    // Old files name the id `run_uuid`; newer ones `run_id` (often both).
    let run_id = text(y, "run_id")
        .or_else(|| text(y, "run_uuid"))
        .filter(|s| !s.is_empty())
        .unwrap_or(dir_name.clone());
    if run_id != dir_name {
        return Err(skip(
            path,
            None,
            format!("`run_id` is `{run_id}` but the directory is `{dir_name}`"),
        ));
    }
    let tags = read_kv_dir(&dir.join("tags"), skipped);
    let params = read_kv_dir(&dir.join("params"), skipped);
    // Old files: no run_name, only the mlflow.runName tag (or the long-gone `name` field).
    let run_name = text(y, "run_name")
        .filter(|n| !n.is_empty())
        .or_else(|| {
            tags.iter()
                .find(|(k, _)| k == "mlflow.runName")
                .map(|(_, v)| v.clone())
        })
        .or_else(|| text(y, "name"))
        .unwrap_or_default();
    let stage = stage(y, path, LifecycleStage::Active)?;
    let deleted_time = int(y, "deleted_time", path)?;
    let info = RunInfo {
        run_id: run_id.clone(),
        experiment_id: exp.experiment.experiment_id.clone(),
        run_name,
        user_id: text(y, "user_id"),
        status: parse_status(y, path)?,
        start_time: int(y, "start_time", path)?,
        end_time: int(y, "end_time", path)?,
        artifact_uri: text(y, "artifact_uri").unwrap_or_default(),
        lifecycle_stage: stage,
        deleted_time,
    };
    let metrics = read_metrics(&dir.join("metrics"), false, skipped)
        .into_iter()
        .map(|(key, m)| {
            let mut p = Metric::new(key, m.value, m.timestamp, m.step);
            if let Some((n, d)) = m.dataset {
                p.dataset_name = Some(n);
                p.dataset_digest = Some(d);
            }
            p
        })
        .collect();
    let mut dataset_inputs = Vec::new();
    let inputs = dir.join("inputs");
    if inputs.is_dir() {
        for (_, p, d) in entries(&inputs, skipped) {
            if !d {
                continue;
            }
            let mp = p.join("meta.yaml");
            let iy = match read_yaml(&mp) {
                Ok(y) => y,
                Err(s) => {
                    skipped.push(s);
                    continue;
                }
            };
            if text(&iy, "source_type").as_deref() != Some("DATASET") {
                skipped.push(skip(
                    &mp,
                    None,
                    format!(
                        "input of source_type `{}` left out (only DATASET inputs are imported)",
                        text(&iy, "source_type").unwrap_or_default()
                    ),
                ));
                continue;
            }
            let Some(ds_id) = text(&iy, "source_id") else {
                skipped.push(skip(&mp, None, "`source_id`: expected the dataset id"));
                continue;
            };
            let Some(ds) = exp.datasets.get(&ds_id) else {
                skipped.push(skip(
                    &mp,
                    None,
                    format!("dataset `{ds_id}` not found under datasets/ of the experiment"),
                ));
                continue;
            };
            let tags = iy
                .get("tags")
                .and_then(Yaml::entries)
                .map(|e| {
                    e.iter()
                        .filter_map(|(k, v)| v.as_str().map(|v| Tag::new(k.clone(), v)))
                        .collect()
                })
                .unwrap_or_default();
            dataset_inputs.push(DatasetInput {
                dataset: ds.clone(),
                tags,
            });
        }
    }
    let mut model_outputs = Vec::new();
    let outputs = dir.join("outputs");
    if outputs.is_dir() {
        for (name, p, d) in entries(&outputs, skipped) {
            if !d {
                continue;
            }
            let mp = p.join("meta.yaml");
            match read_yaml(&mp) {
                Ok(oy) => {
                    let step = int(&oy, "step", &mp).ok().flatten().unwrap_or(0);
                    let model_id = text(&oy, "destination_id").unwrap_or(name);
                    model_outputs.push(ModelOutput { model_id, step });
                }
                Err(s) => skipped.push(s),
            }
        }
    }
    Ok(RunRecord {
        run: ImportRun {
            info,
            params: params.into_iter().map(|(k, v)| Param::new(k, v)).collect(),
            tags: tags.into_iter().map(|(k, v)| Tag::new(k, v)).collect(),
            metrics,
            dataset_inputs,
        },
        model_outputs,
    })
}

/// Reads `<exp>/models/<model_id>/`.
pub fn read_logged_model(
    exp: &ExperimentDir,
    dir: &Path,
    skipped: &mut Vec<Skip>,
) -> Option<ImportLoggedModel> {
    let mp = dir.join("meta.yaml");
    let r = read_yaml(&mp).and_then(|y| {
        let model_id = text(&y, "model_id")
            .ok_or_else(|| skip(&mp, None, "`model_id`: expected the logged model's id"))?;
        let status = match text(&y, "status").as_deref() {
            Some("1") => LoggedModelStatus::Pending,
            Some("2") | None => LoggedModelStatus::Ready,
            Some("3") => LoggedModelStatus::UploadFailed,
            Some(s) => LoggedModelStatus::parse(s).ok_or_else(|| {
                skip(
                    &mp,
                    None,
                    format!("`status`: expected 1, 2, 3 or a LoggedModelStatus name, found `{s}`"),
                )
            })?,
        };
        let creation = int(&y, "creation_timestamp", &mp)?.unwrap_or(0);
        Ok(ImportLoggedModel {
            model_id,
            experiment_id: exp.experiment.experiment_id.clone(),
            name: text(&y, "name").unwrap_or_default(),
            artifact_location: text(&y, "artifact_location").unwrap_or_default(),
            creation_timestamp_ms: creation,
            last_updated_timestamp_ms: int(&y, "last_updated_timestamp", &mp)?.unwrap_or(creation),
            status,
            status_message: text(&y, "status_message"),
            model_type: text(&y, "model_type"),
            source_run_id: text(&y, "source_run_id"),
            lifecycle_stage: stage(&y, &mp, LifecycleStage::Active)?,
            params: Vec::new(),
            tags: Vec::new(),
            metrics: Vec::new(),
        })
    });
    let mut m = match r {
        Ok(m) => m,
        Err(s) => {
            skipped.push(Skip {
                reason: format!("{} (logged model skipped)", s.reason),
                ..s
            });
            return None;
        }
    };
    m.params = read_kv_dir(&dir.join("params"), skipped)
        .into_iter()
        .map(|(k, v)| Param::new(k, v))
        .collect();
    m.tags = read_kv_dir(&dir.join("tags"), skipped)
        .into_iter()
        .map(|(k, v)| Tag::new(k, v))
        .collect();
    m.metrics = read_metrics(&dir.join("metrics"), true, skipped)
        .into_iter()
        .map(|(key, l)| {
            let mut p = Metric::new(key, l.value, l.timestamp, l.step);
            p.model_id = Some(m.model_id.clone());
            if let Some((n, d)) = l.dataset {
                p.dataset_name = Some(n);
                p.dataset_digest = Some(d);
            }
            ImportModelMetric {
                run_id: l.run_id.unwrap_or_default(),
                metric: p,
            }
        })
        .collect();
    Some(m)
}

/// Reads `models/<name>/` of the model registry.
pub fn read_registered_model(dir: &Path, skipped: &mut Vec<Skip>) -> Option<ImportRegisteredModel> {
    let mp = dir.join("meta.yaml");
    let y = match read_yaml(&mp) {
        Ok(y) => y,
        Err(s) => {
            skipped.push(Skip {
                reason: format!("{} (registered model skipped)", s.reason),
                ..s
            });
            return None;
        }
    };
    let Some(name) = text(&y, "name").filter(|n| !n.is_empty()) else {
        skipped.push(skip(
            &mp,
            None,
            "`name`: expected the registered model's name (registered model skipped)",
        ));
        return None;
    };
    let creation = match int(&y, "creation_timestamp", &mp) {
        Ok(c) => c.unwrap_or(0),
        Err(s) => {
            skipped.push(s);
            return None;
        }
    };
    let last = int(&y, "last_updated_timestamp", &mp)
        .ok()
        .flatten()
        .unwrap_or(creation);
    // Aliases: the meta.yaml mapping, then aliases/<alias> files (content = version).
    let mut aliases: BTreeMap<String, i64> = BTreeMap::new();
    let alias_entries: Vec<(String, String)> = y
        .get("aliases")
        .and_then(Yaml::entries)
        .map(|e| {
            e.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in alias_entries
        .into_iter()
        .chain(read_kv_dir(&dir.join("aliases"), skipped))
    {
        match v.trim().parse::<i64>() {
            Ok(n) => {
                aliases.insert(k, n);
            }
            Err(_) => skipped.push(skip(
                &dir.join("aliases").join(&k),
                None,
                format!("alias `{k}`: expected a version number, found `{v}`"),
            )),
        }
    }
    let mut versions = Vec::new();
    for (vname, p, d) in entries(dir, skipped) {
        if !d || !vname.starts_with("version-") {
            continue;
        }
        let vp = p.join("meta.yaml");
        let r = read_yaml(&vp).and_then(|vy| {
            let version = int(&vy, "version", &vp)?
                .or_else(|| vname["version-".len()..].parse().ok())
                .ok_or_else(|| skip(&vp, None, "`version`: expected the version number"))?;
            let vc = int(&vy, "creation_timestamp", &vp)?.unwrap_or(0);
            Ok(ImportModelVersion {
                version,
                creation_timestamp: vc,
                last_updated_timestamp: int(&vy, "last_updated_timestamp", &vp)?.unwrap_or(vc),
                user_id: text(&vy, "user_id"),
                current_stage: text(&vy, "current_stage").unwrap_or_else(|| "None".to_owned()),
                description: text(&vy, "description"),
                source: text(&vy, "source").unwrap_or_default(),
                run_id: text(&vy, "run_id"),
                run_link: text(&vy, "run_link"),
                status: text(&vy, "status").unwrap_or_else(|| "READY".to_owned()),
                status_message: text(&vy, "status_message"),
                storage_location: text(&vy, "storage_location"),
                model_id: text(&vy, "model_id"),
                tags: Vec::new(),
            })
        });
        match r {
            Ok(mut v) => {
                v.tags = read_kv_dir(&p.join("tags"), skipped)
                    .into_iter()
                    .map(|(k, val)| Tag::new(k, val))
                    .collect();
                versions.push(v);
            }
            Err(s) => skipped.push(Skip {
                reason: format!("{} (model version skipped)", s.reason),
                ..s
            }),
        }
    }
    versions.sort_by_key(|v| v.version);
    Some(ImportRegisteredModel {
        name,
        creation_timestamp: creation,
        last_updated_timestamp: last,
        description: text(&y, "description"),
        user_id: text(&y, "user_id"),
        tags: read_kv_dir(&dir.join("tags"), skipped)
            .into_iter()
            .map(|(k, v)| Tag::new(k, v))
            .collect(),
        aliases: aliases.into_iter().collect(),
        versions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_line_forms() {
        let m =
            parse_metric_line("1795312049833 1.0 0", false).map(|m| (m.timestamp, m.value, m.step));
        assert_eq!(m, Ok((1795312049833, 1.0, 0)));
        let m = parse_metric_line("17 0.5", false).map(|m| m.step);
        assert_eq!(m, Ok(0));
        let m = parse_metric_line("17 nan 3 train 300830b9", false);
        assert!(
            m.as_ref()
                .is_ok_and(|m| m.value.is_nan() && m.dataset.is_some())
        );
        for (s, v) in [
            ("inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("1e-05", 1e-5),
        ] {
            assert_eq!(
                parse_metric_line(&format!("1 {s} 0"), false).map(|m| m.value),
                Ok(v)
            );
        }
        assert!(parse_metric_line("1 2 3 4", false).is_err());
        assert!(parse_metric_line("1 x 3", false).is_err_and(|e| e.contains("value")));
        let m = parse_metric_line("1 2 3 abc", true);
        assert!(m.is_ok_and(|m| m.run_id.as_deref() == Some("abc")));
    }
}
