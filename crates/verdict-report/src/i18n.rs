//! Every user-facing phrase, per language. Metric names stay scikit-learn's in every language (as
//! the teams' own Korean reports keep "Accuracy", "ROC AUC"); headings, labels and warnings are
//! translated. The warnings' phrases are the message templates of the findings registry
//! (`verdict_core::diagnostics`), rendered by [`crate::findings`].
//!
//! Kept in one module so that a translation is checked in one place and a new front end (a web
//! page, a binding) words things as the reports do: the fixed phrases are [`Phrase`]s read with
//! [`t`] (report headings, plot titles and axis labels, the plots' Markdown links); phrases with
//! numbers or names in them are functions here (the bootstrap line, a verdict line's interval and
//! conclusion, the power line, the retrieval report's header).

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Korean.
    Ko,
}

impl Lang {
    /// Parses `en` / `ko`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The language's code, `en` or `ko` (what [`Lang::parse`] reads, and HTML's `lang`).
    pub fn code(self) -> &'static str {
        self.pick("en", "ko")
    }

    /// `en` or `ko`, whichever is this language's.
    pub fn pick<'a>(self, en: &'a str, ko: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ko => ko,
        }
    }
}

/// Fixed phrases.
#[derive(Debug, Clone, Copy)]
pub enum Phrase {
    /// Report title.
    Title,
    /// "Evaluation set".
    EvalSet,
    /// "File".
    File,
    /// "Task".
    Task,
    /// "Samples".
    Samples,
    /// "Classes".
    Classes,
    /// "Positive class".
    PositiveClass,
    /// "Threshold".
    Threshold,
    /// "Fingerprint".
    Fingerprint,
    /// "Groups".
    Groups,
    /// "Metrics".
    Metrics,
    /// "Metric".
    Metric,
    /// "Value".
    Value,
    /// "CI".
    Interval,
    /// "Per class".
    PerClass,
    /// "Class".
    Class,
    /// "Support".
    Support,
    /// "Confusion matrix".
    ConfusionMatrix,
    /// "Actual".
    Actual,
    /// "Predicted".
    Predicted,
    /// "Most confused".
    MostConfused,
    /// "Count".
    Count,
    /// "Share of errors".
    ShareOfErrors,
    /// "Optimal thresholds".
    Thresholds,
    /// "Rule".
    Rule,
    /// "Calibration".
    Calibration,
    /// "Bin".
    Bin,
    /// "Mean confidence".
    MeanConfidence,
    /// "Accuracy".
    Accuracy,
    /// "Warnings".
    Warnings,
    /// "No warnings."
    NoWarnings,
    /// "Grouped classes".
    Grouped,
    /// "Slices by".
    SlicesBy,
    /// Bootstrap description prefix.
    Bootstrap,
    /// "No intervals (bootstrap off)".
    NoBootstrap,
    /// "confidence".
    Confidence,
    /// "error rate".
    ErrorRate,
    /// "Verdict".
    Verdict,
    /// "Model".
    Model,
    /// "Leaderboard".
    Leaderboard,
    /// "Permutation test".
    Permutation,
    /// "Chosen on".
    ChosenOn,
    /// "Each model at its own threshold".
    OwnThresholds,
    /// "Plots".
    Plots,
    /// Comparison report title.
    CompareTitle,
    /// Retrieval report title.
    RetrievalTitle,
    /// Retrieval comparison report title.
    RetrievalCompareTitle,
    /// Column of the paired randomization test's p-value.
    PRandomization,
    /// Column of the paired bootstrap's p-value.
    PBootstrap,
    /// "all" (every query), as a column header.
    AllQueries,
    /// Title of the ROC plot.
    RocTitle,
    /// Title of the precision-recall plot.
    PrTitle,
    /// Title of the reliability diagram.
    ReliabilityTitle,
    /// Axis label: false positive rate.
    FalsePositiveRate,
    /// Axis label: true positive rate.
    TruePositiveRate,
    /// Axis label: recall.
    Recall,
    /// Axis label: precision.
    Precision,
    /// Legend of a no-skill reference line.
    Chance,
    /// Legend of the reliability diagram's diagonal.
    PerfectCalibration,
    /// Legend of the shaded gap between accuracy and confidence.
    Gap,
    /// Axis label: confidence (the reliability diagram's x axis).
    ConfidenceAxis,
    /// The note on an empty plot.
    NoData,
    /// x axis of a metric's history.
    Step,
    /// The marked best evaluation of a history.
    BestStep,
    /// The ROC plot as an image link of a Markdown report.
    RocLink,
    /// The precision-recall plot as an image link of the evaluation report.
    PrLink,
    /// The precision-recall plot as an image link of the comparison report.
    PrecisionRecallLink,
    /// The reliability diagram as an image link of the evaluation report.
    ReliabilityLink,
    /// A two-system comparison without a metric both report.
    NoMetricToCompare,
    /// The retrieval comparison's randomization test, named in the verdict line.
    PairedRandomizationTest,
    /// The retrieval comparison's bootstrap test, named in the verdict line.
    PairedBootstrap,
    /// "yes" (significant), in a table cell.
    Yes,
    /// "no" (not significant), in a table cell.
    No,
    /// Column of system B's wins, ties and losses over the queries (after B's name).
    WinsTiesLosses,
    /// "Holm-adjusted" (a p-value after Holm's correction, in a verdict line).
    HolmAdjusted,
    /// "exact p" (McNemar's exact binomial p-value).
    ExactP,
    /// "continuity-corrected" (McNemar's χ² with Edwards' correction).
    ContinuityCorrected,
    /// "clustered" (Obuchowski's DeLong for grouped rows).
    Clustered,
    /// "vs" between two values.
    Versus,
    /// Ensemble report title.
    EnsembleTitle,
    /// "Member" (of an ensemble), as a column header.
    Member,
    /// "Weight".
    Weight,
    /// The weights section of the ensemble report.
    WeightsSection,
    /// "Validation file".
    ValidationFile,
    /// The section comparing the ensemble with its members.
    EnsembleVsMembers,
    /// The section comparing the ensemble's weights with the other weightings.
    OtherWeightings,
    /// The leave-one-member-out section.
    LeaveOneOut,
    /// "Contribution" (what a member adds to the ensemble).
    Contribution,
    /// The diversity section.
    Diversity,
    /// Pairwise disagreement, as a column header.
    Disagreement,
    /// Double fault, as a column header.
    DoubleFault,
    /// The label review section.
    LabelReview,
    /// A row's id, as a column header.
    RowId,
    /// The given label, as a column header.
    GivenLabel,
    /// The suggested label, as a column header.
    SuggestedLabel,
    /// Label quality, as a column header.
    LabelQuality,
    /// Header of the noise matrix's first column: given label (rows) by true label (columns).
    GivenByTrue,
    /// Title of the weights plot.
    WeightsPlotTitle,
    /// Title of the leave-one-member-out plot.
    ContributionPlotTitle,
    /// Title of the diversity matrix.
    DiversityPlotTitle,
    /// The weights plot as an image link.
    WeightsLink,
    /// The leave-one-member-out plot as an image link.
    ContributionLink,
    /// The diversity matrix as an image link.
    DiversityLink,
    /// No pair of members has a defined Q statistic.
    NoRedundantPair,
    /// The diversity matrix's note on what Q means.
    QLegend,
}

