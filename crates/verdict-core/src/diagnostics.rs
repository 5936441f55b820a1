//! Findings: everything Verdict tells a reader about the pitfalls of an evaluation, a comparison or a
//! retrieval run, as one data model with one registry.
//!
//! Before this module the warnings lived in three types (the evaluation's, the comparison's and the
//! retrieval's), each with its own wording code; a new check had to be added in several places and
//! the JSON codes were spelled in several matches. Now:
//!
//! * [`CHECKS`] is the registry, one line per check (as ruff's `codes.rs`): its stable id (the
//!   `code` the JSON documents print), its default [`Status`], its [`Scope`] and its message
//!   templates in English and Korean. A new check is one line here and one constructor below.
//! * A [`Finding`] is one occurrence: the check's id, its status, what it is about ([`Subject`],
//!   and the model of a comparison), and the observed figures ([`Figure`], by name) that fill the
//!   message template's placeholders.
//! * The constructors ([`small_eval_set`], [`paired_by_position`], …) are the only way findings are
//!   made, so the figures a template names are always there (a unit test renders every check's
//!   placeholders against its constructor's figures).
//!
//! Deciding *whether* a finding applies stays where the data are (`eval` decides the eval-set and
//! model findings; the callers of `compare` and the retrieval readers decide theirs). Turning a
//! finding into a sentence is `verdict-report`'s job: it parses the template ([`template`]) and
//! formats each figure as the placeholder's spec says. This module does no formatting of numbers.

use std::collections::BTreeSet;

/// How serious a finding is. Every check of today warns; `pass`, `info` and `fail` are there for
/// the checks over runs and for a CI gate that fails on a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// The check ran and found nothing.
    Pass,
    /// Worth knowing, not a problem.
    Info,
    /// The reader should look before trusting the numbers.
    Warn,
    /// The numbers should not be trusted.
    Fail,
}

impl Status {
    /// `pass`, `info`, `warn` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Info => "info",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// What a check looks at: the `scope` of the comparison JSON document's warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The rows, their labels and their groups only: the same for every model scored on them, so a
    /// comparison says such a finding once for the set.
    EvalSet,
    /// One model's predictions (or how they were read).
    Model,
    /// The comparison of several models as a whole.
    Comparison,
    /// A retrieval evaluation's inputs.
    Retrieval,
    /// A training run in the ledger: its curves and its stored evaluations.
    Run,
    /// Train/val/test split manifests (`verdict splits check`, [`crate::splits`]).
    Split,
    /// An ensemble of models (`verdict ensemble`, [`crate::ensemble`]): its members, its weights,
    /// its label review.
    Ensemble,
}

impl Scope {
    /// `eval_set`, `model`, `comparison`, `retrieval`, `run`, `split` or `ensemble`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::EvalSet => "eval_set",
            Scope::Model => "model",
            Scope::Comparison => "comparison",
            Scope::Retrieval => "retrieval",
            Scope::Run => "run",
            Scope::Split => "split",
            Scope::Ensemble => "ensemble",
        }
    }
}

/// A message in every report language. The text is a [`template`]: `{name}` placeholders name the
/// finding's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// English.
    pub en: &'static str,
    /// Korean.
    pub ko: &'static str,
}

/// One line of the registry. Made by [`Check::new`] (and, for fields later checks need, builder
/// methods), so a new field does not touch every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// The stable id (snake_case), printed as `code` in the JSON documents.
    pub id: &'static str,
    /// The status a finding of this check has unless something decides otherwise.
    pub status: Status,
    /// What the check looks at.
    pub scope: Scope,
    /// What the reader is told.
    pub message: Message,
    /// What the reader can do about it (a template over the same figures), when the check has
    /// advice.
    pub hint: Option<Message>,
}

impl Check {
    /// A registry line (a `const fn`, so that later fields can be added with builder methods on
    /// the lines that need them, without touching the others).
    pub const fn new(
        id: &'static str,
        status: Status,
        scope: Scope,
        en: &'static str,
        ko: &'static str,
    ) -> Check {
        Check {
            id,
            status,
            scope,
            message: Message { en, ko },
            hint: None,
        }
    }

    /// The same line with advice for the reader.
    pub const fn with_hint(mut self, en: &'static str, ko: &'static str) -> Check {
        self.hint = Some(Message { en, ko });
        self
    }
}

