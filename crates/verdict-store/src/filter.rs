//! MLflow's search filter grammar (`mlflow/utils/search_utils.py::SearchUtils`, docs/design/mlflow.md §1.6),
//! hand-written instead of going through a SQL tokenizer.
//!
//! A filter is a conjunction: `clause (AND clause)*` (a stray `AND` at either end is ignored, as
//! MLflow's `sqlparse`-based parser does). A clause is `identifier comparator value`,
//! `identifier IS [NOT] NULL`, or `identifier [NOT] IN ('a', 'b')`. Identifiers are
//! `<type>.<key>` with the types of [`Entity`] and their aliases, or a bare attribute name; a key
//! may be quoted with backticks or double quotes. Values are single- or double-quoted strings
//! (taken verbatim between the quotes, as MLflow does: no unescaping) or numbers
//! (`-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?`).
//!
//! Checking happens in MLflow's order, so the first error reported is the one MLflow reports:
//! first the shape of the whole string (tokens that are not part of a clause or an `AND` are
//! listed in "Invalid clause(s) in filter string: …"), then identifier and value type per clause,
//! then the comparator per clause.
//!
//! `python/make_store_filter_fixtures.py` runs the same filters through MLflow 3.17.2's parser;
//! the conformance suite checks that both accept and refuse the same ones.

use crate::error::{Error, Result};

/// The kind of thing an identifier names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entity {
    Metric,
    Param,
    Tag,
    Attribute,
    Dataset,
}

impl Entity {
    /// MLflow's canonical name (used in its messages).
    fn mlflow_name(self) -> &'static str {
        match self {
            Entity::Metric => "metric",
            Entity::Param => "parameter",
            Entity::Tag => "tag",
            Entity::Attribute => "attribute",
            Entity::Dataset => "dataset",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Like,
    ILike,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

impl Op {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Like => "LIKE",
            Op::ILike => "ILIKE",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
            Op::IsNull => "IS NULL",
            Op::IsNotNull => "IS NOT NULL",
        }
    }

    fn parse(upper: &str) -> Option<Op> {
        Some(match upper {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "<" => Op::Lt,
            "<=" => Op::Le,
            "LIKE" => Op::Like,
            "ILIKE" => Op::ILike,
            "IN" => Op::In,
            "NOT IN" => Op::NotIn,
            "IS NULL" => Op::IsNull,
            "IS NOT NULL" => Op::IsNotNull,
            _ => return None,
        })
    }
}

/// A clause's right-hand side.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lit {
    Num(f64),
    Str(String),
    List(Vec<String>),
    None,
}

/// One parsed and checked clause.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Clause {
    pub(crate) entity: Entity,
    /// The key with quotes removed; attribute aliases (`created`, `run name`) already resolved.
    pub(crate) key: String,
    pub(crate) op: Op,
    pub(crate) value: Lit,
}

/// What a search accepts: its attributes and which entity types it knows.
pub(crate) struct Grammar {
    pub(crate) string_attrs: &'static [&'static str],
    pub(crate) numeric_attrs: &'static [&'static str],
    /// Attributes that accept `IN` / `NOT IN`.
    pub(crate) list_attrs: &'static [&'static str],
    /// `(alias, attribute)`.
    pub(crate) aliases: &'static [(&'static str, &'static str)],
    pub(crate) metrics: bool,
    pub(crate) params: bool,
    pub(crate) tags: bool,
    pub(crate) datasets: bool,
    /// Comparators for string attributes.
    pub(crate) string_ops: &'static [Op],
    /// MLflow's `SearchExperimentsUtils` (and the registry's `SearchModelUtils`,
    /// `SearchModelVersionUtils`) word three messages their own way (invalid clauses unquoted,
    /// the entity-type list, IS NULL on attributes); `true` copies that wording.
    pub(crate) experiment_messages: bool,
    /// MLflow's SQL store parses logged-model filters with its own rules
    /// (`mlflow/utils/search_logged_model_utils.py`): only the entity prefixes `attributes.`,
    /// `metrics.`, `params.`, `tags.`; numeric keys take `< <= > >= = !=`, the others
    /// `= != LIKE ILIKE IN NOT IN`, checked before the value; no `IS NULL`; its own messages.
    pub(crate) logged_model_rules: bool,
}

