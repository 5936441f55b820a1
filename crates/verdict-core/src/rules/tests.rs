use super::replay::{Logged, evaluations, replay};
use super::*;
use crate::metrics::Direction::{Higher, Lower};

fn rule(monitor: &str, mode: Option<Direction>, kind: RuleKind) -> Rule {
    Rule {
        name: format!("{}:{monitor}", kind.name()),
        monitor: monitor.into(),
        mode,
        action: kind.default_action(),
        kind,
    }
}

fn set(rules: Vec<Rule>) -> RuleSet {
    RuleSet {
        rules,
        best_by: None,
    }
}

/// Feeds `values` of `monitor` at steps 0, 1, …; the decisions with their steps.
fn feed(engine: &mut Engine, monitor: &str, values: &[f64]) -> Vec<Decision> {
    values
        .iter()
        .enumerate()
        .flat_map(|(i, v)| engine.update(i as i64, &[(monitor, *v)]))
        .collect()
}

fn steps(d: &[Decision]) -> Vec<i64> {
    d.iter().map(|d| d.step).collect()
}

#[test]
fn threshold_is_strict_and_waits_for_its_run_of_evaluations() {
    let r = rule(
        "val_loss",
        Some(Lower),
        RuleKind::Threshold {
            above: Some(0.12),
            below: None,
            for_: 1,
        },
    );
    let mut e = Engine::new(set(vec![r.clone()]));
    let d = feed(&mut e, "val_loss", &[0.2, 0.12, 0.11, 0.13, 0.5]);
    // 0.2 fires at step 0; the rule is then done (stop fires once).
    assert_eq!(steps(&d), vec![0]);
    assert_eq!(d[0].reason, Reason::ThresholdAbove);
    let mut e = Engine::new(set(vec![r.clone()]));
    assert_eq!(steps(&feed(&mut e, "val_loss", &[0.1, 0.12, 0.11])), vec![]);

    let mut twice = r;
    twice.kind = RuleKind::Threshold {
        above: Some(0.12),
        below: None,
        for_: 2,
    };
    twice.action = Action::Alert;
    let mut e = Engine::new(set(vec![twice]));
    // Alerts fire when the run of 2 is reached, again only after the condition resets.
    let d = feed(
        &mut e,
        "val_loss",
        &[0.13, 0.1, 0.13, 0.14, 0.15, 0.1, 0.2, 0.3],
    );
    assert_eq!(steps(&d), vec![3, 7]);
    assert_eq!(d[0].observed, vec![0.13, 0.14]);
}

#[test]
fn decline_counts_consecutive_worsenings_beyond_min_delta_and_rolls_back_to_the_best() {
    let mut e = Engine::new(set(vec![rule(
        "val_r1",
        Some(Higher),
        RuleKind::Decline {
            count: 2,
            min_delta: 0.001,
        },
    )]));
    // 0.80 → 0.86 best; 0.8595 is within min_delta (not a worsening); then 0.85, 0.84 fire.
    let d = feed(&mut e, "val_r1", &[0.80, 0.86, 0.8595, 0.85, 0.84, 0.83]);
    assert_eq!(steps(&d), vec![4]);
    assert_eq!(d[0].action, Action::Rollback);
    assert_eq!(d[0].best_step, Some(1));
    assert_eq!(d[0].best_value, Some(0.86));
    assert_eq!(d[0].observed, vec![0.8595, 0.85, 0.84]);
}

fn plateau(style: PlateauStyle, patience: u64, cooldown: u64) -> RuleKind {
    RuleKind::Plateau {
        style,
        patience,
        min_delta: 0.0,
        delta_kind: DeltaKind::Abs,
        cooldown,
        min_lr: 0.0,
        factor: 0.5,
        eps: 1e-8,
        initial_lr: Some(0.1),
        lr_metric: None,
    }
}

