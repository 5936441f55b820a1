//! The model registry: registered models, versions (numbered 1, 2, … per model and never reused,
//! from the `last_version` counter), tags, aliases, MLflow's deprecated stages.

use std::collections::{BTreeMap, HashMap};

use crate::db::{Conn, Row, Value};
use crate::error::{Error, Result};
use crate::filter::{self, Entity, Op};
use crate::limits;
use crate::search::{SqlBuilder, number_cond, order_nulls_last, string_cond, text_order};
use crate::sql::upsert_tags;
use crate::store::{Store, now_ms};
use crate::token;
use crate::types::{ModelVersion, NewModelVersion, Page, RegisteredModel, RegistryQuery, Tag};

/// The tag that marks a registered model as a prompt (MLflow 3.x prompt registry).
const IS_PROMPT_TAG_KEY: &str = "mlflow.prompt.is_prompt";
const STAGES: &[&str] = &["None", "Staging", "Production", "Archived"];
const MV_COLUMNS: &str = "name, version, creation_timestamp, last_updated_timestamp, \
    description, user_id, current_stage, source, run_id, run_link, status, status_message, \
    storage_location, model_id";

/// MLflow's canonical stage name (case-insensitive input).
fn canonical_stage(stage: &str) -> Result<&'static str> {
    STAGES
        .iter()
        .find(|s| s.eq_ignore_ascii_case(stage))
        .copied()
        .ok_or_else(|| {
            Error::invalid(format!(
                "Invalid Model Version stage: {stage}. Value must be one of None, Staging, \
                 Production, Archived."
            ))
        })
}

fn model_not_found(name: &str) -> Error {
    Error::not_found(format!("Registered Model with name={name} not found"))
}

fn version_not_found(name: &str, version: i64) -> Error {
    Error::not_found(format!(
        "Model Version (name={name}, version={version}) not found"
    ))
}

fn validate_model_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid("Registered model name cannot be empty."));
    }
    Ok(())
}

fn validate_alias(alias: &str) -> Result<()> {
    if alias.is_empty() {
        return Err(Error::invalid(
            "Registered model alias name cannot be empty.",
        ));
    }
    if !alias
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(Error::invalid(format!(
            "Invalid alias name: '{alias}'. Names may only contain alphanumerics, underscores \
             (_), and dashes (-)."
        )));
    }
    if alias.chars().count() > limits::MAX_REGISTERED_MODEL_ALIAS_LENGTH {
        return Err(Error::invalid(format!(
            "'Registered model alias name' exceeds the maximum length of {} characters",
            limits::MAX_REGISTERED_MODEL_ALIAS_LENGTH
        )));
    }
    if alias.eq_ignore_ascii_case("latest") {
        return Err(Error::invalid(
            "'latest' alias name (case insensitive) is reserved.",
        ));
    }
    let rest = alias.strip_prefix('v').or_else(|| alias.strip_prefix('V'));
    if rest.is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Error::invalid(format!(
            "Version alias name '{alias}' is reserved."
        )));
    }
    Ok(())
}

fn version_from_row(row: &Row) -> Result<ModelVersion> {
    Ok(ModelVersion {
        name: row.text(0)?,
        version: row.int(1)?,
        creation_timestamp: row.int(2)?,
        last_updated_timestamp: row.int(3)?,
        description: row.opt_text(4)?,
        user_id: row.opt_text(5)?,
        current_stage: row.text(6)?,
        source: row.text(7)?,
        run_id: row.opt_text(8)?,
        run_link: row.opt_text(9)?,
        status: row.text(10)?,
        status_message: row.opt_text(11)?,
        model_id: row.opt_text(13)?,
        tags: Vec::new(),
        aliases: Vec::new(),
    })
}

/// Registered model row exists? Returns `last_version`.
fn model_row(c: &mut dyn Conn, name: &str) -> Result<i64> {
    c.query_opt(
        "SELECT last_version FROM registered_models WHERE name = $1",
        &[name.into()],
    )?
    .map(|r| r.int(0))
    .transpose()?
    .ok_or_else(|| model_not_found(name))
}

fn version_exists(c: &mut dyn Conn, name: &str, version: i64) -> Result<()> {
    c.query_opt(
        "SELECT version FROM model_versions WHERE name = $1 AND version = $2",
        &[name.into(), Value::Int(version)],
    )?
    .map(|_| ())
    .ok_or_else(|| version_not_found(name, version))
}

/// Sets (inserts or replaces) registered-model tags, the last value of a key winning.
fn write_model_tags(c: &mut dyn Conn, name: &str, tags: &[Tag]) -> Result<()> {
    upsert_tags(c, "registered_model_tags", "name", &[name.into()], tags)
}

/// Sets (inserts or replaces) model-version tags, the last value of a key winning.
fn write_version_tags(c: &mut dyn Conn, name: &str, version: i64, tags: &[Tag]) -> Result<()> {
    upsert_tags(
        c,
        "model_version_tags",
        "name, version",
        &[name.into(), Value::Int(version)],
        tags,
    )
}

