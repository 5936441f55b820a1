//! `verdict check` reports: one list of findings (terminal, Markdown, the JSON of `docs/checks.md`).
//!
//! The content is the findings themselves, worst first within the order the checks ran: each with
//! its status, its check id, the evaluation it concerns (for findings of a stored evaluation), its
//! message and its hint, in the report's language; the JSON carries both languages and every
//! figure and rule parameter, so a CI job can read the numbers rather than the sentences.

use crate::findings;
use crate::{Align, Lang, Table};
use serde_json::{Map, Value, json};
use verdict_core::curves::Overfitting;
use verdict_core::diagnostics::{Figure, Finding, Status, Subject};
use verdict_core::metrics::Direction;

/// What was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckSubject {
    /// A run of the ledger: its id and name.
    Run {
        /// The run's id.
        id: String,
        /// Its name.
        name: String,
    },
    /// A history file.
    File(String),
}

/// The curve a run was judged by.
#[derive(Debug, Clone)]
pub struct JudgedCurve {
    /// The validation key.
    pub val: String,
    /// The training key.
    pub train: Option<String>,
    /// Its direction.
    pub direction: Direction,
    /// The overfitting rule's figures (`None` when no value is finite).
    pub overfitting: Option<Overfitting>,
}

/// A check's findings with what they were computed from.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// What was checked.
    pub subject: CheckSubject,
    /// The judged curve, when one was found.
    pub curve: Option<JudgedCurve>,
    /// `(evaluation, finding)`: the stored evaluation a finding concerns, if any.
    pub findings: Vec<(Option<String>, Finding)>,
}

impl CheckReport {
    /// The worst status among the findings (`pass` when there are none).
    pub fn worst(&self) -> Status {
        self.findings
            .iter()
            .map(|(_, f)| f.status)
            .max()
            .unwrap_or(Status::Pass)
    }

    /// How many findings have each status, `[pass, info, warn, fail]`.
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for (_, f) in &self.findings {
            c[status_index(f.status)] += 1;
        }
        c
    }
}

fn status_index(s: Status) -> usize {
    match s {
        Status::Pass => 0,
        Status::Info => 1,
        Status::Warn => 2,
        Status::Fail => 3,
    }
}

/// A figure as JSON: counts and finite numbers as numbers, a non-finite number as `null`, text as
/// a string, row indices as `{"shown", "total"}`.
fn figure(f: &Figure) -> Value {
    match f {
        Figure::Count(c) => json!(c),
        Figure::Number(x) => crate::json::num(*x),
        Figure::Text(t) => json!(t),
        Figure::Indices { shown, total } => json!({"shown": shown, "total": total}),
    }
}

fn subject(s: &Subject) -> Value {
    match s {
        Subject::Whole => json!("whole"),
        Subject::Class(i) => json!({"class": i}),
        Subject::Threshold(r) => json!({"threshold": r}),
        Subject::Embeddings(role) => json!({"embeddings": role.as_str()}),
    }
}

/// One finding as JSON (`docs/checks.md`): `check`, `status`, `scope`, `subject`, `model`,
/// `evaluation`, `observed`, `rule`, `message` and `hint` (`{"en", "ko"}`; `hint` `null` without
/// advice).
pub fn finding_json(evaluation: Option<&str>, f: &Finding) -> Value {
    let figures = |v: &[(&'static str, Figure)]| {
        Value::Object(
            v.iter()
                .map(|(n, x)| ((*n).to_string(), figure(x)))
                .collect::<Map<_, _>>(),
        )
    };
    let hint = match (findings::hint(Lang::En, f), findings::hint(Lang::Ko, f)) {
        (Some(en), Some(ko)) => json!({"en": en, "ko": ko}),
        _ => Value::Null,
    };
    json!({
        "check": f.check,
        "status": f.status.as_str(),
        "scope": f.scope().map(|s| s.as_str()),
        "subject": subject(&f.subject),
        "model": f.model,
        "evaluation": evaluation,
        "observed": figures(&f.observed),
        "rule": figures(&f.rule),
        "message": {"en": findings::message(Lang::En, f), "ko": findings::message(Lang::Ko, f)},
        "hint": hint,
    })
}

/// The JSON document (`docs/checks.md`).
pub fn json(rep: &CheckReport) -> String {
    let mut m = Map::new();
    m.insert("schema".into(), json!(1));
    m.insert(
        "tool".into(),
        json!(concat!("verdict ", env!("CARGO_PKG_VERSION"))),
    );
    m.insert(
        "subject".into(),
        match &rep.subject {
            CheckSubject::Run { id, name } => json!({"run_id": id, "run_name": name}),
            CheckSubject::File(f) => json!({"history": f}),
        },
    );
    m.insert(
        "curve".into(),
        rep.curve.as_ref().map_or(Value::Null, |c| {
            json!({
                "val": c.val,
                "train": c.train,
                "mode": c.direction.mode(),
                "overfitting": c.overfitting.as_ref().map(|o| json!({
                    "severity": o.severity.as_str(),
                    "base_severity": o.base.as_str(),
                    "epochs": o.epochs,
                    "best_epoch": o.best + 1,
                    "best_step": o.best_step,
                    "best": crate::json::num(o.best_value),
                    "first": crate::json::num(o.first_value),
                    "last": crate::json::num(o.last_value),
                    "worsening": crate::json::num(o.r),
                    "wasted": o.wasted,
                    "non_finite_after_best": o.non_finite_after_best,
                    "train_first": o.train.map(|t| crate::json::num(t.0)),
                    "train_last": o.train.map(|t| crate::json::num(t.1)),
                    "train_improving": o.train_improving,
                    "early": o.early,
                })),
            })
        }),
    );
    let [pass, info, warn, fail] = rep.counts();
    m.insert(
        "summary".into(),
        json!({"pass": pass, "info": info, "warn": warn, "fail": fail, "worst": rep.worst().as_str()}),
    );
    m.insert(
        "findings".into(),
        Value::Array(
            rep.findings
                .iter()
                .map(|(e, f)| finding_json(e.as_deref(), f))
                .collect(),
        ),
    );
    let mut s = serde_json::to_string_pretty(&Value::Object(m)).unwrap_or_default();
    s.push('\n');
    s
}

fn status_word(lang: Lang, s: Status) -> &'static str {
    match (lang, s) {
        (Lang::En, Status::Pass) => "pass",
        (Lang::En, Status::Info) => "info",
        (Lang::En, Status::Warn) => "warn",
        (Lang::En, Status::Fail) => "FAIL",
        (Lang::Ko, Status::Pass) => "통과",
        (Lang::Ko, Status::Info) => "정보",
        (Lang::Ko, Status::Warn) => "경고",
        (Lang::Ko, Status::Fail) => "실패",
    }
}

