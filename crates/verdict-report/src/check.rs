//! `verdict check` reports: one list of findings (terminal, Markdown, the JSON of `docs/checks.md`).
//!
//! The content is the findings themselves, worst first within the order the checks ran: each with
//! its status, its check id, the evaluation it concerns (for findings of a stored evaluation), its
//! message and its hint, in the report's language; the JSON carries both languages and every
//! figure and rule parameter, so a CI job can read the numbers rather than the sentences.

use crate::findings;
use crate::sections::{Block, Part, Section};
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
        Subject::Split(name) => json!({"split": name}),
        Subject::Column(name) => json!({"column": name}),
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

/// A status as the reports print it (`FAIL` in capitals in English, to stand out).
pub(crate) fn status_word(lang: Lang, s: Status) -> &'static str {
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
    // A `|` inside a cell would end it (`|sum − 1|` in a message).
    out.push_str(&findings_table(rep, lang, |s| s.replace('|', "\\|")).markdown());
    out.push('\n');
    out.push_str(&summary_line(rep, lang));
    out.push('\n');
    out
}

/// The report as one self-contained HTML file ([`crate::html`]): the Markdown report's heading,
/// curve line, findings table and summary.
pub fn html(rep: &CheckReport, lang: Lang) -> String {
    let section = Section {
        title: lang.pick("Findings", "발견 사항").into(),
        blocks: vec![
            Block::Line(curve_line(rep, lang)),
            Block::Table(findings_table(rep, lang, |s| s)),
            Block::Line(summary_line(rep, lang)),
        ],
    };
    crate::html::render_sections(&heading(rep, lang), lang, &[section], &[])
}

/// The findings as a table (status, check, finding, what to do); `cell` prepares a message for
/// the format.
pub(crate) fn findings_table(
    rep: &CheckReport,
    lang: Lang,
    cell: impl Fn(String) -> String,
) -> Table {
    let mut t = Table::with_align(
        crate::headers(
            lang,
            &["status", "check", "finding", "what to do"],
            &["상태", "점검", "내용", "조치"],
        ),
        vec![Align::Left; 4],
    );
    for (e, f) in &rep.findings {
        t.row(vec![
            status_word(lang, f.status).to_string(),
            format!("`{}`", check_label(e, f)),
            cell(findings::message(lang, f)),
            cell(findings::hint(lang, f).unwrap_or_default()),
        ]);
    }
    t
}

/// One run's row of the experiment's overfitting table (seed 001 §4.1, computed).
#[derive(Debug, Clone)]
pub struct RunRow {
    /// The run's id.
    pub run_id: String,
    /// Its name.
    pub run_name: String,
    /// The judged curve (`None`: no validation curve, or the reason it was not judged).
    pub curve: Option<JudgedCurve>,
    /// Why the run was not judged, when it was not.
    pub not_judged: Option<String>,
}

/// A paired test of a run against its leaderboard's best.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedTest {
    /// The headline test (`DeLong`, `McNemar`, `bootstrap`).
    pub test: &'static str,
    /// Its p-value.
    pub p_value: Option<f64>,
    /// Holm-adjusted over the leaderboard's tests.
    pub p_holm: Option<f64>,
    /// Significant at the comparison's α after Holm.
    pub significant: bool,
}

/// A run's place on a leaderboard.
#[derive(Debug, Clone)]
pub struct Entry {
    /// 1 = best.
    pub rank: usize,
    /// The run's id.
    pub run_id: String,
    /// Its name.
    pub run_name: String,
    /// The metric's stored value.
    pub value: f64,
    /// Its stored interval.
    pub ci: Option<(f64, f64)>,
    /// The paired test against the best (not for the best itself).
    pub test: Option<PairedTest>,
    /// Why it was not tested (no stored predictions, …).
    pub not_tested_because: Option<String>,
    /// The run's failing checks (`training_failed`, a severe `overfitting`, …): a failed run is
    /// listed, never silently ranked as if it were sound.
    pub failing: Vec<&'static str>,
}

