//! Split manifests: one row per sample of a train, validation or test split — `id`, `label`,
//! optional `group` (battery, patient, session) and `hash` (a content hash or the sample's file
//! path), and any metadata columns (`axis`, `scanner`, `site`).
//!
//! Labels are named as [`crate::load_predictions`] names classes, so a split's fingerprint
//! ([`Manifest::fingerprint`], [`crate::fingerprint_rows`]) equals the eval-set fingerprint of an
//! evaluation made on the same samples. Nothing is dropped: a null id, label, group or metadata
//! cell is an error naming the file, line and column.

use crate::predictions::{label_names, text_cells};
use crate::{PredictionError, ReadOptions, Table, read_table};
use std::path::{Path, PathBuf};

/// Which columns mean what. `group` and `hash` are optional columns: `None` takes the column of
/// the default name (`group`, `hash`) when the file has one; a name given must exist.
#[derive(Debug, Clone)]
pub struct ManifestColumns {
    /// The sample id (default `id`).
    pub id: String,
    /// The true class (default `label`).
    pub label: String,
    /// The group column, when named.
    pub group: Option<String>,
    /// The content-hash column, when named.
    pub hash: Option<String>,
    /// Metadata columns to keep.
    pub meta: Vec<String>,
}

impl Default for ManifestColumns {
    fn default() -> Self {
        ManifestColumns {
            id: "id".into(),
            label: "label".into(),
            group: None,
            hash: None,
            meta: Vec::new(),
        }
    }
}

/// One split as read.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The file.
    pub source: PathBuf,
    /// Sample ids, in file order.
    pub ids: Vec<String>,
    /// The id column's type (`integer`, `string`, …): ids that are numbers in one split and text
    /// in another are refused by the caller.
    pub id_type: &'static str,
    /// Where the first data row is (`line 2`, `row 0`), for messages about the file.
    pub first_row: String,
    /// Class names.
    pub labels: Vec<String>,
    /// Groups, when the file has a group column.
    pub groups: Option<Vec<String>>,
    /// The group column's name.
    pub group_column: Option<String>,
    /// Content hashes, when the file has a hash column.
    pub hashes: Option<Vec<String>>,
    /// Metadata columns, in `meta` order.
    pub meta: Vec<(String, Vec<String>)>,
}

impl Manifest {
    /// Rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The split's fingerprint: the eval-set fingerprint of its (id, label, group) rows.
    pub fn fingerprint(&self) -> String {
        let label = |i: usize| self.labels[i].as_str();
        crate::fingerprint_rows(self.len(), Some(&self.ids), &label, self.groups.as_deref())
    }
}

fn missing(table: &Table, column: &str, role: &'static str) -> PredictionError {
    PredictionError::MissingColumn {
        path: table.path.clone(),
        column: column.to_owned(),
        role,
        available: table.all_columns.clone(),
    }
}

/// Reads the manifest at `path` (CSV, Parquet or JSON Lines, as `verdict eval` reads them).
///
/// # Errors
/// The reader's errors; a missing id, label, named group/hash or metadata column; a null cell.
pub fn read_manifest(
    path: &Path,
    read: &ReadOptions,
    cols: &ManifestColumns,
) -> Result<Manifest, PredictionError> {
    let table = read_table(path, read)?;
    let id_col = table
        .column(&cols.id)
        .ok_or_else(|| missing(&table, &cols.id, "id"))?;
    let label_col = table
        .column(&cols.label)
        .ok_or_else(|| missing(&table, &cols.label, "label"))?;
    let optional = |given: &Option<String>, default: &str, role: &'static str| match given {
        Some(name) => table
            .column(name)
            .map(Some)
            .ok_or_else(|| missing(&table, name, role)),
        None => Ok(table.column(default)),
    };
    let group_col = optional(&cols.group, "group", "group")?;
    let hash_col = optional(&cols.hash, "hash", "hash")?;
    let mut meta = Vec::with_capacity(cols.meta.len());
    for name in &cols.meta {
        let col = table
            .column(name)
            .ok_or_else(|| missing(&table, name, "metadata"))?;
        meta.push((name.clone(), text_cells(&table, col, "a metadata value")?));
    }
    Ok(Manifest {
        source: path.to_path_buf(),
        ids: text_cells(&table, id_col, "an id")?,
        id_type: id_col.values.type_name(),
        first_row: table.locator.describe(0),
        labels: label_names(&table, label_col)?,
        groups: group_col
            .map(|c| text_cells(&table, c, "a group"))
            .transpose()?,
        group_column: group_col.map(|c| c.name.clone()),
        hashes: hash_col
            .map(|c| text_cells(&table, c, "a hash"))
            .transpose()?,
        meta,
    })
}
