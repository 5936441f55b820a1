//! Command-line definitions (clap). Flags are the single source of the help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Verdict: say whether a model is better, with numbers you can trust.
#[derive(Debug, Parser)]
#[command(name = "verdict", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Evaluate a classifier from a file of raw predictions (CSV, Parquet or JSON Lines).
    Eval(EvalArgs),
    /// Compare models on the same eval set with paired tests (McNemar, DeLong, paired bootstrap).
    Compare(CompareArgs),
    /// Combine several models' predictions of one eval set (soft, hard or rank voting), learn the
    /// weights on validation predictions, and say whether the ensemble beats its best member,
    /// what each member contributes, and which labels look wrong (docs/ensemble-json.md).
    Ensemble(Box<EnsembleArgs>),
    /// Evaluate retrieval / metric learning: embeddings with labels (exact kNN over the whole
    /// gallery), or ranked lists (TREC run and qrels).
    Retrieval(Box<RetrievalCmd>),
    /// Run the experiment ledger as an MLflow-compatible tracking server
    /// (`MLFLOW_TRACKING_URI=http://HOST:PORT`).
    Server(ServerArgs),
    /// Bring existing experiment history into the ledger.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Experiments in the ledger.
    #[command(subcommand)]
    Experiments(ExperimentsCmd),
    /// Runs in the ledger: list with MLflow filters, show one, compare runs' evaluations.
    #[command(subcommand)]
    Runs(RunsCmd),
    /// Check train/val/test splits for leakage, drift and shortcuts, compare two versions of a
    /// split, and record the splits with a run.
    #[command(subcommand)]
    Splits(SplitsCmd),
    /// Check a run (its curves and stored evaluations) or a history file for overfitting, failed
    /// training, implausible validation values and validation/test gaps (docs/checks.md).
    Check(CheckArgs),
    /// Training rules (stop / roll back / reduce the learning rate, docs/rules.md): what they would
    /// have done on stored runs or a history file, and the rules the ledger runs live.
    #[command(subcommand)]
    Rules(RulesCmd),
    /// Follow a live run: the metrics its rules monitor (with sparklines) and each decision as it
    /// is made. Exits 0 when the run ends, 3 when a stop or rollback fires.
    Watch(WatchArgs),
}

/// `verdict rules …`.
#[derive(Debug, Subcommand)]
pub(crate) enum RulesCmd {
    /// When each rule would have fired on a run, every run of an experiment or a history file; the
    /// best step to keep and how many evaluations ran past the first stop.
    Check(RulesCheckArgs),
    /// Store a rules file in the ledger and attach it to an experiment: `verdict server` then runs
    /// it on every metric write to the experiment's runs (replacing what was attached).
    Attach(RulesAttachArgs),
    /// The rulesets the ledger holds and the experiments they are attached to.
    List(RulesListArgs),
    /// Detach the experiment's rules (the ruleset stays stored).
    Detach(RulesDetachArgs),
}