/// The runs evaluated on one eval set (one fingerprint), best first.
#[derive(Debug, Clone)]
pub struct Leaderboard {
    /// The eval set's fingerprint.
    pub fingerprint: String,
    /// Its rows.
    pub rows: u64,
    /// Its class counts, in class order.
    pub classes: Vec<(String, u64)>,
    /// The ranking metric.
    pub metric: String,
    /// When the newest of its evaluations was stored (epoch ms).
    pub newest: i64,
    /// The runs.
    pub entries: Vec<Entry>,
}

/// `verdict check --experiment`.
#[derive(Debug, Clone)]
pub struct ExperimentReport {
    /// The experiment's id.
    pub experiment_id: String,
    /// Its name.
    pub experiment_name: String,
    /// The evaluation name the leaderboards rank.
    pub eval_name: String,
    /// The overfitting table, one row per run.
    pub runs: Vec<RunRow>,
    /// One leaderboard per eval set, newest first.
    pub leaderboards: Vec<Leaderboard>,
    /// `(run id, evaluation, finding)`: the experiment's own findings (no run) and every run's.
    pub findings: Vec<(Option<String>, Option<String>, Finding)>,
}

impl ExperimentReport {
    /// The worst status among the findings.
    pub fn worst(&self) -> Status {
        self.findings
            .iter()
            .map(|(_, _, f)| f.status)
            .max()
            .unwrap_or(Status::Pass)
    }

