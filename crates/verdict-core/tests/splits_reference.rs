//! `verdict_core::splits` against the reference libraries (fixtures in `tests/fixtures/splits`,
//! made by `python/make_splits_fixtures.py`: scipy, scikit-learn, statsmodels) and on splits built
//! from seed 001's figures. (An integration test, so the pure library reads no file.)

use std::path::Path;

use serde_json::Value;
use verdict_core::diagnostics::{Figure, Finding, Status};
use verdict_core::splits::{
    Split, SplitRules, check_splits, chi2_homogeneity, diff, half_width_at_one_half,
    nmi_from_contingency, normalized_mutual_info, wilson,
};

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/splits")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture JSON")
}

fn case<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["cases"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn table(v: &Value) -> Vec<Vec<u64>> {
    v.as_array()
        .expect("table")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("row")
                .iter()
                .map(|x| x.as_u64().expect("count"))
                .collect()
        })
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

#[track_caller]
fn close(got: f64, want: f64, what: &str) {
    let ok = (got - want).abs() <= 1e-12 + 1e-9 * got.abs().max(want.abs());
    assert!(ok, "{what}: {got} vs reference {want}");
}

const CLASSES: [&str; 5] = [
    "cell_normal",
    "cell_porosity",
    "module_normal",
    "module_porosity",
    "module_resin",
];
/// Seed 001 §1.2 (the current test split) and §6.3 (the old one).
const CURRENT_TEST: [u64; 5] = [10655, 3870, 11089, 9542, 373];
const OLD_TEST: [u64; 5] = [3240, 11316, 1620, 20221, 27];
/// §6.2: train and val of the current split (cell classes only in the report's table).
const CURRENT_TRAIN: [u64; 5] = [35658, 16165, 0, 0, 0];
const CURRENT_VAL: [u64; 5] = [7840, 1861, 0, 0, 0];

/// A split with `counts[c]` rows of class `CLASSES[c]`, ids `<prefix><class>-<i>`.
fn by_counts(name: &str, prefix: &str, counts: &[u64]) -> Split {
    let mut s = Split {
        name: name.into(),
        ..Split::default()
    };
    for (class, &n) in CLASSES.iter().zip(counts) {
        for i in 0..n {
            s.ids.push(format!("{prefix}{class}-{i}"));
            s.labels.push((*class).into());
        }
    }
    s
}

fn findings<'a>(fs: &'a [Finding], id: &str) -> Vec<&'a Finding> {
    fs.iter().filter(|f| f.check == id).collect()
}

fn text<'a>(f: &'a Finding, name: &str) -> &'a str {
    match f.figure(name) {
        Some(Figure::Text(t)) => t,
        other => panic!("{}: figure {name} is {other:?}", f.check),
    }
}

#[test]
fn homogeneity_matches_scipy() {
    let doc = fixture("homogeneity.json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 7);
    for c in cases {
        let name = c["name"].as_str().expect("name");
        let h = chi2_homogeneity(&table(&c["table"])).unwrap_or_else(|| panic!("{name}: None"));
        close(h.chi2, num(&c["chi2"]), &format!("{name} chi2"));
        close(h.p_value, num(&c["p_value"]), &format!("{name} p"));
        close(h.cramers_v, num(&c["cramers_v"]), &format!("{name} V"));
        assert_eq!(Some(h.dof), c["dof"].as_u64(), "{name} dof");
    }
    // Fewer than two non-empty rows or columns: no test.
    assert_eq!(chi2_homogeneity(&[vec![3, 4]]), None);
    assert_eq!(chi2_homogeneity(&[vec![3, 0], vec![5, 0]]), None);
    assert_eq!(chi2_homogeneity(&[vec![3, 4], vec![0, 0]]), None);
    assert_eq!(chi2_homogeneity(&[]), None);
}

#[test]
fn nmi_matches_scikit_learn() {
    let doc = fixture("nmi.json");
    for c in doc["cases"].as_array().expect("cases") {
        let name = c["name"].as_str().expect("name");
        let t = table(&c["contingency"]);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for (i, row) in t.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                for _ in 0..n {
                    x.push(i as u32 * 7 + 3); // codes need not be dense
                    y.push(j as u32);
                }
            }
        }
        let want = num(&c["nmi"]);
        close(normalized_mutual_info(&x, &y), want, name);
        close(
            normalized_mutual_info(&y, &x),
            want,
            &format!("{name} (swapped)"),
        );
        close(nmi_from_contingency(&t), want, &format!("{name} (table)"));
    }
    // Both empty: scikit-learn's 1.0.
    assert_eq!(normalized_mutual_info(&[], &[]), 1.0);
}

