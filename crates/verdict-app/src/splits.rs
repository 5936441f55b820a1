//! `verdict splits`: a split's manifests read, checked for leakage, drift and shortcuts
//! (`verdict_core::splits`), fingerprinted, and recorded with a run as MLflow dataset inputs.
//!
//! # Conventions
//! * Split names: `names` when given, else each file's stem.
//! * Contexts (MLflow's autologging words): a split named `train`/`training` is `training`,
//!   `val`/`valid`/`validation`/`dev` is `validation`, `test`/`testing`/`holdout` is `testing`;
//!   any other name is its own context.
//! * Ids must have one type across the splits: ids that are numbers in one file and text in
//!   another would never match, so a leak would go unseen; they are refused with both files.
//! * Recorded with a run (`--run`): each split becomes a dataset input named after the split, its
//!   digest the first 32 hex digits of the fingerprint (MLflow allows 36 characters), its source
//!   MLflow's local source JSON `{"uri": <the manifest's path>}`, its profile `{"num_rows", "num_groups", "class_counts", "fingerprint"}`
//!   and its schema the manifest's columns; and the run gets the tag
//!   `verdict.split.<context>.fingerprint` with the whole fingerprint, which `verdict eval --run`
//!   compares with the eval set it stores.

use serde_json::json;
use std::path::PathBuf;
use verdict_core::splits::{self, Split, SplitDiff, SplitRules, SplitsReport};
use verdict_io::{Manifest, ManifestColumns, ReadOptions};
use verdict_store::{Dataset, DatasetInput, Store, Tag};

use crate::{ResultExt, bail};

/// What to check.
#[derive(Debug, Clone)]
pub struct SplitsSpec {
    /// One manifest per split.
    pub files: Vec<PathBuf>,
    /// Split names (default: the file stems).
    pub names: Vec<String>,
    /// How to read the files.
    pub read: ReadOptions,
    /// Which columns mean what.
    pub columns: ManifestColumns,
    /// Thresholds.
    pub rules: SplitRules,
    /// Keep each split as Parquet ([`SplitsCheck::manifests`]) to record it with a run.
    pub keep: bool,
}

/// A split as checked: its name, context, file, fingerprint and rows (the report's row).
pub use verdict_report::splits::SplitRow as SplitInfo;

/// The MLflow context of a split name (module docs).
pub fn context(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "train" | "training" => "training".into(),
        "val" | "valid" | "validation" | "dev" => "validation".into(),
        "test" | "testing" | "holdout" => "testing".into(),
        other => other.to_owned(),
    }
}

