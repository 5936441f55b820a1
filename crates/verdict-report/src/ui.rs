//! The web UI's pages (`verdict server` at `/ui/…`), rendered on the server as HTML.
//!
//! Why on the server: the pages need no build step, no Node and no JavaScript to read, every
//! user-provided string (run names, params, tags, metric keys) is escaped in one place — the same
//! escaping as the HTML reports ([`crate::html`]) — and a filter, a sort and a page are query
//! parameters, so any view is a stable URL that can be pasted into a report. The pages carry a
//! strict Content-Security-Policy (set by the server); the only script is the server's
//! `/ui/app.js`, which turns the links the mlflow client prints (`/#/experiments/1/runs/<id>`)
//! into these pages.
//!
//! The data comes from `verdict_app::ui`, which reads the ledger; this module only lays it out.

use crate::html::{page_with, table_html, table_plain};
use crate::i18n::Lang;
use crate::svg::escape;
use crate::table::{Align, Table};
use crate::{fmt_time, sections::fmt_ci};

/// One experiment of the experiments page.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentRow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Active runs.
    pub runs: u64,
    /// Latest start or end time of its runs, or its own last update (ms since the epoch).
    pub last_activity: i64,
}

/// The experiments page: every active experiment matching the search, newest activity first.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentsPage {
    /// The search text (a substring of the name), as typed.
    pub search: String,
    /// The experiments shown.
    pub rows: Vec<ExperimentRow>,
}

/// One run of the runs page.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `RUNNING`, `FINISHED`, …
    pub status: String,
    /// Start time (ms since the epoch).
    pub start: Option<i64>,
    /// End time.
    pub end: Option<i64>,
    /// Who started it.
    pub user: Option<String>,
    /// The training rules' last decision (`verdict.decision`), if any.
    pub decision: Option<String>,
    /// The value of each of the page's columns (`None`: the run has none).
    pub values: Vec<Option<String>>,
    /// The runs table's findings badge: how many findings the curve checks made at each
    /// status; `None` where they were not made (a run page, or a run the checks cannot read).
    pub findings: Option<FindingCounts>,
}

/// Findings by status, for a badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingCounts {
    /// `fail`.
    pub fail: usize,
    /// `warn`.
    pub warn: usize,
    /// `info`.
    pub info: usize,
}

impl FindingCounts {
    /// The badge's text and class: `2 fail`, `1 warn`, `1 info` or `ok` (the worst status and
    /// its count; the others are on the run's page).
    pub fn badge(&self, lang: Lang) -> (String, &'static str) {
        if self.fail > 0 {
            (
                format!("{} {}", self.fail, phrase(lang, "fail", "실패")),
                "badge sev-error",
            )
        } else if self.warn > 0 {
            (
                format!("{} {}", self.warn, phrase(lang, "warn", "경고")),
                "badge sev-warn",
            )
        } else if self.info > 0 {
            (
                format!("{} {}", self.info, phrase(lang, "info", "정보")),
                "badge",
            )
        } else {
            (phrase(lang, "ok", "정상").to_string(), "badge")
        }
    }
}

/// The runs page of one experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct RunsPage {
    /// The experiment's id.
    pub experiment_id: String,
    /// Its name.
    pub experiment_name: String,
    /// The MLflow filter, as typed.
    pub filter: String,
    /// The order, as typed (`metrics.val_loss ASC`, …).
    pub order_by: String,
    /// The filter's or the order's error, shown above the table instead of runs.
    pub error: Option<String>,
    /// The extra columns (`metrics.<key>`, `params.<key>`, `tags.<key>`).
    pub columns: Vec<String>,
    /// The runs of this page.
    pub rows: Vec<RunRow>,
    /// The token of the next page.
    pub next_page: Option<String>,
    /// The token of this page (empty: the first).
    pub page: String,
    /// The keys the column picker offers (`metrics.…`, `params.…`, `tags.…`), of the runs on
    /// this page.
    pub available: Vec<String>,
    /// The evaluation the experiment report's link names (`?eval=`), if the runs have one.
    pub report_eval: Option<String>,
}

/// One run's page.
#[derive(Debug, Clone)]
pub struct RunPage {
    /// The run.
    pub row: RunRow,
    /// Its experiment's id and name.
    pub experiment: (String, String),
    /// Params, sorted by key.
    pub params: Vec<(String, String)>,
    /// The latest value of each metric, sorted by key.
    pub metrics: Vec<(String, f64)>,
    /// Tags, sorted by key.
    pub tags: Vec<(String, String)>,
    /// The metrics' histories, one plot each (train and validation keys of one stem together).
    pub histories: Vec<History>,
    /// The evaluations stored in the run (`verdict eval --run`), by name.
    pub evaluations: Vec<EvaluationSummary>,
    /// `verdict check --run` on it, or why it could not run.
    pub check: Result<crate::check::CheckReport, String>,
    /// The training rules' decisions, oldest first: `(step, action, rule, reason)`.
    pub decisions: Vec<(i64, String, String, String)>,
    /// The step range the curves are zoomed to (inclusive), if any.
    pub zoom: Option<(i64, i64)>,
    /// The entries of the run's artifact root, or why they cannot be listed.
    pub artifacts: Result<Vec<ArtifactEntry>, String>,
}

/// One entry of a run's artifact directory.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtifactEntry {
    /// Its path relative to the run's artifact root.
    pub path: String,
    /// Its name (the last component).
    pub name: String,
    /// Whether it is a directory.
    pub is_dir: bool,
    /// Bytes of a file.
    pub size: Option<u64>,
}

/// How an artifact file is shown on its page.
#[derive(Debug, Clone, PartialEq)]
pub enum Preview {
    /// An image (SVG included), shown through `<img>` from its download link.
    Image,
    /// Text (JSON pretty printed); `cut` when only the file's head is shown.
    Text {
        /// The text.
        text: String,
        /// Whether the file goes on.
        cut: bool,
    },
    /// The head of a CSV or TSV file.
    Table {
        /// Its first row.
        header: Vec<String>,
        /// The rows after it.
        rows: Vec<Vec<String>>,
        /// Whether the file has more rows.
        more: bool,
    },
    /// Not text and not an image: download only.
    Binary,
    /// The file could not be read (why).
    Unreadable(String),
}

/// An artifact file: its name, size, download link and preview.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtifactFile {
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: Option<u64>,
    /// Its download link (`/get-artifact?…`), when this server serves the run's artifacts.
    pub download: Option<String>,
    /// What the page shows of it.
    pub preview: Preview,
}

/// The artifacts page of a run: a directory listed, or a file previewed.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtifactsPage {
    /// The run's id.
    pub run_id: String,
    /// Its name.
    pub run_name: String,
    /// Its experiment's id and name.
    pub experiment: (String, String),
    /// The path shown, relative to the run's artifact root (empty: the root).
    pub path: String,
    /// The directory's entries (empty for a file), or why they cannot be listed.
    pub listing: Result<Vec<ArtifactEntry>, String>,
    /// The file, when `path` is one.
    pub file: Option<ArtifactFile>,
}

/// One registered model of the registry page.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRow {
    /// Its name.
    pub name: String,
    /// Its newest version.
    pub latest: Option<i64>,
    /// Its aliases, `(alias, version)`.
    pub aliases: Vec<(String, i64)>,
    /// Last update (ms since the epoch).
    pub updated: i64,
    /// Its description.
    pub description: String,
}

/// The model registry page.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelsPage {
    /// The search text, as typed.
    pub search: String,
    /// The models, by name.
    pub rows: Vec<ModelRow>,
}

/// One version of a registered model.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRow {
    /// Its number.
    pub version: i64,
    /// The aliases pointing at it.
    pub aliases: Vec<String>,
    /// Its stage (`None`, `Staging`, `Production`, `Archived`).
    pub stage: String,
    /// `READY`, …
    pub status: String,
    /// Its source URI.
    pub source: String,
    /// The run it came from.
    pub run_id: Option<String>,
    /// Creation time (ms since the epoch).
    pub created: i64,
    /// Its description.
    pub description: String,
}

