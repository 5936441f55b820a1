//! Test support shared by the Verdict crates; a dev-dependency only, never linked into a binary.
//!
//! [`snapshot`] compares a rendered document with a committed file and, on a mismatch, panics
//! with a unified-style diff of the removed (`-`, the snapshot) and added (`+`, the output)
//! lines, computed by [`line_diff`] (a longest-common-subsequence line diff, no dependency).
//! `UPDATE_SNAPSHOTS=1` writes the file instead, so accepting a change is one run and a
//! `git diff`.

#![warn(missing_docs)]

use std::path::Path;

/// Lines of unchanged context shown around each change by [`line_diff`].
const CONTEXT: usize = 2;

/// At most this many diff lines are printed; the rest are counted.
const MAX_LINES: usize = 200;

/// Above this many cells (lines × lines, after the common prefix and suffix are cut off) the
/// LCS table is not built and the differing middle is shown as wholly removed and added.
const MAX_CELLS: usize = 4_000_000;

/// Compares `actual` with the committed snapshot file `path`; with the environment variable
/// `UPDATE_SNAPSHOTS` set it writes `actual` there instead (creating the directory).
///
/// # Panics
/// When the file is missing, or differs from `actual`: the message carries the diff of
/// [`line_diff`] (snapshot lines `-`, output lines `+`).
pub fn snapshot(path: impl AsRef<Path>, actual: &str) {
    let path = path.as_ref();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        std::fs::write(path, actual)
            .unwrap_or_else(|e| panic!("cannot write snapshot {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "missing snapshot {} ({e}); run with UPDATE_SNAPSHOTS=1 to write it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "{} differs from its snapshot (UPDATE_SNAPSHOTS=1 to accept; {} vs {} lines; - snapshot, + output):\n{}",
            path.display(),
            expected.lines().count(),
            actual.lines().count(),
            line_diff(&expected, actual)
        );
    }
}

/// One line of an edit script.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Same,
    Removed,
    Added,
}

/// Every tag of an HTML document: its lower-case name and its text between `<` and `>`.
fn tags(html: &str) -> impl Iterator<Item = (String, &str)> {
    html.split('<').skip(1).map(|tag| {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let name = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        (name, tag)
    })
}

/// Asserts that an HTML page of the web UI names nothing outside its own origin: no scheme
/// (`://`), `url(…)` or `@import`; no element that embeds (`img`, `link`, `iframe`, `object`,
/// `embed`); a `script` only as `src="/ui/app.js"`; every `href`, `src` and `action` a path on
/// the same server (`/…`, never `//…`). Text must be escaped (a `<` always opens a real tag).
///
/// # Panics
/// On the first reference that breaks the rule, naming it.
pub fn assert_same_origin_html(html: &str) {
    for needle in ["://", "url(", "@import"] {
        assert!(!html.contains(needle), "the page contains `{needle}`");
    }
    for (name, tag) in tags(html) {
        assert!(
            !["img", "link", "iframe", "object", "embed"].contains(&name.as_str()),
            "a <{name}> element"
        );
        if name == "script" && !tag.starts_with('/') {
            assert!(
                tag.contains("src=\"/ui/app.js\""),
                "an inline script: <{tag}>"
            );
        }
        for attr in [" href=\"", " src=\"", " action=\""] {
            for (i, _) in tag.match_indices(attr) {
                let value = &tag[i + attr.len()..];
                assert!(
                    value.starts_with('/') && !value.starts_with("//"),
                    "a reference off this server: <{tag}>"
                );
            }
        }
    }
}