#[test]
fn wilson_matches_statsmodels() {
    let doc = fixture("wilson.json");
    for c in doc["counts"].as_array().expect("counts") {
        let (k, n) = (
            c["successes"].as_u64().expect("k"),
            c["n"].as_u64().expect("n"),
        );
        let (lo, hi) = wilson(k, n, num(&c["level"]));
        close(lo, num(&c["low"]), &format!("{k}/{n} low"));
        close(hi, num(&c["high"]), &format!("{k}/{n} high"));
    }
    for c in doc["half_widths_at_one_half"].as_array().expect("half") {
        let n = c["n"].as_u64().expect("n");
        let level = num(&c["level"]);
        close(
            half_width_at_one_half(n, level),
            num(&c["half_width"]),
            &format!("n = {n} at {level}"),
        );
    }
    assert_eq!(wilson(0, 0, 0.95), (0.0, 1.0));
    assert_eq!(half_width_at_one_half(0, 0.95), 0.5);
}

fn wilson_ref(k: u64, n: u64) -> (f64, f64) {
    let doc = fixture("wilson.json");
    let c = doc["counts"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["successes"] == k && c["n"] == n))
        .expect("wilson case");
    (num(&c["low"]), num(&c["high"]))
}

fn half_ref(n: u64) -> f64 {
    let doc = fixture("wilson.json");
    let c = doc["half_widths_at_one_half"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["n"] == n && c["level"] == 0.95))
        .expect("half-width case");
    num(&c["half_width"])
}

/// §6.2: train and val hold only the cell classes, the test split all five: the module classes
/// are absent from two splits (warn), and the homogeneity test is scipy's.
#[test]
fn seed001_current_split_label_drift() {
    let splits = [
        by_counts("train", "tr-", &CURRENT_TRAIN),
        by_counts("val", "va-", &CURRENT_VAL),
        by_counts("test", "te-", &CURRENT_TEST),
    ];
    let r = check_splits(&splits, &SplitRules::default());
    assert_eq!(r.classes, CLASSES);
    assert_eq!(
        r.class_counts,
        [
            CURRENT_TRAIN.to_vec(),
            CURRENT_VAL.to_vec(),
            CURRENT_TEST.to_vec()
        ]
    );
    let doc = fixture("homogeneity.json");
    let want = case(&doc, "current_train_val_test");
    let h = r.label_drift.expect("a test");
    close(h.chi2, num(&want["chi2"]), "chi2");
    close(h.p_value, num(&want["p_value"]), "p");
    close(h.cramers_v, num(&want["cramers_v"]), "V");
    let drift = findings(&r.findings, "label_drift");
    assert_eq!(drift.len(), 1);
    assert_eq!(drift[0].status, Status::Warn);
    assert_eq!(drift[0].figure("cells"), Some(&Figure::Count(6)));
    assert!(text(drift[0], "scarce").starts_with("module_normal (train 0); "));
    close(
        drift[0].number("chi2").expect("chi2"),
        num(&want["chi2"]),
        "figure chi2",
    );
    // Ids are distinct, nothing is grouped or hashed.
    assert!(findings(&r.findings, "id_overlap").is_empty());
    assert!(findings(&r.findings, "group_leakage").is_empty());
    assert!(findings(&r.findings, "duplicate_content").is_empty());
}

/// §5.8: the old test split against the current one: the table of class counts is made
/// automatically, and the sets are not comparable.
#[test]
fn seed001_diff_old_and_current_test() {
    let old = by_counts("test", "", &OLD_TEST);
    let new = by_counts("test", "", &CURRENT_TEST);
    let d = diff(&old, &new);
    assert_eq!(d.classes, CLASSES);
    assert_eq!(d.before, OLD_TEST);
    assert_eq!(d.after, CURRENT_TEST);
    assert!(!d.identical);
    // Ids are `<class>-<i>`: a class that grew adds ids, one that shrank removes them.
    let added: u64 = CURRENT_TEST
        .iter()
        .zip(OLD_TEST)
        .map(|(n, o)| n.saturating_sub(o))
        .sum();
    let removed: u64 = OLD_TEST
        .iter()
        .zip(CURRENT_TEST)
        .map(|(o, n)| o.saturating_sub(n))
        .sum();
    assert_eq!(d.added.len() as u64, added);
    assert_eq!(d.removed.len() as u64, removed);
    assert!(d.relabelled.is_empty() && d.regrouped.is_empty());
    assert!(d.added.windows(2).all(|w| w[0] < w[1]));
    assert!(d.removed.windows(2).all(|w| w[0] < w[1]));
    // The same split against itself, rows reordered.
    let mut shuffled = new.clone();
    shuffled.ids.reverse();
    shuffled.labels.reverse();
    assert!(diff(&new, &shuffled).identical);
    // The chi-squared test of the two versions is scipy's.
    let doc = fixture("homogeneity.json");
    let want = case(&doc, "current_vs_old_test");
    let h = chi2_homogeneity(&[d.after.clone(), d.before.clone()]).expect("test");
    close(h.chi2, num(&want["chi2"]), "chi2");
}