fn stem(p: &std::path::Path) -> String {
    p.file_stem().map_or_else(
        || p.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn read(spec: &SplitsSpec) -> crate::Result<Vec<(String, Manifest)>> {
    if spec.files.is_empty() {
        bail!("splits check needs at least one manifest file");
    }
    if !spec.names.is_empty() && spec.names.len() != spec.files.len() {
        bail!(
            "--names gives {} names for {} files",
            spec.names.len(),
            spec.files.len()
        );
    }
    let mut out = Vec::with_capacity(spec.files.len());
    for (i, f) in spec.files.iter().enumerate() {
        let m = verdict_io::read_manifest(f, &spec.read, &spec.columns)
            .with_context(|| format!("cannot read the split {}", crate::shown(f)))?;
        let name = spec.names.get(i).cloned().unwrap_or_else(|| stem(f));
        out.push((name, m));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (name, _) in &out {
        if !seen.insert(name.as_str()) {
            bail!("two splits are named `{name}`; give distinct names with --names");
        }
    }
    let numeric = |t: &str| matches!(t, "integer" | "float");
    if let Some((_, first)) = out.iter().find(|(_, m)| !m.is_empty())
        && let Some((_, other)) = out
            .iter()
            .find(|(_, m)| !m.is_empty() && numeric(m.id_type) != numeric(first.id_type))
    {
        bail!(
            "{}: {}: column \"{}\": the ids are {}s, but in {} ({}) they are {}s; ids of one \
             type in every split are needed to find the samples two splits share",
            other.source.display(),
            other.first_row,
            spec.columns.id,
            other.id_type,
            first.source.display(),
            first.first_row,
            first.id_type
        );
    }
    Ok(out)
}

fn to_split(name: &str, m: Manifest) -> Split {
    Split {
        name: name.to_owned(),
        ids: m.ids,
        labels: m.labels,
        groups: m.groups,
        hashes: m.hashes,
        meta: m.meta,
    }
}

/// The report of `verdict splits check`.
#[derive(Debug, Clone)]
pub struct SplitsCheck {
    /// Each split.
    pub splits: Vec<SplitInfo>,
    /// The checks.
    pub report: SplitsReport,
    /// Each split's columns, for recording with a run.
    pub schemas: Vec<Vec<String>>,
    /// Each split as Parquet (`verdict_io::manifest_parquet`), when the spec kept them.
    pub manifests: Vec<Vec<u8>>,
    /// The metadata columns checked.
    pub meta: Vec<String>,
}

/// Reads and checks the splits.
///
/// # Errors
/// A file that cannot be read, split names that clash, ids of different types.
pub fn check(spec: &SplitsSpec) -> crate::Result<SplitsCheck> {
    let manifests = read(spec)?;
    let mut infos = Vec::with_capacity(manifests.len());
    let mut schemas = Vec::with_capacity(manifests.len());
    let mut splits_in = Vec::with_capacity(manifests.len());
    let mut kept = Vec::new();
    for (name, m) in manifests {
        if spec.keep {
            kept.push(verdict_io::manifest_parquet(&m)?);
        }
        let groups = m.groups.as_ref().map(|g| {
            let set: std::collections::HashSet<&str> = g.iter().map(String::as_str).collect();
            set.len()
        });
        let mut schema = vec![spec.columns.id.clone(), spec.columns.label.clone()];
        schema.extend(m.group_column.clone());
        schema.extend(m.meta.iter().map(|(n, _)| n.clone()));
        infos.push(SplitInfo {
            context: context(&name),
            source: crate::shown(&m.source),
            fingerprint: m.fingerprint(),
            rows: m.len(),
            groups,
            name: name.clone(),
        });
        schemas.push(schema);
        splits_in.push(to_split(&name, m));
    }
    let report = splits::check_splits(&splits_in, &spec.rules);
    Ok(SplitsCheck {
        splits: infos,
        report,
        schemas,
        manifests: kept,
        meta: spec.columns.meta.clone(),
    })
}

/// What changed between two versions of a split.
#[derive(Debug, Clone)]
pub struct SplitsDiff {
    /// The old split.
    pub old: SplitInfo,
    /// The new split.
    pub new: SplitInfo,
    /// The changes.
    pub diff: SplitDiff,
}

/// Compares two versions of a split.
///
/// # Errors
/// As [`check`].
pub fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    spec: &SplitsSpec,
) -> crate::Result<SplitsDiff> {
    let both = SplitsSpec {
        files: vec![old.to_path_buf(), new.to_path_buf()],
        names: if spec.names.is_empty() {
            vec!["old".into(), "new".into()]
        } else {
            spec.names.clone()
        },
        ..spec.clone()
    };
    let mut manifests = read(&both)?;
    let (Some((nn, n)), Some((on, o))) = (manifests.pop(), manifests.pop()) else {
        bail!("splits diff needs two files");
    };
    let info = |name: &str, m: &Manifest| SplitInfo {
        name: name.to_owned(),
        context: context(name),
        source: crate::shown(&m.source),
        fingerprint: m.fingerprint(),
        rows: m.len(),
        groups: m.groups.as_ref().map(|g| {
            g.iter()
                .map(String::as_str)
                .collect::<std::collections::HashSet<_>>()
                .len()
        }),
    };
    let (oi, ni) = (info(&on, &o), info(&nn, &n));
    let d = splits::diff(&to_split(&on, o), &to_split(&nn, n));
    Ok(SplitsDiff {
        old: oi,
        new: ni,
        diff: d,
    })
}

/// The tag holding the fingerprint of a run's split of `context`.
pub fn split_tag(context: &str) -> String {
    format!("verdict.split.{context}.fingerprint")
}

/// The tag listing the splits recorded with a run: a JSON array of `{"name", "context",
/// "artifact", "meta"}`, what `verdict check --run` reads them back by.
pub const SPLITS_TAG: &str = "verdict.splits";

/// Records the checked splits with a run (module docs): each split's manifest as the artifact
/// `verdict/splits/<name>.parquet` (when the check kept them), one dataset input per split, the
/// fingerprint tags and [`SPLITS_TAG`]. The dataset inputs are idempotent (recording the same
/// splits again changes nothing), and the tags are written last, in one transaction.
///
/// # Errors
/// A missing or deleted run; the store's validation; the artifact repository's errors.
pub fn record(
    store: &Store,
    run_id: &str,
    artifacts: &std::path::Path,
    checked: &SplitsCheck,
) -> crate::Result<()> {
    let run = store
        .get_run(run_id)
        .with_context(|| format!("--run {run_id}"))?;
    let (repo, base) = crate::ledger::run_artifacts(&run.info.artifact_uri, artifacts)?;
    let mut inputs = Vec::with_capacity(checked.splits.len());
    let mut tags = Vec::with_capacity(checked.splits.len() + 1);
    let mut listed = Vec::new();
    for (i, s) in checked.splits.iter().enumerate() {
        let counts: serde_json::Map<String, serde_json::Value> = checked
            .report
            .classes
            .iter()
            .zip(&checked.report.class_counts[i])
            .map(|(c, n)| (c.clone(), json!(n)))
            .collect();
        let profile = json!({
            "num_rows": s.rows,
            "num_groups": s.groups,
            "class_counts": counts,
            "fingerprint": s.fingerprint,
        });
        let schema = json!({"columns": checked.schemas[i]});
        let hex = s.fingerprint.trim_start_matches("sha256:");
        inputs.push(DatasetInput {
            dataset: Dataset {
                name: s.name.clone(),
                digest: hex.chars().take(32).collect(),
                source_type: "local".into(),
                // MLflow's local source (`LocalArtifactDatasetSource`): JSON `{"uri": path}`,
                // what `mlflow.data.get_source` parses.
                source: json!({"uri": s.source}).to_string(),
                schema: Some(schema.to_string()),
                profile: Some(profile.to_string()),
            },
            tags: vec![Tag::new("mlflow.data.context", s.context.clone())],
        });
        tags.push(Tag::new(split_tag(&s.context), s.fingerprint.clone()));
        if let Some(bytes) = checked.manifests.get(i) {
            let artifact = format!("verdict/splits/{}.parquet", s.name);
            repo.put(&crate::ledger::join(&base, &artifact), bytes)
                .with_context(|| format!("cannot store {artifact} for run {run_id}"))?;
            listed.push(json!({"name": s.name, "context": s.context, "artifact": artifact, "meta": checked.meta}));
        }
    }
    store
        .log_inputs(run_id, &inputs, &[])
        .with_context(|| format!("cannot record the splits with run {run_id}"))?;
    if !listed.is_empty() {
        tags.push(Tag::new(
            SPLITS_TAG,
            serde_json::Value::Array(listed).to_string(),
        ));
    }
    store
        .log_records(run_id, &[], &[], &tags)
        .with_context(|| format!("cannot tag run {run_id} with its splits"))?;
    Ok(())
}

/// The split findings of a run: the splits recorded with it ([`SPLITS_TAG`]) read back from their
/// artifacts and checked again (the same rows, so the same findings). `None` when the run
/// recorded none.
///
/// # Errors
/// A recorded split whose artifact cannot be read.
pub fn recorded_findings(
    run: &verdict_store::Run,
    artifacts: &std::path::Path,
    rules: &SplitRules,
) -> crate::Result<Option<SplitsReport>> {
    let Some(listed) = crate::ledger::tag(run, SPLITS_TAG) else {
        return Ok(None);
    };
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(listed) else {
        bail!(
            "run {}: tag {SPLITS_TAG} is not the JSON list verdict splits check --run writes",
            run.info.run_id
        );
    };
    let (repo, base) = crate::ledger::run_artifacts(&run.info.artifact_uri, artifacts)?;
    let mut splits_in = Vec::with_capacity(items.len());
    for item in &items {
        let (Some(name), Some(artifact)) = (item["name"].as_str(), item["artifact"].as_str())
        else {
            continue;
        };
        let meta: Vec<String> = item["meta"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect();
        let path = repo
            .resolve(&crate::ledger::join(&base, artifact))
            .with_context(|| format!("run {}: {artifact}", run.info.run_id))?;
        let m = verdict_io::read_manifest(
            &path,
            &ReadOptions::default(),
            &ManifestColumns {
                meta,
                ..ManifestColumns::default()
            },
        )
        .with_context(|| format!("run {}: cannot read {artifact}", run.info.run_id))?;
        splits_in.push(to_split(name, m));
    }
    Ok(Some(splits::check_splits(&splits_in, rules)))
}