const METRIC_OPS: &[Op] = &[Op::Gt, Op::Ge, Op::Ne, Op::Eq, Op::Lt, Op::Le];
const PARAM_TAG_OPS: &[Op] = &[
    Op::Ne,
    Op::Eq,
    Op::Like,
    Op::ILike,
    Op::IsNull,
    Op::IsNotNull,
];
const STRING_ATTR_OPS: &[Op] = &[Op::Ne, Op::Eq, Op::Like, Op::ILike, Op::In, Op::NotIn];

/// `search_runs`.
pub(crate) const RUNS: Grammar = Grammar {
    string_attrs: &["run_id", "run_name", "status", "user_id", "artifact_uri"],
    numeric_attrs: &["start_time", "end_time"],
    list_attrs: &["run_id"],
    aliases: &[
        ("created", "start_time"),
        ("Created", "start_time"),
        ("run name", "run_name"),
        ("Run name", "run_name"),
        ("Run Name", "run_name"),
    ],
    metrics: true,
    params: true,
    tags: true,
    datasets: true,
    string_ops: STRING_ATTR_OPS,
    experiment_messages: false,
    logged_model_rules: false,
};

/// `search_experiments` (`SearchExperimentsUtils`).
pub(crate) const EXPERIMENTS: Grammar = Grammar {
    string_attrs: &["name", "experiment_id"],
    numeric_attrs: &["creation_time", "last_update_time"],
    list_attrs: &["experiment_id"],
    aliases: &[],
    metrics: false,
    params: false,
    tags: true,
    datasets: false,
    string_ops: STRING_ATTR_OPS,
    experiment_messages: true,
    logged_model_rules: false,
};

/// `search_logged_models`.
pub(crate) const LOGGED_MODELS: Grammar = Grammar {
    string_attrs: &["name", "model_id", "model_type", "status", "source_run_id"],
    numeric_attrs: &["creation_timestamp", "last_updated_timestamp"],
    list_attrs: &["model_id", "name"],
    aliases: &[
        ("creation_time", "creation_timestamp"),
        ("last_updated_time", "last_updated_timestamp"),
    ],
    metrics: true,
    params: true,
    tags: true,
    datasets: false,
    string_ops: STRING_ATTR_OPS,
    experiment_messages: false,
    logged_model_rules: true,
};

/// `search_registered_models` (`SearchModelUtils`).
pub(crate) const REGISTERED_MODELS: Grammar = Grammar {
    string_attrs: &["name"],
    numeric_attrs: &[],
    list_attrs: &["name"],
    aliases: &[],
    metrics: false,
    params: false,
    tags: true,
    datasets: false,
    string_ops: STRING_ATTR_OPS,
    experiment_messages: true,
    logged_model_rules: false,
};

/// `search_model_versions` (`SearchModelVersionUtils`).
pub(crate) const MODEL_VERSIONS: Grammar = Grammar {
    string_attrs: &["name", "run_id", "source_path"],
    numeric_attrs: &["version_number"],
    list_attrs: &["run_id", "name"],
    aliases: &[],
    metrics: false,
    params: false,
    tags: true,
    datasets: false,
    string_ops: STRING_ATTR_OPS,
    experiment_messages: true,
    logged_model_rules: false,
};

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A bare or dotted identifier, possibly with quoted parts (raw text).
    Ident(String),
    /// A double-quoted symbol (MLflow accepts it as a string value).
    Quoted(String),
    /// A single-quoted string (raw text, quotes included).
    Str(String),
    Num(String),
    /// A run of `<>=!~`.
    Cmp(String),
    /// A keyword, as typed.
    Kw(String),
    /// A parenthesised group (raw text).
    Paren(String),
    /// `;`.
    Semi,
    /// Anything else (raw).
    Other(String),
}

impl Tok {
    fn raw(&self) -> &str {
        match self {
            Tok::Ident(s)
            | Tok::Quoted(s)
            | Tok::Str(s)
            | Tok::Num(s)
            | Tok::Cmp(s)
            | Tok::Kw(s)
            | Tok::Paren(s)
            | Tok::Other(s) => s,
            Tok::Semi => ";",
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Kw(s) if s.eq_ignore_ascii_case(kw))
    }
}

