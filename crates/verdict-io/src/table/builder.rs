//! Type inference for the text formats (CSV, JSON Lines): one builder per column, fed cell by cell.
//!
//! A column starts untyped and widens as cells arrive: integer → float → string (a boolean only
//! stays boolean next to booleans). Widening to string re-renders the cells seen so far from their
//! original text, so a meta column holding `0.50` and `n/a` keeps `0.50`. To make that possible
//! without storing every cell twice, the original text of a numeric cell is only kept when it differs
//! from the canonical rendering (Python's `repr`, which is what pandas writes), e.g. `007` or `1e3`.

use crate::table::{Column, Values, py_repr, py_repr_eq};

enum Data {
    /// Only nulls so far.
    Empty,
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Str(Vec<String>),
}

pub(crate) struct ColumnBuilder {
    data: Data,
    nulls: Option<Vec<bool>>,
    raw: Option<Vec<String>>,
    len: usize,
}

/// Canonical decimal text of an integer: optional `-`, no leading zeros, no `+`, no `-0`.
fn is_canonical_int(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    match digits.as_bytes() {
        [] => false,
        [b'0'] => s.len() == 1,
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
    }
}

pub(crate) fn bool_text(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

impl ColumnBuilder {
    pub(crate) fn new() -> ColumnBuilder {
        ColumnBuilder {
            data: Data::Empty,
            nulls: None,
            raw: None,
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn is_null(&self, i: usize) -> bool {
        self.nulls.as_ref().is_some_and(|m| m[i])
    }

    /// The text of cell `i` as it was read ("" for nulls).
    fn text_at(&self, i: usize) -> String {
        if self.is_null(i) {
            return String::new();
        }
        if let Some(raw) = &self.raw {
            return raw[i].clone();
        }
        match &self.data {
            Data::Empty => String::new(),
            Data::Int(v) => v[i].to_string(),
            Data::Float(v) => py_repr(v[i]),
            Data::Bool(v) => bool_text(v[i]).to_owned(),
            Data::Str(v) => v[i].clone(),
        }
    }

    fn materialize_raw(&mut self) {
        if self.raw.is_none() {
            let raw = (0..self.len).map(|i| self.text_at(i)).collect();
            self.raw = Some(raw);
        }
    }

    fn mark_valid(&mut self) {
        if let Some(m) = &mut self.nulls {
            m.push(false);
        }
        self.len += 1;
    }

    pub(crate) fn push_null(&mut self) {
        let len = self.len;
        self.nulls
            .get_or_insert_with(|| vec![false; len])
            .push(true);
        match &mut self.data {
            Data::Empty => {}
            Data::Int(v) => v.push(0),
            Data::Float(v) => v.push(0.0),
            Data::Bool(v) => v.push(false),
            Data::Str(v) => v.push(String::new()),
        }
        if let Some(raw) = &mut self.raw {
            raw.push(String::new());
        }
        self.len += 1;
    }

    fn widen_to_str(&mut self) {
        if matches!(self.data, Data::Str(_)) {
            return;
        }
        let texts = (0..self.len).map(|i| self.text_at(i)).collect();
        self.data = Data::Str(texts);
        self.raw = None;
    }

    /// An integer; `text` is the cell's original text when it came from text.
    pub(crate) fn push_int(&mut self, v: i64, text: Option<&str>) {
        if let Data::Empty = self.data {
            self.data = Data::Int(vec![0; self.len]);
        }
        match &mut self.data {
            Data::Int(vals) => {
                vals.push(v);
                if text.is_some_and(|t| !is_canonical_int(t)) {
                    self.materialize_raw();
                }
                if let Some(raw) = &mut self.raw {
                    raw.push(text.map_or_else(|| v.to_string(), str::to_owned));
                }
                self.mark_valid();
            }
            Data::Float(_) => {
                let owned;
                let t = match text {
                    Some(t) => t,
                    None => {
                        owned = v.to_string();
                        &owned
                    }
                };
                self.push_float(v as f64, Some(t));
            }
            Data::Bool(_) | Data::Str(_) | Data::Empty => {
                let owned;
                let t = match text {
                    Some(t) => t,
                    None => {
                        owned = v.to_string();
                        &owned
                    }
                };
                self.push_str(t);
            }
        }
    }

    /// A float; `text` is the cell's original text when it came from text.
    pub(crate) fn push_float(&mut self, v: f64, text: Option<&str>) {
        if let Data::Int(_) = self.data
            && (0..self.len).any(|i| !self.is_null(i))
        {
            // "1" in a float column is not how a float prints: keep the text.
            self.materialize_raw();
        }
        match &self.data {
            Data::Empty => self.data = Data::Float(vec![0.0; self.len]),
            Data::Int(ints) => self.data = Data::Float(ints.iter().map(|&x| x as f64).collect()),
            Data::Bool(_) => self.widen_to_str(),
            Data::Float(_) | Data::Str(_) => {}
        }
        match &mut self.data {
            Data::Float(vals) => {
                vals.push(v);
                if text.is_some_and(|t| !py_repr_eq(v, t)) {
                    self.materialize_raw();
                }
                if let Some(raw) = &mut self.raw {
                    raw.push(text.map_or_else(|| py_repr(v), str::to_owned));
                }
                self.mark_valid();
            }
            _ => {
                let owned;
                let t = match text {
                    Some(t) => t,
                    None => {
                        owned = py_repr(v);
                        &owned
                    }
                };
                self.push_str(t);
            }
        }
    }

    pub(crate) fn push_bool(&mut self, b: bool) {
        if let Data::Empty = self.data {
            self.data = Data::Bool(vec![false; self.len]);
        }
        match &mut self.data {
            Data::Bool(vals) => {
                vals.push(b);
                self.mark_valid();
            }
            _ => self.push_str(bool_text(b)),
        }
    }

    pub(crate) fn is_str(&self) -> bool {
        matches!(self.data, Data::Str(_))
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        self.widen_to_str();
        if let Data::Str(vals) = &mut self.data {
            vals.push(s.to_owned());
        }
        self.mark_valid();
    }

    pub(crate) fn finish(self, name: String) -> Column {
        let values = match self.data {
            // A column of nulls only: strings, all null.
            Data::Empty => Values::Str(vec![String::new(); self.len]),
            Data::Int(v) => Values::I64(v),
            Data::Float(v) => Values::F64(v),
            Data::Bool(v) => Values::Bool(v),
            Data::Str(v) => Values::Str(v),
        };
        Column {
            name,
            values,
            nulls: self.nulls,
            raw: self.raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(b: ColumnBuilder) -> Column {
        b.finish("c".into())
    }

    #[test]
    fn canonical_ints() {
        assert!(is_canonical_int("0"));
        assert!(is_canonical_int("-12"));
        assert!(!is_canonical_int("007"));
        assert!(!is_canonical_int("+1"));
        assert!(!is_canonical_int("-0"));
        assert!(!is_canonical_int(""));
    }

    #[test]
    fn widens_int_to_float_keeping_text() {
        let mut b = ColumnBuilder::new();
        b.push_int(1, Some("1"));
        b.push_null();
        b.push_float(0.5, Some("0.5"));
        let c = col(b);
        assert!(matches!(&c.values, Values::F64(v) if v[0] == 1.0 && v[2] == 0.5));
        assert_eq!(c.text(0).as_deref(), Some("1"));
        assert_eq!(c.text(1), None);
        assert_eq!(c.text(2).as_deref(), Some("0.5"));
    }

    #[test]
    fn widens_to_string_from_original_text() {
        let mut b = ColumnBuilder::new();
        b.push_null();
        b.push_float(0.5, Some("0.50"));
        b.push_int(7, Some("007"));
        b.push_str("n/a");
        let c = col(b);
        let Values::Str(v) = &c.values else {
            panic!("not a string column")
        };
        assert_eq!(v, &["", "0.50", "007", "n/a"]);
        assert_eq!(c.null_count(), 1);
    }

    #[test]
    fn canonical_floats_keep_no_text() {
        let mut b = ColumnBuilder::new();
        b.push_float(0.1, Some("0.1"));
        b.push_float(1e-5, Some("1e-05"));
        b.push_float(f64::INFINITY, Some("inf"));
        let c = col(b);
        assert!(c.raw.is_none());
        assert_eq!(c.text(1).as_deref(), Some("1e-05"));
    }

    #[test]
    fn bools_then_text() {
        let mut b = ColumnBuilder::new();
        b.push_bool(true);
        b.push_str("maybe");
        let c = col(b);
        assert!(matches!(&c.values, Values::Str(v) if v == &["True", "maybe"]));
    }
}