/// One registered model's page.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPage {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its tags.
    pub tags: Vec<(String, String)>,
    /// Its aliases, `(alias, version)`.
    pub aliases: Vec<(String, i64)>,
    /// Last update.
    pub updated: i64,
    /// Every version, newest first.
    pub versions: Vec<VersionRow>,
}

/// The compare page: 2 to 10 runs side by side.
#[derive(Debug, Clone)]
pub struct ComparePage {
    /// The runs, in the order given.
    pub runs: Vec<RunRow>,
    /// The experiment of the first run (or the one asked for), for the way back.
    pub experiment: Option<(String, String)>,
    /// With fewer than two runs: the experiment's runs to pick from.
    pub choices: Vec<RunRow>,
    /// One plot per metric key: each run's curve.
    pub plots: Vec<History>,
    /// Params whose values differ: key and each run's value.
    pub params: Vec<(String, Vec<Option<String>>)>,
    /// The latest value of each metric (stored evaluations' left out), per run.
    pub metrics: Vec<(String, Vec<Option<f64>>)>,
    /// Evaluation names every run has.
    pub evals: Vec<String>,
    /// The evaluation compared.
    pub eval: Option<String>,
    /// The paired tests, or why there are none.
    pub outcome: CompareOutcome,
}

/// The paired tests of a compare page, or why there are none.
#[derive(Debug, Clone)]
pub enum CompareOutcome {
    /// The runs share no evaluation.
    NoEvaluation,
    /// Refused: the evaluations were made on different eval sets (the message names each).
    Refused(String),
    /// The tests could not be made (no stored predictions, …): why.
    Failed(String),
    /// `verdict runs compare`'s report.
    Compared(Box<crate::compare::CompareReport>),
}

/// One evaluation stored in a run: its eval set and its metrics with their intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluationSummary {
    /// Its name (`test`, `val`).
    pub name: String,
    /// The eval set's fingerprint (`sha256:…`).
    pub fingerprint: String,
    /// Rows of the eval set.
    pub rows: Option<String>,
    /// The predictions file as given.
    pub source: Option<String>,
    /// `(metric, value, interval)` in key order.
    pub metrics: Vec<EvaluatedMetric>,
}

/// A stored evaluation's metric: name, value and interval.
pub type EvaluatedMetric = (String, f64, Option<(f64, f64)>);

/// One plot of a run's page: the histories of one metric stem.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The plot's title (the stem: `loss` for `train_loss` and `val_loss`, else the key).
    pub title: String,
    /// Each key's points, `(key, steps, values)`.
    pub series: Vec<(String, Vec<f64>, Vec<f64>)>,
    /// The best evaluation `(step, value)` of the validation key (or the only key), by the
    /// direction its name implies; none when the name implies none.
    pub best: Option<(f64, f64)>,
    /// Whether a series may show fewer points than it has (the store's downsampling).
    pub sampled: bool,
}

fn phrase(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    lang.pick(en, ko)
}

/// The policy a UI page repeats in its head (the server sends the same as a header): inline
/// style, images from this server (artifact previews) and `data:`, nothing else.
const UI_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:";

/// What the UI adds to the reports' style: previews, badges and the column picker.
const UI_STYLE: &str = "<style>\
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.5rem;overflow:auto;max-height:40rem;font-size:.85rem}\
.badge{display:inline-block;border-radius:.6rem;padding:0 .45rem;font-size:.8rem;background:#eef1f4;color:#1b1f24;text-decoration:none}\
.badge.sev-error{background:#fde2e1;color:#8a1c14}.badge.sev-warn{background:#fff4d6;color:#7a4d00}\
img.preview{max-width:100%;border:1px solid #d0d7de}\
details{margin:.4rem 0}details label{display:inline-block;margin:0 .8rem .2rem 0;font-size:.85rem}\
body{max-width:96rem}table{display:block;max-width:100%;overflow-x:auto}th{white-space:nowrap}\
</style>\n";

/// Seconds between reloads of a running run's page.
pub const LIVE_REFRESH_SECONDS: u32 = 10;

/// A UI page: [`crate::html::page`]'s document with the UI's policy and style, reloading itself
/// every `refresh` seconds when given.
fn ui_page(title: &str, lang: Lang, body: &str, refresh: Option<u32>) -> String {
    let mut head = String::from(UI_STYLE);
    if let Some(s) = refresh {
        head.push_str(&format!("<meta http-equiv=\"refresh\" content=\"{s}\">\n"));
    }
    page_with(title, lang, body, UI_CSP, &head)
}

/// A byte count, `512 B`, `3.2 KiB`, `1.5 MiB`.
pub fn fmt_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// A metric value as the reports show it (four decimals; `NaN`, `inf` spelled out).
pub fn fmt_value(v: f64) -> String {
    crate::fmt4(v)
}

/// A duration, `1h 02m`, `3m 05s`, `12s`.
pub fn fmt_duration(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        s if s >= 3600 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        s if s >= 60 => format!("{}m {:02}s", s / 60, s % 60),
        s => format!("{s}s"),
    }
}

/// A run's duration, `-` while it runs (or without a start).
fn duration(r: &RunRow) -> String {
    match (r.start, r.end) {
        (Some(s), Some(e)) => fmt_duration(e - s),
        _ => "-".into(),
    }
}

/// A message shown as an alert above the page's content.
fn alert(message: &str) -> String {
    format!(
        "<p class=\"error\" role=\"alert\">{}</p>\n",
        escape(message)
    )
}

/// A `<section>` with its `<h2>` around `inner` (already HTML).
fn section(title: &str, inner: &str) -> String {
    format!("<section>\n<h2>{}</h2>\n{inner}</section>\n", escape(title))
}

/// A query string from `(key, value)` pairs, percent-encoded, empty values left out.
fn query(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent(v)))
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// Percent-encoding of a query value (everything but unreserved characters).
pub fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A link `<a href="…">text</a>`, both escaped.
fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(href), escape(text))
}

/// The navigation line and the language switch of every page.
fn nav(lang: Lang, here: &str, crumbs: &[(String, String)]) -> String {
    let mut s = String::from("<nav>");
    s.push_str(&link(
        &format!("/ui/experiments?lang={}", lang.code()),
        phrase(lang, "Experiments", "실험"),
    ));
    s.push_str(" · ");
    s.push_str(&link(
        &format!("/ui/models?lang={}", lang.code()),
        phrase(lang, "Models", "모델"),
    ));
    for (href, text) in crumbs {
        s.push_str(" / ");
        s.push_str(&link(href, text));
    }
    let other = match lang {
        Lang::En => Lang::Ko,
        Lang::Ko => Lang::En,
    };
    let sep = if here.contains('?') { '&' } else { '?' };
    let switch = format!("{here}{sep}lang={}", other.code());
    s.push_str(&format!(
        " <span class=\"lang\">{}</span></nav>\n",
        link(&switch, other.pick("English", "한국어"))
    ));
    s
}

/// The experiment report page (`verdict check --experiment` in the browser): the overfitting
/// table, one leaderboard per eval-set fingerprint and the findings, as the HTML report shows them.
pub fn experiment_report_page(
    rep: &crate::check::ExperimentReport,
    experiment_id: &str,
    lang: Lang,
) -> String {
    let base = format!("/ui/experiments/{}", percent(experiment_id));
    let here = format!("{base}/report");
    let body = nav(
        lang,
        &here,
        &[
            (base, rep.experiment_name.clone()),
            (here.clone(), phrase(lang, "Report", "보고서").to_string()),
        ],
    );
    let (title, sections) = crate::check::experiment_sections(rep, lang);
    let body = body + &crate::html::sections_body(&title, &sections, &[]);
    ui_page(&title, lang, &body, None)
}

/// The store's order key of a column (`metrics.val_loss`, ``params.`batch size` ``): the key
/// in backticks unless it is a plain identifier; `None` for a column the store cannot order by.
fn order_key(column: &str) -> Option<String> {
    let (entity, key) = column.split_once('.')?;
    if !matches!(entity, "metrics" | "params" | "tags" | "attributes") || key.is_empty() {
        return None;
    }
    let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        Some(format!("{entity}.{key}"))
    } else if key.contains('`') {
        None
    } else {
        Some(format!("{entity}.`{key}`"))
    }
}

