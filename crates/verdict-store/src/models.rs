//! Logged models (MLflow 3.x): create (PENDING), finalize, params (write-once), tags, metrics
//! (every point logged with a `model_id`, from `log_batch`/`log_metric`), soft delete, search.

use std::collections::HashMap;

use crate::db::{Conn, Row, Value};
use crate::error::{Error, Result};
use crate::experiments::{check_experiment_active, experiment_row, parse_experiment_id};
use crate::filter::{self, Entity, Op};
use crate::limits;
use crate::runs::{ParamOwner, stored_params, stored_value};
use crate::search::{
    Parsed, SqlBuilder, metric_cond, number_cond, parse_search, string_cond, text_order,
};
use crate::sql::{insert_rows, upsert_tags};
use crate::store::{Store, now_ms, uuid4_hex};
use crate::token;
use crate::types::{
    LifecycleStage, LoggedModel, LoggedModelQuery, LoggedModelStatus, Metric, NewLoggedModel, Page,
    Param, RunMetric, Tag,
};

const MODEL_COLUMNS: &str = "model_id, experiment_id, name, artifact_location, \
    creation_timestamp_ms, last_updated_timestamp_ms, status, status_message, model_type, \
    source_run_id, lifecycle_stage";

fn model_from_row(row: &Row) -> Result<LoggedModel> {
    let status = row.text(6)?;
    let stage = row.text(10)?;
    Ok(LoggedModel {
        model_id: row.text(0)?,
        experiment_id: row.int(1)?.to_string(),
        name: row.text(2)?,
        artifact_location: row.text(3)?,
        creation_timestamp_ms: row.int(4)?,
        last_updated_timestamp_ms: row.int(5)?,
        status: LoggedModelStatus::parse(&status)
            .ok_or_else(|| Error::db(format!("unknown logged model status {status:?}")))?,
        status_message: row.opt_text(7)?,
        model_type: row.opt_text(8)?,
        source_run_id: row.opt_text(9)?,
        lifecycle_stage: LifecycleStage::parse(&stage)
            .ok_or_else(|| Error::db(format!("unknown lifecycle stage {stage:?}")))?,
        params: Vec::new(),
        tags: Vec::new(),
        metrics: Vec::new(),
    })
}

fn model_not_found(model_id: &str) -> Error {
    Error::not_found(format!("Logged model with ID '{model_id}' not found."))
}

/// The (not deleted) logged model's row without children, or `RESOURCE_DOES_NOT_EXIST`.
pub(crate) fn logged_model_row(c: &mut dyn Conn, model_id: &str) -> Result<LoggedModel> {
    c.query_opt(
        &format!(
            "SELECT {MODEL_COLUMNS} FROM logged_models WHERE model_id = $1 \
             AND lifecycle_stage = 'active'"
        ),
        &[model_id.into()],
    )?
    .map(|r| model_from_row(&r))
    .transpose()?
    .ok_or_else(|| model_not_found(model_id))
}

