//! MLflow's request schemas: the checks `mlflow/server/handlers.py` runs on a request before its
//! handler does anything, with MLflow's exact messages (its REST tests match them).
//!
//! MLflow parses the JSON into the request's protobuf message and then runs
//! `_validate_param_against_schema` over a per-endpoint schema (`{"run_id": [_assert_required,
//! _assert_string], …}`). Its rule, copied here:
//!
//! - A field is checked when it is in the request, or when its checks include `Required`.
//!   `run_id` falls back to `run_uuid` when absent (`_validate_request_json_with_schema`).
//! - The checks run in the schema's order; the first that fails answers 400
//!   `INVALID_PARAMETER_VALUE`.
//! - The type checks (`Str`, `IntLike`, `FloatLike`, `Array`) only run when the protobuf parse
//!   failed, i.e. when some field has the wrong JSON type; then every field's type is checked.
//!   Here that is: when any value in the schema fails its type check.
//! - `Required` fails for an absent field, `null` and `""`:
//!   `Missing value for required parameter 'key'. See the API docs for more information about
//!   request parameters.`
//! - A type check fails with `Invalid value 31 for parameter 'run_id' supplied:  Hint: Value was of
//!   type 'int'. See the API docs for more information about request parameters.` — the value as
//!   Python's `json.dumps(sort_keys=True, separators=(",", ":"))` writes it, the Python type name,
//!   and the two spaces MLflow's `invalid_value(param, value, " Hint: …")` leaves after the colon.
//!
//! The type rules are Python's: `IntLike` is what `int(x)` takes (a JSON number, a bool, a
//! string of an integer), `FloatLike` what `float(x)` takes (a number, a bool, a string of a
//! number, `"nan"`, `"inf"`), `Str` a JSON string, `Array` a JSON list. A value MLflow's own
//! parse would keep but Verdict's stricter accessors do not (a timestamp of `7.5`) is still
//! refused by the handler with a 400.

use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::wire::Fields;