/// The page of a request that cannot be shown (the run does not exist, …): the message and the
/// way back.
pub fn error_page(message: &str, lang: Lang) -> String {
    let title = phrase(lang, "Not shown", "표시할 수 없음");
    let mut body = nav(lang, "/ui/experiments", &[]);
    body.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    body.push_str(&alert(message));
    ui_page(title, lang, &body, None)
}

/// The experiments page.
pub fn experiments_page(p: &ExperimentsPage, lang: Lang) -> String {
    let title = phrase(lang, "Experiments", "실험");
    let mut t = Table::with_align(
        vec![
            phrase(lang, "experiment", "실험").into(),
            "id".into(),
            phrase(lang, "runs", "런").into(),
            phrase(lang, "last activity (UTC)", "최근 활동 (UTC)").into(),
        ],
        vec![Align::Left, Align::Right, Align::Right, Align::Left],
    );
    let mut links = Vec::new();
    for r in &p.rows {
        t.row(vec![
            r.name.clone(),
            r.id.clone(),
            r.runs.to_string(),
            fmt_time(r.last_activity),
        ]);
        links.push(Some(format!(
            "/ui/experiments/{}?lang={}",
            percent(&r.id),
            lang.code()
        )));
    }
    searched_list(
        lang,
        (title, "/ui/experiments", &[]),
        &p.search,
        &table_plain(&t, &links),
        (p.rows.len(), phrase(lang, "experiments", "개 실험")),
    )
}

/// A page that lists what a search found (experiments, models): the navigation, the title
/// `(title, the page's path, its crumbs)`, the search box, the table and `(count, unit)`.
fn searched_list(
    lang: Lang,
    (title, path, crumbs): (&str, &str, &[(String, String)]),
    search: &str,
    table: &str,
    (count, unit): (usize, &str),
) -> String {
    let mut body = nav(lang, &format!("{path}{}", query(&[("q", search)])), crumbs);
    body.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    body.push_str(&format!(
        "<form method=\"get\" action=\"{path}\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><label>{} <input name=\"q\" value=\"{}\"></label> <button>{}</button></form>\n",
        lang.code(),
        escape(phrase(lang, "Search", "검색")),
        escape(search),
        escape(phrase(lang, "Search", "검색")),
    ));
    body.push_str(table);
    body.push_str(&format!(
        "<p class=\"count\">{count} {}</p>\n",
        escape(unit)
    ));
    ui_page(title, lang, &body, None)
}

/// The runs page of an experiment.
pub fn runs_page(p: &RunsPage, lang: Lang) -> String {
    let base = format!("/ui/experiments/{}", percent(&p.experiment_id));
    let cols = p.columns.join(",");
    let here = format!(
        "{base}{}",
        query(&[
            ("filter", &p.filter),
            ("order_by", &p.order_by),
            ("cols", &cols),
            ("page", &p.page),
        ])
    );
    let mut body = nav(lang, &here, &[(base.clone(), p.experiment_name.clone())]);
    body.push_str(&format!("<h1>{}</h1>\n", escape(&p.experiment_name)));
    body.push_str(&format!(
        "<p>{}</p>\n",
        link(
            &format!(
                "{base}/report{}",
                query(&[
                    ("eval", p.report_eval.as_deref().unwrap_or("")),
                    ("lang", lang.code())
                ])
            ),
            phrase(
                lang,
                "Experiment report: overfitting and leaderboards per eval set",
                "실험 보고서: 과적합과 평가 세트별 순위표"
            )
        )
    ));
    body.push_str(&format!(
        "<p>{}</p>\n",
        link(
            &format!(
                "/ui/compare?experiment={}&lang={}",
                percent(&p.experiment_id),
                lang.code()
            ),
            phrase(lang, "Compare runs", "런 비교")
        )
    ));
    body.push_str(&format!(
        "<form method=\"get\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">\
<label>{} <input name=\"filter\" size=\"60\" value=\"{}\" placeholder=\"metrics.val_loss &lt; 0.1 and params.lr = '0.001'\"></label> \
<label>{} <input name=\"order_by\" value=\"{}\" placeholder=\"metrics.val_loss ASC\"></label> \
<label>{} <input name=\"cols\" value=\"{}\" placeholder=\"metrics.val_loss,params.lr\"></label> <button>{}</button></form>\n",
        escape(&base),
        lang.code(),
        escape(phrase(lang, "Filter", "필터")),
        escape(&p.filter),
        escape(phrase(lang, "Order", "정렬")),
        escape(&p.order_by),
        escape(phrase(lang, "Columns", "열")),
        escape(&cols),
        escape(phrase(lang, "Apply", "적용")),
    ));
    if !p.available.is_empty() {
        body.push_str(&format!(
            "<details><summary>{}</summary><form method=\"get\" action=\"{}\">\
<input type=\"hidden\" name=\"lang\" value=\"{}\"><input type=\"hidden\" name=\"filter\" value=\"{}\">\
<input type=\"hidden\" name=\"order_by\" value=\"{}\">\n",
            escape(phrase(lang, "Pick columns", "열 고르기")),
            escape(&base),
            lang.code(),
            escape(&p.filter),
            escape(&p.order_by),
        ));
        for key in &p.available {
            body.push_str(&format!(
                "<label><input type=\"checkbox\" name=\"col\" value=\"{}\"{}> {}</label>\n",
                escape(key),
                if p.columns.contains(key) {
                    " checked"
                } else {
                    ""
                },
                escape(key)
            ));
        }
        body.push_str(&format!(
            "<button>{}</button></form></details>\n",
            escape(phrase(lang, "Show these columns", "이 열 보기"))
        ));
    }
    if let Some(e) = &p.error {
        body.push_str(&alert(e));
    }
    let mut headers: Vec<String> = vec![
        phrase(lang, "run", "런").into(),
        phrase(lang, "status", "상태").into(),
        phrase(lang, "started (UTC)", "시작 (UTC)").into(),
        phrase(lang, "duration", "소요 시간").into(),
        phrase(lang, "user", "사용자").into(),
        phrase(lang, "rules", "규칙").into(),
        phrase(lang, "findings", "발견 사항").into(),
    ];
    headers.extend(p.columns.iter().cloned());
    let mut align = vec![Align::Left; 7];
    align.extend(p.columns.iter().map(|_| Align::Right));
    let mut t = Table::with_align(headers, align);
    let mut links = Vec::new();
    for r in &p.rows {
        let mut row = vec![
            r.name.clone(),
            r.status.clone(),
            r.start.map_or("-".into(), fmt_time),
            duration(r),
            r.user.clone().unwrap_or_else(|| "-".into()),
            r.decision.clone().unwrap_or_else(|| "-".into()),
            r.findings.map_or("-".into(), |f| f.badge(lang).0),
        ];
        row.extend(
            r.values
                .iter()
                .map(|v| v.clone().unwrap_or_else(|| "-".into())),
        );
        t.row(row);
        links.push(Some(format!(
            "/ui/runs/{}?lang={}",
            percent(&r.id),
            lang.code()
        )));
    }
    // Each sortable header links to this view ordered by its column: ascending, or descending
    // when it is already the ascending order (the page starts again at the first).
    let mut keys: Vec<Option<String>> = vec![
        Some("attributes.run_name".into()),
        Some("attributes.status".into()),
        Some("attributes.start_time".into()),
        None,
        Some("attributes.user_id".into()),
        Some("tags.`verdict.decision`".into()),
        None,
    ];
    keys.extend(p.columns.iter().map(|c| order_key(c)));
    let header_links: Vec<Option<String>> = keys
        .iter()
        .map(|k| {
            k.as_ref().map(|k| {
                let asc = format!("{k} ASC");
                let order = if p.order_by.trim() == asc {
                    format!("{k} DESC")
                } else {
                    asc
                };
                format!(
                    "{base}{}",
                    query(&[
                        ("filter", &p.filter),
                        ("order_by", &order),
                        ("cols", &cols),
                        ("lang", lang.code()),
                    ])
                )
            })
        })
        .collect();
    // The run's name links to its page, its findings badge to the page's findings.
    let html = crate::html::table_html_with(
        &t,
        &|r, c| {
            let href = links.get(r)?.clone()?;
            match c {
                0 => Some(crate::html::CellLink { href, class: None }),
                6 => {
                    let f = p.rows.get(r)?.findings?;
                    Some(crate::html::CellLink {
                        href: format!("{href}#findings"),
                        class: Some(f.badge(lang).1),
                    })
                }
                _ => None,
            }
        },
        &header_links,
        false,
    );
    body.push_str(&html);
    body.push_str(&format!(
        "<p class=\"count\">{} {}</p>\n",
        p.rows.len(),
        phrase(lang, "runs on this page", "개 런 (이 페이지)")
    ));
    if let Some(next) = &p.next_page {
        let href = format!(
            "{base}{}",
            query(&[
                ("filter", &p.filter),
                ("order_by", &p.order_by),
                ("cols", &cols),
                ("page", next),
                ("lang", lang.code()),
            ])
        );
        body.push_str(&format!(
            "<p>{}</p>\n",
            link(&href, phrase(lang, "Next page →", "다음 페이지 →"))
        ));
    }
    ui_page(&p.experiment_name, lang, &body, None)
}