/// Loads versions (in the order given) with their tags and aliases.
fn load_versions(c: &mut dyn Conn, keys: &[(String, i64)]) -> Result<Vec<ModelVersion>> {
    let mut out = Vec::with_capacity(keys.len());
    let mut names: BTreeMap<&str, ()> = BTreeMap::new();
    for (n, _) in keys {
        names.insert(n, ());
    }
    let mut by_key: HashMap<(String, i64), ModelVersion> = HashMap::new();
    let names: Vec<&str> = names.into_keys().collect();
    for chunk in names.chunks(crate::sql::IN_CHUNK) {
        let params: Vec<Value> = chunk.iter().map(|n| Value::from(*n)).collect();
        let list = crate::sql::placeholders(1, chunk.len());
        for row in c.query(
            &format!("SELECT {MV_COLUMNS} FROM model_versions WHERE name IN ({list})"),
            &params,
        )? {
            let v = version_from_row(&row)?;
            by_key.insert((v.name.clone(), v.version), v);
        }
        for row in c.query(
            &format!(
                "SELECT name, version, key, value FROM model_version_tags WHERE name IN ({list})"
            ),
            &params,
        )? {
            if let Some(v) = by_key.get_mut(&(row.text(0)?, row.int(1)?)) {
                v.tags.push(Tag::new(row.text(2)?, row.text(3)?));
            }
        }
        for row in c.query(
            &format!(
                "SELECT name, version, alias FROM registered_model_aliases WHERE name IN ({list})"
            ),
            &params,
        )? {
            if let Some(v) = by_key.get_mut(&(row.text(0)?, row.int(1)?)) {
                v.aliases.push(row.text(2)?);
            }
        }
    }
    for k in keys {
        if let Some(mut v) = by_key.remove(k) {
            v.tags.sort();
            v.aliases.sort();
            out.push(v);
        }
    }
    Ok(out)
}

fn load_models(c: &mut dyn Conn, names: &[String]) -> Result<Vec<RegisteredModel>> {
    let mut out = Vec::with_capacity(names.len());
    let mut by_name: HashMap<String, RegisteredModel> = HashMap::new();
    for chunk in names.chunks(crate::sql::IN_CHUNK) {
        let params: Vec<Value> = chunk.iter().map(Value::from).collect();
        let list = crate::sql::placeholders(1, chunk.len());
        for row in c.query(
            &format!(
                "SELECT name, creation_timestamp, last_updated_timestamp, description, user_id \
                 FROM registered_models WHERE name IN ({list})"
            ),
            &params,
        )? {
            let m = RegisteredModel {
                name: row.text(0)?,
                creation_timestamp: row.int(1)?,
                last_updated_timestamp: row.int(2)?,
                description: row.opt_text(3)?,
                user_id: row.opt_text(4)?,
                latest_versions: Vec::new(),
                tags: Vec::new(),
                aliases: Vec::new(),
            };
            by_name.insert(m.name.clone(), m);
        }
        for row in c.query(
            &format!("SELECT name, key, value FROM registered_model_tags WHERE name IN ({list})"),
            &params,
        )? {
            if let Some(m) = by_name.get_mut(&row.text(0)?) {
                m.tags.push(Tag::new(row.text(1)?, row.text(2)?));
            }
        }
        for row in c.query(
            &format!(
                "SELECT name, alias, version FROM registered_model_aliases WHERE name IN ({list})"
            ),
            &params,
        )? {
            if let Some(m) = by_name.get_mut(&row.text(0)?) {
                m.aliases.push((row.text(1)?, row.int(2)?));
            }
        }
        // The newest version of each stage.
        let mut latest: Vec<(String, i64)> = Vec::new();
        for row in c.query(
            &format!(
                "SELECT name, current_stage, MAX(version) FROM model_versions WHERE name IN \
                 ({list}) GROUP BY name, current_stage"
            ),
            &params,
        )? {
            latest.push((row.text(0)?, row.int(2)?));
        }
        latest.sort();
        for v in load_versions(c, &latest)? {
            if let Some(m) = by_name.get_mut(&v.name) {
                m.latest_versions.push(v);
            }
        }
    }
    for n in names {
        if let Some(mut m) = by_name.remove(n) {
            m.tags.sort();
            m.aliases.sort();
            out.push(m);
        }
    }
    Ok(out)
}

fn touch_model(c: &mut dyn Conn, name: &str) -> Result<()> {
    c.execute(
        "UPDATE registered_models SET last_updated_timestamp = $1 WHERE name = $2",
        &[Value::Int(now_ms()), name.into()],
    )?;
    Ok(())
}