/// Every check, one line each. The ids of the evaluation and comparison checks are the `code`s the
/// JSON documents have always printed (`docs/eval-json.md`, `docs/compare-json.md`); they never
/// change. The placeholders of the templates are the figures of the check's constructor below.
#[rustfmt::skip]
pub static CHECKS: &[Check] = {
    use Scope::{Comparison, Ensemble, EvalSet, Model, Retrieval, Run, Split};
    use Status::{Fail, Warn};
    &[
    Check::new("small_eval_set", Warn, EvalSet,
        "The eval set is small (n = {n} < 100): differences of several points are within noise; read the intervals, not the point estimates.",
        "평가 데이터가 작습니다 (n = {n} < 100): 수 %p 차이는 잡음 범위입니다. 점추정이 아니라 신뢰구간을 보십시오."),
    Check::new("small_class", Warn, EvalSet,
        "Class `{class}` has only {n} samples (< 30): its per-class scores are unreliable.",
        "클래스 `{class}`의 샘플이 {n}개뿐입니다 (< 30): 클래스별 지표를 신뢰하기 어렵습니다."),
    Check::new("few_groups", Warn, EvalSet,
        "Only {groups} groups: the cluster bootstrap intervals are rough, and the effective sample size is about {groups}, not the number of rows.",
        "그룹이 {groups}개뿐입니다: 클러스터 부트스트랩 구간은 거칠며, 유효 표본 크기는 행 수가 아니라 약 {groups}입니다."),
    Check::new("class_never_predicted", Warn, Model,
        "Class `{class}` is never predicted.",
        "클래스 `{class}`가 한 번도 예측되지 않았습니다."),
    Check::new("prediction_collapse", Warn, Model,
        "Predictions collapse onto `{class}`: {predicted} of {n} predictions ({predicted_share:%}), though it is {true_share:%} of the labels.",
        "예측이 `{class}`로 쏠립니다: 예측 {n}건 중 {predicted}건 ({predicted_share:%}), 실제 비율은 {true_share:%}입니다."),
    Check::new("not_above_majority", Warn, Model,
        "Accuracy {accuracy:%} is not significantly above always predicting the majority class ({majority_rate:%}; exact binomial test, p = {p_value:.3}).",
        "정확도 {accuracy:%}는 항상 다수 클래스로 예측하는 경우({majority_rate:%})보다 유의하게 높지 않습니다 (정확 이항검정, p = {p_value:.3})."),
    Check::new("degenerate_threshold", Warn, Model,
        "The {criterion} threshold {threshold} sits at the extreme of the score range ({positive_share:%} of samples predicted positive): the scores may be miscalibrated or the model degenerate.",
        "{criterion} 최적 임계값 {threshold}이(가) 점수 범위의 극단에 있습니다 (양성 예측 비율 {positive_share:%}): 점수 보정이 잘못되었거나 모델이 퇴화했을 수 있습니다."),
    Check::new("overconfidence", Warn, Model,
        "Overconfident: {errors} of the {n} predictions made with confidence ≥ {level:%} are wrong ({error_rate:%}); a calibrated model errs at most {allowed:%} there (exact binomial test, p = {p_value:.3}).",
        "과신: 신뢰도 {level:%} 이상인 예측 {n}개 중 {errors}개({error_rate:%})가 틀렸습니다. 보정된 모델이라면 그 구간에서 최대 {allowed:%}만 틀립니다 (정확 이항검정, p = {p_value:.3}).")
        .with_hint(
            "Do not act on high confidence alone: recalibrate (temperature or isotonic scaling on a validation set) and read the reliability diagram.",
            "높은 신뢰도만 보고 판단하지 마십시오. 검증 세트로 다시 보정하고(temperature 또는 isotonic scaling) 신뢰도 다이어그램을 보십시오."),
    Check::new("normalized_rows", Warn, Model,
        "Normalised: {rows} of {n} probability rows did not sum to 1 (largest |sum − 1| = {max_deviation:.1e}) and were divided by their sum",
        "정규화: 확률 행 {n}개 중 {rows}개의 합이 1이 아니어서(최대 |합 − 1| = {max_deviation:.1e}) 각 행을 그 합으로 나눔"),
    Check::new("paired_by_position", Warn, Comparison,
        "Rows paired by position: no id column. Row i of every file is taken to be the same sample (the labels agree row by row); give the files an id column (--id-col) to pair them by id.",
        "행을 위치로 짝지었습니다: id 열이 없습니다. 모든 파일의 i번째 행을 같은 샘플로 보았습니다 (레이블은 행마다 일치합니다). id로 짝지으려면 파일에 id 열을 주십시오 (--id-col)."),
    Check::new("threshold_chosen_on_test", Warn, Comparison,
        "Per-model thresholds were chosen on the test set itself, so their test metrics are optimistic; pass --val with one validation file per model.",
        "모델별 임계값을 테스트 데이터 자체에서 골랐으므로 그 지표는 낙관적입니다. 모델마다 검증 파일을 --val로 주십시오."),
    Check::new("shallow_depth", Warn, Retrieval,
        "map_at_r and r_precision are left out: they need each query's top R neighbours, up to {max_r}, but --depth ranks {depth}; mrr and map count only the top {depth}",
        "map_at_r와 r_precision은 제외했습니다: 쿼리마다 상위 R개(최대 {max_r}개)의 이웃이 필요한데 --depth는 {depth}개만 순위를 매깁니다. mrr과 map은 상위 {depth}개만 셉니다"),
    Check::new("duplicate_embeddings", Warn, Retrieval,
        "{rows} gallery {rows|one:embedding repeats|other:embeddings repeat} an earlier row exactly: duplicates tie in every ranking and can inflate or deflate the metrics",
        "갤러리 임베딩 {rows}개가 앞선 행과 똑같습니다: 중복은 모든 순위에서 동점이 되어 지표를 부풀리거나 깎을 수 있습니다"),
    Check::new("queries_missing_from_run", Warn, Retrieval,
        "{queries} judged {queries|one:query is|other:queries are} missing from the run; {queries|one:it|other:they} retrieved nothing and {queries|one:scores|other:score} 0",
        "판정된 쿼리 {queries}개가 런에 없습니다: 아무것도 검색하지 않은 것으로 보고 0점을 줍니다"),
    Check::new("k_exceeds_pool", Warn, Retrieval,
        "{queries} {queries|one:query retrieved|other:queries retrieved} fewer items than the largest cut-off k = {k} (the shortest list has {shortest}): @{k} metrics count the missing ranks as misses, so they measure the pool's size as much as the ranking (a Recall@10 from batches smaller than 10 is not a model's recall)",
        "쿼리 {queries}개가 가장 큰 컷오프 k = {k}보다 적은 항목을 검색했습니다 (가장 짧은 목록 {shortest}개): @{k} 지표는 없는 순위를 놓친 것으로 세므로, 순위 품질만큼 후보 수를 잽니다 (10개보다 작은 배치에서 잰 Recall@10은 모델의 재현율이 아닙니다)"),
    Check::new("zero_embeddings", Warn, Retrieval,
        "{role|query:{count|one:1 query embedding is|other:{count} query embeddings are}|gallery:{count|one:1 gallery embedding is|other:{count} gallery embeddings are}|query_and_gallery:{count|one:1 query embedding (leave-one-out: also a gallery row) is|other:{count} query embeddings (leave-one-out: also the gallery) are}} all zeros ({count|one:row|other:rows} {rows}, counted from 0): under cosine similarity a zero vector has no direction and is scored 0 against every item (as scikit-learn, pytorch-metric-learning and faiss do), so its ranking is the tie order, not the model's; fix the embeddings or drop the rows",
        "{role|query:쿼리 임베딩|gallery:갤러리 임베딩|query_and_gallery:쿼리 임베딩(leave-one-out이므로 갤러리이기도 함)} {count}개가 영벡터입니다 (행 {rows}, 0부터 셈): 코사인 유사도에서 영벡터는 방향이 없어 모든 항목과의 유사도를 0으로 계산하므로 (scikit-learn, pytorch-metric-learning, faiss와 같음) 그 순위는 모델이 아니라 동점 처리 순서로 정해집니다. 임베딩을 고치거나 해당 행을 빼십시오"),
    Check::new("overfitting", Warn, Run,
        "Overfitting {severity}: {val_metric} is best at epoch {best_epoch}/{epochs} (step {best_step}: {best:.4}) and ends at {last:.4}, {non_finite|yes:with a non-finite value after the best|no:{worsening:%} worse}; {wasted|one:1 epoch|other:{wasted} epochs} after the best{train_improving|yes: while {train_metric} kept improving|no: while {train_metric} stopped improving|unknown:}.",
        "과적합 {severity|none:없음|mild:경미|moderate:중간|severe:심각|extreme:극심}: {val_metric}은(는) {epochs} 에포크 중 {best_epoch}번째(step {best_step}: {best:.4})가 최고이고 {last:.4}로 끝납니다, {non_finite|yes:최고 이후 유한하지 않은 값이 있습니다|no:{worsening:%} 나빠졌습니다}. 최고 이후 {wasted} 에포크{train_improving|yes: 동안 {train_metric}은(는) 계속 좋아졌습니다|no: 동안 {train_metric}도 더 좋아지지 않았습니다|unknown:}.")
        .with_hint(
            "Stop at or restore the best epoch (early stopping with restore_best_weights), and regularise or add data before training longer.",
            "최고 에포크에서 멈추거나 그 가중치로 되돌리고(restore_best_weights), 더 오래 학습하기 전에 정규화하거나 데이터를 늘리십시오."),
    Check::new("training_failed", Fail, Run,
        "Training failed: {reason|near_chance:the best {val_metric} ({best:.4}) never clearly exceeds its chance level {chance:.4} (it had to reach {needed:.4})|loss_never_decreased:{val_metric} never went below its first value {first:.4} (best later {best_later:.4})|non_finite:{val_metric} is not finite at epoch {at_epoch}}.",
        "학습 실패: {reason|near_chance:최고 {val_metric}({best:.4})이(가) 우연 수준 {chance:.4}을(를) 뚜렷이 넘지 못했습니다 (최소 {needed:.4} 필요)|loss_never_decreased:{val_metric}이(가) 첫 값 {first:.4} 아래로 내려간 적이 없습니다 (이후 최저 {best_later:.4})|non_finite:{val_metric}이(가) {at_epoch}번째 에포크에서 유한하지 않습니다}.")
        .with_hint(
            "Do not rank this run with the others; check the learning rate, frozen layers and the input pipeline.",
            "이 런을 다른 런과 같이 순위에 넣지 마십시오. 학습률, 고정된 층, 입력 파이프라인을 확인하십시오."),
    Check::new("implausible_validation", Warn, Run,
        "Implausible validation value: {val_metric} reaches {best} at epoch {best_epoch} (validation rows: {val_rows}); a held-out set rarely gives this unless it leaks training data or is tiny.",
        "비현실적인 검증 값: {val_metric}이(가) {best_epoch}번째 에포크에서 {best}에 이릅니다 (검증 행 수: {val_rows}). 학습 데이터가 섞였거나 검증 세트가 아주 작지 않다면 나오기 어려운 값입니다.")
        .with_hint(
            "Check the validation split for overlap with training (same ids, groups or near-duplicates) and its size before trusting any validation-based choice.",
            "검증 분할이 학습 데이터와 겹치는지(같은 id, 그룹, 거의 같은 샘플)와 그 크기를 확인한 뒤에 검증 기반 선택을 믿으십시오."),
    Check::new("val_test_gap", Warn, Run,
        "{gap|yes:Validation does not predict test|no:Validation agrees with test}: {val_metric} at the best epoch is {val:.4}, the test {test_metric} of evaluation `{eval}` is {test:.4} with interval [{ci_low:.4}, {ci_high:.4}]{gap|yes: that excludes it|no:}.",
        "{gap|yes:검증이 테스트를 예측하지 못합니다|no:검증과 테스트가 일치합니다}: 최고 에포크의 {val_metric}은(는) {val:.4}, 평가 `{eval}`의 테스트 {test_metric}은(는) {test:.4}이고 신뢰구간은 [{ci_low:.4}, {ci_high:.4}]입니다{gap|yes: (검증 값이 구간 밖)|no:}.")
        .with_hint(
            "Model choices made on validation (epoch, threshold, hyper-parameters) do not carry over; compare the validation and test splits (verdict splits).",
            "검증으로 한 선택(에포크, 임계값, 하이퍼파라미터)이 테스트로 이어지지 않습니다. 검증과 테스트 분할을 비교하십시오 (verdict splits)."),
    Check::new("split_changed", Warn, Run,
        "{kind|evaluation:The `{eval}` evaluations of this experiment were made on {sets} different eval sets ({fingerprints}): their results are ranked on separate leaderboards, never together{older_best|none:|other:; best only on an older eval set: {older_best}}|split:The runs of this experiment recorded {sets} different `{eval}` splits ({fingerprints}; runs per split: {older_best}): runs on different splits were not trained or tested on the same data, so their results are not comparable}.",
        "{kind|evaluation:이 실험의 `{eval}` 평가는 서로 다른 평가 세트 {sets}개에서 이루어졌습니다 ({fingerprints}): 결과는 함께 순위를 매기지 않고 세트마다 따로 순위표를 만듭니다{older_best|none:|other:. 이전 평가 세트에서만 최고인 런: {older_best}}|split:이 실험의 런들은 서로 다른 `{eval}` 분할 {sets}개를 기록했습니다 ({fingerprints}; 분할별 런: {older_best}): 다른 분할의 런은 같은 데이터로 학습하거나 테스트하지 않았으므로 결과를 비교할 수 없습니다}.")
        .with_hint(
            "Evaluate the runs you want to compare on the current eval set (verdict eval FILE --run RUN_ID --eval-name NAME) before comparing them.",
            "비교하려는 런을 현재 평가 세트로 다시 평가한 뒤(verdict eval FILE --run RUN_ID --eval-name NAME) 비교하십시오."),
    Check::new("group_leakage", Fail, Split,
        "{groups} of the {total} groups {groups|one:is|other:are} in more than one split: {shared}. Rows of these groups per split: {held}. A model tested on groups it was trained on is scored partly on memory, so its results are optimistic.",
        "전체 그룹 {total}개 중 {groups}개가 둘 이상의 분할에 들어 있습니다: {shared}. 이 그룹들의 분할별 행 수: {held}. 학습한 그룹으로 테스트한 모델은 일부를 암기로 맞히므로 결과가 낙관적입니다.")
        .with_hint(
            "Split by group (GroupShuffleSplit or GroupKFold on the group column) so that every group is in exactly one split, then retrain and re-evaluate.",
            "그룹 단위로 분할하여(그룹 열로 GroupShuffleSplit 또는 GroupKFold) 모든 그룹이 한 분할에만 있게 한 뒤 다시 학습하고 평가하십시오."),
    Check::new("id_overlap", Warn, Split,
        "{across} {across|one:id is|other:ids are} in more than one split ({shared}) and {within} {within|one:row repeats an id of its own split|other:rows repeat an id of their own split} ({within_splits}): a sample in two splits is tested on what the model was trained on, and a sample twice in one split counts twice.",
        "둘 이상의 분할에 있는 id가 {across}개({shared}), 같은 분할 안에서 id가 반복되는 행이 {within}개({within_splits})입니다: 두 분할에 있는 샘플은 학습한 것으로 테스트하는 셈이고, 한 분할에 두 번 있는 샘플은 두 번 셉니다.")
        .with_hint(
            "Make ids unique within each split and move or drop the shared ones (if the ids are row numbers per file, give the manifests real sample ids).",
            "분할마다 id를 고유하게 하고 겹치는 id는 옮기거나 빼십시오 (id가 파일별 행 번호라면 매니페스트에 실제 샘플 id를 주십시오)."),
    Check::new("duplicate_content", Fail, Split,
        "{across} {across|one:content hash is|other:content hashes are} in more than one split ({shared}) and {within} {within|one:row repeats a hash of its own split|other:rows repeat a hash of their own split} ({within_splits}): identical samples under different ids leak between splits and count more than once.",
        "둘 이상의 분할에 있는 콘텐츠 해시가 {across}개({shared}), 같은 분할 안에서 해시가 반복되는 행이 {within}개({within_splits})입니다: id가 달라도 내용이 같은 샘플은 분할 사이로 새어 나가고 여러 번 셉니다.")
        .with_hint(
            "Drop exact duplicates before splitting, and split so that identical content lands in one split only.",
            "분할하기 전에 완전 중복을 빼고, 같은 내용이 한 분할에만 들어가도록 분할하십시오."),
    Check::new("label_drift", Warn, Split,
        "{kind|scarce:In {cells|one:1 case|other:{cells} cases} a class is absent from a split or has under {min_class} samples there ({scarce}): the scores of a class on a split where it is that rare are undefined or unreliable|other:The class proportions differ between splits}; chi-squared test of homogeneity{test|yes:: χ² = {chi2:.1}, dof = {dof}, p = {p_value:.3}, Cramér's V = {cramers_v:.3}|other: not possible (fewer than two non-empty splits or classes)}.",
        "{kind|scarce:클래스가 분할에 없거나 {min_class}개 미만인 경우가 {cells}건입니다 ({scarce}): 그 분할에서 그 클래스의 지표는 정의되지 않거나 신뢰하기 어렵습니다|other:분할마다 클래스 비율이 다릅니다}. 동질성 카이제곱 검정{test|yes:: χ² = {chi2:.1}, 자유도 = {dof}, p = {p_value:.3}, Cramér's V = {cramers_v:.3}|other:은 할 수 없습니다 (비어 있지 않은 분할이나 클래스가 둘 미만)}.")
        .with_hint(
            "Read per-class scores only where the class has enough samples; re-split stratified by class (within groups) if the splits should share class proportions.",
            "클래스 샘플이 충분한 분할에서만 클래스별 지표를 읽으십시오. 분할끼리 클래스 비율이 같아야 한다면 (그룹 안에서) 클래스로 층화하여 다시 분할하십시오."),
    Check::new("metadata_shortcut", Warn, Split,
        "Metadata column `{column}` alone tells much about the label (normalised mutual information {nmi:.3}): a share of {share:.4} of the rows with `{column}` = `{value}` are `{majority_label}` (n = {n}, {level:%} Wilson interval [{ci_low:.4}, {ci_high:.4}]), while the most frequent label is a share of {overall_share:.4} overall. A model can learn this column instead of the image.",
        "메타데이터 열 `{column}`만으로도 레이블을 많이 알 수 있습니다 (정규화 상호정보량 {nmi:.3}): `{column}` = `{value}`인 행의 {share:.4}가 `{majority_label}`입니다 (n = {n}, {level:%} Wilson 구간 [{ci_low:.4}, {ci_high:.4}]). 전체에서 가장 많은 레이블의 비율은 {overall_share:.4}입니다. 모델이 이미지 대신 이 열을 학습할 수 있습니다.")
        .with_hint(
            "Evaluate per value of this column (verdict eval --by COLUMN) and without it; balance the labels within each value if the column must not decide the prediction.",
            "이 열의 값별로(verdict eval --by COLUMN), 그리고 이 열 없이 평가하십시오. 이 열이 예측을 결정하면 안 된다면 값마다 레이블 균형을 맞추십시오."),
    Check::new("condition_mismatch", Warn, Split,
        "`{column}` {count|one:value|other:values} {values} {count|one:is|other:are} {share:%} of `{present}` ({rows} rows) but {absent|yes:absent from|other:under {condition_share:%} of} `{missing}`: that part of `{present}` comes from conditions `{missing}` does not cover.",
        "`{column}` 값 {count}개({values})가 `{present}`의 {share:%}({rows}행)를 차지하지만 `{missing}`에는 {absent|yes:없습니다|other:{condition_share:%} 미만입니다}: `{present}`의 그 부분은 `{missing}`이(가) 다루지 않는 조건에서 나옵니다.")
        .with_hint(
            "Train and test under the same conditions, or report the scores per condition (verdict eval --by COLUMN) so that the uncovered part is read on its own.",
            "같은 조건에서 학습하고 테스트하거나, 조건별로 지표를 보고하여(verdict eval --by COLUMN) 다루지 않은 부분을 따로 읽으십시오."),
    Check::new("small_split", Warn, Split,
        "Split `{split}` is small for precise claims: with {n} rows the {level:%} Wilson interval on an accuracy near 50% is ±{half_width:%}{grouped|yes:, and its {groups} groups carry the information of about {groups} samples (±{group_half_width:%} for new groups)|other:}; differences under that are noise (the check asks for at most ±{max_half_width:%}).",
        "분할 `{split}`은(는) 정밀한 주장을 하기에 작습니다: {n}행에서 정확도 50% 부근의 {level:%} Wilson 구간은 ±{half_width:%}{grouped|yes:이고, 그룹 {groups}개는 샘플 약 {groups}개만큼의 정보를 담습니다 (새 그룹에 대해 ±{group_half_width:%})|other:입니다}. 그보다 작은 차이는 잡음입니다 (기준: ±{max_half_width:%} 이하).")
        .with_hint(
            "Quote intervals, not point estimates, on this split; enlarge it (more groups, not more rows per group) before claiming smaller differences.",
            "이 분할에서는 점추정이 아니라 구간을 보고하십시오. 더 작은 차이를 주장하려면 먼저 분할을 키우십시오 (그룹당 행이 아니라 그룹 수를 늘리십시오)."),
    Check::new("ensemble_not_better", Warn, Ensemble,
        "The ensemble is not significantly better than its best member `{member}`: {metric} {ensemble:.4} vs {best:.4} (Δ = {delta:+.4}, {test} p = {p_value:.3}); the other members add inference cost without a measured gain.",
        "앙상블이 가장 좋은 구성 모델 `{member}`보다 유의하게 낫지 않습니다: {metric} {ensemble:.4} 대 {best:.4} (Δ = {delta:+.4}, {test} p = {p_value:.3}). 나머지 모델은 측정된 이득 없이 추론 비용만 더합니다."),
    Check::new("dead_member", Warn, Ensemble,
        "Member `{member}` (weight {weight:.3}) contributes nothing measurable: without it the ensemble's {metric} changes by {delta:+.4}{measured|yes: ({level:%} interval [{ci_low:+.4}, {ci_high:+.4}], paired bootstrap p = {p_value:.3})|no:, and without a bootstrap (--bootstrap 0) no change can be shown significant}.",
        "구성 모델 `{member}`(가중치 {weight:.3})의 기여가 측정되지 않습니다: 이 모델을 빼도 앙상블의 {metric} 변화는 {delta:+.4}입니다{measured|yes: ({level:%} 구간 [{ci_low:+.4}, {ci_high:+.4}], 대응 부트스트랩 p = {p_value:.3})|no:. 부트스트랩이 없으면(--bootstrap 0) 어떤 변화도 유의하다고 보일 수 없습니다}.")
        .with_hint(
            "Drop the member or give it a reason to exist (different inputs, different errors); re-learn the weights on a validation set (--optimize) and compare.",
            "이 모델을 빼거나 다른 입력, 다른 오류처럼 존재 이유를 주십시오. 검증 세트에서 가중치를 다시 학습하고(--optimize) 비교하십시오."),
    Check::new("harmful_member", Warn, Ensemble,
        "Member `{member}` (weight {weight:.3}) makes the ensemble worse: without it the ensemble's {metric} changes by {delta:+.4} ({level:%} interval [{ci_low:+.4}, {ci_high:+.4}], paired bootstrap p = {p_value:.3}).",
        "구성 모델 `{member}`(가중치 {weight:.3})가 앙상블을 나쁘게 합니다: 이 모델을 빼면 앙상블의 {metric}이(가) {delta:+.4}만큼 바뀝니다 ({level:%} 구간 [{ci_low:+.4}, {ci_high:+.4}], 대응 부트스트랩 p = {p_value:.3}).")
        .with_hint(
            "Drop the member, or lower its weight by learning the weights on a validation set (--val … --optimize).",
            "이 모델을 빼거나, 검증 세트에서 가중치를 학습하여(--val … --optimize) 가중치를 낮추십시오."),
    Check::new("dominant_member", Warn, Ensemble,
        "The ensemble depends on `{member}`: removing it costs {contribution:.4} in {metric}{next_positive|yes:, {ratio:.1}× the next largest contribution (`{next_member}`: {next:.4})|no:, while removing any other member costs nothing}; the ensemble is mostly this one model.",
        "앙상블은 `{member}`에 달려 있습니다: 이 모델을 빼면 {metric}이(가) {contribution:.4} 나빠집니다{next_positive|yes: (다음으로 큰 기여 `{next_member}`: {next:.4}의 {ratio:.1}배)|no: (다른 모델은 빼도 나빠지지 않습니다)}. 앙상블은 사실상 이 한 모델입니다."),
    Check::new("weight_contribution_mismatch", Warn, Ensemble,
        "Weights and contributions disagree: `{heavier}` has the larger weight ({heavier_weight:.3} vs {lighter_weight:.3}), but `{lighter}` contributes more to {metric} ({lighter_contribution:.4} vs {heavier_contribution:.4}, leave-one-member-out).",
        "가중치와 기여가 어긋납니다: `{heavier}`의 가중치가 더 크지만({heavier_weight:.3} 대 {lighter_weight:.3}) {metric}에는 `{lighter}`가 더 기여합니다 ({lighter_contribution:.4} 대 {heavier_contribution:.4}, 한 모델씩 빼기).")
        .with_hint(
            "Learn the weights on a validation set (--val … --optimize caruana or logloss) instead of setting them by hand.",
            "가중치를 손으로 정하지 말고 검증 세트에서 학습하십시오 (--val … --optimize caruana 또는 logloss)."),
    Check::new("weights_fit_on_test", Warn, Ensemble,
        "The weights ({method}) were learned on the test set itself (--allow-test-fit): the ensemble's test metrics are optimistic.",
        "가중치({method})를 테스트 세트 자체에서 학습했습니다 (--allow-test-fit): 앙상블의 테스트 지표는 낙관적입니다.")
        .with_hint(
            "Learn the weights on held-out validation predictions (--val) and report on the test set.",
            "가중치는 별도의 검증 예측(--val)에서 학습하고 테스트 세트에서 보고하십시오."),
    Check::new("label_review_in_sample", Warn, Ensemble,
        "The label review reads in-sample probabilities ({reason|weights_fit_on_reviewed_rows:the ensemble's weights were learned on the reviewed rows|declared:--in-sample says the members were trained on the reviewed rows}): re-labelling with a model's own confident predictions only confirms what it already believes.",
        "레이블 검토가 표본 내 확률을 읽습니다 ({reason|weights_fit_on_reviewed_rows:앙상블 가중치를 검토한 행에서 학습했습니다|declared:--in-sample: 구성 모델이 검토한 행으로 학습되었습니다}): 모델 자신의 확신 있는 예측으로 레이블을 고치면 모델이 이미 믿는 것만 확인하게 됩니다.")
        .with_hint(
            "Review labels with out-of-fold probabilities (cross_val_predict, or a model that never saw the rows).",
            "교차 검증 밖(out-of-fold) 확률이나 그 행을 본 적 없는 모델의 확률로 레이블을 검토하십시오."),
    ]
};