fn load_models(c: &mut dyn Conn, ids: &[String]) -> Result<Vec<LoggedModel>> {
    let mut by_id: HashMap<String, LoggedModel> = HashMap::new();
    for chunk in ids.chunks(crate::sql::IN_CHUNK) {
        let params: Vec<Value> = chunk.iter().map(Value::from).collect();
        let list = crate::sql::placeholders(1, chunk.len());
        for row in c.query(
            &format!("SELECT {MODEL_COLUMNS} FROM logged_models WHERE model_id IN ({list})"),
            &params,
        )? {
            let m = model_from_row(&row)?;
            by_id.insert(m.model_id.clone(), m);
        }
        for (table, is_param) in [("logged_model_params", true), ("logged_model_tags", false)] {
            for row in c.query(
                &format!("SELECT model_id, key, value FROM {table} WHERE model_id IN ({list})"),
                &params,
            )? {
                if let Some(m) = by_id.get_mut(&row.text(0)?) {
                    if is_param {
                        m.params.push(Param::new(row.text(1)?, row.text(2)?));
                    } else {
                        m.tags.push(Tag::new(row.text(1)?, row.text(2)?));
                    }
                }
            }
        }
        for row in c.query(
            &format!(
                "SELECT model_id, key, value, is_nan, timestamp, step, run_uuid, dataset_name, \
                 dataset_digest FROM logged_model_metrics WHERE model_id IN ({list})"
            ),
            &params,
        )? {
            if let Some(m) = by_id.get_mut(&row.text(0)?) {
                let model_id = row.text(0)?;
                m.metrics.push(RunMetric {
                    run_id: row.text(6)?,
                    metric: Metric {
                        key: row.text(1)?,
                        value: stored_value(row.real(2)?, row.int(3)?),
                        timestamp: row.int(4)?,
                        step: row.int(5)?,
                        dataset_name: row.opt_text(7)?,
                        dataset_digest: row.opt_text(8)?,
                        model_id: Some(model_id),
                    },
                });
            }
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(mut m) = by_id.remove(id) {
            m.params.sort();
            m.tags.sort();
            m.metrics.sort_by(|a, b| {
                (&a.metric.key, a.metric.step, a.metric.timestamp).cmp(&(
                    &b.metric.key,
                    b.metric.step,
                    b.metric.timestamp,
                ))
            });
            out.push(m);
        }
    }
    Ok(out)
}

fn param_conflict(model_id: &str, key: &str, old: &str, new: &str) -> Error {
    Error::invalid(format!(
        "Changing param values is not allowed. Param with key='{key}' was already logged with \
         value='{old}' for logged model ID='{model_id}'. Attempted logging new value '{new}'."
    ))
}

fn write_model_params(c: &mut dyn Conn, model_id: &str, params: &[Param]) -> Result<()> {
    let stored = stored_params(c, ParamOwner::LoggedModel, model_id, params)?;
    let mut rows = Vec::new();
    for p in params {
        match stored.get(&p.key) {
            Some(old) if *old != p.value => {
                return Err(param_conflict(model_id, &p.key, old, &p.value));
            }
            Some(_) => {}
            None => rows.push(vec![model_id.into(), (&p.key).into(), (&p.value).into()]),
        }
    }
    insert_rows(
        c,
        "INSERT INTO logged_model_params (model_id, key, value)",
        "ON CONFLICT (model_id, key) DO NOTHING",
        rows,
    )?;
    // A concurrent transaction may have won a new key; check what is stored now.
    let stored = stored_params(c, ParamOwner::LoggedModel, model_id, params)?;
    for p in params {
        match stored.get(&p.key) {
            Some(v) if *v == p.value => {}
            other => {
                let old = other.map_or("", String::as_str);
                return Err(param_conflict(model_id, &p.key, old, &p.value));
            }
        }
    }
    Ok(())
}

fn write_model_tags(c: &mut dyn Conn, model_id: &str, tags: &[Tag]) -> Result<()> {
    upsert_tags(c, "logged_model_tags", "model_id", &[model_id.into()], tags)
}

fn touch(c: &mut dyn Conn, model_id: &str) -> Result<()> {
    c.execute(
        "UPDATE logged_models SET last_updated_timestamp_ms = $1 WHERE model_id = $2",
        &[Value::Int(now_ms()), model_id.into()],
    )?;
    Ok(())
}

/// ` AND (<one of the datasets>)` for a metric row `m`, or nothing when there are none. An
/// entry without a digest matches nothing, as in MLflow (see [`crate::DatasetFilter`]).
fn dataset_cond(b: &mut SqlBuilder, datasets: &[crate::types::DatasetFilter]) -> String {
    if datasets.is_empty() {
        return String::new();
    }
    let ors: Vec<String> = datasets
        .iter()
        .map(|d| match &d.dataset_digest {
            Some(digest) => {
                let n = b.bind(d.dataset_name.clone().into());
                let g = b.bind(digest.clone().into());
                format!("(m.dataset_name = {n} AND m.dataset_digest = {g})")
            }
            None => "1 = 0".to_owned(),
        })
        .collect();
    format!(" AND ({})", ors.join(" OR "))
}

/// The logged-model tag listing the registered versions made from the model.
pub(crate) const MODEL_VERSIONS_TAG: &str = "mlflow.modelVersions";

/// Python's `json.dumps(v)` with its defaults (`", "` and `": "` separators, non-ASCII as
/// `\uXXXX`), so a tag MLflow would have written reads the same byte for byte.
fn py_json(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value as J;
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => out.push_str(&n.to_string()),
        J::String(s) => {
            out.push('"');
            for ch in s.chars() {
                match ch {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
                    c => {
                        let mut buf = [0u16; 2];
                        for unit in c.encode_utf16(&mut buf) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                }
            }
            out.push('"');
        }
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_json(item, out);
            }
            out.push(']');
        }
        J::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_json(&J::String(k.clone()), out);
                out.push_str(": ");
                py_json(item, out);
            }
            out.push('}');
        }
    }
}

