//! The conformance cases. Each takes a [`TestDb`] and runs unchanged on both backends.

use std::collections::BTreeMap;

use verdict_store::BackendKind;
use verdict_store::artifacts::ArtifactRepo;
use verdict_store::{
    BulkIntervalQuery, Dataset, DatasetInput, ErrorKind, Experiment, ExperimentQuery,
    ImportOutcome, ImportRun, LifecycleStage, LoggedModelQuery, LoggedModelStatus, Metric,
    ModelOutput, NewLoggedModel, NewModelVersion, NewRun, Param, RegistryQuery, RunInfo, RunQuery,
    RunStatus, RunUpdate, SqliteSync, Store, StoreOptions, Tag, ViewType,
};

use crate::harness::{TestDb, err_kind};

// ------------------------------------------------------------------------------------------
// helpers

pub(crate) fn new_run(store: &Store, exp: &str, name: &str) -> String {
    store
        .create_run(&NewRun {
            experiment_id: exp.to_owned(),
            user_id: Some("tester".to_owned()),
            run_name: Some(name.to_owned()),
            start_time: None,
            tags: Vec::new(),
        })
        .expect("create run")
        .info
        .run_id
}

fn run_at(store: &Store, exp: &str, name: &str, start: i64) -> String {
    store
        .create_run(&NewRun {
            experiment_id: exp.to_owned(),
            user_id: Some("tester".to_owned()),
            run_name: Some(name.to_owned()),
            start_time: Some(start),
            tags: Vec::new(),
        })
        .expect("create run")
        .info
        .run_id
}

pub(crate) fn m(key: &str, value: f64, ts: i64, step: i64) -> Metric {
    Metric::new(key, value, ts, step)
}

fn latest(store: &Store, run_id: &str, key: &str) -> Metric {
    store
        .get_run(run_id)
        .expect("get run")
        .metrics
        .into_iter()
        .find(|m| m.key == key)
        .unwrap_or_else(|| panic!("no latest {key}"))
}

pub(crate) fn history(store: &Store, run_id: &str, key: &str) -> Vec<(i64, i64, f64)> {
    store
        .get_metric_history(run_id, key, None, None)
        .expect("history")
        .items
        .into_iter()
        .map(|m| (m.step, m.timestamp, m.value))
        .collect()
}

fn run_names(store: &Store, q: &RunQuery) -> Vec<String> {
    store
        .search_runs(q)
        .unwrap_or_else(|e| panic!("search {q:?}: {e}"))
        .items
        .into_iter()
        .map(|r| r.info.run_name)
        .collect()
}

fn query(exp: &str, filter: &str, order_by: &[&str]) -> RunQuery {
    RunQuery {
        experiment_ids: vec![exp.to_owned()],
        filter: filter.to_owned(),
        order_by: order_by.iter().map(|s| (*s).to_owned()).collect(),
        max_results: 0,
        page_token: None,
        view: ViewType::ActiveOnly,
    }
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

// ------------------------------------------------------------------------------------------
// schema

pub(crate) fn migrations_are_idempotent_and_create_default(db: &TestDb) {
    let a = db.open();
    assert_eq!(a.backend(), db.backend());
    // MLflow: experiment "0" named "Default" exists in a fresh store (docs/design/mlflow.md §1.4).
    let d = a.get_experiment("0").expect("default experiment");
    assert_eq!(d.name, "Default");
    assert_eq!(d.lifecycle_stage, LifecycleStage::Active);
    assert_eq!(d.artifact_location, "mlflow-artifacts:/0");
    assert_eq!(a.schema_version().expect("version"), 2);
    // Opening again (while the first handle is open) migrates nothing and duplicates nothing.
    let b = db.open();
    let c = db.open();
    assert_eq!(b.schema_version().expect("version"), 2);
    let all = c
        .search_experiments(&ExperimentQuery {
            view: ViewType::All,
            ..ExperimentQuery::default()
        })
        .expect("search");
    assert_eq!(all.items.len(), 1);
    assert_eq!(all.items[0].experiment_id, "0");
    // Several handles opening at the same moment migrate once and all work.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || Store::open(&url).map(|s| s.schema_version()))
        })
        .collect();
    for h in handles {
        assert_eq!(
            h.join().expect("thread").expect("open").expect("version"),
            2
        );
    }
    // Options: another artifact root for new experiments, and SQLite's NORMAL sync.
    let custom = Store::open_with(
        &db.url,
        &StoreOptions {
            default_artifact_root: "file:///data/artifacts/".into(),
            sqlite_sync: SqliteSync::Normal,
            rules_hook: None,
        },
    )
    .expect("open with options");
    let id = custom
        .create_experiment("rooted", None, &[])
        .expect("create");
    assert_eq!(
        custom.get_experiment(&id).expect("get").artifact_location,
        format!("file:///data/artifacts/{id}")
    );
}

/// A brand-new database opened by several threads at once: one migrates (SQLite's write lock,
/// PostgreSQL's advisory lock), all succeed, there is one Default experiment.
pub(crate) fn fresh_database_opened_concurrently(db: &TestDb) {
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let url = db.url.clone();
            std::thread::spawn(move || Store::open(&url).and_then(|s| s.get_experiment("0")))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread").expect("open").name, "Default");
    }
    let s = db.open();
    let all = s
        .search_experiments(&ExperimentQuery {
            view: ViewType::All,
            ..ExperimentQuery::default()
        })
        .expect("search");
    assert_eq!(all.items.len(), 1);
}

pub(crate) fn reopen_keeps_everything(db: &TestDb) {
    let (exp, run_id, before, model, mv) = {
        let s = db.open();
        let exp = s
            .create_experiment("kept", None, &[Tag::new("k", "v")])
            .expect("create");
        let run_id = new_run(&s, &exp, "r");
        s.log_batch(
            &run_id,
            &[
                m("loss", 0.5, 10, 0),
                m("loss", 0.25, 20, 1),
                m("inf", f64::INFINITY, 5, 0),
            ],
            &[Param::new("lr", "0.1")],
            &[Tag::new("t", "1")],
        )
        .expect("batch");
        s.log_metric(&run_id, &m("nan", f64::NAN, 7, 3))
            .expect("nan");
        s.log_inputs(
            &run_id,
            &[DatasetInput {
                dataset: Dataset {
                    name: "train".into(),
                    digest: "abc".into(),
                    source_type: "local".into(),
                    source: "{}".into(),
                    schema: Some("{\"a\":1}".into()),
                    profile: None,
                },
                tags: vec![Tag::new("mlflow.data.context", "training")],
            }],
            &[],
        )
        .expect("inputs");
        let model = s
            .create_logged_model(&NewLoggedModel {
                experiment_id: exp.clone(),
                name: Some("mdl".into()),
                source_run_id: Some(run_id.clone()),
                ..NewLoggedModel::default()
            })
            .expect("model");
        s.log_outputs(
            &run_id,
            &[ModelOutput {
                model_id: model.model_id.clone(),
                step: 2,
            }],
        )
        .expect("outputs");
        s.update_run(
            &run_id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time: Some(99),
                run_name: None,
            },
        )
        .expect("update");
        s.create_registered_model("reg", &[], Some("d"))
            .expect("rm");
        let mv = s
            .create_model_version(&NewModelVersion {
                name: "reg".into(),
                source: format!("models:/{}", model.model_id),
                model_id: Some(model.model_id.clone()),
                ..NewModelVersion::default()
            })
            .expect("mv");
        s.set_registered_model_alias("reg", "champion", mv.version)
            .expect("alias");
        let mv = s.get_model_version("reg", mv.version).expect("mv");
        assert_eq!(mv.aliases, ["champion"]);
        let before = s.get_run(&run_id).expect("get");
        (exp, run_id, before, model.model_id, mv)
    };
    let s = db.open();
    let after = s.get_run(&run_id).expect("get after reopen");
    // Debug output prints NaN as "NaN", so it compares NaN payload-insensitively.
    assert_eq!(format!("{after:?}"), format!("{before:?}"));
    assert_eq!(
        s.get_experiment(&exp).expect("exp").tags,
        vec![Tag::new("k", "v")]
    );
    assert_eq!(
        history(&s, &run_id, "loss"),
        vec![(0, 10, 0.5), (1, 20, 0.25)]
    );
    assert_eq!(s.get_logged_model(&model).expect("model").name, "mdl");
    let by_alias = s
        .get_model_version_by_alias("reg", "champion")
        .expect("alias");
    assert_eq!(by_alias, mv);
    // A new experiment after reopening gets the next id, never a reused one.
    let next = s.create_experiment("next", None, &[]).expect("create");
    assert!(next.parse::<i64>().expect("int") > exp.parse::<i64>().expect("int"));
}

// ------------------------------------------------------------------------------------------
// experiments

pub(crate) fn experiment_crud(db: &TestDb) {
    let s = db.open();
    let id = s
        .create_experiment(
            "exp one",
            None,
            &[Tag::new("team", "a"), Tag::new("b", "2")],
        )
        .expect("create");
    assert_ne!(id, "0");
    let e = s.get_experiment(&id).expect("get");
    assert_eq!(e.name, "exp one");
    assert_eq!(e.artifact_location, format!("mlflow-artifacts:/{id}"));
    assert_eq!(e.tags, vec![Tag::new("b", "2"), Tag::new("team", "a")]);
    assert_eq!(s.get_experiment_by_name("exp one").expect("by name"), e);
    let custom = s
        .create_experiment("custom", Some("file:///data/x"), &[])
        .expect("create custom");
    assert_eq!(
        s.get_experiment(&custom).expect("get").artifact_location,
        "file:///data/x"
    );
    // MLflow: duplicate name → RESOURCE_ALREADY_EXISTS; missing → RESOURCE_DOES_NOT_EXIST.
    assert_eq!(
        err_kind(s.create_experiment("exp one", None, &[])).0,
        ErrorKind::ResourceAlreadyExists
    );
    let (k, msg) = err_kind(s.get_experiment_by_name("nope"));
    assert_eq!(k, ErrorKind::ResourceDoesNotExist);
    assert!(msg.contains("nope"), "{msg}");
    assert_eq!(
        err_kind(s.get_experiment("12345")).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(
        err_kind(s.get_experiment("abc")).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.create_experiment("", None, &[])).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.create_experiment(&"x".repeat(501), None, &[])).0,
        ErrorKind::InvalidParameterValue
    );
    // Rename.
    s.rename_experiment(&id, "renamed").expect("rename");
    assert_eq!(s.get_experiment(&id).expect("get").name, "renamed");
    assert_eq!(
        err_kind(s.rename_experiment(&id, "custom")).0,
        ErrorKind::ResourceAlreadyExists
    );
    // Tags.
    s.set_experiment_tag(&id, "team", "b").expect("set tag");
    s.delete_experiment_tag(&id, "b").expect("delete tag");
    assert_eq!(
        s.get_experiment(&id).expect("get").tags,
        vec![Tag::new("team", "b")]
    );
    assert_eq!(
        err_kind(s.delete_experiment_tag(&id, "b")).0,
        ErrorKind::ResourceDoesNotExist
    );
    // Delete soft-deletes the runs too; restore brings both back.
    let run = new_run(&s, &id, "r");
    s.delete_experiment(&id).expect("delete");
    assert_eq!(
        s.get_experiment(&id).expect("get").lifecycle_stage,
        LifecycleStage::Deleted
    );
    assert_eq!(
        s.get_run(&run).expect("run").info.lifecycle_stage,
        LifecycleStage::Deleted
    );
    // A deleted experiment's name stays taken (MLflow).
    assert_eq!(
        err_kind(s.create_experiment("renamed", None, &[])).0,
        ErrorKind::ResourceAlreadyExists
    );
    // No new runs in a deleted experiment.
    assert_eq!(
        err_kind(s.create_run(&NewRun {
            experiment_id: id.clone(),
            user_id: None,
            run_name: None,
            start_time: None,
            tags: vec![],
        }))
        .0,
        ErrorKind::InvalidParameterValue
    );
    s.restore_experiment(&id).expect("restore");
    assert_eq!(
        s.get_run(&run).expect("run").info.lifecycle_stage,
        LifecycleStage::Active
    );
}