/// The phrase in `lang`.
pub fn t(lang: Lang, p: Phrase) -> &'static str {
    use Phrase::*;
    match (lang, p) {
        (Lang::En, Title) => "Evaluation report",
        (Lang::Ko, Title) => "평가 보고서",
        (Lang::En, EvalSet) => "Evaluation set",
        (Lang::Ko, EvalSet) => "평가 데이터",
        (Lang::En, File) => "File",
        (Lang::Ko, File) => "파일",
        (Lang::En, Task) => "Task",
        (Lang::Ko, Task) => "과제",
        (Lang::En, Samples) => "Samples",
        (Lang::Ko, Samples) => "샘플 수",
        (Lang::En, Classes) => "Classes",
        (Lang::Ko, Classes) => "클래스",
        (Lang::En, PositiveClass) => "Positive class",
        (Lang::Ko, PositiveClass) => "양성 클래스",
        (Lang::En, Threshold) => "Threshold",
        (Lang::Ko, Threshold) => "임계값",
        (Lang::En, Fingerprint) => "Fingerprint",
        (Lang::Ko, Fingerprint) => "지문(fingerprint)",
        (Lang::En, Groups) => "Groups",
        (Lang::Ko, Groups) => "그룹",
        (Lang::En, Metrics) => "Metrics",
        (Lang::Ko, Metrics) => "지표",
        (Lang::En, Metric) => "Metric",
        (Lang::Ko, Metric) => "지표",
        (Lang::En, Value) => "Value",
        (Lang::Ko, Value) => "값",
        (Lang::En, Interval) => "CI",
        (Lang::Ko, Interval) => "신뢰구간",
        (Lang::En, PerClass) => "Per class",
        (Lang::Ko, PerClass) => "클래스별 성능",
        (Lang::En, Class) => "Class",
        (Lang::Ko, Class) => "클래스",
        (Lang::En, Support) => "Support",
        (Lang::Ko, Support) => "샘플 수",
        (Lang::En, ConfusionMatrix) => "Confusion matrix",
        (Lang::Ko, ConfusionMatrix) => "혼동 행렬",
        (Lang::En, Actual) => "Actual",
        (Lang::Ko, Actual) => "실제",
        (Lang::En, Predicted) => "Predicted",
        (Lang::Ko, Predicted) => "예측",
        (Lang::En, MostConfused) => "Most confused class pairs",
        (Lang::Ko, MostConfused) => "가장 많이 혼동된 클래스 쌍",
        (Lang::En, Count) => "Count",
        (Lang::Ko, Count) => "건수",
        (Lang::En, ShareOfErrors) => "Share of errors",
        (Lang::Ko, ShareOfErrors) => "오류 중 비율",
        (Lang::En, Thresholds) => "Optimal thresholds",
        (Lang::Ko, Thresholds) => "최적 임계값",
        (Lang::En, Rule) => "Rule",
        (Lang::Ko, Rule) => "기준",
        (Lang::En, Calibration) => "Calibration",
        (Lang::Ko, Calibration) => "보정(calibration)",
        (Lang::En, Bin) => "Bin",
        (Lang::Ko, Bin) => "구간",
        (Lang::En, MeanConfidence) => "Mean confidence",
        (Lang::Ko, MeanConfidence) => "평균 신뢰도",
        (Lang::En, Accuracy) => "Accuracy",
        (Lang::Ko, Accuracy) => "정확도",
        (Lang::En, Warnings) => "Warnings",
        (Lang::Ko, Warnings) => "경고",
        (Lang::En, NoWarnings) => "No warnings.",
        (Lang::Ko, NoWarnings) => "경고 없음.",
        (Lang::En, Grouped) => "Grouped classes",
        (Lang::Ko, Grouped) => "클래스 묶음 (이진 평가)",
        (Lang::En, SlicesBy) => "Slices by",
        (Lang::Ko, SlicesBy) => "슬라이스 기준",
        (Lang::En, Bootstrap) => "Intervals",
        (Lang::Ko, Bootstrap) => "신뢰구간",
        (Lang::En, NoBootstrap) => "no intervals (bootstrap off)",
        (Lang::Ko, NoBootstrap) => "신뢰구간 없음 (bootstrap 꺼짐)",
        (Lang::En, Confidence) => "confidence",
        (Lang::Ko, Confidence) => "신뢰도",
        (Lang::En, ErrorRate) => "error rate",
        (Lang::Ko, ErrorRate) => "오류율",
        (Lang::En, Verdict) => "Verdict",
        (Lang::Ko, Verdict) => "결론",
        (Lang::En, Model) => "Model",
        (Lang::Ko, Model) => "모델",
        (Lang::En, Leaderboard) => "Leaderboard",
        (Lang::Ko, Leaderboard) => "순위",
        (Lang::En, Permutation) => "Paired permutation test",
        (Lang::Ko, Permutation) => "대응 순열 검정",
        (Lang::En, ChosenOn) => "Chosen on",
        (Lang::Ko, ChosenOn) => "선택 데이터",
        (Lang::En, OwnThresholds) => "Each model at its own threshold",
        (Lang::Ko, OwnThresholds) => "모델별 최적 임계값",
        (Lang::En, Plots) => "Plots",
        (Lang::Ko, Plots) => "그래프",
        (Lang::En, CompareTitle) => "Model comparison",
        (Lang::Ko, CompareTitle) => "모델 비교 보고서",
        (Lang::En, RetrievalTitle) => "Retrieval evaluation",
        (Lang::Ko, RetrievalTitle) => "검색 평가 보고서",
        (Lang::En, RetrievalCompareTitle) => "Retrieval comparison",
        (Lang::Ko, RetrievalCompareTitle) => "검색 비교 보고서",
        (Lang::En, PRandomization) => "p (randomization)",
        (Lang::Ko, PRandomization) => "p (무작위화 검정)",
        (Lang::En, PBootstrap) => "p (bootstrap)",
        (Lang::Ko, PBootstrap) => "p (부트스트랩)",
        (Lang::En, AllQueries) => "all",
        (Lang::Ko, AllQueries) => "전체",
        (Lang::En, RocTitle) => "ROC curve",
        (Lang::Ko, RocTitle) => "ROC 곡선",
        (Lang::En, PrTitle) => "Precision-recall curve",
        (Lang::Ko, PrTitle) => "정밀도-재현율 곡선",
        (Lang::En, ReliabilityTitle) => "Reliability diagram",
        (Lang::Ko, ReliabilityTitle) => "신뢰도 다이어그램",
        (Lang::En, FalsePositiveRate) => "False positive rate",
        (Lang::Ko, FalsePositiveRate) => "위양성률",
        (Lang::En, TruePositiveRate) => "True positive rate",
        (Lang::Ko, TruePositiveRate) => "진양성률",
        (Lang::En, Recall) => "Recall",
        (Lang::Ko, Recall) => "재현율",
        (Lang::En, Precision) => "Precision",
        (Lang::Ko, Precision) => "정밀도",
        (Lang::En, Chance) => "Chance",
        (Lang::Ko, Chance) => "무작위",
        (Lang::En, PerfectCalibration) => "Perfect calibration",
        (Lang::Ko, PerfectCalibration) => "완벽한 보정",
        (Lang::En, Gap) => "Gap",
        (Lang::Ko, Gap) => "차이",
        (Lang::En, ConfidenceAxis) => "Confidence",
        (Lang::Ko, ConfidenceAxis) => "신뢰도",
        (Lang::En, NoData) => "No data",
        (Lang::Ko, NoData) => "데이터 없음",
        (Lang::En, Step) => "step",
        (Lang::Ko, Step) => "스텝",
        (Lang::En, BestStep) => "best at step",
        (Lang::Ko, BestStep) => "최고 스텝",
        // The English links keep the short names the reports have always used.
        (Lang::En, RocLink) => "ROC",
        (Lang::Ko, RocLink) => "ROC 곡선",
        (Lang::En, PrLink) => "PR",
        (Lang::En, PrecisionRecallLink) => "Precision-recall",
        (Lang::Ko, PrLink | PrecisionRecallLink) => "정밀도-재현율 곡선",
        (Lang::En, ReliabilityLink) => "Reliability",
        (Lang::Ko, ReliabilityLink) => "신뢰도 다이어그램",
        (Lang::En, NoMetricToCompare) => "no metric to compare",
        (Lang::Ko, NoMetricToCompare) => "비교할 지표 없음",
        (Lang::En, PairedRandomizationTest) => "paired randomization test",
        (Lang::Ko, PairedRandomizationTest) => "대응 무작위화 검정",
        (Lang::En, PairedBootstrap) => "paired bootstrap",
        (Lang::Ko, PairedBootstrap) => "대응 부트스트랩",
        (Lang::En, Yes) => "yes",
        (Lang::Ko, Yes) => "예",
        (Lang::En, No) => "no",
        (Lang::Ko, No) => "아니오",
        (Lang::En, WinsTiesLosses) => "wins/ties/losses",
        (Lang::Ko, WinsTiesLosses) => "승/무/패",
        (Lang::En, HolmAdjusted) => "Holm-adjusted",
        (Lang::Ko, HolmAdjusted) => "Holm 보정",
        (Lang::En, ExactP) => "exact p",
        (Lang::Ko, ExactP) => "정확 p",
        (Lang::En, ContinuityCorrected) => "continuity-corrected",
        (Lang::Ko, ContinuityCorrected) => "연속성 보정",
        (Lang::En, Clustered) => "clustered",
        (Lang::Ko, Clustered) => "클러스터",
        (Lang::En, Versus) => "vs",
        (Lang::Ko, Versus) => "대",
        (Lang::En, EnsembleTitle) => "Ensemble report",
        (Lang::Ko, EnsembleTitle) => "앙상블 보고서",
        (Lang::En, Member) => "Member",
        (Lang::Ko, Member) => "구성 모델",
        (Lang::En, Weight) => "Weight",
        (Lang::Ko, Weight) => "가중치",
        (Lang::En, WeightsSection) => "Weights",
        (Lang::Ko, WeightsSection) => "가중치",
        (Lang::En, ValidationFile) => "Validation file",
        (Lang::Ko, ValidationFile) => "검증 파일",
        (Lang::En, EnsembleVsMembers) => "The ensemble against each member",
        (Lang::Ko, EnsembleVsMembers) => "앙상블과 각 구성 모델의 비교",
        (Lang::En, OtherWeightings) => "The ensemble's weights against the other weightings",
        (Lang::Ko, OtherWeightings) => "앙상블 가중치와 다른 가중치의 비교",
        (Lang::En, LeaveOneOut) => "Leave one member out",
        (Lang::Ko, LeaveOneOut) => "한 모델씩 빼기",
        (Lang::En, Contribution) => "Contribution",
        (Lang::Ko, Contribution) => "기여",
        (Lang::En, Diversity) => "Diversity",
        (Lang::Ko, Diversity) => "다양성",
        (Lang::En, Disagreement) => "Disagreement",
        (Lang::Ko, Disagreement) => "불일치",
        (Lang::En, DoubleFault) => "Double fault",
        (Lang::Ko, DoubleFault) => "동시 오류",
        (Lang::En, LabelReview) => "Label review",
        (Lang::Ko, LabelReview) => "레이블 검토",
        (Lang::En, RowId) => "Id",
        (Lang::Ko, RowId) => "행 ID",
        (Lang::En, GivenLabel) => "Given",
        (Lang::Ko, GivenLabel) => "주어진 레이블",
        (Lang::En, SuggestedLabel) => "Suggested",
        (Lang::Ko, SuggestedLabel) => "제안 레이블",
        (Lang::En, LabelQuality) => "Label quality",
        (Lang::Ko, LabelQuality) => "레이블 품질",
        (Lang::En, GivenByTrue) => "Given \\ true",
        (Lang::Ko, GivenByTrue) => "주어진 \\ 실제",
        (Lang::En, WeightsPlotTitle) => "Member weights",
        (Lang::Ko, WeightsPlotTitle) => "구성 모델 가중치",
        (Lang::En, ContributionPlotTitle) => "Leave-one-member-out contributions",
        (Lang::Ko, ContributionPlotTitle) => "한 모델씩 뺐을 때의 기여",
        (Lang::En, DiversityPlotTitle) => "Diversity: Q statistic",
        (Lang::Ko, DiversityPlotTitle) => "다양성: Q 통계량",
        (Lang::En, WeightsLink) => "Weights",
        (Lang::Ko, WeightsLink) => "가중치",
        (Lang::En, ContributionLink) => "Leave one member out",
        (Lang::Ko, ContributionLink) => "한 모델씩 빼기",
        (Lang::En, DiversityLink) => "Diversity",
        (Lang::Ko, DiversityLink) => "다양성",
        (Lang::En, NoRedundantPair) => "No pair of members has a defined Q.",
        (Lang::Ko, NoRedundantPair) => "Q가 정의된 구성 모델 쌍이 없습니다.",
        (Lang::En, QLegend) => "Q = 1: the same errors; 0: independent errors; −1: opposite errors",
        (Lang::Ko, QLegend) => "Q = 1: 같은 오류, 0: 독립적인 오류, −1: 반대 오류",
    }
}

