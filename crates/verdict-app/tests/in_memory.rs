//! Predictions and embeddings in memory (what the Python package hands over) meet the same
//! validation and give the same reports as the same data in a file.

use std::path::PathBuf;
use verdict_app::NoProgress;
use verdict_app::compare::{CompareSpec, compare};
use verdict_app::eval::{EvalSpec, Settings, evaluate, evaluate_table, flag_name};
use verdict_app::input::Source;
use verdict_app::retrieval::{ArraysInput, RetrievalInput, RetrievalSpec};
use verdict_io::{
    Column, EmbeddingMatrix, Format, Locator, PredictionOptions, ReadOptions, Table, Values,
};

const N: usize = 120;

fn column(name: &str, values: Values) -> Column {
    Column {
        name: name.into(),
        values,
        nulls: None,
        raw: None,
    }
}

/// The rows of `verdict_testkit::binary_predictions(…, N, shift)`, built in memory.
fn table(name: &str, shift: f64) -> Table {
    let ids = (0..N).map(|i| format!("r{i}")).collect();
    let labels = (0..N).map(|i| i64::from(i % 3 == 0)).collect();
    let scores = (0..N)
        .map(|i| {
            let label = i % 3 == 0;
            ((i * 37 % 100) as f64 / 100.0 + if label { 0.3 } else { 0.0 } + shift) / 1.6
        })
        .collect();
    let columns = vec![
        column("id", Values::Str(ids)),
        column("label", Values::I64(labels)),
        column("score", Values::F64(scores)),
    ];
    Table {
        path: PathBuf::from(name),
        format: Format::Parquet,
        n_rows: N,
        all_columns: columns.iter().map(|c| c.name.clone()).collect(),
        columns,
        locator: Locator::Rows,
    }
}

fn spec(file: PathBuf) -> EvalSpec {
    EvalSpec {
        file,
        read: ReadOptions::default(),
        predictions: PredictionOptions::default(),
        config: Settings {
            bootstrap: 100,
            ..Settings::default()
        }
        .config(&flag_name)
        .expect("settings"),
        groupings: Vec::new(),
        by: None,
        keep_predictions: false,
    }
}

#[test]
fn a_table_evaluates_as_its_file_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = verdict_testkit::binary_predictions(dir.path(), "p.csv", N, 0.0);
    let from_file = evaluate(&spec(file.clone()), &NoProgress).expect("file");
    let from_table = evaluate_table(
        &table("<arrays>", 0.0),
        &spec("<arrays>".into()),
        &NoProgress,
    )
    .expect("table");
    assert_eq!(from_table.report.source, "<arrays>");
    let json = |r: &verdict_report::EvalReport| verdict_report::json::render(r);
    assert_eq!(
        json(&from_table.report)
            .replace("\"<arrays>\"", &format!("{:?}", file.display().to_string())),
        json(&from_file.report)
    );
}

#[test]
fn a_bad_cell_of_a_table_is_named_by_row_and_column() {
    let mut t = table("<arrays>", 0.0);
    if let Values::F64(s) = &mut t.columns[2].values {
        s[3] = f64::NAN;
    }
    let e = evaluate_table(&t, &spec("<arrays>".into()), &NoProgress).expect_err("refused");
    assert_eq!(
        e.to_string(),
        "<arrays>: row 3: column \"score\": expected a score (a finite number), found nan"
    );
}

