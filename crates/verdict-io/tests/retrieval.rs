//! Retrieval readers: numpy-written `.npy` embeddings, pandas/pyarrow Parquet list columns, TREC and
//! ranx-JSON runs/qrels (fixtures: tests/fixtures/retrieval/make_fixtures.py), every error message
//! in full, and ranx's tie order against numba's argsort.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use verdict_io::{
    EmbeddingMatrix, ranx_order, read_embedding_column, read_npy, read_qrels, read_run,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/retrieval")
        .join(name)
}

/// Write `contents` to a fresh file named `name` (unique directory per call).
fn file(name: &str, contents: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "verdict-io-retrieval-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

fn d(p: &Path) -> String {
    p.display().to_string()
}

fn npy_err(name: &str) -> String {
    read_npy(fixture(name)).unwrap_err().to_string()
}

// --- .npy ------------------------------------------------------------------------------------------

fn f4_expected() -> Vec<f32> {
    (0..15).map(|k| k as f32 / 4.0 - 1.0).collect()
}

#[test]
fn npy_float32() {
    let m = read_npy(fixture("f4.npy")).unwrap();
    assert_eq!((m.rows, m.dim, m.source_dtype), (5, 3, "float32"));
    assert_eq!(m.data, f4_expected());
    assert_eq!(m.row(1), &[-0.25, 0.0, 0.25]);
    assert_eq!(m.path, fixture("f4.npy"));
}

#[test]
fn npy_header_versions_2_and_3() {
    for name in ["f4_v2.npy", "f4_v3.npy"] {
        let m = read_npy(fixture(name)).unwrap();
        assert_eq!((m.rows, m.dim), (5, 3), "{name}");
        assert_eq!(m.data, f4_expected(), "{name}");
    }
}

#[test]
fn npy_float64_is_cast_to_f32() {
    let expected: Vec<f32> = [
        0.1,
        0.2,
        0.3,
        1.0 / 3.0,
        2.0 / 3.0,
        1.0,
        -1e-3,
        1e10,
        123.456,
        0.0,
        -0.0,
        5.5,
    ]
    .iter()
    .map(|&v: &f64| v as f32)
    .collect();
    for name in ["f8.npy", "f8_be.npy"] {
        let m = read_npy(fixture(name)).unwrap();
        assert_eq!((m.rows, m.dim, m.source_dtype), (4, 3, "float64"), "{name}");
        assert_eq!(m.data, expected, "{name}");
        assert!(m.data[10].is_sign_negative());
    }
}

#[test]
fn npy_big() {
    let m = read_npy(fixture("big.npy")).unwrap();
    assert_eq!((m.rows, m.dim), (2000, 12));
    for i in 0..2000 {
        for j in 0..12 {
            let v = ((7 * i + 13 * j) % 101) as f32 / 4.0 - 12.5;
            assert_eq!(m.data[i * 12 + j], v, "({i}, {j})");
        }
    }
}

#[test]
fn npy_fortran_order_is_transposed() {
    let m = read_npy(fixture("fortran.npy")).unwrap();
    assert_eq!((m.rows, m.dim), (3, 4));
    assert_eq!(m.data, (0..12).map(|k| k as f32).collect::<Vec<_>>());
    let p = fixture("fortran_nan.npy");
    assert_eq!(
        npy_err("fortran_nan.npy"),
        format!(
            "{}: row 2, column 1: expected a finite number, found NaN",
            d(&p)
        )
    );
}

#[test]
fn npy_shape_errors() {
    assert_eq!(
        npy_err("one_d.npy"),
        format!(
            "{}: expected a 2-D array (rows, dim), found shape (5,); one embedding per row is needed: save x.reshape(-1, 1) for scalars, or x.reshape(n, dim) if the vector is flattened",
            d(&fixture("one_d.npy"))
        )
    );
    assert_eq!(
        npy_err("three_d.npy"),
        format!(
            "{}: expected a 2-D array (rows, dim), found shape (2, 2, 2); save x.reshape(len(x), -1) to flatten each item into one row",
            d(&fixture("three_d.npy"))
        )
    );
    assert_eq!(
        npy_err("empty.npy"),
        format!(
            "{}: expected at least one row and one dimension, found 0 rows of dimension 4",
            d(&fixture("empty.npy"))
        )
    );
}

#[test]
fn npy_dtype_errors() {
    let msg = |name: &str, descr: &str, dtype: &str| {
        format!(
            "{}: expected float32 ('<f4') or float64 ('<f8') embeddings, found dtype {descr} ({dtype}); convert with arr.astype(np.float32) before np.save",
            d(&fixture(name))
        )
    };
    assert_eq!(npy_err("int64.npy"), msg("int64.npy", "'<i8'", "int64"));
    assert_eq!(
        npy_err("float16.npy"),
        msg("float16.npy", "'<f2'", "float16")
    );
    assert_eq!(
        npy_err("structured.npy"),
        msg("structured.npy", "[...]", "a structured dtype")
    );
}

#[test]
fn npy_length_errors() {
    assert_eq!(
        npy_err("truncated.npy"),
        format!(
            "{}: expected 160 data bytes for shape (10, 4) of float32, found 154 (the file is truncated)",
            d(&fixture("truncated.npy"))
        )
    );
    assert_eq!(
        npy_err("trailing.npy"),
        format!(
            "{}: expected 160 data bytes for shape (10, 4) of float32, found 164 (trailing bytes after the array)",
            d(&fixture("trailing.npy"))
        )
    );
    assert_eq!(
        npy_err("not_npy.npy"),
        format!(
            "{}: expected a NumPy .npy file, found a file without the \\x93NUMPY magic string",
            d(&fixture("not_npy.npy"))
        )
    );
    let missing = fixture("missing.npy");
    assert_eq!(
        read_npy(&missing).unwrap_err().to_string(),
        format!("{}: file not found", d(&missing))
    );
}

#[test]
fn npy_non_finite_errors() {
    assert_eq!(
        npy_err("nan.npy"),
        format!(
            "{}: row 2, column 1: expected a finite number, found NaN",
            d(&fixture("nan.npy"))
        )
    );
    assert_eq!(
        npy_err("inf_f8.npy"),
        format!(
            "{}: row 1, column 0: expected a finite number, found -inf",
            d(&fixture("inf_f8.npy"))
        )
    );
    assert_eq!(
        npy_err("huge_f8.npy"),
        format!(
            "{}: row 1, column 2: expected a value within the float32 range (|x| <= 3.4028235e38), found 1e300",
            d(&fixture("huge_f8.npy"))
        )
    );
}

/// A `.npy` file with `header` as its header dict (padded as numpy pads it) and `data` bytes.
fn npy_with_header(name: &str, header: &str, data: usize) -> PathBuf {
    let mut h = header.to_owned();
    while !(10 + h.len() + 1).is_multiple_of(64) {
        h.push(' ');
    }
    h.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend(u16::try_from(h.len()).unwrap().to_le_bytes());
    bytes.extend(h.as_bytes());
    bytes.extend(std::iter::repeat_n(0u8, data));
    let path = file(name, "");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A damaged header: a negative shape names the shape (issue 10: "expected an unexpected
/// character '-'"), and every parse error says what was expected and what was found, where.
#[test]
fn npy_header_errors_say_what_was_expected() {
    let p = npy_with_header(
        "neg.npy",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-5, 8), }",
        160,
    );
    assert_eq!(
        read_npy(&p).unwrap_err().to_string(),
        format!(
            "{}: expected a shape of non-negative integers (rows, dim) in the .npy header, found shape (-5, 8); the header is damaged or was not written by numpy.save",
            d(&p)
        )
    );
    let p = npy_with_header(
        "bad.npy",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (5; 8), }",
        160,
    );
    assert_eq!(
        read_npy(&p).unwrap_err().to_string(),
        format!(
            "{}: expected a NumPy .npy file, found a header that cannot be parsed: expected ',' or ')' in a sequence at byte 52 of the header, found ';'",
            d(&p)
        )
    );
    let p = npy_with_header(
        "star.npy",
        "{'descr': '<f4', 'fortran_order': *, 'shape': (5, 8), }",
        160,
    );
    assert_eq!(
        read_npy(&p).unwrap_err().to_string(),
        format!(
            "{}: expected a NumPy .npy file, found a header that cannot be parsed: expected a value (a string, an integer, a tuple, True, False or None) at byte 34 of the header, found '*'",
            d(&p)
        )
    );
}

