//! Rules files: `rules.toml`, or the `[rules]` table of `verdict.toml`, read into a
//! [`verdict_core::rules::RuleSet`].
//!
//! Why strict: a stop rule with a misspelt key (`patince = 3`) that silently fell back to its
//! default would stop runs by a rule nobody wrote. Like `verdict.toml`'s `[checks]`, every key is
//! known, every value checked, and an error names the file, the line, the dotted key and what was
//! expected. docs/rules.md lists the keys and their defaults; the defaults live here, once.
//!
//! ```toml
//! best_by = "val_r1"            # optional: the metric the best step is reported by
//!
//! [[rule]]
//! kind = "threshold"            # threshold | decline | plateau | early_stopping | converged
//! monitor = "val_loss"
//! above = 0.12
//! action = "stop"               # stop | rollback | reduce_lr | alert (default per kind)
//!
//! [non_finite]                  # on by default, over every rule's monitor
//! enabled = true
//! ```

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use verdict_core::curves::direction_from_name;
use verdict_core::metrics::Direction;
use verdict_core::rules::{Action, DeltaKind, PlateauStyle, Rule, RuleKind, RuleSet};

use crate::config::{ConfigError, a, integer, line_col, number, parse_toml, written};

/// The keys every `[[rule]]` may hold.
const COMMON: [&str; 5] = ["kind", "name", "monitor", "mode", "action"];

/// The kinds and their own keys, in docs/rules.md's order.
pub const KINDS: [(&str, &[&str]); 5] = [
    ("threshold", &["above", "below", "for"]),
    ("decline", &["count", "min_delta"]),
    (
        "plateau",
        &[
            "style",
            "patience",
            "min_delta",
            "delta_mode",
            "cooldown",
            "min_lr",
            "factor",
            "eps",
            "lr",
            "lr_metric",
        ],
    ),
    (
        "early_stopping",
        &[
            "min_delta",
            "patience",
            "baseline",
            "start_from_epoch",
            "restore_best_weights",
            "stopping_threshold",
            "divergence_threshold",
            "check_finite",
        ],
    ),
    (
        "converged",
        &["window", "min_improvement", "ci_low", "ci_high"],
    ),
];

/// Reads the rules of `path`: a rules file, or a `verdict.toml` whose `[rules]` table holds them.
///
/// # Errors
/// The file cannot be read, is not TOML, or holds a key or value the module docs do not allow.
pub fn read_rules(path: &Path) -> Result<RuleSet, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_rules(&text, path)
}

/// [`read_rules`] on the text of a file; `path` is only named in errors.
///
/// # Errors
/// As [`read_rules`], but for reading.
pub fn parse_rules(text: &str, path: &Path) -> Result<RuleSet, ConfigError> {
    let doc = parse_toml(text, path)?;
    let r = Reader { text, path };
    let top = doc.get_ref();
    // A verdict.toml: the rules are its [rules] table and its other tables are not ours.
    let nested = top
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "rules")
        .map(|(k, v)| match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            other => Err(r.invalid(
                k.span(),
                "rules",
                "a table ([rules])".into(),
                a(other.type_str()),
            )),
        })
        .transpose()?;
    match nested {
        Some(t) => r.rule_set(t, "rules."),
        None => r.rule_set(top, ""),
    }
}

struct Reader<'a> {
    text: &'a str,
    path: &'a Path,
}

type Entry<'t, 'i> = (
    &'t Spanned<std::borrow::Cow<'i, str>>,
    &'t Spanned<DeValue<'i>>,
);