#[test]
fn tables_compare_as_their_files_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fa = verdict_testkit::binary_predictions(dir.path(), "a.csv", N, 0.0);
    let fb = verdict_testkit::binary_predictions(dir.path(), "b.csv", N, 0.2);
    let options = verdict_app::ui::compare_defaults();
    let run = |files: Vec<Source>| {
        compare(
            &CompareSpec {
                files,
                val: Vec::new(),
                read: ReadOptions::default(),
                predictions: PredictionOptions::default(),
                options: options.clone(),
            },
            &NoProgress,
        )
        .expect("compare")
    };
    let files = run(vec![fa.into(), fb.into()]);
    let tables = run(vec![
        Source::Table(Box::new(table("a", 0.0))),
        Source::Table(Box::new(table("b", 0.2))),
    ]);
    assert_eq!(tables.names, vec!["a", "b"]);
    assert_eq!(tables.names, files.names);
    assert_eq!(tables.fingerprint, files.fingerprint);
    let strip = |mut r: verdict_report::compare::CompareReport| {
        r.sources = r.names.clone();
        verdict_report::compare::json(&r)
    };
    assert_eq!(strip(tables), strip(files));
}

#[test]
fn settings_are_checked_and_named_as_the_front_end_spells_them() {
    let bad = Settings {
        ci: 1.5,
        ..Settings::default()
    };
    let cli = bad.config(&flag_name).expect_err("refused").to_string();
    assert_eq!(cli, "--ci must be between 0 and 1 (exclusive), got 1.5");
    let python = bad
        .config(&|s| format!("{s}="))
        .expect_err("refused")
        .to_string();
    assert_eq!(python, "ci= must be between 0 and 1 (exclusive), got 1.5");
    let recall = Settings {
        target_recall: Some(0.0),
        ..Settings::default()
    };
    assert_eq!(
        recall.config(&flag_name).expect_err("refused").to_string(),
        "--target-recall must be in (0, 1], got 0"
    );
    let ok = Settings::default().config(&flag_name).expect("defaults");
    assert_eq!((ok.bootstrap, ok.threshold, ok.level), (1000, 0.5, 0.95));
}

/// A labels table of one text column `labels`, its rows located as `row N`.
fn labels_table(labels: Vec<String>) -> Table {
    let n_rows = labels.len();
    Table {
        path: PathBuf::from("<arrays>"),
        format: Format::Parquet,
        n_rows,
        all_columns: vec!["labels".into()],
        columns: vec![column("labels", Values::Str(labels))],
        locator: Locator::Rows,
    }
}

#[test]
fn embeddings_in_memory_are_checked_row_by_row() {
    let values: Vec<f64> = (0..12).map(|i| f64::from(i % 5)).collect();
    let m = EmbeddingMatrix::from_values("query".into(), 4, 3, &values, "float64").expect("finite");
    assert_eq!((m.rows, m.dim, m.data[4]), (4, 3, 4.0));
    let mut bad = values.clone();
    bad[7] = f64::INFINITY;
    let e =
        EmbeddingMatrix::from_values("query".into(), 4, 3, &bad, "float64").expect_err("refused");
    assert_eq!(
        e.to_string(),
        "query: row 2, column 1: expected a finite number, found inf"
    );

    let spec = |labels: Vec<String>| RetrievalSpec {
        input: RetrievalInput::Arrays(Box::new(ArraysInput {
            query: m.clone(),
            query_labels: labels_table(labels),
            gallery: None,
            label_col: "labels".into(),
            subset_col: None,
            similarity: verdict_core::knn::Similarity::L2,
            depth: None,
        })),
        k: vec![1],
        no_relevant: verdict_core::retrieval::NoRelevant::Exclude,
        bootstrap: 0,
        seed: 0,
        ci: 0.95,
    };
    let labels = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let e = verdict_app::retrieval::evaluate(&spec(labels(&["a", "b", "a"])), &NoProgress)
        .expect_err("refused");
    assert_eq!(
        e.to_string(),
        "the query labels: 3 values, but query has 4 rows (shape (4, 3)); one value per row is expected"
    );
    let (r, _) =
        verdict_app::retrieval::evaluate(&spec(labels(&["a", "b", "a", "b"])), &NoProgress)
            .expect("evaluated");
    let queries = r
        .header
        .iter()
        .find(|(k, _)| k == "queries")
        .map(|(_, v)| v);
    assert_eq!(queries, Some(&serde_json::json!(4)));
}