/// One of MLflow's `_assert_*` schema checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// `_assert_required`: present, not `null`, not `""`.
    Required,
    /// `_assert_string`.
    Str,
    /// `_assert_intlike`.
    IntLike,
    /// `_assert_floatlike`.
    FloatLike,
    /// `_assert_array`.
    Array,
    /// `_assert_item_type_string`: every item a string.
    ItemStrs,
    /// log-batch's `_assert_{metrics,params,tags}_fields_present`: every object of the list has
    /// these fields (`_assert_required(m.get(field), path=f"metrics[{i}].{field}")`).
    ItemsHave(&'static [&'static str]),
    /// `_assert_less_than_or_equal(len(x), max, message)`; `{n}` in the message is the length.
    MaxLen(usize, &'static str),
    /// `_assert_intlike_within_range(int(x), lo, hi, message)`.
    IntRange(i64, i64, &'static str),
}

const HINT_SUFFIX: &str = " See the API docs for more information about request parameters.";

impl Check {
    /// MLflow skips these when its protobuf parse succeeded (`_TYPE_VALIDATORS`).
    fn is_type(self) -> bool {
        matches!(
            self,
            Check::Str | Check::IntLike | Check::FloatLike | Check::Array | Check::ItemStrs
        )
    }

    /// Whether a type check passes; an absent or `null` value has no type to check.
    fn type_ok(self, v: Option<&Value>) -> bool {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return true;
        };
        match self {
            Check::Str => v.is_string(),
            Check::Array => v.is_array(),
            Check::ItemStrs => v.as_array().is_none_or(|a| a.iter().all(Value::is_string)),
            Check::IntLike => match v {
                Value::Number(_) | Value::Bool(_) => true,
                Value::String(s) => py_int(s),
                _ => false,
            },
            Check::FloatLike => match v {
                Value::Number(_) | Value::Bool(_) => true,
                Value::String(s) => py_float(s),
                _ => false,
            },
            _ => true,
        }
    }

    /// Runs the check on `param`'s value `v` (absent = `None`).
    fn run(self, param: &str, v: Option<&Value>) -> ApiResult<()> {
        if self.is_type() {
            return match v {
                Some(x) if !self.type_ok(v) => Err(invalid_type(param, x)),
                _ => Ok(()),
            };
        }
        match self {
            Check::Required => {
                let present = v.is_some_and(|v| !v.is_null() && v.as_str() != Some(""));
                if present { Ok(()) } else { Err(missing(param)) }
            }
            Check::ItemsHave(fields) => {
                for (i, item) in v
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let Some(item) = item.as_object() else {
                        continue;
                    };
                    for field in fields {
                        if Check::Required.run("", item.get(*field)).is_err() {
                            return Err(missing(&format!("{param}[{i}].{field}")));
                        }
                    }
                }
                Ok(())
            }
            Check::MaxLen(max, message) => match v.and_then(Value::as_array) {
                Some(a) if a.len() > max => Err(ApiError::invalid(format!(
                    "{}{HINT_SUFFIX}",
                    message.replace("{n}", &a.len().to_string())
                ))),
                _ => Ok(()),
            },
            Check::IntRange(lo, hi, message) => {
                let n = match v {
                    Some(Value::Number(n)) => n.as_f64().map(|f| f.trunc() as i64),
                    Some(Value::String(s)) if py_int(s) => s.trim().replace('_', "").parse().ok(),
                    _ => None,
                };
                match n {
                    Some(n) if !(lo..=hi).contains(&n) => {
                        Err(ApiError::invalid(format!("{message}{HINT_SUFFIX}")))
                    }
                    _ => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

/// Python's `int(s)` accepts it: optional sign, digits (single `_` between them), surrounding
/// whitespace.
fn py_int(s: &str) -> bool {
    let t = s.trim();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    !t.is_empty()
        && !t.starts_with('_')
        && !t.ends_with('_')
        && !t.contains("__")
        && t.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// Python's `float(s)` accepts it (Rust's parser takes the same spellings, `inf`, `nan` and
/// `infinity` in any case included; Python also allows `_` between digits).
fn py_float(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.replace('_', "").parse::<f64>().is_ok()
}

/// Python's name of the type `json.loads` gives a value.
fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// `json.dumps(v, sort_keys=True, separators=(",", ":"))`: compact, keys sorted, non-ASCII
/// escaped as `\uXXXX`.
pub fn py_json(v: &Value) -> String {
    let mut out = String::new();
    write_py_json(v, &mut out);
    out
}

fn write_py_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_py_str(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_py_json(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_py_str(k, out);
                out.push(':');
                if let Some(x) = m.get(k.as_str()) {
                    write_py_json(x, out);
                }
            }
            out.push('}');
        }
    }
}

fn write_py_str(s: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// MLflow's message for a value that fails a type check.
pub fn invalid_type(param: &str, v: &Value) -> ApiError {
    ApiError::invalid(format!(
        "Invalid value {} for parameter '{param}' supplied:  Hint: Value was of type '{}'.{HINT_SUFFIX}",
        py_json(v),
        py_type(v)
    ))
}

/// MLflow's message for a required field that is absent, `null` or `""`.
pub fn missing(param: &str) -> ApiError {
    ApiError::invalid(format!(
        "Missing value for required parameter '{param}'.{HINT_SUFFIX}"
    ))
}

/// Runs MLflow's schema over a request message (see the module docs for the rule).
pub fn schema(f: &Fields<'_>, spec: &[(&str, &[Check])]) -> ApiResult<()> {
    // `request_json.get(key)`, with `run_uuid` standing in for an absent or null `run_id`.
    let value_of = |key: &str| -> Option<&Value> {
        let v = f.0.get(key);
        if key == "run_id" && v.is_none_or(Value::is_null) && f.0.contains_key("run_uuid") {
            return f.0.get("run_uuid");
        }
        v
    };
    // The protobuf parse fails when some value has the wrong JSON type.
    let parse_failed = spec.iter().any(|(key, checks)| {
        let v = value_of(key);
        checks.iter().any(|c| c.is_type() && !c.type_ok(v))
    });
    for (key, checks) in spec {
        if !f.0.contains_key(*key) && !checks.contains(&Check::Required) {
            continue;
        }
        let v = value_of(key);
        for c in *checks {
            if c.is_type() && !parse_failed {
                continue;
            }
            c.run(key, v)?;
        }
    }
    Ok(())
}

/// A GET request's repeated fields as lists: MLflow's `_get_request_message` reads them with
/// `args.getlist`, so one `run_ids=a` is `["a"]`, while [`crate::wire::Req::from_query`] keeps a
/// key given once as a plain string.
pub fn with_lists(f: &Fields<'_>, repeated: &[&str]) -> serde_json::Map<String, Value> {
    let mut m = f.0.clone();
    for key in repeated {
        if let Some(v) = m.get_mut(*key)
            && !v.is_array()
            && !v.is_null()
        {
            let one = v.take();
            *v = Value::Array(vec![one]);
        }
    }
    m
}

/// Python's `urllib.parse.unquote`: `%XX` sequences become bytes (read as UTF-8, invalid bytes
/// replaced), anything else is kept.
pub(crate) fn unquote(s: &str) -> String {
    String::from_utf8_lossy(&unquote_bytes(s)).into_owned()
}

/// The bytes `%XX` sequences stand for (two hex digits), everything else kept as it is; the one
/// percent-decoder of the server's paths and query values.
pub(crate) fn unquote_bytes(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (
                (b[i + 1] as char).to_digit(16),
                (b[i + 2] as char).to_digit(16),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// MLflow's `validate_path_is_safe` (`mlflow/utils/uri.py`), for the artifact paths of the
/// tracking API (`artifacts/list?path=`, `logged-models/<id>/artifacts/directories`): the path
/// is percent-decoded until it stops changing (at most 10 times), then refused with MLflow's
/// bare `Invalid path` when it holds a `#`, a `..` component, or is absolute (`/x`, `C:/x`,
/// a UNC path, or a `file:` URI of an absolute path). Returns the decoded path (a `file:` URI
/// reduced to its path), which MLflow uses from then on. (A backslash, which MLflow allows on a POSIX server, is still
/// refused by the artifact repository with its own message.)
pub fn safe_path(path: &str) -> ApiResult<String> {
    let invalid = || ApiError::invalid("Invalid path");
    let mut url = path.to_owned();
    let mut stable = false;
    for _ in 0..10 {
        let decoded = unquote(&url);
        if decoded == url {
            stable = true;
            break;
        }
        url = decoded;
    }
    if !stable || url.contains('#') {
        return Err(invalid());
    }
    let mut local = url.as_str();
    if local
        .get(..5)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("file:"))
    {
        // local_file_uri_to_path: the URI's path, without host and query.
        local = &local[5..];
        if let Some(rest) = local.strip_prefix("//") {
            local = rest.find('/').map_or("", |i| &rest[i..]);
        }
        local = local.split('?').next().unwrap_or_default();
    }
    let b = local.as_bytes();
    // PureWindowsPath(path).is_absolute(): a drive with a root, or a UNC path (`\\\\host`, also
    // with either separator).
    let windows_absolute = (b.len() >= 3
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && (b[2] == b'/' || b[2] == b'\\'))
        || (b.len() >= 2 && matches!(b[0], b'/' | b'\\') && matches!(b[1], b'/' | b'\\'));
    if local.split('/').any(|c| c == "..") || local.starts_with('/') || windows_absolute {
        return Err(invalid());
    }
    // MLflow returns the path after `local_file_uri_to_path` (a `file:` URI's path).
    Ok(local.to_owned())
}

/// The schemes whose artifact repositories connect to the host named in the URI
/// (`mlflow/store/artifact/host_policy.py`); `mlflow-artifacts` only with a host
/// (`mlflow-artifacts://host/…`).
const HOST_ADDRESSED_SCHEMES: &[&str] = &[
    "ftp",
    "sftp",
    "hdfs",
    "viewfs",
    "http",
    "https",
    "mlflow-artifacts",
    "r2",
    "b2",
    "abfss",
];

/// The schemes for which Python's `urlparse` splits `;params` off the last path segment
/// (`urllib.parse.uses_params`).
const USES_PARAMS: &[&str] = &[
    "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu", "sip", "sips",
    "mms", "sftp", "tel",
];

/// MLflow's `MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH` default.
pub const ARTIFACT_LOCATION_MAX_LENGTH: usize = 2048;

/// The parts of a URI as Python's `urllib.parse.urlparse` cuts them: (scheme, netloc, path,
/// params, query, fragment).
fn urlparse(uri: &str) -> (String, &str, &str, &str, &str, &str) {
    urlparse_opts(uri, true)
}

/// [`urlparse`]; `allow_fragments = false` keeps a `#` in the path (`urlparse(uri,
/// allow_fragments=False)`).
fn urlparse_opts(uri: &str, allow_fragments: bool) -> (String, &str, &str, &str, &str, &str) {
    let mut scheme = String::new();
    let mut rest = uri;
    if let Some(i) = uri.find(':')
        && i > 0
        && uri.as_bytes()[0].is_ascii_alphabetic()
        && uri[..i]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    {
        scheme = uri[..i].to_ascii_lowercase();
        rest = &uri[i + 1..];
    }
    let mut netloc = "";
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        netloc = &after[..end];
        rest = &after[end..];
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some(split) if allow_fragments => split,
        _ => (rest, ""),
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (path, params) = if USES_PARAMS.contains(&scheme.as_str()) {
        let from = path.rfind('/').map_or(0, |i| i);
        match path[from..].find(';') {
            Some(j) => (&path[..from + j], &path[from + j + 1..]),
            None => (path, ""),
        }
    } else {
        (path, "")
    };
    (scheme, netloc, path, params, query, fragment)
}

/// `handlers._validate_artifact_uri_scheme`: refuses a URI whose scheme makes the server connect
/// to the host it names (Verdict trusts no host; MLflow trusts only its own artifact storage's).
fn host_addressed(scheme: &str, netloc: &str, field: &str) -> ApiResult<()> {
    if HOST_ADDRESSED_SCHEMES.contains(&scheme)
        && !(scheme == "mlflow-artifacts" && netloc.is_empty())
    {
        return Err(ApiError::invalid(format!(
            "'{field}' cannot use the '{scheme}' scheme: the '{scheme}' scheme addresses a host \
             other than the tracking server's configured artifact storage, so the server would \
             connect to the host named in the URI. Set the \
             MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES environment variable on the server to \
             allow it."
        )));
    }
    Ok(())
}

/// `experiments/create`'s checks of an `artifact_location` (MLflow: `handlers.
/// _validate_storage_location_uri`, then `validation._validate_experiment_artifact_location` and
/// `_validate_experiment_artifact_location_length`), in MLflow's order and with its messages:
/// no fragment or `;params`; no `..` in the (decoded) query; no scheme that makes the server
/// connect to a host the client names (`http(s)`, `ftp`, `sftp`, `hdfs`, `viewfs`, `r2`, `b2`,
/// `abfss`, `mlflow-artifacts://host`; Verdict stores no such location, and MLflow refuses them
/// unless its operator allows them); not a `runs:` URI; at most 2,048 characters.
pub fn artifact_location(loc: &str, field: &str) -> ApiResult<()> {
    let (scheme, netloc, _path, params, query, fragment) = urlparse(loc);
    if !fragment.is_empty() || !params.is_empty() {
        return Err(ApiError::invalid(format!(
            "'{field}' URL can't include fragments or params."
        )));
    }
    let mut q = query.to_owned();
    for _ in 0..10 {
        let d = unquote(&q);
        if d == q {
            break;
        }
        q = d;
    }
    if q.contains("..") {
        return Err(ApiError::invalid("Invalid query string"));
    }
    host_addressed(&scheme, netloc, field)?;
    if loc.starts_with("runs:") {
        return Err(ApiError::invalid(format!(
            "Artifact location cannot be a runs:/ URI. Given: '{loc}'"
        )));
    }
    if loc.chars().count() > ARTIFACT_LOCATION_MAX_LENGTH {
        return Err(ApiError::invalid(format!(
            "Invalid artifact path length. The length of the artifact path cannot be greater \
             than {ARTIFACT_LOCATION_MAX_LENGTH} characters. To configure this limit, please set \
             the MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH environment variable."
        )));
    }
    Ok(())
}

/// MLflow's `MAX_CUSTOM_VIEWS_PER_EXPERIMENT` and its tag prefix (`mlflow_tags.py`).
pub const MAX_CUSTOM_VIEWS: usize = 50;
const CUSTOM_VIEW_TAG_PREFIX: &str = "mlflow.customView.view";

/// `handlers._validate_custom_view_count`: at most 50 `mlflow.customView.view*` tags.
pub fn custom_view_count<'k>(keys: impl IntoIterator<Item = &'k str>) -> ApiResult<()> {
    let n = keys
        .into_iter()
        .filter(|k| k.starts_with(CUSTOM_VIEW_TAG_PREFIX))
        .count();
    if n > MAX_CUSTOM_VIEWS {
        return Err(ApiError::invalid(format!(
            "Unable to create another custom view; the maximum number of custom views per \
             experiment is {MAX_CUSTOM_VIEWS}. Delete an existing custom view before creating a \
             new one."
        )));
    }
    Ok(())
}

/// What [`model_version_source`] needs to look up: the artifact URI of a run and the artifact
/// location of a logged model, `None` when there is no such run or model.
pub struct SourceOwners<'a> {
    /// A run's artifact URI by id (`None` when there is no such run).
    pub run_artifact_uri: &'a dyn Fn(&str) -> ApiResult<Option<String>>,
    /// A logged model's artifact location by id (`None` when there is none).
    pub model_artifact_location: &'a dyn Fn(&str) -> ApiResult<Option<String>>,
}

fn invalid_source(source: &str, id_name: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid model version source: '{source}'. The {id_name} request parameter must identify \
         the resource that contains the source."
    ))
}

/// `urllib.parse.unquote_plus`, repeated until the text stops changing.
fn unquote_plus_all(s: &str) -> String {
    let mut s = s.to_owned();
    loop {
        let d = unquote(&s.replace('+', " "));
        if d == s {
            return s;
        }
        s = d;
    }
}

/// `utils.uri.is_local_uri`: no scheme, or `file:` on this host; a `file:` URI naming another
/// host is refused (MLflow raises there, which its server answers with a 500; here a 400).
fn is_local_uri(uri: &str) -> ApiResult<bool> {
    let (scheme, netloc, ..) = urlparse(uri);
    if scheme.is_empty() {
        return Ok(true);
    }
    let host = netloc.rsplit('@').next().unwrap_or_default();
    let host = if host.starts_with('[') {
        host.split(']').next().map_or("", |h| &h[1..])
    } else {
        host.split(':').next().unwrap_or_default()
    }
    .to_ascii_lowercase();
    let remote = !(host.is_empty()
        || host == "."
        || host.starts_with("localhost")
        || host.starts_with("127.0.0.1"));
    if scheme == "file" {
        if remote {
            return Err(ApiError::invalid(format!(
                "{uri} is not a valid remote uri. For remote access on windows, please consider \
                 using a different scheme such as SMB (e.g. smb://<hostname>/<path>)."
            )));
        }
        return Ok(true);
    }
    Ok(false)
}

/// `file_utils.local_file_uri_to_path`.
fn local_path(uri: &str) -> String {
    if uri.starts_with("file:") {
        unquote(urlparse(uri).2)
    } else {
        unquote(uri)
    }
}

/// Whether local `source` lies in (or is) the local artifact directory `root`.
fn local_within(source: &str, root: &str) -> ApiResult<bool> {
    if !is_local_uri(root)? {
        return Ok(false);
    }
    let dir = verdict_store::limits::normpath(&local_path(root));
    Ok(dir.starts_with('/')
        && (source == dir || source.starts_with(&format!("{}/", dir.trim_end_matches('/')))))
}

/// `handlers._validate_non_local_source_contains_relative_paths`.
fn no_relative_paths(source: &str) -> ApiResult<()> {
    let decoded = unquote_plus_all(source);
    let (_, _, path, ..) = urlparse(&decoded);
    let mut collapsed = String::new();
    for c in path.trim_end_matches('/').chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    let bad = collapsed.contains('\0')
        || decoded.split('/').any(|p| p == "..")
        || !collapsed.starts_with('/')
        || verdict_store::limits::normpath(&collapsed) != collapsed;
    if bad {
        return Err(ApiError::invalid(format!(
            "Invalid model version source: '{source}'. If supplying a source as an http, https, \
             local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be \
             provided without relative path references present. Please provide an absolute path."
        )));
    }
    Ok(())
}

/// `_parse_model_uri`: `Ok(Some(id))` for `models:/<model_id>`, `Ok(None)` for a name with a
/// version, stage or alias, `Err` for a malformed URI.
fn parse_model_uri(uri: &str) -> Result<Option<String>, ()> {
    let (scheme, _, path, ..) = urlparse_opts(uri, false);
    if scheme != "models" || !path.starts_with('/') || path.len() <= 1 {
        return Err(());
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if parts.len() > 2 || parts[0].trim().is_empty() {
        return Err(());
    }
    if parts.len() == 2 {
        return if parts[1].trim().is_empty() {
            Err(())
        } else {
            Ok(None)
        };
    }
    if path.contains('@') {
        return match parts[0].rsplit_once('@') {
            Some((_, alias)) if !alias.trim().is_empty() => Ok(None),
            _ => Err(()),
        };
    }
    Ok(Some(parts[0].to_owned()))
}

/// `handlers._normalized_uri_parts`.
fn uri_parts(uri: &str) -> (String, String, Vec<String>) {
    let (scheme, netloc, path, params, ..) = urlparse(uri);
    // urlsplit keeps ;params in the path
    let full = if params.is_empty() {
        path.to_owned()
    } else {
        format!("{path};{params}")
    };
    let parts = full
        .split('/')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut v = p.to_owned();
            loop {
                let d = unquote(&v);
                if d == v {
                    break v;
                }
                v = d;
            }
        })
        .collect();
    (scheme, netloc.to_ascii_lowercase(), parts)
}

