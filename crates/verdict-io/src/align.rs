//! Lining up several models' predictions on one eval set.
//!
//! Why: a comparison is only meaningful on the same samples with the same labels (seed 001 §5.8:
//! test splits regenerated, older results silently stopped being comparable). [`align`] puts every
//! set in the eval set's **canonical order** and **refuses** when the files do not hold exactly the
//! same ids with the same labels (and groups), saying how they differ.
//!
//! # Conventions
//! * **Canonical order.** With an id column, the rows sorted by id (byte order, the order
//!   [`crate::fingerprint`] hashes); without one, the file order. [`canonical_order`] applies it to
//!   one set, so `verdict eval` and `verdict compare` see the same rows in the same order whatever
//!   order each file lists them in, and the bootstrap draws the same samples in both.
//! * **Pairing by position.** When no file has an id column, row `i` of every file is taken to be
//!   the same sample ([`Pairing::ByPosition`]; the caller must say so in its output). The files
//!   must then have the same number of rows and the same label (and group) in every row; the error
//!   names both files and the first row that differs. Rows are counted from 0, the header not
//!   counted (as Parquet rows are elsewhere in this crate).
//! * One file with ids and one without is refused: there is no way to pair them.

use crate::predictions::{PredictionSet, Scores};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

/// The files do not describe the same eval set.
#[derive(Debug, thiserror::Error)]
#[error("{a} and {b} are not the same eval set, so their results are not comparable:\n{details}")]
pub struct AlignError {
    /// The reference file.
    pub a: String,
    /// The other file.
    pub b: String,
    /// One line per kind of difference, with examples.
    pub details: String,
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// Up to five examples and the total count.
fn examples(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(5)
        .map(|i| format!("id {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > 5 {
        let _ = write!(s, ", … ({} in all)", items.len());
    }
    s
}

/// How [`align`] paired the rows of the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// By the id column; every set is in canonical (id) order.
    ById,
    /// No file has an id column: row `i` of every file is the same sample (file order).
    ByPosition,
}

/// Puts `set` in the eval set's canonical order (see the module docs): rows sorted by id when
/// there is an id column, else unchanged.
pub fn canonical_order(set: &mut PredictionSet) {
    let Some(ids) = &set.ids else {
        return;
    };
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by(|&a, &b| ids[a].as_bytes().cmp(ids[b].as_bytes()));
    if order.iter().enumerate().any(|(p, &i)| p != i) {
        permute(set, &order);
    }
}

/// Puts `sets[0]` in canonical order ([`canonical_order`]) and reorders `sets[1..]` to it, by id.
///
/// # Errors
/// When ids (or, without ids, the row count), labels, groups or class lists differ; nothing is
/// reordered then.
pub fn align(sets: &mut [PredictionSet]) -> Result<Pairing, AlignError> {
    let Some((first, rest)) = sets.split_first_mut() else {
        return Ok(Pairing::ById);
    };
    for other in rest.iter() {
        check_same_set(first, other)?;
    }
    if first.ids.is_none() {
        return Ok(Pairing::ByPosition);
    }
    canonical_order(first);
    for other in rest.iter_mut() {
        if let (Some(ids_a), Some(ids_b)) = (&first.ids, &other.ids) {
            let pos: HashMap<&str, usize> = ids_b
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            let order: Vec<usize> = ids_a.iter().map(|id| pos[id.as_str()]).collect();
            permute(other, &order);
        }
    }
    Ok(Pairing::ById)
}

/// The label of row `i` as a class name.
fn label(set: &PredictionSet, i: usize) -> &str {
    set.classes
        .get(set.labels[i] as usize)
        .map_or("", String::as_str)
}

fn check_same_set(a: &PredictionSet, b: &PredictionSet) -> Result<(), AlignError> {
    let err = |details: String| AlignError {
        a: shown(&a.source),
        b: shown(&b.source),
        details,
    };
    let mut lines = Vec::new();
    // Row correspondence: by id, or by position.
    let pairs: Vec<(usize, usize)> = match (&a.ids, &b.ids) {
        (Some(ia), Some(ib)) => {
            let pos_b: HashMap<&str, usize> = ib
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            let pos_a: HashMap<&str, usize> = ia
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_str(), i))
                .collect();
            let only_a: Vec<String> = ia
                .iter()
                .filter(|id| !pos_b.contains_key(id.as_str()))
                .cloned()
                .collect();
            let only_b: Vec<String> = ib
                .iter()
                .filter(|id| !pos_a.contains_key(id.as_str()))
                .cloned()
                .collect();
            if !only_a.is_empty() {
                lines.push(format!(
                    "- only in {}: {}",
                    shown(&a.source),
                    examples(&only_a)
                ));
            }
            if !only_b.is_empty() {
                lines.push(format!(
                    "- only in {}: {}",
                    shown(&b.source),
                    examples(&only_b)
                ));
            }
            ia.iter()
                .enumerate()
                .filter_map(|(i, id)| pos_b.get(id.as_str()).map(|&j| (i, j)))
                .collect()
        }
        (None, None) => {
            if a.len() != b.len() {
                return Err(err(format!(
                    "- neither file has an id column, so rows are paired by position, but {} has {} rows and {} has {}; give both files an id column (--id-col) to pair rows by id",
                    shown(&a.source),
                    a.len(),
                    shown(&b.source),
                    b.len()
                )));
            }
            (0..a.len()).map(|i| (i, i)).collect()
        }
        (Some(_), None) | (None, Some(_)) => {
            let (with, without) = if a.ids.is_some() { (a, b) } else { (b, a) };
            return Err(err(format!(
                "- {} has an id column and {} has none; give both files the same id column (or neither)",
                shown(&with.source),
                shown(&without.source)
            )));
        }
    };
    // Both pairings end alike: the classes are compared only when the rows agree.
    let finish = |mut lines: Vec<String>| {
        if lines.is_empty() && a.classes != b.classes {
            lines.push(format!(
                "- different classes: [{}] vs [{}]",
                a.classes.join(", "),
                b.classes.join(", ")
            ));
        }
        if lines.is_empty() {
            Ok(())
        } else {
            Err(err(lines.join("\n")))
        }
    };
    if a.ids.is_none() {
        // Paired by position: say where the files first stop lining up.
        let first_diff = |what: &str, differs: &dyn Fn(usize) -> Option<(String, String)>| {
            let rows: Vec<(usize, (String, String))> = (0..a.len())
                .filter_map(|i| differs(i).map(|d| (i, d)))
                .collect();
            rows.first().map(|(i, (va, vb))| {
                format!(
                    "- neither file has an id column, so rows are paired by position, but the {what}s differ from row {i} on (rows counted from 0, header excluded): \"{va}\" in {} vs \"{vb}\" in {} ({} of {} rows differ); give both files an id column (--id-col) to pair rows by id",
                    shown(&a.source),
                    shown(&b.source),
                    rows.len(),
                    a.len()
                )
            })
        };
        let labels = |i: usize| {
            (label(a, i) != label(b, i)).then(|| (label(a, i).to_string(), label(b, i).to_string()))
        };
        lines.extend(first_diff("label", &labels));
        match (&a.groups, &b.groups) {
            (Some(ga), Some(gb)) => {
                let groups = |i: usize| (ga[i] != gb[i]).then(|| (ga[i].clone(), gb[i].clone()));
                lines.extend(first_diff("group", &groups));
            }
            (None, None) => {}
            _ => lines.push("- only one file has a group column".to_string()),
        }
        return finish(lines);
    }
    let row_name = |i: usize| {
        a.ids
            .as_ref()
            .map_or_else(String::new, |ids| ids[i].clone())
    };
    let mismatched: Vec<String> = pairs
        .iter()
        .filter(|&&(i, j)| label(a, i) != label(b, j))
        .map(|&(i, j)| {
            format!(
                "{} (\"{}\" vs \"{}\")",
                row_name(i),
                label(a, i),
                label(b, j)
            )
        })
        .collect();
    if !mismatched.is_empty() {
        lines.push(format!("- different labels: {}", examples(&mismatched)));
    }
    match (&a.groups, &b.groups) {
        (Some(ga), Some(gb)) => {
            let diff: Vec<String> = pairs
                .iter()
                .filter(|&&(i, j)| ga[i] != gb[j])
                .map(|&(i, j)| format!("{} (\"{}\" vs \"{}\")", row_name(i), ga[i], gb[j]))
                .collect();
            if !diff.is_empty() {
                lines.push(format!("- different groups: {}", examples(&diff)));
            }
        }
        (None, None) => {}
        _ => lines.push("- only one file has a group column".to_string()),
    }
    finish(lines)
}

/// Row `k` of the result is row `order[k]` of `set`.
fn permute(set: &mut PredictionSet, order: &[usize]) {
    fn gather<T: Clone>(v: &[T], order: &[usize]) -> Vec<T> {
        order.iter().map(|&i| v[i].clone()).collect()
    }
    set.labels = gather(&set.labels, order);
    set.ids = set.ids.as_ref().map(|v| gather(v, order));
    set.groups = set.groups.as_ref().map(|v| gather(v, order));
    for (_, v) in &mut set.meta {
        *v = gather(v, order);
    }
    let k = set.classes.len();
    set.scores = match &set.scores {
        Scores::Binary { score } => Scores::Binary {
            score: gather(score, order),
        },
        Scores::Predictions { pred } => Scores::Predictions {
            pred: gather(pred, order),
        },
        Scores::Probabilities { probs } => Scores::Probabilities {
            probs: order
                .iter()
                .flat_map(|&i| probs[i * k..(i + 1) * k].iter().copied())
                .collect(),
        },
        Scores::Logits { probs } => Scores::Logits {
            probs: order
                .iter()
                .flat_map(|&i| probs[i * k..(i + 1) * k].iter().copied())
                .collect(),
        },
    };
}