impl Reader<'_> {
    fn invalid(
        &self,
        span: Range<usize>,
        key: &str,
        expected: String,
        found: String,
    ) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line: line_col(self.text, span.start).0,
            key: key.to_string(),
            expected,
            found,
        }
    }

    fn rule_set(&self, top: &DeTable<'_>, prefix: &str) -> Result<RuleSet, ConfigError> {
        let mut set = RuleSet::default();
        let mut non_finite = (true, Vec::<String>::new(), Action::Stop);
        let top_keys = ["best_by", "rule", "non_finite"];
        for (key, value) in top {
            let name = key.get_ref().as_ref();
            let dotted = format!("{prefix}{name}");
            match name {
                "best_by" => set.best_by = Some(self.string(key, value, &dotted)?),
                "rule" => {
                    let DeValue::Array(items) = value.get_ref() else {
                        return Err(self.invalid(
                            key.span(),
                            &dotted,
                            "an array of tables ([[rule]])".into(),
                            a(value.get_ref().type_str()),
                        ));
                    };
                    for (i, item) in items.iter().enumerate() {
                        let DeValue::Table(t) = item.get_ref() else {
                            return Err(self.invalid(
                                item.span(),
                                &format!("{dotted}[{i}]"),
                                "a table".into(),
                                a(item.get_ref().type_str()),
                            ));
                        };
                        set.rules
                            .push(self.rule(t, item.span(), &format!("{dotted}[{i}]"))?);
                    }
                }
                "non_finite" => {
                    let DeValue::Table(t) = value.get_ref() else {
                        return Err(self.invalid(
                            key.span(),
                            &dotted,
                            "a table ([non_finite])".into(),
                            a(value.get_ref().type_str()),
                        ));
                    };
                    for entry in t {
                        let (k, v) = entry;
                        let kd = format!("{dotted}.{}", k.get_ref());
                        match k.get_ref().as_ref() {
                            "enabled" => non_finite.0 = self.boolean(k, v, &kd)?,
                            "monitors" => non_finite.1 = self.strings(k, v, &kd)?,
                            "action" => non_finite.2 = self.action(k, v, &kd)?,
                            other => {
                                return Err(self.unknown(
                                    entry,
                                    &kd,
                                    &["enabled", "monitors", "action"],
                                    other,
                                ));
                            }
                        }
                    }
                }
                other => return Err(self.unknown((key, value), &dotted, &top_keys, other)),
            }
        }
        // Names are unique: decisions and states are keyed by them.
        let mut names: Vec<&str> = Vec::new();
        for r in &set.rules {
            if names.contains(&r.name.as_str()) {
                return Err(ConfigError::Invalid {
                    path: self.path.to_path_buf(),
                    line: 1,
                    key: format!("{prefix}rule"),
                    expected: "rule names that differ (set `name` on one of them)".into(),
                    found: format!("two rules named {:?}", r.name),
                });
            }
            names.push(&r.name);
        }
        if non_finite.0 {
            let mut monitors: Vec<String> = Vec::new();
            for m in set
                .rules
                .iter()
                .map(|r| r.monitor.clone())
                .chain(non_finite.1)
            {
                if !monitors.contains(&m) {
                    monitors.push(m);
                }
            }
            if let Some(first) = monitors.first().cloned() {
                set.rules.push(Rule {
                    name: "non_finite".into(),
                    monitor: first,
                    mode: None,
                    kind: RuleKind::NonFinite { monitors },
                    action: non_finite.2,
                });
            }
        }
        Ok(set)
    }

    fn unknown(
        &self,
        (k, _): Entry<'_, '_>,
        dotted: &str,
        keys: &[&str],
        name: &str,
    ) -> ConfigError {
        self.invalid(
            k.span(),
            dotted,
            format!("one of the keys {}", keys.join(", ")),
            format!("an unknown key `{name}`"),
        )
    }

    fn rule(&self, t: &DeTable<'_>, span: Range<usize>, at: &str) -> Result<Rule, ConfigError> {
        let find = |name: &str| t.iter().find(|(k, _)| k.get_ref().as_ref() == name);
        let Some(kind_entry) = find("kind") else {
            return Err(self.invalid(
                span,
                &format!("{at}.kind"),
                format!("a kind, one of {}", KINDS.map(|(k, _)| k).join(", ")),
                "no `kind`".into(),
            ));
        };
        let kind_name = self.string(kind_entry.0, kind_entry.1, &format!("{at}.kind"))?;
        let Some((_, own)) = KINDS.iter().find(|(k, _)| *k == kind_name) else {
            return Err(self.invalid(
                kind_entry.0.span(),
                &format!("{at}.kind"),
                format!("one of {}", KINDS.map(|(k, _)| k).join(", ")),
                format!("{kind_name:?}"),
            ));
        };
        let allowed: Vec<&str> = COMMON.iter().chain(own.iter()).copied().collect();
        for entry in t {
            let name = entry.0.get_ref().as_ref();
            if !allowed.contains(&name) {
                return Err(self.unknown(entry, &format!("{at}.{name}"), &allowed, name));
            }
        }
        let key = |k: &str| format!("{at}.{k}");
        let Some(monitor_entry) = find("monitor") else {
            return Err(self.invalid(
                span,
                &key("monitor"),
                "the metric the rule watches".into(),
                "no `monitor`".into(),
            ));
        };
        let monitor = self.string(monitor_entry.0, monitor_entry.1, &key("monitor"))?;
        let num =
            |k: &str, default: f64, ok: fn(f64) -> bool, says: &str| -> Result<f64, ConfigError> {
                match find(k) {
                    None => Ok(default),
                    Some((kk, v)) => number(v.get_ref()).filter(|x| ok(*x)).ok_or_else(|| {
                        self.invalid(kk.span(), &key(k), says.into(), written(self.text, v))
                    }),
                }
            };
        let opt_num = |k: &str| -> Result<Option<f64>, ConfigError> {
            find(k)
                .map(|(kk, v)| {
                    number(v.get_ref()).filter(|x| !x.is_nan()).ok_or_else(|| {
                        self.invalid(kk.span(), &key(k), "a number".into(), written(self.text, v))
                    })
                })
                .transpose()
        };
        let count = |k: &str, default: u64, min: u64| -> Result<u64, ConfigError> {
            match find(k) {
                None => Ok(default),
                Some((kk, v)) => integer(v.get_ref()).filter(|n| *n >= min).ok_or_else(|| {
                    self.invalid(
                        kk.span(),
                        &key(k),
                        format!("a whole number of evaluations, at least {min}"),
                        written(self.text, v),
                    )
                }),
            }
        };
        let flag = |k: &str, default: bool| -> Result<bool, ConfigError> {
            find(k).map_or(Ok(default), |(kk, v)| self.boolean(kk, v, &key(k)))
        };
        let text = |k: &str| -> Result<Option<String>, ConfigError> {
            find(k)
                .map(|(kk, v)| self.string(kk, v, &key(k)))
                .transpose()
        };
        let non_negative = |x: f64| x.is_finite() && x >= 0.0;
        const NON_NEGATIVE: &str = "a number at least 0";

        let mode = match find("mode") {
            Some((kk, v)) => Some(match self.string(kk, v, &key("mode"))?.as_str() {
                "min" => Direction::Lower,
                "max" => Direction::Higher,
                other => {
                    return Err(self.invalid(
                        kk.span(),
                        &key("mode"),
                        "`min` or `max`".into(),
                        format!("{other:?}"),
                    ));
                }
            }),
            None => direction_from_name(&monitor),
        };
        let kind = match kind_name.as_str() {
            "threshold" => {
                let (above, below) = (opt_num("above")?, opt_num("below")?);
                if above.is_none() && below.is_none() {
                    return Err(self.invalid(
                        span,
                        &key("above"),
                        "`above` or `below` (or both)".into(),
                        "neither".into(),
                    ));
                }
                RuleKind::Threshold {
                    above,
                    below,
                    for_: count("for", 1, 1)?,
                }
            }
            "decline" => RuleKind::Decline {
                count: count("count", 2, 1)?,
                min_delta: num("min_delta", 0.0, non_negative, NON_NEGATIVE)?,
            },
            "plateau" => {
                let style = match text("style")?.as_deref() {
                    None | Some("keras") => PlateauStyle::Keras,
                    Some("torch") => PlateauStyle::Torch,
                    Some(other) => {
                        let (kk, _) = find("style").map_or((kind_entry.0, kind_entry.1), |e| e);
                        return Err(self.invalid(
                            kk.span(),
                            &key("style"),
                            "`keras` or `torch`".into(),
                            format!("{other:?}"),
                        ));
                    }
                };
                let delta_kind = match text("delta_mode")?.as_deref() {
                    None => match style {
                        PlateauStyle::Keras => DeltaKind::Abs,
                        PlateauStyle::Torch => DeltaKind::Rel,
                    },
                    Some("abs") => DeltaKind::Abs,
                    Some("rel") => DeltaKind::Rel,
                    Some(other) => {
                        let (kk, _) =
                            find("delta_mode").map_or((kind_entry.0, kind_entry.1), |e| e);
                        return Err(self.invalid(
                            kk.span(),
                            &key("delta_mode"),
                            "`abs` or `rel`".into(),
                            format!("{other:?}"),
                        ));
                    }
                };
                RuleKind::Plateau {
                    style,
                    patience: count("patience", 10, 0)?,
                    min_delta: num("min_delta", 1e-4, non_negative, NON_NEGATIVE)?,
                    delta_kind,
                    cooldown: count("cooldown", 0, 0)?,
                    min_lr: num("min_lr", 0.0, non_negative, NON_NEGATIVE)?,
                    factor: num("factor", 0.1, |x| x > 0.0 && x < 1.0, "a number in (0, 1)")?,
                    eps: num("eps", 1e-8, non_negative, NON_NEGATIVE)?,
                    initial_lr: match find("lr") {
                        None => None,
                        Some(_) => Some(num(
                            "lr",
                            0.0,
                            |x| x.is_finite() && x > 0.0,
                            "a number above 0",
                        )?),
                    },
                    lr_metric: text("lr_metric")?,
                }
            }
            "early_stopping" => RuleKind::EarlyStopping {
                min_delta: num("min_delta", 0.0, non_negative, NON_NEGATIVE)?,
                patience: count("patience", 0, 0)?,
                baseline: opt_num("baseline")?,
                start_from: count("start_from_epoch", 0, 0)?,
                restore_best: flag("restore_best_weights", false)?,
                stopping_threshold: opt_num("stopping_threshold")?,
                divergence_threshold: opt_num("divergence_threshold")?,
                check_finite: flag("check_finite", false)?,
            },
            _ => RuleKind::Converged {
                window: count("window", 3, 1)?,
                min_improvement: num("min_improvement", 0.0, non_negative, NON_NEGATIVE)?,
                ci_low: text("ci_low")?.unwrap_or_else(|| format!("{monitor}_ci_low")),
                ci_high: text("ci_high")?.unwrap_or_else(|| format!("{monitor}_ci_high")),
            },
        };
        if mode.is_none() && !matches!(kind, RuleKind::Threshold { .. }) {
            return Err(self.invalid(
                monitor_entry.0.span(),
                &key("mode"),
                "`min` or `max`".into(),
                format!(
                    "no `mode`, and which way `{monitor}` is better is not known from its name"
                ),
            ));
        }
        let action = match find("action") {
            Some((kk, v)) => self.action(kk, v, &key("action"))?,
            None => kind.default_action(),
        };
        let name = text("name")?.unwrap_or_else(|| format!("{kind_name}:{monitor}"));
        Ok(Rule {
            name,
            monitor,
            mode,
            kind,
            action,
        })
    }

    fn string(
        &self,
        k: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Spanned<DeValue<'_>>,
        dotted: &str,
    ) -> Result<String, ConfigError> {
        match v.get_ref() {
            DeValue::String(s) if !s.is_empty() => Ok(s.to_string()),
            _ => Err(self.invalid(
                k.span(),
                dotted,
                "a non-empty string".into(),
                written(self.text, v),
            )),
        }
    }

    fn strings(
        &self,
        k: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Spanned<DeValue<'_>>,
        dotted: &str,
    ) -> Result<Vec<String>, ConfigError> {
        let bad = || {
            self.invalid(
                k.span(),
                dotted,
                "an array of strings".into(),
                written(self.text, v),
            )
        };
        let DeValue::Array(items) = v.get_ref() else {
            return Err(bad());
        };
        items
            .iter()
            .map(|i| match i.get_ref() {
                DeValue::String(s) if !s.is_empty() => Ok(s.to_string()),
                _ => Err(bad()),
            })
            .collect()
    }

    fn boolean(
        &self,
        k: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Spanned<DeValue<'_>>,
        dotted: &str,
    ) -> Result<bool, ConfigError> {
        match v.get_ref() {
            DeValue::Boolean(b) => Ok(*b),
            _ => Err(self.invalid(
                k.span(),
                dotted,
                "true or false".into(),
                written(self.text, v),
            )),
        }
    }

    fn action(
        &self,
        k: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Spanned<DeValue<'_>>,
        dotted: &str,
    ) -> Result<Action, ConfigError> {
        let s = self.string(k, v, dotted)?;
        Action::parse(&s).ok_or_else(|| {
            self.invalid(
                k.span(),
                dotted,
                "one of stop, rollback, reduce_lr, alert".into(),
                format!("{s:?}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RuleSet, ConfigError> {
        parse_rules(text, Path::new("rules.toml"))
    }

    const SEED_003: &str = r#"
best_by = "val_r1"

[[rule]]
kind = "threshold"
monitor = "val_loss"
above = 0.12

[[rule]]
kind = "decline"
monitor = "val_r1"
mode = "max"
count = 2

[[rule]]
kind = "plateau"
style = "torch"
monitor = "avg_triplets"
mode = "min"
patience = 3
lr = 1e-4
"#;

    #[test]
    fn the_seed_rules_read_with_their_defaults() {
        let set = parse(SEED_003).expect("parses");
        assert_eq!(set.best_by.as_deref(), Some("val_r1"));
        let names: Vec<&str> = set.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "threshold:val_loss",
                "decline:val_r1",
                "plateau:avg_triplets",
                "non_finite"
            ]
        );
        assert_eq!(set.rules[0].action, Action::Stop);
        assert_eq!(set.rules[0].mode, Some(Direction::Lower), "from the name");
        assert_eq!(set.rules[1].action, Action::Rollback);
        assert_eq!(
            set.rules[2].kind,
            RuleKind::Plateau {
                style: PlateauStyle::Torch,
                patience: 3,
                min_delta: 1e-4,
                delta_kind: DeltaKind::Rel,
                cooldown: 0,
                min_lr: 0.0,
                factor: 0.1,
                eps: 1e-8,
                initial_lr: Some(1e-4),
                lr_metric: None,
            }
        );
        assert_eq!(
            set.rules[3].kind,
            RuleKind::NonFinite {
                monitors: vec!["val_loss".into(), "val_r1".into(), "avg_triplets".into()]
            }
        );
        // verdict.toml: the same rules under [rules], next to [checks].
        let nested = SEED_003
            .replace("best_by", "[rules]\nbest_by")
            .replace("[[rule]]", "[[rules.rule]]");
        let nested = format!("[checks]\nchance_gap = 0.2\n{nested}");
        assert_eq!(parse(&nested).expect("nested"), set);
        let off = format!("{SEED_003}\n[non_finite]\nenabled = false\n");
        assert_eq!(parse(&off).expect("off").rules.len(), 3);
    }

    #[test]
    fn errors_name_the_file_the_line_the_key_and_what_was_expected() {
        let cases = [
            (
                "[[rule]]\nkind = \"threshold\"\nmonitor = \"val_loss\"\nabove = 0.1\npatince = 3\n",
                "rules.toml:5: rule[0].patince: expected one of the keys kind, name, monitor, mode, action, above, below, for, found an unknown key `patince`",
            ),
            (
                "[[rule]]\nkind = \"stopper\"\n",
                "rules.toml:2: rule[0].kind: expected one of threshold, decline, plateau, early_stopping, converged, found \"stopper\"",
            ),
            (
                "[[rule]]\nkind = \"decline\"\nmonitor = \"avg_triplets\"\n",
                "rules.toml:3: rule[0].mode: expected `min` or `max`, found no `mode`, and which way `avg_triplets` is better is not known from its name",
            ),
            (
                "[[rule]]\nkind = \"plateau\"\nmonitor = \"loss\"\nfactor = 1.5\n",
                "rules.toml:4: rule[0].factor: expected a number in (0, 1), found 1.5",
            ),
            (
                "[[rule]]\nkind = \"early_stopping\"\nmonitor = \"loss\"\npatience = -1\n",
                "rules.toml:4: rule[0].patience: expected a whole number of evaluations, at least 0, found -1",
            ),
            (
                "[[rule]]\nkind = \"threshold\"\nmonitor = \"loss\"\n",
                "rules.toml:1: rule[0].above: expected `above` or `below` (or both), found neither",
            ),
            (
                "[[rule]]\nkind = \"threshold\"\nmonitor = \"loss\"\nabove = 1\naction = \"halt\"\n",
                "rules.toml:5: rule[0].action: expected one of stop, rollback, reduce_lr, alert, found \"halt\"",
            ),
            (
                "[[rule]]\nkind = \"threshold\"\nmonitor = \"loss\"\nabove = 1\n[[rule]]\nkind = \"threshold\"\nmonitor = \"loss\"\nbelow = 0\n",
                "rules.toml:1: rule: expected rule names that differ (set `name` on one of them), found two rules named \"threshold:loss\"",
            ),
            (
                "[rulez]\n",
                "rules.toml:1: rulez: expected one of the keys best_by, rule, non_finite, found an unknown key `rulez`",
            ),
            ("[[rule]]\nkind = \n", "rules.toml:2:8: not valid TOML"),
        ];
        for (text, want) in cases {
            let got = parse(text).map(|_| ()).expect_err(text).to_string();
            assert!(got.starts_with(want), "{text:?}\n got: {got}\nwant: {want}");
        }
    }
}
