//! Experiments: create, get, search, rename, soft delete/restore, tags.

use std::collections::BTreeMap;

use crate::db::{Conn, Row, Value};
use crate::error::{Error, Result};
use crate::filter::{self, Entity, Op};
use crate::limits;
use crate::search::{SqlBuilder, number_cond, order_nulls_last, string_cond, text_order};
use crate::sql::{placeholders, upsert_tags};
use crate::store::{Store, now_ms};
use crate::token;
use crate::types::{Experiment, ExperimentQuery, LifecycleStage, Page, RunCount, Tag};

const EXPERIMENT_COLUMNS: &str =
    "experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time";

/// Parses an experiment id (`"0"`, `"12"`).
pub(crate) fn parse_experiment_id(id: &str) -> Result<i64> {
    id.trim().parse::<i64>().map_err(|_| {
        Error::invalid(format!(
            "Invalid experiment ID '{id}'. Experiment ID must be a valid integer."
        ))
    })
}

fn experiment_from_row(row: &Row) -> Result<Experiment> {
    let stage = row.text(3)?;
    Ok(Experiment {
        experiment_id: row.int(0)?.to_string(),
        name: row.text(1)?,
        artifact_location: row.text(2)?,
        lifecycle_stage: LifecycleStage::parse(&stage)
            .ok_or_else(|| Error::db(format!("unknown lifecycle stage {stage:?}")))?,
        creation_time: row.int(4)?,
        last_update_time: row.int(5)?,
        tags: Vec::new(),
    })
}

/// Loads experiments by id (in the order given) with their tags.
fn load_experiments(c: &mut dyn Conn, ids: &[i64]) -> Result<Vec<Experiment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(1, ids.len());
    let params: Vec<Value> = ids.iter().map(|i| Value::Int(*i)).collect();
    let mut by_id = BTreeMap::new();
    for row in c.query(
        &format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE experiment_id IN ({list})"),
        &params,
    )? {
        let e = experiment_from_row(&row)?;
        by_id.insert(row.int(0)?, e);
    }
    for row in c.query(
        &format!(
            "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN ({list}) \
             ORDER BY experiment_id, key"
        ),
        &params,
    )? {
        if let Some(e) = by_id.get_mut(&row.int(0)?) {
            e.tags.push(Tag::new(row.text(1)?, row.text(2)?));
        }
    }
    Ok(ids.iter().filter_map(|i| by_id.remove(i)).collect())
}

/// The experiment row (without tags), or `RESOURCE_DOES_NOT_EXIST`.
pub(crate) fn experiment_row(c: &mut dyn Conn, id: i64) -> Result<Experiment> {
    c.query_opt(
        &format!("SELECT {EXPERIMENT_COLUMNS} FROM experiments WHERE experiment_id = $1"),
        &[Value::Int(id)],
    )?
    .map(|r| experiment_from_row(&r))
    .transpose()?
    .ok_or_else(|| Error::not_found(format!("No Experiment with id={id} exists")))
}

pub(crate) fn check_experiment_active(e: &Experiment) -> Result<()> {
    if e.lifecycle_stage != LifecycleStage::Active {
        return Err(Error::invalid(format!(
            "The experiment {} must be in the 'active' state. Current state is {}.",
            e.experiment_id,
            e.lifecycle_stage.as_str()
        )));
    }
    Ok(())
}

/// Sets (inserts or replaces) experiment tags, the last value of a key winning.
pub(crate) fn write_experiment_tags(c: &mut dyn Conn, id: i64, tags: &[Tag]) -> Result<()> {
    upsert_tags(
        c,
        "experiment_tags",
        "experiment_id",
        &[Value::Int(id)],
        tags,
    )
}