const KEYWORDS: &[&str] = &[
    "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "BETWEEN",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Reads a quoted run starting at `i` (the opening quote); returns the index after the closing
/// quote. A doubled quote or a backslash-escaped quote stays inside the run.
fn quoted_end(chars: &[char], i: usize) -> Option<usize> {
    let q = chars[i];
    let mut j = i + 1;
    while j < chars.len() {
        let c = chars[j];
        if c == '\\' && q != '`' {
            j += 2;
            continue;
        }
        if c == q {
            if chars.get(j + 1) == Some(&q) && q == '\'' {
                j += 2;
                continue;
            }
            return Some(j + 1);
        }
        j += 1;
    }
    None
}

fn number_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'-') {
        j += 1;
    }
    let start_digits = j;
    while chars.get(j).is_some_and(char::is_ascii_digit) {
        j += 1;
    }
    let int_digits = j - start_digits;
    if chars.get(j) == Some(&'.') {
        let k = j + 1;
        let mut m = k;
        while chars.get(m).is_some_and(char::is_ascii_digit) {
            m += 1;
        }
        if int_digits == 0 && m == k {
            return None;
        }
        j = m;
    } else if int_digits == 0 {
        return None;
    }
    if matches!(chars.get(j), Some('e' | 'E')) {
        let mut k = j + 1;
        if matches!(chars.get(k), Some('-' | '+')) {
            k += 1;
        }
        let digits = k;
        while chars.get(k).is_some_and(char::is_ascii_digit) {
            k += 1;
        }
        if k > digits {
            j = k;
        }
    }
    // A number glued to letters (`1abc`) is not a number.
    if chars.get(j).is_some_and(|c| c.is_alphabetic() || *c == '_') {
        return None;
    }
    Some(j)
}

fn tokenize(s: &str) -> Result<Vec<Tok>> {
    let chars: Vec<char> = s.chars().collect();
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let unparsable = || Error::invalid(format!("Error on parsing filter '{s}'"));
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '\'' {
            let end = quoted_end(&chars, i).ok_or_else(unparsable)?;
            out.push(Tok::Str(text(i, end)));
            i = end;
            continue;
        }
        if c == '(' {
            let mut depth = 0usize;
            let mut j = i;
            let mut end = None;
            while j < chars.len() {
                match chars[j] {
                    '\'' | '"' | '`' => {
                        j = quoted_end(&chars, j).ok_or_else(unparsable)?;
                        continue;
                    }
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j + 1);
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            let end = end.ok_or_else(unparsable)?;
            out.push(Tok::Paren(text(i, end)));
            i = end;
            continue;
        }
        if c == ';' {
            out.push(Tok::Semi);
            i += 1;
            continue;
        }
        if "<>=!~".contains(c) {
            let mut j = i;
            while j < chars.len() && "<>=!~".contains(chars[j]) {
                j += 1;
            }
            out.push(Tok::Cmp(text(i, j)));
            i = j;
            continue;
        }
        if (c.is_ascii_digit() || c == '-' || c == '.')
            && let Some(end) = number_end(&chars, i)
        {
            out.push(Tok::Num(text(i, end)));
            i = end;
            continue;
        }
        if is_word_char(c) || c == '`' || c == '"' {
            // An identifier: parts joined by dots, each a word or a quoted run.
            let mut j = i;
            loop {
                if j < chars.len() && (chars[j] == '`' || chars[j] == '"') {
                    j = quoted_end(&chars, j).ok_or_else(unparsable)?;
                } else {
                    while j < chars.len() && is_word_char(chars[j]) {
                        j += 1;
                    }
                }
                let continues = chars.get(j) == Some(&'.')
                    && chars
                        .get(j + 1)
                        .is_some_and(|c| is_word_char(*c) || *c == '`' || *c == '"');
                if continues {
                    j += 1;
                } else {
                    break;
                }
            }
            let word = text(i, j);
            if c == '"' && !word.contains('.') {
                out.push(Tok::Quoted(word));
            } else if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&word)) {
                out.push(Tok::Kw(word));
            } else {
                out.push(Tok::Ident(word));
            }
            i = j.max(i + 1);
            continue;
        }
        out.push(Tok::Other(c.to_string()));
        i += 1;
    }
    Ok(out)
}