fn touch_version(c: &mut dyn Conn, name: &str, version: i64) -> Result<()> {
    c.execute(
        "UPDATE model_versions SET last_updated_timestamp = $1 WHERE name = $2 AND version = $3",
        &[Value::Int(now_ms()), name.into(), Value::Int(version)],
    )?;
    Ok(())
}

/// Where a version's files are: a logged model's artifacts for `models:/m-…`, the run's artifact
/// directory for `runs:/<run>/<path>`, otherwise the source itself.
fn storage_location(c: &mut dyn Conn, source: &str) -> Result<String> {
    if let Some(id) = source.strip_prefix("models:/") {
        let id = id.trim_end_matches('/');
        if id.starts_with("m-")
            && let Some(r) = c.query_opt(
                "SELECT artifact_location FROM logged_models WHERE model_id = $1",
                &[id.into()],
            )?
        {
            return r.text(0);
        }
    }
    if let Some(rest) = source.strip_prefix("runs:/") {
        let (run_id, path) = rest.split_once('/').unwrap_or((rest, ""));
        if let Some(r) = c.query_opt(
            "SELECT artifact_uri FROM runs WHERE run_uuid = $1",
            &[run_id.into()],
        )? {
            let base = r.text(0)?;
            return Ok(if path.is_empty() {
                base
            } else {
                format!("{}/{}", base.trim_end_matches('/'), path)
            });
        }
    }
    Ok(source.to_owned())
}

