//! MLflow's wire conventions (docs/design/mlflow.md §1.1), in one place, both ways.
//!
//! Requests: a GET's message is flattened into the query string (a repeated field repeats its
//! key); every other method sends a JSON body. Both become one [`Req`] — a JSON object — so a
//! handler reads its fields the same way whatever the method, and an endpoint MLflow serves on
//! GET and POST (experiments/search, get-latest-versions) needs nothing special. The accessors
//! follow proto3 JSON: int64 as a number or a decimal string, doubles as numbers or the strings
//! `"NaN"`, `"Infinity"`, `"-Infinity"`, bools as JSON bools or `"true"`/`"false"`, `null` as
//! absent, and a repeated field given once in a query string as a one-element list.
//!
//! Responses: [`Obj`] builds objects that omit absent optional fields and empty repeated fields
//! (MLflow omits them: an empty search is `{}`), emit int64 as JSON numbers and non-finite doubles
//! as the proto JSON strings.

use serde_json::{Map, Number, Value};

use crate::error::{ApiError, ApiResult};

/// A request message: the JSON body, or the query string of a GET.
#[derive(Debug, Default)]
pub struct Req {
    /// The request's fields (query string or JSON body).
    pub fields: Map<String, Value>,
}

fn missing(key: &str) -> ApiError {
    ApiError::invalid(format!(
        "Missing value for required parameter '{key}'. See the API docs for more information \
         about request parameters."
    ))
}

fn wrong_type(key: &str, want: &str, got: &Value) -> ApiError {
    let mut shown = got.to_string();
    if shown.len() > 100 {
        let mut cut = 100;
        while !shown.is_char_boundary(cut) {
            cut -= 1;
        }
        shown.truncate(cut);
        shown.push('…');
    }
    ApiError::invalid(format!(
        "Invalid value {shown} for parameter '{key}' supplied: expected {want}"
    ))
}

impl Req {
    /// Parses a query string; repeated keys collect into an array.
    pub fn from_query(query: &str) -> Req {
        let mut fields = Map::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            let v = Value::String(v.into_owned());
            match fields.get_mut(k.as_ref()) {
                Some(Value::Array(a)) => a.push(v),
                Some(old) => {
                    let first = old.take();
                    *old = Value::Array(vec![first, v]);
                }
                None => {
                    fields.insert(k.into_owned(), v);
                }
            }
        }
        Req { fields }
    }

    /// Parses a JSON body; an empty body is `{}` (what the MLflow client sends for no fields).
    pub fn from_json(body: &[u8]) -> ApiResult<Req> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Req::default());
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(fields)) => Ok(Req { fields }),
            Ok(_) => Err(ApiError::invalid("The request body must be a JSON object")),
            Err(e) => Err(ApiError::invalid(format!(
                "Malformed JSON in the request body: {e}"
            ))),
        }
    }

    /// The fields as typed accessors.
    pub fn obj(&self) -> Fields<'_> {
        Fields(&self.fields)
    }
}

/// Read access to one JSON object of a request (the message or a nested one).
#[derive(Clone, Copy)]
pub struct Fields<'a>(pub &'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.0.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// A string field; numbers and bools are accepted in their JSON spelling (ids sent as
    /// numbers by hand-written clients).
    pub fn opt_str(&self, key: &str) -> ApiResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(Some(v.to_string())),
            Some(v) => Err(wrong_type(key, "a string", v)),
        }
    }

    /// A required string field; an empty string counts as missing, as MLflow's `_assert_required`.
    pub fn str(&self, key: &str) -> ApiResult<String> {
        match self.opt_str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(missing(key)),
        }
    }

    /// A string that may be present but empty (tag values, params).
    pub fn str_allow_empty(&self, key: &str) -> ApiResult<String> {
        self.opt_str(key)?.ok_or_else(|| missing(key))
    }

    /// An int64 field (a JSON number or a decimal string, as proto3 JSON allows).
    pub fn opt_i64(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                // 3.0 is a valid int64 in proto JSON.
                None => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(Some(f as i64)),
                    _ => Err(wrong_type(key, "an integer", &Value::Number(n.clone()))),
                },
            },
            Some(v @ Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| wrong_type(key, "an integer", v)),
            Some(v) => Err(wrong_type(key, "an integer", v)),
        }
    }

    /// A required int64 field.
    pub fn i64(&self, key: &str) -> ApiResult<i64> {
        self.opt_i64(key)?.ok_or_else(|| missing(key))
    }

    /// A double field (a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`).
    pub fn opt_f64(&self, key: &str) -> ApiResult<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v @ Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| wrong_type(key, "a number", v)),
            Some(v @ Value::String(s)) => match s.as_str() {
                "NaN" => Ok(Some(f64::NAN)),
                "Infinity" => Ok(Some(f64::INFINITY)),
                "-Infinity" => Ok(Some(f64::NEG_INFINITY)),
                other => other
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .map(Some)
                    .ok_or_else(|| wrong_type(key, "a number", v)),
            },
            Some(v) => Err(wrong_type(key, "a number", v)),
        }
    }

    /// A required double field.
    pub fn f64(&self, key: &str) -> ApiResult<f64> {
        self.opt_f64(key)?.ok_or_else(|| missing(key))
    }

    /// A boolean field (`true`/`false`, also as strings).
    pub fn opt_bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v @ Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(wrong_type(key, "true or false", v)),
            },
            Some(v) => Err(wrong_type(key, "true or false", v)),
        }
    }

    /// A repeated string field (a single string counts as a list of one).
    pub fn strs(&self, key: &str) -> ApiResult<Vec<String>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(_) => Ok(v.to_string()),
                    v => Err(wrong_type(key, "a list of strings", v)),
                })
                .collect(),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(v @ Value::Number(_)) => Ok(vec![v.to_string()]),
            Some(v) => Err(wrong_type(key, "a list of strings", v)),
        }
    }

    /// A repeated message field.
    pub fn objs(&self, key: &str) -> ApiResult<Vec<Fields<'a>>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::Object(m) => Ok(Fields(m)),
                    v => Err(wrong_type(key, "a list of objects", v)),
                })
                .collect(),
            Some(v) => Err(wrong_type(key, "a list of objects", v)),
        }
    }

    /// A nested message field.
    pub fn opt_obj(&self, key: &str) -> ApiResult<Option<Fields<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(Fields(m))),
            Some(v) => Err(wrong_type(key, "an object", v)),
        }
    }

    /// `run_id`, or the legacy `run_uuid` (clients send both).
    pub fn run_id(&self) -> ApiResult<String> {
        if let Some(id) = self.opt_str("run_id")?.filter(|s| !s.is_empty()) {
            return Ok(id);
        }
        self.str("run_uuid").map_err(|_| missing("run_id"))
    }
}