/// The registry line of `id`.
pub fn check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

/// What a finding is about, within its [`Scope`] (the model of a comparison is
/// [`Finding::model`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The scope as a whole: the eval set, the model's predictions, the comparison, the inputs.
    Whole,
    /// A class (its index; its name is the figure `class`).
    Class(usize),
    /// The optimal threshold chosen by a rule (`youden`, `max_f1`).
    Threshold(&'static str),
    /// Retrieval embeddings of one input.
    Embeddings(EmbeddingRole),
    /// A split, by name (`verdict splits check`).
    Split(String),
    /// A metadata column of the split manifests, by name.
    Column(String),
}

/// Which embeddings a retrieval finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmbeddingRole {
    /// The query embeddings (`--query`), with a separate gallery.
    Query,
    /// The gallery embeddings (`--gallery`).
    Gallery,
    /// Leave-one-out: the query embeddings are also the gallery.
    QueryAndGallery,
}

impl EmbeddingRole {
    /// `query`, `gallery` or `query_and_gallery`: the value of the figure `role`, which templates
    /// choose their wording by.
    pub fn as_str(self) -> &'static str {
        match self {
            EmbeddingRole::Query => "query",
            EmbeddingRole::Gallery => "gallery",
            EmbeddingRole::QueryAndGallery => "query_and_gallery",
        }
    }
}