/// 92 / 17 / 25 batteries (§6.4), 10 slices each.
fn batteries(shared: bool) -> Vec<Split> {
    let mut out = Vec::new();
    let mut next = 0;
    for (name, n) in [("train", 92), ("val", 17), ("test", 25)] {
        let mut s = Split {
            name: name.into(),
            groups: Some(Vec::new()),
            ..Split::default()
        };
        for _ in 0..n {
            for i in 0..10 {
                s.ids.push(format!("b{next:03}-{i}"));
                s.labels.push(CLASSES[(next + i) % 5].into());
                s.groups
                    .as_mut()
                    .expect("grouped")
                    .push(format!("b{next:03}"));
            }
            next += 1;
        }
        out.push(s);
    }
    if shared {
        // Battery b000 (train) also gives the test split 3 slices.
        let test = &mut out[2];
        for (i, class) in CLASSES.iter().take(3).enumerate() {
            test.ids.push(format!("b000-test-{i}"));
            test.labels.push((*class).into());
            test.groups.as_mut().expect("grouped").push("b000".into());
        }
    }
    out
}

#[test]
fn seed001_batteries_without_and_with_a_shared_one() {
    let rules = SplitRules::default();
    let clean = check_splits(&batteries(false), &rules);
    assert!(findings(&clean.findings, "group_leakage").is_empty());
    assert!(clean.shared_groups.is_empty());
    let groups: Vec<Option<u64>> = clean.small.iter().map(|s| s.groups).collect();
    assert_eq!(groups, [Some(92), Some(17), Some(25)]);
    close(
        clean.small[1].group_half_width.expect("val"),
        half_ref(17),
        "val groups",
    );
    close(
        clean.small[2].group_half_width.expect("test"),
        half_ref(25),
        "test groups",
    );
    close(
        clean.small[0].group_half_width.expect("train"),
        half_ref(92),
        "train groups",
    );
    // val and test are too small at the group level; train is not judged.
    let small: Vec<&str> = findings(&clean.findings, "small_split")
        .iter()
        .map(|f| text(f, "split"))
        .collect();
    assert_eq!(small, ["val", "test"]);

    let leaky = check_splits(&batteries(true), &rules);
    let f = findings(&leaky.findings, "group_leakage");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status, Status::Fail);
    assert_eq!(f[0].figure("groups"), Some(&Figure::Count(1)));
    assert_eq!(f[0].figure("total"), Some(&Figure::Count(134)));
    assert_eq!(text(f[0], "shared"), "b000 (train 10, test 3)");
    assert_eq!(text(f[0], "held"), "train 10/920, test 3/253");
    assert_eq!(leaky.shared_groups[0].rows, [10, 0, 3]);
    assert_eq!(leaky.findings[0].check, "group_leakage", "registry order");
}

/// §5.2 on the current test split, labels normal/defect: the x slices are 99.97% normal.
fn axis_split(name: &str, with_x: bool, y_z: (u64, u64)) -> Split {
    let mut s = Split {
        name: name.into(),
        ..Split::default()
    };
    let mut axis = Vec::new();
    let mut rows = vec![("y", y_z.0, y_z.1), ("z", y_z.0, y_z.1)];
    if with_x {
        rows.insert(0, ("x", 8920, 3));
    }
    for (value, normal, defect) in rows {
        for (label, n) in [("normal", normal), ("defect", defect)] {
            for i in 0..n {
                s.ids.push(format!("{name}-{value}-{label}-{i}"));
                s.labels.push(label.into());
                axis.push(value.to_string());
            }
        }
    }
    s.meta.push(("axis".into(), axis));
    s
}