/// The version of a registered model a `models:/` source names, how MLflow's
/// `_parse_model_uri` reads it: `models:/<name>/<version>`, `…/latest`, `…/<stage>`,
/// `models:/<name>@<alias>`. `None` for other sources and for a logged model
/// (`models:/<model_id>`).
enum VersionRef<'a> {
    Number(i64),
    Latest,
    Stage(&'a str),
    Alias(&'a str),
}

fn invalid_source(source: &str) -> Error {
    Error::invalid(format!(
        "Invalid model version source: '{source}'. The model_id request parameter must identify \
         the resource that contains the source."
    ))
}

fn parse_registered_source(source: &str) -> Result<Option<(&str, VersionRef<'_>)>> {
    let Some(rest) = source.strip_prefix("models:") else {
        return Ok(None);
    };
    if rest.starts_with("//") {
        return Err(Error::invalid(format!(
            "Invalid model version source: '{source}'. Registered model sources must use the \
             active model registry."
        )));
    }
    // urlparse: a query ends the path (fragments are not split off for models:/ URIs).
    let path = rest.split('?').next().unwrap_or("");
    let Some(path) = path.strip_prefix('/').filter(|p| !p.is_empty()) else {
        return Err(invalid_source(source));
    };
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 2 || parts[0].trim().is_empty() {
        return Err(invalid_source(source));
    }
    if let [name, suffix] = parts[..] {
        if suffix.trim().is_empty() {
            return Err(invalid_source(source));
        }
        let r = if suffix.bytes().all(|b| b.is_ascii_digit()) {
            VersionRef::Number(suffix.parse().map_err(|_| invalid_source(source))?)
        } else if suffix.eq_ignore_ascii_case("latest") {
            VersionRef::Latest
        } else {
            VersionRef::Stage(suffix)
        };
        return Ok(Some((name, r)));
    }
    match parts[0].rsplit_once('@') {
        Some((_, alias)) if alias.trim().is_empty() => Err(invalid_source(source)),
        Some((name, alias)) => Ok(Some((name, VersionRef::Alias(alias)))),
        None => Ok(None),
    }
}

/// The referenced version for a `models:/<name>/…` source: its number, run id, model id and
/// download location (MLflow's `_resolve_registered_model_source_lineage` and the SQL
/// registry's `storage_location`).
fn resolve_registered_source(
    c: &mut dyn Conn,
    name: &str,
    r: &VersionRef<'_>,
) -> Result<(i64, Option<String>, Option<String>, String)> {
    model_row(c, name)?;
    let version = match r {
        VersionRef::Number(v) => *v,
        VersionRef::Alias(alias) => c
            .query_opt(
                "SELECT version FROM registered_model_aliases WHERE name = $1 AND alias = $2",
                &[name.into(), (*alias).into()],
            )?
            .map(|r| r.int(0))
            .transpose()?
            .ok_or_else(|| Error::invalid(format!("Registered model alias {alias} not found.")))?,
        VersionRef::Latest | VersionRef::Stage(_) => {
            let row = match r {
                VersionRef::Stage(stage) => c.query_opt(
                    "SELECT MAX(version) FROM model_versions WHERE name = $1 AND \
                     current_stage = $2",
                    &[name.into(), canonical_stage(stage)?.into()],
                )?,
                _ => c.query_opt(
                    "SELECT MAX(version) FROM model_versions WHERE name = $1",
                    &[name.into()],
                )?,
            };
            row.and_then(|r| r.opt_int(0).transpose())
                .transpose()?
                .ok_or_else(|| {
                    let stage = match r {
                        VersionRef::Stage(s) => format!(" and stage '{s}'"),
                        _ => String::new(),
                    };
                    Error::not_found(format!(
                        "No versions of model with name '{name}'{stage} found"
                    ))
                })?
        }
    };
    let row = c
        .query_opt(
            "SELECT run_id, storage_location, source FROM model_versions WHERE name = $1 AND \
             version = $2",
            &[name.into(), Value::Int(version)],
        )?
        .ok_or_else(|| version_not_found(name, version))?;
    let location = match row.opt_text(1)? {
        Some(loc) if !loc.is_empty() => loc,
        _ => row.text(2)?,
    };
    // MLflow's SQL registry does not keep a version's model_id (its entity has none), so a
    // referenced version never passes one on, and a model_id given with it must be empty.
    Ok((version, row.opt_text(0)?, None, location))
}

impl Store {
    /// Creates a registered model; `RESOURCE_ALREADY_EXISTS` if the name is taken.
    pub fn create_registered_model(
        &self,
        name: &str,
        tags: &[Tag],
        description: Option<&str>,
    ) -> Result<RegisteredModel> {
        validate_model_name(name)?;
        for t in tags {
            limits::validate_registry_tag(t)?;
        }
        self.write(|c| {
            if c.query_opt(
                "SELECT name FROM registered_models WHERE name = $1",
                &[name.into()],
            )?
            .is_some()
            {
                return Err(Error::exists(format!(
                    "Registered Model (name={name}) already exists."
                )));
            }
            let now = now_ms();
            c.execute(
                "INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, \
                 description, user_id, last_version) VALUES ($1, $2, $2, $3, NULL, 0)",
                &[name.into(), Value::Int(now), description.into()],
            )?;
            write_model_tags(c, name, tags)?;
            load_models(c, &[name.to_owned()])?
                .pop()
                .ok_or_else(|| model_not_found(name))
        })
    }

    /// The registered model with its tags, aliases and latest version per stage.
    pub fn get_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        self.read(|c| {
            load_models(c, &[name.to_owned()])?
                .pop()
                .ok_or_else(|| model_not_found(name))
        })
    }

    /// Renames a registered model, carrying its versions, tags and aliases along.
    pub fn rename_registered_model(&self, name: &str, new_name: &str) -> Result<RegisteredModel> {
        validate_model_name(new_name)?;
        self.write(|c| {
            model_row(c, name)?;
            if name != new_name
                && c.query_opt(
                    "SELECT name FROM registered_models WHERE name = $1",
                    &[new_name.into()],
                )?
                .is_some()
            {
                return Err(Error::exists(format!(
                    "Registered Model (name={new_name}) already exists."
                )));
            }
            for table in [
                "registered_models",
                "registered_model_tags",
                "model_versions",
                "model_version_tags",
                "registered_model_aliases",
            ] {
                c.execute(
                    &format!("UPDATE {table} SET name = $1 WHERE name = $2"),
                    &[new_name.into(), name.into()],
                )?;
            }
            touch_model(c, new_name)?;
            load_models(c, &[new_name.to_owned()])?
                .pop()
                .ok_or_else(|| model_not_found(new_name))
        })
    }

    /// Sets the description (MLflow `UpdateRegisteredModel`).
    pub fn update_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
    ) -> Result<RegisteredModel> {
        self.write(|c| {
            model_row(c, name)?;
            c.execute(
                "UPDATE registered_models SET description = $1, last_updated_timestamp = $2 \
                 WHERE name = $3",
                &[description.into(), Value::Int(now_ms()), name.into()],
            )?;
            load_models(c, &[name.to_owned()])?
                .pop()
                .ok_or_else(|| model_not_found(name))
        })
    }

    /// Deletes the model with its versions, tags and aliases.
    pub fn delete_registered_model(&self, name: &str) -> Result<()> {
        self.write(|c| {
            model_row(c, name)?;
            for table in [
                "registered_model_aliases",
                "model_version_tags",
                "model_versions",
                "registered_model_tags",
                "registered_models",
            ] {
                c.execute(
                    &format!("DELETE FROM {table} WHERE name = $1"),
                    &[name.into()],
                )?;
            }
            Ok(())
        })
    }

    /// MLflow `SearchRegisteredModels`: filter on `name` and `tags.*`, order by `name`,
    /// `creation_timestamp` (or `timestamp`), `last_updated_timestamp`; default `name ASC`;
    /// `max_results` default 100, at most 1000.
    pub fn search_registered_models(&self, query: &RegistryQuery) -> Result<Page<RegisteredModel>> {
        let limit = limits::page_size(query.max_results, 100, 1000)?;
        let offset = token::decode(query.page_token.as_deref())?;
        let clauses = filter::parse(&query.filter, &filter::REGISTERED_MODELS)?;
        let dialect = self.dialect();
        let mut b = SqlBuilder::new("");
        let mut wheres = vec!["1 = 1".to_owned()];
        for cl in &clauses {
            wheres.push(match cl.entity {
                Entity::Attribute => string_cond(&mut b, "rm.name", cl.op, &cl.value, dialect)?,
                Entity::Tag => tag_exists(
                    &mut b,
                    "registered_model_tags t WHERE t.name = rm.name",
                    cl,
                    dialect,
                )?,
                _ => return Err(Error::invalid("Invalid registered model filter")),
            });
        }
        limits::order_by_keys(query.order_by.len())?;
        let mut orders = Vec::new();
        let mut has_name = false;
        for o in &query.order_by {
            let (key, asc) = parse_registry_order(o)?;
            let col = match key.as_str() {
                "name" => {
                    has_name = true;
                    text_order("rm.name", dialect)
                }
                "creation_timestamp" | "timestamp" => "rm.creation_timestamp".to_owned(),
                "last_updated_timestamp" => "rm.last_updated_timestamp".to_owned(),
                other => {
                    return Err(Error::invalid(format!(
                        "Invalid order by key '{other}' specified. Valid keys are 'name', \
                         'timestamp', 'last_updated_timestamp'"
                    )));
                }
            };
            orders.push(order_nulls_last(&col, asc));
        }
        if !has_name {
            orders.push(text_order("rm.name", dialect) + " ASC");
        }
        let lim = b.bind(Value::Int(limit + 1));
        let off = b.bind(Value::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT rm.name FROM registered_models rm WHERE {} ORDER BY {} LIMIT {lim} OFFSET {off}",
            wheres.join(" AND "),
            orders.join(", ")
        );
        self.read(|c| {
            let rows = c.query(&sql, &b.params)?;
            let has_more = rows.len() as i64 > limit;
            let names: Vec<String> = rows
                .iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|r| r.text(0))
                .collect::<Result<_>>()?;
            let items = load_models(c, &names)?;
            Ok(Page {
                next_page_token: token::next(offset, items.len(), has_more),
                items,
            })
        })
    }

    /// Sets (inserts or replaces) a registered-model tag.
    pub fn set_registered_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        limits::validate_registry_tag(&Tag::new(key, value))?;
        self.write(|c| {
            model_row(c, name)?;
            write_model_tags(c, name, &[Tag::new(key, value)])?;
            touch_model(c, name)
        })
    }

    /// Deletes a registered-model tag (deleting a tag that is not set is not an error, as in
    /// MLflow's SQL store).
    pub fn delete_registered_model_tag(&self, name: &str, key: &str) -> Result<()> {
        self.write(|c| {
            model_row(c, name)?;
            c.execute(
                "DELETE FROM registered_model_tags WHERE name = $1 AND key = $2",
                &[name.into(), key.into()],
            )?;
            Ok(())
        })
    }

    /// The newest version per stage, for the given stages (all stages when `stages` is empty),
    /// ordered by version.
    pub fn get_latest_versions(&self, name: &str, stages: &[String]) -> Result<Vec<ModelVersion>> {
        let wanted: Vec<&str> = if stages.is_empty() {
            STAGES.to_vec()
        } else {
            stages
                .iter()
                .map(|s| canonical_stage(s))
                .collect::<Result<_>>()?
        };
        self.read(|c| {
            let model = load_models(c, &[name.to_owned()])?
                .pop()
                .ok_or_else(|| model_not_found(name))?;
            let mut out: Vec<ModelVersion> = model
                .latest_versions
                .into_iter()
                .filter(|v| wanted.contains(&v.current_stage.as_str()))
                .collect();
            out.sort_by_key(|v| v.version);
            Ok(out)
        })
    }

    /// Creates version `last + 1` of an existing registered model (status READY, stage None).
    pub fn create_model_version(&self, new: &NewModelVersion) -> Result<ModelVersion> {
        validate_model_name(&new.name)?;
        for t in &new.tags {
            limits::validate_registry_tag(t)?;
        }
        self.write(|c| {
            let now = now_ms();
            // An atomic increment under the row lock: concurrent creators get distinct numbers.
            let version = c
                .query_opt(
                    "UPDATE registered_models SET last_version = last_version + 1, \
                     last_updated_timestamp = $1 WHERE name = $2 RETURNING last_version",
                    &[Value::Int(now), (&new.name).into()],
                )?
                .ok_or_else(|| model_not_found(&new.name))?
                .int(0)?;
            // A registered version as the source (the copy-model-version flow): MLflow keeps
            // `models:/<name>/<number>`, inherits its run and logged model, and downloads from
            // where it does.
            let (mut source, mut run_id, mut model_id) =
                (new.source.clone(), new.run_id.clone(), new.model_id.clone());
            let location = match parse_registered_source(&new.source)? {
                Some((src_name, r)) => {
                    let (v, src_run, src_model, loc) = resolve_registered_source(c, src_name, &r)?;
                    let differs = |given: &Option<String>, theirs: &Option<String>| {
                        given
                            .as_deref()
                            .is_some_and(|g| g != theirs.as_deref().unwrap_or(""))
                    };
                    if differs(&run_id, &src_run) || differs(&model_id, &src_model) {
                        return Err(Error::invalid(format!(
                            "Invalid model version source: '{}'. The run_id and model_id \
                             request parameters must match the referenced model version.",
                            new.source
                        )));
                    }
                    source = format!("models:/{src_name}/{v}");
                    run_id = run_id.or(src_run);
                    model_id = model_id.or(src_model);
                    loc
                }
                None => storage_location(c, &new.source)?,
            };
            // Without a run_id, the version takes the logged model's source run (the model of
            // a `models:/<model_id>` source, else of `model_id`), as MLflow's SQL registry.
            if run_id.is_none() {
                let from_source = new
                    .source
                    .strip_prefix("models:/")
                    .map(|id| id.trim_end_matches('/'))
                    .filter(|id| !id.is_empty() && !id.contains('/') && !id.contains('@'));
                if let Some(id) = from_source.or(model_id.as_deref()) {
                    run_id = c
                        .query_opt(
                            "SELECT source_run_id FROM logged_models WHERE model_id = $1",
                            &[id.into()],
                        )?
                        .map(|r| r.opt_text(0))
                        .transpose()?
                        .flatten()
                        .filter(|r| !r.is_empty());
                }
            }
            c.execute(
                &format!(
                    "INSERT INTO model_versions ({MV_COLUMNS}) VALUES ($1, $2, $3, $3, $4, $5, \
                     'None', $6, $7, $8, 'READY', NULL, $9, $10)"
                ),
                &[
                    (&new.name).into(),
                    Value::Int(version),
                    Value::Int(now),
                    new.description.as_ref().into(),
                    new.user_id.as_ref().into(),
                    (&source).into(),
                    run_id.as_ref().into(),
                    new.run_link.as_ref().into(),
                    location.into(),
                    model_id.as_ref().into(),
                ],
            )?;
            // MLflow's handler then lists the version on the logged model.
            if let Some(mid) = model_id.as_deref() {
                crate::models::link_model_version(c, mid, &new.name, version)?;
            }
            write_version_tags(c, &new.name, version, &new.tags)?;
            load_versions(c, &[(new.name.clone(), version)])?
                .pop()
                .ok_or_else(|| version_not_found(&new.name, version))
        })
    }

    /// One version with its tags and aliases.
    pub fn get_model_version(&self, name: &str, version: i64) -> Result<ModelVersion> {
        self.read(|c| {
            load_versions(c, &[(name.to_owned(), version)])?
                .pop()
                .ok_or_else(|| version_not_found(name, version))
        })
    }

    /// Sets the description of a version.
    pub fn update_model_version(
        &self,
        name: &str,
        version: i64,
        description: Option<&str>,
    ) -> Result<ModelVersion> {
        self.write(|c| {
            version_exists(c, name, version)?;
            c.execute(
                "UPDATE model_versions SET description = $1, last_updated_timestamp = $2 \
                 WHERE name = $3 AND version = $4",
                &[
                    description.into(),
                    Value::Int(now_ms()),
                    name.into(),
                    Value::Int(version),
                ],
            )?;
            load_versions(c, &[(name.to_owned(), version)])?
                .pop()
                .ok_or_else(|| version_not_found(name, version))
        })
    }

    /// MLflow's deprecated stages: `None`, `Staging`, `Production`, `Archived` (any case).
    /// With `archive_existing_versions`, other versions in the target stage (Staging or
    /// Production) move to Archived.
    pub fn transition_model_version_stage(
        &self,
        name: &str,
        version: i64,
        stage: &str,
        archive_existing_versions: bool,
    ) -> Result<ModelVersion> {
        let stage = canonical_stage(stage)?;
        if archive_existing_versions && !matches!(stage, "Staging" | "Production") {
            return Err(Error::invalid(format!(
                "Model version transition cannot archive existing model versions because '{stage}' \
                 is not an Active stage. Valid stages are Staging, Production"
            )));
        }
        self.write(|c| {
            version_exists(c, name, version)?;
            let now = now_ms();
            if archive_existing_versions {
                c.execute(
                    "UPDATE model_versions SET current_stage = 'Archived', \
                     last_updated_timestamp = $1 WHERE name = $2 AND current_stage = $3 \
                     AND version != $4",
                    &[
                        Value::Int(now),
                        name.into(),
                        stage.into(),
                        Value::Int(version),
                    ],
                )?;
            }
            c.execute(
                "UPDATE model_versions SET current_stage = $1, last_updated_timestamp = $2 \
                 WHERE name = $3 AND version = $4",
                &[
                    stage.into(),
                    Value::Int(now),
                    name.into(),
                    Value::Int(version),
                ],
            )?;
            touch_model(c, name)?;
            load_versions(c, &[(name.to_owned(), version)])?
                .pop()
                .ok_or_else(|| version_not_found(name, version))
        })
    }

    /// Deletes a version (its number is never reused) with its tags and aliases.
    pub fn delete_model_version(&self, name: &str, version: i64) -> Result<()> {
        self.write(|c| {
            version_exists(c, name, version)?;
            for table in [
                "registered_model_aliases",
                "model_version_tags",
                "model_versions",
            ] {
                c.execute(
                    &format!("DELETE FROM {table} WHERE name = $1 AND version = $2"),
                    &[name.into(), Value::Int(version)],
                )?;
            }
            touch_model(c, name)
        })
    }

    /// MLflow `SearchModelVersions`: filter on `name`, `version_number`, `run_id` (also `IN`),
    /// `source_path`, `tags.*`; default order `last_updated_timestamp DESC, name ASC,
    /// version_number DESC`; `max_results` default 10000, at most 200000.
    pub fn search_model_versions(&self, query: &RegistryQuery) -> Result<Page<ModelVersion>> {
        let limit = limits::page_size(query.max_results, 10000, 200_000)?;
        let offset = token::decode(query.page_token.as_deref())?;
        let clauses = filter::parse(&query.filter, &filter::MODEL_VERSIONS)?;
        let dialect = self.dialect();
        let mut b = SqlBuilder::new("");
        let mut wheres = vec!["1 = 1".to_owned()];
        for cl in &clauses {
            wheres.push(match (cl.entity, cl.key.as_str()) {
                (Entity::Attribute, "version_number") => {
                    number_cond(&mut b, "mv.version", cl.op, &cl.value)?
                }
                (Entity::Attribute, "run_id") => {
                    string_cond(&mut b, "mv.run_id", cl.op, &cl.value, dialect)?
                }
                (Entity::Attribute, "source_path") => {
                    string_cond(&mut b, "mv.source", cl.op, &cl.value, dialect)?
                }
                (Entity::Attribute, _) => {
                    string_cond(&mut b, "mv.name", cl.op, &cl.value, dialect)?
                }
                (Entity::Tag, _) => tag_exists(
                    &mut b,
                    "model_version_tags t WHERE t.name = mv.name AND t.version = mv.version",
                    cl,
                    dialect,
                )?,
                _ => return Err(Error::invalid("Invalid model version filter")),
            });
        }
        limits::order_by_keys(query.order_by.len())?;
        let mut orders = Vec::new();
        for o in &query.order_by {
            let (key, asc) = parse_registry_order(o)?;
            let col = match key.as_str() {
                "name" => text_order("mv.name", dialect),
                "version_number" => "mv.version".to_owned(),
                "creation_timestamp" | "timestamp" => "mv.creation_timestamp".to_owned(),
                "last_updated_timestamp" => "mv.last_updated_timestamp".to_owned(),
                other => {
                    return Err(Error::invalid(format!(
                        "Invalid order by key '{other}' specified. Valid keys are 'name', \
                         'version_number', 'timestamp', 'last_updated_timestamp'"
                    )));
                }
            };
            orders.push(order_nulls_last(&col, asc));
        }
        if orders.is_empty() {
            orders.push("mv.last_updated_timestamp DESC".to_owned());
        }
        orders.push(text_order("mv.name", dialect) + " ASC");
        orders.push("mv.version DESC".to_owned());
        let lim = b.bind(Value::Int(limit + 1));
        let off = b.bind(Value::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        let sql = format!(
            "SELECT mv.name, mv.version FROM model_versions mv WHERE {} ORDER BY {} LIMIT {lim} \
             OFFSET {off}",
            wheres.join(" AND "),
            orders.join(", ")
        );
        self.read(|c| {
            let rows = c.query(&sql, &b.params)?;
            let has_more = rows.len() as i64 > limit;
            let keys: Vec<(String, i64)> = rows
                .iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|r| Ok((r.text(0)?, r.int(1)?)))
                .collect::<Result<_>>()?;
            let items = load_versions(c, &keys)?;
            Ok(Page {
                next_page_token: token::next(offset, items.len(), has_more),
                items,
            })
        })
    }

    /// Sets (inserts or replaces) a model-version tag.
    pub fn set_model_version_tag(
        &self,
        name: &str,
        version: i64,
        key: &str,
        value: &str,
    ) -> Result<()> {
        limits::validate_registry_tag(&Tag::new(key, value))?;
        self.write(|c| {
            version_exists(c, name, version)?;
            write_version_tags(c, name, version, &[Tag::new(key, value)])?;
            touch_version(c, name, version)
        })
    }

    /// Deletes a model-version tag (not an error if it is not set).
    pub fn delete_model_version_tag(&self, name: &str, version: i64, key: &str) -> Result<()> {
        self.write(|c| {
            version_exists(c, name, version)?;
            c.execute(
                "DELETE FROM model_version_tags WHERE name = $1 AND version = $2 AND key = $3",
                &[name.into(), Value::Int(version), key.into()],
            )?;
            Ok(())
        })
    }

    /// Points `alias` at `version` (moving it if it pointed elsewhere).
    pub fn set_registered_model_alias(&self, name: &str, alias: &str, version: i64) -> Result<()> {
        validate_alias(alias)?;
        self.write(|c| {
            model_row(c, name)?;
            version_exists(c, name, version)?;
            c.execute(
                "INSERT INTO registered_model_aliases (name, alias, version) VALUES ($1, $2, $3) \
                 ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
                &[name.into(), alias.into(), Value::Int(version)],
            )?;
            touch_model(c, name)
        })
    }

    /// Removes an alias (not an error if it is not set).
    pub fn delete_registered_model_alias(&self, name: &str, alias: &str) -> Result<()> {
        self.write(|c| {
            model_row(c, name)?;
            c.execute(
                "DELETE FROM registered_model_aliases WHERE name = $1 AND alias = $2",
                &[name.into(), alias.into()],
            )?;
            touch_model(c, name)
        })
    }

    /// The version an alias points at. An unknown alias is `INVALID_PARAMETER_VALUE`, as in
    /// MLflow ("Registered model alias … not found.").
    pub fn get_model_version_by_alias(&self, name: &str, alias: &str) -> Result<ModelVersion> {
        self.read(|c| {
            model_row(c, name)?;
            let version = c
                .query_opt(
                    "SELECT version FROM registered_model_aliases WHERE name = $1 AND alias = $2",
                    &[name.into(), alias.into()],
                )?
                .map(|r| r.int(0))
                .transpose()?
                .ok_or_else(|| {
                    Error::invalid(format!("Registered model alias {alias} not found."))
                })?;
            load_versions(c, &[(name.to_owned(), version)])?
                .pop()
                .ok_or_else(|| version_not_found(name, version))
        })
    }

    /// Where the version's files are: its storage location (the logged model's or run's
    /// artifact location the source resolved to at creation), else its source.
    pub fn get_model_version_download_uri(&self, name: &str, version: i64) -> Result<String> {
        self.read(|c| {
            let row = c
                .query_opt(
                    "SELECT storage_location, source FROM model_versions WHERE name = $1 AND \
                     version = $2",
                    &[name.into(), Value::Int(version)],
                )?
                .ok_or_else(|| version_not_found(name, version))?;
            match row.opt_text(0)? {
                Some(loc) if !loc.is_empty() => Ok(loc),
                _ => row.text(1),
            }
        })
    }
}