impl Store {
    /// Creates an experiment and returns its id. `artifact_location` `None` means
    /// `<default_artifact_root>/<id>`. Fails with `RESOURCE_ALREADY_EXISTS` if the name is taken
    /// (by an active or a deleted experiment, as in MLflow).
    pub fn create_experiment(
        &self,
        name: &str,
        artifact_location: Option<&str>,
        tags: &[Tag],
    ) -> Result<String> {
        limits::validate_experiment_name(name)?;
        for t in tags {
            limits::validate_experiment_tag(t)?;
        }
        let root = self.inner.artifact_root.clone();
        self.write(|c| {
            let taken = c
                .query_opt(
                    "SELECT experiment_id FROM experiments WHERE name = $1",
                    &[name.into()],
                )?
                .is_some();
            if taken {
                return Err(Error::exists(format!(
                    "Experiment(name={name}) already exists."
                )));
            }
            let now = now_ms();
            let row = c
                .query_opt(
                    "INSERT INTO experiments (name, artifact_location, lifecycle_stage, \
                     creation_time, last_update_time) VALUES ($1, $2, 'active', $3, $3) \
                     RETURNING experiment_id",
                    &[
                        name.into(),
                        artifact_location.unwrap_or("").into(),
                        Value::Int(now),
                    ],
                )?
                .ok_or_else(|| Error::db("INSERT … RETURNING returned no row"))?;
            let id = row.int(0)?;
            if artifact_location.is_none_or(str::is_empty) {
                c.execute(
                    "UPDATE experiments SET artifact_location = $1 WHERE experiment_id = $2",
                    &[format!("{root}/{id}").into(), Value::Int(id)],
                )?;
            }
            write_experiment_tags(c, id, tags)?;
            Ok(id.to_string())
        })
    }

    /// The experiment with this id (active or deleted).
    pub fn get_experiment(&self, experiment_id: &str) -> Result<Experiment> {
        let id = parse_experiment_id(experiment_id)?;
        self.read(|c| {
            load_experiments(c, &[id])?
                .pop()
                .ok_or_else(|| Error::not_found(format!("No Experiment with id={id} exists")))
        })
    }