/// In a one-column labels CSV an empty value is an empty line: reported with its line and the
/// column, not skipped (issue 10: it surfaced as a row-count mismatch without a line). Empty
/// lines after the last value end the file; files of several columns still skip blank lines.
#[test]
fn one_column_csv_empty_value_is_reported_with_its_line() {
    let opts = verdict_io::ReadOptions::default();
    let p = file("labels.csv", "label\n0\n1\n\n2\n");
    assert_eq!(
        verdict_io::read_table(&p, &opts).unwrap_err().to_string(),
        format!(
            "{}:4: column \"label\": expected a value, found an empty line; in a one-column file an empty value is an empty line, and it is not skipped (fill in the value, or delete the line if it is not a row)",
            d(&p)
        )
    );
    let p = file("first.csv", "label\r\n\r\n1\r\n");
    let err = verdict_io::read_table(&p, &opts).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:2: column \"label\"", d(&p))),
        "{err}"
    );
    // A quoted value spanning lines is one value, not an empty line.
    let p = file("quoted.csv", "label\n\"a\n\nb\"\nc\n");
    let t = verdict_io::read_table(&p, &opts).unwrap();
    assert_eq!(t.n_rows, 2);
    let p = file("trailing.csv", "label\n0\n1\n\n\n");
    assert_eq!(verdict_io::read_table(&p, &opts).unwrap().n_rows, 2);
    let p = file("two.csv", "id,label\na,0\n\nb,1\n");
    assert_eq!(verdict_io::read_table(&p, &opts).unwrap().n_rows, 2);
}