/// A clause as written, before any type checking.
struct RawClause {
    ident: String,
    /// Comparator as typed (`like`, `NOT IN`, …).
    op: String,
    value: Option<Tok>,
}

fn is_identifier(t: &Tok) -> bool {
    matches!(t, Tok::Ident(_) | Tok::Quoted(_))
}

fn is_value(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Str(_) | Tok::Num(_) | Tok::Ident(_) | Tok::Quoted(_)
    )
}

/// Groups tokens into clauses as sqlparse does; everything else but `AND` is an invalid clause.
fn group(filter: &str, toks: &[Tok], g: &Grammar) -> Result<Vec<RawClause>> {
    if let Some(pos) = toks.iter().position(|t| *t == Tok::Semi)
        && pos + 1 < toks.len()
    {
        return Err(Error::invalid(format!(
            "Search filter contained multiple expression '{filter}'. Provide AND-ed \
                 expression list."
        )));
    }
    let mut clauses = Vec::new();
    let mut invalid: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_kw("AND") {
            i += 1;
            continue;
        }
        if is_identifier(t) {
            let ident = t.raw().to_owned();
            let next = toks.get(i + 1);
            let next2 = toks.get(i + 2);
            let next3 = toks.get(i + 3);
            match (next, next2, next3) {
                (Some(n), Some(v), _) if matches!(n, Tok::Cmp(_)) && is_value(v) => {
                    clauses.push(RawClause {
                        ident,
                        op: n.raw().to_owned(),
                        value: Some(v.clone()),
                    });
                    i += 3;
                    continue;
                }
                (Some(n), Some(v), _) if (n.is_kw("LIKE") || n.is_kw("ILIKE")) && is_value(v) => {
                    clauses.push(RawClause {
                        ident,
                        op: n.raw().to_owned(),
                        value: Some(v.clone()),
                    });
                    i += 3;
                    continue;
                }
                (Some(n), Some(p @ Tok::Paren(_)), _) if n.is_kw("IN") => {
                    clauses.push(RawClause {
                        ident,
                        op: n.raw().to_owned(),
                        value: Some(p.clone()),
                    });
                    i += 3;
                    continue;
                }
                (Some(n), Some(m), _) if n.is_kw("IS") && m.is_kw("NULL") => {
                    clauses.push(RawClause {
                        ident,
                        op: "IS NULL".to_owned(),
                        value: None,
                    });
                    i += 3;
                    continue;
                }
                (Some(n), Some(m), Some(o))
                    if n.is_kw("IS") && m.is_kw("NOT") && o.is_kw("NULL") =>
                {
                    clauses.push(RawClause {
                        ident,
                        op: "IS NOT NULL".to_owned(),
                        value: None,
                    });
                    i += 4;
                    continue;
                }
                (Some(n), Some(m), Some(p @ Tok::Paren(_))) if n.is_kw("NOT") && m.is_kw("IN") => {
                    clauses.push(RawClause {
                        ident,
                        op: "NOT IN".to_owned(),
                        value: Some(p.clone()),
                    });
                    i += 4;
                    continue;
                }
                _ => {}
            }
        }
        if g.experiment_messages {
            invalid.push(t.raw().to_owned());
        } else {
            invalid.push(format!("'{}'", t.raw()));
        }
        i += 1;
    }
    if !invalid.is_empty() {
        if g.logged_model_rules {
            return Err(Error::invalid(format!(
                "Invalid filter string: {}. Expected a list of comparisons separated by 'AND' \
                 (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').",
                py_repr(filter)
            )));
        }
        return Err(Error::invalid(format!(
            "Invalid clause(s) in filter string: {}",
            invalid.join(", ")
        )));
    }
    Ok(clauses)
}

fn is_quoted(s: &str, q: char) -> bool {
    s.chars().count() >= 2 && s.starts_with(q) && s.ends_with(q)
}

