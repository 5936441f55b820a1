//! Unit tests of the split checks that need no reference values (those are in
//! `tests/splits_reference.rs`).

use super::*;
use crate::diagnostics::{Figure, Status};

fn split(name: &str, ids: &[&str], labels: &[&str]) -> Split {
    Split {
        name: name.into(),
        ids: ids.iter().map(|s| s.to_string()).collect(),
        labels: labels.iter().map(|s| s.to_string()).collect(),
        ..Split::default()
    }
}

fn text(f: &Finding, name: &str) -> String {
    match f.figure(name) {
        Some(Figure::Text(t)) => t.clone(),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn ids_across_and_within_splits() {
    let a = split("train", &["1", "2", "2", "3"], &["x", "y", "y", "x"]);
    let b = split("test", &["3", "4", "3", "1"], &["x", "y", "x", "x"]);
    let r = check_splits(&[a, b], &SplitRules::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "id_overlap")
        .expect("id_overlap");
    assert_eq!(f.status, Status::Warn);
    assert_eq!(f.figure("across"), Some(&Figure::Count(2)));
    assert_eq!(
        text(f, "shared"),
        "1 (train 1, test 1); 3 (train 1, test 2)"
    );
    assert_eq!(f.figure("within"), Some(&Figure::Count(2)));
    assert_eq!(text(f, "within_splits"), "train 1, test 1");
}

#[test]
fn ids_repeated_within_one_split_only() {
    let a = split("train", &["1", "1", "1"], &["x", "x", "x"]);
    let b = split("test", &["2"], &["x"]);
    let r = check_splits(&[a, b], &SplitRules::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "id_overlap")
        .expect("id_overlap");
    assert_eq!(f.figure("across"), Some(&Figure::Count(0)));
    assert_eq!(text(f, "shared"), "-");
    assert_eq!(text(f, "within_splits"), "train 2");
}

#[test]
fn content_hashes() {
    let mut a = split("train", &["a", "b", "c"], &["x", "y", "x"]);
    a.hashes = Some(vec!["h1".into(), "h2".into(), "h1".into()]);
    let mut b = split("test", &["d", "e"], &["x", "y"]);
    b.hashes = Some(vec!["h1".into(), "h3".into()]);
    let r = check_splits(&[a.clone(), b], &SplitRules::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "duplicate_content")
        .expect("found");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.figure("across"), Some(&Figure::Count(1)));
    assert_eq!(text(f, "shared"), "train: a, c = test: d");
    assert_eq!(f.figure("within"), Some(&Figure::Count(1)));
    // Within one split only: a warning.
    let r = check_splits(&[a], &SplitRules::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "duplicate_content")
        .expect("found");
    assert_eq!(f.status, Status::Warn);
    // No hash column: not checked.
    let r = check_splits(&[split("t", &["a"], &["x"])], &SplitRules::default());
    assert!(r.findings.iter().all(|f| f.check != "duplicate_content"));
}

#[test]
fn significant_drift_alone_is_information() {
    let mut a = split("train", &[], &[]);
    let mut b = split("test", &[], &[]);
    for i in 0..400 {
        a.ids.push(format!("a{i}"));
        a.labels.push(if i < 300 { "x" } else { "y" }.into());
        b.ids.push(format!("b{i}"));
        b.labels.push(if i < 100 { "x" } else { "y" }.into());
    }
    let r = check_splits(&[a, b], &SplitRules::default());
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "label_drift")
        .expect("drift");
    assert_eq!(f.status, Status::Info);
    assert_eq!(text(f, "kind"), "differs");
    assert!(f.number("p_value").expect("p") < 1e-10);
}

#[test]
fn nmi_alone_fires_the_shortcut() {
    // A site column that decides the label, every value under shortcut_min_n rows.
    let mut s = split("train", &[], &[]);
    let mut site = Vec::new();
    for i in 0..120 {
        s.ids.push(i.to_string());
        s.labels.push(if i % 4 < 2 { "a" } else { "b" }.into());
        site.push(format!("s{}", i % 4));
    }
    s.meta.push(("site".into(), site));
    let r = check_splits(&[s], &SplitRules::default());
    assert!(
        (r.shortcuts[0].nmi - 2.0 / 3.0).abs() < 1e-12,
        "{}",
        r.shortcuts[0].nmi
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "metadata_shortcut")
        .expect("shortcut");
    assert_eq!(
        f.subject,
        crate::diagnostics::Subject::Column("site".into())
    );
    assert_eq!(text(f, "value"), "s0", "ties: the first value");
}

#[test]
fn rare_but_present_values_and_splits_without_the_column() {
    let rules = SplitRules::default();
    let mut a = split("train", &[], &[]);
    let mut b = split("test", &[], &[]);
    let mut va = Vec::new();
    let mut vb = Vec::new();
    for i in 0..1000 {
        a.ids.push(format!("a{i}"));
        a.labels.push("x".into());
        va.push(if i < 5 { "night" } else { "day" }.to_string());
        b.ids.push(format!("b{i}"));
        b.labels.push("x".into());
        vb.push(if i < 300 { "night" } else { "day" }.to_string());
    }
    a.meta.push(("light".into(), va));
    b.meta.push(("light".into(), vb));
    let c = split("extra", &["c"], &["x"]);
    let r = check_splits(&[a, b, c], &rules);
    let f: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.check == "condition_mismatch")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(text(f[0], "absent"), "no");
    assert_eq!(f[0].figure("rows"), Some(&Figure::Count(300)));
}

#[test]
fn diff_relabels_and_regroups() {
    let mut old = split("test", &["1", "2", "3", "4"], &["a", "b", "a", "b"]);
    old.groups = Some(vec!["g1".into(), "g1".into(), "g2".into(), "g2".into()]);
    let mut new = split("test", &["3", "2", "1", "5"], &["a", "a", "a", "b"]);
    new.groups = Some(vec!["g3".into(), "g1".into(), "g1".into(), "g2".into()]);
    let d = diff(&old, &new);
    assert_eq!(d.added, ["5"]);
    assert_eq!(d.removed, ["4"]);
    assert_eq!(d.relabelled, [("2".into(), "b".into(), "a".into())]);
    assert_eq!(d.regrouped, [("3".into(), "g2".into(), "g3".into())]);
    assert_eq!(d.classes, ["a", "b"]);
    assert_eq!((d.before, d.after), (vec![2, 2], vec![3, 1]));
    assert!(!d.identical);
    assert!(diff(&old, &old).identical);
    // Without groups on one side, groups are not compared but rows differ.
    let mut ungrouped = old.clone();
    ungrouped.groups = None;
    let d = diff(&old, &ungrouped);
    assert!(d.regrouped.is_empty() && !d.identical);
}

#[test]
fn rules_defaults() {
    let r = SplitRules::default();
    assert_eq!((r.min_class, r.shortcut_min_n, r.listed), (30, 100, 20));
    assert_eq!(
        (
            r.shortcut_share,
            r.shortcut_gap,
            r.shortcut_nmi,
            r.condition_share,
            r.level
        ),
        (0.95, 0.2, 0.5, 0.01, 0.95)
    );
    assert_eq!((r.max_half_width, r.alpha), (0.05, 0.05));
}
