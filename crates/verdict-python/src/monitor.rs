//! `verdict.Monitor`'s engine: the rules engine of `verdict rules` (`verdict_core::rules`), fed
//! one evaluation at a time by a training loop. The Python layer turns the decisions into its
//! `Decision` objects and writes a dict of rules out as TOML first, so both forms meet the same
//! parser and its messages.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use verdict_core::rules::{Decision, Engine};

/// The rules engine of one run.
#[pyclass(module = "verdict._native")]
pub(crate) struct Monitor {
    engine: Engine,
}

/// A decision as a dict of plain values (the Python layer's `Decision` reads it).
fn decision<'py>(py: Python<'py>, d: &Decision) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("rule", &d.rule)?;
    out.set_item("kind", d.kind)?;
    out.set_item("action", d.action.as_str())?;
    out.set_item("reason", d.reason.code())?;
    out.set_item("summary", d.summary())?;
    out.set_item("metric", &d.metric)?;
    out.set_item("step", d.step)?;
    out.set_item("value", d.value)?;
    out.set_item("observed", d.observed.clone())?;
    out.set_item("best_step", d.best_step)?;
    out.set_item("best_value", d.best_value)?;
    out.set_item("lr", d.lr)?;
    out.set_item("improvement", d.improvement)?;
    out.set_item("noise", d.noise)?;
    Ok(out)
}

#[pymethods]
impl Monitor {
    /// The engine of the rules file text `toml`, named `name` in its errors.
    #[new]
    fn new(toml: &str, name: &str) -> PyResult<Monitor> {
        let set = verdict_app::rules::parse(toml, name)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Monitor {
            engine: Engine::new(set),
        })
    }

    /// One evaluation: the metrics logged at `step`, in the order given. Returns the decisions
    /// that fired, in rule order.
    fn update<'py>(
        &mut self,
        py: Python<'py>,
        step: i64,
        metrics: Vec<(String, f64)>,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let named: Vec<(&str, f64)> = metrics.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let decisions = self.engine.update(step, &named);
        decisions.iter().map(|d| decision(py, d)).collect()
    }

    /// The best evaluation of the best-step metric: `(step, value)`.
    fn best(&self) -> Option<(i64, f64)> {
        self.engine.best()
    }

    /// The learning rate a `plateau` rule holds now.
    fn lr(&self) -> Option<f64> {
        self.engine.lr()
    }

    /// The first decision that ended training: `(action, step, rule)`.
    fn ended(&self) -> Option<(&'static str, i64, String)> {
        self.engine
            .ended()
            .map(|(a, s, r)| (a.as_str(), s, r.to_string()))
    }

    /// The rules' names, in order (the implicit `non_finite` rule last, when on).
    fn rules(&self) -> Vec<String> {
        self.engine
            .rules()
            .rules
            .iter()
            .map(|r| r.name.clone())
            .collect()
    }

    /// Rule `i`'s best evaluation: `(step, value)`.
    fn rule_best(&self, i: usize) -> Option<(i64, f64)> {
        self.engine.rule_best(i)
    }

    /// Rule `i`'s wait (Keras' `wait`, PyTorch's `num_bad_epochs`).
    fn rule_wait(&self, i: usize) -> Option<u64> {
        self.engine.rule_wait(i)
    }

    /// The whole state as text, for `Monitor.restore`.
    fn save(&self) -> String {
        self.engine.save()
    }

    /// Restores a state `save` wrote for the same rules.
    fn restore(&mut self, state: &str) -> PyResult<()> {
        let set = self.engine.rules().clone();
        self.engine =
            Engine::restore(set, state).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(())
    }
}