fn trim_ends(s: &str) -> String {
    let mut c = s.chars();
    c.next();
    c.next_back();
    c.collect()
}

fn trim_backticks(s: &str) -> String {
    if is_quoted(s, '`') {
        trim_ends(s)
    } else {
        s.to_owned()
    }
}

fn strip_quotes(s: &str) -> String {
    if is_quoted(s, '\'') || is_quoted(s, '"') {
        trim_ends(s)
    } else {
        s.to_owned()
    }
}

fn strip_value_quotes(s: &str) -> Result<String> {
    if is_quoted(s, '\'') || is_quoted(s, '"') {
        Ok(trim_ends(s))
    } else {
        Err(Error::invalid(format!(
            "Parameter value is either not quoted or unidentified quote types used for string \
             value {s}. Use either single or double quotes."
        )))
    }
}

/// Python's `repr()` of a string (single quotes unless it holds one and no double quote).
fn py_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

fn entity_type(raw: &str, g: &Grammar) -> Result<Entity> {
    let t = trim_backticks(raw);
    if g.logged_model_rules {
        return match t.as_str() {
            "attributes" => Ok(Entity::Attribute),
            "metrics" => Ok(Entity::Metric),
            "params" => Ok(Entity::Param),
            "tags" => Ok(Entity::Tag),
            _ => Err(Error::invalid(format!(
                "Invalid entity type: {}. Expected one of ['attributes', 'metrics', 'params', \
                 'tags'].",
                py_repr(&t)
            ))),
        };
    }
    let e = match t.as_str() {
        "metric" | "metrics" if g.metrics => Entity::Metric,
        "parameter" | "parameters" | "param" | "params" if g.params => Entity::Param,
        "tag" | "tags" if g.tags => Entity::Tag,
        "attribute" | "attributes" | "attr" | "run" => Entity::Attribute,
        "dataset" | "datasets" if g.datasets => Entity::Dataset,
        _ if g.experiment_messages => {
            return Err(Error::invalid(format!(
                "Invalid entity type '{t}'. Valid entity types are ('attribute', 'tag', 'tags')"
            )));
        }
        _ => {
            let mut valid = Vec::new();
            if g.metrics {
                valid.push("'metric'");
            }
            if g.params {
                valid.push("'parameter'");
            }
            if g.tags {
                valid.push("'tag'");
            }
            valid.push("'attribute'");
            if g.datasets {
                valid.push("'dataset'");
            }
            return Err(Error::invalid(format!(
                "Invalid entity type '{t}'. Valid values are [{}]",
                valid.join(", ")
            )));
        }
    };
    Ok(e)
}

const DATASET_ATTRS: &[&str] = &["name", "digest", "context"];

fn identifier(raw: &str, g: &Grammar) -> Result<(Entity, String)> {
    let (entity, key) = match raw.split_once('.') {
        None => (Entity::Attribute, raw),
        Some((t, k)) => (entity_type(t, g)?, k),
    };
    let key = trim_backticks(&strip_quotes(key));
    match entity {
        Entity::Attribute => {
            let resolved = g
                .aliases
                .iter()
                .find(|(a, _)| *a == key)
                .map_or(key.as_str(), |(_, k)| *k);
            if !g.string_attrs.contains(&resolved) && !g.numeric_attrs.contains(&resolved) {
                let mut valid: Vec<&str> = g
                    .string_attrs
                    .iter()
                    .chain(g.numeric_attrs)
                    .copied()
                    .chain(g.aliases.iter().map(|(a, _)| *a))
                    .collect();
                valid.sort_unstable();
                return Err(Error::invalid(format!(
                    "Invalid attribute key '{key}' specified. Valid keys are '{valid:?}'"
                )));
            }
            Ok((entity, resolved.to_owned()))
        }
        Entity::Dataset => {
            if !DATASET_ATTRS.contains(&key.as_str()) {
                return Err(Error::invalid(format!(
                    "Invalid dataset key '{key}' specified. Valid keys are \
                     '['context', 'digest', 'name']'"
                )));
            }
            Ok((entity, key))
        }
        _ => Ok((entity, key)),
    }
}