/// A run's page: its summary, metrics, evaluations, curves, findings, rule decisions,
/// artifacts, params and tags. While the run is `RUNNING` the page reloads itself every
/// [`LIVE_REFRESH_SECONDS`] unless `live` is off (`?live=0`, a link on the page).
pub fn run_page(p: &RunPage, lang: Lang, live: bool) -> String {
    let r = &p.row;
    let exp_href = format!("/ui/experiments/{}", percent(&p.experiment.0));
    let base = format!("/ui/runs/{}", percent(&r.id));
    let (from, to) = p.zoom.map_or((String::new(), String::new()), |(a, b)| {
        (a.to_string(), b.to_string())
    });
    let here = format!(
        "{base}{}",
        query(&[
            ("from", &from),
            ("to", &to),
            ("live", if live { "" } else { "0" })
        ])
    );
    let mut body = nav(
        lang,
        &here,
        &[
            (exp_href, p.experiment.1.clone()),
            (base.clone(), r.name.clone()),
        ],
    );
    body.push_str(&format!("<h1>{}</h1>\n", escape(&r.name)));
    let running = r.status == "RUNNING";
    if running {
        let (text, flag) = if live {
            (
                phrase(
                    lang,
                    "Running: this page reloads every 10 s. Pause",
                    "실행 중: 10초마다 새로 고칩니다. 일시 정지",
                ),
                "0",
            )
        } else {
            (
                phrase(lang, "Running. Reload live", "실행 중. 실시간 새로 고침"),
                "",
            )
        };
        body.push_str(&format!(
            "<p class=\"live\">{}</p>\n",
            link(
                &format!(
                    "{base}{}",
                    query(&[
                        ("from", &from),
                        ("to", &to),
                        ("live", flag),
                        ("lang", lang.code())
                    ])
                ),
                text
            )
        ));
    }
    body.push_str(&format!(
        "<p>{}</p>\n",
        link(
            &format!("/ui/compare?runs={}&lang={}", percent(&r.id), lang.code()),
            phrase(lang, "Compare with other runs", "다른 런과 비교")
        )
    ));
    let mut summary = Table::with_align(
        vec![
            phrase(lang, "field", "항목").into(),
            phrase(lang, "value", "값").into(),
        ],
        vec![Align::Left, Align::Left],
    );
    for (k, v) in [
        ("run id", r.id.clone()),
        (phrase(lang, "status", "상태"), r.status.clone()),
        (
            phrase(lang, "started (UTC)", "시작 (UTC)"),
            r.start.map_or("-".into(), fmt_time),
        ),
        (phrase(lang, "duration", "소요 시간"), duration(r)),
        (
            phrase(lang, "user", "사용자"),
            r.user.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            phrase(lang, "rules' last decision", "규칙의 마지막 결정"),
            r.decision.clone().unwrap_or_else(|| "-".into()),
        ),
    ] {
        summary.row(vec![k.to_string(), v]);
    }
    body.push_str(&table_plain(&summary, &[]));
    let mut metrics = Table::new(vec![
        phrase(lang, "metric", "지표").into(),
        phrase(lang, "latest value", "최근 값").into(),
    ]);
    for (k, v) in &p.metrics {
        metrics.row(vec![k.clone(), crate::fmt4(*v)]);
    }
    body.push_str(&section(
        phrase(lang, "Metrics", "지표"),
        &table_plain(&metrics, &[]),
    ));
    if !p.evaluations.is_empty() {
        let mut inner = String::new();
        for e in &p.evaluations {
            inner.push_str(&format!("<h3>{}</h3>\n<ul>\n", escape(&e.name)));
            inner.push_str(&format!(
                "<li>{}: <code>{}</code></li>\n",
                escape(phrase(lang, "eval set", "평가 세트")),
                escape(&e.fingerprint)
            ));
            for (label, v) in [
                (phrase(lang, "rows", "행"), &e.rows),
                (phrase(lang, "predictions", "예측 파일"), &e.source),
            ] {
                if let Some(v) = v {
                    inner.push_str(&format!("<li>{}: {}</li>\n", escape(label), escape(v)));
                }
            }
            inner.push_str("</ul>\n");
            let mut t = Table::new(vec![
                phrase(lang, "metric", "지표").into(),
                phrase(lang, "value", "값").into(),
                phrase(lang, "interval", "신뢰구간").into(),
            ]);
            for (m, v, ci) in &e.metrics {
                t.row(vec![m.clone(), crate::fmt4(*v), fmt_ci(*ci)]);
            }
            inner.push_str(&table_plain(&t, &[]));
        }
        body.push_str(&section(phrase(lang, "Evaluations", "평가"), &inner));
    }
    if !p.histories.is_empty() {
        let mut inner = format!(
            "<form method=\"get\" action=\"{}\"><input type=\"hidden\" name=\"lang\" value=\"{}\">\
<label>{} <input name=\"from\" type=\"number\" value=\"{}\"></label> \
<label>{} <input name=\"to\" type=\"number\" value=\"{}\"></label> <button>{}</button>{}</form>\n",
            escape(&base),
            lang.code(),
            escape(phrase(lang, "Steps from", "스텝 시작")),
            escape(&from),
            escape(phrase(lang, "to", "끝")),
            escape(&to),
            escape(phrase(lang, "Zoom", "확대")),
            if p.zoom.is_some() {
                format!(
                    " {}",
                    link(
                        &format!("{base}?lang={}", lang.code()),
                        phrase(lang, "All steps", "전체 스텝")
                    )
                )
            } else {
                String::new()
            },
        );
        for h in &p.histories {
            inner.push_str(&history_figure(h, Ok(p.zoom), lang));
        }
        body.push_str(&section(phrase(lang, "Curves", "곡선"), &inner));
    }
    let kv = |rows: &[(String, String)]| {
        let mut t = Table::with_align(
            vec![
                phrase(lang, "key", "키").into(),
                phrase(lang, "value", "값").into(),
            ],
            vec![Align::Left, Align::Left],
        );
        for (k, v) in rows {
            t.row(vec![k.clone(), v.clone()]);
        }
        t
    };
    let findings = match &p.check {
        Ok(rep) if rep.findings.is_empty() && rep.curve.is_none() => format!(
            "<p>{}</p>\n",
            escape(phrase(
                lang,
                "Nothing to check: the run has no validation curve and no stored evaluation.",
                "검사할 것이 없습니다: 검증 곡선도 저장된 평가도 없습니다."
            ))
        ),
        Ok(rep) => table_html(&crate::check::findings_table(rep, lang, |s| s), &[]),
        Err(why) => format!("<p>{}</p>\n", escape(why)),
    };
    body.push_str(
        &section(phrase(lang, "Findings", "발견 사항"), &findings).replacen(
            "<section>",
            "<section id=\"findings\">",
            1,
        ),
    );
    if !p.decisions.is_empty() {
        let mut t = Table::with_align(
            vec![
                phrase(lang, "step", "스텝").into(),
                phrase(lang, "decision", "결정").into(),
                phrase(lang, "rule", "규칙").into(),
                phrase(lang, "reason", "이유").into(),
            ],
            vec![Align::Right, Align::Left, Align::Left, Align::Left],
        );
        for (step, action, rule, reason) in &p.decisions {
            t.row(vec![
                step.to_string(),
                action.clone(),
                rule.clone(),
                reason.clone(),
            ]);
        }
        body.push_str(&section(
            phrase(lang, "Rule decisions", "규칙 결정"),
            &table_plain(&t, &[]),
        ));
    }
    let artifacts_href = format!("{base}/artifacts?lang={}", lang.code());
    let artifacts = match &p.artifacts {
        Ok(entries) if entries.is_empty() => format!(
            "<p>{}</p>\n",
            escape(phrase(lang, "No artifacts.", "아티팩트가 없습니다."))
        ),
        Ok(entries) => {
            artifact_table(entries, &r.id, lang)
                + &format!(
                    "<p>{}</p>\n",
                    link(
                        &artifacts_href,
                        phrase(lang, "Browse the artifacts", "아티팩트 둘러보기")
                    )
                )
        }
        Err(why) => format!("<p>{}</p>\n", escape(why)),
    };
    body.push_str(&section(phrase(lang, "Artifacts", "아티팩트"), &artifacts));
    body.push_str(&section(
        phrase(lang, "Parameters", "파라미터"),
        &table_plain(&kv(&p.params), &[]),
    ));
    body.push_str(&section(
        phrase(lang, "Tags", "태그"),
        &table_plain(&kv(&p.tags), &[]),
    ));
    ui_page(
        &r.name,
        lang,
        &body,
        (running && live).then_some(LIVE_REFRESH_SECONDS),
    )
}

