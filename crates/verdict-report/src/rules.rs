//! `verdict rules check` reports: what each rule would have done on each run (terminal, Markdown,
//! JSON), and the one JSON shape of a decision, which the ledger's decision history stores too.
//!
//! The JSON writes a non-finite number as the string `"NaN"`, `"inf"` or `"-inf"` (JSON has no
//! such numbers, and a NaN that made a rule fire must not read back as `null`).

use crate::{Align, Lang, Table};
use serde_json::{Value, json};
use verdict_core::rules::replay::Replay;
use verdict_core::rules::{Decision, RuleSet};

/// One judged run or history.
#[derive(Debug, Clone)]
pub struct RunRules {
    /// The run's id (`None` for a history file).
    pub run_id: Option<String>,
    /// The run's name, or the history file as given.
    pub name: String,
    /// What the rules did.
    pub replay: Replay,
    /// The checkpoint artifact logged at or before the rollback step, when there is one.
    pub checkpoint: Option<String>,
}

/// A rules check over one or more runs.
#[derive(Debug, Clone)]
pub struct RulesReport {
    /// The rules file, as given.
    pub source: String,
    /// The rules.
    pub rules: RuleSet,
    /// The runs, in the order judged.
    pub runs: Vec<RunRules>,
}

/// A number for JSON (module docs).
pub fn number(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        json!(format!("{x}"))
    }
}

fn opt_number(x: Option<f64>) -> Value {
    x.map_or(Value::Null, number)
}

/// A decision as JSON: `{rule, kind, action, reason, metric, step, value, observed, best_step,
/// best_value, lr, improvement, noise, summary}`.
pub fn decision_json(d: &Decision) -> Value {
    json!({
        "rule": d.rule,
        "kind": d.kind,
        "action": d.action.as_str(),
        "reason": d.reason.code(),
        "metric": d.metric,
        "step": d.step,
        "value": number(d.value),
        "observed": d.observed.iter().map(|x| number(*x)).collect::<Vec<_>>(),
        "best_step": d.best_step,
        "best_value": opt_number(d.best_value),
        "lr": opt_number(d.lr),
        "improvement": opt_number(d.improvement),
        "noise": opt_number(d.noise),
        "summary": d.summary(),
    })
}

