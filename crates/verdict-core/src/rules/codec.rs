//! The engine's state as text: what the ledger stores after every write and reads back on the
//! next, so a restarted server resumes exactly where it stopped.
//!
//! Why a text of our own and not a wire format (docs/design/rules.md §4): the core has none (it is pure), the state is a
//! handful of counters and numbers, and the one thing that matters is that every f64 comes back
//! bit for bit (NaN and ±inf included, which JSON cannot hold). Rust's `{:?}` formatting of an f64
//! is the shortest text that parses back to the same value, and `str::parse` reads `NaN`, `inf`
//! and `-inf`. The format, one `key=value` per line:
//!
//! ```text
//! verdict-rules-state 1
//! updates=12
//! ended=stop@7#0
//! best=7:0.081:-
//! last=-
//! rule.0.evaluations=12
//! rule.0.recent=5:0.09:-,6:0.1:-
//! ```
//!
//! A field at its default (0, `false`, empty, absent) is left out, except `lr`. An absent value is `-`; a point is `step:value:ci` with `ci` either `-` or `low/high`. A key
//! the engine does not know, a rule index out of range or a malformed value is an error: a state
//! that cannot be read exactly must not be half-read.

use std::fmt::Write as _;

use super::engine::{Point, RuleState};
use super::{Action, Convergence, Engine, RuleSet};

const HEADER: &str = "verdict-rules-state 1";

/// Why a saved state could not be restored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("rules state line {line}: {message}")]
pub struct StateError {
    /// 1-based line of the state text.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map_or_else(|| "-".to_string(), f)
}

fn point(p: Point) -> String {
    let ci = opt(p.ci, |(l, h)| format!("{l:?}/{h:?}"));
    format!("{}:{:?}:{ci}", p.step, p.value)
}

impl Engine {
    /// The whole state as text (module docs), for [`Engine::restore`].
    pub fn save(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{HEADER}");
        let _ = writeln!(s, "updates={}", self.updates);
        let ended = opt(self.ended, |(a, step, i)| {
            format!("{}@{step}#{i}", a.as_str())
        });
        let _ = writeln!(s, "ended={ended}");
        let _ = writeln!(s, "best={}", opt(self.best, point));
        let _ = writeln!(s, "last={}", opt(self.last, |a| a.as_str().to_string()));
        let fresh = RuleState::default();
        for (i, st) in self.states.iter().enumerate() {
            // A field at its default is left out (restore starts from the defaults), except the
            // learning rate, whose starting value is the rule's `lr`, not `-`.
            let mut put = |k: &str, v: String| {
                let default = match k {
                    "evaluations" => Some(fresh.evaluations.to_string()),
                    "wait" => Some(fresh.wait.to_string()),
                    "cooldown" => Some(fresh.cooldown.to_string()),
                    "count" => Some(fresh.count.to_string()),
                    "done" => Some(fresh.done.to_string()),
                    "recent" => Some(String::new()),
                    "lr" => None,
                    _ => Some("-".to_string()),
                };
                if default.as_deref() != Some(v.as_str()) {
                    let _ = writeln!(s, "rule.{i}.{k}={v}");
                }
            };
            put("evaluations", st.evaluations.to_string());
            put("wait", st.wait.to_string());
            put("reference", opt(st.reference, |x| format!("{x:?}")));
            put("reference_step", opt(st.reference_step, |x| x.to_string()));
            put("peak", opt(st.peak, point));
            put("cooldown", st.cooldown.to_string());
            put("lr", opt(st.lr, |x| format!("{x:?}")));
            put("count", st.count.to_string());
            put("previous", opt(st.previous, |x| format!("{x:?}")));
            let recent: Vec<String> = st.recent.iter().copied().map(point).collect();
            put("recent", recent.join(","));
            put("before", opt(st.before, point));
            put("done", st.done.to_string());
            put("status", opt(st.status, |c| c.as_str().to_string()));
        }
        s
    }

