//! Integration tests: pandas-written fixtures (tests/fixtures/make_fixtures.py) in every format,
//! every error message in full, task inference, class order and the fingerprint.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use verdict_io::{
    Format, Inputs, Locator, Normalized, Position, PredictionError, PredictionOptions,
    PredictionSet, ReadError, ReadOptions, Scores, Task, Values, fingerprint, load_predictions,
    read_table, row_sum_tolerance,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Write `contents` to a fresh file named `name` (unique directory per call).
fn file(name: &str, contents: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "verdict-io-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn load(path: &Path) -> Result<PredictionSet, PredictionError> {
    load_predictions(path, &ReadOptions::default(), &PredictionOptions::default())
}

fn load_with(path: &Path, opts: &PredictionOptions) -> Result<PredictionSet, PredictionError> {
    load_predictions(path, &ReadOptions::default(), opts)
}

fn err(path: &Path) -> String {
    load(path).unwrap_err().to_string()
}

fn err_with(path: &Path, opts: &PredictionOptions) -> String {
    load_with(path, opts).unwrap_err().to_string()
}

fn d(p: &Path) -> String {
    p.display().to_string()
}

fn probs(set: &PredictionSet) -> &[f64] {
    match &set.scores {
        Scores::Probabilities { probs } | Scores::Logits { probs } => probs,
        other => panic!("expected probabilities, got {other:?}"),
    }
}

