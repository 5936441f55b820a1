//! Every citation of a design note points into the repository, at a section that exists.
//!
//! The notes live in `docs/design/` (index: `docs/design/README.md`) and code cites them as
//! `docs/design/<note>.md §N` or `§N.M`. This test reads every text file of the repository (not
//! `target/`, `.git/` or other hidden directories except `.ci/`; JSON escapes `\u00a7` count as
//! `§`) and fails on
//! - a citation of `docs/design/<note>.md` whose file does not exist, or whose `§N.M` has no
//!   heading `#… N.M` in that file;
//! - a citation of a note by its bare name (`metrics.md §3.1`, `mlflow.md 1.6`, …) or of a path
//!   outside the repository (the research notes the code once cited), which a newcomer who clones
//!   the repository cannot follow. Files inside `docs/design/` may link their siblings by name.

use std::path::{Path, PathBuf};

/// Names of the notes that were once cited from outside the repository.
const NOTE_NAMES: [&str; 7] = [
    "metrics",
    "mlflow",
    "store",
    "stack",
    "rust-stack",
    "diagnostics",
    "aesthetics",
];

/// A path prefix that is never part of the repository (split so this file does not match it).
fn outside_prefix() -> String {
    ["shared", "reference/"].join("/")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            let skip = name == "target"
                || name == "node_modules"
                || name == "__pycache__"
                || (name.starts_with('.') && name != ".ci");
            if !skip {
                text_files(&path, out);
            }
        } else if ft.is_file() {
            out.push(path);
        }
    }
}

/// The path-like token that ends just before byte `end` of `s`.
fn token_before(s: &str, end: usize) -> &str {
    let bytes = s.as_bytes();
    let mut start = end;
    while start > 0 {
        let c = bytes[start - 1];
        if c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'-' | b'.') {
            start -= 1;
        } else {
            break;
        }
    }
    &s[start..end]
}

/// The section number cited right after byte `at` (after `.md`): an optional closing backtick,
/// spaces, then `§N[.M…]`, or for a bare note name also `N.M` without `§`.
fn section_after(s: &str, at: usize) -> Option<String> {
    let mut rest = &s[at..];
    rest = rest.strip_prefix('`').unwrap_or(rest);
    rest = rest.trim_start_matches(' ');
    let (rest, with_sign) = match rest.strip_prefix('§') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let num = num.trim_end_matches('.').to_owned();
    if num.is_empty() || num.starts_with('.') {
        return None;
    }
    if !with_sign && !num.contains('.') {
        return None;
    }
    Some(num)
}

/// Does `note` have a heading numbered `num` (`## 1.`, `### 1.2 …`)?
fn has_section(note: &str, num: &str) -> bool {
    note.lines().any(|line| {
        let Some(rest) = line.strip_prefix('#') else {
            return false;
        };
        let rest = rest.trim_start_matches('#');
        let Some(rest) = rest.strip_prefix(' ') else {
            return false;
        };
        let Some(after) = rest.strip_prefix(num) else {
            return false;
        };
        after.is_empty() || after.starts_with(' ') || after.starts_with(". ") || after == "."
    })
}

/// The problems with the citations in one file's text; `in_design` for files of `docs/design/`.
fn problems(root: &Path, text: &str, in_design: bool) -> Vec<String> {
    let text = text.replace("\\u00a7", "§");
    let mut out = Vec::new();
    if text.contains(&outside_prefix()) {
        out.push(format!(
            "cites a note outside the repository ({})",
            outside_prefix()
        ));
    }
    for (i, _) in text.match_indices(".md") {
        let end = i + ".md".len();
        // `foo.mdx`, `x.md5`: not a Markdown file name.
        if text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            continue;
        }
        let token = token_before(&text, i);
        let stem = token.rsplit('/').next().unwrap_or(token);
        let section = section_after(&text, end);
        if let Some(p) = token.find("docs/design/") {
            let rel = &token[p..];
            let file = format!("{rel}.md");
            let Ok(note) = std::fs::read_to_string(root.join(&file)) else {
                out.push(format!("cites {file}, which does not exist"));
                continue;
            };
            if let Some(num) = section
                && !has_section(&note, &num)
            {
                out.push(format!("cites {file} §{num}, which has no such section"));
            }
        } else if NOTE_NAMES.contains(&stem) {
            let sibling =
                in_design && token == stem && root.join(format!("docs/design/{stem}.md")).is_file();
            if !sibling {
                let cited = match section {
                    Some(num) => format!("{token}.md §{num}"),
                    None => format!("{token}.md"),
                };
                out.push(format!(
                    "cites {cited}: cite the note in the repository as docs/design/<note>.md §N"
                ));
            }
        }
    }
    out
}

#[test]
fn design_note_citations_point_into_the_repository() {
    let root = repo_root();
    let this = Path::new(file!())
        .file_name()
        .map(|n| n.to_owned())
        .unwrap_or_default();
    let mut files = Vec::new();
    text_files(&root, &mut files);
    let design = root.join("docs/design");
    let mut bad = Vec::new();
    let mut scanned = 0;
    for path in &files {
        if path.file_name() == Some(this.as_os_str()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue; // not UTF-8: data, not prose
        };
        scanned += 1;
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        for p in problems(&root, &text, path.starts_with(&design)) {
            bad.push(format!("{rel}: {p}"));
        }
    }
    assert!(scanned > 100, "scanned only {scanned} files under {root:?}");
    assert!(
        bad.is_empty(),
        "bad design-note citations:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checker_catches_what_it_should() {
    let root = repo_root();
    let ok = |s: &str| problems(&root, s, false).is_empty();
    assert!(ok(
        "see docs/design/metrics.md §1.3 and `docs/design/mlflow.md` §2."
    ));
    assert!(ok("docs/design/metrics.md \\u00a72.2 in a JSON string"));
    assert!(ok("docs/design/mlflow.md, by file"));
    assert!(ok("`docs/eval-json.md` § Many classes"));
    assert!(!ok("docs/design/metrics.md §9.9"));
    assert!(!ok("docs/design/metrics.md §1.33"));
    assert!(!ok("docs/design/nothing.md §1"));
    assert!(!ok("metrics.md §3.1"));
    assert!(!ok("(metrics.md 2.1)"));
    assert!(!ok("rust-stack.md §2"));
    assert!(!ok(&format!("{}mlflow.md", outside_prefix())));
    assert!(problems(&root, "[metrics.md](metrics.md)", true).is_empty());
}