/// The compare page: the runs (a picker when fewer than two), the paired tests of their
/// evaluation (or the refusal), the params that differ, the latest metrics and the curves
/// overlaid.
pub fn compare_page(p: &ComparePage, lang: Lang, eval_param: &str) -> String {
    let ids: Vec<&str> = p.runs.iter().map(|r| r.id.as_str()).collect();
    let runs_param = ids.join(",");
    let here = format!(
        "/ui/compare{}",
        query(&[("runs", &runs_param), ("eval", eval_param)])
    );
    let mut crumbs = Vec::new();
    if let Some((id, name)) = &p.experiment {
        crumbs.push((format!("/ui/experiments/{}", percent(id)), name.clone()));
    }
    crumbs.push((here.clone(), phrase(lang, "Compare", "비교").to_string()));
    let mut body = nav(lang, &here, &crumbs);
    let title = phrase(lang, "Compare runs", "런 비교");
    body.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    let name_of = |r: &RunRow| {
        if r.name.is_empty() {
            r.id.clone()
        } else {
            r.name.clone()
        }
    };
    if p.runs.len() < 2 {
        body.push_str(&format!(
            "<p>{}</p>\n",
            escape(phrase(
                lang,
                "Pick 2 to 10 runs to compare.",
                "비교할 런을 2개에서 10개까지 고르세요."
            ))
        ));
        body.push_str(&format!(
            "<form method=\"get\" action=\"/ui/compare\"><input type=\"hidden\" name=\"lang\" value=\"{}\">\n<ul>\n",
            lang.code()
        ));
        for r in &p.choices {
            body.push_str(&format!(
                "<li><label><input type=\"checkbox\" name=\"run\" value=\"{}\"{}> {} <code>{}</code></label></li>\n",
                escape(&r.id),
                if ids.contains(&r.id.as_str()) { " checked" } else { "" },
                escape(&name_of(r)),
                escape(&r.id)
            ));
        }
        body.push_str(&format!(
            "</ul>\n<button>{}</button></form>\n",
            escape(phrase(lang, "Compare", "비교"))
        ));
        return ui_page(title, lang, &body, None);
    }
    let mut t = Table::with_align(
        vec![
            phrase(lang, "run", "런").into(),
            "run id".into(),
            phrase(lang, "status", "상태").into(),
            phrase(lang, "duration", "소요 시간").into(),
        ],
        vec![Align::Left; 4],
    );
    let mut links = Vec::new();
    for r in &p.runs {
        t.row(vec![
            name_of(r),
            r.id.clone(),
            r.status.clone(),
            duration(r),
        ]);
        links.push(Some(format!(
            "/ui/runs/{}?lang={}",
            percent(&r.id),
            lang.code()
        )));
    }
    body.push_str(&table_plain(&t, &links));
    // The paired tests first: they are what the page is for.
    let mut inner = String::new();
    if p.evals.len() > 1 {
        let others: Vec<String> = p
            .evals
            .iter()
            .map(|e| {
                link(
                    &format!(
                        "/ui/compare{}",
                        query(&[("runs", &runs_param), ("eval", e), ("lang", lang.code())])
                    ),
                    e,
                )
            })
            .collect();
        inner.push_str(&format!(
            "<p>{}: {}</p>\n",
            escape(phrase(lang, "Evaluations", "평가")),
            others.join(" · ")
        ));
    }
    match &p.outcome {
        CompareOutcome::NoEvaluation => inner.push_str(&format!(
            "<p>{}</p>\n",
            escape(phrase(
                lang,
                "These runs share no stored evaluation (store one in each with `verdict eval FILE --run RUN_ID --eval-name NAME`).",
                "이 런들에 공통으로 저장된 평가가 없습니다 (각 런에 `verdict eval FILE --run RUN_ID --eval-name NAME`으로 저장하세요)."
            ))
        )),
        CompareOutcome::Refused(why) | CompareOutcome::Failed(why) => {
            inner.push_str(&format!("<pre class=\"error\" role=\"alert\">{}</pre>\n", escape(why)))
        }
        CompareOutcome::Compared(rep) => {
            // The report's own sections, one level down.
            inner.push_str(
                &crate::compare::html_body(rep, lang)
                    .replace("<h2>", "<h3>")
                    .replace("</h2>", "</h3>")
                    .replacen("<h1>", "<h3>", 1)
                    .replacen("</h1>", "</h3>", 1),
            );
        }
    }
    let eval_title = match &p.eval {
        Some(e) => format!("{}: {e}", phrase(lang, "Paired tests", "대응 검정")),
        None => phrase(lang, "Paired tests", "대응 검정").to_string(),
    };
    body.push_str(&section(&eval_title, &inner));
    let names: Vec<String> = p.runs.iter().map(name_of).collect();
    let mut head = vec![phrase(lang, "param", "파라미터").to_string()];
    head.extend(names.iter().cloned());
    let mut t = Table::new(head.clone());
    for (k, vs) in &p.params {
        let mut row = vec![k.clone()];
        row.extend(vs.iter().map(|v| v.clone().unwrap_or_else(|| "-".into())));
        t.row(row);
    }
    body.push_str(&section(
        phrase(lang, "Params that differ", "값이 다른 파라미터"),
        &if p.params.is_empty() {
            format!(
                "<p>{}</p>\n",
                escape(phrase(
                    lang,
                    "Every param is the same.",
                    "모든 파라미터가 같습니다."
                ))
            )
        } else {
            table_plain(&t, &[])
        },
    ));
    head[0] = phrase(lang, "metric", "지표").to_string();
    let mut align = vec![Align::Left];
    align.extend(names.iter().map(|_| Align::Right));
    let mut t = Table::with_align(head, align);
    for (k, vs) in &p.metrics {
        let mut row = vec![k.clone()];
        row.extend(vs.iter().map(|v| v.map_or("-".into(), crate::fmt4)));
        t.row(row);
    }
    body.push_str(&section(
        phrase(lang, "Latest metrics", "최근 지표"),
        &table_plain(&t, &[]),
    ));
    if !p.plots.is_empty() {
        body.push_str(&section(
            phrase(lang, "Curves", "곡선"),
            &p.plots
                .iter()
                .map(|h| history_figure(h, Err(()), lang))
                .collect::<String>(),
        ));
    }
    ui_page(title, lang, &body, None)
}