    /// The engine `save` wrote for the same `set`.
    ///
    /// # Errors
    /// The text is not a saved state, or not one of this rule set (module docs).
    pub fn restore(set: RuleSet, text: &str) -> Result<Engine, StateError> {
        let mut engine = Engine::new(set);
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, HEADER)) => {}
            _ => {
                return Err(StateError {
                    line: 1,
                    message: format!("expected the header {HEADER:?}"),
                });
            }
        }
        for (n, line) in lines {
            let err = |message: String| StateError {
                line: n + 1,
                message,
            };
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| err(format!("expected key=value, found {line:?}")))?;
            let bad = || err(format!("{key}: cannot read {value:?}"));
            match key {
                "updates" => engine.updates = value.parse().map_err(|_| bad())?,
                "ended" => {
                    engine.ended = parse_ended(value, engine.states.len()).ok_or_else(bad)?
                }
                "best" => engine.best = parse_opt(value, parse_point).ok_or_else(bad)?,
                "last" => engine.last = parse_opt(value, Action::parse).ok_or_else(bad)?,
                _ => {
                    let rest = key
                        .strip_prefix("rule.")
                        .ok_or_else(|| err(format!("unknown key {key:?}")))?;
                    let (index, field) = rest
                        .split_once('.')
                        .ok_or_else(|| err(format!("unknown key {key:?}")))?;
                    let st = index
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| engine.states.get_mut(i))
                        .ok_or_else(|| err(format!("no rule {index} in this rule set")))?;
                    set_field(st, field, value)
                        .ok_or_else(|| err(format!("{key}: cannot read {value:?}")))?;
                }
            }
        }
        Ok(engine)
    }
}

fn parse_opt<T>(v: &str, f: impl Fn(&str) -> Option<T>) -> Option<Option<T>> {
    if v == "-" { Some(None) } else { f(v).map(Some) }
}

fn parse_point(v: &str) -> Option<Point> {
    let mut parts = v.splitn(3, ':');
    let step = parts.next()?.parse().ok()?;
    let value = parts.next()?.parse().ok()?;
    let ci = parse_opt(parts.next()?, |c| {
        let (l, h) = c.split_once('/')?;
        Some((l.parse().ok()?, h.parse().ok()?))
    })?;
    Some(Point { step, value, ci })
}

fn parse_ended(v: &str, rules: usize) -> Option<Option<(Action, i64, usize)>> {
    parse_opt(v, |e| {
        let (action, rest) = e.split_once('@')?;
        let (step, index) = rest.split_once('#')?;
        let index: usize = index.parse().ok()?;
        (index < rules).then_some(())?;
        Some((Action::parse(action)?, step.parse().ok()?, index))
    })
}

fn set_field(st: &mut RuleState, field: &str, v: &str) -> Option<()> {
    let float = |x: &str| x.parse::<f64>().ok();
    match field {
        "evaluations" => st.evaluations = v.parse().ok()?,
        "wait" => st.wait = v.parse().ok()?,
        "reference" => st.reference = parse_opt(v, float)?,
        "reference_step" => st.reference_step = parse_opt(v, |x| x.parse().ok())?,
        "peak" => st.peak = parse_opt(v, parse_point)?,
        "cooldown" => st.cooldown = v.parse().ok()?,
        "lr" => st.lr = parse_opt(v, float)?,
        "count" => st.count = v.parse().ok()?,
        "previous" => st.previous = parse_opt(v, float)?,
        "recent" => {
            st.recent = if v.is_empty() {
                Vec::new()
            } else {
                v.split(',').map(parse_point).collect::<Option<Vec<_>>>()?
            }
        }
        "before" => st.before = parse_opt(v, parse_point)?,
        "done" => st.done = v.parse().ok()?,
        "status" => {
            st.status = parse_opt(v, |c| {
                [
                    Convergence::Converged,
                    Convergence::StillImproving,
                    Convergence::WithinNoise,
                ]
                .into_iter()
                .find(|k| k.as_str() == c)
            })?
        }
        _ => return None,
    }
    Some(())
}