fn binary_scores(set: &PredictionSet) -> &[f64] {
    match &set.scores {
        Scores::Binary { score } => score,
        other => panic!("expected binary scores, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------- table

#[test]
fn csv_types_nulls_special_floats_and_quoted_newlines() {
    let path = fixture("types.csv");
    let t = read_table(&path, &ReadOptions::default()).unwrap();
    assert_eq!(t.format, Format::Csv);
    assert_eq!(t.n_rows, 4);
    assert_eq!(t.all_columns, ["id", "note", "score", "label", "big"]);
    let id = t.column("id").unwrap();
    assert_eq!(id.values, Values::I64(vec![7, 8, 9, 10]));
    assert_eq!(id.nulls, None);
    let note = t.column("note").unwrap();
    assert_eq!(
        note.values,
        Values::Str(vec![
            "plain".into(),
            "two\nlines".into(),
            "comma, inside".into(),
            String::new()
        ])
    );
    assert_eq!(note.nulls, Some(vec![false, false, false, true]));
    let Values::F64(score) = &t.column("score").unwrap().values else {
        panic!()
    };
    assert_eq!(score[0], 0.5);
    assert_eq!(score[1], f64::INFINITY);
    assert_eq!(score[3], f64::NEG_INFINITY);
    assert!(t.column("score").unwrap().is_null(2));
    let label = t.column("label").unwrap();
    assert!(matches!(&label.values, Values::F64(v) if v[..3] == [1.0, 0.0, 1.0]));
    assert_eq!(label.text(0).as_deref(), Some("1.0"));
    // Too big for i64: a float that keeps its digits.
    let big = t.column("big").unwrap();
    assert!(matches!(big.values, Values::F64(_)));
    assert_eq!(big.text(0).as_deref(), Some("12345678901234567890"));
    assert_eq!(big.text(1).as_deref(), Some("1"));
    // Row 1 spans lines 3-4, so row 2 starts on line 5.
    assert_eq!(
        t.locator,
        Locator::Lines {
            first: 2,
            lines: Some(vec![2, 3, 5, 6])
        }
    );
    assert_eq!(
        t.locate(2, "score").to_string(),
        format!("{}:5: column \"score\"", d(&path))
    );
}

#[test]
fn tsv_and_semicolon_delimiters_are_detected() {
    let csv = read_table(&fixture("binary.csv"), &ReadOptions::default()).unwrap();
    let tsv = read_table(&fixture("binary.tsv"), &ReadOptions::default()).unwrap();
    assert_eq!(csv.columns, tsv.columns);
    let semi = file("semi.csv", "label;score\n1;0,5\n0;0,25\n");
    let t = read_table(&semi, &ReadOptions::default()).unwrap();
    assert_eq!(t.all_columns, ["label", "score"]);
    // Decimal commas are text, not numbers: the validator will say so.
    assert_eq!(
        t.column("score").unwrap().values,
        Values::Str(vec!["0,5".into(), "0,25".into()])
    );
    // An explicit delimiter wins.
    let opts = ReadOptions {
        delimiter: Some(b','),
        ..Default::default()
    };
    assert_eq!(
        read_table(&semi, &opts).unwrap_err().to_string(),
        format!(
            "{}:2: expected 1 fields as in the header, found 2",
            d(&semi)
        )
    );
}

#[test]
fn csv_blank_lines_and_unnamed_columns() {
    let path = file("p.csv", ",label,score\n0,1,0.5\n\n1,0,0.25\n");
    let t = read_table(&path, &ReadOptions::default()).unwrap();
    assert_eq!(t.all_columns, ["Unnamed: 0", "label", "score"]);
    assert_eq!(t.n_rows, 2);
    assert_eq!(t.locator.position(1), Position::Line(4));
}

#[test]
fn parquet_every_pandas_type() {
    let t = read_table(&fixture("types.parquet"), &ReadOptions::default()).unwrap();
    assert_eq!(t.format, Format::Parquet);
    assert_eq!(t.n_rows, 4);
    let col = |n: &str| t.column(n).unwrap();
    for n in ["i8", "i16", "i32"] {
        assert_eq!(col(n).values, Values::I64(vec![1, -2, 3, 4]), "{n}");
    }
    assert_eq!(col("i64").values, Values::I64(vec![1, -2, 3, 1 << 62]));
    assert_eq!(col("u8").values, Values::I64(vec![1, 2, 3, 255]));
    assert_eq!(col("u32").values, Values::I64(vec![1, 2, 3, 4_000_000_000]));
    assert_eq!(col("u64").values, Values::I64(vec![1, 2, 3, 4]));
    assert_eq!(col("f32").values, Values::F64(vec![0.5, 0.25, -1.5, 2.0]));
    let Values::F64(f) = &col("f64").values else {
        panic!()
    };
    assert!(f[0] == 0.1 && f[2] == f64::INFINITY && f[3] == f64::NEG_INFINITY);
    // pandas writes NaN as a Parquet null; infinities stay values.
    assert_eq!(col("f64").nulls, Some(vec![false, true, false, false]));
    assert_eq!(col("b").values, Values::Bool(vec![true, false, true, true]));
    assert_eq!(col("b").text(0).as_deref(), Some("True"));
    assert_eq!(
        col("nullable_int").nulls,
        Some(vec![false, true, false, false])
    );
    assert!(
        matches!(&col("nullable_int").values, Values::I64(v) if v[0] == 1 && v[2] == 3 && v[3] == 4)
    );
    assert_eq!(
        col("nullable_bool").nulls,
        Some(vec![false, true, false, false])
    );
    assert_eq!(col("s").nulls, Some(vec![false, false, true, false]));
    assert_eq!(col("s").text(3).as_deref(), Some("d"));
    assert_eq!(
        col("cat").values,
        Values::Str(vec!["x".into(), "y".into(), "x".into(), String::new()])
    );
    assert_eq!(col("cat").nulls, Some(vec![false, false, false, true]));
    assert_eq!(col("int_cat").values, Values::I64(vec![1, 2, 2, 1]));
    assert_eq!(col("pyarrow_str").text(1).as_deref(), Some("q"));
    assert!(col("pyarrow_str").is_null(2));
    assert_eq!(
        t.locate(3, "s").to_string(),
        format!("{}: row 3: column \"s\"", d(&fixture("types.parquet")))
    );
}

#[test]
fn parquet_dictionary_row_groups_and_zstd() {
    let t = read_table(&fixture("multiclass.parquet"), &ReadOptions::default()).unwrap();
    assert_eq!(t.n_rows, 8);
    let label = t.column("label").unwrap();
    let expected = ["bird", "cat", "dog", "bird", "cat", "dog", "cat", "dog"];
    assert_eq!(
        label.values,
        Values::Str(expected.iter().map(|s| s.to_string()).collect())
    );
    assert_eq!(
        t.column("site").unwrap().nulls,
        Some(vec![false, false, true, false, false, false, true, false])
    );
}

#[test]
fn parquet_projection() {
    let path = fixture("binary.parquet");
    let opts = ReadOptions {
        columns: Some(vec!["score".into()]),
        ..Default::default()
    };
    let t = read_table(&path, &opts).unwrap();
    assert_eq!(t.columns.len(), 1);
    assert_eq!(t.columns[0].name, "score");
    assert_eq!(t.all_columns, ["id", "label", "score", "group"]);
    let opts = ReadOptions {
        columns: Some(vec!["scores".into()]),
        ..Default::default()
    };
    assert_eq!(
        read_table(&path, &opts).unwrap_err().to_string(),
        format!(
            "{}: missing column \"scores\"; the file has columns: id, label, score, group",
            d(&path)
        )
    );
}

#[test]
fn parquet_unsupported_type_names_column_and_type() {
    let path = fixture("timestamp.parquet");
    assert_eq!(
        read_table(&path, &ReadOptions::default())
            .unwrap_err()
            .to_string(),
        format!(
            "{}: column \"when\" has type Timestamp(µs); expected a number, boolean or string column",
            d(&path)
        )
    );
    // Not selected, not read: predictions from the same file only need the label.
    assert!(matches!(err(&path).as_str(), s if s.contains("no predictions")));
}

#[test]
fn jsonl_reads_like_csv() {
    let csv = read_table(&fixture("binary.csv"), &ReadOptions::default()).unwrap();
    let jsonl = read_table(&fixture("binary.jsonl"), &ReadOptions::default()).unwrap();
    assert_eq!(jsonl.format, Format::Jsonl);
    assert_eq!(csv.columns, jsonl.columns);
}

#[test]
fn jsonl_blank_lines_missing_keys_and_mixed_types() {
    let path = file(
        "p.jsonl",
        "{\"label\": 1, \"score\": 0.5}\n\n{\"label\": \"x\", \"extra\": true}\r\n{\"score\": 1}\n",
    );
    let t = read_table(&path, &ReadOptions::default()).unwrap();
    assert_eq!(t.n_rows, 3);
    assert_eq!(t.all_columns, ["label", "score", "extra"]);
    assert_eq!(
        t.column("label").unwrap().values,
        Values::Str(vec!["1".into(), "x".into(), String::new()])
    );
    assert_eq!(
        t.column("label").unwrap().nulls,
        Some(vec![false, false, true])
    );
    let score = t.column("score").unwrap();
    assert_eq!(score.values, Values::F64(vec![0.5, 0.0, 1.0]));
    assert_eq!(score.text(2).as_deref(), Some("1"));
    assert_eq!(
        t.column("extra").unwrap().nulls,
        Some(vec![true, false, true])
    );
    assert_eq!(t.locator.position(1), Position::Line(3));
    assert_eq!(t.locator.position(2), Position::Line(4));
}

#[test]
fn jsonl_skips_a_utf8_bom_like_csv() {
    let body = "{\"label\": 1, \"score\": 0.5}\n{\"label\": 0, \"score\": 0.25}\n";
    let plain = read_table(&file("p.jsonl", body), &ReadOptions::default()).unwrap();
    let bom = read_table(
        &file("p.jsonl", &format!("\u{feff}{body}")),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(bom.all_columns, ["label", "score"]);
    assert_eq!(bom.columns, plain.columns);
    // Only a leading mark is skipped: one inside the file is still an error with its line.
    let inner = file("p.jsonl", &format!("{body}\u{feff}{body}"));
    let e = read_table(&inner, &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(e.starts_with(&format!("{}:3:", inner.display())), "{e}");
}

// ------------------------------------------------------------------------------------ predictions

#[test]
fn binary_is_the_same_in_every_format() {
    let sets: Vec<PredictionSet> = ["binary.csv", "binary.tsv", "binary.parquet", "binary.jsonl"]
        .iter()
        .map(|f| load(&fixture(f)).unwrap())
        .collect();
    let first = &sets[0];
    assert_eq!(first.task, Task::Binary);
    assert_eq!(first.classes, ["0", "1"]);
    assert_eq!(first.positive, Some(1));
    assert_eq!(first.inputs, Inputs::Scores);
    assert_eq!(first.labels, [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0]);
    assert_eq!(binary_scores(first)[11], 1e-5);
    assert_eq!(first.ids.as_ref().unwrap()[3], "s03");
    assert_eq!(first.groups.as_ref().unwrap()[4], "c");
    assert_eq!(first.group_column.as_deref(), Some("group"));
    for s in &sets[1..] {
        assert_eq!(
            (&s.classes, &s.labels, &s.scores, &s.ids, &s.groups),
            (
                &first.classes,
                &first.labels,
                &first.scores,
                &first.ids,
                &first.groups
            )
        );
        assert_eq!(fingerprint(s), fingerprint(first));
    }
}

#[test]
fn multiclass_probabilities_from_parquet_and_csv() {
    let opts = PredictionOptions {
        keep: vec!["site".into()],
        ..Default::default()
    };
    let pq = load_with(&fixture("multiclass.parquet"), &opts).unwrap();
    assert_eq!(pq.task, Task::Multiclass);
    assert_eq!(pq.inputs, Inputs::Probabilities);
    assert_eq!(pq.classes, ["bird", "cat", "dog"]);
    assert_eq!(pq.positive, None);
    assert_eq!(pq.labels, [0, 1, 2, 0, 1, 2, 1, 2]);
    let p = probs(&pq);
    assert_eq!(p.len(), 24);
    assert!((p[3] - 0.1).abs() < 1e-6 && (p[4] - 0.8).abs() < 1e-6);
    assert_eq!(
        pq.meta,
        [(
            "site".to_string(),
            ["x", "y", "", "x", "y", "x", "", "y"]
                .map(String::from)
                .to_vec()
        )]
    );
    assert_eq!(pq.ids.as_ref().unwrap()[7], "7");

    let csv = load_with(&fixture("multiclass.csv"), &opts).unwrap();
    assert_eq!(
        (&csv.classes, &csv.labels, &csv.meta),
        (&pq.classes, &pq.labels, &pq.meta)
    );
    assert!(probs(&csv).iter().zip(p).all(|(a, b)| (a - b).abs() < 1e-6));
    assert_eq!(fingerprint(&csv), fingerprint(&pq));
}

#[test]
fn multiclass_jsonl_orders_integer_classes_numerically() {
    let set = load(&fixture("multiclass.jsonl")).unwrap();
    assert_eq!(set.classes, ["0", "1", "2", "10"]);
    assert_eq!(set.labels, [2, 0, 1, 3, 2]);
    // Row 0: prob_0, prob_1, prob_2, prob_10 in class order.
    assert_eq!(&probs(&set)[..4], &[0.1, 0.1, 0.7, 0.1]);
}

#[test]
fn logits_become_probabilities_stably() {
    let set = load(&fixture("logits.csv")).unwrap();
    assert_eq!(set.inputs, Inputs::Logits);
    assert_eq!(set.task, Task::Multiclass);
    assert_eq!(set.classes, ["dent", "ok", "scratch"]);
    assert_eq!(set.labels, [1, 2, 0, 1, 0]);
    let p = probs(&set);
    let e = [(-1.0f64).exp(), 2.0f64.exp(), 1.0];
    let s: f64 = e.iter().sum();
    assert!((p[0] - e[0] / s).abs() < 1e-12 && (p[1] - e[1] / s).abs() < 1e-12);
    // Logits of 1000 and 999: no overflow.
    let last = &p[12..15];
    assert!(last.iter().all(|x| x.is_finite()));
    assert!((last[0] - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-12);
}

#[test]
fn predictions_only_join_the_class_set() {
    let set = load(&fixture("preds_only.jsonl")).unwrap();
    assert_eq!(set.inputs, Inputs::Predictions);
    assert_eq!(set.task, Task::Multiclass);
    // "fox" is only ever predicted: it is still a class (sklearn's union of y_true and y_pred).
    assert_eq!(set.classes, ["bird", "cat", "dog", "fox"]);
    assert_eq!(
        set.scores,
        Scores::Predictions {
            pred: vec![1, 1, 1, 0, 2, 3]
        }
    );
    assert_eq!(set.labels, [1, 2, 1, 0, 2, 1]);
}

#[test]
fn task_inference() {
    // Two prob columns: binary, score = P(positive).
    let two = file(
        "two.csv",
        "label,prob_neg,prob_pos\npos,0.25,0.75\nneg,0.5,0.5\n",
    );
    let set = load(&two).unwrap();
    assert_eq!(
        (set.task, set.inputs),
        (Task::Binary, Inputs::Probabilities)
    );
    assert_eq!(set.classes, ["neg", "pos"]);
    assert_eq!(set.positive, Some(1));
    assert_eq!(binary_scores(&set), [0.75, 0.5]);
    // --positive picks the other column.
    let opts = PredictionOptions {
        positive: Some("neg".into()),
        ..Default::default()
    };
    let set = load_with(&two, &opts).unwrap();
    assert_eq!(set.positive, Some(0));
    assert_eq!(binary_scores(&set), [0.25, 0.5]);
    // An explicit multi-class task keeps the matrix.
    let opts = PredictionOptions {
        task: Some(Task::Multiclass),
        ..Default::default()
    };
    let set = load_with(&two, &opts).unwrap();
    assert_eq!(
        set.scores,
        Scores::Probabilities {
            probs: vec![0.25, 0.75, 0.5, 0.5]
        }
    );
    // Labels-only with two classes: binary.
    let preds = file("p.csv", "label,pred\n1,0\n0,0\n");
    let set = load(&preds).unwrap();
    assert_eq!((set.task, set.positive), (Task::Binary, Some(1)));
    // A score column is preferred over pred; prob columns over a score column.
    let both = file("b.csv", "label,score,pred,prob_0,prob_1\n1,0.9,1,0.2,0.8\n");
    assert_eq!(load(&both).unwrap().inputs, Inputs::Probabilities);
    // A named positive class that never occurs (an all-negative batch).
    let neg = file("n.csv", "label,score\n0,0.1\n0,0.2\n");
    let opts = PredictionOptions {
        positive: Some("1".into()),
        ..Default::default()
    };
    let set = load_with(&neg, &opts).unwrap();
    assert_eq!(
        (set.classes.clone(), set.positive),
        (vec!["0".to_string(), "1".to_string()], Some(1))
    );
    // Float labels written by pandas ("1.0") are the integer classes.
    let floats = file("f.csv", "label,score\n1.0,0.9\n0.0,0.2\n");
    assert_eq!(load(&floats).unwrap().classes, ["0", "1"]);
    // Renamed columns.
    let custom = file("c.csv", "y,p_a,p_b\na,1,0\nb,0,1\n");
    let mut opts = PredictionOptions::default();
    opts.columns.label = "y".into();
    opts.columns.prob_prefix = "p_".into();
    let set = load_with(&custom, &opts).unwrap();
    assert_eq!(
        (set.task, set.classes.clone()),
        (Task::Binary, vec!["a".to_string(), "b".to_string()])
    );
}

#[test]
fn class_order_follows_sklearn() {
    let ints = file("i.csv", "label,pred\n10,9\n9,2\n2,10\n");
    assert_eq!(load(&ints).unwrap().classes, ["2", "9", "10"]);
    let strings = file("s.csv", "label,pred\nb,a\na,B\nB,b\n");
    assert_eq!(load(&strings).unwrap().classes, ["B", "a", "b"]);
    let mixed = file("m.csv", "label,pred\n10,x\n9,9\n");
    assert_eq!(load(&mixed).unwrap().classes, ["10", "9", "x"]);
    // A prob column for a class absent from the labels adds it (sklearn's labels=).
    let extra = file(
        "e.csv",
        "label,prob_0,prob_1,prob_2\n0,0.5,0.5,0\n1,0.2,0.7,0.1\n",
    );
    let set = load(&extra).unwrap();
    assert_eq!(
        (set.task, set.classes.clone()),
        (Task::Multiclass, vec!["0".into(), "1".into(), "2".into()])
    );
    // Boolean labels (JSON true/false) are the classes False < True.
    let bools = file(
        "b.jsonl",
        "{\"label\": true, \"score\": 0.9}\n{\"label\": false, \"score\": 0.1}\n",
    );
    let set = load(&bools).unwrap();
    assert_eq!(
        (set.classes.clone(), set.positive),
        (vec!["False".to_string(), "True".to_string()], Some(1))
    );
}

/// The row-sum rule is NumPy's `allclose(1, s)` (rtol 1e-5 relative to `s`, atol 1e-8): the sums
/// below are the ones on either side of that bound, as `np.isclose(1, s)` decides them.
#[test]
fn row_sums_within_numpys_allclose_are_accepted_and_normalised() {
    // Six-decimal rounding, as examples/digits.csv: sums 1.000002 and 0.999997.
    let path = file(
        "r.csv",
        "label,prob_0,prob_1,prob_2\n0,0.333334,0.333334,0.333334\n1,0.2,0.5,0.299997\n2,0.2,0.3,0.5\n",
    );
    let set = load(&path).unwrap();
    let Scores::Probabilities { probs } = &set.scores else {
        panic!("probabilities expected")
    };
    for row in probs.chunks_exact(3) {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-15, "{row:?}");
    }
    assert_eq!(set.normalized.rows, 2);
    assert!((set.normalized.max_deviation - 3e-6).abs() < 1e-12);
    // The boundary: 1 + 1.00001e-5 is inside np.allclose (|1 - s| <= 1e-8 + 1e-5 * s), 1 + 1.003e-5
    // is not (numpy: np.isclose(1, 1.00001001) == True, np.isclose(1, 1.00001003) == False).
    assert!(1.00001001f64 - 1.0 <= row_sum_tolerance(1.00001001));
    assert!(1.00001003f64 - 1.0 > row_sum_tolerance(1.00001003));
    let inside = file(
        "i.csv",
        "label,prob_0,prob_1,prob_2\n0,0.5,0.3,0.20001001\n",
    );
    assert_eq!(load(&inside).unwrap().normalized.rows, 1);
    let outside = file(
        "o.csv",
        "label,prob_0,prob_1,prob_2\n0,0.5,0.3,0.20001003\n",
    );
    let e = err(&outside);
    assert!(
        e.contains("--normalize") && e.starts_with(&format!("{}:2:", d(&outside))),
        "{e}"
    );
    // Rounding noise of an exact f64 sum is left alone and not reported.
    let exact = file("x.csv", "label,prob_0,prob_1,prob_2\n0,0.1,0.2,0.7\n");
    let set = load(&exact).unwrap();
    assert_eq!(set.normalized, Normalized::default());
    let Scores::Probabilities { probs } = &set.scores else {
        panic!("probabilities expected")
    };
    assert_eq!(probs, &[0.1, 0.2, 0.7]);
}

#[test]
fn normalize_divides_by_the_row_sum() {
    let path = file(
        "n.csv",
        "label,prob_a,prob_b,prob_c\na,2,1,1\nb,0.2,0.2,0.1\n",
    );
    let opts = PredictionOptions {
        normalize: true,
        ..Default::default()
    };
    let set = load_with(&path, &opts).unwrap();
    assert_eq!(probs(&set), [0.5, 0.25, 0.25, 0.4, 0.4, 0.2]);
    // Both rows were divided (sums 4 and 0.5) and are counted with the largest |sum - 1|.
    assert_eq!(
        set.normalized,
        Normalized {
            rows: 2,
            max_deviation: 3.0
        }
    );
}

// ----------------------------------------------------------------------------------------- errors

#[test]
fn error_file_not_found_and_unknown_format() {
    let path = fixture("nope.csv");
    assert_eq!(err(&path), format!("{}: file not found", d(&path)));
    let path = fixture("make_fixtures.py");
    assert_eq!(
        err(&path),
        format!(
            "{}: unknown file format (expected a .csv, .tsv, .txt, .parquet, .pq, .jsonl, .ndjson or .json file, or an explicit format)",
            d(&path)
        )
    );
    assert!(matches!(
        load(&fixture("nope.parquet")).unwrap_err(),
        PredictionError::Read(ReadError::NotFound { .. })
    ));
}

#[test]
fn error_no_rows() {
    for (name, text) in [
        ("h.csv", "label,score\n"),
        ("e.csv", ""),
        ("e.jsonl", "\n\n"),
    ] {
        let path = file(name, text);
        assert_eq!(
            err(&path),
            format!(
                "{}: no rows to evaluate (the file is empty or has only a header)",
                d(&path)
            )
        );
    }
}

#[test]
fn error_missing_columns() {
    let path = file("p.csv", "id,score\n1,0.5\n");
    assert_eq!(
        err(&path),
        format!(
            "{}: missing label column \"label\"; the file has columns: id, score",
            d(&path)
        )
    );
    let path = file("p.csv", "label,proba\n1,0.5\n");
    assert_eq!(
        err(&path),
        format!(
            "{}: no predictions: expected a \"score\" column, \"prob_<class>\" or \"logit_<class>\" columns, or a \"pred\" column; the file has columns: label, proba",
            d(&path)
        )
    );
    let path = file("p.csv", "label,score\n1,0.5\n");
    let opts = PredictionOptions {
        keep: vec!["axis".into()],
        ..Default::default()
    };
    assert_eq!(
        err_with(&path, &opts),
        format!(
            "{}: missing kept column \"axis\"; the file has columns: label, score",
            d(&path)
        )
    );
}

#[test]
fn error_unparsable_number() {
    let path = file("p.csv", "label,score\n1,0.5\n0,abc\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"score\": expected a score (a number), found \"abc\"",
            d(&path)
        )
    );
    let path = file(
        "p.jsonl",
        "{\"label\": 1, \"score\": 0.5}\n{\"label\": 0, \"score\": true}\n",
    );
    assert_eq!(
        err(&path),
        format!(
            "{}:2: column \"score\": expected a score (a number), found \"True\"",
            d(&path)
        )
    );
}

#[test]
fn error_non_finite_scores() {
    let path = file("p.csv", "label,score\n1,0.5\n0,0.2\n1,nan\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:4: column \"score\": expected a score (a finite number), found nan",
            d(&path)
        )
    );
    let path = file("p.csv", "label,prob_0,prob_1\n1,0.5,0.5\n0,-inf,0.2\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"prob_0\": expected a probability (a finite number), found -inf",
            d(&path)
        )
    );
    let path = fixture("nan_score.parquet");
    assert_eq!(
        err(&path),
        format!(
            "{}: row 2: column \"score\": expected a score, found null",
            d(&path)
        )
    );
    let path = file("p.csv", "label,score\n1,0.5\n0,\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"score\": expected a score, found an empty cell",
            d(&path)
        )
    );
}

#[test]
fn error_probabilities() {
    let path = file("p.csv", "label,prob_0,prob_1\n1,0.5,0.5\n0,1.2,-0.2\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"prob_0\": expected a probability in [0, 1], found 1.2",
            d(&path)
        )
    );
    let path = file(
        "p.csv",
        "label,prob_0,prob_1,prob_2\n1,0.5,0.5,0\n0,0.3,0.3,0.3\n",
    );
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"prob_*\": expected probabilities summing to 1 (|1 - sum| <= 1e-8 + 1e-5 * sum, as scikit-learn's np.allclose; --normalize divides each row by its sum), found a sum of 0.8999999999999999",
            d(&path)
        )
    );
    let opts = PredictionOptions {
        normalize: true,
        ..Default::default()
    };
    let path = file("p.csv", "label,prob_0,prob_1\n1,0,0\n");
    assert_eq!(
        err_with(&path, &opts),
        format!(
            "{}:2: column \"prob_*\": expected probabilities with a positive sum to normalize, found a sum of 0",
            d(&path)
        )
    );
    let path = file("p.csv", "label,prob_0,prob_1\n0,0.5,0.5\n2,0.5,0.5\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"label\": label \"2\" has no \"prob_2\" column; expected a column for every class, found: prob_0, prob_1",
            d(&path)
        )
    );
}

