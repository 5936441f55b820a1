//! `verdict splits check` and `verdict splits diff` reports: the splits side by side (rows,
//! groups, fingerprints, class counts), the label-drift test, the metadata shortcuts, and the
//! findings in the model of `verdict check` (docs/checks.md); the diff as seed 001 §5.8's table.

use crate::check::{finding_json, status_word};
use crate::sections::{Part, parts_to_sections, render_parts};
use crate::{Align, Lang, Table, findings, fmt4};
use serde_json::{Map, Value, json};
use verdict_core::diagnostics::{Finding, Status};
use verdict_core::splits::{SplitDiff, SplitsReport};

/// A split's identity in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitRow {
    /// Its name.
    pub name: String,
    /// Its MLflow context.
    pub context: String,
    /// The manifest.
    pub source: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// Rows.
    pub rows: usize,
    /// Distinct groups, when grouped.
    pub groups: Option<usize>,
}

/// What `verdict splits check` reports.
#[derive(Debug, Clone)]
pub struct SplitsCheckReport {
    /// The splits.
    pub splits: Vec<SplitRow>,
    /// The checks' results.
    pub report: SplitsReport,
}

impl SplitsCheckReport {
    /// The worst status among the findings.
    pub fn worst(&self) -> Status {
        self.report
            .findings
            .iter()
            .map(|f| f.status)
            .max()
            .unwrap_or(Status::Pass)
    }
}

fn counts(findings: &[Finding]) -> Value {
    let mut c = [0usize; 4];
    for f in findings {
        c[match f.status {
            Status::Pass => 0,
            Status::Info => 1,
            Status::Warn => 2,
            Status::Fail => 3,
        }] += 1;
    }
    json!({"pass": c[0], "info": c[1], "warn": c[2], "fail": c[3]})
}

