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

use crate::html::{page, table_html, table_html_linked};
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
}

fn phrase(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    lang.pick(en, ko)
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
    page(&title, lang, &body)
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
    page(title, lang, &body)
}

/// The experiments page.
pub fn experiments_page(p: &ExperimentsPage, lang: Lang) -> String {
    let title = phrase(lang, "Experiments", "실험");
    let mut body = nav(
        lang,
        &format!("/ui/experiments{}", query(&[("q", &p.search)])),
        &[],
    );
    body.push_str(&format!("<h1>{}</h1>\n", escape(title)));
    body.push_str(&format!(
        "<form method=\"get\" action=\"/ui/experiments\"><input type=\"hidden\" name=\"lang\" value=\"{}\"><label>{} <input name=\"q\" value=\"{}\"></label> <button>{}</button></form>\n",
        lang.code(),
        escape(phrase(lang, "Search", "검색")),
        escape(&p.search),
        escape(phrase(lang, "Search", "검색")),
    ));
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
    body.push_str(&table_html(&t, &links));
    body.push_str(&format!(
        "<p class=\"count\">{} {}</p>\n",
        p.rows.len(),
        phrase(lang, "experiments", "개 실험")
    ));
    page(title, lang, &body)
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
            &format!("{base}/report?lang={}", lang.code()),
            phrase(
                lang,
                "Experiment report: overfitting and leaderboards per eval set",
                "실험 보고서: 과적합과 평가 세트별 순위표"
            )
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
    ];
    headers.extend(p.columns.iter().cloned());
    let mut align = vec![Align::Left; 6];
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
    body.push_str(&table_html_linked(&t, &links, &header_links));
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
    page(&p.experiment_name, lang, &body)
}

/// A run's page: its summary, metrics, params and tags.
pub fn run_page(p: &RunPage, lang: Lang) -> String {
    let r = &p.row;
    let exp_href = format!("/ui/experiments/{}", percent(&p.experiment.0));
    let here = format!("/ui/runs/{}", percent(&r.id));
    let mut body = nav(
        lang,
        &here,
        &[
            (exp_href, p.experiment.1.clone()),
            (here.clone(), r.name.clone()),
        ],
    );
    body.push_str(&format!("<h1>{}</h1>\n", escape(&r.name)));
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
    body.push_str(&table_html(&summary, &[]));
    let mut metrics = Table::new(vec![
        phrase(lang, "metric", "지표").into(),
        phrase(lang, "latest value", "최근 값").into(),
    ]);
    for (k, v) in &p.metrics {
        metrics.row(vec![k.clone(), crate::fmt4(*v)]);
    }
    body.push_str(&section(
        phrase(lang, "Metrics", "지표"),
        &table_html(&metrics, &[]),
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
            inner.push_str(&table_html(&t, &[]));
        }
        body.push_str(&section(phrase(lang, "Evaluations", "평가"), &inner));
    }
    if !p.histories.is_empty() {
        let mut inner = String::new();
        for h in &p.histories {
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
            inner.push_str("<figure class=\"history\">\n");
            inner.push_str(&crate::html::inline_svg(&crate::svg::history_plot(
                &h.title, &series, h.best, lang,
            )));
            inner.push_str(&format!(
                "\n<figcaption>{}</figcaption>\n</figure>\n",
                escape(&h.title)
            ));
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
        Ok(rep) => table_html(&crate::check::findings_table(rep, lang, |s| s), &[]),
        Err(why) => format!("<p>{}</p>\n", escape(why)),
    };
    body.push_str(&section(phrase(lang, "Findings", "발견 사항"), &findings));
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
            &table_html(&t, &[]),
        ));
    }
    body.push_str(&section(
        phrase(lang, "Parameters", "파라미터"),
        &table_html(&kv(&p.params), &[]),
    ));
    body.push_str(&section(
        phrase(lang, "Tags", "태그"),
        &table_html(&kv(&p.tags), &[]),
    ));
    page(&r.name, lang, &body)
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
        }
        let html = run_page(
            &RunPage {
                row,
                experiment: ("1".into(), "e".into()),
                params: vec![("<k>".into(), "<v>".into())],
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
            },
            Lang::Ko,
        );
        verdict_testkit::assert_same_origin_html(&html);
        assert!(
            html.contains("<td>&lt;k&gt;</td><td>&lt;v&gt;</td>"),
            "{html}"
        );
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