    /// Runs per severity: `none`, `mild`, `moderate`, `severe`, `extreme`, and not judged.
    pub fn severity_counts(&self) -> [(&'static str, usize); 6] {
        let mut c = [
            ("none", 0),
            ("mild", 0),
            ("moderate", 0),
            ("severe", 0),
            ("extreme", 0),
            ("not_judged", 0),
        ];
        for r in &self.runs {
            let i = match r.curve.as_ref().and_then(|c| c.overfitting.as_ref()) {
                Some(o) => o.severity as usize,
                None => 5,
            };
            c[i].1 += 1;
        }
        c
    }
}

fn overfit_json(o: &Overfitting) -> Value {
    json!({
        "epochs": o.epochs,
        "best_epoch": o.best + 1,
        "train_first": o.train.map(|t| crate::json::num(t.0)),
        "train_last": o.train.map(|t| crate::json::num(t.1)),
        "best": crate::json::num(o.best_value),
        "first": crate::json::num(o.first_value),
        "last": crate::json::num(o.last_value),
        "severity": o.severity.as_str(),
        "status": verdict_core::diagnostics::overfitting_status(o.severity).as_str(),
    })
}

/// The experiment check's JSON document (`docs/checks.md`).
pub fn experiment_json(rep: &ExperimentReport) -> String {
    let num = crate::json::num;
    let runs: Vec<Value> = rep
        .runs
        .iter()
        .map(|r| {
            let mut v = json!({"run_id": r.run_id, "run_name": r.run_name,
                "curve": r.curve.as_ref().map(|c| c.val.clone()),
                "train": r.curve.as_ref().and_then(|c| c.train.clone()),
                "mode": r.curve.as_ref().map(|c| c.direction.mode()),
                "not_judged": r.not_judged});
            if let (Some(o), Value::Object(m)) = (
                r.curve.as_ref().and_then(|c| c.overfitting.as_ref()),
                &mut v,
            ) && let Value::Object(extra) = overfit_json(o)
            {
                m.extend(extra);
            }
            v
        })
        .collect();
    let counts: Map<String, Value> = rep
        .severity_counts()
        .iter()
        .map(|(k, n)| ((*k).to_string(), json!(n)))
        .collect();
    let boards: Vec<Value> = rep
        .leaderboards
        .iter()
        .map(|b| {
            json!({
                "fingerprint": b.fingerprint,
                "rows": b.rows,
                "classes": b.classes.iter().map(|(c, n)| (c.clone(), json!(n))).collect::<Map<_, _>>(),
                "metric": b.metric,
                "newest": b.newest,
                "runs": b.entries.iter().map(|e| json!({
                    "rank": e.rank,
                    "run_id": e.run_id,
                    "run_name": e.run_name,
                    "value": num(e.value),
                    "ci_low": e.ci.map(|c| num(c.0)),
                    "ci_high": e.ci.map(|c| num(c.1)),
                    "best": e.rank == 1,
                    "test": e.test.as_ref().map(|t| t.test),
                    "p_value": e.test.as_ref().and_then(|t| t.p_value).map(num),
                    "p_holm": e.test.as_ref().and_then(|t| t.p_holm).map(num),
                    "significant": e.test.as_ref().map(|t| t.significant),
                    "not_tested_because": e.not_tested_because,
                    "failing": e.failing,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let findings: Vec<Value> = rep
        .findings
        .iter()
        .map(|(run, e, f)| {
            let mut v = finding_json(e.as_deref(), f);
            if let Value::Object(m) = &mut v {
                m.insert("run_id".into(), json!(run));
            }
            v
        })
        .collect();
    let doc = json!({
        "schema": 1,
        "tool": concat!("verdict ", env!("CARGO_PKG_VERSION")),
        "subject": {"experiment_id": rep.experiment_id, "experiment_name": rep.experiment_name},
        "eval_name": rep.eval_name,
        "overfitting": runs,
        "severity_counts": Value::Object(counts),
        "leaderboards": boards,
        "worst": rep.worst().as_str(),
        "findings": findings,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn severity_word(lang: Lang, s: &str) -> &str {
    match (lang, s) {
        (Lang::Ko, "none") => "없음",
        (Lang::Ko, "mild") => "경미",
        (Lang::Ko, "moderate") => "중간",
        (Lang::Ko, "severe") => "심각",
        (Lang::Ko, "extreme") => "극심",
        (Lang::Ko, "not_judged") => "판정 불가",
        (_, "not_judged") => "not judged",
        (_, s) => s,
    }
}

/// The experiment report: the overfitting table with its severity counts, one leaderboard per
/// eval set (newest first), then the findings. `markdown` lays it out as tables and headings.
pub fn experiment_render(rep: &ExperimentReport, lang: Lang, markdown: bool) -> String {
    crate::sections::render_parts(&experiment_parts(rep, lang), markdown)
}

/// The experiment report as one self-contained HTML file ([`crate::html`]).
pub fn experiment_html(rep: &ExperimentReport, lang: Lang) -> String {
    let (title, sections) = experiment_sections(rep, lang);
    crate::html::render_sections(&title, lang, &sections, &[])
}

/// The experiment report's title and sections (the HTML report's and the web UI's).
pub(crate) fn experiment_sections(rep: &ExperimentReport, lang: Lang) -> (String, Vec<Section>) {
    crate::sections::parts_to_sections(experiment_parts(rep, lang), lang.pick("Runs", "런"))
}

fn experiment_parts(rep: &ExperimentReport, lang: Lang) -> Vec<Part> {
    let f4 = crate::fmt4;
    let mut out = Vec::new();
    out.push(Part::Heading(
        1,
        match lang {
            Lang::En => format!(
                "Checks of experiment {} ({})",
                rep.experiment_name, rep.experiment_id
            ),
            Lang::Ko => format!("실험 {} ({}) 점검", rep.experiment_name, rep.experiment_id),
        },
    ));
    out.push(Part::Heading(
        2,
        lang.pick("Overfitting", "과적합").to_string(),
    ));
    let headers = crate::headers(
        lang,
        &[
            "run",
            "curve",
            "first/last train",
            "best epoch / total",
            "val best → last",
            "overfitting",
        ],
        &[
            "런",
            "곡선",
            "학습 처음/마지막",
            "최고 에포크 / 전체",
            "검증 최고 → 마지막",
            "과적합",
        ],
    );
    let mut t = Table::with_align(
        headers,
        vec![
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
        ],
    );
    for r in &rep.runs {
        let o = r.curve.as_ref().and_then(|c| c.overfitting.as_ref());
        t.row(vec![
            r.run_name.clone(),
            r.curve.as_ref().map_or("-".into(), |c| c.val.clone()),
            o.and_then(|o| o.train)
                .map_or("-".into(), |(a, b)| format!("{} → {}", f4(a), f4(b))),
            o.map_or("-".into(), |o| format!("{}/{}", o.best + 1, o.epochs)),
            o.map_or("-".into(), |o| {
                format!("{} → {}", f4(o.best_value), f4(o.last_value))
            }),
            match o {
                Some(o) => severity_word(lang, o.severity.as_str()).to_string(),
                None => severity_word(lang, "not_judged").to_string(),
            },
        ]);
    }
    out.push(Part::Table(t));
    let counts: Vec<String> = rep
        .severity_counts()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{} {n}", severity_word(lang, k)))
        .collect();
    out.push(Part::Para(counts.join(", ")));
    for (i, b) in rep.leaderboards.iter().enumerate() {
        let title = match (lang, i) {
            (Lang::En, 0) => format!("Leaderboard: current eval set {}", b.fingerprint),
            (Lang::En, _) => format!("Leaderboard: older eval set {}", b.fingerprint),
            (Lang::Ko, 0) => format!("순위표: 현재 평가 세트 {}", b.fingerprint),
            (Lang::Ko, _) => format!("순위표: 이전 평가 세트 {}", b.fingerprint),
        };
        out.push(Part::Heading(2, title));
        let classes: Vec<String> = b.classes.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        out.push(Part::Para(match lang {
            Lang::En => format!(
                "{} rows ({}); ranked by {}{}",
                b.rows,
                classes.join(", "),
                b.metric,
                if i > 0 {
                    "; not comparable with the current eval set"
                } else {
                    ""
                }
            ),
            Lang::Ko => format!(
                "{}행 ({}); {} 기준 순위{}",
                b.rows,
                classes.join(", "),
                b.metric,
                if i > 0 {
                    "; 현재 평가 세트와 비교할 수 없음"
                } else {
                    ""
                }
            ),
        }));
        let headers = crate::headers(
            lang,
            &[
                "rank",
                "run",
                "value [CI]",
                "vs best",
                "p (Holm)",
                "failing checks",
            ],
            &[
                "순위",
                "런",
                "값 [신뢰구간]",
                "최고와 비교",
                "p (Holm)",
                "실패한 점검",
            ],
        );
        let mut t = Table::with_align(
            headers,
            vec![
                Align::Right,
                Align::Left,
                Align::Right,
                Align::Left,
                Align::Right,
            ],
        );
        for e in &b.entries {
            let value = match e.ci {
                Some((lo, hi)) => format!("{} [{}, {}]", f4(e.value), f4(lo), f4(hi)),
                None => f4(e.value),
            };
            let (vs, p) = match (&e.test, &e.not_tested_because) {
                _ if e.rank == 1 => (lang.pick("best", "최고").to_string(), "-".to_string()),
                (Some(t), _) => (
                    format!(
                        "{} ({})",
                        if t.significant {
                            lang.pick("significantly worse", "유의하게 나쁨")
                        } else {
                            lang.pick("no significant difference", "유의한 차이 없음")
                        },
                        t.test
                    ),
                    t.p_holm.map_or("-".into(), |p| format!("{p:.4}")),
                ),
                (None, Some(why)) => (
                    format!("{}: {why}", lang.pick("not tested", "검정 안 함")),
                    "-".into(),
                ),
                (None, None) => ("-".into(), "-".into()),
            };
            let failing = if e.failing.is_empty() {
                "-".to_string()
            } else {
                e.failing.join(", ")
            };
            t.row(vec![
                e.rank.to_string(),
                e.run_name.clone(),
                value,
                vs,
                p,
                failing,
            ]);
        }
        out.push(Part::Table(t));
    }
    out.push(Part::Heading(
        2,
        lang.pick("Findings", "발견 사항").to_string(),
    ));
    let names: std::collections::BTreeMap<&str, &str> = rep
        .runs
        .iter()
        .map(|r| (r.run_id.as_str(), r.run_name.as_str()))
        .collect();
    for (run, e, f) in &rep.findings {
        if f.status == Status::Pass {
            continue;
        }
        let mut who = String::new();
        if let Some(r) = run {
            who.push_str(names.get(r.as_str()).copied().unwrap_or(r));
        }
        if let Some(e) = e {
            who.push_str(&format!(" [{e}]"));
        }
        let line = format!(
            "{} {}{}: {}",
            status_word(lang, f.status),
            f.check,
            if who.is_empty() {
                String::new()
            } else {
                format!(" ({})", who.trim())
            },
            findings::message(lang, f)
        );
        out.push(Part::Item(line));
    }
    out
}
