//! Findings as sentences, in each language.
//!
//! The wording of every warning lives in one place, the registry of `verdict_core::diagnostics`
//! (`CHECKS`: an English and a Korean template per check). This module is the rendering glue: it
//! parses a check's template and fills its placeholders from the finding's figures, writing each
//! number as the placeholder's spec says. Reports prefix a comparison's model findings with the
//! model's name ([`crate::compare::warning_text`]); nothing else is added here.

use crate::Lang;
use verdict_core::diagnostics::template::{self, Piece, Spec};
use verdict_core::diagnostics::{Figure, Finding};

/// The finding's message in `lang`. A finding of an unregistered check (which the registry's tests
/// rule out) is said by its id.
pub fn message(lang: Lang, f: &Finding) -> String {
    let Some(check) = f.definition() else {
        return f.check.to_string();
    };
    fill(lang.pick(check.message.en, check.message.ko), f)
}

/// The check's advice for the reader in `lang`, when it has some.
pub fn hint(lang: Lang, f: &Finding) -> Option<String> {
    let h = f.definition()?.hint?;
    Some(fill(lang.pick(h.en, h.ko), f))
}

/// A template filled from the finding's figures (the template itself if it does not parse, which
/// the registry's tests rule out).
fn fill(text: &str, f: &Finding) -> String {
    match template::parse(text) {
        Ok(pieces) => {
            let mut out = String::with_capacity(text.len());
            render(&pieces, f, &mut out);
            out
        }
        Err(_) => text.to_string(),
    }
}