#[test]
fn keras_reduces_on_the_patience_th_bad_evaluation_torch_on_the_next() {
    let flat = [1.0; 8];
    let mut k = Engine::new(set(vec![rule(
        "loss",
        Some(Lower),
        plateau(PlateauStyle::Keras, 2, 0),
    )]));
    let mut t = Engine::new(set(vec![rule(
        "loss",
        Some(Lower),
        plateau(PlateauStyle::Torch, 2, 0),
    )]));
    // Step 0 improves on ±inf; Keras counts bad evaluations 1, 2 → reduces at step 2; torch
    // needs bad > 2 → step 3.
    assert_eq!(steps(&feed(&mut k, "loss", &flat)), vec![2, 4, 6]);
    assert_eq!(steps(&feed(&mut t, "loss", &flat)), vec![3, 6]);
    assert_eq!(k.lr(), Some(f64::from(0.0125_f32)));
    assert_eq!(k.decision_word(), "continue", "step 7 did not reduce");
    k.update(8, &[("loss", 1.0)]);
    assert_eq!(k.decision_word(), "reduce_lr");
    assert_eq!(t.lr(), Some(0.025));
}

#[test]
fn early_stopping_follows_keras_patience_baseline_and_warm_up() {
    let es = |patience, baseline, start_from| RuleKind::EarlyStopping {
        min_delta: 0.0,
        patience,
        baseline,
        start_from,
        restore_best: true,
        stopping_threshold: None,
        divergence_threshold: None,
        check_finite: false,
    };
    let curve = [0.5, 0.4, 0.45, 0.41, 0.42, 0.3, 0.5];
    let mut e = Engine::new(set(vec![rule("val_loss", Some(Lower), es(2, None, 0))]));
    let d = feed(&mut e, "val_loss", &curve);
    assert_eq!(steps(&d), vec![3]);
    assert_eq!((d[0].action, d[0].best_step), (Action::Rollback, Some(1)));
    // A baseline never beaten: improvements do not reset the wait.
    let mut e = Engine::new(set(vec![rule(
        "val_loss",
        Some(Lower),
        es(3, Some(0.1), 0),
    )]));
    assert_eq!(steps(&feed(&mut e, "val_loss", &curve)), vec![2]);
    // Warm-up evaluations are not judged and never best.
    let mut e = Engine::new(set(vec![rule("val_loss", Some(Lower), es(1, None, 3))]));
    let d = feed(&mut e, "val_loss", &curve);
    assert_eq!(steps(&d), vec![4]);
    assert_eq!(d[0].best_step, Some(3));
}

#[test]
fn lightning_thresholds_come_before_patience() {
    let kind = RuleKind::EarlyStopping {
        min_delta: 0.0,
        patience: 10,
        baseline: None,
        start_from: 0,
        restore_best: false,
        stopping_threshold: Some(0.1),
        divergence_threshold: Some(2.0),
        check_finite: true,
    };
    let r = rule("val_loss", Some(Lower), kind);
    let run = |curve: &[f64]| {
        let mut e = Engine::new(set(vec![r.clone()]));
        feed(&mut e, "val_loss", curve)
            .iter()
            .map(|d| (d.step, d.reason))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(&[0.5, 0.1, 0.09]), vec![(2, Reason::StoppingThreshold)]);
    assert_eq!(
        run(&[0.5, 2.0, 2.01]),
        vec![(2, Reason::DivergenceThreshold)]
    );
    assert_eq!(run(&[0.5, f64::NAN]), vec![(1, Reason::NonFinite)]);
}