fn parse_list(raw: &str) -> Result<Vec<String>> {
    let inner = trim_ends(raw);
    let toks = tokenize(&inner)?;
    let mut out = Vec::new();
    let mut expect_value = true;
    for t in &toks {
        match t {
            Tok::Str(s) | Tok::Quoted(s) if expect_value => {
                out.push(trim_ends(s));
                expect_value = false;
            }
            Tok::Other(c) if c == "," && !expect_value => expect_value = true,
            _ => {
                return Err(Error::invalid(format!(
                    "While parsing a list in the query, expected string value, punctuation, or \
                     whitespace, but got different type in list: {raw}"
                )));
            }
        }
    }
    if out.is_empty() || expect_value {
        return Err(Error::invalid(format!(
            "While parsing a list in the query, expected a non-empty list of string values, \
             but got {raw}"
        )));
    }
    Ok(out)
}

fn number(raw: &str) -> Result<f64> {
    raw.parse::<f64>()
        .map_err(|_| Error::invalid(format!("Expected numeric value type. Found {raw}")))
}

fn value(entity: Entity, key: &str, tok: &Tok, g: &Grammar) -> Result<Lit> {
    match entity {
        Entity::Metric => match tok {
            Tok::Num(n) => Ok(Lit::Num(number(n)?)),
            other => Err(Error::invalid(format!(
                "Expected numeric value type for metric. Found {}",
                other.raw()
            ))),
        },
        Entity::Param | Entity::Tag => match tok {
            Tok::Str(s) | Tok::Quoted(s) | Tok::Ident(s) => Ok(Lit::Str(strip_value_quotes(s)?)),
            other => Err(Error::invalid(format!(
                "Expected a quoted string value for {} (e.g. 'my-value'). Got value {}",
                entity.mlflow_name(),
                other.raw()
            ))),
        },
        Entity::Attribute if g.numeric_attrs.contains(&key) => match tok {
            Tok::Num(n) => Ok(Lit::Num(number(n)?)),
            other => Err(Error::invalid(format!(
                "Expected numeric value type for numeric attribute: {key}. Found {}",
                other.raw()
            ))),
        },
        Entity::Attribute => match tok {
            Tok::Str(s) | Tok::Quoted(s) | Tok::Ident(s) => Ok(Lit::Str(strip_value_quotes(s)?)),
            Tok::Paren(p) => {
                if !g.list_attrs.contains(&key) {
                    return Err(Error::invalid(format!(
                        "Only {:?} attributes support comparison with a list of quoted string \
                         values.",
                        g.list_attrs
                    )));
                }
                Ok(Lit::List(parse_list(p)?))
            }
            other => Err(Error::invalid(format!(
                "Expected a quoted string value for attributes. Got value {}",
                other.raw()
            ))),
        },
        Entity::Dataset => match tok {
            Tok::Str(s) | Tok::Quoted(s) | Tok::Ident(s) => Ok(Lit::Str(strip_value_quotes(s)?)),
            Tok::Paren(p) => Ok(Lit::List(parse_list(p)?)),
            other => Err(Error::invalid(format!(
                "Expected a quoted string value for dataset attributes. Got value {}",
                other.raw()
            ))),
        },
    }
}

fn ops_text(ops: &[Op]) -> String {
    let names: Vec<String> = ops.iter().map(|o| format!("'{}'", o.sql())).collect();
    format!("{{{}}}", names.join(", "))
}