/// A tag clause as `EXISTS (SELECT 1 FROM <from_where> AND t.key = … AND <cond>)`.
fn tag_exists(
    b: &mut SqlBuilder,
    from_where: &str,
    cl: &crate::filter::Clause,
    dialect: crate::db::Dialect,
) -> Result<String> {
    let k = b.bind(cl.key.clone().into());
    // MLflow's special case (search_utils.py, SearchModelUtils/SearchModelVersionUtils): models
    // without the prompt tag match `tags.`mlflow.prompt.is_prompt` != 'true'` and `= 'false'` —
    // the client adds the first to every search_registered_models call to leave prompts out.
    let untagged_matches = cl.key == IS_PROMPT_TAG_KEY
        && match (cl.op, &cl.value) {
            (Op::Ne, crate::filter::Lit::Str(v)) => v == "true",
            (Op::Eq, crate::filter::Lit::Str(v)) => v == "false",
            _ => false,
        };
    Ok(match cl.op {
        Op::IsNull => format!("NOT EXISTS (SELECT 1 FROM {from_where} AND t.key = {k})"),
        Op::IsNotNull => format!("EXISTS (SELECT 1 FROM {from_where} AND t.key = {k})"),
        _ => {
            let cond = string_cond(b, "t.value", cl.op, &cl.value, dialect)?;
            let tagged = format!("EXISTS (SELECT 1 FROM {from_where} AND t.key = {k} AND {cond})");
            if untagged_matches {
                format!("(NOT EXISTS (SELECT 1 FROM {from_where} AND t.key = {k}) OR {tagged})")
            } else {
                tagged
            }
        }
    })
}

/// `"<key> [ASC|DESC]"` for the registry searches.
fn parse_registry_order(s: &str) -> Result<(String, bool)> {
    let mut parts = s.split_whitespace();
    let key = parts.next().ok_or_else(|| {
        Error::invalid(format!(
            "Invalid order_by clause '{s}'. Could not be parsed."
        ))
    })?;
    let asc = match parts.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => true,
        Some("desc") => false,
        Some(_) => {
            return Err(Error::invalid(format!(
                "Invalid ordering key in order_by clause '{s}'."
            )));
        }
    };
    if parts.next().is_some() {
        return Err(Error::invalid(format!(
            "Invalid order_by clause '{s}'. Could not be parsed."
        )));
    }
    Ok((key.trim_matches('`').to_owned(), asc))
}
