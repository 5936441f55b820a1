//! The decisions that turn a file's columns into an evaluation's input, made once for every front
//! end (the CLI, the server, the Python package): whether binary scores are probabilities, the
//! classes of a binary task whose labels hold one class, group and slice indices.
//!
//! They live here, not in a front end, because they change numbers: whether scores count as
//! probabilities switches log loss, the Brier score and calibration on or off, and the class order
//! decides which class is positive. Each rule is a pure function with its tests beside it.

use std::collections::BTreeMap;

/// Binary scores are **probabilities** when every one lies in `[0, 1]` (both ends included; a NaN
/// is not in the range, so a NaN makes the scores raw). Only then are log loss, the Brier score and
/// calibration computed: a margin or a logit has no probability to be calibrated. An empty column
/// counts as probabilities (there is nothing that is not one).
pub fn scores_are_probabilities(scores: &[f64]) -> bool {
    scores.iter().all(|s| (0.0..=1.0).contains(s))
}

/// The two classes of a binary task, with the labels (and hard predictions) re-indexed into them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryClasses {
    /// Both class names, in order.
    pub classes: Vec<String>,
    /// True class of each sample, indexing `classes`.
    pub labels: Vec<u32>,
    /// Hard predictions indexing `classes`, when the model gave predictions.
    pub pred: Option<Vec<u32>>,
    /// The positive class.
    pub positive: usize,
}

/// A binary task whose labels hold a single class still needs two classes to report on. The missing
/// one is added: for an integer label `v` the other of 0/1 (`0` → `1`, `1` or any other → `0`;
/// a negative label gets `0` after it), else `not <class>`, placed so the classes stay in
/// scikit-learn's sorted order where that is defined (`0` before `1`; `not <class>` first). The
/// positive class is `positive` (an index into `classes`) when given, else the greater (last)
/// class, as scikit-learn's default `pos_label=1`.
pub fn complete_binary_classes(
    classes: &[String],
    labels: &[u32],
    pred: Option<&[u32]>,
    positive: Option<usize>,
) -> BinaryClasses {
    let mut out_classes = classes.to_vec();
    let mut out_labels = labels.to_vec();
    let mut out_pred = pred.map(<[u32]>::to_vec);
    if out_classes.len() == 1 {
        let only = out_classes[0].clone();
        let (other, other_first) = match only.parse::<i64>() {
            Ok(v) if v <= 0 => (if v == 0 { "1" } else { "0" }.to_string(), v == 1),
            Ok(_) => ("0".to_string(), true),
            Err(_) => (format!("not {only}"), true),
        };
        if other_first {
            out_classes.insert(0, other);
            out_labels.iter_mut().for_each(|l| *l += 1);
            if let Some(p) = out_pred.as_mut() {
                p.iter_mut().for_each(|l| *l += 1);
            }
        } else {
            out_classes.push(other);
        }
    }
    let positive = match positive {
        Some(i) if classes.len() > 1 => i,
        Some(i) => out_classes
            .iter()
            .position(|c| Some(c) == classes.get(i))
            .unwrap_or(1),
        None => out_classes.len() - 1,
    };
    BinaryClasses {
        classes: out_classes,
        labels: out_labels,
        pred: out_pred,
        positive,
    }
}

/// Dense group indices in sorted group-name order, and the number of groups: what the cluster
/// bootstrap resamples.
pub fn group_indices(groups: &[String]) -> (Vec<u32>, usize) {
    let mut names: Vec<&str> = groups.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let index: BTreeMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, i as u32))
        .collect();
    (
        groups.iter().map(|g| index[g.as_str()]).collect(),
        names.len(),
    )
}

/// The rows of each distinct value of a column, values in sorted (byte) order and rows ascending:
/// the slices `verdict eval --by` evaluates, and the subsets and classes of a retrieval summary.
pub fn rows_by_value<S: AsRef<str>>(values: &[S]) -> BTreeMap<&str, Vec<usize>> {
    let mut rows: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        rows.entry(v.as_ref()).or_default().push(i);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn probabilities_are_scores_inside_the_unit_interval() {
        assert!(scores_are_probabilities(&[0.0, 0.5, 1.0]));
        assert!(scores_are_probabilities(&[]));
        assert!(!scores_are_probabilities(&[0.2, 1.0000001]));
        assert!(!scores_are_probabilities(&[-0.0001, 0.5]));
        assert!(!scores_are_probabilities(&[0.5, f64::NAN]));
        assert!(!scores_are_probabilities(&[2.3, -1.7]));
        // -0.0 is in [0, 1]: IEEE compares it equal to 0.
        assert!(scores_are_probabilities(&[-0.0]));
    }

    #[test]
    fn a_lone_zero_class_gains_one_after_it() {
        let b = complete_binary_classes(&s(&["0"]), &[0, 0], Some(&[0, 0]), None);
        assert_eq!(b.classes, s(&["0", "1"]));
        assert_eq!(b.labels, vec![0, 0]);
        assert_eq!(b.pred, Some(vec![0, 0]));
        assert_eq!(b.positive, 1);
    }

    #[test]
    fn a_lone_one_class_gains_zero_before_it() {
        let b = complete_binary_classes(&s(&["1"]), &[0, 0], None, None);
        assert_eq!(b.classes, s(&["0", "1"]));
        assert_eq!(b.labels, vec![1, 1]);
        assert_eq!(b.positive, 1);
    }

    #[test]
    fn a_lone_text_class_gains_its_negation_first() {
        let b = complete_binary_classes(&s(&["smile"]), &[0], Some(&[0]), None);
        assert_eq!(b.classes, s(&["not smile", "smile"]));
        assert_eq!(b.labels, vec![1]);
        assert_eq!(b.pred, Some(vec![1]));
        assert_eq!(b.positive, 1);
    }

    #[test]
    fn a_named_positive_class_follows_the_reindexing() {
        // `--positive smile` on a file holding only `smile`: still the positive class.
        let b = complete_binary_classes(&s(&["smile"]), &[0], None, Some(0));
        assert_eq!(b.positive, 1);
        // Two classes: the given index stands.
        let b = complete_binary_classes(&s(&["a", "b"]), &[0, 1], None, Some(0));
        assert_eq!(b.positive, 0);
        assert_eq!(b.classes, s(&["a", "b"]));
    }

    #[test]
    fn groups_are_indexed_in_name_order() {
        let (idx, k) = group_indices(&s(&["b", "a", "b", "c"]));
        assert_eq!(idx, vec![1, 0, 1, 2]);
        assert_eq!(k, 3);
    }

    #[test]
    fn rows_are_grouped_by_sorted_value() {
        let v = s(&["x", "y", "x", "A"]);
        let rows = rows_by_value(&v);
        let got: Vec<(&str, Vec<usize>)> = rows.into_iter().collect();
        assert_eq!(got, vec![("A", vec![3]), ("x", vec![0, 2]), ("y", vec![1])]);
    }
}