/// An observed figure, named in a [`Finding`] and filled into its message.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// A count (samples, classes, rows, groups…).
    Count(u64),
    /// A number: a rate, a p-value, a threshold. The placeholder says how it is written.
    Number(f64),
    /// A word or a name: a class name, a rule, a role.
    Text(String),
    /// Row indices (counted from 0): the first few named, of `total` in all.
    Indices {
        /// The rows named.
        shown: Vec<usize>,
        /// How many rows there are in all (more than `shown.len()`: the list ends with `…`).
        total: usize,
    },
}

/// One occurrence of a check: what the reader is told, with the figures that say it. Made by the
/// check's constructor function ([`small_eval_set`], …), never field by field, so that the figures
/// always match the check's templates and new fields get their defaults in [`Finding::new`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Finding {
    /// The check's id (a line of [`CHECKS`]).
    pub check: &'static str,
    /// Its status (the check's default unless a caller decides otherwise).
    pub status: Status,
    /// What it is about.
    pub subject: Subject,
    /// In a comparison, the model (index into the comparison's models) the finding is about.
    pub model: Option<usize>,
    /// The observed figures, by the names the message templates use.
    pub observed: Vec<(&'static str, Figure)>,
    /// The rule that decided the status: its thresholds, or the test and its p-value, by name.
    pub rule: Vec<(&'static str, Figure)>,
}

impl Finding {
    /// A finding of the check `id` about `subject`, with the check's default status and no
    /// figures yet.
    pub fn new(id: &'static str, subject: Subject) -> Finding {
        debug_assert!(check(id).is_some(), "unregistered check {id}");
        Finding {
            check: id,
            status: check(id).map_or(Status::Warn, |c| c.status),
            subject,
            model: None,
            observed: Vec::new(),
            rule: Vec::new(),
        }
    }

    /// Adds the rule parameter `name`.
    pub fn with_rule(mut self, name: &'static str, figure: Figure) -> Finding {
        self.rule.push((name, figure));
        self
    }

    /// The same finding with `status` (for checks whose status is graded, such as `overfitting`).
    pub fn with_status(mut self, status: Status) -> Finding {
        self.status = status;
        self
    }

    /// Adds the figure `name`.
    pub fn with(mut self, name: &'static str, figure: Figure) -> Finding {
        self.observed.push((name, figure));
        self
    }

    /// The same finding, said of model `model` of a comparison.
    pub fn for_model(mut self, model: usize) -> Finding {
        self.model = Some(model);
        self
    }

    /// The registry line of the finding's check.
    pub fn definition(&self) -> Option<&'static Check> {
        check(self.check)
    }

    /// The check's scope.
    pub fn scope(&self) -> Option<Scope> {
        self.definition().map(|c| c.scope)
    }

    /// True for a finding about the **eval set** rather than the model ([`Scope::EvalSet`]):
    /// `small_eval_set`, `small_class` and `few_groups` depend only on the rows, their labels and
    /// their groups (`eval::eval_set_warnings`), never on the scores, the threshold or the metric,
    /// so every model scored on one eval set gets the same ones, and a comparison says them once.
    pub fn is_eval_set(&self) -> bool {
        self.scope() == Some(Scope::EvalSet)
    }

    /// The figure `name`.
    pub fn figure(&self, name: &str) -> Option<&Figure> {
        self.observed
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| f)
    }

    /// The figure `name` as a number (counts converted), when it is one.
    pub fn number(&self, name: &str) -> Option<f64> {
        match self.figure(name)? {
            Figure::Count(c) => Some(*c as f64),
            Figure::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// The figure `name` as text, when it is text.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.figure(name)? {
            Figure::Text(t) => Some(t),
            _ => None,
        }
    }
}

fn int(n: impl TryInto<u64>) -> Figure {
    Figure::Count(n.try_into().unwrap_or(u64::MAX))
}

/// The name of class `index` in `classes` (its index as text when there is no such class).
pub fn class_name(classes: &[String], index: usize) -> String {
    classes
        .get(index)
        .cloned()
        .unwrap_or_else(|| index.to_string())
}

/// `small_eval_set`: fewer than 100 samples (`n`).
pub fn small_eval_set(n: usize) -> Finding {
    Finding::new("small_eval_set", Subject::Whole).with("n", int(n))
}

/// `small_class`: class `class` (named `name`) has only `n` (< 30) samples.
pub fn small_class(class: usize, name: String, n: u64) -> Finding {
    Finding::new("small_class", Subject::Class(class))
        .with("class", Figure::Text(name))
        .with("n", int(n))
}

/// `few_groups`: the cluster bootstrap has only `groups` (< 30) groups.
pub fn few_groups(groups: usize) -> Finding {
    Finding::new("few_groups", Subject::Whole).with("groups", int(groups))
}

/// `class_never_predicted`: class `class` (named `name`) is never predicted.
pub fn class_never_predicted(class: usize, name: String) -> Finding {
    Finding::new("class_never_predicted", Subject::Class(class)).with("class", Figure::Text(name))
}

/// `prediction_collapse`: class `class` (named `name`) receives `predicted` of the `n`
/// predictions (≥ 90%) while it is only `true_share` of the labels (20 points less or more).
pub fn prediction_collapse(
    class: usize,
    name: String,
    predicted: u64,
    n: u64,
    true_share: f64,
) -> Finding {
    Finding::new("prediction_collapse", Subject::Class(class))
        .with("class", Figure::Text(name))
        .with("predicted", int(predicted))
        .with("n", int(n))
        .with(
            "predicted_share",
            Figure::Number(predicted as f64 / n as f64),
        )
        .with("true_share", Figure::Number(true_share))
}

/// `not_above_majority`: `accuracy` is not significantly above `majority_rate` (one-sided exact
/// binomial test with `p_value`, α = 0.05).
pub fn not_above_majority(accuracy: f64, majority_rate: f64, p_value: f64) -> Finding {
    Finding::new("not_above_majority", Subject::Whole)
        .with("accuracy", Figure::Number(accuracy))
        .with("majority_rate", Figure::Number(majority_rate))
        .with("p_value", Figure::Number(p_value))
}

/// `degenerate_threshold`: the optimal threshold of `rule` (`youden`, `max_f1`) sits at the extreme
/// of the score range, with `positive_share` of the samples predicted positive at it.
pub fn degenerate_threshold(rule: &'static str, threshold: f64, positive_share: f64) -> Finding {
    Finding::new("degenerate_threshold", Subject::Threshold(rule))
        .with("criterion", Figure::Text(rule.to_string()))
        .with("threshold", Figure::Number(threshold))
        .with("positive_share", Figure::Number(positive_share))
}

/// `overconfidence`: `errors` of the `n` predictions made with confidence ≥ `level` are wrong,
/// significantly more than the `1 − level` a calibrated model allows (one-sided exact binomial
/// test with `p_value`).
pub fn overconfidence(n: u64, errors: u64, level: f64, p_value: f64) -> Finding {
    Finding::new("overconfidence", Subject::Whole)
        .with("n", int(n))
        .with("errors", int(errors))
        .with("level", Figure::Number(level))
        .with(
            "error_rate",
            Figure::Number(errors as f64 / n.max(1) as f64),
        )
        .with("allowed", Figure::Number(1.0 - level))
        .with("p_value", Figure::Number(p_value))
        .with_rule(
            "test",
            Figure::Text("one-sided exact binomial, α = 0.05".into()),
        )
        .with_rule("min_predictions", Figure::Count(30))
}

/// `normalized_rows`: `rows` of the `n` probability rows did not sum to 1 (the largest
/// `|sum − 1|` was `max_deviation`) and were divided by their sum when read.
pub fn normalized_rows(rows: usize, max_deviation: f64, n: usize) -> Finding {
    Finding::new("normalized_rows", Subject::Whole)
        .with("rows", int(rows))
        .with("n", int(n))
        .with("max_deviation", Figure::Number(max_deviation))
}

/// `paired_by_position`: no file has an id column, so row `i` of every file was taken as the same
/// sample.
pub fn paired_by_position() -> Finding {
    Finding::new("paired_by_position", Subject::Whole)
}

/// `threshold_chosen_on_test`: per-model thresholds were chosen on the test set (no `--val`).
pub fn threshold_chosen_on_test() -> Finding {
    Finding::new("threshold_chosen_on_test", Subject::Whole)
}

/// `shallow_depth`: `--depth` (`depth`) is below the largest R (`max_r`), so MAP@R and
/// R-precision were left out.
pub fn shallow_depth(max_r: usize, depth: usize) -> Finding {
    Finding::new("shallow_depth", Subject::Whole)
        .with("max_r", int(max_r))
        .with("depth", int(depth))
}

/// `duplicate_embeddings`: `rows` gallery rows repeat an earlier row exactly.
pub fn duplicate_embeddings(rows: usize) -> Finding {
    Finding::new(
        "duplicate_embeddings",
        Subject::Embeddings(EmbeddingRole::Gallery),
    )
    .with("rows", int(rows))
}

/// `queries_missing_from_run`: `queries` judged queries are not in the run.
pub fn queries_missing_from_run(queries: usize) -> Finding {
    Finding::new("queries_missing_from_run", Subject::Whole).with("queries", int(queries))
}