// --- Parquet list columns -----------------------------------------------------------------------------

fn emb_expected(scale: f64) -> Vec<f32> {
    (0..7)
        .flat_map(|r| {
            let r = f64::from(r);
            [r, r + 0.5, -r, 0.25].map(|v| (v / scale) as f32)
        })
        .collect()
}

fn check(m: &EmbeddingMatrix, dtype: &str, data: &[f32]) {
    assert_eq!((m.rows, m.dim, m.source_dtype), (7, 4, dtype));
    assert_eq!(m.data, data);
}

#[test]
fn parquet_list_columns() {
    let p = fixture("emb_list.parquet");
    check(
        &read_embedding_column(&p, "emb").unwrap(),
        "float32",
        &emb_expected(1.0),
    );
    // float64 (x / 3 in float64) cast to f32.
    check(
        &read_embedding_column(&p, "emb64").unwrap(),
        "float64",
        &emb_expected(3.0),
    );
    let p = fixture("emb_fixed.parquet");
    check(
        &read_embedding_column(&p, "emb").unwrap(),
        "float32",
        &emb_expected(1.0),
    );
    check(
        &read_embedding_column(&p, "emb_large").unwrap(),
        "float64",
        &emb_expected(1.0),
    );
}

#[test]
fn parquet_errors() {
    let p = fixture("emb_bad.parquet");
    let err = |c: &str| read_embedding_column(&p, c).unwrap_err().to_string();
    let f = d(&p);
    assert_eq!(
        err("ragged"),
        format!("{f}: row 4: column \"ragged\": expected 4 values as in row 0, found 3")
    );
    assert_eq!(
        err("null_row"),
        format!("{f}: row 5: column \"null_row\": expected an embedding, found null")
    );
    assert_eq!(
        err("null_elem"),
        format!("{f}: row 2: column \"null_elem\": element 1: expected a number, found null")
    );
    assert_eq!(
        err("nan_elem"),
        format!("{f}: row 6: column \"nan_elem\": element 3: expected a finite number, found NaN")
    );
    assert_eq!(
        err("ints"),
        format!(
            "{f}: column \"ints\" has type List(Int64, field: 'element'); expected a list of float32 or float64 (e.g. a pandas column of numpy arrays)"
        )
    );
    assert!(err("label").starts_with(&format!("{f}: column \"label\" has type Int64;")));
    assert_eq!(
        err("nope"),
        format!(
            "{f}: missing column \"nope\"; the file has columns: ragged, null_row, null_elem, nan_elem, ints, label"
        )
    );
}

// --- TREC / JSON runs and qrels -------------------------------------------------------------------------

fn pairs(v: &[(&str, f64)]) -> Vec<(String, f64)> {
    v.iter().map(|(d, s)| ((*d).to_owned(), *s)).collect()
}

#[test]
fn run_formats_agree() {
    for name in ["run.trec", "run.json", "run_compact.txt"] {
        let run = read_run(fixture(name)).unwrap();
        let qids: Vec<&str> = run.queries.iter().map(|(q, _)| q.as_str()).collect();
        assert_eq!(qids, ["q2", "q1", "q10"], "{name}");
        assert_eq!(
            run.get("q1").unwrap(),
            pairs(&[("d1", 2.5), ("d2", 3.0), ("d3", -1.0)]).as_slice(),
            "{name}"
        );
        assert_eq!(
            run.ranked("q1"),
            pairs(&[("d2", 3.0), ("d1", 2.5), ("d3", -1.0)])
        );
        // A tie in a short list keeps file order (ranx), not docid order (trec_eval).
        assert_eq!(
            run.ranked("q2"),
            pairs(&[("d3", 0.5), ("d1", 0.5), ("d9", 0.001)])
        );
        assert_eq!(run.ranked("q10"), pairs(&[("d7", 7.0)]));
        assert!(run.ranked("q404").is_empty());
        let tag = if name == "run.trec" {
            Some("bm25")
        } else {
            None
        };
        assert_eq!(run.name.as_deref(), tag);
    }
}