/// One history plot as a figure, its caption saying whether every point is drawn.
/// `zoom`: the page's zoom, `None` without one; a page without a zoom form (compare) passes
/// `Err(())` so a sampled curve does not point to one.
fn history_figure(h: &History, zoom: Result<Option<(i64, i64)>, ()>, lang: Lang) -> String {
    let series: Vec<crate::svg::Series<'_>> = h
        .series
        .iter()
        .map(|(name, x, y)| crate::svg::Series {
            name,
            x,
            y,
            summary: None,
        })
        .collect();
    let note = match (h.sampled, zoom) {
        (false, Ok(Some(_))) => phrase(lang, "every point in the range", "범위 안의 모든 점"),
        (false, _) => phrase(lang, "every point", "모든 점"),
        (true, Err(())) => phrase(
            lang,
            "sampled by the store (first and last points kept); each run's page zooms to every point",
            "저장소가 표본 추출함 (처음과 마지막 점 유지); 각 런의 페이지에서 확대하면 모든 점을 봅니다",
        ),
        (true, Ok(_)) => phrase(
            lang,
            "sampled by the store (first and last points kept): zoom to a narrower step range for every point",
            "저장소가 표본 추출함 (처음과 마지막 점 유지): 모든 점을 보려면 더 좁은 스텝 범위로 확대하세요",
        ),
    };
    format!(
        "<figure class=\"history\">\n{}\n<figcaption>{} — {}</figcaption>\n</figure>\n",
        crate::html::inline_svg(&crate::svg::history_plot(&h.title, &series, h.best, lang)),
        escape(&h.title),
        escape(note)
    )
}