#[test]
fn error_null_labels() {
    let path = file("p.csv", "label,score\n1,0.5\n,0.2\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"label\": expected a label, found an empty cell",
            d(&path)
        )
    );
    let path = file(
        "p.jsonl",
        "{\"label\": 1, \"score\": 0.5}\n\n{\"label\": null, \"score\": 0.2}\n",
    );
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"label\": expected a label, found null",
            d(&path)
        )
    );
    // A missing key is a null too, on its line.
    let path = file(
        "p.jsonl",
        "{\"label\": 1, \"score\": 0.5}\n{\"score\": 0.2}\n",
    );
    assert_eq!(
        err(&path),
        format!(
            "{}:2: column \"label\": expected a label, found null",
            d(&path)
        )
    );
    // After a quoted newline, the line is still the physical one.
    let path = file("p.csv", "note,label,score\n\"a\nb\",1,0.5\nc,,0.2\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:4: column \"label\": expected a label, found an empty cell",
            d(&path)
        )
    );
    let path = file("p.csv", "label,score\n1,0.5\ninf,0.2\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"label\": expected a label (a finite number or text), found inf",
            d(&path)
        )
    );
}

#[test]
fn error_duplicate_ids() {
    let path = file("p.csv", "id,label,score\na,1,0.5\nb,0,0.2\na,0,0.3\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:4: column \"id\": expected unique ids, found \"a\" again (first at line 2)",
            d(&path)
        )
    );
    let path = file("p.csv", "id,label,score\n1,1,0.5\n,0,0.2\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: column \"id\": expected an id, found an empty cell",
            d(&path)
        )
    );
}