#[test]
fn qrels_formats_agree() {
    let a = read_qrels(fixture("qrels.txt")).unwrap();
    let b = read_qrels(fixture("qrels.json")).unwrap();
    assert_eq!(a.queries, b.queries);
    assert_eq!(a.queries.len(), 3);
    assert_eq!(a.queries["q1"]["d5"], -1);
    assert_eq!(a.queries["q1"]["d2"], 2);
    assert_eq!(a.queries["q10"]["d7"], 1);
}

#[test]
fn trec_text_details() {
    // Tabs, extra spaces, blank lines, CRLF, scientific notation and inf are fine; Q0/rank ignored.
    let p = file(
        "run.txt",
        "q1\tQ0 a 1 1e2 t\r\n\n   \nq1 x b 99 inf t\r\nq1 Q0 c 3 -3 t",
    );
    let run = read_run(&p).unwrap();
    assert_eq!(
        run.ranked("q1"),
        pairs(&[("b", f64::INFINITY), ("a", 100.0), ("c", -3.0)])
    );
}

#[test]
fn run_errors() {
    let err = |name: &str, text: &str| {
        let p = file(name, text);
        (d(&p), read_run(&p).unwrap_err().to_string())
    };
    let (f, e) = err("run.trec", "q1 Q0 d1 1 0.5 t\nq1 Q0 d2 2 0.4\n");
    assert_eq!(
        e,
        format!(
            "{f}:2: expected 6 whitespace-separated fields (qid Q0 docid rank score tag), found 5"
        )
    );
    let (f, e) = err("run.trec", "q1 Q0 d1 1 0.5 t\n\nq1 Q0 d2 2 high t\n");
    assert_eq!(
        e,
        format!("{f}:3: column \"score\": expected a number, found \"high\"")
    );
    let (f, e) = err("run.trec", "q1 Q0 d1 1 nan t\n");
    assert_eq!(
        e,
        format!("{f}:1: column \"score\": expected a score that is not NaN, found \"nan\"")
    );
    let (f, e) = err(
        "run.trec",
        "q1 Q0 d1 1 0.5 t\nq2 Q0 d1 1 0.5 t\nq1 Q0 d2 2 0.4 t\nq1 Q0 d1 3 0.3 t\n",
    );
    assert_eq!(
        e,
        format!(
            "{f}:4: expected each (query, document) pair once, found query \"q1\" document \"d1\" again (first at line 1)"
        )
    );
    let (f, e) = err("run.trec", "\n  \n");
    assert_eq!(
        e,
        format!("{f}: expected at least one run line, found none (the file is empty)")
    );
    let p = fixture("nope.trec");
    assert_eq!(
        read_run(&p).unwrap_err().to_string(),
        format!("{}: file not found", d(&p))
    );
    let p = fixture("f4.npy");
    assert_eq!(
        read_run(&p).unwrap_err().to_string(),
        format!("{}:1: expected UTF-8 text, found invalid bytes", d(&p))
    );
}

#[test]
fn qrels_errors() {
    let err = |name: &str, text: &str| {
        let p = file(name, text);
        (d(&p), read_qrels(&p).unwrap_err().to_string())
    };
    let (f, e) = err("qrels.txt", "q1 0 d1 1\nq1 0 d2 1 extra\n");
    assert_eq!(
        e,
        format!("{f}:2: expected 4 whitespace-separated fields (qid iter docid rel), found 5")
    );
    let (f, e) = err("qrels.txt", "q1 0 d1 1\nq1 0 d2 0.5\n");
    assert_eq!(
        e,
        format!("{f}:2: column \"rel\": expected an integer relevance judgment, found \"0.5\"")
    );
    let (f, e) = err("qrels.txt", "q1 0 d1 1\nq1 0 d2 0\nq1 1 d1 2\n");
    assert_eq!(
        e,
        format!(
            "{f}:3: expected each (query, document) pair once, found query \"q1\" document \"d1\" again (first at line 1)"
        )
    );
}