/// Asserts that an HTML document loads nothing and names no URL: no scheme (`://`), `url(…)` or
/// `@import` anywhere, no element that loads (`script`, `img`, `link`, `iframe`, `object`,
/// `embed`) and no `src` or `href` attribute in any tag. The document's text must be escaped (a
/// `<` always opens a real tag), which is what this checks the reports for.
///
/// # Panics
/// On the first such reference, naming it.
pub fn assert_self_contained_html(html: &str) {
    for needle in ["://", "url(", "@import"] {
        assert!(!html.contains(needle), "the document contains `{needle}`");
    }
    for (name, tag) in tags(html) {
        assert!(
            !["script", "img", "link", "iframe", "object", "embed"].contains(&name.as_str()),
            "a <{name}> element"
        );
        assert!(
            !tag.contains(" src=") && !tag.contains(" href="),
            "a tag that loads: <{tag}>"
        );
    }
}

/// A unified-style diff from `old` to `new`: hunks headed `@@ -a,b +c,d @@` (1-based line
/// numbers) with two unchanged lines of context around each change, `-` for lines only in `old`,
/// `+` for lines only in `new`. Empty when the two have the same lines; a difference in the
/// final newline alone is reported as such.
pub fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let script = edit_script(&a, &b);
    let mut out = Vec::new();
    // Walk the script, remembering each entry's line numbers in `a` and `b`.
    let mut pos = Vec::with_capacity(script.len());
    let (mut i, mut j) = (0usize, 0usize);
    for op in &script {
        pos.push((i, j));
        match op {
            Op::Same => {
                i += 1;
                j += 1;
            }
            Op::Removed => i += 1,
            Op::Added => j += 1,
        }
    }
    let changed: Vec<usize> = (0..script.len())
        .filter(|&k| script[k] != Op::Same)
        .collect();
    let mut k = 0;
    while k < changed.len() {
        // A hunk: changes closer than 2 × CONTEXT apart share their context.
        let start = changed[k].saturating_sub(CONTEXT);
        let mut last = changed[k];
        while k + 1 < changed.len() && changed[k + 1] <= last + 2 * CONTEXT + 1 {
            k += 1;
            last = changed[k];
        }
        let end = (last + CONTEXT + 1).min(script.len());
        let count = |op: Op| {
            script[start..end]
                .iter()
                .filter(|&&o| o == Op::Same || o == op)
                .count()
        };
        let (ai, bj) = pos[start];
        out.push(format!(
            "@@ -{},{} +{},{} @@",
            ai + 1,
            count(Op::Removed),
            bj + 1,
            count(Op::Added)
        ));
        for e in start..end {
            let (ai, bj) = pos[e];
            out.push(match script[e] {
                Op::Same => format!(" {}", a[ai]),
                Op::Removed => format!("-{}", a[ai]),
                Op::Added => format!("+{}", b[bj]),
            });
        }
        k += 1;
    }
    if out.is_empty() && old != new {
        let nl = |s: &str| {
            if s.ends_with('\n') {
                "ends"
            } else {
                "does not end"
            }
        };
        return format!(
            "same lines; the snapshot {} with a newline, the output {}",
            nl(old),
            nl(new)
        );
    }
    if out.len() > MAX_LINES {
        let more = out.len() - MAX_LINES;
        out.truncate(MAX_LINES);
        out.push(format!("… {more} more diff lines"));
    }
    out.join("\n")
}