/// MLflow's `set_model_versions_tags`: appends `{"name": …, "version": N}` to the logged
/// model's `mlflow.modelVersions` tag (a JSON list, created if missing, an entry already there
/// not repeated). `RESOURCE_DOES_NOT_EXIST` for an unknown model; a tag that is not a JSON list
/// is left alone and refused.
pub(crate) fn link_model_version(
    c: &mut dyn Conn,
    model_id: &str,
    name: &str,
    version: i64,
) -> Result<()> {
    logged_model_row(c, model_id)?;
    let entry = serde_json::json!({"name": name, "version": version});
    let existing = c
        .query_opt(
            "SELECT value FROM logged_model_tags WHERE model_id = $1 AND key = $2",
            &[model_id.into(), MODEL_VERSIONS_TAG.into()],
        )?
        .map(|r| r.text(0))
        .transpose()?;
    let mut list = match existing.as_deref().filter(|v| !v.is_empty()) {
        None => Vec::new(),
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items)) => items,
            _ => {
                return Err(Error::invalid(format!(
                    "The tag '{MODEL_VERSIONS_TAG}' of logged model '{model_id}' is not a JSON \
                     list; cannot add version {version} of '{name}' to it."
                )));
            }
        },
    };
    if list.contains(&entry) {
        return Ok(());
    }
    list.push(entry);
    let mut text = String::new();
    py_json(&serde_json::Value::Array(list), &mut text);
    write_model_tags(c, model_id, &[Tag::new(MODEL_VERSIONS_TAG, text)])?;
    touch(c, model_id)
}

fn model_attr_column(key: &str) -> &'static str {
    match key {
        "model_id" => "lm.model_id",
        "model_type" => "lm.model_type",
        "status" => "lm.status",
        "source_run_id" => "lm.source_run_id",
        "creation_timestamp" => "lm.creation_timestamp_ms",
        "last_updated_timestamp" => "lm.last_updated_timestamp_ms",
        _ => "lm.name",
    }
}