    /// Every experiment's active runs: how many, and the latest start or end time among them
    /// (milliseconds), in experiment id order; experiments without an active run are absent.
    /// One grouped query, for the UI's experiments page.
    pub fn run_counts(&self) -> Result<Vec<RunCount>> {
        self.read(|c| {
            c.query(
                "SELECT experiment_id, COUNT(*), MAX(COALESCE(end_time, start_time, 0)) FROM runs \
                 WHERE lifecycle_stage = 'active' GROUP BY experiment_id ORDER BY experiment_id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(RunCount {
                    experiment_id: r.int(0)?.to_string(),
                    runs: u64::try_from(r.int(1)?).unwrap_or(0),
                    last_activity: r.int(2)?,
                })
            })
            .collect()
        })
    }

    /// The experiment with this name (active or deleted); `RESOURCE_DOES_NOT_EXIST` if none.
    pub fn get_experiment_by_name(&self, name: &str) -> Result<Experiment> {
        self.read(|c| {
            let id = c
                .query_opt(
                    "SELECT experiment_id FROM experiments WHERE name = $1",
                    &[name.into()],
                )?
                .map(|r| r.int(0))
                .transpose()?;
            let found = match id {
                Some(id) => load_experiments(c, &[id])?.pop(),
                None => None,
            };
            found.ok_or_else(|| {
                Error::not_found(format!("Could not find experiment with name '{name}'"))
            })
        })
    }

    /// MLflow `SearchExperiments`: filter over `name`, `experiment_id`, `creation_time`,
    /// `last_update_time` and `tags.*`; default order `creation_time DESC, experiment_id ASC`.
    pub fn search_experiments(&self, query: &ExperimentQuery) -> Result<Page<Experiment>> {
        let limit = limits::page_size(query.max_results, 1000, limits::MAX_RESULTS_PER_PAGE)?;
        let offset = token::decode(query.page_token.as_deref())?;
        let clauses = filter::parse(&query.filter, &filter::EXPERIMENTS)?;
        limits::order_by_keys(query.order_by.len())?;
        let mut orders = Vec::new();
        for o in &query.order_by {
            let o = filter::parse_order_by(o, &filter::EXPERIMENTS)?;
            if o.entity != Entity::Attribute {
                return Err(Error::invalid(format!(
                    "Invalid order_by entity: {}",
                    if o.entity == Entity::Tag {
                        "tag"
                    } else {
                        "metric"
                    }
                )));
            }
            orders.push(o);
        }
        let dialect = self.dialect();
        let mut b = SqlBuilder::new("SELECT e.experiment_id FROM experiments e WHERE 1 = 1");
        match query.view {
            crate::ViewType::ActiveOnly => b.sql.push_str(" AND e.lifecycle_stage = 'active'"),
            crate::ViewType::DeletedOnly => b.sql.push_str(" AND e.lifecycle_stage = 'deleted'"),
            crate::ViewType::All => {}
        }
        for cl in &clauses {
            let cond = match cl.entity {
                Entity::Attribute => match cl.key.as_str() {
                    "creation_time" | "last_update_time" => {
                        number_cond(&mut b, &format!("e.{}", cl.key), cl.op, &cl.value)?
                    }
                    "name" => string_cond(&mut b, "e.name", cl.op, &cl.value, dialect)?,
                    _ => string_cond(
                        &mut b,
                        "CAST(e.experiment_id AS TEXT)",
                        cl.op,
                        &cl.value,
                        dialect,
                    )?,
                },
                Entity::Tag => {
                    let key = b.bind(cl.key.clone().into());
                    match cl.op {
                        Op::IsNull => format!(
                            "NOT EXISTS (SELECT 1 FROM experiment_tags t WHERE \
                             t.experiment_id = e.experiment_id AND t.key = {key})"
                        ),
                        Op::IsNotNull => format!(
                            "EXISTS (SELECT 1 FROM experiment_tags t WHERE \
                             t.experiment_id = e.experiment_id AND t.key = {key})"
                        ),
                        _ => {
                            let cond = string_cond(&mut b, "t.value", cl.op, &cl.value, dialect)?;
                            format!(
                                "EXISTS (SELECT 1 FROM experiment_tags t WHERE \
                                 t.experiment_id = e.experiment_id AND t.key = {key} AND {cond})"
                            )
                        }
                    }
                }
                _ => return Err(Error::invalid("Invalid experiment filter")),
            };
            b.sql.push_str(" AND ");
            b.sql.push_str(&cond);
        }
        let mut order_sql = Vec::new();
        let mut has_id = false;
        if orders.is_empty() {
            order_sql.push("e.creation_time DESC".to_owned());
            order_sql.push("e.experiment_id ASC".to_owned());
            has_id = true;
        }
        for o in &orders {
            let col = match o.key.as_str() {
                "name" => text_order("e.name", dialect),
                "creation_time" => "e.creation_time".to_owned(),
                "last_update_time" => "e.last_update_time".to_owned(),
                _ => {
                    has_id = true;
                    "e.experiment_id".to_owned()
                }
            };
            order_sql.push(order_nulls_last(&col, o.ascending));
        }
        if !has_id {
            order_sql.push("e.experiment_id DESC".to_owned());
        }
        b.sql.push_str(" ORDER BY ");
        b.sql.push_str(&order_sql.join(", "));
        let lim = b.bind(Value::Int(limit + 1));
        let off = b.bind(Value::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        b.sql.push_str(&format!(" LIMIT {lim} OFFSET {off}"));
        self.read(|c| {
            let rows = c.query(&b.sql, &b.params)?;
            let has_more = rows.len() as i64 > limit;
            let ids: Vec<i64> = rows
                .iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|r| r.int(0))
                .collect::<Result<_>>()?;
            let items = load_experiments(c, &ids)?;
            Ok(Page {
                next_page_token: token::next(offset, items.len(), has_more),
                items,
            })
        })
    }

    /// Renames an experiment (MLflow `UpdateExperiment`).
    pub fn rename_experiment(&self, experiment_id: &str, new_name: &str) -> Result<()> {
        let id = parse_experiment_id(experiment_id)?;
        limits::validate_experiment_name(new_name)?;
        self.write(|c| {
            let e = experiment_row(c, id)?;
            check_experiment_active(&e)?;
            if e.name == new_name {
                return Ok(());
            }
            let taken = c
                .query_opt(
                    "SELECT experiment_id FROM experiments WHERE name = $1",
                    &[new_name.into()],
                )?
                .is_some();
            if taken {
                return Err(Error::exists(format!(
                    "Experiment(name={new_name}) already exists."
                )));
            }
            c.execute(
                "UPDATE experiments SET name = $1, last_update_time = $2 WHERE experiment_id = $3",
                &[new_name.into(), Value::Int(now_ms()), Value::Int(id)],
            )?;
            Ok(())
        })
    }

    /// Soft-deletes an experiment and its active runs (MLflow's SQL store does the same). The
    /// Default experiment can be deleted too, as in MLflow.
    pub fn delete_experiment(&self, experiment_id: &str) -> Result<()> {
        let id = parse_experiment_id(experiment_id)?;
        self.write(|c| {
            let e = experiment_row(c, id)?;
            // MLflow looks the experiment up among active ones only.
            if e.lifecycle_stage != LifecycleStage::Active {
                return Err(Error::not_found(format!(
                    "No Experiment with id={id} exists"
                )));
            }
            let now = now_ms();
            c.execute(
                "UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = $1 \
                 WHERE experiment_id = $2",
                &[Value::Int(now), Value::Int(id)],
            )?;
            c.execute(
                "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = $1 \
                 WHERE experiment_id = $2 AND lifecycle_stage = 'active'",
                &[Value::Int(now), Value::Int(id)],
            )?;
            Ok(())
        })
    }

    /// Restores a deleted experiment and its deleted runs.
    pub fn restore_experiment(&self, experiment_id: &str) -> Result<()> {
        let id = parse_experiment_id(experiment_id)?;
        self.write(|c| {
            let e = experiment_row(c, id)?;
            // MLflow looks the experiment up among deleted ones only.
            if e.lifecycle_stage != LifecycleStage::Deleted {
                return Err(Error::not_found(format!(
                    "No Experiment with id={id} exists"
                )));
            }
            c.execute(
                "UPDATE experiments SET lifecycle_stage = 'active', last_update_time = $1 \
                 WHERE experiment_id = $2",
                &[Value::Int(now_ms()), Value::Int(id)],
            )?;
            c.execute(
                "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL \
                 WHERE experiment_id = $1 AND lifecycle_stage = 'deleted'",
                &[Value::Int(id)],
            )?;
            Ok(())
        })
    }

    /// Sets (inserts or replaces) an experiment tag.
    pub fn set_experiment_tag(&self, experiment_id: &str, key: &str, value: &str) -> Result<()> {
        let id = parse_experiment_id(experiment_id)?;
        limits::validate_experiment_tag(&Tag::new(key, value))?;
        self.write(|c| {
            let e = experiment_row(c, id)?;
            check_experiment_active(&e)?;
            write_experiment_tags(c, id, &[Tag::new(key, value)])
        })
    }

    /// Deletes an experiment tag; `RESOURCE_DOES_NOT_EXIST` if it is not set.
    pub fn delete_experiment_tag(&self, experiment_id: &str, key: &str) -> Result<()> {
        let id = parse_experiment_id(experiment_id)?;
        self.write(|c| {
            let e = experiment_row(c, id)?;
            check_experiment_active(&e)?;
            let n = c.execute(
                "DELETE FROM experiment_tags WHERE experiment_id = $1 AND key = $2",
                &[Value::Int(id), key.into()],
            )?;
            if n == 0 {
                return Err(Error::not_found(format!(
                    "No tag with name: {key} in experiment with id {id}"
                )));
            }
            Ok(())
        })
    }
}