/// The task and what the model gave, e.g. `multiclass (probabilities)`; `task` and `inputs` are
/// the JSON document's names (`binary`/`multiclass`; `scores`, `probabilities`, `logits`,
/// `predictions`), which stay English in the JSON.
pub fn task(lang: Lang, task: &str, inputs: &str) -> String {
    match lang {
        Lang::En => format!("{task} ({inputs})"),
        Lang::Ko => {
            let task = match task {
                "binary" => "이진 분류",
                "multiclass" => "다중 클래스 분류",
                other => other,
            };
            let inputs = match inputs {
                "scores" => "점수",
                "probabilities" => "확률",
                "logits" => "로짓",
                "predictions" => "예측 레이블",
                other => other,
            };
            format!("{task} ({inputs})")
        }
    }
}

/// The line saying that probability rows were divided by their sum (see [`crate::Normalization`]):
/// the message of the `normalized_rows` finding, which a comparison lists as a model's warning.
pub fn normalized(lang: Lang, nz: crate::Normalization, n: usize) -> String {
    crate::findings::message(
        lang,
        &verdict_core::diagnostics::normalized_rows(nz.rows, nz.max_deviation, n),
    )
}

/// Describes the bootstrap in one line.
pub fn bootstrap_line(
    lang: Lang,
    b: &verdict_core::eval::BootstrapInfo,
    group_column: Option<&str>,
) -> String {
    let pct = b.level * 100.0;
    match (lang, b.clustered) {
        (Lang::En, false) => format!(
            "{pct:.0}% percentile bootstrap, {} resamples of {} samples, seed {}",
            b.replicates, b.units, b.seed
        ),
        (Lang::En, true) => format!(
            "{pct:.0}% percentile cluster bootstrap, {} resamples of {} groups (column `{}`), seed {}: samples in one group are not independent, so the group is the unit",
            b.replicates,
            b.units,
            group_column.unwrap_or("group"),
            b.seed
        ),
        (Lang::Ko, false) => format!(
            "{pct:.0}% 백분위 부트스트랩, 샘플 {}개에서 {}회 재추출, seed {}",
            b.units, b.replicates, b.seed
        ),
        (Lang::Ko, true) => format!(
            "{pct:.0}% 백분위 클러스터 부트스트랩, 그룹 {}개(열 `{}`)에서 {}회 재추출, seed {}: 같은 그룹의 샘플은 독립이 아니므로 그룹 단위로 재추출",
            b.units,
            group_column.unwrap_or("group"),
            b.replicates,
            b.seed
        ),
    }
}