fn check_op(entity: Entity, key: &str, op_raw: &str, g: &Grammar) -> Result<Op> {
    let upper = op_raw.to_ascii_uppercase();
    if g.logged_model_rules {
        let numeric = entity == Entity::Metric
            || (entity == Entity::Attribute && g.numeric_attrs.contains(&key));
        let (allowed, text): (&[Op], &str) = if numeric {
            (METRIC_OPS, "('<', '<=', '>', '>=', '=', '!=')")
        } else {
            (
                STRING_ATTR_OPS,
                "('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN')",
            )
        };
        let prefix = match entity {
            Entity::Metric => "metrics",
            Entity::Param => "params",
            Entity::Tag => "tags",
            _ => "attributes",
        };
        return match Op::parse(&upper) {
            Some(op) if allowed.contains(&op) => Ok(op),
            _ => Err(Error::invalid(format!(
                "Invalid comparison operator for {prefix}.{key}: {}. Expected one of {text}.",
                py_repr(&upper)
            ))),
        };
    }
    let allowed: &[Op] = match entity {
        Entity::Metric => METRIC_OPS,
        Entity::Param | Entity::Tag => PARAM_TAG_OPS,
        Entity::Attribute if g.numeric_attrs.contains(&key) => METRIC_OPS,
        Entity::Attribute => g.string_ops,
        Entity::Dataset => STRING_ATTR_OPS,
    };
    match Op::parse(&upper) {
        Some(op) if allowed.contains(&op) => Ok(op),
        _ => Err(Error::invalid(format!(
            "Invalid comparator '{upper}' not one of '{}'",
            ops_text(allowed)
        ))),
    }
}

/// Parses and checks `filter` against grammar `g`. An empty (or all-blank) filter is no clause.
pub(crate) fn parse(filter: &str, g: &Grammar) -> Result<Vec<Clause>> {
    if filter.trim().is_empty() {
        return Ok(Vec::new());
    }
    let toks = tokenize(filter)?;
    let raw = group(filter, &toks, g)?;
    crate::limits::filter_clauses(raw.len())?;
    // Phase 1: identifiers and value types, clause by clause (MLflow's parse_search_filter).
    let mut typed = Vec::with_capacity(raw.len());
    for rc in &raw {
        let (entity, key) = identifier(&rc.ident, g)?;
        if g.logged_model_rules {
            if rc.value.is_none() {
                // sqlparse does not read `x IS NULL` as a comparison; MLflow's message joins
                // the tokens without a space.
                return Err(Error::invalid(format!(
                    "Invalid comparison: {}{}. Expected a comparison with 3 tokens.",
                    rc.ident,
                    rc.op.to_ascii_uppercase()
                )));
            }
            check_op(entity, &key, &rc.op, g)?;
        }
        let value = match &rc.value {
            None if g.experiment_messages && entity != Entity::Tag => {
                return Err(Error::invalid(format!(
                    "IS NULL / IS NOT NULL is only supported for tags, not for attribute '{key}'"
                )));
            }
            None => {
                if !matches!(entity, Entity::Param | Entity::Tag) {
                    return Err(Error::invalid(format!(
                        "IS NULL / IS NOT NULL is only supported for tags and params, not for \
                         '{}' '{key}'",
                        entity.mlflow_name()
                    )));
                }
                Lit::None
            }
            Some(tok) => value(entity, &key, tok, g)?,
        };
        typed.push((entity, key, rc.op.as_str(), value));
    }
    // Phase 2: comparators (MLflow checks them when it applies each clause).
    let mut out = Vec::with_capacity(typed.len());
    for (entity, key, op_raw, value) in typed {
        let op = check_op(entity, &key, op_raw, g)?;
        // `IN` needs a list and a list needs `IN`.
        match (&op, &value) {
            (Op::In | Op::NotIn, Lit::List(_)) => {}
            (Op::In | Op::NotIn, _) | (_, Lit::List(_)) => {
                return Err(Error::invalid(format!(
                    "Invalid comparison clause: '{}' needs a parenthesised list of quoted strings",
                    op.sql()
                )));
            }
            _ => {}
        }
        out.push(Clause {
            entity,
            key,
            op,
            value,
        });
    }
    Ok(out)
}

/// One `order_by` item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OrderBy {
    pub(crate) entity: Entity,
    pub(crate) key: String,
    pub(crate) ascending: bool,
}