#[test]
fn seed001_axis_shortcut() {
    let test = axis_split("test", true, (6412, 6891));
    assert_eq!(test.len(), 35529);
    let r = check_splits(std::slice::from_ref(&test), &SplitRules::default());
    let doc = fixture("nmi.json");
    let s = &r.shortcuts[0];
    assert_eq!(s.column, "axis");
    close(s.nmi, num(&case(&doc, "axis_x_normal")["nmi"]), "nmi");
    let x = &s.values[0];
    assert_eq!(
        (x.value.as_str(), x.n, x.majority_label.as_str()),
        ("x", 8923, "normal")
    );
    close(x.share, 8920.0 / 8923.0, "share");
    let (lo, hi) = wilson_ref(8920, 8923);
    close(x.ci.0, lo, "ci low");
    close(x.ci.1, hi, "ci high");
    let f = findings(&r.findings, "metadata_shortcut");
    assert_eq!(f.len(), 1);
    assert_eq!(text(f[0], "value"), "x");
    close(
        f[0].number("overall_share").expect("overall"),
        21744.0 / 35529.0,
        "overall",
    );
    // NMI alone (0.17) is under 0.5; the share rule fires. Without the gap it would not.
    let strict = SplitRules {
        shortcut_gap: 0.5,
        ..SplitRules::default()
    };
    assert!(
        findings(
            &check_splits(std::slice::from_ref(&test), &strict).findings,
            "metadata_shortcut"
        )
        .is_empty()
    );
}

/// §5.10: a training split without x slices, a test split with them.
#[test]
fn seed001_train_without_x_slices() {
    // no_x train (§6.2): 105,224 rows of y and z.
    let train = axis_split("train", false, (26306, 26306));
    assert_eq!(train.len(), 105224);
    let test = axis_split("test", true, (6412, 6891));
    let r = check_splits(&[train, test], &SplitRules::default());
    let f = findings(&r.findings, "condition_mismatch");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(text(f[0], "present"), "test");
    assert_eq!(text(f[0], "missing"), "train");
    assert_eq!(text(f[0], "values"), "x");
    assert_eq!(text(f[0], "absent"), "yes");
    assert_eq!(f[0].figure("rows"), Some(&Figure::Count(8923)));
    close(
        f[0].number("share").expect("share"),
        8923.0 / 35529.0,
        "share",
    );
}

#[test]
fn edge_cases() {
    let rules = SplitRules::default();
    // An empty split.
    let train = by_counts("train", "tr-", &[40, 40, 40, 40, 40]);
    let empty = Split {
        name: "test".into(),
        ..Split::default()
    };
    let r = check_splits(&[train.clone(), empty.clone()], &rules);
    assert_eq!(r.label_drift, None);
    assert!(
        findings(&r.findings, "label_drift").is_empty(),
        "an empty split is small_split's"
    );
    let small = findings(&r.findings, "small_split");
    assert_eq!(small.len(), 1);
    assert_eq!(small[0].figure("n"), Some(&Figure::Count(0)));
    assert_eq!(small[0].number("half_width"), Some(0.5));
    // Nothing at all.
    let none = check_splits(&[], &rules);
    assert!(none.findings.is_empty() && none.classes.is_empty());
    let only_empty = check_splits(&[empty], &rules);
    assert_eq!(only_empty.class_counts, [Vec::<u64>::new()]);

    // A split with one class: the others are absent from it.
    let one = by_counts("test", "te-", &[500, 0, 0, 0, 0]);
    let r = check_splits(&[train.clone(), one], &rules);
    let drift = findings(&r.findings, "label_drift");
    assert_eq!(drift[0].figure("cells"), Some(&Figure::Count(4)));
    assert_eq!(
        text(drift[0], "scarce"),
        "cell_porosity (test 0); module_normal (test 0); module_porosity (test 0); module_resin (test 0)"
    );
    assert!(r.label_drift.is_some());

    // No groups: no group checks, no group-level interval.
    assert!(
        r.small
            .iter()
            .all(|s| s.groups.is_none() && s.group_half_width.is_none())
    );

    // 10,000 groups, every one in both splits: counted in full, 20 named.
    let grouped = |name: &str| {
        let mut s = Split {
            name: name.into(),
            groups: Some(Vec::new()),
            ..Split::default()
        };
        for g in 0..10_000 {
            s.ids.push(format!("{name}-{g}"));
            s.labels.push(if g % 2 == 0 { "a" } else { "b" }.into());
            s.groups.as_mut().expect("grouped").push(format!("g{g:05}"));
        }
        s
    };
    let r = check_splits(&[grouped("train"), grouped("test")], &rules);
    let f = findings(&r.findings, "group_leakage");
    assert_eq!(f[0].figure("groups"), Some(&Figure::Count(10_000)));
    let shared = text(f[0], "shared");
    assert_eq!(shared.matches("; ").count(), 20, "20 named, then …");
    assert!(shared.starts_with("g00000 (train 1, test 1); g00001 (train 1, test 1)"));
    assert!(shared.ends_with("; …"));
    assert_eq!(r.small[1].groups, Some(10_000));
}