/// `k_exceeds_pool`: `queries` ranked lists are shorter than the largest cut-off `k` (the
/// shortest has `shortest` items).
pub fn k_exceeds_pool(queries: usize, k: usize, shortest: usize) -> Finding {
    Finding::new("k_exceeds_pool", Subject::Whole)
        .with("queries", int(queries))
        .with("k", int(k))
        .with("shortest", int(shortest))
}

/// `zero_embeddings`: `count` all-zero embeddings of `role` under cosine similarity, the first of
/// them `rows` (counted from 0). A zero vector has no direction and is scored 0 against everything
/// (`knn` module docs), so its ranking is the tie order, not the model's.
pub fn zero_embeddings(role: EmbeddingRole, rows: Vec<usize>, count: usize) -> Finding {
    Finding::new("zero_embeddings", Subject::Embeddings(role))
        .with("role", Figure::Text(role.as_str().to_string()))
        .with("count", int(count))
        .with(
            "rows",
            Figure::Indices {
                shown: rows,
                total: count,
            },
        )
}

fn text(t: impl Into<String>) -> Figure {
    Figure::Text(t.into())
}

fn yes_no(b: bool) -> Figure {
    text(if b { "yes" } else { "no" })
}

/// The status of an overfitting severity: `none` passes, `mild` is information, `moderate` a
/// warning, `severe` and `extreme` fail.
pub fn overfitting_status(severity: crate::curves::Severity) -> Status {
    use crate::curves::Severity;
    match severity {
        Severity::None => Status::Pass,
        Severity::Mild => Status::Info,
        Severity::Moderate => Status::Warn,
        Severity::Severe | Severity::Extreme => Status::Fail,
    }
}

/// `overfitting`: the validation curve `val_metric` judged by `rule` ([`crate::curves::overfitting`];
/// status by [`overfitting_status`]). `train_metric` is the training curve's key, when there is one.
pub fn overfitting(
    o: &crate::curves::Overfitting,
    val_metric: &str,
    train_metric: Option<&str>,
    rule: &crate::curves::OverfitRule,
) -> Finding {
    Finding::new("overfitting", Subject::Whole)
        .with_status(overfitting_status(o.severity))
        .with("severity", text(o.severity.as_str()))
        .with("val_metric", text(val_metric))
        .with("best_epoch", int(o.best + 1))
        .with("epochs", int(o.epochs))
        .with(
            "best_step",
            u64::try_from(o.best_step).map_or(Figure::Number(o.best_step as f64), Figure::Count),
        )
        .with("best", Figure::Number(o.best_value))
        .with("last", Figure::Number(o.last_value))
        .with("non_finite", yes_no(o.non_finite_after_best))
        .with("worsening", Figure::Number(o.r))
        .with("wasted", int(o.wasted))
        .with(
            "train_improving",
            match o.train_improving {
                Some(b) => yes_no(b),
                None => text("unknown"),
            },
        )
        .with("train_metric", text(train_metric.unwrap_or("-")))
        .with_rule("mild", Figure::Number(rule.mild))
        .with_rule("moderate", Figure::Number(rule.moderate))
        .with_rule("severe", Figure::Number(rule.severe))
        .with_rule("extreme", Figure::Number(rule.extreme))
        .with_rule("early_share", Figure::Number(rule.early_share))
        .with_rule("early_min_epochs", int(rule.early_min_epochs))
        .with_rule("base_severity", text(o.base.as_str()))
        .with_rule("early", yes_no(o.early))
}

/// `training_failed`: why the curve `val_metric` says training failed
/// ([`crate::curves::training_failed`]). Figures a reason does not use are NaN.
pub fn training_failed(
    failure: &crate::curves::TrainingFailure,
    val_metric: &str,
    rule: &crate::curves::FailedRule,
) -> Finding {
    use crate::curves::TrainingFailure;
    let (reason, best, chance, needed, first, best_later, at) = match *failure {
        TrainingFailure::NearChance {
            best,
            chance,
            needed,
        } => ("near_chance", best, chance, needed, f64::NAN, f64::NAN, 0),
        TrainingFailure::LossNeverDecreased { first, best_later } => (
            "loss_never_decreased",
            f64::NAN,
            f64::NAN,
            f64::NAN,
            first,
            best_later,
            0,
        ),
        TrainingFailure::NonFinite { at } => (
            "non_finite",
            f64::NAN,
            f64::NAN,
            f64::NAN,
            f64::NAN,
            f64::NAN,
            at + 1,
        ),
    };
    Finding::new("training_failed", Subject::Whole)
        .with("reason", text(reason))
        .with("val_metric", text(val_metric))
        .with("best", Figure::Number(best))
        .with("chance", Figure::Number(chance))
        .with("needed", Figure::Number(needed))
        .with("first", Figure::Number(first))
        .with("best_later", Figure::Number(best_later))
        .with("at_epoch", int(at))
        .with_rule("chance_gap", Figure::Number(rule.chance_gap))
}

/// `implausible_validation`: the best `val_metric` is `best` at epoch `best_epoch` (1-based);
/// `val_rows` is the validation set's size when a dataset input of the run gives it.
pub fn implausible_validation(
    val_metric: &str,
    best_epoch: usize,
    best: f64,
    val_rows: Option<u64>,
    rule: &crate::curves::ImplausibleRule,
) -> Finding {
    Finding::new("implausible_validation", Subject::Whole)
        .with("val_metric", text(val_metric))
        .with("best_epoch", int(best_epoch))
        .with("best", Figure::Number(best))
        .with(
            "val_rows",
            text(val_rows.map_or_else(|| "unknown".to_string(), |n| n.to_string())),
        )
        .with_rule("loss_below", Figure::Number(rule.loss_below))
        .with_rule("score_at_least", Figure::Number(rule.score_at_least))
}

/// The validation value and the test evaluation's value of one metric pair, for
/// [`val_test_gap`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValTest<'a> {
    /// The validation curve's key.
    pub val_metric: &'a str,
    /// Its value at the best epoch.
    pub val: f64,
    /// The test metric's name in the evaluation.
    pub test_metric: &'a str,
    /// The stored evaluation's name.
    pub eval: &'a str,
    /// The test value.
    pub test: f64,
    /// Its interval.
    pub ci: (f64, f64),
}

/// `val_test_gap`: the validation value lies outside the test metric's interval (status `warn`),
/// or inside it (`pass`).
pub fn val_test_gap(v: &ValTest<'_>) -> Finding {
    let gap = !(v.ci.0 <= v.val && v.val <= v.ci.1);
    let f = Finding::new("val_test_gap", Subject::Whole);
    let f = if gap { f } else { f.with_status(Status::Pass) };
    f.with("gap", yes_no(gap))
        .with("val_metric", text(v.val_metric))
        .with("val", Figure::Number(v.val))
        .with("test_metric", text(v.test_metric))
        .with("eval", text(v.eval))
        .with("test", Figure::Number(v.test))
        .with("ci_low", Figure::Number(v.ci.0))
        .with("ci_high", Figure::Number(v.ci.1))
        .with_rule("test", text("validation value outside the test interval"))
}

/// `split_changed`: an experiment's `eval` evaluations span `fingerprints` (each with its run
/// count, newest first); `older_best` names the runs that are best only on an older eval set.
pub fn split_changed(
    eval: &str,
    fingerprints: &[(String, usize)],
    older_best: &[String],
) -> Finding {
    changed("evaluation", eval, fingerprints, older_best)
}

/// `split_changed` for recorded splits (`verdict splits check --run`): the experiment's runs
/// recorded `sets` different splits of `context`; `runs` says which runs share which split.
pub fn recorded_split_changed(
    context: &str,
    fingerprints: &[(String, usize)],
    runs: &[String],
) -> Finding {
    changed("split", context, fingerprints, runs)
}

fn changed(kind: &str, eval: &str, fingerprints: &[(String, usize)], names: &[String]) -> Finding {
    let list: Vec<String> = fingerprints
        .iter()
        .map(|(f, n)| format!("{f}: {n} {}", if *n == 1 { "run" } else { "runs" }))
        .collect();
    Finding::new("split_changed", Subject::Whole)
        .with("kind", text(kind))
        .with("eval", text(eval))
        .with("sets", int(fingerprints.len()))
        .with("fingerprints", text(list.join(", ")))
        .with(
            "older_best",
            text(if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }),
        )
}

/// `"-"` for an empty list (the split findings' list figures).
fn list_or_none(s: String) -> Figure {
    text(if s.is_empty() { "-".to_string() } else { s })
}

/// `group_leakage`: `groups` of the `total` groups are in more than one split; `shared` names
/// the first [`crate::splits::SplitRules::listed`] (largest first) with their rows per split,
/// `held` the rows they hold in each split (of its rows).
pub fn group_leakage(
    groups: u64,
    total: u64,
    shared: String,
    held: String,
    rules: &crate::splits::SplitRules,
) -> Finding {
    Finding::new("group_leakage", Subject::Whole)
        .with("groups", int(groups))
        .with("total", int(total))
        .with("shared", text(shared))
        .with("held", text(held))
        .with_rule("listed", int(rules.listed))
}

/// `id_overlap` or `duplicate_content` (`id`): `across` keys (ids, content hashes) are in more
/// than one split (`shared` names them), `within` rows repeat a key of their own split (per split
/// in `within_splits`). Keys across splits keep the check's default status (`warn` for ids,
/// `fail` for content); repeats within a split only are `warn`.
pub fn duplicate_keys(
    id: &'static str,
    across: u64,
    shared: String,
    within: u64,
    within_splits: String,
) -> Finding {
    let f = Finding::new(id, Subject::Whole);
    let f = if across == 0 {
        f.with_status(Status::Warn)
    } else {
        f
    };
    f.with("across", int(across))
        .with("shared", list_or_none(shared))
        .with("within", int(within))
        .with("within_splits", list_or_none(within_splits))
}

/// `label_drift`: `cells` (split, class) pairs where the class is absent or under
/// `rules.min_class` (`scarce` names them): `warn`; none, but a significant chi-squared test of
/// homogeneity `h` (p < `rules.alpha`): `info`.
pub fn label_drift(
    cells: u64,
    scarce: String,
    h: Option<crate::splits::Homogeneity>,
    rules: &crate::splits::SplitRules,
) -> Finding {
    let f = Finding::new("label_drift", Subject::Whole);
    let f = if cells == 0 {
        f.with_status(Status::Info)
    } else {
        f
    };
    let nan = f64::NAN;
    f.with("kind", text(if cells > 0 { "scarce" } else { "differs" }))
        .with("cells", int(cells))
        .with("min_class", int(rules.min_class))
        .with("scarce", list_or_none(scarce))
        .with("test", yes_no(h.is_some()))
        .with("chi2", Figure::Number(h.map_or(nan, |h| h.chi2)))
        .with("dof", int(h.map_or(0, |h| h.dof)))
        .with("p_value", Figure::Number(h.map_or(nan, |h| h.p_value)))
        .with("cramers_v", Figure::Number(h.map_or(nan, |h| h.cramers_v)))
        .with_rule(
            "test",
            text("Pearson chi-squared test of homogeneity, no continuity correction"),
        )
        .with_rule("alpha", Figure::Number(rules.alpha))
        .with_rule("min_class", int(rules.min_class))
}