/// The shortest edit script from `a` to `b` by longest common subsequence, removals before
/// additions within a change.
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut script = vec![Op::Same; prefix];
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        script.extend(std::iter::repeat_n(Op::Removed, ma.len()));
        script.extend(std::iter::repeat_n(Op::Added, mb.len()));
    } else {
        // lcs[i][j]: the LCS length of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                script.push(Op::Same);
                i += 1;
                j += 1;
            } else if i < ma.len() && (j == mb.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])
            {
                script.push(Op::Removed);
                i += 1;
            } else {
                script.push(Op::Added);
                j += 1;
            }
        }
    }
    script.extend(std::iter::repeat_n(Op::Same, suffix));
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(line_diff("a\nb\n", "a\nb\n"), "");
        assert_eq!(line_diff("", ""), "");
    }

    #[test]
    fn a_changed_line_is_removed_and_added_with_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n";
        let new = "1\n2\n3\nfour\n5\n6\n7\n";
        assert_eq!(
            line_diff(old, new),
            "@@ -2,5 +2,5 @@\n 2\n 3\n-4\n+four\n 5\n 6"
        );
    }

    #[test]
    fn insertions_and_removals_are_not_a_shifted_zip() {
        // A line inserted at the top: a zip of the two would report every line as changed.
        let old = "a\nb\nc\n";
        let new = "new\na\nb\nc\n";
        assert_eq!(line_diff(old, new), "@@ -1,2 +1,3 @@\n+new\n a\n b");
        let removed = line_diff("a\nb\nc\nd\n", "a\nc\nd\n");
        assert_eq!(removed, "@@ -1,4 +1,3 @@\n a\n-b\n c\n d");
    }

    #[test]
    fn distant_changes_get_separate_hunks() {
        let old: String = (0..20).map(|i| format!("{i}\n")).collect();
        let new = old.replace("3\n", "x\n").replace("16\n", "y\n");
        let d = line_diff(&old, &new);
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(d.contains("-3\n+x") && d.contains("-16\n+y"), "{d}");
    }

    #[test]
    fn a_missing_final_newline_is_named() {
        assert!(line_diff("a\n", "a").contains("does not end"));
    }

    #[test]
    fn snapshot_writes_then_accepts_and_rejects() {
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            return; // snapshot() writes instead of comparing
        }
        let dir = std::env::temp_dir().join(format!("verdict-testkit-{}", std::process::id()));
        let path = dir.join("s.txt");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(&path, "a\nb\n").expect("write");
        snapshot(&path, "a\nb\n");
        let err = std::panic::catch_unwind(|| snapshot(&path, "a\nc\n"))
            .expect_err("a different text fails");
        let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("-b\n+c"), "{msg}");
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}

/// Learning curves shaped from a report's summary numbers (seed 001 §4.1 gives best epoch / total
/// and the validation loss from its best to its last value), for the curve checks' tests.
pub mod curves {
    /// A validation loss of `n` epochs falling linearly from `1.3 · best` to `best` at epoch
    /// `best_at` (1-based; at once when it is 1), then rising linearly to `last` at epoch `n`.
    pub fn seed_loss(n: usize, best_at: usize, best: f64, last: f64) -> Vec<f64> {
        let start = best * 1.3;
        (1..=n)
            .map(|e| {
                if e <= best_at {
                    if best_at == 1 {
                        best
                    } else {
                        start + (best - start) * (e - 1) as f64 / (best_at - 1) as f64
                    }
                } else {
                    best + (last - best) * (e - best_at) as f64 / (n - best_at) as f64
                }
            })
            .collect()
    }

    /// `n` values falling linearly from `first` to `last` (a training loss that keeps improving).
    pub fn falling(n: usize, first: f64, last: f64) -> Vec<f64> {
        (0..n)
            .map(|i| first + (last - first) * i as f64 / (n - 1).max(1) as f64)
            .collect()
    }
}

/// Writes `dir/name`: a binary predictions file (`id,label,score`) of `n` rows, every third
/// positive, whose scores depend on `shift` (another model of the same eval set). For tests that
/// store or compare evaluations; the numbers they assert come from `verdict compare`/`eval` on
/// these files, not from this shape.
pub fn binary_predictions(
    dir: &std::path::Path,
    name: &str,
    n: usize,
    shift: f64,
) -> std::path::PathBuf {
    let mut text = String::from("id,label,score\n");
    for i in 0..n {
        let label = i % 3 == 0;
        let score = ((i * 37 % 100) as f64 / 100.0 + if label { 0.3 } else { 0.0 } + shift) / 1.6;
        text.push_str(&format!("r{i},{},{score}\n", u8::from(label)));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write predictions");
    path
}
