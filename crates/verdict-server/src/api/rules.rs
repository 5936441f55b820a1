//! Verdict's own training-rules endpoints, under `/api/2.0/verdict/` (not MLflow's prefix):
//! a run's decision history and the stored rulesets (the `verdict_store::rules` module).
//! Their lists are always present, empty or not (these are not MLflow messages).

use serde_json::{Value, json};

use super::Cx;
use crate::error::{ApiError, ApiResult};

area! {
    /// `rules/…` under `/api/2.0/verdict/`.
    Rules {
        Decisions,
        List,
    }
}

/// Runs a rules endpoint.
pub(super) fn handle(cx: Cx<'_>, e: Rules) -> ApiResult<Value> {
    let Cx { store, f, .. } = cx;
    Ok(match e {
        Rules::Decisions => {
            let run_id = f
                .opt_str("run_id")?
                .filter(|s| !s.is_empty())
                .ok_or_else(|| {
                    ApiError::invalid("Missing value for required parameter 'run_id'.")
                })?;
            let decisions: Vec<Value> = store
                .rule_decisions(&run_id)?
                .into_iter()
                .map(|d| {
                    // The store only keeps reasons that parse as JSON objects.
                    let reason = serde_json::from_str::<Value>(&d.reason)
                        .unwrap_or(Value::String(d.reason.clone()));
                    json!({
                        "seq": d.seq,
                        "ruleset": d.ruleset,
                        "rule": d.rule,
                        "action": d.action,
                        "step": d.step,
                        "metric": d.metric,
                        "reason": reason,
                        "timestamp": d.timestamp,
                    })
                })
                .collect();
            json!({ "decisions": decisions })
        }
        Rules::List => {
            let rulesets: Vec<Value> = store
                .rulesets()?
                .into_iter()
                .map(|r| {
                    json!({
                        "name": r.name,
                        "text": r.text,
                        "created": r.created,
                        "experiments": r.experiments,
                    })
                })
                .collect();
            json!({ "rulesets": rulesets })
        }
    })
}