pub(crate) fn experiment_search_filter_order_paging(db: &TestDb) {
    let s = db.open();
    let a = s
        .create_experiment("exp-a", None, &[Tag::new("team", "vision")])
        .expect("a");
    let b = s
        .create_experiment("exp-b", None, &[Tag::new("team", "nlp")])
        .expect("b");
    let c = s.create_experiment("other", None, &[]).expect("c");
    let names = |q: &ExperimentQuery| -> Vec<String> {
        s.search_experiments(q)
            .unwrap_or_else(|e| panic!("{q:?}: {e}"))
            .items
            .into_iter()
            .map(|e| e.name)
            .collect()
    };
    let q = |filter: &str, order: &[&str]| ExperimentQuery {
        filter: filter.to_owned(),
        order_by: order.iter().map(|s| (*s).to_owned()).collect(),
        ..ExperimentQuery::default()
    };
    assert_eq!(
        names(&q("name LIKE 'exp-%'", &["name ASC"])),
        ["exp-a", "exp-b"]
    );
    assert_eq!(
        names(&q("name ILIKE 'EXP-%'", &["name DESC"])),
        ["exp-b", "exp-a"]
    );
    assert_eq!(names(&q("tags.team = 'nlp'", &[])), ["exp-b"]);
    assert_eq!(names(&q("tags.team != 'nlp'", &[])), ["exp-a"]);
    assert_eq!(
        names(&q("", &["name"])),
        ["Default", "exp-a", "exp-b", "other"]
    );
    assert_eq!(
        err_kind(s.search_experiments(&q("metrics.x > 1", &[]))).0,
        ErrorKind::InvalidParameterValue
    );
    // Views.
    s.delete_experiment(&c).expect("delete");
    let deleted = ExperimentQuery {
        view: ViewType::DeletedOnly,
        ..ExperimentQuery::default()
    };
    assert_eq!(names(&deleted), ["other"]);
    let all = ExperimentQuery {
        view: ViewType::All,
        order_by: vec!["name".into()],
        ..ExperimentQuery::default()
    };
    assert_eq!(names(&all), ["Default", "exp-a", "exp-b", "other"]);
    // Paging: max_results 1 walks every active experiment once, in order.
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = s
            .search_experiments(&ExperimentQuery {
                order_by: vec!["name ASC".into()],
                max_results: 1,
                page_token: token.clone(),
                ..ExperimentQuery::default()
            })
            .expect("page");
        seen.extend(page.items.into_iter().map(|e| e.experiment_id));
        token = page.next_page_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, vec!["0".to_owned(), a, b]);
}

// ------------------------------------------------------------------------------------------
// runs

pub(crate) fn run_crud_and_lifecycle(db: &TestDb) {
    let s = db.open();
    let exp = s.create_experiment("runs", None, &[]).expect("exp");
    let run = s
        .create_run(&NewRun {
            experiment_id: exp.clone(),
            user_id: Some("ann".into()),
            run_name: Some("first".into()),
            start_time: Some(1234),
            tags: vec![Tag::new("team", "x")],
        })
        .expect("create");
    let id = run.info.run_id.clone();
    assert!(is_hex32(&id), "{id}");
    assert_eq!(run.info.status, RunStatus::Running);
    assert_eq!(run.info.start_time, Some(1234));
    assert_eq!(run.info.end_time, None);
    assert_eq!(run.info.user_id.as_deref(), Some("ann"));
    assert_eq!(run.info.experiment_id, exp);
    // docs/design/mlflow.md §1.4: artifact_uri = mlflow-artifacts:/<exp>/<run_id>/artifacts.
    assert_eq!(
        run.info.artifact_uri,
        format!("mlflow-artifacts:/{exp}/{id}/artifacts")
    );
    assert_eq!(
        run.tags,
        vec![Tag::new("mlflow.runName", "first"), Tag::new("team", "x")]
    );
    assert_eq!(s.get_run(&id).expect("get"), run);
    // A run name given only as the mlflow.runName tag names the run; without either a name is
    // generated.
    let tagged = s
        .create_run(&NewRun {
            experiment_id: exp.clone(),
            user_id: None,
            run_name: None,
            start_time: None,
            tags: vec![Tag::new("mlflow.runName", "from-tag")],
        })
        .expect("create");
    assert_eq!(tagged.info.run_name, "from-tag");
    let unnamed = s
        .create_run(&NewRun {
            experiment_id: exp.clone(),
            user_id: None,
            run_name: None,
            start_time: None,
            tags: vec![],
        })
        .expect("create");
    assert!(!unnamed.info.run_name.is_empty());
    assert_eq!(
        err_kind(s.create_run(&NewRun {
            experiment_id: exp.clone(),
            user_id: None,
            run_name: Some("a".into()),
            start_time: None,
            tags: vec![Tag::new("mlflow.runName", "b")],
        }))
        .0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.create_run(&NewRun {
            experiment_id: "999".into(),
            user_id: None,
            run_name: None,
            start_time: None,
            tags: vec![],
        }))
        .0,
        ErrorKind::ResourceDoesNotExist
    );
    // Update.
    let info = s
        .update_run(
            &id,
            &RunUpdate {
                status: Some(RunStatus::Finished),
                end_time: Some(5678),
                run_name: Some("renamed".into()),
            },
        )
        .expect("update");
    assert_eq!(info.status, RunStatus::Finished);
    assert_eq!(info.end_time, Some(5678));
    assert_eq!(info.run_name, "renamed");
    let got = s.get_run(&id).expect("get");
    assert_eq!(got.info, info);
    assert!(got.tags.contains(&Tag::new("mlflow.runName", "renamed")));
    // A FINISHED run still takes logging (docs/design/mlflow.md §1.9).
    s.log_metric(&id, &m("late", 1.0, 1, 0))
        .expect("log to finished");
    // Renaming through the tag renames the run.
    s.set_tag(&id, "mlflow.runName", "via-tag").expect("tag");
    assert_eq!(s.get_run(&id).expect("get").info.run_name, "via-tag");
    // Soft delete: the run stays readable, logging is refused with MLflow's message.
    s.delete_run(&id).expect("delete");
    let deleted = s.get_run(&id).expect("get deleted");
    assert_eq!(deleted.info.lifecycle_stage, LifecycleStage::Deleted);
    assert!(deleted.info.deleted_time.is_some());
    let (k, msg) = err_kind(s.log_param(&id, "p", "1"));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert_eq!(
        msg,
        format!("The run {id} must be in the 'active' state. Current state is deleted.")
    );
    assert_eq!(
        err_kind(s.log_metric(&id, &m("x", 1.0, 1, 0))).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.set_tag(&id, "a", "b")).0,
        ErrorKind::InvalidParameterValue
    );
    s.restore_run(&id).expect("restore");
    let restored = s.get_run(&id).expect("get");
    assert_eq!(restored.info.lifecycle_stage, LifecycleStage::Active);
    assert_eq!(restored.info.deleted_time, None);
    s.log_param(&id, "p", "1").expect("log after restore");
    // Unknown run: MLflow's message.
    let missing = "0".repeat(32);
    let (k, msg) = err_kind(s.get_run(&missing));
    assert_eq!(k, ErrorKind::ResourceDoesNotExist);
    assert_eq!(msg, format!("Run with id={missing} not found"));
    assert_eq!(
        err_kind(s.log_metric(&missing, &m("x", 1.0, 1, 0))).0,
        ErrorKind::ResourceDoesNotExist
    );
}

pub(crate) fn params_are_write_once(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "p");
    s.log_param(&id, "lr", "0.01").expect("first");
    // The same value again is fine (MLflow: only a *different* value is refused).
    s.log_param(&id, "lr", "0.01").expect("same value");
    let (k, msg) = err_kind(s.log_param(&id, "lr", "0.5"));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert!(
        msg.starts_with("Changing param values is not allowed"),
        "{msg}"
    );
    assert_eq!(
        err_kind(s.log_batch(&id, &[], &[Param::new("lr", "0.9")], &[])).0,
        ErrorKind::InvalidParameterValue
    );
    s.log_batch(
        &id,
        &[],
        &[Param::new("lr", "0.01"), Param::new("bs", "32")],
        &[],
    )
    .expect("same value in a batch");
    // Duplicate keys in one batch (validation.py `_validate_param_keys_unique`).
    let (k, msg) =
        err_kind(s.log_batch(&id, &[], &[Param::new("x", "1"), Param::new("x", "1")], &[]));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert!(
        msg.starts_with("Duplicate parameter keys have been submitted"),
        "{msg}"
    );
    assert_eq!(
        s.get_run(&id).expect("get").params,
        vec![Param::new("bs", "32"), Param::new("lr", "0.01")]
    );
}

pub(crate) fn run_tags_set_delete(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "t");
    s.set_tag(&id, "a", "1").expect("set");
    s.set_tag(&id, "a", "2").expect("overwrite");
    s.set_tag(&id, "b", "x").expect("set");
    s.delete_tag(&id, "b").expect("delete");
    let (k, msg) = err_kind(s.delete_tag(&id, "b"));
    assert_eq!(k, ErrorKind::ResourceDoesNotExist);
    assert_eq!(msg, format!("No tag with name: b in run with id {id}"));
    let tags = s.get_run(&id).expect("get").tags;
    assert_eq!(
        tags,
        vec![Tag::new("a", "2"), Tag::new("mlflow.runName", "t")]
    );
    // Tag values up to 8000 characters (validation.py MAX_TAG_VAL_LENGTH).
    s.set_tag(&id, "long", &"v".repeat(8000)).expect("8000");
    assert_eq!(
        err_kind(s.set_tag(&id, "long", &"v".repeat(8001))).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.set_tag(&id, "../x", "v")).0,
        ErrorKind::InvalidParameterValue
    );
}

// ------------------------------------------------------------------------------------------
// metrics

pub(crate) fn latest_metric_rule(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "latest");
    // MLflow's SQL store keeps max by (step, timestamp, value) (docs/design/mlflow.md §1.4;
    // sqlalchemy_store._update_latest_metrics_if_necessary). Each line: point → expected latest.
    type Point = (i64, i64, f64);
    let steps: &[(Point, Point)] = &[
        ((0, 100, 1.0), (0, 100, 1.0)),
        ((2, 50, 0.2), (2, 50, 0.2)), // higher step wins despite an older timestamp
        ((1, 999, 9.0), (2, 50, 0.2)), // lower step never wins
        ((2, 60, 0.1), (2, 60, 0.1)), // same step, newer timestamp wins
        ((2, 60, 0.05), (2, 60, 0.1)), // same step and timestamp, smaller value loses
        ((2, 60, 0.3), (2, 60, 0.3)), // same step and timestamp, larger value wins
        ((-5, 1000, 7.0), (2, 60, 0.3)), // negative steps are just smaller
    ];
    for ((step, ts, v), want) in steps {
        s.log_metric(&id, &m("x", *v, *ts, *step)).expect("log");
        let l = latest(&s, &id, "x");
        assert_eq!((l.step, l.timestamp, l.value), *want, "after logging {v}");
    }
    // The history keeps every point, ordered by (step, timestamp).
    assert_eq!(
        history(&s, &id, "x"),
        vec![
            (-5, 1000, 7.0),
            (0, 100, 1.0),
            (1, 999, 9.0),
            (2, 50, 0.2),
            (2, 60, 0.05),
            (2, 60, 0.1),
            (2, 60, 0.3)
        ]
    );
    // An exact repeat of a point is stored once (the SQL store's metrics primary key is
    // (key, timestamp, step, run_uuid, value, is_nan), docs/design/mlflow.md §2).
    s.log_metric(&id, &m("x", 0.3, 60, 2)).expect("repeat");
    assert_eq!(history(&s, &id, "x").len(), 7);
    // NaN is stored as value 0 with is_nan (sqlalchemy_store.sanitize_metric_value), so at equal
    // (step, timestamp) it beats negative values and loses to positive ones.
    s.log_metric(&id, &m("n", -1.0, 10, 0)).expect("log");
    s.log_metric(&id, &m("n", f64::NAN, 10, 0)).expect("log");
    assert!(latest(&s, &id, "n").value.is_nan());
    s.log_metric(&id, &m("n", 0.5, 10, 0)).expect("log");
    assert_eq!(latest(&s, &id, "n").value, 0.5);
    s.log_metric(&id, &m("n", f64::NAN, 10, 0)).expect("log");
    assert_eq!(latest(&s, &id, "n").value, 0.5);
    // A later step always wins, NaN or not.
    s.log_metric(&id, &m("n", f64::NAN, 1, 1)).expect("log");
    assert!(latest(&s, &id, "n").value.is_nan());
    // One batch in any order reaches the same latest value as logging one by one.
    s.log_batch(
        &id,
        &[
            m("b", 3.0, 5, 1),
            m("b", 1.0, 1, 3),
            m("b", 2.0, 1, 3),
            m("b", 9.0, 9, 2),
            m("b", 0.5, 1, 3),
        ],
        &[],
        &[],
    )
    .expect("batch");
    let l = latest(&s, &id, "b");
    assert_eq!((l.step, l.timestamp, l.value), (3, 1, 2.0));
    // A later batch with only older points leaves the latest value alone.
    s.log_batch(&id, &[m("b", 100.0, 0, 0)], &[], &[])
        .expect("batch");
    assert_eq!(latest(&s, &id, "b").value, 2.0);
    // The latest row carries the dataset and model links of its point.
    let mut linked = m("d", 1.0, 1, 10);
    linked.dataset_name = Some("train".into());
    linked.dataset_digest = Some("abc".into());
    s.log_metric(&id, &linked).expect("log");
    assert_eq!(latest(&s, &id, "d"), linked);
}