fn heading(rep: &CheckReport, lang: Lang) -> String {
    match (&rep.subject, lang) {
        (CheckSubject::Run { id, name }, Lang::En) => format!("Checks of run {id} ({name})"),
        (CheckSubject::Run { id, name }, Lang::Ko) => format!("런 {id} ({name}) 점검"),
        (CheckSubject::File(f), Lang::En) => format!("Checks of the history {f}"),
        (CheckSubject::File(f), Lang::Ko) => format!("학습 기록 {f} 점검"),
    }
}

fn curve_line(rep: &CheckReport, lang: Lang) -> String {
    match (&rep.curve, lang) {
        (Some(c), Lang::En) => format!(
            "Curve: {} ({}){}",
            c.val,
            c.direction.mode(),
            c.train
                .as_ref()
                .map_or(String::new(), |t| format!(", training curve {t}"))
        ),
        (Some(c), Lang::Ko) => format!(
            "곡선: {} ({}){}",
            c.val,
            c.direction.mode(),
            c.train
                .as_ref()
                .map_or(String::new(), |t| format!(", 학습 곡선 {t}"))
        ),
        (None, Lang::En) => "Curve: none found (no validation metric with a known direction; name one with --val-metric)".into(),
        (None, Lang::Ko) => "곡선: 찾지 못함 (방향을 아는 검증 지표가 없습니다. --val-metric으로 지정하십시오)".into(),
    }
}

fn summary_line(rep: &CheckReport, lang: Lang) -> String {
    let [pass, info, warn, fail] = rep.counts();
    match lang {
        Lang::En => format!("{fail} fail, {warn} warn, {info} info, {pass} pass"),
        Lang::Ko => format!("실패 {fail}, 경고 {warn}, 정보 {info}, 통과 {pass}"),
    }
}

fn check_label(e: &Option<String>, f: &Finding) -> String {
    match e {
        Some(e) => format!("{} [{e}]", f.check),
        None => f.check.to_string(),
    }
}

/// The terminal report.
pub fn text(rep: &CheckReport, lang: Lang) -> String {
    let mut out = format!("{}\n{}\n\n", heading(rep, lang), curve_line(rep, lang));
    for (e, f) in &rep.findings {
        out.push_str(&format!(
            "{:<4}  {}: {}\n",
            status_word(lang, f.status),
            check_label(e, f),
            findings::message(lang, f)
        ));
        if f.status >= Status::Warn
            && let Some(h) = findings::hint(lang, f)
        {
            out.push_str(&format!("      → {h}\n"));
        }
    }
    if rep.findings.is_empty() {
        out.push_str(match lang {
            Lang::En => "No findings.\n",
            Lang::Ko => "발견 사항이 없습니다.\n",
        });
    }
    out.push('\n');
    out.push_str(&summary_line(rep, lang));
    out.push('\n');
    out
}

/// The Markdown report.
pub fn markdown(rep: &CheckReport, lang: Lang) -> String {
    let mut out = format!("# {}\n\n{}\n\n", heading(rep, lang), curve_line(rep, lang));
    let headers = match lang {
        Lang::En => ["status", "check", "finding", "what to do"],
        Lang::Ko => ["상태", "점검", "내용", "조치"],
    };
    let mut t = Table::with_align(
        headers.iter().map(|h| (*h).to_string()).collect(),
        vec![Align::Left; 4],
    );
    // A `|` inside a cell would end it (`|sum − 1|` in a message).
    let cell = |s: String| s.replace('|', "\\|");
    for (e, f) in &rep.findings {
        t.row(vec![
            status_word(lang, f.status).to_string(),
            format!("`{}`", check_label(e, f)),
            cell(findings::message(lang, f)),
            cell(findings::hint(lang, f).unwrap_or_default()),
        ]);
    }
    out.push_str(&t.markdown());
    out.push('\n');
    out.push_str(&summary_line(rep, lang));
    out.push('\n');
    out
}