/// `metadata_shortcut`: the metadata column `column` has normalised mutual information `nmi`
/// with the label; `value` is its value with the largest majority-label share, `overall_share`
/// the majority share of all rows.
pub fn metadata_shortcut(
    column: &str,
    nmi: f64,
    value: &crate::splits::ValueShare,
    overall_share: f64,
    rules: &crate::splits::SplitRules,
) -> Finding {
    Finding::new("metadata_shortcut", Subject::Column(column.to_string()))
        .with("column", text(column))
        .with("nmi", Figure::Number(nmi))
        .with("value", text(value.value.clone()))
        .with("n", int(value.n))
        .with("majority_label", text(value.majority_label.clone()))
        .with("share", Figure::Number(value.share))
        .with("level", Figure::Number(rules.level))
        .with("ci_low", Figure::Number(value.ci.0))
        .with("ci_high", Figure::Number(value.ci.1))
        .with("overall_share", Figure::Number(overall_share))
        .with_rule("shortcut_share", Figure::Number(rules.shortcut_share))
        .with_rule("shortcut_min_n", int(rules.shortcut_min_n))
        .with_rule("shortcut_gap", Figure::Number(rules.shortcut_gap))
        .with_rule("shortcut_nmi", Figure::Number(rules.shortcut_nmi))
}

/// The figures of one [`condition_mismatch`].
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch<'a> {
    /// The metadata column.
    pub column: &'a str,
    /// The values present in `present` and absent or rare in `missing` (a list, the first
    /// [`crate::splits::SplitRules::listed`] by rows).
    pub values: String,
    /// How many values.
    pub count: u64,
    /// The split where they are present.
    pub present: &'a str,
    /// Their rows there.
    pub rows: u64,
    /// Their share of that split's rows.
    pub share: f64,
    /// The split where they are absent or rare.
    pub missing: &'a str,
    /// True when none of them occurs in `missing` at all.
    pub absent: bool,
}

/// `condition_mismatch`: values of a metadata column that are at least `rules.condition_share`
/// of one split and under it in another.
pub fn condition_mismatch(m: &Mismatch<'_>, rules: &crate::splits::SplitRules) -> Finding {
    Finding::new("condition_mismatch", Subject::Column(m.column.to_string()))
        .with("column", text(m.column))
        .with("values", text(m.values.clone()))
        .with("count", int(m.count))
        .with("present", text(m.present))
        .with("rows", int(m.rows))
        .with("share", Figure::Number(m.share))
        .with("missing", text(m.missing))
        .with("absent", yes_no(m.absent))
        .with("condition_share", Figure::Number(rules.condition_share))
}

/// `small_split`: the split's accuracy interval (or its group-level one) is wider than
/// ±`rules.max_half_width`.
pub fn small_split(s: &crate::splits::SmallSplit, rules: &crate::splits::SplitRules) -> Finding {
    Finding::new("small_split", Subject::Split(s.split.clone()))
        .with("split", text(s.split.clone()))
        .with("n", int(s.n))
        .with("level", Figure::Number(rules.level))
        .with("half_width", Figure::Number(s.accuracy_half_width))
        .with("grouped", yes_no(s.groups.is_some()))
        .with("groups", int(s.groups.unwrap_or(0)))
        .with(
            "group_half_width",
            Figure::Number(s.group_half_width.unwrap_or(f64::NAN)),
        )
        .with("max_half_width", Figure::Number(rules.max_half_width))
        .with_rule("rate", Figure::Number(0.5))
        .with_rule("interval", text("Wilson"))
}

/// One member's leave-one-member-out effect on the ensemble's headline metric, the input of the
/// ensemble checks ([`member_findings`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution<'a> {
    /// The member's index in the ensemble (what [`Finding::model`] names).
    pub index: usize,
    /// The member's name.
    pub member: &'a str,
    /// Its normalised weight in the ensemble.
    pub weight: f64,
    /// The metric without the member minus the metric with it (raw difference).
    pub delta: f64,
    /// What the member adds, in the metric's better direction: `-delta` when higher is better,
    /// `delta` when lower is better. Positive: the ensemble is better with the member.
    pub contribution: f64,
    /// The paired-bootstrap interval of `delta`, when a bootstrap ran.
    pub ci: Option<(f64, f64)>,
    /// The paired-bootstrap p-value of `delta`, when a bootstrap ran.
    pub p_value: Option<f64>,
}

impl Contribution<'_> {
    fn significant(&self, alpha: f64) -> bool {
        self.p_value.is_some_and(|p| p < alpha)
    }
}

/// How many times the next largest contribution one member's must be for `dominant_member`.
pub const DOMINANT_RATIO: f64 = 3.0;

/// `ensemble_not_better`: the ensemble's headline metric is not significantly better than its
/// best member's (`p` is the comparison's headline p-value, `test` its name).
pub fn ensemble_not_better(
    member: &str,
    metric: &str,
    ensemble: f64,
    best: f64,
    test: &str,
    p: f64,
) -> Finding {
    Finding::new("ensemble_not_better", Subject::Whole)
        .with("member", text(member))
        .with("metric", text(metric))
        .with("ensemble", Figure::Number(ensemble))
        .with("best", Figure::Number(best))
        .with("delta", Figure::Number(ensemble - best))
        .with("test", text(test))
        .with("p_value", Figure::Number(p))
}

/// The ensemble checks on the members' leave-one-member-out contributions (in member order,
/// `metric` their metric, `alpha` the significance level, `level` the intervals'):
/// - `dead_member` for every member whose removal changes nothing significant (no bootstrap
///   p-value, or `p ≥ alpha`), `harmful_member` for one whose removal makes the ensemble
///   significantly better (`p < alpha`, negative contribution);
/// - `dominant_member` for the member with the largest contribution when that contribution is
///   positive and significant and every other member's is at most `1 /`[`DOMINANT_RATIO`] of it
///   (ties for the largest: the first member);
/// - `weight_contribution_mismatch` once, for the pair where a member with a larger weight
///   contributes less than one with a smaller weight whose contribution is significant, the pair
///   with the largest contribution gap (ties: the first pair in member order).
pub fn member_findings(
    members: &[Contribution<'_>],
    metric: &str,
    alpha: f64,
    level: f64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in members {
        let harmful = c.significant(alpha) && c.contribution < 0.0;
        if !c.significant(alpha) || harmful {
            let (lo, hi) = c.ci.unwrap_or((f64::NAN, f64::NAN));
            let id = if harmful {
                "harmful_member"
            } else {
                "dead_member"
            };
            out.push(
                Finding::new(id, Subject::Whole)
                    .for_model(c.index)
                    .with("member", text(c.member))
                    .with("weight", Figure::Number(c.weight))
                    .with("metric", text(metric))
                    .with("delta", Figure::Number(c.delta))
                    .with("level", Figure::Number(level))
                    .with("ci_low", Figure::Number(lo))
                    .with("ci_high", Figure::Number(hi))
                    .with("p_value", Figure::Number(c.p_value.unwrap_or(f64::NAN)))
                    .with_rule("alpha", Figure::Number(alpha)),
            );
            if !harmful && let Some(f) = out.last_mut() {
                // `harmful` is significant, so it is always measured.
                f.observed
                    .push(("measured", yes_no(c.ci.is_some() && c.p_value.is_some())));
            }
        }
    }
    let top = (0..members.len()).fold(None::<usize>, |best, i| match best {
        Some(b) if members[b].contribution >= members[i].contribution => Some(b),
        _ => Some(i),
    });
    if let Some(t) = top {
        let c = &members[t];
        let next =
            (0..members.len())
                .filter(|&i| i != t)
                .fold(None::<usize>, |best, i| match best {
                    Some(b) if members[b].contribution >= members[i].contribution => Some(b),
                    _ => Some(i),
                });
        let next_value = next.map_or(0.0, |n| members[n].contribution);
        if c.contribution > 0.0
            && c.significant(alpha)
            && next.is_some()
            && next_value * DOMINANT_RATIO <= c.contribution
        {
            let n = next.map(|n| &members[n]);
            out.push(
                Finding::new("dominant_member", Subject::Whole)
                    .for_model(c.index)
                    .with("member", text(c.member))
                    .with("metric", text(metric))
                    .with("contribution", Figure::Number(c.contribution))
                    .with("next_positive", yes_no(next_value > 0.0))
                    .with("ratio", Figure::Number(c.contribution / next_value))
                    .with("next_member", text(n.map_or("", |n| n.member)))
                    .with("next", Figure::Number(next_value))
                    .with_rule("ratio", Figure::Number(DOMINANT_RATIO)),
            );
        }
    }
    let mut worst: Option<(usize, usize, f64)> = None;
    for (h, heavier) in members.iter().enumerate() {
        for (l, lighter) in members.iter().enumerate() {
            let gap = lighter.contribution - heavier.contribution;
            if heavier.weight > lighter.weight
                && gap > 0.0
                && lighter.significant(alpha)
                && worst.is_none_or(|(_, _, g)| gap > g)
            {
                worst = Some((h, l, gap));
            }
        }
    }
    if let Some((h, l, _)) = worst {
        let (heavier, lighter) = (&members[h], &members[l]);
        out.push(
            Finding::new("weight_contribution_mismatch", Subject::Whole)
                .with("heavier", text(heavier.member))
                .with("lighter", text(lighter.member))
                .with("heavier_weight", Figure::Number(heavier.weight))
                .with("lighter_weight", Figure::Number(lighter.weight))
                .with("heavier_contribution", Figure::Number(heavier.contribution))
                .with("lighter_contribution", Figure::Number(lighter.contribution))
                .with("metric", text(metric)),
        );
    }
    out
}

/// `weights_fit_on_test`: the weights (`method`: `caruana` or `logloss`) were learned on the
/// reported rows.
pub fn weights_fit_on_test(method: &str) -> Finding {
    Finding::new("weights_fit_on_test", Subject::Whole).with("method", text(method))
}

/// `label_review_in_sample`: the reviewed probabilities are in-sample; `reason` is
/// `weights_fit_on_reviewed_rows` or `declared`.
pub fn label_review_in_sample(reason: &'static str) -> Finding {
    Finding::new("label_review_in_sample", Subject::Whole).with("reason", text(reason))
}

/// The placeholders of a parsed template, choices included (their branches' too).
pub fn placeholders<'a>(pieces: &[template::Piece<'a>]) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    fn walk<'a>(pieces: &[template::Piece<'a>], out: &mut BTreeSet<&'a str>) {
        for p in pieces {
            match p {
                template::Piece::Text(_) => {}
                template::Piece::Value { name, .. } => {
                    out.insert(*name);
                }
                template::Piece::Choice { name, branches } => {
                    out.insert(*name);
                    for (_, b) in branches {
                        walk(b, out);
                    }
                }
            }
        }
    }
    walk(pieces, &mut out);
    out
}