/// `alias → v3, other → v1`.
fn aliases_text(aliases: &[(String, i64)]) -> String {
    if aliases.is_empty() {
        return "-".into();
    }
    aliases
        .iter()
        .map(|(a, v)| format!("{a} → v{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The model registry page: every registered model, a search box.
pub fn models_page(p: &ModelsPage, lang: Lang) -> String {
    let title = phrase(lang, "Models", "모델");
    let mut t = Table::with_align(
        vec![
            phrase(lang, "model", "모델").into(),
            phrase(lang, "latest version", "최신 버전").into(),
            phrase(lang, "aliases", "별칭").into(),
            phrase(lang, "last update (UTC)", "최근 수정 (UTC)").into(),
            phrase(lang, "description", "설명").into(),
        ],
        vec![
            Align::Left,
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
    );
    let mut links = Vec::new();
    for m in &p.rows {
        t.row(vec![
            m.name.clone(),
            m.latest.map_or("-".into(), |v| v.to_string()),
            aliases_text(&m.aliases),
            fmt_time(m.updated),
            m.description.clone(),
        ]);
        links.push(Some(format!(
            "/ui/models/{}?lang={}",
            percent(&m.name),
            lang.code()
        )));
    }
    searched_list(
        lang,
        (title, "/ui/models", &[]),
        &p.search,
        &table_plain(&t, &links),
        (p.rows.len(), phrase(lang, "models", "개 모델")),
    )
}

/// One registered model's page: its description, aliases and tags, then every version with its
/// aliases, stage, status, source and a link to the run it came from.
pub fn model_page(p: &ModelPage, lang: Lang) -> String {
    let models = "/ui/models".to_string();
    let here = format!("/ui/models/{}", percent(&p.name));
    let mut body = nav(
        lang,
        &here,
        &[
            (models, phrase(lang, "Models", "모델").to_string()),
            (here.clone(), p.name.clone()),
        ],
    );
    body.push_str(&format!("<h1>{}</h1>\n", escape(&p.name)));
    if !p.description.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", escape(&p.description)));
    }
    body.push_str(&format!(
        "<p>{}: {} · {}: {}</p>\n",
        escape(phrase(lang, "aliases", "별칭")),
        escape(&aliases_text(&p.aliases)),
        escape(phrase(lang, "last update (UTC)", "최근 수정 (UTC)")),
        escape(&fmt_time(p.updated))
    ));
    let mut t = Table::with_align(
        vec![
            phrase(lang, "version", "버전").into(),
            phrase(lang, "aliases", "별칭").into(),
            phrase(lang, "stage", "단계").into(),
            phrase(lang, "status", "상태").into(),
            phrase(lang, "created (UTC)", "생성 (UTC)").into(),
            phrase(lang, "source", "소스").into(),
            phrase(lang, "run", "런").into(),
            phrase(lang, "description", "설명").into(),
        ],
        vec![
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
    );
    let mut run_links = Vec::new();
    for v in &p.versions {
        t.row(vec![
            v.version.to_string(),
            if v.aliases.is_empty() {
                "-".into()
            } else {
                v.aliases.join(", ")
            },
            v.stage.clone(),
            v.status.clone(),
            fmt_time(v.created),
            v.source.clone(),
            v.run_id.clone().unwrap_or_else(|| "-".into()),
            v.description.clone(),
        ]);
        run_links.push(v.run_id.clone());
    }
    // The run column (the 7th) links to the run.
    let html = crate::html::table_html_with(
        &t,
        &|r, c| {
            let id = run_links.get(r)?.as_ref().filter(|_| c == 6)?;
            Some(crate::html::CellLink {
                href: format!("/ui/runs/{}?lang={}", percent(id), lang.code()),
                class: None,
            })
        },
        &[],
        false,
    );
    body.push_str(&section(phrase(lang, "Versions", "버전"), &html));
    if !p.tags.is_empty() {
        let mut t = Table::with_align(
            vec![
                phrase(lang, "key", "키").into(),
                phrase(lang, "value", "값").into(),
            ],
            vec![Align::Left, Align::Left],
        );
        for (k, v) in &p.tags {
            t.row(vec![k.clone(), v.clone()]);
        }
        body.push_str(&section(
            phrase(lang, "Tags", "태그"),
            &table_plain(&t, &[]),
        ));
    }
    ui_page(&p.name, lang, &body, None)
}

/// A directory's entries as a table: each name links to its page (a directory to its listing,
/// a file to its preview).
fn artifact_table(entries: &[ArtifactEntry], run_id: &str, lang: Lang) -> String {
    let mut t = Table::with_align(
        vec![
            phrase(lang, "name", "이름").into(),
            phrase(lang, "size", "크기").into(),
        ],
        vec![Align::Left, Align::Right],
    );
    let mut links = Vec::new();
    for e in entries {
        t.row(vec![
            if e.is_dir {
                format!("{}/", e.name)
            } else {
                e.name.clone()
            },
            e.size.map_or("-".into(), fmt_bytes),
        ]);
        links.push(Some(format!(
            "/ui/runs/{}/artifacts?path={}&lang={}",
            percent(run_id),
            percent(&e.path),
            lang.code()
        )));
    }
    table_plain(&t, &links)
}

/// A run's artifacts page: the directory listed, or the file with its download link and its
/// preview (text and JSON in `<pre>`, CSV as a table, images through `<img>`; all escaped, none
/// run: an HTML file shows as its source).
pub fn artifacts_page(p: &ArtifactsPage, lang: Lang) -> String {
    let run_href = format!("/ui/runs/{}", percent(&p.run_id));
    let root_href = format!("{run_href}/artifacts");
    let here = format!("{root_href}{}", query(&[("path", &p.path)]));
    let mut crumbs = vec![
        (
            format!("/ui/experiments/{}", percent(&p.experiment.0)),
            p.experiment.1.clone(),
        ),
        (run_href, p.run_name.clone()),
        (
            root_href.clone(),
            phrase(lang, "artifacts", "아티팩트").to_string(),
        ),
    ];
    let mut so_far = String::new();
    for part in p.path.split('/').filter(|c| !c.is_empty()) {
        so_far = if so_far.is_empty() {
            part.to_string()
        } else {
            format!("{so_far}/{part}")
        };
        crumbs.push((
            format!("{root_href}?path={}", percent(&so_far)),
            part.to_string(),
        ));
    }
    let mut body = nav(lang, &here, &crumbs);
    let title = if p.path.is_empty() {
        format!("{}: {}", p.run_name, phrase(lang, "artifacts", "아티팩트"))
    } else {
        p.path.clone()
    };
    body.push_str(&format!("<h1>{}</h1>\n", escape(&title)));
    if let Some(f) = &p.file {
        let mut facts = vec![f.size.map_or("-".into(), fmt_bytes)];
        match &f.download {
            Some(href) => facts.push(format!(
                "<a href=\"{}\" download>{}</a>",
                escape(href),
                escape(phrase(lang, "Download", "내려받기"))
            )),
            None => facts.push(escape(phrase(
                lang,
                "not served by this server (the run's artifacts are not under its artifact root)",
                "이 서버가 제공하지 않음 (런의 아티팩트가 서버의 아티팩트 루트 밖에 있음)",
            ))),
        }
        body.push_str(&format!("<p>{}</p>\n", facts.join(" · ")));
        match &f.preview {
            Preview::Image => {
                if let Some(href) = &f.download {
                    body.push_str(&format!(
                        "<p><img class=\"preview\" src=\"{}\" alt=\"{}\"></p>\n",
                        escape(href),
                        escape(&f.name)
                    ));
                }
            }
            Preview::Text { text, cut } => {
                body.push_str(&format!("<pre>{}</pre>\n", escape(text)));
                if *cut {
                    body.push_str(&format!(
                        "<p>{}</p>\n",
                        escape(phrase(
                            lang,
                            "Only the file's first 256 KiB are shown.",
                            "파일의 처음 256 KiB만 표시합니다."
                        ))
                    ));
                }
            }
            Preview::Table { header, rows, more } => {
                let mut t = Table::new(header.clone());
                for r in rows {
                    let mut r = r.clone();
                    r.resize(header.len().max(r.len()), String::new());
                    t.row(r);
                }
                body.push_str(&table_plain(&t, &[]));
                if *more {
                    body.push_str(&format!(
                        "<p>{}</p>\n",
                        escape(phrase(
                            lang,
                            "The file's first rows; it has more.",
                            "파일의 처음 행들입니다. 더 있습니다."
                        ))
                    ));
                }
            }
            Preview::Binary => body.push_str(&format!(
                "<p>{}</p>\n",
                escape(phrase(
                    lang,
                    "No preview for this kind of file.",
                    "이 형식의 파일은 미리 볼 수 없습니다."
                ))
            )),
            Preview::Unreadable(why) => body.push_str(&alert(why)),
        }
    } else {
        match &p.listing {
            Ok(entries) if entries.is_empty() => body.push_str(&format!(
                "<p>{}</p>\n",
                escape(phrase(lang, "No artifacts.", "아티팩트가 없습니다."))
            )),
            Ok(entries) => body.push_str(&artifact_table(entries, &p.run_id, lang)),
            Err(why) => body.push_str(&alert(why)),
        }
    }
    ui_page(&title, lang, &body, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_durations() {
        // Expected: Python's datetime.fromtimestamp(s, timezone.utc) of each time in seconds.
        assert_eq!(fmt_time(0), "1970-01-01 00:00:00");
        assert_eq!(fmt_time(1_796_621_915_000), "2026-12-07 05:38:35");
        assert_eq!(fmt_time(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(fmt_duration(3_723_000), "1h 02m");
        assert_eq!(fmt_duration(185_000), "3m 05s");
        assert_eq!(fmt_duration(12_400), "12s");
        assert_eq!(fmt_duration(-5), "0s");
    }

    #[test]
    fn order_keys_quote_what_the_grammar_needs() {
        assert_eq!(
            order_key("metrics.val_loss").as_deref(),
            Some("metrics.val_loss")
        );
        assert_eq!(
            order_key("params.batch size").as_deref(),
            Some("params.`batch size`")
        );
        assert_eq!(
            order_key("tags.verdict.decision").as_deref(),
            Some("tags.`verdict.decision`")
        );
        assert_eq!(order_key("bogus"), None);
        assert_eq!(order_key("metrics.a`b"), None);
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(percent("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(
            query(&[("filter", "x < 1"), ("page", "")]),
            "?filter=x%20%3C%201"
        );
        assert_eq!(query(&[("page", "")]), "");
    }

    fn bare_row(id: &str, name: &str) -> RunRow {
        RunRow {
            id: id.into(),
            name: name.into(),
            status: "FINISHED".into(),
            start: Some(0),
            end: Some(61_000),
            user: None,
            decision: None,
            values: Vec::new(),
            findings: None,
        }
    }

    #[test]
    fn artifact_previews_escape_and_link() {
        let page = |file: Option<ArtifactFile>| ArtifactsPage {
            run_id: "r1".into(),
            run_name: "<run>".into(),
            experiment: ("1".into(), "e".into()),
            path: "plots/<a>".into(),
            listing: Ok(Vec::new()),
            file,
        };
        let file = |preview: Preview| {
            Some(ArtifactFile {
                name: "<a>".into(),
                size: Some(10),
                download: Some("/get-artifact?run_id=r1&path=plots%2F%3Ca%3E".into()),
                preview,
            })
        };
        let html = artifacts_page(
            &page(file(Preview::Text {
                text: "<script>alert(1)</script>".into(),
                cut: true,
            })),
            Lang::En,
        );
        verdict_testkit::assert_same_origin_html(&html);
        assert!(
            html.contains("<pre>&lt;script&gt;alert(1)&lt;/script&gt;</pre>"),
            "{html}"
        );
        assert!(html.contains("first 256 KiB"));
        assert!(
            html.contains(
                "<a href=\"/get-artifact?run_id=r1&amp;path=plots%2F%3Ca%3E\" download>Download</a>"
            ),
            "{html}"
        );
        // The path's parts are crumbs.
        assert!(
            html.contains("<a href=\"/ui/runs/r1/artifacts?path=plots\">plots</a>"),
            "{html}"
        );
        let html = artifacts_page(&page(file(Preview::Image)), Lang::Ko);
        assert!(
            html.contains("<img class=\"preview\" src=\"/get-artifact?run_id=r1&amp;path=plots%2F%3Ca%3E\" alt=\"&lt;a&gt;\">"),
            "{html}"
        );
        let html = artifacts_page(
            &page(file(Preview::Table {
                header: vec!["a".into(), "<b>".into()],
                rows: vec![vec!["1".into()]],
                more: true,
            })),
            Lang::En,
        );
        assert!(html.contains("<th class=\"num\">&lt;b&gt;</th>"), "{html}");
        assert!(html.contains("<td>1</td><td class=\"num\"></td>"), "{html}");
        assert!(html.contains("it has more"));
        let html = artifacts_page(
            &ArtifactsPage {
                path: String::new(),
                listing: Ok(vec![ArtifactEntry {
                    path: "plots".into(),
                    name: "plots".into(),
                    is_dir: true,
                    size: None,
                }]),
                ..page(None)
            },
            Lang::En,
        );
        assert!(
            html.contains(">plots/</a></td><td class=\"num\">-</td>"),
            "{html}"
        );
    }

    #[test]
    fn compare_page_shows_the_refusal_and_what_differs() {
        let p = ComparePage {
            runs: vec![bare_row("a", "<a>"), bare_row("b", "b")],
            experiment: Some(("1".into(), "e".into())),
            choices: Vec::new(),
            plots: vec![History {
                title: "val_loss".into(),
                series: vec![
                    ("<a>".into(), vec![0.0, 1.0], vec![0.5, 0.4]),
                    ("b".into(), vec![0.0, 1.0], vec![0.6, 0.3]),
                ],
                best: None,
                sampled: false,
            }],
            params: vec![("lr".into(), vec![Some("0.1".into()), None])],
            metrics: vec![("val_loss".into(), vec![Some(0.4), Some(0.3)])],
            evals: vec!["test".into()],
            eval: Some("test".into()),
            outcome: CompareOutcome::Refused("refusing to compare: <different>".into()),
        };
        let html = compare_page(&p, Lang::En, "");
        verdict_testkit::assert_same_origin_html(&html);
        assert!(
            html.contains(
                "<pre class=\"error\" role=\"alert\">refusing to compare: &lt;different&gt;</pre>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<td>lr</td><td class=\"num\">0.1</td><td class=\"num\">-</td>"),
            "{html}"
        );
        assert_eq!(
            html.matches("<polyline class=\"series-").count(),
            2,
            "{html}"
        );
        // Fewer than two runs: a picker.
        let html = compare_page(
            &ComparePage {
                runs: vec![bare_row("a", "<a>")],
                choices: vec![bare_row("a", "<a>"), bare_row("c", "c")],
                ..p
            },
            Lang::Ko,
            "",
        );
        assert!(
            html.contains("<input type=\"checkbox\" name=\"run\" value=\"a\" checked> &lt;a&gt;"),
            "{html}"
        );
        assert!(html.contains("value=\"c\"> c"), "{html}");
    }

    #[test]
    fn registry_pages_link_versions_to_runs() {
        let html = models_page(
            &ModelsPage {
                search: String::new(),
                rows: vec![ModelRow {
                    name: "<m>".into(),
                    latest: Some(2),
                    aliases: vec![("champion".into(), 2)],
                    updated: 0,
                    description: "<d>".into(),
                }],
            },
            Lang::En,
        );
        verdict_testkit::assert_same_origin_html(&html);
        assert!(
            html.contains("<a href=\"/ui/models/%3Cm%3E?lang=en\">&lt;m&gt;</a>"),
            "{html}"
        );
        assert!(html.contains("<td>champion → v2</td>"), "{html}");
        let html = model_page(
            &ModelPage {
                name: "<m>".into(),
                description: String::new(),
                tags: vec![("k".into(), "<v>".into())],
                aliases: vec![("champion".into(), 2)],
                updated: 0,
                versions: vec![VersionRow {
                    version: 2,
                    aliases: vec!["champion".into()],
                    stage: "None".into(),
                    status: "READY".into(),
                    source: "runs:/r1/model".into(),
                    run_id: Some("r1".into()),
                    created: 0,
                    description: String::new(),
                }],
            },
            Lang::En,
        );
        assert!(
            html.contains("<td><a href=\"/ui/runs/r1?lang=en\">r1</a></td>"),
            "{html}"
        );
        assert!(html.contains("<td>&lt;v&gt;</td>"));
    }

    #[test]
    fn a_hostile_run_name_is_text() {
        let name = "<img src=x onerror=alert(1)>";
        let row = RunRow {
            id: "r\"1".into(),
            name: name.into(),
            status: "RUNNING".into(),
            start: Some(0),
            end: None,
            user: Some("<b>".into()),
            decision: None,
            values: vec![Some("<script>".into())],
            findings: Some(FindingCounts {
                fail: 0,
                warn: 2,
                info: 1,
            }),
        };
        let p = RunsPage {
            experiment_id: "1".into(),
            experiment_name: "e</title><script>".into(),
            filter: "\"><script>".into(),
            order_by: String::new(),
            error: Some("<bad>".into()),
            columns: vec!["params.<x>".into()],
            rows: vec![row.clone()],
            next_page: Some("t\"k".into()),
            page: String::new(),
            available: vec!["metrics.<m>".into(), "params.<x>".into()],
            report_eval: Some("te st".into()),
        };
        for lang in [Lang::En, Lang::Ko] {
            let html = runs_page(&p, lang);
            verdict_testkit::assert_same_origin_html(&html);
            assert!(
                html.contains("&lt;img src=x onerror=alert(1)&gt;"),
                "{html}"
            );
            assert!(!html.contains("<img") && !html.contains("<script") && !html.contains("<b>"));
            assert!(html.contains("href=\"/ui/runs/r%221?lang="), "{html}");
            assert!(html.contains("/report?eval=te%20st&amp;lang="), "{html}");
            // The findings badge: the worst status and its count, linking to the run's findings.
            assert!(
                html.contains("#findings\" class=\"badge sev-warn\">2 "),
                "{html}"
            );
            // The column picker: every key of the page's runs, the shown ones checked.
            assert!(
                html.contains(
                    "<input type=\"checkbox\" name=\"col\" value=\"params.&lt;x&gt;\" checked> params.&lt;x&gt;"
                ),
                "{html}"
            );
            assert!(html.contains("value=\"metrics.&lt;m&gt;\"> "), "{html}");
        }
        let html = run_page(
            &RunPage {
                row,
                experiment: ("1".into(), "e".into()),
                params: vec![("<k>".into(), "<v>".into()), ("**b**".into(), "`c`".into())],
                metrics: vec![("<m>".into(), 0.5)],
                tags: Vec::new(),
                histories: vec![History {
                    title: "<loss>".into(),
                    series: vec![
                        (
                            "train_<loss>".into(),
                            vec![1.0, 2.0, 3.0],
                            vec![0.9, 0.5, 0.3],
                        ),
                        (
                            "val_<loss>".into(),
                            vec![1.0, 2.0, 3.0],
                            vec![0.8, 0.6, 0.7],
                        ),
                    ],
                    best: Some((2.0, 0.6)),
                    sampled: true,
                }],
                evaluations: vec![EvaluationSummary {
                    name: "<test>".into(),
                    fingerprint: "sha256:ab".into(),
                    rows: Some("80".into()),
                    source: Some("<p>.csv".into()),
                    metrics: vec![("roc_auc".into(), 0.91, Some((0.85, 0.95)))],
                }],
                check: Err("<no curve>".into()),
                decisions: vec![(3, "stop".into(), "<r>".into(), "val_loss > 0.12".into())],
                zoom: Some((1, 3)),
                artifacts: Ok(vec![ArtifactEntry {
                    path: "d/<e>.txt".into(),
                    name: "<e>.txt".into(),
                    is_dir: false,
                    size: Some(2048),
                }]),
            },
            Lang::Ko,
            true,
        );
        // A running run's page reloads itself, unless paused; the zoom stays in the links.
        assert!(html.contains("<meta http-equiv=\"refresh\" content=\"10\">"));
        assert!(html.contains("from=1&amp;to=3&amp;live=0"), "{html}");
        assert!(html.contains("name=\"from\" type=\"number\" value=\"1\""));
        assert!(html.contains("저장소가 표본 추출함"), "{html}");
        // Its artifacts, linked to their pages.
        assert!(
            html.contains("<a href=\"/ui/runs/r%221/artifacts?path=d%2F%3Ce%3E.txt&amp;lang=ko\">&lt;e&gt;.txt</a></td><td class=\"num\">2.0 KiB</td>"),
            "{html}"
        );
        verdict_testkit::assert_same_origin_html(&html);
        assert!(
            html.contains("<td>&lt;k&gt;</td><td>&lt;v&gt;</td>"),
            "{html}"
        );
        // What users logged shows as typed: no report markup.
        assert!(html.contains("<td>**b**</td><td>`c`</td>"), "{html}");
        // The curve is drawn inline, both keys, the best step circled and named.
        assert!(html.contains("<figure class=\"history\">\n<svg "), "{html}");
        assert_eq!(
            html.matches("<polyline class=\"series-").count(),
            2,
            "{html}"
        );
        assert!(
            html.contains("<g class=\"mark\"><title>최고 스텝 2 (0.6000)</title>"),
            "{html}"
        );
        assert!(html.contains("val_&lt;loss&gt;"));
        assert!(html.contains("<section id=\"findings\">"));
        // The stored evaluation with its interval and eval set.
        assert!(html.contains("<h3>&lt;test&gt;</h3>"), "{html}");
        assert!(
            html.contains(
                "<td>roc_auc</td><td class=\"num\">0.9100</td><td class=\"num\">0.8500 … 0.9500</td>"
            ),
            "{html}"
        );
        assert!(html.contains("<code>sha256:ab</code>"));
        // The check that could not run says why; the rules' decisions are listed.
        assert!(html.contains("<p>&lt;no curve&gt;</p>"), "{html}");
        assert!(
            html.contains(
                "<td class=\"num\">3</td><td>stop</td><td>&lt;r&gt;</td><td>val_loss &gt; 0.12</td>"
            ),
            "{html}"
        );
    }
}