/// `(95% CI −0.0500 … +0.1100)`: a difference's interval in a verdict line, bounds already
/// formatted.
pub(crate) fn interval(lang: Lang, level_pct: f64, lo: &str, hi: &str) -> String {
    match lang {
        Lang::En => format!("({level_pct:.0}% CI {lo} … {hi})"),
        Lang::Ko => format!("({level_pct:.0}% 신뢰구간 {lo} … {hi})"),
    }
}

/// `95% CI −0.0500 … +0.1100`: [`interval`] without its parentheses, inside a parenthesis.
pub(crate) fn interval_bare(lang: Lang, level_pct: f64, lo: &str, hi: &str) -> String {
    match lang {
        Lang::En => format!("{level_pct:.0}% CI {lo} … {hi}"),
        Lang::Ko => format!("{level_pct:.0}% 신뢰구간 {lo} … {hi}"),
    }
}

/// How a verdict line ends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Conclusion<'a> {
    /// A model comparison without a test (no bootstrap).
    NoTest,
    /// A retrieval comparison without a test (neither bootstrap nor permutations).
    NoRetrievalTest,
    /// The test found no significant difference.
    NoDifference,
    /// System `b` is significantly better.
    Better(&'a str),
    /// System `b` is significantly worse.
    Worse(&'a str),
}

/// The end of a verdict line, e.g. `no significant difference at α = 0.05`.
pub(crate) fn conclusion(lang: Lang, c: Conclusion<'_>, alpha: f64) -> String {
    match (lang, c) {
        (Lang::En, Conclusion::NoTest) => "no test available (run with --bootstrap)".into(),
        (Lang::En, Conclusion::NoRetrievalTest) => {
            "no test available (run with --bootstrap or --permutations)".into()
        }
        (Lang::En, Conclusion::NoDifference) => {
            format!("no significant difference at α = {alpha}")
        }
        (Lang::En, Conclusion::Better(b)) => format!("{b} is significantly better at α = {alpha}"),
        (Lang::En, Conclusion::Worse(b)) => format!("{b} is significantly worse at α = {alpha}"),
        (Lang::Ko, Conclusion::NoTest) => "검정 불가 (--bootstrap으로 실행하십시오)".into(),
        (Lang::Ko, Conclusion::NoRetrievalTest) => {
            "검정 불가 (--bootstrap 또는 --permutations로 실행하십시오)".into()
        }
        (Lang::Ko, Conclusion::NoDifference) => format!("α = {alpha}에서 유의한 차이 없음"),
        (Lang::Ko, Conclusion::Better(b)) => format!("α = {alpha}에서 {b}가 유의하게 더 좋음"),
        (Lang::Ko, Conclusion::Worse(b)) => format!("α = {alpha}에서 {b}가 유의하게 더 나쁨"),
    }
}

/// The power line of a comparison: which differences `n` samples can detect (`mde`, already
/// formatted) and the `n` the observed difference would need (`need`, formatted).
pub(crate) fn power_line(
    lang: Lang,
    what: &str,
    mde: &str,
    need: &str,
    n: usize,
    power: f64,
    alpha: f64,
) -> String {
    match lang {
        Lang::En => format!(
            "Power ({what}): at n = {n}, differences smaller than {mde} are not detectable with power {power} at α = {alpha}; the observed difference would need n ≈ {need}."
        ),
        Lang::Ko => format!(
            "검정력 ({what}): n = {n}에서는 {mde} 미만의 차이를 검정력 {power}, α = {alpha}로 검출할 수 없습니다. 관측된 차이를 검출하려면 n ≈ {need}가 필요합니다."
        ),
    }
}

/// `, 199 permutations`: the randomization test's size after its name in a verdict line.
pub(crate) fn permutations(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!(", {n} permutations"),
        Lang::Ko => format!(", 순열 {n}회"),
    }
}