/// The message template language: text with placeholders that name a finding's figures.
///
/// * `{name}`: the figure as is: a count as an integer, a number as Rust's shortest round-trip
///   decimal (`0.0001`), a text verbatim, row indices as `3, 17, 40` (and `, …` when more rows
///   than named).
/// * `{name:.N}`: a number with N decimals; `{name:.Ne}`: in scientific notation with N decimals
///   (`1.2e-7`); `{name:%}`: a rate as a percentage with one decimal (`0.125` → `12.5%`).
/// * `{name|key:text|key:text…}`: a choice: the branch whose key matches the figure (a text
///   figure by its value; a count by `one` when it is 1), else the `other` branch. A branch's text
///   is a template itself and runs to the next `|` or the closing `}` (it can contain `:`).
///
/// Outside a choice, `|`, `:` and `}` are plain text; `{` always opens a placeholder.
pub mod template {
    /// How a `{name:spec}` placeholder writes its figure.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Spec {
        /// `{name}`: as is.
        Plain,
        /// `{name:.N}`: N decimals.
        Fixed(usize),
        /// `{name:.Ne}`: scientific, N decimals.
        Scientific(usize),
        /// `{name:%}`: percentage, one decimal.
        Percent,
        /// `{name:+.N}`: N decimals with a sign (`+` for zero and above), for differences.
        Signed(usize),
    }

    /// A piece of a parsed template.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Piece<'a> {
        /// Literal text.
        Text(&'a str),
        /// A figure, written as `spec` says.
        Value {
            /// The figure's name.
            name: &'a str,
            /// How it is written.
            spec: Spec,
        },
        /// A choice between branches by the figure's value.
        Choice {
            /// The figure's name.
            name: &'a str,
            /// `(key, branch)` in template order.
            branches: Vec<(&'a str, Vec<Piece<'a>>)>,
        },
    }

    /// A template that does not parse.
    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub enum TemplateError {
        /// A `{` without its `}`.
        #[error("unclosed placeholder at byte {0}")]
        Unclosed(usize),
        /// A placeholder name that is not snake_case.
        #[error("bad placeholder name `{0}`")]
        BadName(String),
        /// An unknown `:spec`.
        #[error("unknown format spec `{0}`")]
        BadSpec(String),
        /// A choice branch without `key:`.
        #[error("choice branch without a key in `{0}`")]
        BadBranch(String),
    }

    /// Parses `t`.
    pub fn parse(t: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
        let (pieces, end) = pieces(t, 0, false)?;
        debug_assert_eq!(end, t.len());
        Ok(pieces)
    }

    /// Pieces from byte `at` up to the end (top level) or to the `|` / `}` that ends a branch;
    /// returns them and the byte where they stopped.
    fn pieces(
        t: &str,
        mut at: usize,
        in_branch: bool,
    ) -> Result<(Vec<Piece<'_>>, usize), TemplateError> {
        let bytes = t.as_bytes();
        let mut out = Vec::new();
        let mut text_from = at;
        while at < bytes.len() {
            match bytes[at] {
                b'|' | b'}' if in_branch => break,
                b'{' => {
                    if text_from < at {
                        out.push(Piece::Text(&t[text_from..at]));
                    }
                    let (piece, next) = placeholder(t, at)?;
                    out.push(piece);
                    at = next;
                    text_from = at;
                }
                _ => at += 1,
            }
        }
        if text_from < at {
            out.push(Piece::Text(&t[text_from..at]));
        }
        Ok((out, at))
    }

    /// The placeholder opening at byte `open` (a `{`); returns it and the byte after its `}`.
    fn placeholder(t: &str, open: usize) -> Result<(Piece<'_>, usize), TemplateError> {
        let bytes = t.as_bytes();
        let start = open + 1;
        let mut at = start;
        while at < bytes.len()
            && (bytes[at].is_ascii_lowercase() || bytes[at].is_ascii_digit() || bytes[at] == b'_')
        {
            at += 1;
        }
        let name = &t[start..at];
        if name.is_empty() || !bytes[start].is_ascii_lowercase() {
            let upto = t[start..].find('}').map_or(t.len(), |i| start + i);
            return Err(TemplateError::BadName(t[start..upto].to_string()));
        }
        match bytes.get(at) {
            Some(b'}') => Ok((
                Piece::Value {
                    name,
                    spec: Spec::Plain,
                },
                at + 1,
            )),
            Some(b':') => {
                let close = t[at..]
                    .find('}')
                    .map(|i| at + i)
                    .ok_or(TemplateError::Unclosed(open))?;
                let spec = spec(&t[at + 1..close])?;
                Ok((Piece::Value { name, spec }, close + 1))
            }
            Some(b'|') => {
                let mut branches = Vec::new();
                while bytes.get(at) == Some(&b'|') {
                    let key_from = at + 1;
                    let colon = t[key_from..].find(':').map(|i| key_from + i);
                    let key = colon.map(|c| &t[key_from..c]);
                    let (Some(colon), Some(key)) = (colon, key) else {
                        return Err(TemplateError::BadBranch(t[open..].to_string()));
                    };
                    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                        return Err(TemplateError::BadBranch(key.to_string()));
                    }
                    let (branch, end) = pieces(t, colon + 1, true)?;
                    branches.push((key, branch));
                    at = end;
                }
                match bytes.get(at) {
                    Some(b'}') => Ok((Piece::Choice { name, branches }, at + 1)),
                    _ => Err(TemplateError::Unclosed(open)),
                }
            }
            Some(_) => {
                let upto = t[start..].find('}').map_or(t.len(), |i| start + i);
                Err(TemplateError::BadName(t[start..upto].to_string()))
            }
            None => Err(TemplateError::Unclosed(open)),
        }
    }

    fn spec(s: &str) -> Result<Spec, TemplateError> {
        let bad = || TemplateError::BadSpec(s.to_string());
        if s == "%" {
            return Ok(Spec::Percent);
        }
        if let Some(d) = s.strip_prefix("+.") {
            return d.parse().map(Spec::Signed).map_err(|_| bad());
        }
        let digits = s.strip_prefix('.').ok_or_else(bad)?;
        let (digits, sci) = match digits.strip_suffix('e') {
            Some(d) => (d, true),
            None => (digits, false),
        };
        let n: usize = digits.parse().map_err(|_| bad())?;
        Ok(if sci {
            Spec::Scientific(n)
        } else {
            Spec::Fixed(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::template::{Piece, Spec, TemplateError, parse};
    use super::*;

    /// One finding of every constructor, with made-up figures.
    fn every_constructor() -> Vec<Finding> {
        vec![
            small_eval_set(80),
            small_class(1, "b".into(), 3),
            few_groups(12),
            class_never_predicted(2, "c".into()),
            prediction_collapse(0, "a".into(), 489, 500, 0.2),
            not_above_majority(0.55, 0.5, 0.217),
            degenerate_threshold("youden", 0.0001, 0.995),
            normalized_rows(3, 2e-5, 100),
            overconfidence(120, 30, 0.9, 1e-6),
            paired_by_position(),
            threshold_chosen_on_test(),
            shallow_depth(120, 100),
            duplicate_embeddings(2),
            queries_missing_from_run(1),
            k_exceeds_pool(3, 10, 4),
            zero_embeddings(EmbeddingRole::Query, vec![0, 4], 2),
            overfitting(
                &moderate_overfit(),
                "val_loss",
                Some("loss"),
                &crate::curves::OverfitRule::default(),
            ),
            training_failed(
                &crate::curves::TrainingFailure::NonFinite { at: 2 },
                "val_loss",
                &crate::curves::FailedRule::default(),
            ),
            implausible_validation(
                "val_loss",
                3,
                0.0003,
                Some(19),
                &crate::curves::ImplausibleRule::default(),
            ),
            split_changed(
                "test",
                &[("sha256:a".into(), 2), ("sha256:b".into(), 1)],
                &[],
            ),
            val_test_gap(&ValTest {
                val_metric: "val_f1",
                val: 0.77,
                test_metric: "f1_macro",
                eval: "test",
                test: 0.61,
                ci: (0.54, 0.68),
            }),
        ]
        .into_iter()
        .chain(split_constructors())
        .collect()
    }

    /// One finding of every split constructor (made-up figures).
    fn split_constructors() -> Vec<Finding> {
        let rules = crate::splits::SplitRules::default();
        let h = crate::splits::Homogeneity {
            chi2: 12.5,
            dof: 4,
            p_value: 0.014,
            cramers_v: 0.1,
        };
        let v = crate::splits::ValueShare {
            value: "x".into(),
            n: 8923,
            majority_label: "normal".into(),
            share: 0.9997,
            ci: (0.999, 0.9999),
        };
        let s = crate::splits::SmallSplit {
            split: "test".into(),
            n: 35529,
            accuracy_half_width: 0.005,
            groups: Some(25),
            group_half_width: Some(0.18),
        };
        vec![
            group_leakage(
                1,
                134,
                "b7 (train 10, test 10)".into(),
                "train 10/920".into(),
                &rules,
            ),
            duplicate_keys(
                "id_overlap",
                2,
                "a (train 1, test 1)".into(),
                0,
                String::new(),
            ),
            duplicate_keys(
                "duplicate_content",
                1,
                "train: a = test: b".into(),
                1,
                "val 1".into(),
            ),
            label_drift(1, "module_resin (val 27)".into(), Some(h), &rules),
            metadata_shortcut("axis", 0.17, &v, 0.61, &rules),
            condition_mismatch(
                &Mismatch {
                    column: "axis",
                    values: "x".into(),
                    count: 1,
                    present: "test",
                    rows: 8923,
                    share: 0.25,
                    missing: "train",
                    absent: true,
                },
                &rules,
            ),
            small_split(&s, &rules),
            ensemble_not_better("bert", "accuracy", 0.962, 0.96, "McNemar", 0.8),
            weights_fit_on_test("caruana"),
            label_review_in_sample("declared"),
        ]
        .into_iter()
        .chain(indexed_findings(
            &[
                contribution("bert", 0.30, 0.05, Some(0.001)),
                contribution("bilstm", 0.30, 0.004, Some(0.30)),
                contribution("lstm", 0.20, 0.012, Some(0.01)),
                contribution("lexicon", 0.20, -0.012, Some(0.01)),
            ],
            "accuracy",
            0.05,
            0.95,
        ))
        .collect()
    }

    fn moderate_overfit() -> crate::curves::Overfitting {
        let c = crate::curves::Curve {
            steps: vec![0, 1, 2, 3],
            values: vec![0.5, 0.4, 0.45, 0.52],
        };
        let o = crate::curves::overfitting(
            &c,
            None,
            crate::curves::Direction::Lower,
            &crate::curves::OverfitRule::default(),
        )
        .expect("finite");
        assert_eq!(o.severity, crate::curves::Severity::Moderate);
        o
    }

    #[test]
    fn ids_are_unique_and_snake_case() {
        let mut seen = BTreeSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(
                !c.id.is_empty()
                    && c.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    && !c.id.starts_with('_')
                    && !c.id.ends_with('_'),
                "{} is not snake_case",
                c.id
            );
        }
    }

    /// The ids the JSON documents have always printed stay exactly as they were.
    #[test]
    fn published_ids_are_kept() {
        for id in [
            "small_eval_set",
            "small_class",
            "class_never_predicted",
            "prediction_collapse",
            "not_above_majority",
            "degenerate_threshold",
            "few_groups",
            "paired_by_position",
            "threshold_chosen_on_test",
            "normalized_rows",
        ] {
            assert!(check(id).is_some(), "{id}");
        }
    }

    /// Every constructor makes a finding of a registered check with its default status, and every
    /// check has a constructor.
    #[test]
    fn constructors_use_registered_checks() {
        let all = every_constructor();
        for f in &all {
            let c = f
                .definition()
                .unwrap_or_else(|| panic!("{} is not registered", f.check));
            assert_eq!(f.status, c.status, "{}", f.check);
        }
        for c in CHECKS {
            assert!(
                all.iter().any(|f| f.check == c.id),
                "no constructor for {}",
                c.id
            );
        }
    }

    /// Every check warns by default but a failed training and the split checks that make a
    /// result optimistic by themselves; the eval-set scope is what a comparison says once.
    #[test]
    fn default_statuses_and_scopes() {
        let fail: Vec<&str> = CHECKS
            .iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| c.id)
            .collect();
        assert_eq!(
            fail,
            ["training_failed", "group_leakage", "duplicate_content"]
        );
        assert!(
            CHECKS
                .iter()
                .all(|c| matches!(c.status, Status::Warn | Status::Fail))
        );
        assert_eq!(
            check("training_failed").map(|c| c.status),
            Some(Status::Fail)
        );
        let set: Vec<&str> = CHECKS
            .iter()
            .filter(|c| c.scope == Scope::EvalSet)
            .map(|c| c.id)
            .collect();
        assert_eq!(set, ["small_eval_set", "small_class", "few_groups"]);
        assert!(small_class(0, "a".into(), 1).is_eval_set());
        assert!(!class_never_predicted(0, "a".into()).is_eval_set());
        assert_eq!(Status::Warn.as_str(), "warn");
        assert!(Status::Fail > Status::Warn && Status::Warn > Status::Info);
    }

    /// Every template parses; its placeholders are exactly the figures of its check's constructor
    /// (a typo in a template or a figure fails here), the same in English and Korean.
    #[test]
    fn templates_name_the_constructors_figures() {
        for f in every_constructor() {
            let c = f.definition().expect("registered");
            let figures: BTreeSet<&str> = f.observed.iter().map(|(n, _)| *n).collect();
            let en = placeholders(&parse(c.message.en).expect(c.id));
            let ko = placeholders(&parse(c.message.ko).expect(c.id));
            assert_eq!(en, ko, "{}: en and ko use different placeholders", c.id);
            for p in &en {
                assert!(figures.contains(p), "{}: no figure `{p}`", c.id);
            }
            // Every figure is said in the message (the JSON gives nothing else).
            for name in &figures {
                assert!(
                    en.contains(name),
                    "{}: figure `{name}` not in the message",
                    c.id
                );
            }
        }
    }

    fn contribution(
        member: &str,
        weight: f64,
        contribution: f64,
        p: Option<f64>,
    ) -> Contribution<'_> {
        Contribution {
            index: 0,
            member,
            weight,
            delta: -contribution,
            contribution,
            ci: p.map(|_| (-contribution - 0.01, -contribution + 0.01)),
            p_value: p,
        }
    }

    /// [`member_findings`] with each contribution's index its position.
    fn indexed_findings(
        members: &[Contribution<'_>],
        metric: &str,
        alpha: f64,
        level: f64,
    ) -> Vec<Finding> {
        let members: Vec<Contribution<'_>> = members
            .iter()
            .enumerate()
            .map(|(index, c)| Contribution { index, ..c.clone() })
            .collect();
        member_findings(&members, metric, alpha, level)
    }

    fn ids_and_models(f: &[Finding]) -> Vec<(&'static str, Option<usize>)> {
        f.iter().map(|f| (f.check, f.model)).collect()
    }

    #[test]
    fn member_rules() {
        // One member carries the ensemble; the others' removals are not significant.
        let members = [
            contribution("bert", 0.30, 0.05, Some(0.001)),
            contribution("bilstm", 0.30, 0.004, Some(0.30)),
            contribution("lstm", 0.25, 0.01, Some(0.20)),
            contribution("lexicon", 0.15, -0.001, Some(0.9)),
        ];
        let f = indexed_findings(&members, "accuracy", 0.05, 0.95);
        assert_eq!(
            ids_and_models(&f),
            [
                ("dead_member", Some(1)),
                ("dead_member", Some(2)),
                ("dead_member", Some(3)),
                ("dominant_member", Some(0)),
            ]
        );
        let dominant = &f[3];
        assert_eq!(dominant.number("ratio"), Some(0.05 / 0.01));
        assert_eq!(dominant.number("next"), Some(0.01));
        // Exactly at the ratio counts; just under it does not.
        let at = [
            contribution("a", 0.5, 0.03, Some(0.001)),
            contribution("b", 0.5, 0.01, Some(0.001)),
        ];
        assert!(
            indexed_findings(&at, "m", 0.05, 0.95)
                .iter()
                .any(|f| f.check == "dominant_member")
        );
        let under = [
            contribution("a", 0.5, 0.0299, Some(0.001)),
            contribution("b", 0.5, 0.01, Some(0.001)),
        ];
        assert!(indexed_findings(&under, "m", 0.05, 0.95).is_empty());
        // A heavier member contributing less than a lighter, significant one; the largest gap.
        let swapped = [
            contribution("a", 0.4, 0.001, Some(0.5)),
            contribution("b", 0.35, 0.002, Some(0.4)),
            contribution("c", 0.25, 0.02, Some(0.01)),
        ];
        let f = indexed_findings(&swapped, "m", 0.05, 0.95);
        let mismatch = f
            .iter()
            .find(|f| f.check == "weight_contribution_mismatch")
            .expect("mismatch");
        assert_eq!(mismatch.text("heavier"), Some("a"));
        assert_eq!(mismatch.text("lighter"), Some("c"));
        // Removing a member significantly helps: harmful, not dead.
        let harm = [
            contribution("a", 0.5, 0.05, Some(0.001)),
            contribution("b", 0.5, -0.02, Some(0.01)),
        ];
        assert_eq!(
            ids_and_models(&indexed_findings(&harm, "m", 0.05, 0.95)),
            [("harmful_member", Some(1)), ("dominant_member", Some(0))]
        );
        // No bootstrap: nothing is significant, every member is dead, nothing dominates.
        let unmeasured = [
            contribution("a", 0.5, 0.05, None),
            contribution("b", 0.5, 0.0, None),
        ];
        assert_eq!(
            ids_and_models(&indexed_findings(&unmeasured, "m", 0.05, 0.95)),
            [("dead_member", Some(0)), ("dead_member", Some(1))]
        );
    }

    #[test]
    fn signed_spec() {
        assert_eq!(
            parse("{d:+.2}"),
            Ok(vec![Piece::Value {
                name: "d",
                spec: Spec::Signed(2)
            }])
        );
        assert!(parse("{d:+x}").is_err());
    }

    #[test]
    fn template_syntax() {
        assert_eq!(
            parse("a {n} b {p:.3} c {x:.1e} {r:%}|: }"),
            Ok(vec![
                Piece::Text("a "),
                Piece::Value {
                    name: "n",
                    spec: Spec::Plain
                },
                Piece::Text(" b "),
                Piece::Value {
                    name: "p",
                    spec: Spec::Fixed(3)
                },
                Piece::Text(" c "),
                Piece::Value {
                    name: "x",
                    spec: Spec::Scientific(1)
                },
                Piece::Text(" "),
                Piece::Value {
                    name: "r",
                    spec: Spec::Percent
                },
                Piece::Text("|: }"),
            ])
        );
        assert_eq!(
            parse("{k|one:1 row: {k}|other:}!"),
            Ok(vec![
                Piece::Choice {
                    name: "k",
                    branches: vec![
                        (
                            "one",
                            vec![
                                Piece::Text("1 row: "),
                                Piece::Value {
                                    name: "k",
                                    spec: Spec::Plain
                                }
                            ]
                        ),
                        ("other", vec![]),
                    ]
                },
                Piece::Text("!"),
            ])
        );
        assert_eq!(parse("{n"), Err(TemplateError::Unclosed(0)));
        assert_eq!(parse("{Bad}"), Err(TemplateError::BadName("Bad".into())));
        assert_eq!(parse("{n:.x}"), Err(TemplateError::BadSpec(".x".into())));
        assert!(matches!(parse("{n|one}"), Err(TemplateError::BadBranch(_))));
        assert_eq!(parse("{n|one:a"), Err(TemplateError::Unclosed(0)));
    }

    #[test]
    fn finding_figures() {
        let f = prediction_collapse(0, "a".into(), 489, 500, 0.2).for_model(1);
        assert_eq!(f.model, Some(1));
        assert_eq!(f.subject, Subject::Class(0));
        assert_eq!(f.number("predicted_share"), Some(489.0 / 500.0));
        assert_eq!(f.number("n"), Some(500.0));
        assert_eq!(f.figure("class"), Some(&Figure::Text("a".into())));
        assert_eq!(f.number("class"), None);
        assert_eq!(class_name(&["x".into()], 3), "3");
    }
}
