//! `verdict watch RUN_ID`: follows a live run in the terminal — the metrics its rules monitor,
//! each with a sparkline of its recent values, and every decision as the ledger records it.
//!
//! Exit codes (for shell loops): 0 when the run ends (its status leaves RUNNING) without a rule
//! ending it, 3 as soon as a `stop` or `rollback` decision is recorded, 2 on an error.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use verdict_store::{RunStatus, Store};

use crate::cli::WatchArgs;

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values` (the last `width`): one bar per value scaled between their finite
/// minimum and maximum; a non-finite value is `×`, a flat series the lowest bar.
pub(crate) fn sparkline(values: &[f64], width: usize) -> String {
    let tail = &values[values.len().saturating_sub(width)..];
    let finite: Vec<f64> = tail.iter().copied().filter(|v| v.is_finite()).collect();
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    tail.iter()
        .map(|&v| {
            if !v.is_finite() {
                '×'
            } else if hi > lo {
                let i = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                BARS[i.min(7)]
            } else {
                BARS[0]
            }
        })
        .collect()
}

pub(crate) fn run(a: &WatchArgs) -> ExitCode {
    match watch(a) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn watch(a: &WatchArgs) -> Result<u8> {
    let store = super::ledger::open(&a.store.store)?;
    let started = Instant::now();
    let (name, set) = ruleset(&store, &a.run_id)?;
    println!(
        "watching run {} with rules {name} ({} rules); monitors: {}",
        a.run_id,
        set.rules.len(),
        set.metrics().join(", ")
    );
    let mut seen_points = usize::MAX;
    let mut seen_decisions = 0usize;
    loop {
        let run = store
            .get_run(&a.run_id)
            .with_context(|| format!("watch {}", a.run_id))?;
        let points = verdict_app::rules::stored_points(&store, &set, &a.run_id)?;
        if points.len() != seen_points {
            seen_points = points.len();
            for key in set.metrics() {
                let values: Vec<&verdict_store::Metric> =
                    points.iter().filter(|m| m.key == key).collect();
                if let Some(last) = values.last() {
                    let v: Vec<f64> = values.iter().map(|m| m.value).collect();
                    println!(
                        "  {key:<24} {:<40} {} (step {})",
                        sparkline(&v, 40),
                        last.value,
                        last.step
                    );
                }
            }
        }
        let decisions = store.rule_decisions(&a.run_id)?;
        let mut ended = false;
        for d in decisions.iter().skip(seen_decisions) {
            let summary = serde_json::from_str::<serde_json::Value>(&d.reason)
                .ok()
                .and_then(|r| r["summary"].as_str().map(str::to_string))
                .unwrap_or_else(|| d.reason.clone());
            println!("  step {:<6} {:<9} {summary}", d.step, d.action);
            ended |= d.action == "stop" || d.action == "rollback";
        }
        seen_decisions = decisions.len();
        if ended {
            println!("a rule ended the run: exit 3");
            return Ok(3);
        }
        if run.info.status != RunStatus::Running {
            println!("run {}: {}", a.run_id, run.info.status.as_str());
            return Ok(0);
        }
        if a.timeout
            .is_some_and(|t| started.elapsed() >= Duration::from_secs_f64(t))
        {
            anyhow::bail!(
                "watch {}: still running after --timeout {}s",
                a.run_id,
                a.timeout.unwrap_or(0.0)
            );
        }
        std::thread::sleep(Duration::from_secs_f64(a.interval.max(0.05)));
    }
}

/// The ruleset the ledger runs on this run: its `verdict.rules` tag, else its experiment's.
fn ruleset(store: &Store, run_id: &str) -> Result<(String, verdict_core::rules::RuleSet)> {
    let run = store
        .get_run(run_id)
        .with_context(|| format!("watch {run_id}"))?;
    let name = match run.tags.iter().find(|t| t.key == "verdict.rules") {
        Some(t) => t.value.clone(),
        None => store
            .attached_rules(&run.info.experiment_id)?
            .with_context(|| {
                format!(
                    "run {run_id} has no rules: attach some to its experiment (verdict rules attach \
                     --experiment {} rules.toml) or tag it verdict.rules = NAME",
                    run.info.experiment_id
                )
            })?,
    };
    let stored = store.ruleset(&name)?.with_context(|| {
        format!("run {run_id} names the ruleset {name}, which the ledger does not hold")
    })?;
    let set = verdict_io::rules::parse_rules(
        &stored.text,
        std::path::Path::new(&format!("ruleset {name}")),
    )?;
    Ok((name, set))
}

#[cfg(test)]
mod tests {
    use super::sparkline;

    #[test]
    fn sparklines_scale_between_the_finite_extremes() {
        assert_eq!(sparkline(&[0.0, 0.5, 1.0], 40), "▁▅█");
        assert_eq!(sparkline(&[2.0, 2.0], 40), "▁▁");
        assert_eq!(sparkline(&[1.0, f64::NAN, 3.0], 40), "▁×█");
        assert_eq!(sparkline(&[1.0, 2.0, 3.0], 2), "▁█");
        assert_eq!(sparkline(&[], 5), "");
    }
}