#[test]
fn error_task_mismatches() {
    let path = file("p.csv", "label,score\n0,0.1\n1,0.2\n2,0.3\n");
    assert_eq!(
        err(&path),
        format!(
            "{}: column \"score\" holds binary scores, but the labels have 3 classes (0, 1, 2); expected at most 2, or \"prob_<class>\" columns for a multi-class task",
            d(&path)
        )
    );
    let path = file("p.csv", "label,score\n0,0.1\n1,0.2\n");
    let opts = PredictionOptions {
        positive: Some("yes".into()),
        ..Default::default()
    };
    assert_eq!(
        err_with(&path, &opts),
        format!(
            "{}: positive class \"yes\" is not a class of this file; expected one of: 0, 1",
            d(&path)
        )
    );
    let opts = PredictionOptions {
        task: Some(Task::Multiclass),
        ..Default::default()
    };
    assert_eq!(
        err_with(&path, &opts),
        format!(
            "{}: column \"score\" holds binary scores; expected \"prob_<class>\" or \"logit_<class>\" columns for a multi-class task",
            d(&path)
        )
    );
    let path = file("p.csv", "label,pred\na,b\nb,c\n");
    let opts = PredictionOptions {
        task: Some(Task::Binary),
        ..Default::default()
    };
    assert_eq!(
        err_with(&path, &opts),
        format!(
            "{}: a binary task needs at most 2 classes; found 3: a, b, c",
            d(&path)
        )
    );
    let opts = PredictionOptions {
        positive: Some("a".into()),
        ..Default::default()
    };
    assert_eq!(
        err_with(&path, &opts),
        format!(
            "{}: a positive class (\"a\") only applies to a binary task; this one has 3 classes",
            d(&path)
        )
    );
}