/// A double as proto JSON writes it: non-finite values as strings.
pub fn f64_value(v: f64) -> Value {
    if v.is_nan() {
        Value::String("NaN".to_owned())
    } else if v == f64::INFINITY {
        Value::String("Infinity".to_owned())
    } else if v == f64::NEG_INFINITY {
        Value::String("-Infinity".to_owned())
    } else {
        Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// Builds a response object; absent options and empty lists are left out.
#[derive(Default)]
pub struct Obj(pub Map<String, Value>);

impl Obj {
    /// An empty answer object.
    pub fn new() -> Obj {
        Obj(Map::new())
    }

    /// A string field.
    pub fn s(mut self, key: &str, v: &str) -> Obj {
        self.0.insert(key.to_owned(), Value::String(v.to_owned()));
        self
    }

    /// A string field, omitted when `None`.
    pub fn os(self, key: &str, v: Option<&str>) -> Obj {
        match v {
            Some(v) => self.s(key, v),
            None => self,
        }
    }

    /// An int64 field (a JSON number).
    pub fn i(mut self, key: &str, v: i64) -> Obj {
        self.0.insert(key.to_owned(), Value::Number(v.into()));
        self
    }

    /// An int64 field, omitted when `None`.
    pub fn oi(self, key: &str, v: Option<i64>) -> Obj {
        match v {
            Some(v) => self.i(key, v),
            None => self,
        }
    }

    /// A double field (`"NaN"`/`"Infinity"` strings for non-finite values).
    pub fn f(mut self, key: &str, v: f64) -> Obj {
        self.0.insert(key.to_owned(), f64_value(v));
        self
    }

    /// A boolean field.
    pub fn b(mut self, key: &str, v: bool) -> Obj {
        self.0.insert(key.to_owned(), Value::Bool(v));
        self
    }

    /// Any JSON value; an empty array or object is omitted, as MLflow omits empty repeated fields.
    pub fn v(mut self, key: &str, v: impl Into<Value>) -> Obj {
        self.0.insert(key.to_owned(), v.into());
        self
    }

    /// A repeated field; omitted when empty.
    pub fn arr(mut self, key: &str, items: Vec<Value>) -> Obj {
        if !items.is_empty() {
            self.0.insert(key.to_owned(), Value::Array(items));
        }
        self
    }

    /// `next_page_token`, omitted on the last page.
    pub fn token(self, token: Option<String>) -> Obj {
        self.os("next_page_token", token.as_deref())
    }

    /// The finished object.
    pub fn done(self) -> Value {
        Value::Object(self.0)
    }
}

impl From<Obj> for Value {
    fn from(o: Obj) -> Value {
        o.done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_repeats_collect() {
        let r = Req::from_query("run_ids=a&run_ids=b&metric_key=m%20x&max_results=3");
        let f = r.obj();
        assert_eq!(f.strs("run_ids").ok(), Some(vec!["a".into(), "b".into()]));
        assert_eq!(f.str("metric_key").ok().as_deref(), Some("m x"));
        assert_eq!(f.opt_i64("max_results").ok().flatten(), Some(3));
        let one = Req::from_query("run_ids=a");
        assert_eq!(one.obj().strs("run_ids").ok(), Some(vec!["a".into()]));
    }

    #[test]
    fn numbers_and_strings() {
        let r = Req::from_json(
            br#"{"step":"3","timestamp":17,"value":"NaN","v2":"-Infinity","v3":"abc","b":"true"}"#,
        )
        .expect("json");
        let f = r.obj();
        assert_eq!(f.i64("step").ok(), Some(3));
        assert_eq!(f.i64("timestamp").ok(), Some(17));
        assert!(f.f64("value").is_ok_and(f64::is_nan));
        assert_eq!(f.f64("v2").ok(), Some(f64::NEG_INFINITY));
        assert!(f.f64("v3").is_err());
        assert_eq!(f.opt_bool("b").ok().flatten(), Some(true));
        assert!(f.str("nope").is_err());
        assert!(Req::from_json(b"[1]").is_err());
        assert!(Req::from_json(b"  ").is_ok());
    }

    #[test]
    fn non_finite_out() {
        assert_eq!(f64_value(f64::NAN), Value::String("NaN".into()));
        assert_eq!(f64_value(f64::INFINITY), Value::String("Infinity".into()));
        assert_eq!(f64_value(1.5), serde_json::json!(1.5));
        let o = Obj::new().arr("x", vec![]).os("y", None).i("z", 1).done();
        assert_eq!(o, serde_json::json!({"z": 1}));
    }
}