/// How a header key of a retrieval report is called (the JSON keeps the key).
pub(crate) fn retrieval_header_label(lang: Lang, key: &str) -> &str {
    match (lang, key) {
        (Lang::En, "no_relevant") => "queries without a relevant item",
        (Lang::En, "depth") => "ranking depth",
        (Lang::En, k) => k,
        (Lang::Ko, "mode") => "입력 방식",
        (Lang::Ko, "queries") => "쿼리 수",
        (Lang::Ko, "gallery") => "갤러리",
        (Lang::Ko, "dim") => "차원",
        (Lang::Ko, "similarity") => "유사도",
        (Lang::Ko, "depth") => "순위 깊이",
        (Lang::Ko, "no_relevant") => "관련 항목이 없는 쿼리",
        (Lang::Ko, k) => k,
    }
}

/// How a text value of a retrieval report's header reads: Korean words with the flag value in
/// parentheses, so it can still be typed back (the JSON keeps the value).
pub(crate) fn retrieval_header_value(lang: Lang, value: &str) -> String {
    let ko = match value {
        "embeddings" => "임베딩",
        "ranked lists" => "순위 목록",
        "leave-one-out" => "쿼리끼리, 자기 자신 제외",
        "cosine" => "코사인",
        "dot" => "내적",
        "l2" => "제곱 유클리드 거리",
        _ => return value.to_string(),
    };
    match lang {
        Lang::En => value.to_string(),
        Lang::Ko => format!("{ko} ({value})"),
    }
}

/// The `--no-relevant` policy (`exclude`, `zero`) as a retrieval report states it.
pub(crate) fn no_relevant_policy(lang: Lang, policy: &str) -> String {
    match (lang, policy) {
        (Lang::En, p) => p.to_string(),
        (Lang::Ko, "exclude") => "평균에서 제외, --no-relevant exclude".into(),
        (Lang::Ko, "zero") => "0점으로 셈, --no-relevant zero".into(),
        (Lang::Ko, p) => format!("--no-relevant {p}"),
    }
}

/// The note under a retrieval report's per-class table, which shows `shown` of `all` metrics.
pub(crate) fn retrieval_per_class_note(lang: Lang, shown: usize, all: usize) -> String {
    match lang {
        Lang::En => format!(
            "This table shows {shown} of the {all} metrics; every metric of every class is in the JSON report (--format json, \"per_class\")."
        ),
        Lang::Ko => format!(
            "이 표는 지표 {all}개 중 {shown}개만 보여 줍니다. 클래스별 전체 지표는 JSON 보고서(--format json, \"per_class\")에 있습니다."
        ),
    }
}