/// The JSON document (`docs/checks.md`, "verdict splits").
pub fn json(rep: &SplitsCheckReport) -> String {
    let num = crate::json::num;
    let r = &rep.report;
    let class_counts: Map<String, Value> = rep
        .splits
        .iter()
        .zip(&r.class_counts)
        .map(|(s, row)| {
            (
                s.name.clone(),
                Value::Object(
                    r.classes
                        .iter()
                        .zip(row)
                        .map(|(c, n)| (c.clone(), json!(n)))
                        .collect(),
                ),
            )
        })
        .collect();
    let doc = json!({
        "schema": 1,
        "tool": concat!("verdict ", env!("CARGO_PKG_VERSION")),
        "splits": rep.splits.iter().map(|s| json!({
            "name": s.name, "context": s.context, "source": s.source,
            "fingerprint": s.fingerprint, "rows": s.rows, "groups": s.groups,
        })).collect::<Vec<_>>(),
        "classes": r.classes,
        "class_counts": Value::Object(class_counts),
        "label_drift": r.label_drift.as_ref().map(|h| json!({
            "chi2": num(h.chi2), "dof": h.dof, "p_value": num(h.p_value), "cramers_v": num(h.cramers_v),
        })),
        "shortcuts": r.shortcuts.iter().map(|s| json!({
            "column": s.column,
            "nmi": num(s.nmi),
            "values": s.values.iter().map(|v| json!({
                "value": v.value, "n": v.n, "majority_label": v.majority_label,
                "share": num(v.share), "ci_low": num(v.ci.0), "ci_high": num(v.ci.1),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "small_splits": r.small.iter().map(|s| json!({
            "split": s.split, "n": s.n, "accuracy_half_width": num(s.accuracy_half_width),
            "groups": s.groups, "group_half_width": s.group_half_width.map(num),
        })).collect::<Vec<_>>(),
        "summary": counts(&r.findings),
        "worst": rep.worst().as_str(),
        "findings": r.findings.iter().map(|f| finding_json(None, f)).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The text (`markdown` false) or Markdown report.
pub fn render(rep: &SplitsCheckReport, lang: Lang, markdown: bool) -> String {
    render_parts(&check_parts(rep, lang), markdown)
}

/// The report as one self-contained HTML file ([`crate::html`]).
pub fn html(rep: &SplitsCheckReport, lang: Lang) -> String {
    let (title, sections) = parts_to_sections(check_parts(rep, lang), lang.pick("Splits", "분할"));
    crate::html::render_sections(&title, lang, &sections, &[])
}

fn check_parts(rep: &SplitsCheckReport, lang: Lang) -> Vec<Part> {
    let r = &rep.report;
    let mut out = vec![Part::Title(
        lang.pick("Split checks", "분할 점검").to_string(),
    )];
    let mut t = Table::with_align(
        crate::headers(
            lang,
            &["split", "context", "rows", "groups", "fingerprint"],
            &["분할", "용도", "행", "그룹", "지문"],
        ),
        vec![
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Left,
        ],
    );
    for s in &rep.splits {
        t.row(vec![
            s.name.clone(),
            s.context.clone(),
            s.rows.to_string(),
            s.groups.map_or("-".into(), |g| g.to_string()),
            s.fingerprint.clone(),
        ]);
    }
    out.push(Part::Table(t));
    out.push(Part::Heading(
        2,
        lang.pick("Class counts", "클래스별 개수").to_string(),
    ));
    let mut headers = vec![lang.pick("class", "클래스").to_string()];
    headers.extend(rep.splits.iter().map(|s| s.name.clone()));
    let mut align = vec![Align::Left];
    align.extend(rep.splits.iter().map(|_| Align::Right));
    let mut t = Table::with_align(headers, align);
    for (j, c) in r.classes.iter().enumerate() {
        let mut row = vec![c.clone()];
        row.extend(r.class_counts.iter().map(|counts| counts[j].to_string()));
        t.row(row);
    }
    out.push(Part::Table(t));
    if let Some(d) = &r.label_drift {
        out.push(Part::Para(format!(
            "{}: χ² = {:.3}, dof = {}, p = {:.4}, Cramér's V = {:.4}",
            lang.pick(
                "Label drift (chi-squared test of homogeneity)",
                "레이블 분포 차이 (카이제곱 동질성 검정)"
            ),
            d.chi2,
            d.dof,
            d.p_value,
            d.cramers_v
        )));
    }
    for s in &r.shortcuts {
        out.push(Part::Heading(
            2,
            format!(
                "{} `{}`: NMI = {}",
                lang.pick("Metadata", "메타데이터"),
                s.column,
                fmt4(s.nmi)
            ),
        ));
        let mut t = Table::with_align(
            crate::headers(
                lang,
                &["value", "n", "majority label", "share [95% CI]"],
                &["값", "n", "다수 레이블", "비율 [95% 신뢰구간]"],
            ),
            vec![Align::Left, Align::Right, Align::Left, Align::Right],
        );
        for v in &s.values {
            t.row(vec![
                v.value.clone(),
                v.n.to_string(),
                v.majority_label.clone(),
                format!("{} [{}, {}]", fmt4(v.share), fmt4(v.ci.0), fmt4(v.ci.1)),
            ]);
        }
        out.push(Part::Table(t));
    }
    out.push(Part::Heading(
        2,
        lang.pick("Findings", "발견 사항").to_string(),
    ));
    for f in &r.findings {
        let line = format!(
            "{} {}: {}",
            status_word(lang, f.status),
            f.check,
            findings::message(lang, f)
        );
        out.push(Part::Item(line));
        if f.status >= Status::Warn
            && let Some(hint) = findings::hint(lang, f)
        {
            out.push(Part::Hint(hint));
        }
    }
    if r.findings.is_empty() {
        out.push(Part::Plain(
            lang.pick("No findings.", "발견 사항이 없습니다.")
                .to_string(),
        ));
    }
    out
}

/// What `verdict splits diff` reports.
#[derive(Debug, Clone)]
pub struct SplitsDiffReport {
    /// The old version.
    pub old: SplitRow,
    /// The new version.
    pub new: SplitRow,
    /// The changes.
    pub diff: SplitDiff,
}

/// Ids shown per kind of change.
const SHOWN: usize = 10;

/// The diff's JSON document.
pub fn diff_json(rep: &SplitsDiffReport) -> String {
    let d = &rep.diff;
    let first = |v: &[String]| v.iter().take(SHOWN).cloned().collect::<Vec<_>>();
    let changed = |v: &[(String, String, String)]| {
        v.iter()
            .take(SHOWN)
            .map(|(id, a, b)| json!({"id": id, "old": a, "new": b}))
            .collect::<Vec<_>>()
    };
    let doc = json!({
        "schema": 1,
        "tool": concat!("verdict ", env!("CARGO_PKG_VERSION")),
        "old": {"source": rep.old.source, "fingerprint": rep.old.fingerprint, "rows": rep.old.rows},
        "new": {"source": rep.new.source, "fingerprint": rep.new.fingerprint, "rows": rep.new.rows},
        "identical": d.identical,
        "added": {"count": d.added.len(), "first": first(&d.added)},
        "removed": {"count": d.removed.len(), "first": first(&d.removed)},
        "relabelled": {"count": d.relabelled.len(), "first": changed(&d.relabelled)},
        "regrouped": {"count": d.regrouped.len(), "first": changed(&d.regrouped)},
        "classes": d.classes.iter().zip(d.before.iter().zip(&d.after)).map(|(c, (b, a))| json!({
            "class": c, "old": b, "new": a, "change": *a as i64 - *b as i64,
        })).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The diff as text or Markdown.
pub fn diff_render(rep: &SplitsDiffReport, lang: Lang, markdown: bool) -> String {
    render_parts(&diff_parts(rep, lang), markdown)
}

/// The diff as one self-contained HTML file ([`crate::html`]).
pub fn diff_html(rep: &SplitsDiffReport, lang: Lang) -> String {
    let (title, sections) = parts_to_sections(diff_parts(rep, lang), lang.pick("Versions", "버전"));
    crate::html::render_sections(&title, lang, &sections, &[])
}

fn diff_parts(rep: &SplitsDiffReport, lang: Lang) -> Vec<Part> {
    let d = &rep.diff;
    let version = |which: &str, v: &SplitRow| {
        format!(
            "{which}: {} ({} {}, {})",
            v.source,
            v.rows,
            lang.pick("rows", "행"),
            v.fingerprint
        )
    };
    let mut out = vec![
        Part::Title(lang.pick("Split diff", "분할 비교").to_string()),
        Part::Plain(version(lang.pick("old", "이전"), &rep.old)),
        Part::Para(version(lang.pick("new", "새"), &rep.new)),
    ];
    let mut t = Table::with_align(
        crate::headers(
            lang,
            &["class", "old", "new", "change"],
            &["클래스", "이전", "새", "변화"],
        ),
        vec![Align::Left, Align::Right, Align::Right, Align::Right],
    );
    for (c, (b, a)) in d.classes.iter().zip(d.before.iter().zip(&d.after)) {
        t.row(vec![
            c.clone(),
            b.to_string(),
            a.to_string(),
            format!("{:+}", *a as i64 - *b as i64),
        ]);
    }
    out.push(Part::Table(t));
    let list = |v: &[String]| {
        let mut s: Vec<String> = v.iter().take(SHOWN).cloned().collect();
        if v.len() > SHOWN {
            s.push("…".into());
        }
        s.join(", ")
    };
    let changes = |v: &[(String, String, String)]| {
        let mut s: Vec<String> = v
            .iter()
            .take(SHOWN)
            .map(|(id, a, b)| format!("{id} ({a} → {b})"))
            .collect();
        if v.len() > SHOWN {
            s.push("…".into());
        }
        s.join(", ")
    };
    for (what_en, what_ko, n, ids) in [
        ("added", "추가", d.added.len(), list(&d.added)),
        ("removed", "삭제", d.removed.len(), list(&d.removed)),
        (
            "relabelled",
            "레이블 변경",
            d.relabelled.len(),
            changes(&d.relabelled),
        ),
        (
            "regrouped",
            "그룹 변경",
            d.regrouped.len(),
            changes(&d.regrouped),
        ),
    ] {
        out.push(Part::Item(format!(
            "{}: {n}{}",
            lang.pick(what_en, what_ko),
            if n > 0 {
                format!(" ({ids})")
            } else {
                String::new()
            }
        )));
    }
    out.push(Part::Plain(String::new()));
    out.push(Part::Plain(if d.identical {
        lang.pick(
            "The two versions hold the same samples with the same labels and groups: results on either are comparable.\n",
            "두 버전은 같은 샘플, 같은 레이블과 그룹을 담고 있습니다: 어느 쪽 결과든 비교할 수 있습니다.\n",
        )
    } else {
        lang.pick(
            "The two versions differ: results on the old version are not comparable with results on the new one.\n",
            "두 버전이 다릅니다: 이전 버전에서 얻은 결과는 새 버전의 결과와 비교할 수 없습니다.\n",
        )
    }.trim_end().to_string()));
    out
}