/// The whole report as JSON (docs/rules.md).
pub fn json(rep: &RulesReport) -> Value {
    let rules: Vec<Value> = rep
        .rules
        .rules
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "kind": r.kind.name(),
                "monitor": r.monitor,
                "mode": r.mode.map(|m| m.mode()),
                "action": r.action.as_str(),
            })
        })
        .collect();
    let runs: Vec<Value> = rep
        .runs
        .iter()
        .map(|run| {
            let r = &run.replay;
            json!({
                "run_id": run.run_id,
                "name": run.name,
                "evaluations": r.evaluations,
                "last_step": r.last_step,
                "best": r.best.map(|(step, value)| json!({
                    "metric": r.best_metric, "step": step, "value": number(value)
                })),
                "ended": r.ended.as_ref().map(|(a, step, rule)| json!({
                    "action": a.as_str(), "step": step, "rule": rule
                })),
                "wasted": r.wasted,
                "decision": r.decision,
                "lr": opt_number(r.lr),
                "checkpoint": run.checkpoint,
                "convergence": r.convergence.iter().map(|(rule, c)| json!({
                    "rule": rule, "status": c.as_str()
                })).collect::<Vec<_>>(),
                "decisions": r.decisions.iter().map(decision_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "rules_file": rep.source, "rules": rules, "runs": runs })
}

fn run_heading(run: &RunRules, lang: Lang) -> String {
    match (&run.run_id, lang) {
        (Some(id), Lang::En) => format!("Run {id} ({})", run.name),
        (Some(id), Lang::Ko) => format!("런 {id} ({})", run.name),
        (None, Lang::En) => format!("History {}", run.name),
        (None, Lang::Ko) => format!("학습 기록 {}", run.name),
    }
}

/// The run's outcome in one sentence.
fn outcome(run: &RunRules, lang: Lang) -> String {
    let r = &run.replay;
    let best = r
        .best
        .zip(r.best_metric.as_ref())
        .map(|((s, v), m)| match lang {
            Lang::En => format!("best {m} at step {s} ({v})"),
            Lang::Ko => format!("최고 {m}: step {s} ({v})"),
        });
    let mut parts = vec![match lang {
        Lang::En => format!("{} evaluations", r.evaluations),
        Lang::Ko => format!("평가 {}회", r.evaluations),
    }];
    parts.extend(best);
    match (&r.ended, lang) {
        (Some((a, step, rule)), Lang::En) => parts.push(format!(
            "would have ended at step {step} ({}, rule {rule}); {} evaluations ran after it",
            a.as_str(),
            r.wasted
        )),
        (Some((a, step, rule)), Lang::Ko) => parts.push(format!(
            "step {step}에서 종료했어야 함 ({}, 규칙 {rule}); 그 뒤 평가 {}회 낭비",
            a.as_str(),
            r.wasted
        )),
        (None, Lang::En) => parts.push("no rule ended it".into()),
        (None, Lang::Ko) => parts.push("종료 규칙이 발동하지 않음".into()),
    }
    if let Some(c) = &run.checkpoint {
        parts.push(match lang {
            Lang::En => format!("checkpoint to restore: {c}"),
            Lang::Ko => format!("복원할 체크포인트: {c}"),
        });
    }
    parts.join("; ")
}

/// The terminal report.
pub fn text(rep: &RulesReport, lang: Lang) -> String {
    let mut out = match lang {
        Lang::En => format!("Rules {} ({} rules)\n", rep.source, rep.rules.rules.len()),
        Lang::Ko => format!("규칙 {} ({}개)\n", rep.source, rep.rules.rules.len()),
    };
    for run in &rep.runs {
        out.push_str(&format!(
            "\n{}: {}\n",
            run_heading(run, lang),
            outcome(run, lang)
        ));
        for d in &run.replay.decisions {
            out.push_str(&format!(
                "  step {:<6} {:<9} {}\n",
                d.step,
                d.action.as_str(),
                d.summary()
            ));
        }
    }
    if rep.runs.is_empty() {
        out.push_str(lang.pick("\nNo runs.\n", "\n런이 없습니다.\n"));
    }
    out
}

/// The Markdown report.
pub fn markdown(rep: &RulesReport, lang: Lang) -> String {
    let mut out = match lang {
        Lang::En => format!("# Rules check: {}\n", rep.source),
        Lang::Ko => format!("# 규칙 점검: {}\n", rep.source),
    };
    let mut summary = Table::with_align(
        crate::headers(
            lang,
            &[
                "run",
                "evaluations",
                "best step",
                "ended at",
                "action",
                "rule",
                "wasted",
            ],
            &[
                "런",
                "평가",
                "최고 step",
                "종료 step",
                "동작",
                "규칙",
                "낭비",
            ],
        ),
        vec![
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Right,
        ],
    );
    for run in &rep.runs {
        let r = &run.replay;
        let (at, action, rule) = r.ended.as_ref().map_or(
            ("—".to_string(), "—".to_string(), "—".to_string()),
            |(a, s, n)| (s.to_string(), a.as_str().to_string(), format!("`{n}`")),
        );
        summary.row(vec![
            run_heading(run, lang),
            r.evaluations.to_string(),
            r.best.map_or("—".into(), |(s, _)| s.to_string()),
            at,
            action,
            rule,
            r.wasted.to_string(),
        ]);
    }
    out.push('\n');
    out.push_str(&summary.markdown());
    for run in &rep.runs {
        if run.replay.decisions.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "\n## {}\n\n{}\n\n",
            run_heading(run, lang),
            outcome(run, lang)
        ));
        let mut t = Table::with_align(
            crate::headers(
                lang,
                &["step", "action", "rule", "reason"],
                &["step", "동작", "규칙", "이유"],
            ),
            vec![Align::Right, Align::Left, Align::Left, Align::Left],
        );
        for d in &run.replay.decisions {
            t.row(vec![
                d.step.to_string(),
                d.action.as_str().to_string(),
                format!("`{}`", d.rule),
                d.summary().replace('|', "\\|"),
            ]);
        }
        out.push_str(&t.markdown());
    }
    out
}