/// The notes of reports with more classes than [`crate::CLASS_LIMIT`].
pub(crate) enum ScaleNote<'a> {
    /// The per-class table shows `shown` of `total` classes.
    PerClass {
        /// Rows shown.
        shown: usize,
        /// Classes.
        total: usize,
        /// Classes per selection.
        each: usize,
    },
    /// The confusion matrix is shown as its `shown` largest off-diagonal cells.
    Confusion {
        /// Classes.
        k: usize,
        /// Cells shown.
        shown: usize,
    },
    /// `more` further warnings of the kind `code` are not printed.
    MoreWarnings {
        /// The warning code.
        code: &'a str,
        /// How many are left out.
        more: usize,
    },
    /// Column heading: the share of the true class.
    ShareOfTrue,
}

/// A [`ScaleNote`] in `lang`.
pub(crate) fn scale_note(lang: Lang, note: &ScaleNote<'_>) -> String {
    match (lang, note) {
        (Lang::En, ScaleNote::PerClass { shown, total, each }) => format!(
            "Showing {shown} of {total} classes: the {each} with the lowest recall, then the {each} with the largest support; the full table is in the JSON output (`--format json`)."
        ),
        (Lang::Ko, ScaleNote::PerClass { shown, total, each }) => format!(
            "클래스 {total}개 중 {shown}개만 표시합니다: 재현율(recall)이 가장 낮은 {each}개, 이어서 샘플 수가 가장 많은 {each}개. 전체 표는 JSON 출력(`--format json`)에 있습니다."
        ),
        (Lang::En, ScaleNote::Confusion { k, shown }) => format!(
            "{k} classes: instead of the {k} × {k} matrix, its {shown} largest off-diagonal cells (the most-confused pairs); the whole matrix is in the JSON output (`--format json`, sparse)."
        ),
        (Lang::Ko, ScaleNote::Confusion { k, shown }) => format!(
            "클래스 {k}개: {k} × {k} 행렬 대신 대각선 밖의 가장 큰 칸 {shown}개(가장 많이 혼동된 쌍)를 표시합니다. 전체 행렬은 JSON 출력(`--format json`, 희소 형식)에 있습니다."
        ),
        (Lang::En, ScaleNote::MoreWarnings { code, more }) => format!(
            "… and {more} more warnings of this kind (`{code}`); all are in the JSON output (`--format json`)."
        ),
        (Lang::Ko, ScaleNote::MoreWarnings { code, more }) => format!(
            "… 같은 종류(`{code}`)의 경고 {more}개가 더 있습니다. 모두 JSON 출력(`--format json`)에 있습니다."
        ),
        (Lang::En, ScaleNote::ShareOfTrue) => "Share of actual class".to_string(),
        (Lang::Ko, ScaleNote::ShareOfTrue) => "실제 클래스 중 비율".to_string(),
    }
}

// ------------------------------------------------------------------ the ensemble report

/// Where an ensemble stands against what it is compared with (its best member, or another
/// weighting against the ensemble's): the end of a verdict line of `verdict ensemble`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Significantly better.
    Better,
    /// Not significantly better (worse or better by a non-significant margin).
    NotBetter,
    /// Significantly worse.
    Worse,
    /// No test applies (bootstrap off for a metric without a closed-form test).
    NoTest,
}

/// The first verdict line of an ensemble: the ensemble against its best member. The arguments
/// are formatted already: `value` the ensemble's headline value with its interval, `best` the
/// member's, `delta` ensemble − member with its interval, `test` the test and its p-value.
#[allow(clippy::too_many_arguments)]
pub(crate) fn ensemble_verdict(
    lang: Lang,
    member: &str,
    metric: &str,
    value: &str,
    best: &str,
    delta: &str,
    test: &str,
    standing: Standing,
    alpha: f64,
) -> String {
    let end = match (lang, standing) {
        (Lang::En, Standing::Better) => {
            format!("the ensemble is significantly better than its best member at α = {alpha}")
        }
        (Lang::En, Standing::NotBetter) => {
            format!("the ensemble is not significantly better than its best member at α = {alpha}")
        }
        (Lang::En, Standing::Worse) => {
            format!("the ensemble is significantly worse than its best member at α = {alpha}")
        }
        (Lang::Ko, Standing::Better) => {
            format!("α = {alpha}에서 앙상블이 가장 좋은 구성 모델보다 유의하게 낫습니다")
        }
        (Lang::Ko, Standing::NotBetter) => {
            format!("α = {alpha}에서 앙상블이 가장 좋은 구성 모델보다 유의하게 낫지 않습니다")
        }
        (Lang::Ko, Standing::Worse) => {
            format!("α = {alpha}에서 앙상블이 가장 좋은 구성 모델보다 유의하게 나쁩니다")
        }
        (_, Standing::NoTest) => conclusion(lang, Conclusion::NoTest, alpha),
    };
    match lang {
        Lang::En => format!(
            "Ensemble vs its best member `{member}`: {metric} {value} vs {best}; Δ = {delta}, {test}: {end}."
        ),
        Lang::Ko => format!(
            "앙상블 대 가장 좋은 구성 모델 `{member}`: {metric} {value} 대 {best}; Δ = {delta}, {test}: {end}."
        ),
    }
}