pub(crate) fn nan_and_infinity_round_trip(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "special");
    s.log_batch(
        &id,
        &[
            m("nan", f64::NAN, 1, 0),
            m("pinf", f64::INFINITY, 1, 0),
            m("ninf", f64::NEG_INFINITY, 1, 0),
            m("max", f64::MAX, 1, 0),
            m("tiny", f64::MIN_POSITIVE, 1, 0),
            m("neg0", -0.0, 1, 0),
        ],
        &[],
        &[],
    )
    .expect("batch");
    let run = s.get_run(&id).expect("get");
    let by_key: BTreeMap<&str, f64> = run
        .metrics
        .iter()
        .map(|m| (m.key.as_str(), m.value))
        .collect();
    assert!(by_key["nan"].is_nan());
    assert_eq!(by_key["pinf"], f64::INFINITY);
    assert_eq!(by_key["ninf"], f64::NEG_INFINITY);
    assert_eq!(by_key["max"], f64::MAX);
    assert_eq!(by_key["tiny"], f64::MIN_POSITIVE);
    assert_eq!(by_key["neg0"], 0.0);
    let h = s
        .get_metric_history(&id, "nan", None, None)
        .expect("history");
    assert!(h.items[0].value.is_nan());
    assert_eq!(history(&s, &id, "pinf"), vec![(0, 1, f64::INFINITY)]);
    let bulk = s
        .get_metric_history_bulk_interval(&BulkIntervalQuery {
            run_ids: vec![id.clone()],
            metric_key: "ninf".into(),
            start_step: None,
            end_step: None,
            max_results: 10,
        })
        .expect("bulk");
    assert_eq!(bulk[0].metric.value, f64::NEG_INFINITY);
}

pub(crate) fn log_batch_is_atomic(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "atomic");
    s.log_param(&id, "fixed", "1").expect("param");
    let good: Vec<Metric> = (0..50)
        .map(|i| m("loss", f64::from(i), 1, i64::from(i)))
        .collect();
    // One bad item (a param changing value) → nothing of the batch is stored.
    let r = s.log_batch(
        &id,
        &good,
        &[Param::new("new", "x"), Param::new("fixed", "2")],
        &[Tag::new("t", "v")],
    );
    assert_eq!(err_kind(r).0, ErrorKind::InvalidParameterValue);
    // A bad metric name (validation.py: names may not resolve to another path) → nothing.
    let mut bad = good.clone();
    bad.push(m("a//b", 1.0, 1, 0));
    assert_eq!(
        err_kind(s.log_batch(&id, &bad, &[], &[Tag::new("t", "v")])).0,
        ErrorKind::InvalidParameterValue
    );
    // A negative timestamp (validation.py `_validate_metric`) → nothing.
    let mut bad = good.clone();
    bad.push(m("ok", 1.0, -1, 0));
    assert_eq!(
        err_kind(s.log_batch(&id, &bad, &[], &[])).0,
        ErrorKind::InvalidParameterValue
    );
    let run = s.get_run(&id).expect("get");
    assert!(run.metrics.is_empty(), "{:?}", run.metrics);
    assert_eq!(run.params, vec![Param::new("fixed", "1")]);
    assert_eq!(run.tags, vec![Tag::new("mlflow.runName", "atomic")]);
    assert!(history(&s, &id, "loss").is_empty());
    // The same batch without the bad item goes in whole.
    s.log_batch(&id, &good, &[Param::new("new", "x")], &[Tag::new("t", "v")])
        .expect("good batch");
    assert_eq!(history(&s, &id, "loss").len(), 50);
    assert_eq!(latest(&s, &id, "loss").value, 49.0);
}

/// A trigger that refuses every logged-model metric row: `write_batch` writes those last, after
/// the params, tags, metric history and latest values of the same call.
pub(crate) const FAIL_LOGGED_MODEL_METRICS_SQLITE: &str = "CREATE TRIGGER verdict_test_fail BEFORE INSERT \
    ON logged_model_metrics BEGIN SELECT RAISE(ABORT, 'injected failure'); END;";
pub(crate) const FAIL_LOGGED_MODEL_METRICS_PG: &str = "CREATE FUNCTION verdict_test_fail() RETURNS trigger \
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$; \
    CREATE TRIGGER verdict_test_fail BEFORE INSERT ON logged_model_metrics FOR EACH ROW \
    EXECUTE FUNCTION verdict_test_fail();";
pub(crate) const UNFAIL_LOGGED_MODEL_METRICS: &str = "DROP TRIGGER verdict_test_fail";

/// `Store::log_records`: one transaction for a whole evaluation's records, without the REST
/// batch limits. A call that fails anywhere stores none of its records.
pub(crate) fn log_records_is_atomic_without_batch_limits(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "records");
    s.log_param(&id, "fixed", "1").expect("param");
    let metrics: Vec<Metric> = (0..20)
        .map(|i| m(&format!("k{i}"), f64::from(i), 1, 0))
        .collect();
    let tags = [Tag::new("verdict.fingerprint", "abc"), Tag::new("t", "v")];
    let before = s.get_run(&id).expect("get");

    // Valid tags and metrics, then a param that changes an already-logged value.
    let (k, msg) = err_kind(s.log_records(
        &id,
        &metrics,
        &[Param::new("new", "x"), Param::new("fixed", "2")],
        &tags,
    ));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert!(
        msg.contains("Changing param values is not allowed"),
        "{msg}"
    );
    assert_eq!(s.get_run(&id).expect("get"), before);
    assert!(history(&s, &id, "k0").is_empty());

    // A store failure after the params, tags, history and latest values were written (the
    // logged-model metric rows come last): the transaction leaves nothing behind.
    db.execute_raw(match db.backend() {
        BackendKind::Sqlite => FAIL_LOGGED_MODEL_METRICS_SQLITE,
        BackendKind::Postgres => FAIL_LOGGED_MODEL_METRICS_PG,
    });
    let mut with_model = metrics.clone();
    let mut last = m("zz", 1.0, 1, 0);
    last.model_id = Some("m-0123".into());
    with_model.push(last);
    let r = s.log_records(&id, &with_model, &[Param::new("new", "x")], &tags);
    assert!(
        r.as_ref()
            .is_err_and(|e| e.to_string().contains("injected failure")),
        "{r:?}"
    );
    assert_eq!(s.get_run(&id).expect("get"), before);
    assert!(history(&s, &id, "k0").is_empty());
    assert!(history(&s, &id, "zz").is_empty());
    let on_table = match db.backend() {
        BackendKind::Sqlite => "",
        BackendKind::Postgres => " ON logged_model_metrics",
    };
    db.execute_raw(&format!("{UNFAIL_LOGGED_MODEL_METRICS}{on_table}"));

    // More than log_batch allows (1000 metrics, 100 params, 100 tags) goes in whole.
    let many: Vec<Metric> = (0..1500)
        .map(|i| m(&format!("k{}", i % 7), f64::from(i), 1, i64::from(i)))
        .collect();
    let params: Vec<Param> = (0..150).map(|i| Param::new(format!("p{i}"), "v")).collect();
    let tags: Vec<Tag> = (0..150).map(|i| Tag::new(format!("t{i}"), "v")).collect();
    assert_eq!(
        err_kind(s.log_batch(&id, &many, &[], &[])).0,
        ErrorKind::InvalidParameterValue
    );
    s.log_records(&id, &many, &params, &tags)
        .expect("records beyond the batch limits");
    let run = s.get_run(&id).expect("get");
    assert_eq!(run.metrics.len(), 7);
    assert_eq!(run.params.len(), 151);
    assert_eq!(run.tags.len(), 151);
    let points: usize = (0..7)
        .map(|k| history(&s, &id, &format!("k{k}")).len())
        .sum();
    assert_eq!(points, 1500);
    assert_eq!(latest(&s, &id, "k0").value, 1498.0);
}

/// A list of tags (or params) that names a key twice keeps the last value, on every entity that
/// takes a list, as a loop of single upserts did (one row per key reaches the database).
pub(crate) fn repeated_keys_in_one_call_keep_the_last_value(db: &TestDb) {
    let s = db.open();
    let twice = [Tag::new("k", "1"), Tag::new("j", "x"), Tag::new("k", "2")];
    let kept = vec![Tag::new("j", "x"), Tag::new("k", "2")];
    let exp = s.create_experiment("twice", None, &twice).expect("exp");
    assert_eq!(s.get_experiment(&exp).expect("exp").tags, kept);
    let rm = s
        .create_registered_model("twice", &twice, None)
        .expect("registered model");
    assert_eq!(rm.tags, kept);
    let mv = s
        .create_model_version(&NewModelVersion {
            name: "twice".into(),
            source: "s3://x".into(),
            tags: twice.to_vec(),
            ..NewModelVersion::default()
        })
        .expect("version");
    assert_eq!(mv.tags, kept);
    let id = new_run(&s, &exp, "twice");
    s.log_batch(&id, &[], &[], &twice).expect("tags");
    let run = s.get_run(&id).expect("run");
    assert!(run.tags.contains(&Tag::new("k", "2")), "{:?}", run.tags);
    // The same dataset twice, with a context each: one input, the last context.
    s.log_inputs(
        &id,
        &[dataset("d", "1", "training"), dataset("d", "1", "eval")],
        &[],
    )
    .expect("inputs");
    let run = s.get_run(&id).expect("run");
    assert_eq!(run.dataset_inputs.len(), 1);
    assert_eq!(
        run.dataset_inputs[0].tags,
        vec![Tag::new("mlflow.data.context", "eval")]
    );
}

pub(crate) fn log_batch_limits(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "limits");
    let metrics = |n: usize| -> Vec<Metric> {
        (0..n)
            .map(|i| m(&format!("k{}", i % 7), i as f64, 1, i as i64))
            .collect()
    };
    let params =
        |n: usize| -> Vec<Param> { (0..n).map(|i| Param::new(format!("p{i}"), "v")).collect() };
    let tags = |n: usize| -> Vec<Tag> { (0..n).map(|i| Tag::new(format!("t{i}"), "v")).collect() };
    // validation.py: ≤ 1000 metrics, ≤ 100 params, ≤ 100 tags, ≤ 1000 entities in total.
    let (k, msg) = err_kind(s.log_batch(&id, &metrics(1001), &[], &[]));
    assert_eq!(k, ErrorKind::InvalidParameterValue);
    assert_eq!(
        msg,
        "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please \
         split up metrics across multiple requests and try again."
    );
    assert_eq!(
        err_kind(s.log_batch(&id, &[], &params(101), &[])).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.log_batch(&id, &[], &[], &tags(101))).0,
        ErrorKind::InvalidParameterValue
    );
    let (_, msg) = err_kind(s.log_batch(&id, &metrics(950), &params(30), &tags(30)));
    assert!(
        msg.contains("at most 1000 metrics, params, and tags"),
        "{msg}"
    );
    // Key ≤ 250, param value ≤ 6000, tag value ≤ 8000.
    assert_eq!(
        err_kind(s.log_batch(&id, &[m(&"k".repeat(251), 1.0, 1, 0)], &[], &[])).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.log_param(&id, &"k".repeat(251), "v")).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.log_param(&id, "big", &"v".repeat(6001))).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.log_batch(&id, &[], &[], &[Tag::new("big", "v".repeat(8001))])).0,
        ErrorKind::InvalidParameterValue
    );
    assert!(s.get_run(&id).expect("get").metrics.is_empty());
    // Exactly at every limit is fine: 1000 metrics in one batch, and 900 + 50 + 50.
    s.log_batch(&id, &metrics(1000), &[], &[])
        .expect("1000 metrics");
    s.log_param(&id, &"k".repeat(250), &"v".repeat(6000))
        .expect("at limits");
    s.log_batch(&id, &metrics(900), &params(50), &tags(50))
        .expect("900 + 50 + 50");
    let run = s.get_run(&id).expect("get");
    assert_eq!(run.metrics.len(), 7);
    // Key k0 got i = 0, 7, …, 994 in the first batch; the latest is the largest step, 994.
    let k0 = run.metrics.iter().find(|m| m.key == "k0").expect("k0");
    assert_eq!((k0.step, k0.value), (994, 994.0));
    // The second batch repeated steps 0..900 with the same values and timestamps: stored once.
    assert_eq!(history(&s, &id, "k0").len(), 143);
}