/// Parses `"<identifier> [ASC|DESC]"` (MLflow's `parse_order_by_for_search_runs`).
pub(crate) fn parse_order_by(s: &str, g: &Grammar) -> Result<OrderBy> {
    let bad = || {
        Error::invalid(format!(
            "Invalid order_by clause '{s}'. Could not be parsed."
        ))
    };
    let toks = tokenize(s).map_err(|_| bad())?;
    let (ident, ascending) = match toks.as_slice() {
        [t] if is_identifier(t) => (t.raw().to_owned(), true),
        [t, Tok::Ident(dir)] if is_identifier(t) => {
            let asc = match dir.to_ascii_lowercase().as_str() {
                "asc" => true,
                "desc" => false,
                _ => {
                    return Err(Error::invalid(format!(
                        "Invalid ordering key in order_by clause '{s}'."
                    )));
                }
            };
            (t.raw().to_owned(), asc)
        }
        _ => return Err(bad()),
    };
    let (entity, key) = identifier(&ident, g)?;
    if entity == Entity::Dataset {
        return Err(Error::invalid(format!(
            "Invalid order_by entity type '{}'",
            entity.mlflow_name()
        )));
    }
    Ok(OrderBy {
        entity,
        key,
        ascending,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(f: &str) -> Vec<Clause> {
        parse(f, &RUNS).unwrap_or_else(|e| panic!("{f}: {e}"))
    }

    fn err(f: &str) -> String {
        match parse(f, &RUNS) {
            Ok(c) => panic!("{f} parsed as {c:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn clauses() {
        let c =
            ok("metrics.`val loss` <= -1.5e-3 and params.lr = '0.01' AND tags.\"a b\" ILIKE 'x%'");
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].key, "val loss");
        assert_eq!(c[0].value, Lit::Num(-1.5e-3));
        assert_eq!(c[1].entity, Entity::Param);
        assert_eq!(c[2].op, Op::ILike);
        let c = ok("run_id NOT IN ('a', \"b\") and created > 5 and `Run Name` = 'x'");
        assert_eq!(c[0].value, Lit::List(vec!["a".into(), "b".into()]));
        assert_eq!(c[1].key, "start_time");
        assert_eq!(c[2].key, "run_name");
        assert_eq!(ok("params.x IS NOT NULL")[0].op, Op::IsNotNull);
        assert_eq!(ok("tags.mlflow.runName = 'x'")[0].key, "mlflow.runName");
    }

    #[test]
    fn errors() {
        assert_eq!(
            err("metrics.a > 1 OR metrics.b > 2"),
            "Invalid clause(s) in filter string: 'OR'"
        );
        assert!(err("metrics.a > 'x'").starts_with("Expected numeric value type for metric"));
        assert!(err("params.a = 1").starts_with("Expected a quoted string value for parameter"));
        assert!(err("metrics.a LIKE 1").starts_with("Invalid comparator 'LIKE'"));
    }

    /// Random token soup never panics: every input parses or gets an `INVALID_PARAMETER_VALUE`.
    #[test]
    fn never_panics() {
        const PIECES: &[&str] = &[
            "metrics.",
            "params.",
            "tags.",
            "attributes.",
            "datasets.",
            "run_id",
            "acc",
            "`a b`",
            "\"x y\"",
            "'v'",
            "'",
            "\"",
            "`",
            "(",
            ")",
            "('a', 'b')",
            "=",
            "!=",
            ">=",
            "<",
            "<>",
            "LIKE",
            "ilike",
            "IN",
            "NOT",
            "IS",
            "NULL",
            "AND",
            "and",
            "OR",
            " ",
            " ",
            "1",
            "-2.5e3",
            ".5",
            "-",
            ".",
            ",",
            ";",
            "\\",
            "é",
            "\u{0}",
            "%",
            "_",
            "1e",
            "--",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let n = (next() % 12) as usize;
            let mut f = String::new();
            for _ in 0..n {
                f.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            for g in [
                &RUNS,
                &EXPERIMENTS,
                &LOGGED_MODELS,
                &REGISTERED_MODELS,
                &MODEL_VERSIONS,
            ] {
                if let Err(e) = parse(&f, g) {
                    assert_eq!(e.kind(), crate::ErrorKind::InvalidParameterValue, "{f:?}");
                }
                let _ = parse_order_by(&f, g);
            }
        }
    }

    #[test]
    fn order_by() {
        let o = parse_order_by("metrics.`val loss` DESC", &RUNS).expect("parses");
        assert_eq!(
            (o.entity, o.key.as_str(), o.ascending),
            (Entity::Metric, "val loss", false)
        );
        assert!(parse_order_by("metrics.x sideways", &RUNS).is_err());
    }
}