/// A verdict line on another weighting: `weights` (`label`) against the ensemble's `own`
/// (`own_label`); `delta` (other − ensemble) and `test` formatted already.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reweighting_verdict(
    lang: Lang,
    weights: &str,
    label: &str,
    own: &str,
    own_label: &str,
    metric: &str,
    delta: &str,
    test: &str,
    standing: Standing,
    alpha: f64,
) -> String {
    let how = match (lang, standing) {
        (Lang::En, Standing::Better) => "are significantly better than",
        (Lang::En, Standing::NotBetter) => "are not significantly better than",
        (Lang::En, Standing::Worse) => "are significantly worse than",
        (Lang::Ko, Standing::Better) => "유의하게 낫습니다",
        (Lang::Ko, Standing::NotBetter) => "유의하게 낫지 않습니다",
        (Lang::Ko, Standing::Worse) => "유의하게 나쁩니다",
        (_, Standing::NoTest) => {
            let none = conclusion(lang, Conclusion::NoTest, alpha);
            return match lang {
                Lang::En => format!(
                    "The weights {weights} ({label}) vs the ensemble's {own} ({own_label}): Δ {metric} = {delta}; {none}."
                ),
                Lang::Ko => format!(
                    "가중치 {weights} ({label}) 대 앙상블의 가중치 {own} ({own_label}): Δ {metric} = {delta}; {none}."
                ),
            };
        }
    };
    match lang {
        Lang::En => format!(
            "The weights {weights} ({label}) {how} the ensemble's {own} ({own_label}) at α = {alpha} (Δ {metric} = {delta}, {test})."
        ),
        Lang::Ko => format!(
            "가중치 {weights} ({label})은(는) 앙상블의 가중치 {own} ({own_label})보다 α = {alpha}에서 {how} (Δ {metric} = {delta}, {test})."
        ),
    }
}

/// The verdict line naming the member the ensemble depends on (`weight` and `delta`, the change
/// without it with its interval and p-value, formatted already).
pub(crate) fn depends_on(
    lang: Lang,
    member: &str,
    weight: &str,
    metric: &str,
    delta: &str,
) -> String {
    match lang {
        Lang::En => format!(
            "The ensemble depends on `{member}` (weight {weight}): without it {metric} changes by {delta}."
        ),
        Lang::Ko => format!(
            "앙상블은 `{member}`(가중치 {weight})에 달려 있습니다: 이 모델을 빼면 {metric} 변화는 {delta}입니다."
        ),
    }
}

/// How the members are combined (`soft`, `hard` or `rank`), as the report's voting line.
pub(crate) fn voting(lang: Lang, voting: &str) -> String {
    match (lang, voting) {
        (Lang::En, "soft") => {
            "Voting: soft (the weighted mean of the members' probabilities)".into()
        }
        (Lang::En, "hard") => {
            "Voting: hard (the weighted majority of the members' predicted classes)".into()
        }
        (Lang::En, "rank") => {
            "Voting: rank (the weighted mean of the members' normalised ranks)".into()
        }
        (Lang::En, v) => format!("Voting: {v}"),
        (Lang::Ko, "soft") => "결합 방식: 소프트 보팅 (soft, 구성 모델 확률의 가중 평균)".into(),
        (Lang::Ko, "hard") => {
            "결합 방식: 하드 보팅 (hard, 구성 모델 예측 클래스의 가중 다수결)".into()
        }
        (Lang::Ko, "rank") => {
            "결합 방식: 순위 평균 (rank, 구성 모델 정규화 순위의 가중 평균)".into()
        }
        (Lang::Ko, v) => format!("결합 방식: {v}"),
    }
}

/// Where weights were learned (`validation` or `test`).
fn learned_on(lang: Lang, on: &str) -> &str {
    match (lang, on) {
        (Lang::En, "validation") => "the validation files",
        (Lang::En, "test") => "the test files (--allow-test-fit)",
        (Lang::Ko, "validation") => "검증 파일",
        (Lang::Ko, "test") => "테스트 파일 (--allow-test-fit)",
        (_, other) => other,
    }
}

/// How Caruana's selection went: `order` (the selected members, run-length), the selection
/// score after the first and the last round (formatted).
#[allow(clippy::too_many_arguments)]
pub(crate) fn learned_caruana(
    lang: Lang,
    label: &str,
    rounds: usize,
    on: &str,
    rows: usize,
    order: &str,
    metric: &str,
    first: &str,
    last: &str,
) -> String {
    let on = learned_on(lang, on);
    match lang {
        Lang::En => format!(
            "{label}: Caruana's ensemble selection (greedy, with replacement, starting from the best member), {rounds} rounds on {on} ({rows} rows); selected in order: {order}; {metric} after round 1: {first}, after round {rounds}: {last}."
        ),
        Lang::Ko => format!(
            "{label}: Caruana 앙상블 선택 (복원 탐욕 선택, 가장 좋은 구성 모델에서 시작), {on}({rows}행)에서 {rounds}라운드; 선택 순서: {order}; {metric}: 1라운드 후 {first}, {rounds}라운드 후 {last}."
        ),
    }
}

/// How the log-loss optimum was found (`log_loss` formatted).
pub(crate) fn learned_logloss(
    lang: Lang,
    label: &str,
    on: &str,
    rows: usize,
    log_loss: &str,
    iterations: usize,
    converged: bool,
) -> String {
    let on = learned_on(lang, on);
    match lang {
        Lang::En => format!(
            "{label}: the log-loss optimum over the weight simplex on {on} ({rows} rows): log loss {log_loss}, {iterations} iterations, {}.",
            if converged {
                "converged"
            } else {
                "not converged"
            }
        ),
        Lang::Ko => format!(
            "{label}: {on}({rows}행)에서 가중치 단체(simplex) 위 로그 손실 최적화: 로그 손실 {log_loss}, 반복 {iterations}회, {}.",
            if converged {
                "수렴함"
            } else {
                "수렴하지 않음"
            }
        ),
    }
}

/// What the weights' stability columns are.
pub(crate) fn stability_line(lang: Lang, label: &str, resamples: usize, level_pct: f64) -> String {
    match lang {
        Lang::En => format!(
            "{label}: the weights re-learned on {resamples} bootstrap resamples of the same rows; median and {level_pct:.0}% percentile interval per member."
        ),
        Lang::Ko => format!(
            "{label}: 같은 행을 부트스트랩으로 {resamples}회 재추출해 가중치를 다시 학습; 구성 모델별 중앙값과 {level_pct:.0}% 백분위 구간."
        ),
    }
}