impl Store {
    /// Creates a logged model in an active experiment (status PENDING, id `m-<32 hex>`,
    /// artifacts at `<experiment artifact_location>/models/<model_id>/artifacts`).
    pub fn create_logged_model(&self, new: &NewLoggedModel) -> Result<LoggedModel> {
        let exp_id = parse_experiment_id(&new.experiment_id)?;
        for (i, p) in new.params.iter().enumerate() {
            limits::validate_param(p, &format!("params[{i}]"))?;
        }
        for (i, t) in new.tags.iter().enumerate() {
            limits::validate_tag(t, &format!("tags[{i}]"))?;
        }
        let model_id = format!("m-{}", uuid4_hex()?);
        let name = new
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("model-{}", &model_id[2..10]));
        self.write(|c| {
            let exp = experiment_row(c, exp_id)?;
            check_experiment_active(&exp)?;
            let now = now_ms();
            let location = format!(
                "{}/models/{model_id}/artifacts",
                exp.artifact_location.trim_end_matches('/')
            );
            c.execute(
                &format!(
                    "INSERT INTO logged_models ({MODEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $5, \
                     $6, NULL, $7, $8, 'active')"
                ),
                &[
                    model_id.as_str().into(),
                    Value::Int(exp_id),
                    name.as_str().into(),
                    location.into(),
                    Value::Int(now),
                    LoggedModelStatus::Pending.as_str().into(),
                    new.model_type.as_ref().into(),
                    new.source_run_id.as_ref().into(),
                ],
            )?;
            write_model_params(c, &model_id, &new.params)?;
            write_model_tags(c, &model_id, &new.tags)?;
            load_models(c, std::slice::from_ref(&model_id))?
                .pop()
                .ok_or_else(|| model_not_found(&model_id))
        })
    }

    /// The logged model with its params, tags and metrics; deleted ones are not found.
    pub fn get_logged_model(&self, model_id: &str) -> Result<LoggedModel> {
        self.read(|c| {
            logged_model_row(c, model_id)?;
            load_models(c, &[model_id.to_owned()])?
                .pop()
                .ok_or_else(|| model_not_found(model_id))
        })
    }

    /// Sets the status (MLflow `FinalizeLoggedModel`) and returns the model.
    pub fn finalize_logged_model(
        &self,
        model_id: &str,
        status: LoggedModelStatus,
    ) -> Result<LoggedModel> {
        self.write(|c| {
            logged_model_row(c, model_id)?;
            c.execute(
                "UPDATE logged_models SET status = $1, last_updated_timestamp_ms = $2 \
                 WHERE model_id = $3",
                &[
                    status.as_str().into(),
                    Value::Int(now_ms()),
                    model_id.into(),
                ],
            )?;
            load_models(c, &[model_id.to_owned()])?
                .pop()
                .ok_or_else(|| model_not_found(model_id))
        })
    }

    /// Sets (inserts or replaces) tags of a logged model.
    pub fn set_logged_model_tags(&self, model_id: &str, tags: &[Tag]) -> Result<()> {
        for (i, t) in tags.iter().enumerate() {
            limits::validate_tag(t, &format!("tags[{i}]"))?;
        }
        self.write(|c| {
            logged_model_row(c, model_id)?;
            write_model_tags(c, model_id, tags)?;
            touch(c, model_id)
        })
    }

    /// Deletes a tag of a logged model; `RESOURCE_DOES_NOT_EXIST` if it is not set.
    pub fn delete_logged_model_tag(&self, model_id: &str, key: &str) -> Result<()> {
        self.write(|c| {
            logged_model_row(c, model_id)?;
            let n = c.execute(
                "DELETE FROM logged_model_tags WHERE model_id = $1 AND key = $2",
                &[model_id.into(), key.into()],
            )?;
            if n == 0 {
                return Err(Error::not_found(format!(
                    "No tag with key '{key}' found for model with ID '{model_id}'."
                )));
            }
            touch(c, model_id)
        })
    }

    /// Logs params of a logged model; write-once, as for runs.
    pub fn log_logged_model_params(&self, model_id: &str, params: &[Param]) -> Result<()> {
        for (i, p) in params.iter().enumerate() {
            limits::validate_param(p, &format!("params[{i}]"))?;
        }
        self.write(|c| {
            logged_model_row(c, model_id)?;
            write_model_params(c, model_id, params)?;
            touch(c, model_id)
        })
    }

    /// Soft-deletes a logged model (it is no longer found or searched).
    pub fn delete_logged_model(&self, model_id: &str) -> Result<()> {
        self.write(|c| {
            logged_model_row(c, model_id)?;
            c.execute(
                "UPDATE logged_models SET lifecycle_stage = 'deleted', \
                 last_updated_timestamp_ms = $1 WHERE model_id = $2",
                &[Value::Int(now_ms()), model_id.into()],
            )?;
            Ok(())
        })
    }

    /// Searches active logged models of the given experiments (see [`LoggedModelQuery`]).
    pub fn search_logged_models(&self, query: &LoggedModelQuery) -> Result<Page<LoggedModel>> {
        let limit = limits::page_size(query.max_results, 100, limits::MAX_RESULTS_PER_PAGE)?;
        let Some(Parsed {
            offset,
            clauses,
            orders,
            exp_ids,
        }) = parse_search(
            &query.filter,
            &query.order_by,
            &query.experiment_ids,
            query.page_token.as_deref(),
            &filter::LOGGED_MODELS,
        )?
        else {
            return Ok(Page::empty());
        };
        let dialect = self.dialect();
        let mut b = SqlBuilder::new("");
        let joins = String::new();
        let mut order_terms = Vec::new();
        // MLflow's tie-breaks: creation_timestamp DESC unless ordered by it, then model_id ASC
        // unless ordered by it.
        let mut by_creation = false;
        let mut by_model_id = false;
        for (n, o) in orders.iter().enumerate() {
            let dir = if o.ascending { "ASC" } else { "DESC" };
            if o.entity == Entity::Attribute {
                by_creation |= o.key == "creation_timestamp";
                by_model_id |= o.key == "model_id";
            }
            match o.entity {
                Entity::Attribute => {
                    let col = model_attr_column(&o.key);
                    let sort_col = if col.ends_with("_ms") {
                        col.to_owned()
                    } else {
                        text_order(col, dialect)
                    };
                    order_terms.push(format!("({col} IS NULL)"));
                    order_terms.push(format!("{sort_col} {dir}"));
                }
                Entity::Param | Entity::Tag => {
                    return Err(Error::invalid(format!(
                        "Invalid order by field name: {}.{}. Only metrics are supported.",
                        if o.entity == Entity::Param {
                            "params"
                        } else {
                            "tags"
                        },
                        o.key
                    )));
                }
                Entity::Metric => {
                    // MLflow: the model's latest point of that key by (timestamp DESC, step
                    // DESC, run ASC), on the order's dataset if it names one; models without
                    // it (or whose latest is NaN, a NULL in MLflow's table) last.
                    let k = b.bind(o.key.clone().into());
                    let mut on_dataset = String::new();
                    if let Some((name, digest)) = query.order_datasets.get(n) {
                        if let Some(name) = name.as_ref().filter(|s| !s.is_empty()) {
                            let v = b.bind(name.clone().into());
                            on_dataset.push_str(&format!(" AND m.dataset_name = {v}"));
                        }
                        if let Some(digest) = digest.as_ref().filter(|s| !s.is_empty()) {
                            let v = b.bind(digest.clone().into());
                            on_dataset.push_str(&format!(" AND m.dataset_digest = {v}"));
                        }
                    }
                    let latest = format!(
                        "(SELECT CASE WHEN m.is_nan = 1 THEN NULL ELSE m.value END FROM \
                         logged_model_metrics m WHERE m.model_id = lm.model_id AND m.key = {k}\
                         {on_dataset} ORDER BY m.timestamp DESC, m.step DESC, m.run_uuid ASC \
                         LIMIT 1)"
                    );
                    order_terms.push(format!("CASE WHEN {latest} IS NULL THEN 1 ELSE 0 END"));
                    order_terms.push(format!("{latest} {dir}"));
                }
                Entity::Dataset => {
                    return Err(Error::invalid(format!(
                        "Invalid order_by entity for logged models: {}",
                        o.key
                    )));
                }
            }
        }
        let exps: Vec<String> = exp_ids.iter().map(|e| b.bind(Value::Int(*e))).collect();
        let mut wheres = vec![
            format!("lm.experiment_id IN ({})", exps.join(", ")),
            "lm.lifecycle_stage = 'active'".to_owned(),
        ];
        for cl in &clauses {
            let cond = match cl.entity {
                Entity::Attribute => {
                    let col = model_attr_column(&cl.key);
                    if matches!(
                        cl.key.as_str(),
                        "creation_timestamp" | "last_updated_timestamp"
                    ) {
                        number_cond(&mut b, col, cl.op, &cl.value)?
                    } else {
                        string_cond(&mut b, col, cl.op, &cl.value, dialect)?
                    }
                }
                Entity::Metric => {
                    // Any point of the key (on one of the datasets, if given) satisfies it; a
                    // NaN point never does (MLflow's table holds it as NULL).
                    let k = b.bind(cl.key.clone().into());
                    let cond = metric_cond(&mut b, "m", cl.op, &cl.value)?;
                    let on = dataset_cond(&mut b, &query.datasets);
                    format!(
                        "EXISTS (SELECT 1 FROM logged_model_metrics m WHERE m.model_id = \
                         lm.model_id AND m.key = {k} AND m.is_nan = 0 AND {cond}{on})"
                    )
                }
                Entity::Param | Entity::Tag => {
                    let table = if cl.entity == Entity::Param {
                        "logged_model_params"
                    } else {
                        "logged_model_tags"
                    };
                    let k = b.bind(cl.key.clone().into());
                    match cl.op {
                        Op::IsNull => format!(
                            "NOT EXISTS (SELECT 1 FROM {table} p WHERE p.model_id = lm.model_id AND p.key = {k})"
                        ),
                        Op::IsNotNull => format!(
                            "EXISTS (SELECT 1 FROM {table} p WHERE p.model_id = lm.model_id AND p.key = {k})"
                        ),
                        _ => {
                            let cond = string_cond(&mut b, "p.value", cl.op, &cl.value, dialect)?;
                            format!(
                                "EXISTS (SELECT 1 FROM {table} p WHERE p.model_id = lm.model_id \
                                 AND p.key = {k} AND {cond})"
                            )
                        }
                    }
                }
                Entity::Dataset => {
                    return Err(Error::invalid(
                        "Dataset filters are not supported for logged models",
                    ));
                }
            };
            wheres.push(cond);
        }
        // Datasets without a metric clause: models with any metric on one of them.
        if !query.datasets.is_empty() && !clauses.iter().any(|c| c.entity == Entity::Metric) {
            let on = dataset_cond(&mut b, &query.datasets);
            wheres.push(format!(
                "EXISTS (SELECT 1 FROM logged_model_metrics m WHERE m.model_id = lm.model_id{on})"
            ));
        }
        if !by_creation {
            order_terms.push("lm.creation_timestamp_ms DESC".to_owned());
        }
        if !by_model_id {
            order_terms.push(text_order("lm.model_id", dialect) + " ASC");
        }
        let lim = b.bind(Value::Int(limit + 1));
        let off = b.bind(Value::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        b.sql = format!(
            "SELECT lm.model_id FROM logged_models lm{joins} WHERE {} ORDER BY {} LIMIT {lim} OFFSET {off}",
            wheres.join(" AND "),
            order_terms.join(", ")
        );
        self.read(|c| {
            let rows = c.query(&b.sql, &b.params)?;
            let has_more = rows.len() as i64 > limit;
            let ids: Vec<String> = rows
                .iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|r| r.text(0))
                .collect::<Result<_>>()?;
            let items = load_models(c, &ids)?;
            Ok(Page {
                next_page_token: token::next(offset, items.len(), has_more),
                items,
            })
        })
    }
}