fn render(pieces: &[Piece<'_>], f: &Finding, out: &mut String) {
    for p in pieces {
        match p {
            Piece::Text(s) => out.push_str(s),
            Piece::Value { name, spec } => match f.figure(name) {
                Some(fig) => out.push_str(&value(fig, *spec)),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
            Piece::Choice { name, branches } => {
                let fig = f.figure(name);
                let branch = branches
                    .iter()
                    .find(|(key, _)| fig.is_some_and(|x| chooses(x, key)))
                    .or_else(|| branches.iter().find(|(key, _)| *key == "other"));
                if let Some((_, b)) = branch {
                    render(b, f, out);
                }
            }
        }
    }
}

/// True when the branch `key` of a choice is the one for `fig`: a count of 1 takes `one`, a text
/// the branch named by its value.
fn chooses(fig: &Figure, key: &str) -> bool {
    match fig {
        Figure::Count(1) => key == "one",
        Figure::Text(t) => t == key,
        _ => false,
    }
}

fn number(x: f64, spec: Spec) -> String {
    match spec {
        Spec::Plain => format!("{x}"),
        Spec::Fixed(n) => format!("{x:.n$}"),
        Spec::Scientific(n) => format!("{x:.n$e}"),
        Spec::Percent => format!("{:.1}%", x * 100.0),
        // A zero difference reads `+0.0000`, never `-0.0000`.
        Spec::Signed(n) => format!("{:+.n$}", if x == 0.0 { 0.0 } else { x }),
    }
}

fn value(fig: &Figure, spec: Spec) -> String {
    match fig {
        Figure::Count(c) if spec == Spec::Plain => c.to_string(),
        Figure::Count(c) => number(*c as f64, spec),
        Figure::Number(x) => number(*x, spec),
        Figure::Text(t) => t.clone(),
        Figure::Indices { shown, total } => {
            let mut s = shown
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            if *total > shown.len() {
                s.push_str(", …");
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    //! Every check in both languages against the exact sentence the reports printed before the
    //! registry (the strings of the former `i18n::warning`, `CompareWarning` and
    //! `RetrievalWarning`, and of the snapshots).
    use super::*;
    use verdict_core::diagnostics::{self as d, CHECKS, EmbeddingRole};
    use verdict_core::splits as s;

    fn both(f: &Finding, en: &str, ko: &str) {
        assert_eq!(message(Lang::En, f), en, "{} (en)", f.check);
        assert_eq!(message(Lang::Ko, f), ko, "{} (ko)", f.check);
    }

    #[test]
    fn small_eval_set() {
        both(
            &d::small_eval_set(80),
            "The eval set is small (n = 80 < 100): differences of several points are within noise; read the intervals, not the point estimates.",
            "평가 데이터가 작습니다 (n = 80 < 100): 수 %p 차이는 잡음 범위입니다. 점추정이 아니라 신뢰구간을 보십시오.",
        );
    }

    #[test]
    fn small_class() {
        both(
            &d::small_class(2, "cat".into(), 7),
            "Class `cat` has only 7 samples (< 30): its per-class scores are unreliable.",
            "클래스 `cat`의 샘플이 7개뿐입니다 (< 30): 클래스별 지표를 신뢰하기 어렵습니다.",
        );
    }

    #[test]
    fn few_groups() {
        both(
            &d::few_groups(12),
            "Only 12 groups: the cluster bootstrap intervals are rough, and the effective sample size is about 12, not the number of rows.",
            "그룹이 12개뿐입니다: 클러스터 부트스트랩 구간은 거칠며, 유효 표본 크기는 행 수가 아니라 약 12입니다.",
        );
    }

    #[test]
    fn class_never_predicted() {
        both(
            &d::class_never_predicted(3, "3".into()),
            "Class `3` is never predicted.",
            "클래스 `3`가 한 번도 예측되지 않았습니다.",
        );
    }

    #[test]
    fn prediction_collapse() {
        both(
            &d::prediction_collapse(0, "0".into(), 489, 500, 0.2),
            "Predictions collapse onto `0`: 489 of 500 predictions (97.8%), though it is 20.0% of the labels.",
            "예측이 `0`로 쏠립니다: 예측 500건 중 489건 (97.8%), 실제 비율은 20.0%입니다.",
        );
    }

    #[test]
    fn not_above_majority() {
        both(
            &d::not_above_majority(0.55, 0.5, 0.21702112767273937),
            "Accuracy 55.0% is not significantly above always predicting the majority class (50.0%; exact binomial test, p = 0.217).",
            "정확도 55.0%는 항상 다수 클래스로 예측하는 경우(50.0%)보다 유의하게 높지 않습니다 (정확 이항검정, p = 0.217).",
        );
        // A tiny p-value keeps its three decimals (the wording never said `< 0.001`).
        assert!(message(Lang::En, &d::not_above_majority(0.5, 0.5, 1e-9)).contains("p = 0.000)"));
    }

    #[test]
    fn degenerate_threshold() {
        both(
            &d::degenerate_threshold("youden", 0.0001, 1.0),
            "The youden threshold 0.0001 sits at the extreme of the score range (100.0% of samples predicted positive): the scores may be miscalibrated or the model degenerate.",
            "youden 최적 임계값 0.0001이(가) 점수 범위의 극단에 있습니다 (양성 예측 비율 100.0%): 점수 보정이 잘못되었거나 모델이 퇴화했을 수 있습니다.",
        );
    }

    #[test]
    fn normalized_rows() {
        both(
            &d::normalized_rows(2, 0.000_123, 40),
            "Normalised: 2 of 40 probability rows did not sum to 1 (largest |sum − 1| = 1.2e-4) and were divided by their sum",
            "정규화: 확률 행 40개 중 2개의 합이 1이 아니어서(최대 |합 − 1| = 1.2e-4) 각 행을 그 합으로 나눔",
        );
    }

    #[test]
    fn paired_by_position() {
        both(
            &d::paired_by_position(),
            "Rows paired by position: no id column. Row i of every file is taken to be the same sample (the labels agree row by row); give the files an id column (--id-col) to pair them by id.",
            "행을 위치로 짝지었습니다: id 열이 없습니다. 모든 파일의 i번째 행을 같은 샘플로 보았습니다 (레이블은 행마다 일치합니다). id로 짝지으려면 파일에 id 열을 주십시오 (--id-col).",
        );
    }

    #[test]
    fn threshold_chosen_on_test() {
        both(
            &d::threshold_chosen_on_test(),
            "Per-model thresholds were chosen on the test set itself, so their test metrics are optimistic; pass --val with one validation file per model.",
            "모델별 임계값을 테스트 데이터 자체에서 골랐으므로 그 지표는 낙관적입니다. 모델마다 검증 파일을 --val로 주십시오.",
        );
    }

    #[test]
    fn shallow_depth() {
        both(
            &d::shallow_depth(120, 100),
            "map_at_r and r_precision are left out: they need each query's top R neighbours, up to 120, but --depth ranks 100; mrr and map count only the top 100",
            "map_at_r와 r_precision은 제외했습니다: 쿼리마다 상위 R개(최대 120개)의 이웃이 필요한데 --depth는 100개만 순위를 매깁니다. mrr과 map은 상위 100개만 셉니다",
        );
    }

    #[test]
    fn duplicate_embeddings() {
        both(
            &d::duplicate_embeddings(1),
            "1 gallery embedding repeats an earlier row exactly: duplicates tie in every ranking and can inflate or deflate the metrics",
            "갤러리 임베딩 1개가 앞선 행과 똑같습니다: 중복은 모든 순위에서 동점이 되어 지표를 부풀리거나 깎을 수 있습니다",
        );
        both(
            &d::duplicate_embeddings(3),
            "3 gallery embeddings repeat an earlier row exactly: duplicates tie in every ranking and can inflate or deflate the metrics",
            "갤러리 임베딩 3개가 앞선 행과 똑같습니다: 중복은 모든 순위에서 동점이 되어 지표를 부풀리거나 깎을 수 있습니다",
        );
    }

    #[test]
    fn queries_missing_from_run() {
        both(
            &d::queries_missing_from_run(1),
            "1 judged query is missing from the run; it retrieved nothing and scores 0",
            "판정된 쿼리 1개가 런에 없습니다: 아무것도 검색하지 않은 것으로 보고 0점을 줍니다",
        );
        both(
            &d::queries_missing_from_run(2),
            "2 judged queries are missing from the run; they retrieved nothing and score 0",
            "판정된 쿼리 2개가 런에 없습니다: 아무것도 검색하지 않은 것으로 보고 0점을 줍니다",
        );
    }

    #[test]
    fn zero_embeddings() {
        const EN: &str = " all zeros ({}, counted from 0): under cosine similarity a zero vector has no direction and is scored 0 against every item (as scikit-learn, pytorch-metric-learning and faiss do), so its ranking is the tie order, not the model's; fix the embeddings or drop the rows";
        const KO: &str = "개가 영벡터입니다 (행 {}, 0부터 셈): 코사인 유사도에서 영벡터는 방향이 없어 모든 항목과의 유사도를 0으로 계산하므로 (scikit-learn, pytorch-metric-learning, faiss와 같음) 그 순위는 모델이 아니라 동점 처리 순서로 정해집니다. 임베딩을 고치거나 해당 행을 빼십시오";
        let cases = [
            (
                EmbeddingRole::Query,
                vec![7],
                1,
                "1 query embedding is",
                "row 7",
                "쿼리 임베딩 1",
                "7",
            ),
            (
                EmbeddingRole::Query,
                vec![0, 1, 2, 3, 4],
                9,
                "9 query embeddings are",
                "rows 0, 1, 2, 3, 4, …",
                "쿼리 임베딩 9",
                "0, 1, 2, 3, 4, …",
            ),
            (
                EmbeddingRole::Gallery,
                vec![7],
                1,
                "1 gallery embedding is",
                "row 7",
                "갤러리 임베딩 1",
                "7",
            ),
            (
                EmbeddingRole::Gallery,
                vec![2, 5],
                2,
                "2 gallery embeddings are",
                "rows 2, 5",
                "갤러리 임베딩 2",
                "2, 5",
            ),
            (
                EmbeddingRole::QueryAndGallery,
                vec![0],
                1,
                "1 query embedding (leave-one-out: also a gallery row) is",
                "row 0",
                "쿼리 임베딩(leave-one-out이므로 갤러리이기도 함) 1",
                "0",
            ),
            (
                EmbeddingRole::QueryAndGallery,
                vec![0, 1],
                3,
                "3 query embeddings (leave-one-out: also the gallery) are",
                "rows 0, 1, …",
                "쿼리 임베딩(leave-one-out이므로 갤러리이기도 함) 3",
                "0, 1, …",
            ),
        ];
        for (role, rows, count, what, en_rows, ko_what, ko_rows) in cases {
            both(
                &d::zero_embeddings(role, rows, count),
                &format!("{what}{}", EN.replace("{}", en_rows)),
                &format!("{ko_what}{}", KO.replace("{}", ko_rows)),
            );
        }
    }

    fn curve(values: &[f64]) -> verdict_core::curves::Curve {
        verdict_core::curves::Curve {
            steps: (1..=values.len() as i64).collect(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn overfitting() {
        use verdict_core::curves::{Direction, OverfitRule, overfitting};
        let rule = OverfitRule::default();
        let val = curve(&[0.6, 0.484, 0.7, 0.9, 1.0, 1.1, 1.15, 1.166]);
        let train = curve(&[0.22, 0.2, 0.15, 0.12, 0.1, 0.08, 0.07, 0.063]);
        let o = overfitting(&val, Some(&train), Direction::Lower, &rule).expect("finite");
        let f = d::overfitting(&o, "val_loss", Some("loss"), &rule);
        assert_eq!(f.status, verdict_core::diagnostics::Status::Fail);
        both(
            &f,
            "Overfitting extreme: val_loss is best at epoch 2/8 (step 2: 0.4840) and ends at 1.1660, 140.9% worse; 6 epochs after the best while loss kept improving.",
            "과적합 극심: val_loss은(는) 8 에포크 중 2번째(step 2: 0.4840)가 최고이고 1.1660로 끝납니다, 140.9% 나빠졌습니다. 최고 이후 6 에포크 동안 loss은(는) 계속 좋아졌습니다.",
        );
        assert_eq!(
            hint(Lang::En, &f).as_deref(),
            Some(
                "Stop at or restore the best epoch (early stopping with restore_best_weights), and regularise or add data before training longer."
            )
        );
        let nan = curve(&[0.5, 0.4, f64::NAN]);
        let o = overfitting(&nan, None, Direction::Lower, &rule).expect("finite");
        assert_eq!(
            message(Lang::En, &d::overfitting(&o, "val_loss", None, &rule)),
            "Overfitting extreme: val_loss is best at epoch 2/3 (step 2: 0.4000) and ends at NaN, with a non-finite value after the best; 1 epoch after the best."
        );
    }

    #[test]
    fn training_failed() {
        use verdict_core::curves::{FailedRule, TrainingFailure};
        let rule = FailedRule::default();
        both(
            &d::training_failed(
                &TrainingFailure::NearChance {
                    best: 0.302,
                    chance: 0.2,
                    needed: 0.32,
                },
                "val_f1",
                &rule,
            ),
            "Training failed: the best val_f1 (0.3020) never clearly exceeds its chance level 0.2000 (it had to reach 0.3200).",
            "학습 실패: 최고 val_f1(0.3020)이(가) 우연 수준 0.2000을(를) 뚜렷이 넘지 못했습니다 (최소 0.3200 필요).",
        );
        assert_eq!(
            message(
                Lang::En,
                &d::training_failed(
                    &TrainingFailure::LossNeverDecreased {
                        first: 0.7,
                        best_later: 0.71
                    },
                    "val_loss",
                    &rule
                )
            ),
            "Training failed: val_loss never went below its first value 0.7000 (best later 0.7100)."
        );
        assert_eq!(
            message(
                Lang::Ko,
                &d::training_failed(&TrainingFailure::NonFinite { at: 3 }, "val_loss", &rule)
            ),
            "학습 실패: val_loss이(가) 4번째 에포크에서 유한하지 않습니다."
        );
    }

    #[test]
    fn implausible_validation() {
        both(
            &d::implausible_validation(
                "val_loss",
                9,
                0.0003,
                Some(19),
                &verdict_core::curves::ImplausibleRule::default(),
            ),
            "Implausible validation value: val_loss reaches 0.0003 at epoch 9 (validation rows: 19); a held-out set rarely gives this unless it leaks training data or is tiny.",
            "비현실적인 검증 값: val_loss이(가) 9번째 에포크에서 0.0003에 이릅니다 (검증 행 수: 19). 학습 데이터가 섞였거나 검증 세트가 아주 작지 않다면 나오기 어려운 값입니다.",
        );
    }

    #[test]
    fn val_test_gap() {
        let v = d::ValTest {
            val_metric: "val_f1",
            val: 0.77,
            test_metric: "f1_macro",
            eval: "test",
            test: 0.61,
            ci: (0.54, 0.68),
        };
        both(
            &d::val_test_gap(&v),
            "Validation does not predict test: val_f1 at the best epoch is 0.7700, the test f1_macro of evaluation `test` is 0.6100 with interval [0.5400, 0.6800] that excludes it.",
            "검증이 테스트를 예측하지 못합니다: 최고 에포크의 val_f1은(는) 0.7700, 평가 `test`의 테스트 f1_macro은(는) 0.6100이고 신뢰구간은 [0.5400, 0.6800]입니다 (검증 값이 구간 밖).",
        );
        let inside = d::val_test_gap(&d::ValTest { val: 0.6, ..v });
        assert_eq!(inside.status, verdict_core::diagnostics::Status::Pass);
        assert!(message(Lang::En, &inside).starts_with("Validation agrees with test: "));
    }

    #[test]
    fn k_exceeds_pool() {
        both(
            &d::k_exceeds_pool(3, 10, 4),
            "3 queries retrieved fewer items than the largest cut-off k = 10 (the shortest list has 4): @10 metrics count the missing ranks as misses, so they measure the pool's size as much as the ranking (a Recall@10 from batches smaller than 10 is not a model's recall)",
            "쿼리 3개가 가장 큰 컷오프 k = 10보다 적은 항목을 검색했습니다 (가장 짧은 목록 4개): @10 지표는 없는 순위를 놓친 것으로 세므로, 순위 품질만큼 후보 수를 잽니다 (10개보다 작은 배치에서 잰 Recall@10은 모델의 재현율이 아닙니다)",
        );
        assert!(
            message(Lang::En, &d::k_exceeds_pool(1, 5, 2)).starts_with("1 query retrieved fewer")
        );
    }

    #[test]
    fn overconfidence() {
        both(
            &d::overconfidence(120, 30, 0.9, 0.000012),
            "Overconfident: 30 of the 120 predictions made with confidence ≥ 90.0% are wrong (25.0%); a calibrated model errs at most 10.0% there (exact binomial test, p = 0.000).",
            "과신: 신뢰도 90.0% 이상인 예측 120개 중 30개(25.0%)가 틀렸습니다. 보정된 모델이라면 그 구간에서 최대 10.0%만 틀립니다 (정확 이항검정, p = 0.000).",
        );
    }

    #[test]
    fn split_changed() {
        let sets = [("sha256:aa".to_string(), 2), ("sha256:bb".to_string(), 1)];
        both(
            &d::split_changed("test", &sets, &[]),
            "The `test` evaluations of this experiment were made on 2 different eval sets (sha256:aa: 2 runs, sha256:bb: 1 run): their results are ranked on separate leaderboards, never together.",
            "이 실험의 `test` 평가는 서로 다른 평가 세트 2개에서 이루어졌습니다 (sha256:aa: 2 runs, sha256:bb: 1 run): 결과는 함께 순위를 매기지 않고 세트마다 따로 순위표를 만듭니다.",
        );
        assert!(
            message(
                Lang::En,
                &d::split_changed("test", &sets, &["old-best".into()])
            )
            .ends_with("never together; best only on an older eval set: old-best.")
        );
        both(
            &d::recorded_split_changed("training", &sets, &["aa…: r1 r2; bb…: r3".into()]),
            "The runs of this experiment recorded 2 different `training` splits (sha256:aa: 2 runs, sha256:bb: 1 run; runs per split: aa…: r1 r2; bb…: r3): runs on different splits were not trained or tested on the same data, so their results are not comparable.",
            "이 실험의 런들은 서로 다른 `training` 분할 2개를 기록했습니다 (sha256:aa: 2 runs, sha256:bb: 1 run; 분할별 런: aa…: r1 r2; bb…: r3): 다른 분할의 런은 같은 데이터로 학습하거나 테스트하지 않았으므로 결과를 비교할 수 없습니다.",
        );
    }

    #[test]
    fn group_leakage() {
        let rules = s::SplitRules::default();
        both(
            &d::group_leakage(
                1,
                134,
                "b000 (train 10, test 3)".into(),
                "train 10/920, test 3/253".into(),
                &rules,
            ),
            "1 of the 134 groups is in more than one split: b000 (train 10, test 3). Rows of these groups per split: train 10/920, test 3/253. A model tested on groups it was trained on is scored partly on memory, so its results are optimistic.",
            "전체 그룹 134개 중 1개가 둘 이상의 분할에 들어 있습니다: b000 (train 10, test 3). 이 그룹들의 분할별 행 수: train 10/920, test 3/253. 학습한 그룹으로 테스트한 모델은 일부를 암기로 맞히므로 결과가 낙관적입니다.",
        );
        both(
            &d::group_leakage(
                3,
                134,
                "b000 (train 10, test 3); b001 (train 10, val 2); b002 (val 1, test 1)".into(),
                "train 20/920, val 3/170, test 4/253".into(),
                &rules,
            ),
            "3 of the 134 groups are in more than one split: b000 (train 10, test 3); b001 (train 10, val 2); b002 (val 1, test 1). Rows of these groups per split: train 20/920, val 3/170, test 4/253. A model tested on groups it was trained on is scored partly on memory, so its results are optimistic.",
            "전체 그룹 134개 중 3개가 둘 이상의 분할에 들어 있습니다: b000 (train 10, test 3); b001 (train 10, val 2); b002 (val 1, test 1). 이 그룹들의 분할별 행 수: train 20/920, val 3/170, test 4/253. 학습한 그룹으로 테스트한 모델은 일부를 암기로 맞히므로 결과가 낙관적입니다.",
        );
    }

    #[test]
    fn id_overlap() {
        both(
            &d::duplicate_keys(
                "id_overlap",
                2,
                "1 (train 1, test 1); 3 (train 1, test 2)".into(),
                2,
                "train 1, test 1".into(),
            ),
            "2 ids are in more than one split (1 (train 1, test 1); 3 (train 1, test 2)) and 2 rows repeat an id of their own split (train 1, test 1): a sample in two splits is tested on what the model was trained on, and a sample twice in one split counts twice.",
            "둘 이상의 분할에 있는 id가 2개(1 (train 1, test 1); 3 (train 1, test 2)), 같은 분할 안에서 id가 반복되는 행이 2개(train 1, test 1)입니다: 두 분할에 있는 샘플은 학습한 것으로 테스트하는 셈이고, 한 분할에 두 번 있는 샘플은 두 번 셉니다.",
        );
        both(
            &d::duplicate_keys(
                "id_overlap",
                1,
                "7 (train 1, test 1)".into(),
                0,
                String::new(),
            ),
            "1 id is in more than one split (7 (train 1, test 1)) and 0 rows repeat an id of their own split (-): a sample in two splits is tested on what the model was trained on, and a sample twice in one split counts twice.",
            "둘 이상의 분할에 있는 id가 1개(7 (train 1, test 1)), 같은 분할 안에서 id가 반복되는 행이 0개(-)입니다: 두 분할에 있는 샘플은 학습한 것으로 테스트하는 셈이고, 한 분할에 두 번 있는 샘플은 두 번 셉니다.",
        );
    }

    #[test]
    fn duplicate_content() {
        both(
            &d::duplicate_keys(
                "duplicate_content",
                1,
                "train: a, c = test: d".into(),
                1,
                "train 1".into(),
            ),
            "1 content hash is in more than one split (train: a, c = test: d) and 1 row repeats a hash of its own split (train 1): identical samples under different ids leak between splits and count more than once.",
            "둘 이상의 분할에 있는 콘텐츠 해시가 1개(train: a, c = test: d), 같은 분할 안에서 해시가 반복되는 행이 1개(train 1)입니다: id가 달라도 내용이 같은 샘플은 분할 사이로 새어 나가고 여러 번 셉니다.",
        );
        assert_eq!(
            d::duplicate_keys("duplicate_content", 0, String::new(), 2, "train 2".into()).status,
            verdict_core::diagnostics::Status::Warn
        );
    }

    #[test]
    fn label_drift() {
        let rules = s::SplitRules::default();
        let h = s::Homogeneity {
            chi2: 19123.456,
            dof: 8,
            p_value: 0.0,
            cramers_v: 0.2345,
        };
        both(
            &d::label_drift(
                2,
                "module_resin (val 27); module_resin (test 12)".into(),
                Some(h),
                &rules,
            ),
            "In 2 cases a class is absent from a split or has under 30 samples there (module_resin (val 27); module_resin (test 12)): the scores of a class on a split where it is that rare are undefined or unreliable; chi-squared test of homogeneity: χ² = 19123.5, dof = 8, p = 0.000, Cramér's V = 0.234.",
            "클래스가 분할에 없거나 30개 미만인 경우가 2건입니다 (module_resin (val 27); module_resin (test 12)): 그 분할에서 그 클래스의 지표는 정의되지 않거나 신뢰하기 어렵습니다. 동질성 카이제곱 검정: χ² = 19123.5, 자유도 = 8, p = 0.000, Cramér's V = 0.234.",
        );
        both(
            &d::label_drift(0, String::new(), Some(h), &rules),
            "The class proportions differ between splits; chi-squared test of homogeneity: χ² = 19123.5, dof = 8, p = 0.000, Cramér's V = 0.234.",
            "분할마다 클래스 비율이 다릅니다. 동질성 카이제곱 검정: χ² = 19123.5, 자유도 = 8, p = 0.000, Cramér's V = 0.234.",
        );
        both(
            &d::label_drift(1, "b (test 0)".into(), None, &rules),
            "In 1 case a class is absent from a split or has under 30 samples there (b (test 0)): the scores of a class on a split where it is that rare are undefined or unreliable; chi-squared test of homogeneity not possible (fewer than two non-empty splits or classes).",
            "클래스가 분할에 없거나 30개 미만인 경우가 1건입니다 (b (test 0)): 그 분할에서 그 클래스의 지표는 정의되지 않거나 신뢰하기 어렵습니다. 동질성 카이제곱 검정은 할 수 없습니다 (비어 있지 않은 분할이나 클래스가 둘 미만).",
        );
        assert_eq!(
            d::label_drift(0, String::new(), Some(h), &rules).status,
            verdict_core::diagnostics::Status::Info
        );
    }

    #[test]
    fn metadata_shortcut() {
        let rules = s::SplitRules::default();
        let v = s::ValueShare {
            value: "x".into(),
            n: 8923,
            majority_label: "normal".into(),
            share: 8920.0 / 8923.0,
            ci: (0.99901, 0.99989),
        };
        both(
            &d::metadata_shortcut("axis", 0.16966848271391446, &v, 21744.0 / 35529.0, &rules),
            "Metadata column `axis` alone tells much about the label (normalised mutual information 0.170): a share of 0.9997 of the rows with `axis` = `x` are `normal` (n = 8923, 95.0% Wilson interval [0.9990, 0.9999]), while the most frequent label is a share of 0.6120 overall. A model can learn this column instead of the image.",
            "메타데이터 열 `axis`만으로도 레이블을 많이 알 수 있습니다 (정규화 상호정보량 0.170): `axis` = `x`인 행의 0.9997가 `normal`입니다 (n = 8923, 95.0% Wilson 구간 [0.9990, 0.9999]). 전체에서 가장 많은 레이블의 비율은 0.6120입니다. 모델이 이미지 대신 이 열을 학습할 수 있습니다.",
        );
    }

    #[test]
    fn condition_mismatch() {
        let rules = s::SplitRules::default();
        both(
            &d::condition_mismatch(
                &d::Mismatch {
                    column: "axis",
                    values: "x".into(),
                    count: 1,
                    present: "test",
                    rows: 8923,
                    share: 8923.0 / 35529.0,
                    missing: "train",
                    absent: true,
                },
                &rules,
            ),
            "`axis` value x is 25.1% of `test` (8923 rows) but absent from `train`: that part of `test` comes from conditions `train` does not cover.",
            "`axis` 값 1개(x)가 `test`의 25.1%(8923행)를 차지하지만 `train`에는 없습니다: `test`의 그 부분은 `train`이(가) 다루지 않는 조건에서 나옵니다.",
        );
        both(
            &d::condition_mismatch(
                &d::Mismatch {
                    column: "scanner",
                    values: "s2; s3".into(),
                    count: 2,
                    present: "test",
                    rows: 300,
                    share: 0.3,
                    missing: "train",
                    absent: false,
                },
                &rules,
            ),
            "`scanner` values s2; s3 are 30.0% of `test` (300 rows) but under 1.0% of `train`: that part of `test` comes from conditions `train` does not cover.",
            "`scanner` 값 2개(s2; s3)가 `test`의 30.0%(300행)를 차지하지만 `train`에는 1.0% 미만입니다: `test`의 그 부분은 `train`이(가) 다루지 않는 조건에서 나옵니다.",
        );
    }

    #[test]
    fn small_split() {
        let rules = s::SplitRules::default();
        let test = s::SmallSplit {
            split: "test".into(),
            n: 35529,
            accuracy_half_width: 0.0051993,
            groups: Some(25),
            group_half_width: Some(0.180655),
        };
        let val = s::SmallSplit {
            split: "val".into(),
            n: 19,
            accuracy_half_width: 0.2095,
            groups: None,
            group_half_width: None,
        };
        both(
            &d::small_split(&test, &rules),
            "Split `test` is small for precise claims: with 35529 rows the 95.0% Wilson interval on an accuracy near 50% is ±0.5%, and its 25 groups carry the information of about 25 samples (±18.1% for new groups); differences under that are noise (the check asks for at most ±5.0%).",
            "분할 `test`은(는) 정밀한 주장을 하기에 작습니다: 35529행에서 정확도 50% 부근의 95.0% Wilson 구간은 ±0.5%이고, 그룹 25개는 샘플 약 25개만큼의 정보를 담습니다 (새 그룹에 대해 ±18.1%). 그보다 작은 차이는 잡음입니다 (기준: ±5.0% 이하).",
        );
        both(
            &d::small_split(&val, &rules),
            "Split `val` is small for precise claims: with 19 rows the 95.0% Wilson interval on an accuracy near 50% is ±20.9%; differences under that are noise (the check asks for at most ±5.0%).",
            "분할 `val`은(는) 정밀한 주장을 하기에 작습니다: 19행에서 정확도 50% 부근의 95.0% Wilson 구간은 ±20.9%입니다. 그보다 작은 차이는 잡음입니다 (기준: ±5.0% 이하).",
        );
    }

    /// A member's leave-one-member-out effect (the input of the ensemble checks).
    fn contribution(
        member: &str,
        weight: f64,
        contribution: f64,
        ci: Option<(f64, f64)>,
        p_value: Option<f64>,
    ) -> d::Contribution<'_> {
        d::Contribution {
            index: 0,
            member,
            weight,
            delta: -contribution,
            contribution,
            ci,
            p_value,
        }
    }

    /// The findings of `check` among the ensemble checks on `members` (accuracy, α = 0.05,
    /// 95% intervals).
    fn member_findings(members: &[d::Contribution<'_>], check: &str) -> Vec<Finding> {
        let members: Vec<d::Contribution<'_>> = members
            .iter()
            .enumerate()
            .map(|(index, c)| d::Contribution { index, ..c.clone() })
            .collect();
        d::member_findings(&members, "accuracy", 0.05, 0.95)
            .into_iter()
            .filter(|f| f.check == check)
            .collect()
    }

    #[test]
    fn ensemble_not_better() {
        both(
            &d::ensemble_not_better("bert", "accuracy", 0.962, 0.96, "McNemar", 0.8),
            "The ensemble is not significantly better than its best member `bert`: accuracy 0.9620 vs 0.9600 (Δ = +0.0020, McNemar p = 0.800); the other members add inference cost without a measured gain.",
            "앙상블이 가장 좋은 구성 모델 `bert`보다 유의하게 낫지 않습니다: accuracy 0.9620 대 0.9600 (Δ = +0.0020, McNemar p = 0.800). 나머지 모델은 측정된 이득 없이 추론 비용만 더합니다.",
        );
    }

    #[test]
    fn dead_member() {
        let members = [
            contribution("a", 0.5, 0.05, Some((0.02, 0.08)), Some(0.001)),
            contribution("b", 0.3, 0.001, Some((-0.008, 0.01)), Some(0.8)),
        ];
        let found = member_findings(&members, "dead_member");
        assert_eq!(found.len(), 1, "only `b` is not significant");
        assert_eq!(found[0].model, Some(1), "the member's index");
        both(
            &found[0],
            "Member `b` (weight 0.300) contributes nothing measurable: without it the ensemble's accuracy changes by -0.0010 (95.0% interval [-0.0080, +0.0100], paired bootstrap p = 0.800).",
            "구성 모델 `b`(가중치 0.300)의 기여가 측정되지 않습니다: 이 모델을 빼도 앙상블의 accuracy 변화는 -0.0010입니다 (95.0% 구간 [-0.0080, +0.0100], 대응 부트스트랩 p = 0.800).",
        );
        assert_eq!(
            hint(Lang::En, &found[0]).as_deref(),
            Some(
                "Drop the member or give it a reason to exist (different inputs, different errors); re-learn the weights on a validation set (--optimize) and compare."
            )
        );
    }

    #[test]
    fn dead_member_without_a_bootstrap() {
        let members = [
            contribution("a", 0.5, 0.05, None, None),
            contribution("b", 0.5, 0.0, None, None),
        ];
        both(
            &member_findings(&members, "dead_member")[1],
            "Member `b` (weight 0.500) contributes nothing measurable: without it the ensemble's accuracy changes by +0.0000, and without a bootstrap (--bootstrap 0) no change can be shown significant.",
            "구성 모델 `b`(가중치 0.500)의 기여가 측정되지 않습니다: 이 모델을 빼도 앙상블의 accuracy 변화는 +0.0000입니다. 부트스트랩이 없으면(--bootstrap 0) 어떤 변화도 유의하다고 보일 수 없습니다.",
        );
    }

    #[test]
    fn harmful_member() {
        let members = [
            contribution("a", 0.5, 0.05, Some((-0.08, -0.02)), Some(0.001)),
            contribution("b", 0.25, -0.0115, Some((0.0037, 0.02)), Some(0.004)),
        ];
        let found = member_findings(&members, "harmful_member");
        assert_eq!(found[0].model, Some(1));
        both(
            &found[0],
            "Member `b` (weight 0.250) makes the ensemble worse: without it the ensemble's accuracy changes by +0.0115 (95.0% interval [+0.0037, +0.0200], paired bootstrap p = 0.004).",
            "구성 모델 `b`(가중치 0.250)가 앙상블을 나쁘게 합니다: 이 모델을 빼면 앙상블의 accuracy이(가) +0.0115만큼 바뀝니다 (95.0% 구간 [+0.0037, +0.0200], 대응 부트스트랩 p = 0.004).",
        );
        assert_eq!(
            hint(Lang::En, &found[0]).as_deref(),
            Some(
                "Drop the member, or lower its weight by learning the weights on a validation set (--val … --optimize)."
            )
        );
    }

    #[test]
    fn dominant_member() {
        let members = [
            contribution("a", 0.5, 0.05, Some((0.02, 0.08)), Some(0.001)),
            contribution("b", 0.3, 0.001, Some((-0.008, 0.01)), Some(0.8)),
        ];
        both(
            &member_findings(&members, "dominant_member")[0],
            "The ensemble depends on `a`: removing it costs 0.0500 in accuracy, 50.0× the next largest contribution (`b`: 0.0010); the ensemble is mostly this one model.",
            "앙상블은 `a`에 달려 있습니다: 이 모델을 빼면 accuracy이(가) 0.0500 나빠집니다 (다음으로 큰 기여 `b`: 0.0010의 50.0배). 앙상블은 사실상 이 한 모델입니다.",
        );
        // No other member helps at all.
        let members = [
            contribution("a", 0.5, 0.05, Some((0.02, 0.08)), Some(0.001)),
            contribution("b", 0.5, -0.002, Some((-0.004, 0.01)), Some(0.6)),
        ];
        both(
            &member_findings(&members, "dominant_member")[0],
            "The ensemble depends on `a`: removing it costs 0.0500 in accuracy, while removing any other member costs nothing; the ensemble is mostly this one model.",
            "앙상블은 `a`에 달려 있습니다: 이 모델을 빼면 accuracy이(가) 0.0500 나빠집니다 (다른 모델은 빼도 나빠지지 않습니다). 앙상블은 사실상 이 한 모델입니다.",
        );
    }

    #[test]
    fn weight_contribution_mismatch() {
        let members = [
            contribution("x", 0.6, 0.02, Some((-0.01, 0.05)), Some(0.5)),
            contribution("y", 0.4, 0.03, Some((0.01, 0.05)), Some(0.01)),
        ];
        let found = member_findings(&members, "weight_contribution_mismatch");
        both(
            &found[0],
            "Weights and contributions disagree: `x` has the larger weight (0.600 vs 0.400), but `y` contributes more to accuracy (0.0300 vs 0.0200, leave-one-member-out).",
            "가중치와 기여가 어긋납니다: `x`의 가중치가 더 크지만(0.600 대 0.400) accuracy에는 `y`가 더 기여합니다 (0.0300 대 0.0200, 한 모델씩 빼기).",
        );
        assert_eq!(
            hint(Lang::Ko, &found[0]).as_deref(),
            Some(
                "가중치를 손으로 정하지 말고 검증 세트에서 학습하십시오 (--val … --optimize caruana 또는 logloss)."
            )
        );
    }

    #[test]
    fn weights_fit_on_test() {
        let f = d::weights_fit_on_test("caruana");
        both(
            &f,
            "The weights (caruana) were learned on the test set itself (--allow-test-fit): the ensemble's test metrics are optimistic.",
            "가중치(caruana)를 테스트 세트 자체에서 학습했습니다 (--allow-test-fit): 앙상블의 테스트 지표는 낙관적입니다.",
        );
        assert_eq!(
            hint(Lang::En, &f).as_deref(),
            Some(
                "Learn the weights on held-out validation predictions (--val) and report on the test set."
            )
        );
    }

    #[test]
    fn label_review_in_sample() {
        both(
            &d::label_review_in_sample("declared"),
            "The label review reads in-sample probabilities (--in-sample says the members were trained on the reviewed rows): re-labelling with a model's own confident predictions only confirms what it already believes.",
            "레이블 검토가 표본 내 확률을 읽습니다 (--in-sample: 구성 모델이 검토한 행으로 학습되었습니다): 모델 자신의 확신 있는 예측으로 레이블을 고치면 모델이 이미 믿는 것만 확인하게 됩니다.",
        );
        both(
            &d::label_review_in_sample("weights_fit_on_reviewed_rows"),
            "The label review reads in-sample probabilities (the ensemble's weights were learned on the reviewed rows): re-labelling with a model's own confident predictions only confirms what it already believes.",
            "레이블 검토가 표본 내 확률을 읽습니다 (앙상블 가중치를 검토한 행에서 학습했습니다): 모델 자신의 확신 있는 예측으로 레이블을 고치면 모델이 이미 믿는 것만 확인하게 됩니다.",
        );
    }

    /// Every registered check is rendered by a test above (a new check needs its own).
    #[test]
    fn every_check_has_a_rendering_test() {
        let tested = [
            "small_eval_set",
            "small_class",
            "few_groups",
            "class_never_predicted",
            "prediction_collapse",
            "not_above_majority",
            "degenerate_threshold",
            "overconfidence",
            "normalized_rows",
            "paired_by_position",
            "threshold_chosen_on_test",
            "shallow_depth",
            "duplicate_embeddings",
            "queries_missing_from_run",
            "k_exceeds_pool",
            "zero_embeddings",
            "overfitting",
            "training_failed",
            "implausible_validation",
            "val_test_gap",
            "split_changed",
            "group_leakage",
            "id_overlap",
            "duplicate_content",
            "label_drift",
            "metadata_shortcut",
            "condition_mismatch",
            "small_split",
            "ensemble_not_better",
            "dead_member",
            "harmful_member",
            "dominant_member",
            "weight_contribution_mismatch",
            "weights_fit_on_test",
            "label_review_in_sample",
        ];
        let ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        assert_eq!(ids, tested);
    }

    #[test]
    fn figures_by_spec() {
        assert_eq!(value(&Figure::Count(3), Spec::Plain), "3");
        assert_eq!(value(&Figure::Count(3), Spec::Fixed(2)), "3.00");
        assert_eq!(value(&Figure::Number(0.125), Spec::Percent), "12.5%");
        assert_eq!(
            value(&Figure::Number(0.1 + 0.2), Spec::Plain),
            "0.30000000000000004"
        );
        assert_eq!(value(&Figure::Number(2.0 / 3.0), Spec::Fixed(4)), "0.6667");
        assert_eq!(
            value(&Figure::Number(2.5e-7), Spec::Scientific(1)),
            "2.5e-7"
        );
    }
}