/// `handlers._is_uri_within_root`.
fn uri_within_root(source: &str, root: &str) -> bool {
    let (s_scheme, s_host, s_parts) = uri_parts(source);
    let (r_scheme, r_host, r_parts) = uri_parts(root);
    s_scheme == r_scheme && s_host == r_host && !r_parts.is_empty() && s_parts.starts_with(&r_parts)
}

/// `handlers._is_mlflow_artifact_source`.
fn is_mlflow_artifact_source(source: &str) -> bool {
    let (scheme, _, parts) = uri_parts(source);
    let route = ["api", "2.0", "mlflow-artifacts", "artifacts"];
    scheme == "mlflow-artifacts"
        || (matches!(scheme.as_str(), "http" | "https") && parts.windows(4).any(|w| w == route))
}

/// `model-versions/create`'s checks of a version's `source` (`handlers._create_model_version`:
/// `_validate_artifact_uri_scheme`, the registry-source checks of
/// `_resolve_registered_model_source_lineage`, then `_validate_source_model` when a `model_id`
/// is given, else `_validate_source_run`), with MLflow's messages:
///
/// - a scheme that addresses a host (`http(s)`, `ftp`, `mlflow-artifacts://host`, …): refused;
/// - a local path or `file:` URI: only with a `run_id` (or `model_id`) whose artifact directory
///   is local and contains it (Verdict's runs store `mlflow-artifacts:` URIs, so in practice
///   never); the message shows the path resolved lexically (MLflow resolves a relative path
///   against its working directory, which Verdict does not reveal: it shows it as given);
/// - any other URI: an absolute path without `..`, `.`, `%00` (after decoding);
/// - `runs:/<run_id>/…`: the request's `run_id` must be that run; `models:/<model_id>`: the
///   request's `model_id` must be that model; `models://host/…` is refused;
/// - `mlflow-artifacts:/…`: must lie under the artifact URI of the request's run (or logged
///   model).
pub fn model_version_source(
    source: &str,
    run_id: Option<&str>,
    model_id: Option<&str>,
    owners: &SourceOwners<'_>,
) -> ApiResult<()> {
    let (scheme, netloc, ..) = urlparse(source);
    host_addressed(&scheme, netloc, "source")?;
    if scheme == "models" {
        if !netloc.is_empty() {
            return Err(ApiError::invalid(format!(
                "Invalid model version source: '{source}'. Registered model sources must use the \
                 active model registry."
            )));
        }
        parse_model_uri(source).map_err(|()| invalid_source(source, "model_id"))?;
    }
    let (id_name, id) = match model_id {
        Some(m) => ("model_id", Some(m)),
        None => ("run_id", run_id),
    };
    let root_of = |id: &str| -> ApiResult<Option<String>> {
        if model_id.is_some() {
            (owners.model_artifact_location)(id)
        } else {
            (owners.run_artifact_uri)(id)
        }
    };
    if is_local_uri(source)? {
        let mut shown = source.to_owned();
        if let Some(id) = id {
            let root = root_of(id)?.ok_or_else(|| invalid_source(source, id_name))?;
            let path = verdict_store::limits::normpath(&local_path(source));
            if local_within(&path, &root)? {
                return Ok(());
            }
            shown = path;
        }
        return Err(ApiError::invalid(format!(
            "Invalid model version source: '{shown}'. To use a local path as a model version \
             source, the {id_name} request parameter has to be specified and the local path has \
             to be contained within the artifact directory of the run specified by the {id_name}."
        )));
    }
    no_relative_paths(source)?;
    match (scheme.as_str(), model_id) {
        ("runs", None) => {
            let source_run = urlparse(source).2.trim_start_matches('/').split('/').next();
            return if netloc.is_empty() && source_run.is_some() && source_run == run_id {
                Ok(())
            } else {
                Err(invalid_source(source, "run_id"))
            };
        }
        ("runs", Some(_)) => return Err(invalid_source(source, "model_id")),
        ("models", _) => match parse_model_uri(source) {
            Ok(Some(_)) if model_id.is_none() => return Err(invalid_source(source, "model_id")),
            Ok(Some(m)) if Some(m.as_str()) == model_id => return Ok(()),
            Ok(Some(_)) | Err(()) => return Err(invalid_source(source, "model_id")),
            Ok(None) => {}
        },
        _ => {}
    }
    if is_mlflow_artifact_source(source) {
        if let Some(id) = id
            && let Some(root) = root_of(id)?
            && uri_within_root(source, &root)
        {
            return Ok(());
        }
        return Err(invalid_source(source, id_name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Req;
    use Check::*;

    fn run(body: &str, spec: &[(&str, &[Check])]) -> Result<(), String> {
        let req = Req::from_json(body.as_bytes()).map_err(|e| e.message)?;
        schema(&req.obj(), spec).map_err(|e| e.message)
    }

    const METRIC: &[(&str, &[Check])] = &[
        ("run_id", &[Required, Str]),
        ("key", &[Required, Str]),
        ("value", &[Required, FloatLike]),
        ("timestamp", &[IntLike, Required]),
        ("step", &[IntLike]),
    ];

    #[test]
    fn messages_are_mlflows() {
        assert_eq!(
            run(r#"{"run_id":31,"key":"m","value":1,"timestamp":5}"#, METRIC),
            Err(
                "Invalid value 31 for parameter 'run_id' supplied:  Hint: Value was of type \
                 'int'. See the API docs for more information about request parameters."
                    .into()
            )
        );
        assert_eq!(
            run(
                r#"{"run_uuid":31,"key":"m","value":1,"timestamp":5}"#,
                METRIC
            )
            .map_err(|m| m.contains("Invalid value 31 for parameter 'run_id'")),
            Err(true)
        );
        assert_eq!(
            run(r#"{"run_id":"r","key":"m","value":1,"timestamp":5,"step":"foo"}"#, METRIC)
                .map_err(|m| m.starts_with(r#"Invalid value "foo" for parameter 'step' supplied:  Hint: Value was of type 'str'."#)),
            Err(true)
        );
        assert_eq!(
            run(
                r#"{"run_id":null,"key":"m","value":1,"timestamp":5}"#,
                METRIC
            ),
            Err(
                "Missing value for required parameter 'run_id'. See the API docs for more \
                 information about request parameters."
                    .into()
            )
        );
        assert!(
            run(r#"{"run_id":"r","key":"m","value":1}"#, METRIC)
                .is_err_and(|m| m.contains("'timestamp'"))
        );
        assert!(
            run(
                r#"{"run_id":"r","key":"m","value":"NaN","timestamp":"5","step":"-3"}"#,
                METRIC
            )
            .is_ok()
        );
        assert!(
            run(
                r#"{"run_id":"r","key":"m","value":"nan","timestamp":" 5 "}"#,
                METRIC
            )
            .is_ok()
        );
    }

    #[test]
    fn urlparse_like_python() {
        assert_eq!(
            urlparse("HTTP://h:1/a;p?q=1#f"),
            ("http".into(), "h:1", "/a", "p", "q=1", "f")
        );
        assert_eq!(
            urlparse("file:///tmp/x;p"),
            ("file".into(), "", "/tmp/x;p", "", "", "")
        );
        assert_eq!(urlparse("my;loc"), (String::new(), "", "my", "loc", "", ""));
        assert!(artifact_location("mlflow-artifacts:/x", "f").is_ok());
        assert!(artifact_location("mlflow-artifacts://h/x", "f").is_err());
        assert!(artifact_location("s3://b/x?v=%252E%252E", "f").is_err());
        assert!(safe_path("a/b%2Fc").is_ok_and(|p| p == "a/b/c"));
        assert!(
            safe_path("C:\\x").is_err() && safe_path("é/..").is_err() && safe_path("é").is_ok()
        );
    }

    #[test]
    fn python_json_and_numbers() {
        let v: Value = serde_json::from_str(r#"{"b":1,"a":["é",2.5,null,true]}"#).expect("json");
        assert_eq!(py_json(&v), r#"{"a":["\u00e9",2.5,null,true],"b":1}"#);
        assert_eq!(py_json(&Value::String("😀".into())), r#""\ud83d\ude00""#);
        assert!(
            py_int("1_000") && py_int(" -7 ") && !py_int("7.0") && !py_int("_1") && !py_int("")
        );
        assert!(py_float("1e3") && py_float("-inf") && py_float("NaN") && !py_float("abc"));
    }
}