#[test]
fn converged_tells_progress_from_noise_when_intervals_are_logged() {
    let r = rule(
        "acc",
        Some(Higher),
        RuleKind::Converged {
            window: 1,
            min_improvement: 0.005,
            ci_low: "acc_ci_low".into(),
            ci_high: "acc_ci_high".into(),
        },
    );
    let run = |points: &[(f64, f64)]| {
        let mut e = Engine::new(set(vec![r.clone()]));
        let mut out = Vec::new();
        for (i, (v, half)) in points.iter().enumerate() {
            let metrics = [
                ("acc", *v),
                ("acc_ci_low", v - half),
                ("acc_ci_high", v + half),
            ];
            out.extend(e.update(i as i64, &metrics));
        }
        (out, e.convergence()[0].1)
    };
    // +0.02 with ±0.005 intervals: real progress.
    let (d, c) = run(&[(0.80, 0.005), (0.82, 0.005)]);
    assert!(d.is_empty());
    assert_eq!(c, Convergence::StillImproving);
    // +0.02 with ±0.03 intervals: sqrt(2)·0.03 = 0.042 > 0.02 — noise.
    let (d, c) = run(&[(0.80, 0.03), (0.82, 0.03)]);
    assert_eq!(
        (d[0].reason, c),
        (Reason::WithinNoise, Convergence::WithinNoise)
    );
    assert_eq!(d[0].improvement, Some(0.82 - 0.80));
    // +0.004 < 0.005: converged whatever the intervals say.
    let (d, _) = run(&[(0.80, 0.0), (0.804, 0.0)]);
    assert_eq!(d[0].reason, Reason::Converged);
    // Without intervals: converged or still improving only.
    let mut e = Engine::new(set(vec![r.clone()]));
    assert!(feed(&mut e, "acc", &[0.8, 0.9]).is_empty());
    assert_eq!(e.convergence()[0].1, Convergence::StillImproving);
}

#[test]
fn non_finite_stops_on_any_monitor() {
    let r = rule(
        "loss",
        None,
        RuleKind::NonFinite {
            monitors: vec!["loss".into(), "val_loss".into()],
        },
    );
    let mut e = Engine::new(set(vec![r]));
    assert!(e.update(0, &[("loss", 1.0), ("val_loss", 1.0)]).is_empty());
    let d = e.update(1, &[("loss", 0.9), ("val_loss", f64::INFINITY)]);
    assert_eq!(
        (d[0].metric.as_str(), d[0].reason),
        ("val_loss", Reason::NonFinite)
    );
    assert!(e.update(2, &[("loss", f64::NAN)]).is_empty(), "fires once");
    assert_eq!(e.ended(), Some((Action::Stop, 1, "non_finite:loss")));
}

fn seed_like_rules() -> RuleSet {
    let mut rules = vec![
        rule(
            "val_loss",
            Some(Lower),
            RuleKind::Threshold {
                above: Some(0.12),
                below: None,
                for_: 1,
            },
        ),
        rule(
            "val_r1",
            Some(Higher),
            RuleKind::Decline {
                count: 2,
                min_delta: 0.0,
            },
        ),
        rule(
            "avg_triplets",
            Some(Lower),
            RuleKind::Plateau {
                style: PlateauStyle::Torch,
                patience: 3,
                min_delta: 1e-4,
                delta_kind: DeltaKind::Rel,
                cooldown: 1,
                min_lr: 1e-6,
                factor: 0.5,
                eps: 1e-8,
                initial_lr: Some(1e-4),
                lr_metric: None,
            },
        ),
        rule(
            "val_r1",
            Some(Higher),
            RuleKind::Converged {
                window: 2,
                min_improvement: 0.005,
                ci_low: "val_r1_ci_low".into(),
                ci_high: "val_r1_ci_high".into(),
            },
        ),
    ];
    rules[3].action = Action::Alert;
    rules.push(rule(
        "val_loss",
        None,
        RuleKind::NonFinite {
            monitors: vec!["val_loss".into(), "val_r1".into()],
        },
    ));
    RuleSet {
        rules,
        best_by: Some("val_r1".into()),
    }
}

