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
//!   the manifest's path, its profile `{"num_rows", "num_groups", "class_counts", "fingerprint"}`
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
    /// The splits themselves, for recording with a run.
    pub schemas: Vec<Vec<String>>,
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
    for (name, m) in manifests {
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

/// Records the checked splits with a run (module docs): one dataset input per split and the
/// fingerprint tags, in one call each.
///
/// # Errors
/// A missing or finished-and-deleted run; the store's validation.
pub fn record(store: &Store, run_id: &str, checked: &SplitsCheck) -> crate::Result<()> {
    let mut inputs = Vec::with_capacity(checked.splits.len());
    let mut tags = Vec::with_capacity(checked.splits.len());
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
                source: s.source.clone(),
                schema: Some(schema.to_string()),
                profile: Some(profile.to_string()),
            },
            tags: vec![Tag::new("mlflow.data.context", s.context.clone())],
        });
        tags.push(Tag::new(split_tag(&s.context), s.fingerprint.clone()));
    }
    store
        .log_inputs(run_id, &inputs, &[])
        .with_context(|| format!("cannot record the splits with run {run_id}"))?;
    store
        .log_records(run_id, &[], &[], &tags)
        .with_context(|| format!("cannot tag run {run_id} with its splits"))?;
    Ok(())
}