pub(crate) fn metric_history_paging(db: &TestDb) {
    let s = db.open();
    let id = new_run(&s, "0", "h");
    let points: Vec<Metric> = (0..25)
        .map(|i| {
            m(
                "loss",
                f64::from(i) / 10.0,
                1000 + i64::from(i),
                i64::from(i),
            )
        })
        .collect();
    s.log_batch(&id, &points, &[], &[]).expect("batch");
    let mut all = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = s
            .get_metric_history(&id, "loss", Some(10), token.as_deref())
            .expect("page");
        pages += 1;
        assert!(page.items.len() <= 10);
        all.extend(page.items);
        token = page.next_page_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(all, points);
    // Without max_results every point comes back (MLflow 3.x, docs/design/mlflow.md §1.7).
    let whole = s.get_metric_history(&id, "loss", None, None).expect("all");
    assert_eq!(whole.items, points);
    assert_eq!(whole.next_page_token, None);
    assert!(
        s.get_metric_history(&id, "nope", None, None)
            .expect("none")
            .items
            .is_empty()
    );
    assert_eq!(
        err_kind(s.get_metric_history(&"f".repeat(32), "loss", None, None)).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(
        err_kind(s.get_metric_history(&id, "loss", Some(5), Some("garbage"))).0,
        ErrorKind::InvalidParameterValue
    );
}

pub(crate) fn best_metric_point(db: &TestDb) {
    let s = db.open();
    let a = new_run(&s, "0", "a");
    // Steps 0..=9 with a dip to 0.1 at steps 4 and 7 (a tie), NaN and -inf at steps 10 and 11,
    // and a second value at step 4 logged later.
    let mut pts: Vec<Metric> = (0..10)
        .map(|i| m("loss", 1.0 - 0.05 * f64::from(i), 1, i64::from(i)))
        .collect();
    pts[4].value = 0.1;
    pts[7].value = 0.1;
    pts.push(m("loss", f64::NAN, 1, 10));
    pts.push(m("loss", f64::NEG_INFINITY, 1, 11));
    pts.push(m("loss", 0.1, 5, 4));
    pts.push(m("loss", f64::INFINITY, 1, 12));
    s.log_batch(&a, &pts, &[], &[]).expect("log");
    let best = s
        .best_metric_point(&a, "loss", true)
        .expect("best")
        .expect("a point");
    assert_eq!((best.step, best.timestamp, best.value), (4, 1, 0.1));
    let worst = s
        .best_metric_point(&a, "loss", false)
        .expect("best")
        .expect("a point");
    assert_eq!((worst.step, worst.value), (0, 1.0));
    assert_eq!(s.best_metric_point(&a, "nope", true).expect("none"), None);
    assert_eq!(
        s.best_metric_point("no-such-run", "loss", true)
            .expect("none"),
        None
    );
    // Only non-finite points: none.
    s.log_batch(&a, &[m("acc", f64::NAN, 1, 0)], &[], &[])
        .expect("nan");
    assert_eq!(s.best_metric_point(&a, "acc", false).expect("none"), None);
}

pub(crate) fn bulk_interval_downsampling(db: &TestDb) {
    let s = db.open();
    let a = new_run(&s, "0", "a");
    let b = new_run(&s, "0", "b");
    s.log_batch(
        &a,
        &(0..3)
            .map(|i| m("x", f64::from(i), 1, i64::from(i)))
            .collect::<Vec<_>>(),
        &[],
        &[],
    )
    .expect("a");
    let q = |runs: Vec<String>, max: i64, range: Option<(i64, i64)>| BulkIntervalQuery {
        run_ids: runs,
        metric_key: "x".into(),
        start_step: range.map(|r| r.0),
        end_step: range.map(|r| r.1),
        max_results: max,
    };
    let steps = |rs: Vec<verdict_store::RunMetric>| -> Vec<(String, i64)> {
        rs.into_iter().map(|r| (r.run_id, r.metric.step)).collect()
    };
    // docs/design/mlflow.md §1.7 [observed]: max_results=2 on steps 0,1,2 returns steps 0 and 2.
    assert_eq!(
        steps(
            s.get_metric_history_bulk_interval(&q(vec![a.clone()], 2, None))
                .expect("bulk")
        ),
        vec![(a.clone(), 0), (a.clone(), 2)]
    );
    // Run b: steps 0..=100, two points at step 50.
    let mut pts: Vec<Metric> = (0..=100)
        .map(|i| m("x", f64::from(i), 1, i64::from(i)))
        .collect();
    pts.push(m("x", -1.0, 2, 50));
    s.log_batch(&b, &pts, &[], &[]).expect("b");
    // MLflow 3.17's rule (crate docs): rows in NTILE buckets, the first of each, the last row
    // kept; what mlflow server 3.17.2 answered for the same points: steps 0, 21, 42, 61, 100.
    let got = steps(
        s.get_metric_history_bulk_interval(&q(vec![b.clone()], 5, None))
            .expect("bulk"),
    );
    let want: Vec<(String, i64)> = [0, 21, 42, 61, 100]
        .iter()
        .map(|st| (b.clone(), *st))
        .collect();
    assert_eq!(got, want);
    // A step range, several runs in the order given, each downsampled on its own.
    let got = steps(
        s.get_metric_history_bulk_interval(&q(vec![b.clone(), a.clone()], 3, Some((1, 10))))
            .expect("bulk"),
    );
    assert_eq!(
        got,
        vec![
            (b.clone(), 1),
            (b.clone(), 5),
            (b.clone(), 10),
            (a.clone(), 1),
            (a.clone(), 2)
        ]
    );
    // Fewer steps than max_results: all of them.
    assert_eq!(
        s.get_metric_history_bulk_interval(&q(vec![a.clone()], 2500, None))
            .expect("bulk")
            .len(),
        3
    );
    // MLflow's limits: 1..=2500 results, ≤ 100 runs, start/end both or neither.
    for bad in [
        q(vec![a.clone()], 0, None),
        q(vec![a.clone()], 2501, None),
        q((0..101).map(|i| format!("{i:032x}")).collect(), 10, None),
        BulkIntervalQuery {
            start_step: Some(1),
            ..q(vec![a.clone()], 10, None)
        },
        q(vec![a.clone()], 10, Some((5, 1))),
    ] {
        assert_eq!(
            err_kind(s.get_metric_history_bulk_interval(&bad)).0,
            ErrorKind::InvalidParameterValue,
            "{bad:?}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// search_runs against MLflow's own search code

struct Fixture {
    exp: String,
    doc: serde_json::Value,
}

fn fixture_value(v: &serde_json::Value) -> f64 {
    match v {
        serde_json::Value::String(s) if s == "NaN" => f64::NAN,
        serde_json::Value::String(s) if s == "Infinity" => f64::INFINITY,
        serde_json::Value::String(s) if s == "-Infinity" => f64::NEG_INFINITY,
        other => other.as_f64().expect("number"),
    }
}

/// Loads tests/fixtures/search_runs.json's runs into a new experiment. Each metric gets an older
/// decoy point (step 0, value -12345) before its fixture value (step 1), so a filter that looked
/// at anything but the latest value would disagree with MLflow.
fn load_fixture(s: &Store) -> Fixture {
    let text = include_str!("fixtures/search_runs.json");
    let doc: serde_json::Value = serde_json::from_str(text).expect("fixture json");
    let exp = s.create_experiment("filters", None, &[]).expect("exp");
    for r in doc["runs"].as_array().expect("runs") {
        let name = r["name"].as_str().expect("name");
        let run = s
            .create_run(&NewRun {
                experiment_id: exp.clone(),
                user_id: r["user_id"].as_str().map(str::to_owned),
                run_name: Some(name.to_owned()),
                start_time: r["start_time"].as_i64(),
                tags: vec![],
            })
            .expect("run")
            .info
            .run_id;
        let mut metrics = Vec::new();
        for (k, v) in r["metrics"].as_object().expect("metrics") {
            metrics.push(m(k, -12345.0, 1, 0));
            metrics.push(m(k, fixture_value(v), 0, 1));
        }
        let params: Vec<Param> = r["params"]
            .as_object()
            .expect("params")
            .iter()
            .map(|(k, v)| Param::new(k, v.as_str().expect("str")))
            .collect();
        let tags: Vec<Tag> = r["tags"]
            .as_object()
            .expect("tags")
            .iter()
            .map(|(k, v)| Tag::new(k, v.as_str().expect("str")))
            .collect();
        s.log_batch(&run, &metrics, &params, &tags).expect("batch");
        let inputs: Vec<DatasetInput> = r["datasets"]
            .as_array()
            .expect("datasets")
            .iter()
            .map(|d| DatasetInput {
                dataset: Dataset {
                    name: d["name"].as_str().expect("name").into(),
                    digest: d["digest"].as_str().expect("digest").into(),
                    source_type: "local".into(),
                    source: "{}".into(),
                    schema: None,
                    profile: None,
                },
                tags: vec![Tag::new(
                    "mlflow.data.context",
                    d["context"].as_str().expect("context"),
                )],
            })
            .collect();
        s.log_inputs(&run, &inputs, &[]).expect("inputs");
        let status = RunStatus::parse(r["status"].as_str().expect("status")).expect("status");
        s.update_run(
            &run,
            &RunUpdate {
                status: Some(status),
                end_time: r["end_time"].as_i64(),
                run_name: None,
            },
        )
        .expect("update");
    }
    Fixture { exp, doc }
}

/// MLflow's message up to the first set or list it prints (Python sets have no fixed order).
fn message_prefix(msg: &str) -> &str {
    let cut = msg.find(['{', '[']).unwrap_or(msg.len());
    &msg[..cut]
}

pub(crate) fn filter_grammar_matches_mlflow(db: &TestDb) {
    let s = db.open();
    let f = load_fixture(&s);
    let mut failures = Vec::new();
    let cases = f.doc["filters"].as_array().expect("filters");
    assert!(cases.len() > 80);
    for case in cases {
        let filter = case["filter"].as_str().expect("filter");
        let got = s.search_runs(&query(&f.exp, filter, &[]));
        match (case.get("names"), got) {
            (Some(want), Ok(page)) => {
                let want: Vec<&str> = want
                    .as_array()
                    .expect("names")
                    .iter()
                    .map(|n| n.as_str().expect("name"))
                    .collect();
                let got: Vec<String> = page.items.into_iter().map(|r| r.info.run_name).collect();
                if got != want {
                    failures.push(format!("{filter:?}: got {got:?}, MLflow {want:?}"));
                }
            }
            (Some(_), Err(e)) => failures.push(format!("{filter:?}: error {e}, MLflow accepts")),
            (None, Ok(page)) => failures.push(format!(
                "{filter:?}: accepted ({} runs), MLflow refuses: {}",
                page.items.len(),
                case["error"]
            )),
            (None, Err(e)) => {
                let want = case["error"].as_str().expect("error");
                let msg = e.to_string();
                if e.kind() != ErrorKind::InvalidParameterValue
                    || !msg.starts_with(message_prefix(want))
                {
                    failures.push(format!("{filter:?}: error {msg:?}, MLflow {want:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

pub(crate) fn order_by_matches_mlflow(db: &TestDb) {
    let s = db.open();
    let f = load_fixture(&s);
    let mut failures = Vec::new();
    for case in f.doc["orders"].as_array().expect("orders") {
        let order: Vec<&str> = case["order_by"]
            .as_array()
            .expect("order_by")
            .iter()
            .map(|o| o.as_str().expect("str"))
            .collect();
        let got = s.search_runs(&query(&f.exp, "", &order));
        match (case.get("names"), got) {
            (Some(want), Ok(page)) => {
                let want: Vec<&str> = want
                    .as_array()
                    .expect("names")
                    .iter()
                    .map(|n| n.as_str().expect("name"))
                    .collect();
                let got: Vec<String> = page.items.into_iter().map(|r| r.info.run_name).collect();
                if got != want {
                    failures.push(format!("{order:?}: got {got:?}, MLflow {want:?}"));
                }
            }
            (Some(_), Err(e)) => failures.push(format!("{order:?}: error {e}, MLflow accepts")),
            (None, Ok(_)) => failures.push(format!("{order:?}: accepted, MLflow refuses")),
            (None, Err(e)) => {
                let want = case["error"].as_str().expect("error");
                if !e.to_string().starts_with(message_prefix(want)) {
                    failures.push(format!("{order:?}: error {e:?}, MLflow {want:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

pub(crate) fn experiment_filters_match_mlflow(db: &TestDb) {
    let s = db.open();
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/search_runs.json")).expect("fixture json");
    for e in doc["experiments"].as_array().expect("experiments") {
        let tags: Vec<Tag> = e["tags"]
            .as_object()
            .expect("tags")
            .iter()
            .map(|(k, v)| Tag::new(k, v.as_str().expect("str")))
            .collect();
        s.create_experiment(e["name"].as_str().expect("name"), None, &tags)
            .expect("create");
    }
    let mut failures = Vec::new();
    for case in doc["experiment_filters"].as_array().expect("filters") {
        let filter = case["filter"].as_str().expect("filter");
        let got = s.search_experiments(&ExperimentQuery {
            filter: filter.to_owned(),
            order_by: vec!["name ASC".into()],
            ..ExperimentQuery::default()
        });
        match (case.get("names"), got) {
            (Some(want), Ok(page)) => {
                let want: Vec<&str> = want
                    .as_array()
                    .expect("names")
                    .iter()
                    .map(|n| n.as_str().expect("name"))
                    .collect();
                let got: Vec<String> = page.items.into_iter().map(|e| e.name).collect();
                if got != want {
                    failures.push(format!("{filter:?}: got {got:?}, MLflow {want:?}"));
                }
            }
            (Some(_), Err(e)) => failures.push(format!("{filter:?}: error {e}, MLflow accepts")),
            (None, Ok(_)) => failures.push(format!("{filter:?}: accepted, MLflow refuses")),
            (None, Err(e)) => {
                let want = case["error"].as_str().expect("error");
                if e.kind() != ErrorKind::InvalidParameterValue
                    || !e.to_string().starts_with(message_prefix(want))
                {
                    failures.push(format!("{filter:?}: error {e}, MLflow {want:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // experiment_id IN (the one list attribute of experiments).
    let ids = s
        .search_experiments(&ExperimentQuery {
            filter: "experiment_id IN ('0', '2')".into(),
            order_by: vec!["experiment_id ASC".into()],
            ..ExperimentQuery::default()
        })
        .expect("in")
        .items
        .into_iter()
        .map(|e| e.experiment_id)
        .collect::<Vec<_>>();
    assert_eq!(ids, ["0", "2"]);
}

pub(crate) fn search_runs_paging_views_and_run_id_lists(db: &TestDb) {
    let s = db.open();
    let exp = s.create_experiment("paging", None, &[]).expect("exp");
    let ids: Vec<String> = (0..7)
        .map(|i| run_at(&s, &exp, &format!("r{i}"), 1000 + i))
        .collect();
    // Base order: start_time DESC → r6, r5, …, r0.
    let mut seen = Vec::new();
    let mut token = None;
    let mut tokens = Vec::new();
    loop {
        let page = s
            .search_runs(&RunQuery {
                max_results: 3,
                page_token: token.clone(),
                ..query(&exp, "", &[])
            })
            .expect("page");
        seen.extend(page.items.into_iter().map(|r| r.info.run_name));
        token = page.next_page_token;
        match &token {
            Some(t) => tokens.push(t.clone()),
            None => break,
        }
    }
    assert_eq!(seen, ["r6", "r5", "r4", "r3", "r2", "r1", "r0"]);
    // MLflow's token: base64 of {"offset": N} (docs/design/mlflow.md §1.6).
    assert_eq!(tokens, ["eyJvZmZzZXQiOiAzfQ==", "eyJvZmZzZXQiOiA2fQ=="]);
    // Limits.
    assert_eq!(
        err_kind(s.search_runs(&RunQuery {
            max_results: 50001,
            ..query(&exp, "", &[])
        }))
        .0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        s.search_runs(&RunQuery {
            max_results: 50000,
            ..query(&exp, "", &[])
        })
        .expect("50000")
        .items
        .len(),
        7
    );
    assert_eq!(
        err_kind(s.search_runs(&RunQuery {
            page_token: Some("not-a-token".into()),
            ..query(&exp, "", &[])
        }))
        .0,
        ErrorKind::InvalidParameterValue
    );
    // run_id IN / NOT IN (the only attribute that takes a list).
    let f = format!("attributes.run_id IN ('{}', '{}')", ids[1], ids[4]);
    assert_eq!(run_names(&s, &query(&exp, &f, &[])), ["r4", "r1"]);
    let f = format!("run_id NOT IN ('{}')", ids[0]);
    assert_eq!(run_names(&s, &query(&exp, &f, &[])).len(), 6);
    let f = format!("run_id = '{}'", ids[2]);
    assert_eq!(run_names(&s, &query(&exp, &f, &[])), ["r2"]);
    // View types.
    s.delete_run(&ids[3]).expect("delete");
    assert_eq!(run_names(&s, &query(&exp, "", &[])).len(), 6);
    let deleted = RunQuery {
        view: ViewType::DeletedOnly,
        ..query(&exp, "", &[])
    };
    assert_eq!(run_names(&s, &deleted), ["r3"]);
    let all = RunQuery {
        view: ViewType::All,
        ..query(&exp, "", &[])
    };
    assert_eq!(run_names(&s, &all).len(), 7);
    // Equal start times: run_id ASC breaks the tie (the base order, docs/design/mlflow.md §1.6).
    let tie = s.create_experiment("ties", None, &[]).expect("exp");
    let mut tied: Vec<String> = (0..4)
        .map(|i| run_at(&s, &tie, &format!("t{i}"), 77))
        .collect();
    tied.sort();
    let got: Vec<String> = s
        .search_runs(&query(&tie, "", &[]))
        .expect("ties")
        .items
        .into_iter()
        .map(|r| r.info.run_id)
        .collect();
    assert_eq!(got, tied);
    // Several experiments at once; no experiment → nothing.
    let other = s.create_experiment("paging-2", None, &[]).expect("exp");
    run_at(&s, &other, "o", 5000);
    let both = RunQuery {
        experiment_ids: vec![exp.clone(), other],
        ..query(&exp, "", &[])
    };
    assert_eq!(run_names(&s, &both)[0], "o");
    assert!(
        run_names(
            &s,
            &RunQuery {
                experiment_ids: vec![],
                ..query(&exp, "", &[])
            }
        )
        .is_empty()
    );
}

pub(crate) fn search_runs_many_runs(db: &TestDb) {
    let s = db.open();
    let exp = s.create_experiment("many", None, &[]).expect("exp");
    let n: i64 = 400;
    for i in 0..n {
        let id = run_at(&s, &exp, &format!("r{i:04}"), 10_000 + i);
        // acc = (i % 100) / 100, with an older point at a higher value that must not count.
        s.log_batch(
            &id,
            &[
                m("acc", 0.999, 1, 0),
                m("acc", (i % 100) as f64 / 100.0, 2, 1),
            ],
            &[Param::new("group", (i % 4).to_string())],
            &[],
        )
        .expect("batch");
    }
    // acc > 0.9 → i % 100 in 91..=99: 9 per hundred, 36 in all.
    let q = RunQuery {
        max_results: 50000,
        ..query(
            &exp,
            "metrics.acc > 0.9 and params.group = '1'",
            &["metrics.acc DESC"],
        )
    };
    let got = run_names(&s, &q);
    // group 1 → i % 4 == 1; with i % 100 in 91..=99 that is 93, 97 in each hundred.
    let mut want: Vec<(i64, String)> = (0..n)
        .filter(|i| i % 100 > 90 && i % 4 == 1)
        .map(|i| (i, format!("r{i:04}")))
        .collect();
    // metrics.acc DESC, then start_time DESC.
    want.sort_by(|a, b| (b.0 % 100).cmp(&(a.0 % 100)).then(b.0.cmp(&a.0)));
    let want: Vec<String> = want.into_iter().map(|(_, n)| n).collect();
    assert_eq!(got, want);
    let page = s
        .search_runs(&RunQuery {
            max_results: 10,
            ..query(&exp, "metrics.acc > 0.9", &[])
        })
        .expect("page");
    assert_eq!(page.items.len(), 10);
    assert!(page.next_page_token.is_some());
    assert!(
        page.items
            .iter()
            .all(|r| r.metrics.len() == 1 && r.params.len() == 1)
    );
}

// ------------------------------------------------------------------------------------------
// concurrency

pub(crate) fn concurrent_writers_lose_nothing(db: &TestDb) {
    let first = db.open();
    // A second handle has its own connections: for SQLite, another writer on the same file.
    let second = db.open();
    let shared = new_run(&first, "0", "shared");
    let threads = 8;
    let batches = 15;
    let per_batch = 20;
    let mut handles = Vec::new();
    for t in 0..threads {
        let s = if t % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let shared = shared.clone();
        handles.push(std::thread::spawn(move || {
            let own = new_run(&s, "0", &format!("w{t}"));
            for b in 0..batches {
                let metrics: Vec<Metric> = (0..per_batch)
                    .map(|j| {
                        m(
                            &format!("m{t}"),
                            f64::from(b * per_batch + j),
                            1,
                            i64::from(b * per_batch + j),
                        )
                    })
                    .collect();
                s.log_batch(
                    &own,
                    &metrics,
                    &[Param::new(format!("p{b}"), "v")],
                    &[Tag::new("t", b.to_string())],
                )
                .expect("batch own run");
                s.log_batch(&shared, &metrics, &[], &[])
                    .expect("batch shared run");
                s.log_metric(
                    &shared,
                    &m(
                        "common",
                        f64::from(t * 1000 + b),
                        i64::from(b),
                        i64::from(t * 1000 + b),
                    ),
                )
                .expect("metric shared run");
            }
            own
        }));
    }
    let owns: Vec<String> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let s = db.open();
    let total = i64::from(batches * per_batch);
    for (t, own) in owns.iter().enumerate() {
        let key = format!("m{t}");
        let run = s.get_run(own).expect("get");
        assert_eq!(run.params.len(), batches as usize);
        assert_eq!(history(&s, own, &key).len(), total as usize);
        assert_eq!(history(&s, &shared, &key).len(), total as usize);
        let l = latest(&s, own, &key);
        assert_eq!((l.step, l.value), (total - 1, (total - 1) as f64));
    }
    // Races on first writes: one value wins a new param, the others are refused; version
    // numbers stay distinct; a dataset logged by many at once exists once.
    s.create_registered_model("raced", &[], None).expect("rm");
    let mut handles = Vec::new();
    for t in 0..6 {
        let s = if t % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let shared = shared.clone();
        handles.push(std::thread::spawn(move || {
            let param = s.log_param(&shared, "race", &t.to_string()).is_ok();
            let mut versions = Vec::new();
            for _ in 0..4 {
                versions.push(
                    s.create_model_version(&NewModelVersion {
                        name: "raced".into(),
                        source: "s3://x".into(),
                        ..NewModelVersion::default()
                    })
                    .expect("version")
                    .version,
                );
            }
            s.log_inputs(&shared, &[dataset("same", "d", "training")], &[])
                .expect("inputs");
            (param, versions)
        }));
    }
    let results: Vec<(bool, Vec<i64>)> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(results.iter().filter(|(won, _)| *won).count(), 1);
    let winner = results.iter().position(|(won, _)| *won).expect("winner");
    let run = s.get_run(&shared).expect("get");
    assert!(run.params.contains(&Param::new("race", winner.to_string())));
    let mut versions: Vec<i64> = results.into_iter().flat_map(|(_, v)| v).collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=24).collect::<Vec<i64>>());
    assert_eq!(run.dataset_inputs, vec![dataset("same", "d", "training")]);
    let common = history(&s, &shared, "common");
    assert_eq!(common.len(), (threads * batches) as usize);
    let l = latest(&s, &shared, "common");
    // Max step over all threads: t = 7, b = 14.
    assert_eq!(l.step, i64::from((threads - 1) * 1000 + batches - 1));
}

/// Durability: a child process logs batches and prints "ack N" after each `log_batch` returns;
/// the parent kills it with SIGKILL mid-stream, reopens the database and finds every acknowledged
/// batch (and no partial batch: each is all ten points or nothing).
pub(crate) fn acknowledged_writes_survive_sigkill(db: &TestDb) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    const RUN_VAR: &str = "VERDICT_TEST_CHILD_RUN";
    if let Ok(run) = std::env::var(RUN_VAR) {
        // The child: write until killed (bounded, in case the parent is gone).
        let s = db.open();
        for i in 0..100_000i64 {
            let batch: Vec<Metric> = (0..10)
                .map(|j| m("k", (i * 10 + j) as f64, i, i * 10 + j))
                .collect();
            s.log_batch(&run, &batch, &[], &[]).expect("child batch");
            println!("ack {i}");
        }
        return;
    }
    let run = {
        let s = db.open();
        new_run(&s, "0", "killed")
    };
    let name = match db.backend() {
        verdict_store::BackendKind::Sqlite => "sqlite::acknowledged_writes_survive_sigkill",
        verdict_store::BackendKind::Postgres => "postgres::acknowledged_writes_survive_sigkill",
    };
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(crate::harness::CHILD_URL_VAR, &db.url)
        .env(RUN_VAR, &run)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut acked: i64 = -1;
    while let Some(Ok(line)) = lines.next() {
        if let Some(n) = line.strip_prefix("ack ") {
            acked = n.trim().parse().expect("ack number");
            if acked >= 40 {
                break;
            }
        }
    }
    child.kill().expect("SIGKILL");
    // Acks printed before the kill landed are acknowledged too.
    for line in lines.map_while(Result::ok) {
        if let Some(n) = line.strip_prefix("ack ")
            && let Ok(n) = n.trim().parse::<i64>()
        {
            acked = acked.max(n);
        }
    }
    let _ = child.wait();
    assert!(acked >= 40, "the child acknowledged only {acked} batches");
    let s = db.open();
    let h = history(&s, &run, "k");
    assert!(
        h.len() as i64 >= (acked + 1) * 10,
        "{} points, {} batches acked",
        h.len(),
        acked + 1
    );
    assert_eq!(h.len() % 10, 0, "a partial batch was stored");
    for (i, (step, _, value)) in h.iter().enumerate() {
        assert_eq!((*step, *value), (i as i64, i as f64));
    }
    let l = latest(&s, &run, "k");
    assert_eq!(l.step, h.len() as i64 - 1);
}

/// How the server will use the store: opened inside an async `main`, operations through
/// `spawn_blocking`, the last clone dropped on an async worker.
pub(crate) fn works_from_tokio(db: &TestDb) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");
    let url = db.url.clone();
    rt.block_on(async move {
        let store = Store::open(&url).expect("open inside the runtime");
        let mut tasks = Vec::new();
        for i in 0..4 {
            let s = store.clone();
            tasks.push(tokio::task::spawn_blocking(move || {
                s.create_experiment(&format!("async-{i}"), None, &[])
            }));
        }
        for t in tasks {
            t.await.expect("join").expect("create");
        }
        let s = store.clone();
        let n = tokio::task::spawn_blocking(move || {
            s.search_experiments(&ExperimentQuery::default())
                .map(|p| p.items.len())
        })
        .await
        .expect("join")
        .expect("search");
        assert_eq!(n, 5);
        drop(store);
    });
}

/// `import_experiment` / `import_run` keep ids and times (an MLflow FileStore's 18-digit
/// experiment ids, docs/design/mlflow.md §2), take a whole history past the batch limits, and are idempotent.
pub(crate) fn import_keeps_ids_and_is_idempotent(db: &TestDb) {
    let s = db.open();
    let exp = Experiment {
        experiment_id: "123456789012345678".into(),
        name: "from-filestore".into(),
        artifact_location: "file:///old/mlruns/123456789012345678".into(),
        lifecycle_stage: LifecycleStage::Active,
        creation_time: 1_700_000_000_000,
        last_update_time: 1_700_000_000_500,
        tags: vec![Tag::new("mlflow.note.content", "imported")],
    };
    assert_eq!(
        s.import_experiment(&exp).expect("import"),
        ImportOutcome::Imported
    );
    assert_eq!(s.get_experiment(&exp.experiment_id).expect("get"), exp);
    assert_eq!(
        s.import_experiment(&exp).expect("again"),
        ImportOutcome::AlreadyPresent
    );
    assert_eq!(
        err_kind(s.import_experiment(&Experiment {
            name: "other-name".into(),
            ..exp.clone()
        }))
        .0,
        ErrorKind::ResourceAlreadyExists
    );
    assert_eq!(
        err_kind(s.import_experiment(&Experiment {
            experiment_id: "77".into(),
            ..exp.clone()
        }))
        .0,
        ErrorKind::ResourceAlreadyExists
    );
    // New experiments never collide with an imported id.
    let fresh = s
        .create_experiment("after-import", None, &[])
        .expect("create");
    assert_ne!(fresh, exp.experiment_id);
    let run_id = "c157".repeat(8);
    let history: Vec<Metric> = (0..2500)
        .map(|i| {
            m(
                "loss",
                1.0 / f64::from(i + 1),
                1_700_000_000_000 + i64::from(i),
                i64::from(i),
            )
        })
        .collect();
    let run = ImportRun {
        info: RunInfo {
            run_id: run_id.clone(),
            experiment_id: exp.experiment_id.clone(),
            run_name: "old-run".into(),
            user_id: Some("ann".into()),
            status: RunStatus::Finished,
            start_time: Some(1_700_000_000_000),
            end_time: Some(1_700_000_100_000),
            artifact_uri: format!("file:///old/mlruns/123456789012345678/{run_id}/artifacts"),
            lifecycle_stage: LifecycleStage::Active,
            deleted_time: None,
        },
        params: vec![Param::new("lr", "0.1")],
        tags: vec![Tag::new("mlflow.runName", "old-run"), Tag::new("team", "a")],
        metrics: history.clone(),
        dataset_inputs: vec![dataset("train", "d1", "training")],
    };
    assert_eq!(
        s.import_run(&run).expect("import run"),
        ImportOutcome::Imported
    );
    let got = s.get_run(&run_id).expect("get");
    assert_eq!(got.info, run.info);
    assert_eq!(got.params, run.params);
    assert_eq!(got.tags, run.tags);
    assert_eq!(got.dataset_inputs, run.dataset_inputs);
    // The latest value is the one at the largest step (MLflow's rule), step 2499.
    assert_eq!(got.metrics, vec![history[2499].clone()]);
    assert_eq!(history_of(&s, &run_id), history);
    // Re-importing changes nothing, even with different content.
    let changed = ImportRun {
        params: vec![Param::new("lr", "0.5")],
        ..run.clone()
    };
    assert_eq!(
        s.import_run(&changed).expect("again"),
        ImportOutcome::AlreadyPresent
    );
    assert_eq!(s.get_run(&run_id).expect("get").params, run.params);
    // The experiment must exist; values the store would refuse from a client are refused.
    let orphan = ImportRun {
        info: RunInfo {
            run_id: "d".repeat(32),
            experiment_id: "424242".into(),
            ..run.info.clone()
        },
        ..run.clone()
    };
    assert_eq!(
        err_kind(s.import_run(&orphan)).0,
        ErrorKind::ResourceDoesNotExist
    );
    let too_long = ImportRun {
        info: RunInfo {
            run_id: "e".repeat(32),
            ..run.info.clone()
        },
        tags: vec![Tag::new("big", "x".repeat(8001))],
        ..run.clone()
    };
    assert_eq!(
        err_kind(s.import_run(&too_long)).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.get_run(&"e".repeat(32))).0,
        ErrorKind::ResourceDoesNotExist
    );
}

fn history_of(s: &Store, run_id: &str) -> Vec<Metric> {
    s.get_metric_history(run_id, "loss", None, None)
        .expect("history")
        .items
}

// ------------------------------------------------------------------------------------------
// inputs, outputs, logged models, registry

fn dataset(name: &str, digest: &str, context: &str) -> DatasetInput {
    DatasetInput {
        dataset: Dataset {
            name: name.into(),
            digest: digest.into(),
            source_type: "local".into(),
            source: "{\"uri\": \"x\"}".into(),
            schema: Some("{\"mlflow_colspec\": []}".into()),
            profile: Some("{\"num_rows\": 3}".into()),
        },
        tags: vec![Tag::new("mlflow.data.context", context)],
    }
}

pub(crate) fn dataset_inputs_and_model_outputs(db: &TestDb) {
    let s = db.open();
    let exp = s.create_experiment("inputs", None, &[]).expect("exp");
    let a = new_run(&s, &exp, "a");
    let b = new_run(&s, &exp, "b");
    s.log_inputs(
        &a,
        &[
            dataset("train", "d1", "training"),
            dataset("eval", "d2", "evaluation"),
        ],
        &[],
    )
    .expect("inputs");
    // Logging the same dataset again is harmless; another run may use it too.
    s.log_inputs(&a, &[dataset("train", "d1", "training")], &[])
        .expect("again");
    s.log_inputs(&b, &[dataset("train", "d1", "training")], &[])
        .expect("b");
    let run = s.get_run(&a).expect("get");
    assert_eq!(
        run.dataset_inputs,
        vec![
            dataset("eval", "d2", "evaluation"),
            dataset("train", "d1", "training")
        ]
    );
    // SearchDatasets: distinct (experiment, name, digest, context) over the experiment's runs.
    let summaries: Vec<(String, String, Option<String>)> = s
        .search_datasets(std::slice::from_ref(&exp))
        .expect("search datasets")
        .into_iter()
        .map(|d| {
            assert_eq!(d.experiment_id, exp);
            (d.name, d.digest, d.context)
        })
        .collect();
    assert_eq!(
        summaries,
        [
            (
                "eval".to_owned(),
                "d2".to_owned(),
                Some("evaluation".to_owned())
            ),
            (
                "train".to_owned(),
                "d1".to_owned(),
                Some("training".to_owned())
            ),
        ]
    );
    // Limits (validation.py): digest ≤ 36, name ≤ 500.
    assert_eq!(
        err_kind(s.log_inputs(&a, &[dataset("x", &"d".repeat(37), "t")], &[])).0,
        ErrorKind::InvalidParameterValue
    );
    assert_eq!(
        err_kind(s.log_inputs(&a, &[dataset(&"n".repeat(501), "d", "t")], &[])).0,
        ErrorKind::InvalidParameterValue
    );
    // Outputs and model inputs.
    let model = s
        .create_logged_model(&NewLoggedModel {
            experiment_id: exp.clone(),
            name: Some("m".into()),
            source_run_id: Some(a.clone()),
            ..NewLoggedModel::default()
        })
        .expect("model");
    s.log_outputs(
        &a,
        &[ModelOutput {
            model_id: model.model_id.clone(),
            step: 3,
        }],
    )
    .expect("outputs");
    s.log_inputs(&b, &[], std::slice::from_ref(&model.model_id))
        .expect("model input");
    assert_eq!(
        s.get_run(&a).expect("get").model_outputs,
        vec![ModelOutput {
            model_id: model.model_id.clone(),
            step: 3
        }]
    );
    assert_eq!(
        s.get_run(&b).expect("get").model_inputs,
        vec![model.model_id]
    );
    assert_eq!(
        err_kind(s.log_outputs(
            &a,
            &[ModelOutput {
                model_id: "m-missing".into(),
                step: 0
            }]
        ))
        .0,
        ErrorKind::ResourceDoesNotExist
    );
}

pub(crate) fn logged_models_crud_and_search(db: &TestDb) {
    let s = db.open();
    let exp = s.create_experiment("models", None, &[]).expect("exp");
    let run = new_run(&s, &exp, "train");
    let created = s
        .create_logged_model(&NewLoggedModel {
            experiment_id: exp.clone(),
            name: Some("clf".into()),
            model_type: Some("sklearn".into()),
            source_run_id: Some(run.clone()),
            params: vec![Param::new("depth", "3")],
            tags: vec![Tag::new("k", "v")],
        })
        .expect("create");
    let id = created.model_id.clone();
    // docs/design/mlflow.md §1.4: id m-<32hex>, PENDING, artifacts under <exp>/models/<id>/artifacts.
    assert!(id.starts_with("m-") && is_hex32(&id[2..]), "{id}");
    assert_eq!(created.status, LoggedModelStatus::Pending);
    assert_eq!(
        created.artifact_location,
        format!("mlflow-artifacts:/{exp}/models/{id}/artifacts")
    );
    assert_eq!(created.params, vec![Param::new("depth", "3")]);
    let ready = s
        .finalize_logged_model(&id, LoggedModelStatus::Ready)
        .expect("finalize");
    assert_eq!(ready.status, LoggedModelStatus::Ready);
    s.set_logged_model_tags(
        &id,
        &[Tag::new("k", "v2"), Tag::new("mlflow.modelVersions", "[]")],
    )
    .expect("tags");
    s.delete_logged_model_tag(&id, "mlflow.modelVersions")
        .expect("delete tag");
    assert_eq!(
        err_kind(s.delete_logged_model_tag(&id, "nope")).0,
        ErrorKind::ResourceDoesNotExist
    );
    s.log_logged_model_params(&id, &[Param::new("depth", "3"), Param::new("lr", "0.1")])
        .expect("params");
    assert_eq!(
        err_kind(s.log_logged_model_params(&id, &[Param::new("depth", "4")])).0,
        ErrorKind::InvalidParameterValue
    );
    // Metrics logged with this model_id (what log_model's re-logging does, docs/design/mlflow.md §1.9).
    let mut point = m("acc", 0.9, 5, 1);
    point.model_id = Some(id.clone());
    s.log_batch(&run, &[point.clone()], &[], &[])
        .expect("metric");
    let got = s.get_logged_model(&id).expect("get");
    assert_eq!(got.tags, vec![Tag::new("k", "v2")]);
    assert_eq!(got.params.len(), 2);
    assert_eq!(got.metrics.len(), 1);
    assert_eq!(got.metrics[0].run_id, run);
    assert_eq!(got.metrics[0].metric, point);
    // Search: the client looks models up by name (docs/design/mlflow.md §1.5).
    let other = s
        .create_logged_model(&NewLoggedModel {
            experiment_id: exp.clone(),
            name: Some("sub".into()),
            ..NewLoggedModel::default()
        })
        .expect("other");
    let search = |filter: &str, order: &[&str]| -> Vec<String> {
        s.search_logged_models(&LoggedModelQuery {
            experiment_ids: vec![exp.clone()],
            filter: filter.to_owned(),
            order_by: order.iter().map(|o| (*o).to_owned()).collect(),
            max_results: 0,
            page_token: None,
            ..LoggedModelQuery::default()
        })
        .unwrap_or_else(|e| panic!("{filter}: {e}"))
        .items
        .into_iter()
        .map(|m| m.name)
        .collect()
    };
    assert_eq!(search("name = 'sub'", &[]), ["sub"]);
    assert_eq!(search("", &["name ASC"]), ["clf", "sub"]);
    // By a metric (the model's latest point of the key): models without it come last in both
    // directions.
    let third = s
        .create_logged_model(&NewLoggedModel {
            experiment_id: exp.clone(),
            name: Some("third".into()),
            ..NewLoggedModel::default()
        })
        .expect("third");
    let mut early = m("acc", 0.99, 1, 0);
    early.model_id = Some(third.model_id.clone());
    let mut late = m("acc", 0.5, 2, 1);
    late.model_id = Some(third.model_id.clone());
    s.log_batch(&run, &[early, late], &[], &[])
        .expect("third metrics");
    assert_eq!(search("", &["metrics.acc DESC"]), ["clf", "third", "sub"]);
    assert_eq!(search("", &["metrics.acc ASC"]), ["third", "clf", "sub"]);
    // MLflow's SQL store orders logged models by attributes and metrics only.
    assert_eq!(
        err_kind(s.search_logged_models(&LoggedModelQuery {
            experiment_ids: vec![exp.clone()],
            order_by: vec!["params.depth DESC".to_owned()],
            ..LoggedModelQuery::default()
        }))
        .0,
        ErrorKind::InvalidParameterValue
    );
    s.delete_logged_model(&third.model_id)
        .expect("delete third");
    assert_eq!(search("metrics.acc > 0.5", &[]), ["clf"]);
    assert_eq!(search("params.depth = '3'", &[]), ["clf"]);
    assert_eq!(search("tags.k = 'v2'", &[]), ["clf"]);
    assert_eq!(search("status = 'LOGGED_MODEL_PENDING'", &[]), ["sub"]);
    assert_eq!(search(&format!("source_run_id = '{run}'"), &[]), ["clf"]);
    s.delete_logged_model(&other.model_id).expect("delete");
    assert_eq!(
        err_kind(s.get_logged_model(&other.model_id)).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(search("", &[]), ["clf"]);
    assert_eq!(
        err_kind(s.get_logged_model("m-00000000000000000000000000000000")).0,
        ErrorKind::ResourceDoesNotExist
    );
}

pub(crate) fn registry_models_versions_aliases(db: &TestDb) {
    let s = db.open();
    let exp = s.create_experiment("reg", None, &[]).expect("exp");
    let run = new_run(&s, &exp, "r");
    let model = s
        .create_logged_model(&NewLoggedModel {
            experiment_id: exp.clone(),
            name: Some("m".into()),
            ..NewLoggedModel::default()
        })
        .expect("model");
    let rm = s
        .create_registered_model("fsm", &[Tag::new("team", "a")], Some("desc"))
        .expect("create");
    assert_eq!(rm.name, "fsm");
    assert_eq!(rm.description.as_deref(), Some("desc"));
    assert!(rm.latest_versions.is_empty());
    // RESOURCE_ALREADY_EXISTS on a taken name (docs/design/mlflow.md §1.2).
    assert_eq!(
        err_kind(s.create_registered_model("fsm", &[], None)).0,
        ErrorKind::ResourceAlreadyExists
    );
    // Versions are numbered 1, 2, 3 and come back READY (docs/design/mlflow.md §1.8).
    let mut versions = Vec::new();
    for source in [
        format!("runs:/{run}/model"),
        format!("models:/{}", model.model_id),
        "s3://bucket/x".to_owned(),
    ] {
        let v = s
            .create_model_version(&NewModelVersion {
                name: "fsm".into(),
                source,
                run_id: Some(run.clone()),
                ..NewModelVersion::default()
            })
            .expect("version");
        assert_eq!(v.status, "READY");
        assert_eq!(v.current_stage, "None");
        versions.push(v.version);
    }
    assert_eq!(versions, [1, 2, 3]);
    assert_eq!(
        s.get_model_version_download_uri("fsm", 1).expect("uri"),
        format!("mlflow-artifacts:/{exp}/{run}/artifacts/model")
    );
    assert_eq!(
        s.get_model_version_download_uri("fsm", 2).expect("uri"),
        model.artifact_location
    );
    assert_eq!(
        s.get_model_version_download_uri("fsm", 3).expect("uri"),
        "s3://bucket/x"
    );
    // Latest per stage: all are in stage None, so the latest is 3.
    let latest: Vec<i64> = s
        .get_latest_versions("fsm", &[])
        .expect("latest")
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(latest, [3]);
    s.transition_model_version_stage("fsm", 2, "production", false)
        .expect("stage");
    let latest: Vec<(i64, String)> = s
        .get_latest_versions("fsm", &[])
        .expect("latest")
        .into_iter()
        .map(|v| (v.version, v.current_stage))
        .collect();
    assert_eq!(
        latest,
        [(2, "Production".to_owned()), (3, "None".to_owned())]
    );
    assert_eq!(
        s.get_latest_versions("fsm", &["Production".into()])
            .expect("latest")
            .len(),
        1
    );
    assert_eq!(
        err_kind(s.transition_model_version_stage("fsm", 2, "bogus", false)).0,
        ErrorKind::InvalidParameterValue
    );
    // Aliases.
    s.set_registered_model_alias("fsm", "champion", 1)
        .expect("alias");
    assert_eq!(
        s.get_model_version_by_alias("fsm", "champion")
            .expect("by alias")
            .version,
        1
    );
    s.set_registered_model_alias("fsm", "champion", 3)
        .expect("move alias");
    let v3 = s.get_model_version("fsm", 3).expect("v3");
    assert_eq!(v3.aliases, ["champion"]);
    assert_eq!(
        s.get_registered_model("fsm").expect("get").aliases,
        [("champion".to_owned(), 3)]
    );
    for bad in ["latest", "v1", "with space", ""] {
        assert_eq!(
            err_kind(s.set_registered_model_alias("fsm", bad, 1)).0,
            ErrorKind::InvalidParameterValue,
            "{bad:?}"
        );
    }
    assert_eq!(
        err_kind(s.set_registered_model_alias("fsm", "x", 99)).0,
        ErrorKind::ResourceDoesNotExist
    );
    s.delete_registered_model_alias("fsm", "champion")
        .expect("delete alias");
    assert_eq!(
        err_kind(s.get_model_version_by_alias("fsm", "champion")).0,
        ErrorKind::InvalidParameterValue
    );
    // Tags and descriptions.
    s.set_model_version_tag("fsm", 1, "k", "v").expect("mv tag");
    assert_eq!(
        s.get_model_version("fsm", 1).expect("v1").tags,
        [Tag::new("k", "v")]
    );
    s.delete_model_version_tag("fsm", 1, "k")
        .expect("delete mv tag");
    s.set_registered_model_tag("fsm", "owner", "me")
        .expect("rm tag");
    s.delete_registered_model_tag("fsm", "team")
        .expect("delete rm tag");
    assert_eq!(
        s.get_registered_model("fsm").expect("get").tags,
        [Tag::new("owner", "me")]
    );
    let v1 = s
        .update_model_version("fsm", 1, Some("first"))
        .expect("update");
    assert_eq!(v1.description.as_deref(), Some("first"));
    // Deleting the newest version never frees its number.
    s.delete_model_version("fsm", 3).expect("delete v3");
    assert_eq!(
        err_kind(s.get_model_version("fsm", 3)).0,
        ErrorKind::ResourceDoesNotExist
    );
    let v4 = s
        .create_model_version(&NewModelVersion {
            name: "fsm".into(),
            source: "s3://bucket/y".into(),
            ..NewModelVersion::default()
        })
        .expect("v4");
    assert_eq!(v4.version, 4);
    // Search.
    s.create_registered_model("other-model", &[Tag::new("team", "b")], None)
        .expect("other");
    let names = |filter: &str| -> Vec<String> {
        s.search_registered_models(&RegistryQuery {
            filter: filter.into(),
            ..RegistryQuery::default()
        })
        .unwrap_or_else(|e| panic!("{filter}: {e}"))
        .items
        .into_iter()
        .map(|m| m.name)
        .collect()
    };
    assert_eq!(names(""), ["fsm", "other-model"]);
    assert_eq!(names("name LIKE 'oth%'"), ["other-model"]);
    assert_eq!(names("name ILIKE 'FS%'"), ["fsm"]);
    assert_eq!(names("tags.team = 'b'"), ["other-model"]);
    assert_eq!(names("name IN ('fsm', 'nope')"), ["fsm"]);
    // SearchModelUtils' messages (checked with mlflow-skinny 3.17.2).
    for (bad, msg) in [
        ("name > 'a'", "Invalid comparator '>' not one of '"),
        (
            "metrics.x > 1",
            "Invalid entity type 'metrics'. Valid entity types are",
        ),
        (
            "creation_timestamp > 0",
            "Invalid attribute key 'creation_timestamp' specified.",
        ),
        (
            "name = 'a' OR name = 'b'",
            "Invalid clause(s) in filter string: OR",
        ),
    ] {
        let (k, m) = err_kind(s.search_registered_models(&RegistryQuery {
            filter: bad.into(),
            ..RegistryQuery::default()
        }));
        assert_eq!(k, ErrorKind::InvalidParameterValue);
        assert!(m.starts_with(msg), "{bad}: {m}");
    }
    // The filter MLflow's client adds to every search_registered_models call (prompt_utils
    // `add_prompt_filter_string`): models without the prompt tag match, prompts do not
    // (search_utils.py special-cases the missing tag).
    s.create_registered_model(
        "a-prompt",
        &[Tag::new("mlflow.prompt.is_prompt", "true")],
        None,
    )
    .expect("prompt");
    assert_eq!(
        names("tag.`mlflow.prompt.is_prompt` != 'true'"),
        ["fsm", "other-model"]
    );
    assert_eq!(
        names("name LIKE '%' AND tags.`mlflow.prompt.is_prompt` = 'false'"),
        ["fsm", "other-model"]
    );
    assert_eq!(
        names("tags.`mlflow.prompt.is_prompt` = 'true'"),
        ["a-prompt"]
    );
    s.delete_registered_model("a-prompt")
        .expect("delete prompt");
    let mvs = |filter: &str| -> Vec<i64> {
        s.search_model_versions(&RegistryQuery {
            filter: filter.into(),
            order_by: vec!["version_number ASC".into()],
            ..RegistryQuery::default()
        })
        .unwrap_or_else(|e| panic!("{filter}: {e}"))
        .items
        .into_iter()
        .map(|v| v.version)
        .collect()
    };
    assert_eq!(mvs("name='fsm'"), [1, 2, 4]);
    assert_eq!(mvs(&format!("run_id = '{run}'")), [1, 2]);
    assert_eq!(mvs("version_number > 1 and name = 'fsm'"), [2, 4]);
    assert_eq!(mvs("source_path LIKE 's3://%'"), [4]);
    // Paging through registered models one at a time.
    let first = s
        .search_registered_models(&RegistryQuery {
            max_results: 1,
            ..RegistryQuery::default()
        })
        .expect("page");
    assert_eq!(first.items.len(), 1);
    let second = s
        .search_registered_models(&RegistryQuery {
            max_results: 1,
            page_token: first.next_page_token,
            ..RegistryQuery::default()
        })
        .expect("page 2");
    assert_eq!(second.items[0].name, "other-model");
    assert_eq!(second.next_page_token, None);
    // Rename carries versions along; delete removes everything.
    s.rename_registered_model("fsm", "fsm2").expect("rename");
    assert_eq!(s.get_model_version("fsm2", 1).expect("v1").name, "fsm2");
    assert_eq!(
        err_kind(s.get_registered_model("fsm")).0,
        ErrorKind::ResourceDoesNotExist
    );
    s.delete_registered_model("fsm2").expect("delete");
    assert_eq!(
        err_kind(s.get_model_version("fsm2", 1)).0,
        ErrorKind::ResourceDoesNotExist
    );
    assert_eq!(names(""), ["other-model"]);
}

// ------------------------------------------------------------------------------------------
// artifacts (no database)

pub(crate) fn artifacts_case() {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("outside");
    std::fs::write(outside.join("secret.txt"), b"secret").expect("secret");
    let repo = ArtifactRepo::open(&root).expect("open");
    repo.put("1/run/artifacts/notes.txt", b"hello")
        .expect("put");
    repo.put("1/run/artifacts/sub/cfg.json", b"{\"a\": 1}")
        .expect("put");
    repo.put("./1/run//artifacts/./x.bin", &[0u8; 10])
        .expect("normalised path");
    assert_eq!(
        repo.get("1/run/artifacts/notes.txt").expect("get"),
        b"hello"
    );
    // Overwrite replaces the file whole.
    repo.put("1/run/artifacts/notes.txt", b"bye")
        .expect("overwrite");
    assert_eq!(repo.get("1/run/artifacts/notes.txt").expect("get"), b"bye");
    let list = repo.list("1/run/artifacts").expect("list");
    let shape: Vec<(String, bool, Option<u64>)> = list
        .iter()
        .map(|f| (f.path.clone(), f.is_dir, f.file_size))
        .collect();
    // docs/design/mlflow.md §1.3: paths relative to the listed directory, sizes for files only.
    assert_eq!(
        shape,
        [
            ("notes.txt".to_owned(), false, Some(3)),
            ("sub".to_owned(), true, None),
            ("x.bin".to_owned(), false, Some(10)),
        ]
    );
    // Listing a file or a missing directory is empty (MLflow answers {}).
    assert!(
        repo.list("1/run/artifacts/notes.txt")
            .expect("file")
            .is_empty()
    );
    assert!(repo.list("nope").expect("missing").is_empty());
    assert_eq!(repo.list("").expect("root").len(), 1);
    // Confinement.
    for bad in [
        "../outside/secret.txt",
        "1/../../outside/secret.txt",
        "/etc/passwd",
        "a\\..\\b",
        "a\0b",
    ] {
        assert_eq!(
            err_kind(repo.get(bad)).0,
            ErrorKind::InvalidParameterValue,
            "{bad:?}"
        );
        assert_eq!(
            err_kind(repo.put(bad, b"x")).0,
            ErrorKind::InvalidParameterValue,
            "{bad:?}"
        );
        assert!(repo.delete(bad).is_err(), "{bad:?}");
    }
    #[cfg(unix)]
    {
        // A symlink out of the root is refused for reading, writing through and listing.
        std::os::unix::fs::symlink(&outside, root.join("escape")).expect("symlink");
        std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("leak.txt"))
            .expect("symlink");
        assert_eq!(
            err_kind(repo.get("escape/secret.txt")).0,
            ErrorKind::InvalidParameterValue
        );
        assert_eq!(
            err_kind(repo.get("leak.txt")).0,
            ErrorKind::InvalidParameterValue
        );
        assert_eq!(
            err_kind(repo.put("escape/new.txt", b"x")).0,
            ErrorKind::InvalidParameterValue
        );
        assert!(!outside.join("new.txt").exists());
        assert_eq!(
            err_kind(repo.list("escape")).0,
            ErrorKind::InvalidParameterValue
        );
        let names: Vec<String> = repo
            .list("")
            .expect("root")
            .into_iter()
            .map(|f| f.path)
            .collect();
        assert_eq!(names, ["1"]);
        // A symlink that stays inside is fine.
        std::os::unix::fs::symlink(root.join("1"), root.join("alias")).expect("symlink");
        assert_eq!(
            repo.get("alias/run/artifacts/notes.txt").expect("inside"),
            b"bye"
        );
        // Deleting the escaping link removes the link, not its target.
        repo.delete("escape").expect("delete link");
        assert!(outside.join("secret.txt").exists());
    }
    assert_eq!(
        err_kind(repo.get("1/run/artifacts/missing")).0,
        ErrorKind::ResourceDoesNotExist
    );
    repo.delete("1/run/artifacts/sub").expect("delete dir");
    assert!(repo.list("1/run/artifacts/sub").expect("gone").is_empty());
    repo.delete("1/run/artifacts/sub")
        .expect("delete missing is fine");
    assert!(repo.delete("").is_err());
}

// ------------------------------------------------------------------------------------------
// search size limits (MLflow has none; the database would fail with a 500)

/// `n` clauses, cycling through every entity type; each one holds for run "a" and the param
/// clause fails for run "b".
fn many_clauses(n: usize) -> String {
    (0..n)
        .map(|i| match i % 5 {
            0 => format!("metrics.acc > -{i}"),
            1 => "params.p = 'v'".to_owned(),
            2 => format!("tags.t LIKE '%{}'", "x"),
            3 => "attributes.status = 'RUNNING'".to_owned(),
            _ => "params.q IS NULL".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// `n` order_by keys over metrics, params, tags and attribute `attr`.
fn lm_order_keys(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 2 {
            0 => format!("metrics.m{i} DESC"),
            _ => "attributes.creation_timestamp".to_owned(),
        })
        .collect()
}

fn many_order_keys(n: usize, attr: &str) -> Vec<String> {
    (0..n)
        .map(|i| match i % 4 {
            0 => format!("metrics.m{i} DESC"),
            1 => format!("params.p{i}"),
            2 => format!("tags.t{i} ASC"),
            _ => format!("attributes.{attr}"),
        })
        .collect()
}

#[track_caller]
fn assert_limit_error<T: std::fmt::Debug>(r: verdict_store::Result<T>, needle: &str) {
    let (kind, msg) = err_kind(r);
    assert_eq!(kind, ErrorKind::InvalidParameterValue, "{msg}");
    assert!(msg.contains(needle), "{msg:?} should contain {needle:?}");
}

pub(crate) fn search_size_limits(db: &TestDb) {
    use verdict_store::limits::{MAX_SEARCH_FILTER_CLAUSES, MAX_SEARCH_ORDER_BY_KEYS};
    let s = db.open();
    let exp = s.create_experiment("limits", None, &[]).expect("exp");
    let a = run_at(&s, &exp, "a", 2000);
    let b = run_at(&s, &exp, "b", 1000);
    for (id, p) in [(&a, "v"), (&b, "w")] {
        s.log_batch(
            id,
            &[m("acc", 0.5, 1, 0)],
            &[Param::new("p", p)],
            &[Tag::new("t", "x")],
        )
        .expect("batch");
    }
    // At the limit: answered, and right.
    let at = many_clauses(MAX_SEARCH_FILTER_CLAUSES);
    assert_eq!(run_names(&s, &query(&exp, &at, &[])), ["a"]);
    // Beyond it (and the issue's 2,000): refused with the limit, before any SQL.
    for n in [MAX_SEARCH_FILTER_CLAUSES + 1, 2000] {
        let f = many_clauses(n);
        assert_limit_error(
            s.search_runs(&query(&exp, &f, &[])),
            &format!("at most {MAX_SEARCH_FILTER_CLAUSES} clauses joined by AND. Got {n} clauses"),
        );
        assert_limit_error(
            s.search_experiments(&ExperimentQuery {
                filter: (0..n)
                    .map(|_| "name LIKE '%'")
                    .collect::<Vec<_>>()
                    .join(" AND "),
                order_by: vec![],
                max_results: 0,
                page_token: None,
                view: ViewType::ActiveOnly,
            }),
            &format!("at most {MAX_SEARCH_FILTER_CLAUSES} clauses"),
        );
    }
    // order_by at the limit: answered (on SQLite, 1 + 32 tables in one join). No run has the
    // metric, param or tag keys (all tie), so the first `attributes.start_time` key (ascending)
    // decides: b (1000) before a (2000), against the default start_time DESC.
    let keys = many_order_keys(MAX_SEARCH_ORDER_BY_KEYS, "start_time");
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    assert_eq!(run_names(&s, &query(&exp, "", &refs)), ["b", "a"]);
    let lm = LoggedModelQuery {
        experiment_ids: vec![exp.clone()],
        filter: String::new(),
        // Logged models order by metrics and attributes only (MLflow's SQL store).
        order_by: lm_order_keys(MAX_SEARCH_ORDER_BY_KEYS),
        max_results: 0,
        page_token: None,
        ..LoggedModelQuery::default()
    };
    assert!(
        s.search_logged_models(&lm)
            .expect("logged models")
            .items
            .is_empty()
    );
    for n in [MAX_SEARCH_ORDER_BY_KEYS + 1, 70] {
        let keys = many_order_keys(n, "start_time");
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let want = format!("at most {MAX_SEARCH_ORDER_BY_KEYS} order_by keys. Got {n} keys");
        assert_limit_error(s.search_runs(&query(&exp, "", &refs)), &want);
        assert_limit_error(
            s.search_logged_models(&LoggedModelQuery {
                order_by: lm_order_keys(n),
                ..lm.clone()
            }),
            &want,
        );
        assert_limit_error(
            s.search_registered_models(&RegistryQuery {
                order_by: vec!["name".to_owned(); n],
                ..RegistryQuery::default()
            }),
            &want,
        );
    }
}

/// Paths the file system cannot hold are the caller's error, and no error names the root.
pub(crate) fn artifact_path_shapes_case() {
    use verdict_store::artifacts::{MAX_NAME_BYTES, MAX_PATH_BYTES};
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("root");
    let repo = ArtifactRepo::open(&root).expect("open");
    let shown_root = repo.root().display().to_string();
    repo.put("1/x.txt", b"file").expect("put");
    // Through a file: refused on write (naming the file), missing on read, empty listing,
    // nothing to delete.
    for child in ["1/x.txt/child.txt", "1/x.txt/a/b/c.txt"] {
        let (kind, msg) = err_kind(repo.put(child, b"x"));
        assert_eq!(kind, ErrorKind::InvalidParameterValue, "{msg}");
        assert!(
            msg.contains("\"1/x.txt\" is a file, not a directory"),
            "{msg}"
        );
        assert!(!msg.contains(&shown_root), "{msg}");
        let (kind, msg) = err_kind(repo.get(child));
        assert_eq!(kind, ErrorKind::ResourceDoesNotExist, "{msg}");
        assert!(repo.list(child).expect("list").is_empty());
        repo.delete(child).expect("nothing to delete");
    }
    assert!(repo.list("1/x.txt/sub").expect("list").is_empty());
    assert_eq!(repo.get("1/x.txt").expect("still there"), b"file");
    // Too long: one component over NAME_MAX, or the whole path over the limit.
    let long_name = format!("1/{}", "n".repeat(300));
    let long_path = ["d"; 2500].join("/"); // 4,999 bytes of short components
    for (bad, needle) in [
        (
            long_name.as_str(),
            format!("the limit is {MAX_NAME_BYTES} bytes"),
        ),
        (
            long_path.as_str(),
            format!("the limit is {MAX_PATH_BYTES} bytes"),
        ),
    ] {
        for (what, r) in [
            ("put", err_kind(repo.put(bad, b"x"))),
            ("get", err_kind(repo.get(bad))),
            ("list", err_kind(repo.list(bad))),
            ("delete", err_kind(repo.delete(bad))),
        ] {
            assert_eq!(r.0, ErrorKind::InvalidParameterValue, "{what}: {}", r.1);
            assert!(r.1.contains(&needle), "{what}: {}", r.1);
            assert!(r.1.len() < 300, "{what}: the message is shortened: {}", r.1);
        }
    }
    // A name of exactly NAME_MAX bytes is fine (its temporary file's name stays within it).
    let max_name = format!("1/{}", "é".repeat(MAX_NAME_BYTES / 2));
    repo.put(&max_name, b"ok").expect("a 254-byte name");
    assert_eq!(repo.get(&max_name).expect("get"), b"ok");
    // A disk error names the path relative to the root, never the root.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        repo.put("locked/a.txt", b"a").expect("put");
        let locked = root.join("locked");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).expect("chmod");
        let denied = repo.put("locked/b.txt", b"b");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        // Root ignores permissions; only check the message when the write was refused.
        if let Err(e) = denied {
            let msg = e.to_string();
            assert_eq!(e.kind(), ErrorKind::Internal, "{msg}");
            assert!(msg.contains("\"locked/b.txt\""), "{msg}");
            assert!(!msg.contains(&shown_root), "{msg}");
        }
    }
}

/// Temporary files of killed uploads are swept; nothing else is.
pub(crate) fn artifact_temp_sweep_case() {
    use std::time::{Duration, SystemTime};
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("root");
    let repo = ArtifactRepo::open(&root).expect("open");
    repo.put("1/r/artifacts/model.pkl", b"model").expect("put");
    let old = SystemTime::now() - Duration::from_secs(3600);
    let write = |rel: &str, at: SystemTime| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        let f = std::fs::File::create(&p).expect("create");
        f.set_modified(at).expect("mtime");
    };
    let hex = "0123456789abcdef0123456789abcdef";
    // Ours, left by a kill an hour ago: removed.
    write(&format!("1/r/artifacts/.model.pkl.tmp-{hex}"), old);
    write(&format!(".top.tmp-{hex}"), old);
    // Ours but written a moment ago (an upload in flight): kept.
    write(
        &format!("1/r/artifacts/.big.bin.tmp-{hex}"),
        SystemTime::now(),
    );
    // The user's own files that merely look alike: never touched.
    let users = [
        format!("1/r/artifacts/model.pkl.tmp-{hex}"),
        "1/r/artifacts/.cache.tmp-notours".to_owned(),
        format!("1/r/artifacts/.x.tmp-{}", hex.to_uppercase()),
        "1/r/artifacts/.hidden".to_owned(),
    ];
    for u in &users {
        write(u, old);
    }
    // A directory with our name pattern is not a file of ours.
    std::fs::create_dir_all(root.join(format!("1/.d.tmp-{hex}"))).expect("dir");
    let sweep = repo.sweep_temp_files(Duration::from_secs(300));
    assert_eq!(
        sweep.removed,
        [
            format!(".top.tmp-{hex}"),
            format!("1/r/artifacts/.model.pkl.tmp-{hex}"),
        ]
    );
    assert_eq!(sweep.kept, [format!("1/r/artifacts/.big.bin.tmp-{hex}")]);
    for u in &users {
        assert!(root.join(u).is_file(), "{u} must survive");
    }
    assert!(root.join(format!("1/.d.tmp-{hex}")).is_dir());
    assert_eq!(repo.get("1/r/artifacts/model.pkl").expect("get"), b"model");
    // A second sweep finds nothing more to remove.
    assert!(
        repo.sweep_temp_files(Duration::from_secs(300))
            .removed
            .is_empty()
    );
}

/// `run_counts`: active runs per experiment and their latest start or end time; deleted runs and
/// experiments without runs do not count.
pub(crate) fn run_counts_per_experiment(db: &TestDb) {
    let s = db.open();
    let a = s.create_experiment("counted a", None, &[]).expect("a");
    let b = s.create_experiment("counted b", None, &[]).expect("b");
    let _empty = s.create_experiment("counted empty", None, &[]).expect("c");
    run_at(&s, &a, "a1", 1_000);
    run_at(&s, &a, "a2", 5_000);
    let gone = run_at(&s, &a, "a3", 9_000);
    s.delete_run(&gone).expect("delete");
    let b1 = run_at(&s, &b, "b1", 2_000);
    s.update_run(
        &b1,
        &RunUpdate {
            status: Some(RunStatus::Finished),
            end_time: Some(7_000),
            run_name: None,
        },
    )
    .expect("end");
    let counts = s.run_counts().expect("counts");
    let got: Vec<(String, u64, i64)> = counts
        .into_iter()
        .map(|c| (c.experiment_id, c.runs, c.last_activity))
        .collect();
    assert_eq!(got, vec![(a, 2, 5_000), (b, 1, 7_000)]);
}