#[test]
fn json_errors() {
    let run_err = |text: &str| {
        let p = file("run.json", text);
        (d(&p), read_run(&p).unwrap_err().to_string())
    };
    let (f, e) = run_err("{\n  \"q1\": {\"d1\": 0.5,\n         \"d2\": \"0.4\"}\n}");
    assert_eq!(
        e,
        format!(
            "{f}:3:16: expected a number (the score of document \"d2\" in query \"q1\"), found a string \"0.4\""
        )
    );
    let (f, e) = run_err("{\"q1\": {\"d1\": NaN}}");
    assert_eq!(
        e,
        format!(
            "{f}:1:15: expected a number (the score of document \"d1\" in query \"q1\"), found NaN"
        )
    );
    let (f, e) = run_err("{\"q1\": {\"d1\": 1,\n \"d1\": 2}}");
    assert_eq!(
        e,
        format!(
            "{f}:2: expected each (query, document) pair once, found query \"q1\" document \"d1\" again (first at line 1)"
        )
    );
    let (f, e) = run_err("{\"q1\": {\"d1\": 1},\n\n\"q1\": {}}");
    assert_eq!(
        e,
        format!("{f}:3: expected each query once, found query \"q1\" again (first at line 1)")
    );
    let (f, e) = run_err("{\"q1\": [1, 2]}");
    assert_eq!(
        e,
        format!("{f}:1:8: expected an object of documents for query \"q1\", found an array")
    );
    let (f, e) = run_err("{\"q1\": {\"d1\": 1}\n\"q2\": {}}");
    assert_eq!(
        e,
        format!("{f}:2:1: expected ',' or '}}', found `\"q2\": {{}}}}`")
    );
    let (f, e) = run_err("[1, 2]");
    assert_eq!(
        e,
        format!(
            "{f}:1:1: expected an object {{\"query\": {{\"document\": value, ...}}, ...}}, found `[1, 2]`"
        )
    );
    let (f, e) = run_err("{\"q1\": {\"d1\": 1}} x");
    assert_eq!(
        e,
        format!("{f}:1:19: expected the end of the file, found `x`")
    );
    let (f, e) = run_err("{\"q1\": {\"d1\": 1.2.3}}");
    assert_eq!(e, format!("{f}:1:15: expected a JSON value, found `1.2.3`"));
    let (f, e) = run_err("{}");
    assert_eq!(
        e,
        format!("{f}: expected at least one query, found none (the file is empty)")
    );
    // Python's Infinity and escapes in ids are fine.
    let p = file("r.json", "{\"q\\u00e9\": {\"a\": -Infinity, \"b\\\"\": 2}}");
    let run = read_run(&p).unwrap();
    assert_eq!(
        run.ranked("qé"),
        pairs(&[("b\"", 2.0), ("a", f64::NEG_INFINITY)])
    );

    let qrels_err = |text: &str| {
        let p = file("qrels.json", text);
        (d(&p), read_qrels(&p).unwrap_err().to_string())
    };
    let (f, e) = qrels_err("{\"q1\": {\"d1\": 1, \"d2\": 0.5}}");
    assert_eq!(
        e,
        format!(
            "{f}:1:24: expected an integer judgment (for document \"d2\" in query \"q1\"), found 0.5"
        )
    );
    // 1.0 is an integer judgment (Python's json writes ints, but float grades happen).
    let p = file("q.json", "{\"q1\": {\"d1\": 1.0, \"d2\": 0}, \"q2\": {}}");
    let q = read_qrels(&p).unwrap();
    assert_eq!(q.queries["q1"]["d1"], 1);
    assert!(q.queries["q2"].is_empty());
}

#[test]
fn ranx_tie_order_matches_numba() {
    let text = std::fs::read_to_string(fixture("ties_ranx.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let scores = v["scores"].as_array().unwrap();
    let orders = v["order"].as_array().unwrap();
    assert_eq!(scores.len(), orders.len());
    let mut unstable = 0;
    for (s, o) in scores.iter().zip(orders) {
        let s: Vec<f64> = s
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let o: Vec<usize> = o
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(ranx_order(&s), o, "n = {}", s.len());
        let mut stable: Vec<usize> = (0..s.len()).collect();
        stable.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
        if stable != o {
            unstable += 1;
        } else {
            assert!(s.len() <= 15, "n = {}", s.len());
        }
    }
    // The fixture does exercise the unstable part of numba's quicksort.
    assert!(unstable >= 5);
}

#[test]
fn ranx_order_small_cases() {
    assert!(ranx_order(&[]).is_empty());
    assert_eq!(ranx_order(&[1.0]), [0]);
    assert_eq!(ranx_order(&[1.0, 3.0, 2.0, 3.0]), [1, 3, 2, 0]);
}