/// A deterministic wobbly history of three metrics, with a NaN late on.
fn history() -> Vec<(i64, Vec<(&'static str, f64)>)> {
    (0..30)
        .map(|i| {
            let x = i as f64;
            let wobble = ((x * 1.7).sin() * 0.01).abs();
            let r1 = 0.79 + 0.08 * (1.0 - (-x / 4.0).exp())
                - wobble
                - if i > 20 { 0.01 * (x - 20.0) } else { 0.0 };
            let loss = if i == 27 {
                f64::NAN
            } else {
                0.09 + 0.002 * x - wobble
            };
            let trip = (200.0 - 5.0 * x).max(150.0).round();
            (
                i,
                vec![
                    ("val_loss", loss),
                    ("val_r1", r1),
                    ("avg_triplets", trip),
                    ("val_r1_ci_low", r1 - 0.01),
                    ("val_r1_ci_high", r1 + 0.01),
                ],
            )
        })
        .collect()
}

#[test]
fn a_saved_state_resumes_exactly_at_every_step() {
    let rules = seed_like_rules();
    let mut straight = Engine::new(rules.clone());
    let mut resumed = Engine::new(rules.clone());
    for (step, values) in history() {
        let text = resumed.save();
        resumed = Engine::restore(rules.clone(), &text).expect("restore");
        assert_eq!(
            resumed.save(),
            straight.save(),
            "state differs before step {step}"
        );
        // Debug text: a NaN value compares unequal to itself.
        let (a, b) = (
            resumed.update(step, &values),
            straight.update(step, &values),
        );
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
    assert!(straight.ended().is_some());
    // The text survives NaN and infinities bit for bit.
    let mut e = Engine::new(rules.clone());
    e.update(0, &[("val_loss", f64::NAN), ("val_r1", f64::NEG_INFINITY)]);
    assert_eq!(
        Engine::restore(rules, &e.save()).expect("restore").save(),
        e.save()
    );
}

#[test]
fn a_state_that_does_not_read_is_refused_with_its_line() {
    let rules = seed_like_rules();
    let good = Engine::new(rules.clone()).save();
    let bad = [
        ("", 1, "header"),
        ("verdict-rules-state 1\nupdates=x\n", 2, "updates"),
        ("verdict-rules-state 1\nrule.9.wait=1\n", 2, "no rule 9"),
        ("verdict-rules-state 1\nrule.0.peak=1:2\n", 2, "peak"),
        ("verdict-rules-state 1\nwhat=1\n", 2, "unknown key"),
        ("verdict-rules-state 1\nended=stop@3#7\n", 2, "ended"),
    ];
    for (text, line, says) in bad {
        let e = Engine::restore(rules.clone(), text).expect_err(text);
        assert_eq!(e.line, line, "{text:?}");
        assert!(e.to_string().contains(says), "{e}");
    }
    assert!(Engine::restore(rules, &good).is_ok());
}

#[test]
fn replay_reports_the_first_stop_the_best_step_and_the_wasted_evaluations() {
    let rules = seed_like_rules();
    let mut logged = Vec::new();
    for (step, values) in history() {
        for (k, v) in values {
            logged.push(Logged {
                key: k,
                step,
                timestamp: 1000 + step,
                value: v,
            });
        }
    }
    let r = replay(&rules, &logged);
    let mut e = Engine::new(rules.clone());
    let mut want = Vec::new();
    for (step, values) in history() {
        want.extend(e.update(step, &values));
    }
    assert_eq!(format!("{:?}", r.decisions), format!("{want:?}"));
    let (action, step, _) = r.ended.clone().expect("a stop");
    assert!(action.ends_training());
    assert_eq!(r.evaluations, 30);
    assert_eq!(r.wasted, u64::try_from(29 - step).expect("steps"));
    assert_eq!(r.best, e.best());
}

#[test]
fn a_key_logged_twice_at_one_step_makes_two_evaluations() {
    let l = |key, step, timestamp, value| Logged {
        key,
        step,
        timestamp,
        value,
    };
    let got = evaluations(&[
        l("a", 1, 5, 1.0),
        l("a", 0, 9, 0.5),
        l("b", 1, 5, 2.0),
        l("a", 1, 6, 3.0),
    ]);
    assert_eq!(
        got,
        vec![
            (0, vec![("a", 0.5)]),
            (1, vec![("a", 1.0), ("b", 2.0)]),
            (1, vec![("a", 3.0)]),
        ]
    );
}