/// The header of a weighting's stability column.
pub(crate) fn stability_header(lang: Lang, label: &str, level_pct: f64) -> String {
    match lang {
        Lang::En => format!("{label} median [{level_pct:.0}%]"),
        Lang::Ko => format!("{label} 중앙값 [{level_pct:.0}%]"),
    }
}

/// The header of the leave-one-out table's metric column.
pub(crate) fn without(lang: Lang, metric: &str) -> String {
    match lang {
        Lang::En => format!("{metric} without"),
        Lang::Ko => format!("뺀 뒤 {metric}"),
    }
}

/// The line above the leave-one-out table (`value` the full ensemble's, formatted).
pub(crate) fn leave_one_out_intro(lang: Lang, metric: &str, value: &str) -> String {
    match lang {
        Lang::En => format!(
            "The ensemble without each member, the others' weights renormalised; the full ensemble: {metric} {value}. Δ = without − with, with its paired-bootstrap interval and p-value; contribution = what the member adds in the metric's better direction (positive: it helps)."
        ),
        Lang::Ko => format!(
            "구성 모델을 하나씩 뺀 앙상블 (나머지 가중치는 다시 정규화); 전체 앙상블: {metric} {value}. Δ = 뺀 뒤 − 전체, 대응 부트스트랩 구간과 p-값; 기여 = 그 모델이 지표가 좋아지는 방향으로 더하는 양 (양수: 도움이 됨)."
        ),
    }
}

/// The line above the diversity table.
pub(crate) fn diversity_intro(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "Pairwise diversity of the members' errors on the test rows (Kuncheva & Whitaker 2003): disagreement = share of rows where exactly one of the two is right; Q = 1 when one's errors contain the other's, 0 when they are independent; double fault = share of rows both get wrong; ρ = correlation of being right; — = undefined (0/0)."
        }
        Lang::Ko => {
            "테스트 행에서 구성 모델 오류의 쌍별 다양성 (Kuncheva & Whitaker 2003): 불일치 = 둘 중 하나만 맞힌 행의 비율; Q = 1이면 한 모델의 오류가 다른 모델의 오류에 포함되고 0이면 독립; 동시 오류 = 둘 다 틀린 행의 비율; ρ = 정답 여부의 상관계수; — = 정의되지 않음 (0/0)."
        }
    }
}

/// The most redundant pair (`q` and `double_fault` formatted).
pub(crate) fn most_redundant(lang: Lang, a: &str, b: &str, q: &str, double_fault: &str) -> String {
    match lang {
        Lang::En => format!(
            "Most redundant pair (highest Q): `{a}` and `{b}` (Q = {q}, double fault {double_fault})."
        ),
        Lang::Ko => {
            format!("가장 중복된 쌍 (Q 최대): `{a}`, `{b}` (Q = {q}, 동시 오류 {double_fault}).")
        }
    }
}

/// The label review's summary: `issues` of `n` labels flagged on `source`'s probabilities
/// (`ensemble` or a member's name).
pub(crate) fn label_review_summary(lang: Lang, source: &str, issues: usize, n: usize) -> String {
    let whose = match (lang, source) {
        (Lang::En, "ensemble") => "the ensemble's".to_string(),
        (Lang::En, m) => format!("`{m}`'s"),
        (Lang::Ko, "ensemble") => "앙상블의".to_string(),
        (Lang::Ko, m) => format!("`{m}`의"),
    };
    match lang {
        Lang::En => format!(
            "{issues} of {n} labels look wrong by confident learning on {whose} probabilities (cleanlab's find_label_issues, prune_by_noise_rate), ranked by label quality (the probability of the given label), lowest first."
        ),
        Lang::Ko => format!(
            "{whose} 확률에 신뢰 학습(cleanlab의 find_label_issues, prune_by_noise_rate)을 적용하면 레이블 {n}개 중 {issues}개가 틀린 것으로 보입니다. 레이블 품질(주어진 레이블의 확률)이 낮은 순서입니다."
        ),
    }
}

/// The note under a label-review table that shows `shown` of `all` flagged rows.
pub(crate) fn label_review_shown(lang: Lang, shown: usize, all: usize) -> String {
    match lang {
        Lang::En => format!(
            "Showing the first {shown} of {all}; every one is in the JSON output (--format json)."
        ),
        Lang::Ko => format!(
            "{all}개 중 처음 {shown}개만 표시합니다. 전체는 JSON 출력(--format json)에 있습니다."
        ),
    }
}

/// The line above the noise matrix.
pub(crate) fn noise_matrix_caption(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "Estimated noise matrix: P(given label = row | true label = column); each column sums to 1."
        }
        Lang::Ko => {
            "추정 노이즈 행렬: P(주어진 레이블 = 행 | 실제 레이블 = 열); 각 열의 합은 1입니다."
        }
    }
}

/// The estimated prior of the true labels (`list` formatted: `a 0.3000, b 0.7000`).
pub(crate) fn true_prior(lang: Lang, list: &str) -> String {
    match lang {
        Lang::En => format!("Estimated prior of the true labels: {list}."),
        Lang::Ko => format!("실제 레이블의 추정 사전 확률: {list}."),
    }
}

/// The x-axis label of the leave-one-out plot.
pub(crate) fn contribution_axis(lang: Lang, metric: &str) -> String {
    match lang {
        Lang::En => format!("Contribution to {metric} (positive: the member helps)"),
        Lang::Ko => format!("{metric} 기여 (양수: 도움이 됨)"),
    }
}

/// The legend entry of the intervals of a plot (`level_pct` their level).
pub(crate) fn interval_legend(lang: Lang, level_pct: f64) -> String {
    match lang {
        Lang::En => format!("{level_pct:.0}% interval"),
        Lang::Ko => format!("{level_pct:.0}% 구간"),
    }
}