#[test]
fn error_malformed_files() {
    let path = file("p.csv", "label,score\n1,0.5\n0\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:3: expected 2 fields as in the header, found 1",
            d(&path)
        )
    );
    let path = file("p.csv", "label,score\n1,0.5\n\n\"a\nb\",0.1\n\n0,0.5,9\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:7: expected 2 fields as in the header, found 3",
            d(&path)
        )
    );
    let path = file(
        "p.jsonl",
        "{\"label\": 1, \"score\": 0.5}\n{\"label\": 0, \"score\": \n",
    );
    assert_eq!(
        err(&path),
        format!(
            "{}:2: expected a JSON object, found invalid JSON (EOF while parsing a value at line 1 column 21)",
            d(&path)
        )
    );
    let path = file("p.json", "[{\"label\": 1, \"score\": 0.5}]\n");
    assert_eq!(
        err(&path),
        format!("{}:1: expected a JSON object, found an array", d(&path))
    );
    let path = file("p.jsonl", "{\"label\": [1], \"score\": 0.5}\n");
    assert_eq!(
        err(&path),
        format!(
            "{}:1: column \"label\": expected a number, string, boolean or null, found an array",
            d(&path)
        )
    );
    let path = file("p.csv", "label,label,score\n1,1,0.5\n");
    assert_eq!(
        err(&path),
        format!("{}: duplicate column \"label\"", d(&path))
    );
    let path = file("p.csv", "label,score\n1,0.5\n");
    std::fs::write(&path, b"label,score\n\xff,0.5\n").unwrap();
    assert_eq!(
        err(&path),
        format!(
            "{}:2: column \"label\": expected UTF-8 text, found invalid bytes",
            d(&path)
        )
    );
}