/// `verdict rules attach`.
#[derive(Debug, Args)]
pub(crate) struct RulesAttachArgs {
    /// The experiment (id or name).
    #[arg(long, value_name = "NAME_OR_ID")]
    pub(crate) experiment: String,
    /// The rules file (checked before it is stored).
    pub(crate) rules: PathBuf,
    /// The ruleset's name in the ledger (default: the file's stem); a run tag `verdict.rules =
    /// NAME` selects it for one run.
    #[arg(long)]
    pub(crate) name: Option<String>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

/// `verdict rules list`.
#[derive(Debug, Args)]
pub(crate) struct RulesListArgs {
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: LedgerFormat,
}

/// `verdict rules detach`.
#[derive(Debug, Args)]
pub(crate) struct RulesDetachArgs {
    /// The experiment (id or name).
    #[arg(long, value_name = "NAME_OR_ID")]
    pub(crate) experiment: String,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

/// `verdict watch`.
#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    /// The run to follow.
    pub(crate) run_id: String,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Seconds between polls of the ledger.
    #[arg(long, default_value_t = 1.0)]
    pub(crate) interval: f64,
    /// Give up (exit 2) after this many seconds.
    #[arg(long)]
    pub(crate) timeout: Option<f64>,
}

/// `verdict rules check`.
#[derive(Debug, Args)]
pub(crate) struct RulesCheckArgs {
    /// The rules file (rules.toml, or a verdict.toml with a [rules] table).
    pub(crate) rules: PathBuf,
    /// A run of the ledger.
    #[arg(long, value_name = "RUN_ID", required_unless_present_any = ["history", "experiment"])]
    pub(crate) run: Option<String>,
    /// History files (Keras' history.csv, Lightning's metrics.csv: an epoch or step column and a
    /// column per metric; an empty cell is not logged at that step), each judged as a run.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with_all = ["run", "experiment"])]
    pub(crate) history: Vec<PathBuf>,
    /// Every active run of an experiment (id or name), in start order.
    #[arg(long, value_name = "NAME_OR_ID", conflicts_with = "run")]
    pub(crate) experiment: Option<String>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Artifact root for runs whose artifact URI is mlflow-artifacts:/ (to find checkpoints).
    #[arg(long, default_value = "./verdict-artifacts", value_name = "DIR")]
    pub(crate) artifacts: PathBuf,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `verdict splits …`.
#[derive(Debug, Subcommand)]
pub(crate) enum SplitsCmd {
    /// Check split manifests (one row per sample: id, label, optional group, hash, metadata):
    /// group leakage, shared ids or content, label drift, metadata shortcuts, condition
    /// mismatches, splits too small (docs/checks.md).
    Check(SplitsCheckArgs),
    /// What changed between two versions of a split: ids added, removed, relabelled, regrouped,
    /// class counts, fingerprints.
    Diff(SplitsDiffArgs),
}

/// The columns of a split manifest.
#[derive(Debug, Args)]
pub(crate) struct ManifestArgs {
    /// The sample id column.
    #[arg(long, default_value = "id")]
    pub(crate) id_col: String,
    /// The label column.
    #[arg(long, default_value = "label")]
    pub(crate) label_col: String,
    /// The group column (battery, patient, session); default: `group` when the file has it.
    #[arg(long)]
    pub(crate) group_col: Option<String>,
    /// The content-hash column (a hash or the sample's file path); default: `hash` when present.
    #[arg(long)]
    pub(crate) hash_col: Option<String>,
    /// Metadata columns to check for shortcuts and mismatches (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub(crate) meta: Vec<String>,
    /// Input format (default: from the file extension).
    #[arg(long, value_enum)]
    pub(crate) input_format: Option<InputFormat>,
    /// CSV delimiter (default: detected from the header).
    #[arg(long)]
    pub(crate) delimiter: Option<char>,
}

/// `verdict splits check`.
#[derive(Debug, Args)]
pub(crate) struct SplitsCheckArgs {
    /// One manifest per split (train.csv val.csv test.csv).
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Split names (comma-separated; default: the file stems).
    #[arg(long, value_delimiter = ',')]
    pub(crate) names: Vec<String>,
    #[command(flatten)]
    pub(crate) columns: ManifestArgs,
    /// Record the splits with this run: MLflow dataset inputs (context training / validation /
    /// testing, digest from the fingerprint) and the verdict.split.<context>.fingerprint tags.
    #[arg(long, value_name = "RUN_ID")]
    pub(crate) run: Option<String>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Artifact root for runs whose artifact URI is mlflow-artifacts:/ (with --run: the splits
    /// are stored as verdict/splits/<name>.parquet, which `verdict check --run` reads back).
    #[arg(long, default_value = "./verdict-artifacts", value_name = "DIR")]
    pub(crate) artifacts: PathBuf,
    /// Exit with code 1 when a finding reaches this status (a CI gate).
    #[arg(long, value_enum)]
    pub(crate) fail_on: Option<FailOnArg>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `verdict splits diff`.
#[derive(Debug, Args)]
pub(crate) struct SplitsDiffArgs {
    /// The old version of the split.
    pub(crate) old: PathBuf,
    /// The new version.
    pub(crate) new: PathBuf,
    #[command(flatten)]
    pub(crate) columns: ManifestArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `verdict check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The run to check (its metric histories, dataset inputs and stored evaluations).
    #[arg(long, value_name = "RUN_ID", required_unless_present_any = ["history", "experiment"])]
    pub(crate) run: Option<String>,
    /// Curves kept outside the ledger: a history file (Keras' history.csv: an epoch or step
    /// column and one column per metric).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["run", "experiment"])]
    pub(crate) history: Option<PathBuf>,
    /// Check every run of an experiment (id or name): the overfitting table and one leaderboard
    /// per eval set, runs tested against the best with paired tests.
    #[arg(long, value_name = "NAME_OR_ID", conflicts_with = "run")]
    pub(crate) experiment: Option<String>,
    /// The evaluation the leaderboards rank (the --eval-name of `verdict eval --run`).
    #[arg(long, default_value = "eval", requires = "experiment")]
    pub(crate) eval_name: String,
    /// The leaderboards' metric (default: roc_auc when every run has it, else accuracy).
    #[arg(long, requires = "experiment")]
    pub(crate) metric: Option<String>,
    /// Paired bootstrap replicates of the leaderboard tests (0: McNemar and DeLong only).
    #[arg(long, default_value_t = 0, requires = "experiment")]
    pub(crate) bootstrap: usize,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 0, requires = "experiment")]
    pub(crate) seed: u64,
    /// Significance level of the leaderboard tests (Holm-adjusted).
    #[arg(long, default_value_t = 0.05, requires = "experiment")]
    pub(crate) alpha: f64,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Artifact root for runs whose artifact URI is mlflow-artifacts:/ (the stored evaluations).
    #[arg(long, default_value = "./verdict-artifacts", value_name = "DIR")]
    pub(crate) artifacts: PathBuf,
    /// The validation curve to judge (default: the first validation loss, else the first
    /// validation metric whose name gives its direction).
    #[arg(long, value_name = "KEY")]
    pub(crate) val_metric: Option<String>,
    /// Its training curve (default: found by name: loss ↔ val_loss, train_f1 ↔ val_f1, …).
    #[arg(long, value_name = "KEY")]
    pub(crate) train_metric: Option<String>,
    /// Whether the validation metric is minimised or maximised (default: from its name).
    #[arg(long, value_enum)]
    pub(crate) mode: Option<ModeArg>,
    /// A validation curve and the test metric it predicts, e.g. val_f1=f1_macro (repeatable;
    /// common names are paired without it).
    #[arg(long, value_name = "VAL=TEST")]
    pub(crate) pair: Vec<String>,
    /// Exit with code 1 when a finding reaches this status (a CI gate).
    #[arg(long, value_enum)]
    pub(crate) fail_on: Option<FailOnArg>,
    /// The checks' thresholds: the [checks] table of a verdict.toml (docs/checks.md; default:
    /// ./verdict.toml when it exists, else the documented defaults).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `--mode`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ModeArg {
    /// Smaller is better (a loss).
    Min,
    /// Larger is better (a score).
    Max,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FailOnArg {
    /// A warning or a failure.
    Warn,
    /// A failure.
    Fail,
}

/// `verdict server`: the MLflow REST API (tracking, model registry, mlflow-artifacts proxy).
#[derive(Debug, Args)]
pub(crate) struct ServerArgs {
    /// The ledger database: a SQLite file path (or MLflow's `sqlite:///relative.db` /
    /// `sqlite:////absolute.db`), or
    /// `postgresql://user@host[:port]/db`.
    #[arg(long, default_value = "./verdict.db", value_name = "URL")]
    pub(crate) store: String,
    /// Root directory of the artifacts the server stores (mlflow-artifacts proxy).
    #[arg(long, default_value = "./verdict-artifacts", value_name = "DIR")]
    pub(crate) artifacts: PathBuf,
    /// Address to listen on (use 0.0.0.0 to accept remote clients).
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) host: String,
    /// Port to listen on (0 picks a free one; the URL is printed).
    #[arg(long, default_value_t = 5000)]
    pub(crate) port: u16,
    /// Require this token: `Authorization: Bearer TOKEN` (MLFLOW_TRACKING_TOKEN) or HTTP basic
    /// with it as the password (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD).
    /// /health and /version stay open.
    #[arg(
        long,
        env = "VERDICT_AUTH_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub(crate) auth_token: Option<String>,
    /// Largest JSON request body, in MB (log-batch is held to MLflow's 1 MB regardless; the
    /// default leaves room for MLflow's largest dataset profile and schema in one log-inputs call).
    #[arg(long, default_value_t = 32, value_name = "MB")]
    pub(crate) max_body_mb: u64,
    /// Largest artifact upload, in MB (streamed to disk, never held in memory).
    #[arg(long, default_value_t = 5120, value_name = "MB")]
    pub(crate) max_artifact_mb: u64,
}

/// Where the ledger is (every ledger command).
#[derive(Debug, Clone, Args)]
pub(crate) struct StoreArgs {
    /// The ledger: a SQLite file path, sqlite:///abs/path, or postgresql://user@host/db.
    #[arg(long, default_value = "./verdict.db", value_name = "URL")]
    pub(crate) store: String,
}

/// Text or JSON (the ledger commands).
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum LedgerFormat {
    /// Aligned tables for a terminal.
    Text,
    /// One JSON document (docs/ledger.md).
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCmd {
    /// Import an MLflow FileStore directory (./mlruns): experiments (also deleted ones), runs,
    /// params, tags, metric history, datasets, logged models, the model registry, artifacts.
    /// Ids are kept; importing again only adds what is missing.
    Mlruns(ImportMlrunsArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ImportMlrunsArgs {
    /// The FileStore root (the directory holding 0/, .trash/, models/ …).
    pub(crate) dir: PathBuf,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Artifact root the files are copied into (the one `verdict server` serves).
    #[arg(long, default_value = "./verdict-artifacts", value_name = "DIR")]
    pub(crate) artifacts: PathBuf,
    /// Keep artifact URIs as they are and copy nothing (the files stay in the FileStore).
    #[arg(long)]
    pub(crate) reference_artifacts: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: LedgerFormat,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExperimentsCmd {
    /// List experiments (newest first).
    List(ExperimentsListArgs),
    /// One experiment (by id or name) with its tags and run count.
    Show(ExperimentsShowArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ExperimentsListArgs {
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// MLflow experiment filter, e.g. "name LIKE 'ct-%'" or "tags.team = 'vision'".
    #[arg(long, default_value = "")]
    pub(crate) filter: String,
    /// Also list deleted experiments.
    #[arg(long)]
    pub(crate) all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: LedgerFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ExperimentsShowArgs {
    /// Experiment id or name.
    pub(crate) experiment: String,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: LedgerFormat,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RunsCmd {
    /// Search runs with MLflow's filter grammar and order_by.
    List(RunsListArgs),
    /// One run: info, params, tags, latest metrics, evaluations (and metric history with --history).
    Show(RunsShowArgs),
    /// Two runs' evaluations side by side; refused when they were made on different eval sets.
    Compare(RunsCompareArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RunsListArgs {
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Experiment id or name (repeatable; default: every active experiment).
    #[arg(long, short)]
    pub(crate) experiment: Vec<String>,
    /// MLflow filter, e.g. "metrics.val_f1 > 0.8 and params.lr = '0.01'".
    #[arg(long, default_value = "")]
    pub(crate) filter: String,
    /// MLflow order_by clause, e.g. "metrics.val_f1 DESC" (repeatable).
    #[arg(long)]
    pub(crate) order: Vec<String>,
    /// At most this many runs.
    #[arg(long, default_value_t = 100)]
    pub(crate) max: i64,
    /// Also list deleted runs.
    #[arg(long)]
    pub(crate) all: bool,
    /// Extra columns in the text table: metrics.KEY, params.KEY or tags.KEY (repeatable;
    /// metrics named in --filter and --order are shown anyway).
    #[arg(long)]
    pub(crate) column: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: LedgerFormat,
}

#[derive(Debug, Args)]
pub(crate) struct RunsShowArgs {
    pub(crate) run_id: String,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Also print every metric's full history.
    #[arg(long)]
    pub(crate) history: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: LedgerFormat,
}

#[derive(Debug, Args)]
pub(crate) struct RunsCompareArgs {
    /// Two or more runs (the first is the baseline) whose evaluations were made on one eval set.
    #[arg(required = true, num_args = 2..)]
    pub(crate) runs: Vec<String>,
    /// Which evaluation of the runs (the --eval-name given to `verdict eval --run`).
    #[arg(long, default_value = "eval")]
    pub(crate) eval_name: String,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Artifact root for runs whose artifact URI is mlflow-artifacts:/ (where the stored
    /// predictions are).
    #[arg(long, default_value = "./verdict-artifacts", value_name = "DIR")]
    pub(crate) artifacts: PathBuf,
    #[command(flatten)]
    pub(crate) stats: StatArgs,
    #[command(flatten)]
    pub(crate) paired: PairedArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// Storing an evaluation in a run of the ledger (`verdict eval … --run RUN_ID`).
#[derive(Debug, Args)]
pub(crate) struct EvalLedgerArgs {
    /// Store the evaluation in this run: the JSON document as artifact verdict/<name>.json,
    /// the metrics as <name>/<metric> (+ _ci_low/_ci_high), the eval set's fingerprint and
    /// row count as tags verdict.eval.<name>.fingerprint / .rows.
    #[arg(long, value_name = "RUN_ID")]
    pub(crate) run: Option<String>,
    /// Name of this evaluation within the run (e.g. val, test).
    #[arg(long, default_value = "eval", requires = "run")]
    pub(crate) eval_name: String,
    /// The step the evaluation's metrics are logged at (an iteration of a refine loop, an
    /// epoch), so a `converged` rule can judge successive evaluations with their intervals.
    #[arg(long, default_value_t = 0, requires = "run")]
    pub(crate) step: i64,
    #[command(flatten)]
    pub(crate) target: RunStoreArgs,
    /// Do not store the evaluated predictions (artifact verdict/<name>.predictions.parquet) with
    /// the evaluation; without them `runs compare` cannot pair this run sample by sample.
    #[arg(long, requires = "run")]
    pub(crate) no_keep_predictions: bool,
}

/// Where a command that stores into a run (`--run`) finds the run: the ledger and the artifact
/// root, both meaningful only with `--run`.
#[derive(Debug, Args)]
pub(crate) struct RunStoreArgs {
    /// The ledger (with --run).
    #[arg(
        long,
        default_value = "./verdict.db",
        value_name = "URL",
        requires = "run"
    )]
    pub(crate) store: String,
    /// Artifact root for runs whose artifact URI is mlflow-artifacts:/ (with --run).
    #[arg(
        long,
        default_value = "./verdict-artifacts",
        value_name = "DIR",
        requires = "run"
    )]
    pub(crate) artifacts: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Aligned tables for a terminal.
    Text,
    /// The stable JSON document (docs/eval-json.md).
    Json,
    /// A Markdown report.
    Md,
    /// One self-contained HTML file (inline CSS and SVG, no script, no URL); every report but
    /// `rules check`'s.
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum InputFormat {
    Csv,
    Parquet,
    Jsonl,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TaskArg {
    Binary,
    Multiclass,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Strategy {
    /// Equal-width bins on [0, 1].
    Uniform,
    /// Equal-mass bins (quantile edges).
    Quantile,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LangArg {
    En,
    Ko,
}

/// How prediction files are read (shared by every command that reads them).
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// Input format (default: from the file extension).
    #[arg(long, value_enum)]
    pub(crate) input_format: Option<InputFormat>,
    /// CSV delimiter (default: detected from the header).
    #[arg(long)]
    pub(crate) delimiter: Option<char>,
    /// Column with the true class.
    #[arg(long, default_value = "label")]
    pub(crate) label_col: String,
    /// Column with the positive-class score (binary).
    #[arg(long, default_value = "score")]
    pub(crate) score_col: String,
    /// Column with hard predictions (models that give no scores).
    #[arg(long, default_value = "pred")]
    pub(crate) pred_col: String,
    /// Column with sample ids.
    #[arg(long, default_value = "id")]
    pub(crate) id_col: String,
    /// Column with the cluster of each sample (e.g. battery_id): the bootstrap resamples whole groups.
    #[arg(long, default_value = "group")]
    pub(crate) group_col: String,
    /// Prefix of per-class probability columns.
    #[arg(long, default_value = "prob_")]
    pub(crate) prob_prefix: String,
    /// Prefix of per-class logit columns (softmax is applied).
    #[arg(long, default_value = "logit_")]
    pub(crate) logit_prefix: String,
    /// Task (default: inferred from the columns).
    #[arg(long, value_enum)]
    pub(crate) task: Option<TaskArg>,
    /// The positive class of a binary task (default: the greater label, as scikit-learn).
    #[arg(long)]
    pub(crate) positive: Option<String>,
    /// Divide probability rows by their sum instead of rejecting rows that do not sum to 1.
    #[arg(long)]
    pub(crate) normalize: bool,
}

/// Bootstrap intervals (shared by every command that reports intervals). Every default here is
/// `verdict_app::eval::Settings::default()`'s, the one statement of them.
#[derive(Debug, Clone, Args)]
pub(crate) struct BootstrapArgs {
    /// Bootstrap resamples for confidence intervals (0 = off).
    #[arg(long, default_value_t = verdict_app::eval::Settings::default().bootstrap)]
    pub(crate) bootstrap: usize,
    /// Bootstrap seed.
    #[arg(long, default_value_t = verdict_app::eval::Settings::default().seed)]
    pub(crate) seed: u64,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = verdict_app::eval::Settings::default().ci)]
    pub(crate) ci: f64,
}

/// Threshold, intervals and calibration (shared by eval and compare).
#[derive(Debug, Args)]
pub(crate) struct StatArgs {
    /// Decision threshold: score >= threshold is positive.
    #[arg(long, default_value_t = verdict_app::eval::Settings::default().threshold)]
    pub(crate) threshold: f64,
    #[command(flatten)]
    pub(crate) boot: BootstrapArgs,
    /// Calibration bins.
    #[arg(long, default_value_t = verdict_app::eval::Settings::default().calibration_bins)]
    pub(crate) calibration_bins: usize,
    /// Calibration binning.
    #[arg(long, value_enum, default_value = "uniform")]
    pub(crate) calibration_strategy: Strategy,
    /// At most this many points per ROC/PR curve in JSON output (0 = all points).
    #[arg(long, default_value_t = verdict_app::eval::Settings::default().curve_points)]
    pub(crate) curve_points: usize,
}

/// Output (shared).
#[derive(Debug, Clone, Args)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: OutputFormat,
    /// Report language.
    #[arg(long, value_enum, default_value = "en")]
    pub(crate) lang: LangArg,
    /// No progress bar.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Never colour the output.
    #[arg(long)]
    pub(crate) no_color: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// The predictions file; `-` reads standard input (then --input-format is required).
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) stats: StatArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    /// Report the threshold that reaches this recall.
    #[arg(long)]
    pub(crate) target_recall: Option<f64>,
    /// Report the threshold that reaches this precision.
    #[arg(long)]
    pub(crate) target_precision: Option<f64>,
    /// Also evaluate a collapsed binary problem, NAME=class,class,… (repeatable).
    #[arg(long = "group-classes", value_name = "NAME=A,B,…")]
    pub(crate) group_classes: Vec<String>,
    /// Repeat the evaluation for each value of this metadata column.
    #[arg(long)]
    pub(crate) by: Option<String>,
    /// Also write report.md (in --lang), eval.json and the plots (roc.svg and pr.svg for binary
    /// scores, reliability.svg when the scores are probabilities) into this directory.
    #[arg(long)]
    pub(crate) out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) ledger: EvalLedgerArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// Two or more prediction files of the same eval set (one per model; the first is the baseline).
    #[arg(required = true, num_args = 2..)]
    pub(crate) files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) stats: StatArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    #[command(flatten)]
    pub(crate) paired: PairedArgs,
    /// Validation predictions, one file per model in the same order: each model's own (Youden)
    /// threshold is chosen there and applied to the test files.
    #[arg(long)]
    pub(crate) val: Vec<PathBuf>,
    /// Also write report.md (in --lang), roc.svg, pr.svg and compare.json into this directory.
    #[arg(long)]
    pub(crate) out_dir: Option<PathBuf>,
    /// Store the comparison in this run: the JSON document as artifact
    /// verdict/<name>.compare.json and the HTML report (in --lang) as verdict/<name>.compare.html,
    /// with tags verdict.compare.<name>.fingerprint and .models.
    #[arg(long, value_name = "RUN_ID")]
    pub(crate) run: Option<String>,
    /// Name of the comparison within the run.
    #[arg(long, default_value = "compare", requires = "run")]
    pub(crate) compare_name: String,
    #[command(flatten)]
    pub(crate) target: RunStoreArgs,
}

/// `verdict ensemble`.
#[derive(Debug, Args)]
pub(crate) struct EnsembleArgs {
    /// One prediction file per member, all of the same eval set (the set the report is about).
    #[arg(required = true, num_args = 2..)]
    pub(crate) files: Vec<PathBuf>,
    /// Validation predictions, one file per member in the same order: --optimize learns the
    /// weights on them (never on the test files, unless --allow-test-fit).
    #[arg(long, num_args = 1..)]
    pub(crate) val: Vec<PathBuf>,
    /// Member weights in file order, e.g. 0.30,0.30,0.25,0.15, or by member (file stem), e.g.
    /// bert=0.30,bilstm=0.30,lstm=0.25,lexicon=0.15 (normalised to sum 1). Repeat the flag to
    /// compare several weightings: the first is the ensemble's (unless --optimize), every
    /// other is compared with it by the paired tests. Default: equal weights.
    #[arg(long, value_name = "W,W,…")]
    pub(crate) weights: Vec<String>,
    /// How the members are combined: the weighted mean of their probabilities (soft, as
    /// scikit-learn's VotingClassifier), the weighted majority of their predicted classes
    /// (hard), or, for binary scores, the weighted mean of their normalised ranks (rank).
    #[arg(long, value_enum, default_value = "soft")]
    pub(crate) voting: VotingArg,
    /// Learn the ensemble's weights on --val: Caruana et al.'s ensemble selection (greedy, with
    /// replacement, from the best single member) or the log-loss optimum over the simplex.
    #[arg(long, value_enum)]
    pub(crate) optimize: Option<OptimizeArg>,
    /// Rounds of --optimize caruana.
    #[arg(long, default_value_t = 50)]
    pub(crate) rounds: usize,
    /// The metric --optimize caruana selects on.
    #[arg(long, value_enum, default_value = "log-loss")]
    pub(crate) select_metric: SelectMetricArg,
    /// Allow --optimize without --val: learn the weights on the test files (the report then says
    /// the ensemble's metrics are optimistic).
    #[arg(long)]
    pub(crate) allow_test_fit: bool,
    /// Bootstrap resamples of the rows the weights are learned on, to show how stable the
    /// learned weights are (median and interval per member; 0 = off).
    #[arg(long, default_value_t = 200)]
    pub(crate) weight_resamples: usize,
    /// Interval level of the learned weights' stability.
    #[arg(long, default_value_t = 0.9)]
    pub(crate) weight_ci: f64,
    /// Confident learning (as cleanlab's find_label_issues) on the ensemble's probabilities of
    /// the eval set: the rows whose labels look wrong, with the suggested label.
    #[arg(long)]
    pub(crate) label_review: bool,
    /// Review the labels with this member's probabilities instead of the ensemble's.
    #[arg(long, value_name = "MEMBER", requires = "label_review")]
    pub(crate) label_review_source: Option<String>,
    /// The members were trained on the reviewed rows (in-sample probabilities): the label
    /// review then warns that it can only confirm what the models already believe.
    #[arg(long, requires = "label_review")]
    pub(crate) in_sample: bool,
    /// The headline metric (default: roc_auc for binary scores, else accuracy).
    #[arg(long)]
    pub(crate) metric: Option<String>,
    /// Significance level.
    #[arg(long, default_value_t = 0.05)]
    pub(crate) alpha: f64,
    #[command(flatten)]
    pub(crate) input: InputArgs,
    #[command(flatten)]
    pub(crate) stats: StatArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
    /// Also write report.md (in --lang), ensemble.json and the plots (weights.svg,
    /// leave_one_out.svg, diversity.svg) into this directory.
    #[arg(long)]
    pub(crate) out_dir: Option<PathBuf>,
    /// Store the ensemble in this run: its evaluation as `verdict eval --run` stores one (metrics
    /// <name>/<metric> with _ci_low/_ci_high, tags verdict.eval.<name>.*), the report as artifact
    /// verdict/<name>.ensemble.json, and the weights as params <name>.weight.<member>.
    #[arg(long, value_name = "RUN_ID")]
    pub(crate) run: Option<String>,
    /// Name of the ensemble's evaluation within the run.
    #[arg(long, default_value = "ensemble", requires = "run")]
    pub(crate) eval_name: String,
    #[command(flatten)]
    pub(crate) target: RunStoreArgs,
}

/// `--voting`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum VotingArg {
    Soft,
    Hard,
    Rank,
}

/// `--optimize`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum OptimizeArg {
    Caruana,
    Logloss,
}

/// `--select-metric`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum SelectMetricArg {
    LogLoss,
    Accuracy,
}

/// How models are compared (`verdict compare`, `verdict runs compare`).
#[derive(Debug, Args)]
pub(crate) struct PairedArgs {
    /// The model the others are compared with (a file stem, or a run name for `runs compare`;
    /// default: the first).
    #[arg(long)]
    pub(crate) baseline: Option<String>,
    /// The headline metric (default: roc_auc for binary scores, else accuracy).
    #[arg(long)]
    pub(crate) metric: Option<String>,
    /// Significance level.
    #[arg(long, default_value_t = 0.05)]
    pub(crate) alpha: f64,
    /// Target power of the power analysis.
    #[arg(long, default_value_t = 0.8)]
    pub(crate) power: f64,
    /// Also run a paired permutation test of the headline metric with this many permutations.
    #[arg(long, default_value_t = 0)]
    pub(crate) permutation: usize,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum SimilarityArg {
    /// Cosine similarity (rows normalised).
    Cosine,
    /// Inner product.
    Dot,
    /// Euclidean distance (smaller is closer).
    L2,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum NoRelevantArg {
    /// Leave queries without any relevant item out of the means (pytorch-metric-learning).
    Exclude,
    /// Score them 0 (ranx, trec_eval).
    Zero,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct RetrievalCmd {
    #[command(subcommand)]
    pub(crate) sub: Option<RetrievalSub>,
    #[command(flatten)]
    pub(crate) args: RetrievalArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RetrievalSub {
    /// Compare two systems on the same queries: system A from the usual flags, system B from
    /// --query-b/--gallery-b (embeddings) or --run-b (ranked lists); per-query paired
    /// randomization test (+1 correction), paired bootstrap, and win/tie/loss counts.
    Compare(RetrievalCompareArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RetrievalCompareArgs {
    #[command(flatten)]
    pub(crate) a: RetrievalArgs,
    /// System B's query embeddings (same queries and labels as --query).
    #[arg(long)]
    pub(crate) query_b: Option<PathBuf>,
    /// System B's gallery embeddings (same rows and labels as --gallery).
    #[arg(long)]
    pub(crate) gallery_b: Option<PathBuf>,
    /// System B's run (judged with the same --qrels).
    #[arg(long)]
    pub(crate) run_b: Option<PathBuf>,
    /// Sign-flip permutations of the paired randomization test.
    #[arg(long, default_value_t = 1000)]
    pub(crate) permutations: usize,
    /// The metric of the verdict line (default: the first of map_at_r, map, mrr, precision_at_1).
    #[arg(long)]
    pub(crate) metric: Option<String>,
    /// Significance level of the verdict.
    #[arg(long, default_value_t = 0.05)]
    pub(crate) alpha: f64,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct RetrievalArgs {
    /// Query embeddings: .npy (float32/float64) or Parquet with a list column (--embedding-col).
    #[arg(long, required_unless_present = "run")]
    pub(crate) query: Option<PathBuf>,
    /// Labels (and metadata) of the queries, one row per embedding row (CSV/Parquet/JSONL).
    #[arg(long, requires = "query")]
    pub(crate) query_labels: Option<PathBuf>,
    /// Gallery embeddings; without it each query is searched among the other queries (leave-one-out).
    #[arg(long, requires = "gallery_labels")]
    pub(crate) gallery: Option<PathBuf>,
    /// Labels of the gallery rows.
    #[arg(long, requires = "gallery")]
    pub(crate) gallery_labels: Option<PathBuf>,
    /// The list column holding embeddings when the embedding file is Parquet.
    #[arg(long, default_value = "embedding")]
    pub(crate) embedding_col: String,
    /// Column with the label: items with the query's label are its relevant items.
    #[arg(long, default_value = "label")]
    pub(crate) label_col: String,
    /// Align labels with embeddings by this id column (in the Parquet embeddings file and in the
    /// labels file) instead of row by row.
    #[arg(long)]
    pub(crate) id_col: Option<String>,
    /// Also report every value of this query metadata column as its own subset.
    #[arg(long)]
    pub(crate) subset_col: Option<String>,
    /// Cut-offs for the @k metrics.
    #[arg(long, value_delimiter = ',', default_value = "1,5,10")]
    pub(crate) k: Vec<usize>,
    /// Neighbours ranked per query (embeddings only). By default the ranking is as deep as the
    /// largest class (at least the largest --k), so MAP@R and R-precision are exact; a smaller
    /// depth is faster on large galleries, and then MAP@R and R-precision are left out (never
    /// reported truncated) while mrr and map count only the top `depth`.
    #[arg(long, conflicts_with = "run")]
    pub(crate) depth: Option<usize>,
    /// Similarity for the kNN search.
    #[arg(long, value_enum, default_value = "cosine")]
    pub(crate) similarity: SimilarityArg,
    /// Print to stderr how long reading the inputs, the kNN search (with each query's metrics) and
    /// the summaries took, and the search's GFLOP/s.
    #[arg(long)]
    pub(crate) timings: bool,
    /// What queries with no relevant item count for.
    #[arg(long, value_enum, default_value = "exclude")]
    pub(crate) no_relevant: NoRelevantArg,
    /// A ranked-list run (TREC text or ranx JSON) instead of embeddings.
    #[arg(long, requires = "qrels", conflicts_with = "query")]
    pub(crate) run: Option<PathBuf>,
    /// Relevance judgments for --run (TREC qrels or ranx JSON).
    #[arg(long, requires = "run")]
    pub(crate) qrels: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) boot: BootstrapArgs,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}
