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