// ------------------------------------------------------------------------------------ fingerprint

#[test]
fn fingerprint_exact_encoding() {
    // sha256(u64le(1) "a" u64le(1) "0" 0x00 u64le(1) "b" u64le(1) "1" 0x00), computed with Python's hashlib.
    let path = file("p.csv", "id,label,score\nb,1,0.3\na,0,0.2\n");
    assert_eq!(
        fingerprint(&load(&path).unwrap()),
        "sha256:372c306b4c02d521beda323b1a8179ac22a7e4911bb6e16e20221f5213ac8c31"
    );
    let path = file("p.csv", "id,label,score,group\nb,1,0.3,g2\na,0,0.2,g1\n");
    assert_eq!(
        fingerprint(&load(&path).unwrap()),
        "sha256:2df2f0e1c77375e9f23e3e8aafafae6d83b718501fe7ecc1fb2e5254ed21e31e"
    );
}

#[test]
fn fingerprint_ignores_row_order_and_scores_but_not_labels() {
    let a = load(&file(
        "a.csv",
        "id,label,score\nx,1,0.9\ny,0,0.1\nz,1,0.4\n",
    ))
    .unwrap();
    let shuffled = load(&file(
        "b.csv",
        "id,label,score\nz,1,0.2\nx,1,0.3\ny,0,0.7\n",
    ))
    .unwrap();
    let relabeled = load(&file(
        "c.csv",
        "id,label,score\nx,1,0.9\ny,1,0.1\nz,1,0.4\n",
    ))
    .unwrap();
    let regrouped = load(&file(
        "d.csv",
        "id,label,score,group\nx,1,0.9,g\ny,0,0.1,g\nz,1,0.4,g\n",
    ))
    .unwrap();
    assert_eq!(fingerprint(&a), fingerprint(&shuffled));
    assert_ne!(fingerprint(&a), fingerprint(&relabeled));
    assert_ne!(fingerprint(&a), fingerprint(&regrouped));
    // Without ids, the row index is the id.
    let no_ids = load(&file("e.csv", "label,score\n1,0.9\n0,0.1\n")).unwrap();
    let swapped = load(&file("f.csv", "label,score\n0,0.1\n1,0.9\n")).unwrap();
    assert_ne!(fingerprint(&no_ids), fingerprint(&swapped));
    assert!(fingerprint(&no_ids).starts_with("sha256:") && fingerprint(&no_ids).len() == 71);
}

// ---------------------------------------------------------------------------------------------
// align

#[test]
fn align_reorders_by_id() {
    let a = load(&file(
        "a.csv",
        "id,label,score\nx,1,0.9\ny,0,0.1\nz,1,0.4\n",
    ))
    .unwrap();
    let b = load(&file(
        "b.csv",
        "id,label,score\nz,1,0.5\nx,1,0.8\ny,0,0.2\n",
    ))
    .unwrap();
    let mut sets = vec![a, b];
    verdict_io::align(&mut sets).unwrap();
    assert_eq!(sets[1].ids, sets[0].ids);
    match &sets[1].scores {
        verdict_io::Scores::Binary { score } => assert_eq!(score, &vec![0.8, 0.2, 0.5]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn align_refuses_different_eval_sets_and_says_how() {
    let a = || {
        load(&file(
            "a.csv",
            "id,label,score,group\nx,1,0.9,g1\ny,0,0.1,g1\nz,1,0.4,g2\n",
        ))
        .unwrap()
    };
    let cases = [
        (
            "id,label,score,group\nx,1,0.9,g1\ny,0,0.1,g1\nw,1,0.4,g2\n",
            vec!["only in", "id z", "id w"],
        ),
        (
            "id,label,score,group\nx,1,0.9,g1\ny,1,0.1,g1\nz,1,0.4,g2\n",
            vec!["different labels: id y (\"0\" vs \"1\")"],
        ),
        (
            "id,label,score,group\nx,1,0.9,g1\ny,0,0.1,g2\nz,1,0.4,g2\n",
            vec!["different groups: id y (\"g1\" vs \"g2\")"],
        ),
        (
            "label,score,group\n1,0.9,g1\n0,0.1,g1\n1,0.4,g2\n",
            vec!["has an id column and", "has none"],
        ),
    ];
    for (contents, wants) in cases {
        let mut sets = vec![a(), load(&file("b.csv", contents)).unwrap()];
        let err = verdict_io::align(&mut sets).unwrap_err().to_string();
        assert!(err.contains("are not the same eval set"), "{err}");
        for w in wants {
            assert!(err.contains(w), "{err:?} lacks {w:?}");
        }
    }
    // Without ids, rows match by position: the counts must agree.
    let p = load(&file("p.csv", "label,score\n1,0.9\n0,0.1\n")).unwrap();
    let q = load(&file("q.csv", "label,score\n1,0.9\n0,0.1\n1,0.3\n")).unwrap();
    let err = verdict_io::align(&mut [p, q]).unwrap_err().to_string();
    assert!(
        err.contains("paired by position") && err.contains("has 2 rows") && err.contains("has 3"),
        "{err}"
    );
}

/// Without ids, rows are paired by position (and the caller is told); when the labels do not line
/// up row by row the files are refused, naming both files and the first row that differs (rows
/// counted from 0, header excluded).
#[test]
fn align_by_position_says_so_and_refuses_labels_out_of_line() {
    let p = load(&file(
        "p.csv",
        "label,score
1,0.9
0,0.1
1,0.3
0,0.2
",
    ))
    .unwrap();
    let same = load(&file(
        "q.csv",
        "label,score
1,0.8
0,0.3
1,0.6
0,0.4
",
    ))
    .unwrap();
    let mut sets = vec![p.clone(), same];
    assert_eq!(
        verdict_io::align(&mut sets).unwrap(),
        verdict_io::Pairing::ByPosition
    );
    // Rows 2 and 3 swapped: labels differ from row 2 on.
    let swapped = load(&file(
        "r.csv",
        "label,score
1,0.8
0,0.3
0,0.4
1,0.6
",
    ))
    .unwrap();
    let err = verdict_io::align(&mut [p.clone(), swapped])
        .unwrap_err()
        .to_string();
    for want in [
        "p.csv and ",
        "r.csv are not the same eval set",
        "paired by position",
        "differ from row 2 on (rows counted from 0, header excluded)",
        "\"1\" in ",
        "\"0\" in ",
        "(2 of 4 rows differ)",
        "--id-col",
    ] {
        assert!(err.contains(want), "{err:?} lacks {want:?}");
    }
    // Groups out of line likewise.
    let g = |name: &str, groups: [&str; 2]| {
        load(&file(
            name,
            &format!(
                "label,score,group\n1,0.9,{}\n0,0.1,{}\n",
                groups[0], groups[1]
            ),
        ))
        .unwrap()
    };
    let err = verdict_io::align(&mut [g("g.csv", ["a", "b"]), g("h.csv", ["a", "c"])])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("groups differ from row 1 on") && err.contains("\"b\" in "),
        "{err}"
    );
    // With ids, every set comes back in canonical (id) order.
    let a = load(&file(
        "a.csv",
        "id,label,score\nb,1,0.9\na,0,0.1\nc,1,0.4\n",
    ))
    .unwrap();
    let b = load(&file(
        "b.csv",
        "id,label,score\nc,1,0.5\na,0,0.2\nb,1,0.8\n",
    ))
    .unwrap();
    let mut sets = vec![a, b];
    assert_eq!(
        verdict_io::align(&mut sets).unwrap(),
        verdict_io::Pairing::ById
    );
    let ids = Some(vec!["a".to_string(), "b".into(), "c".into()]);
    assert_eq!(sets[0].ids, ids);
    assert_eq!(sets[1].ids, ids);
    match &sets[1].scores {
        verdict_io::Scores::Binary { score } => assert_eq!(score, &vec![0.2, 0.8, 0.5]),
        other => panic!("{other:?}"),
    }
}

/// `predictions_parquet` writes a set that reads back to the same set: every kind of model output,
/// integer and text labels, ids and groups, and the same fingerprint.
#[test]
fn written_predictions_read_back_to_the_same_set() {
    let cases = [
        (
            "binary.csv",
            "id,label,score,group\na,1,0.9,g1\nb,0,0.2,g1\nc,1,0.4,g2\nd,0,0.7,g2\n",
        ),
        (
            "probs.csv",
            "id,label,prob_cat,prob_dog,prob_eel\nx,cat,0.7,0.2,0.1\ny,dog,0.1,0.8,0.1\nz,eel,0.3,0.3,0.4\n",
        ),
        (
            "logits.csv",
            "label,logit_0,logit_1,logit_10\n0,2.0,0.5,-1.0\n10,0.1,0.2,3.0\n1,0.0,1.5,0.3\n",
        ),
        (
            "preds.csv",
            "id,label,pred\nr1,9,9\nr2,10,9\nr3,10,10\nr4,2,10\n",
        ),
        ("text_binary.csv", "label,score\nyes,0.8\nno,0.3\nyes,0.6\n"),
    ];
    for (name, text) in cases {
        let set = load(&file(name, text)).unwrap();
        let bytes = verdict_io::predictions_parquet(&set).unwrap();
        let path = file(&format!("{name}.parquet"), "");
        std::fs::write(&path, &bytes).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back.task, set.task, "{name}");
        assert_eq!(back.classes, set.classes, "{name}");
        assert_eq!(back.positive, set.positive, "{name}");
        assert_eq!(back.labels, set.labels, "{name}");
        assert_eq!(back.ids, set.ids, "{name}");
        assert_eq!(back.groups, set.groups, "{name}");
        match (&set.scores, &back.scores) {
            (Scores::Binary { score: a }, Scores::Binary { score: b }) => assert_eq!(a, b),
            (
                Scores::Probabilities { probs: a } | Scores::Logits { probs: a },
                Scores::Probabilities { probs: b },
            ) => assert_eq!(a, b, "{name}"),
            (Scores::Predictions { pred: a }, Scores::Predictions { pred: b }) => {
                assert_eq!(a, b)
            }
            (a, b) => panic!("{name}: {a:?} read back as {b:?}"),
        }
        assert_eq!(fingerprint(&back), fingerprint(&set), "{name}");
    }
}

/// A split manifest: labels named as the prediction reader names classes (so an evaluation of the
/// same rows has the same fingerprint), optional group and hash columns, metadata, and errors that
/// name the file, line and column.
#[test]
fn split_manifests() {
    use verdict_io::{ManifestColumns, read_manifest};
    let p = file(
        "train.csv",
        "id,label,battery,hash,axis\na,1,b1,h1,x\nb,0,b1,h2,y\nc,1.0,b2,h3,x\n",
    );
    let cols = ManifestColumns {
        group: Some("battery".into()),
        meta: vec!["axis".into()],
        ..ManifestColumns::default()
    };
    let m = read_manifest(&p, &ReadOptions::default(), &cols).unwrap();
    assert_eq!(m.ids, ["a", "b", "c"]);
    assert_eq!(m.labels, ["1", "0", "1"]);
    assert_eq!(
        m.groups.as_deref(),
        Some(&["b1".to_string(), "b1".into(), "b2".into()][..])
    );
    assert_eq!(
        m.hashes.as_deref(),
        Some(&["h1".to_string(), "h2".into(), "h3".into()][..])
    );
    assert_eq!(m.meta[0].1, ["x", "y", "x"]);
    assert_eq!(m.id_type, "string");
    // The fingerprint equals an evaluation's on the same (id, label, group) rows.
    let preds = file(
        "preds.csv",
        "id,label,group,score\nc,1,b2,0.3\na,1,b1,0.9\nb,0,b1,0.2\n",
    );
    let set = load(&preds).unwrap();
    assert_eq!(m.fingerprint(), fingerprint(&set));
    // A named group column must exist; a default one may be absent.
    let missing = ManifestColumns {
        group: Some("patient".into()),
        ..ManifestColumns::default()
    };
    let e = read_manifest(&p, &ReadOptions::default(), &missing)
        .unwrap_err()
        .to_string();
    assert!(e.contains("patient") && e.contains("train.csv"), "{e}");
    let plain = read_manifest(&p, &ReadOptions::default(), &ManifestColumns::default()).unwrap();
    assert!(plain.groups.is_none());
    // A null label names its line.
    let bad = file("bad.csv", "id,label\na,1\nb,\n");
    let e = read_manifest(&bad, &ReadOptions::default(), &ManifestColumns::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bad.csv:3") && e.contains("column \"label\""),
        "{e}"
    );
}
