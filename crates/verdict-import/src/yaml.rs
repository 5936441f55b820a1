//! The YAML subset MLflow's FileStore writes (PyYAML `safe_dump`, block style).
//!
//! Why not a YAML crate: every `meta.yaml` of a FileStore is a flat mapping of scalars with at
//! most one nested level (`tags:` / `aliases:` of a registered model, an input's `tags:`), written
//! by PyYAML with `default_flow_style=False`. That needs: block mappings (nested by indentation),
//! block sequences (`- x`, which PyYAML writes at the key's own indent), the empty flow forms
//! `{}` and `[]` (and simple one-line flow mappings/sequences, for hand-edited files), plain
//! scalars, single-quoted (`''` escapes) and double-quoted (backslash escapes) scalars, and long
//! scalars that PyYAML folds over several lines (a dataset's `source:` JSON is one). That is ~300
//! lines here, against `serde_yaml` (unmaintained) or `yaml-rust2` plus their dependency trees,
//! for a format whose writer we know. Anything outside the subset (anchors, tags, block scalars
//! `|`/`>`, complex keys) is an error naming the line, so a file we cannot read is reported
//! rather than misread.
//!
//! Scalars keep whether they were quoted: a plain `null`, `~` or empty value is null, a quoted
//! `'null'` is the string; plain numbers stay text until the reader asks for an integer.

use std::fmt;

/// A parsed YAML node.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    /// `null`, `~` or nothing.
    Null,
    /// A plain (unquoted) scalar, as written.
    Plain(String),
    /// A quoted scalar, unescaped.
    Quoted(String),
    /// A mapping, entries in file order.
    Map(Vec<(String, Yaml)>),
    /// A sequence.
    Seq(Vec<Yaml>),
}

/// A YAML syntax error at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line.
    pub line: usize,
    /// What was expected there.
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for YamlError {}

impl Yaml {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar's text (`None` for null, mappings and sequences).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Yaml::Plain(s) | Yaml::Quoted(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the node is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Yaml::Null)
    }

    /// The mapping's entries, if it is one.
    pub fn entries(&self) -> Option<&[(String, Yaml)]> {
        match self {
            Yaml::Map(e) => Some(e),
            _ => None,
        }
    }
}

struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
}

/// Parses a document whose top level is a mapping (an empty document is an empty mapping).
pub fn parse(src: &str) -> Result<Yaml, YamlError> {
    let mut lines = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let no = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.starts_with('\t') {
            return Err(err(no, "tab indentation is not YAML"));
        }
        let trimmed = raw.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            // Blank lines matter inside folded quoted scalars; keep them as empty text.
            lines.push(Line {
                no,
                indent: usize::MAX,
                text: "",
            });
            continue;
        }
        if no == 1 && trimmed.starts_with("%") {
            return Err(err(no, "YAML directives are not supported"));
        }
        if trimmed == "---" || trimmed == "..." {
            continue;
        }
        lines.push(Line {
            no,
            indent: raw.len() - trimmed.len(),
            text: trimmed.trim_end(),
        });
    }
    let mut p = Parser { lines, pos: 0 };
    p.skip_blank();
    if p.pos >= p.lines.len() {
        return Ok(Yaml::Map(Vec::new()));
    }
    let indent = p.lines[p.pos].indent;
    if p.lines[p.pos].text.starts_with("- ") || p.lines[p.pos].text == "-" {
        return Err(err(
            p.lines[p.pos].no,
            "expected a mapping at the top level",
        ));
    }
    let map = p.map(indent)?;
    p.skip_blank();
    if let Some(l) = p.lines.get(p.pos) {
        return Err(err(l.no, "unexpected indentation"));
    }
    Ok(map)
}

fn err(line: usize, message: impl Into<String>) -> YamlError {
    YamlError {
        line,
        message: message.into(),
    }
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn skip_blank(&mut self) {
        while self
            .lines
            .get(self.pos)
            .is_some_and(|l| l.indent == usize::MAX)
        {
            self.pos += 1;
        }
    }

    fn next_indent(&mut self) -> Option<(usize, &'a str)> {
        self.skip_blank();
        self.lines.get(self.pos).map(|l| (l.indent, l.text))
    }

    fn map(&mut self, indent: usize) -> Result<Yaml, YamlError> {
        let mut entries: Vec<(String, Yaml)> = Vec::new();
        while let Some((ind, text)) = self.next_indent() {
            if ind < indent {
                break;
            }
            let no = self.lines[self.pos].no;
            if ind > indent {
                return Err(err(no, "unexpected indentation"));
            }
            if text.starts_with("- ") || text == "-" {
                return Err(err(no, "expected `key: value`, found a sequence item"));
            }
            let (key, rest) = split_key(text, no)?;
            self.pos += 1;
            let value = if rest.is_empty() {
                match self.next_indent() {
                    Some((i, t)) if i > ind => {
                        if t.starts_with("- ") || t == "-" {
                            self.seq(i)?
                        } else {
                            self.map(i)?
                        }
                    }
                    Some((i, t)) if i == ind && (t.starts_with("- ") || t == "-") => self.seq(i)?,
                    _ => Yaml::Null,
                }
            } else {
                self.value(rest, ind, no)?
            };
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(err(no, format!("duplicate key `{key}`")));
            }
            entries.push((key, value));
        }
        Ok(Yaml::Map(entries))
    }

    fn seq(&mut self, indent: usize) -> Result<Yaml, YamlError> {
        let mut items = Vec::new();
        while let Some((ind, text)) = self.next_indent() {
            if ind != indent || !(text.starts_with("- ") || text == "-") {
                if ind > indent {
                    return Err(err(self.lines[self.pos].no, "unexpected indentation"));
                }
                break;
            }
            let no = self.lines[self.pos].no;
            self.pos += 1;
            let rest = text.strip_prefix('-').unwrap_or("").trim_start();
            if rest.is_empty() {
                items.push(Yaml::Null);
            } else if split_key(rest, no).is_ok() && !rest.starts_with(['\'', '"', '{', '[']) {
                return Err(err(no, "mappings inside sequences are not supported"));
            } else {
                items.push(self.value(rest, ind, no)?);
            }
        }
        Ok(Yaml::Seq(items))
    }

    /// The continuation lines of a scalar that started on a line at `indent`: every following
    /// line indented deeper (blank lines in between count as line breaks).
    fn continuation(&mut self, indent: usize) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut look = self.pos;
        let mut pending_blank = 0;
        while let Some(l) = self.lines.get(look) {
            if l.indent == usize::MAX {
                pending_blank += 1;
                look += 1;
                continue;
            }
            if l.indent <= indent {
                break;
            }
            out.extend(std::iter::repeat_n("", pending_blank));
            pending_blank = 0;
            out.push(l.text);
            look += 1;
            self.pos = look;
        }
        out
    }

    fn value(&mut self, first: &'a str, indent: usize, no: usize) -> Result<Yaml, YamlError> {
        match first.as_bytes().first() {
            Some(b'\'' | b'"') => {
                let mut text = first.to_owned();
                let quote = first.as_bytes()[0];
                let mut parts = vec![first];
                if quoted_end(first, quote).is_none() {
                    let more = self.continuation(indent);
                    parts.extend(more);
                    text = parts.join("\n");
                }
                let Some(end) = quoted_end(&text, quote) else {
                    return Err(err(no, "unterminated quoted scalar"));
                };
                let tail = text[end + 1..].trim();
                if !tail.is_empty() && !tail.starts_with('#') {
                    return Err(err(
                        no,
                        format!("unexpected text after a quoted scalar: `{tail}`"),
                    ));
                }
                let body = &text[1..end];
                Ok(Yaml::Quoted(if quote == b'\'' {
                    fold(body).replace("''", "'")
                } else {
                    unescape_double(&fold_double(body), no)?
                }))
            }
            Some(b'{' | b'[') => {
                let mut text = first.to_owned();
                for more in self.continuation(indent) {
                    text.push(' ');
                    text.push_str(more);
                }
                let mut f = Flow {
                    s: text.as_bytes(),
                    i: 0,
                    no,
                };
                let v = f.node()?;
                f.ws();
                if f.i < f.s.len() && f.s[f.i] != b'#' {
                    return Err(err(no, "unexpected text after a flow collection"));
                }
                Ok(v)
            }
            Some(b'|' | b'>') => Err(err(no, "block scalars (| and >) are not supported")),
            Some(b'&' | b'*' | b'!') => Err(err(no, "anchors, aliases and tags are not supported")),
            _ => {
                let mut parts = vec![strip_comment(first)];
                let start = self.pos;
                let more = self.continuation(indent);
                if let Some(k) = more
                    .iter()
                    .position(|l| l.contains(": ") || l.ends_with(':'))
                {
                    // `a: 1` then an indented `b: 2`: a nested mapping under a scalar.
                    let no = self.lines[start..]
                        .iter()
                        .filter(|l| l.indent != usize::MAX)
                        .nth(k)
                        .map_or(no, |l| l.no);
                    return Err(err(
                        no,
                        "unexpected indentation (a mapping under a scalar value)",
                    ));
                }
                parts.extend(more);
                let joined = fold(&parts.join("\n"));
                Ok(plain(joined.trim()))
            }
        }
    }
}

fn plain(s: &str) -> Yaml {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Yaml::Null,
        _ => Yaml::Plain(s.to_owned()),
    }
}

fn strip_comment(s: &str) -> &str {
    match s.find(" #") {
        Some(i) => s[..i].trim_end(),
        None => s,
    }
}

/// Index of the closing quote (a `''` inside single quotes and `\"` inside double quotes do not
/// close).
fn quoted_end(s: &str, quote: u8) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        if quote == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// YAML line folding: a single line break becomes a space, each blank line a newline;
/// surrounding spaces of the broken lines are dropped.
fn fold(s: &str) -> String {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() == 1 {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut blanks = 0;
    for (i, l) in lines.iter().enumerate() {
        let t = if i == 0 {
            l.trim_end()
        } else if i == lines.len() - 1 {
            l.trim_start()
        } else {
            l.trim()
        };
        if t.is_empty() && i > 0 && i < lines.len() - 1 {
            blanks += 1;
            continue;
        }
        if i > 0 {
            if blanks > 0 {
                out.push_str(&"\n".repeat(blanks));
            } else {
                out.push(' ');
            }
        }
        blanks = 0;
        out.push_str(t);
    }
    out
}

/// Folding for double quotes: as [`fold`], but a line ending in an (unescaped) backslash joins
/// the next line with no space.
fn fold_double(s: &str) -> String {
    let folded = fold(s);
    if !s.contains('\n') {
        return folded;
    }
    // A `\` + line break was folded to `\ `; drop both (an escaped `\\ ` stays).
    let mut out = String::with_capacity(folded.len());
    let b: Vec<char> = folded.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' && i + 1 < b.len() {
            if b[i + 1] == ' ' && s.contains("\\\n") {
                i += 2;
                continue;
            }
            out.push(b[i]);
            out.push(b[i + 1]);
            i += 2;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn unescape_double(s: &str, no: usize) -> Result<String, YamlError> {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = it
            .next()
            .ok_or_else(|| err(no, "a backslash ends a double-quoted scalar"))?;
        let hex = |n: usize, it: &mut std::str::Chars<'_>| -> Result<char, YamlError> {
            let h: String = it.take(n).collect();
            u32::from_str_radix(&h, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| err(no, format!("bad escape \\{e}{h}")))
        };
        out.push(match e {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            ' ' => ' ',
            'a' => '\u{7}',
            'b' => '\u{8}',
            'e' => '\u{1b}',
            'f' => '\u{c}',
            'v' => '\u{b}',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(2, &mut it)?,
            'u' => hex(4, &mut it)?,
            'U' => hex(8, &mut it)?,
            other => return Err(err(no, format!("unknown escape \\{other}"))),
        });
    }
    Ok(out)
}

/// `key: rest` (rest may be empty). Keys may be plain or quoted.
fn split_key(text: &str, no: usize) -> Result<(String, &str), YamlError> {
    if let Some(q @ (b'\'' | b'"')) = text.as_bytes().first().copied() {
        let end = quoted_end(text, q).ok_or_else(|| err(no, "unterminated quoted key"))?;
        let body = &text[1..end];
        let key = if q == b'\'' {
            body.replace("''", "'")
        } else {
            unescape_double(body, no)?
        };
        let rest = text[end + 1..].trim_start();
        let rest = rest
            .strip_prefix(':')
            .ok_or_else(|| err(no, "expected `:` after a quoted key"))?;
        return Ok((key, rest.trim()));
    }
    if let Some(k) = text.strip_suffix(':') {
        return Ok((k.trim_end().to_owned(), ""));
    }
    match text.find(": ") {
        Some(i) => Ok((text[..i].trim_end().to_owned(), text[i + 2..].trim())),
        None => Err(err(no, format!("expected `key: value`, found `{text}`"))),
    }
}

/// One-line flow collections: `{}`, `[]`, `{a: 1, b: 'x'}`, `[a, b]`.
struct Flow<'s> {
    s: &'s [u8],
    i: usize,
    no: usize,
}

impl Flow<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn node(&mut self) -> Result<Yaml, YamlError> {
        self.ws();
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        return Ok(Yaml::Map(entries));
                    }
                    let key = match self.node()? {
                        Yaml::Plain(k) | Yaml::Quoted(k) => k,
                        _ => return Err(err(self.no, "expected a scalar key in a flow mapping")),
                    };
                    self.ws();
                    if self.s.get(self.i) != Some(&b':') {
                        return Err(err(self.no, "expected `:` in a flow mapping"));
                    }
                    self.i += 1;
                    let v = self.node()?;
                    entries.push((key, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {}
                        _ => return Err(err(self.no, "expected `,` or `}` in a flow mapping")),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(Yaml::Seq(items));
                    }
                    items.push(self.node()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => return Err(err(self.no, "expected `,` or `]` in a flow sequence")),
                    }
                }
            }
            Some(&q @ (b'\'' | b'"')) => {
                let rest = std::str::from_utf8(&self.s[self.i..])
                    .map_err(|_| err(self.no, "invalid UTF-8"))?;
                let end = quoted_end(rest, q).ok_or_else(|| err(self.no, "unterminated quote"))?;
                let body = &rest[1..end];
                self.i += end + 1;
                Ok(Yaml::Quoted(if q == b'\'' {
                    body.replace("''", "'")
                } else {
                    unescape_double(body, self.no)?
                }))
            }
            Some(_) => {
                let start = self.i;
                while self.i < self.s.len() && !matches!(self.s[self.i], b',' | b'}' | b']') {
                    if self.s[self.i] == b':'
                        && self
                            .s
                            .get(self.i + 1)
                            .is_none_or(|c| c.is_ascii_whitespace())
                    {
                        break;
                    }
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i])
                    .map_err(|_| err(self.no, "invalid UTF-8"))?;
                Ok(plain(t.trim()))
            }
            None => Err(err(self.no, "unterminated flow collection")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Yaml {
        parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn mlflow_forms() {
        let y = p(
            "artifact_uri: file:///a/b\nend_time: null\nentry_point_name: ''\n\
                   experiment_id: '9497'\nrun_name: r1\ntags: []\nstatus: 3\n",
        );
        assert_eq!(
            y.get("artifact_uri").and_then(Yaml::as_str),
            Some("file:///a/b")
        );
        assert!(y.get("end_time").is_some_and(Yaml::is_null));
        assert_eq!(
            y.get("entry_point_name"),
            Some(&Yaml::Quoted(String::new()))
        );
        assert_eq!(y.get("experiment_id").and_then(Yaml::as_str), Some("9497"));
        assert_eq!(y.get("tags"), Some(&Yaml::Seq(vec![])));
        assert_eq!(y.get("status").and_then(Yaml::as_str), Some("3"));
    }

    #[test]
    fn nested_and_folded() {
        let y = p("aliases:\n  champion: '1'\n  b: x\ndescription: d\n\
                   source: '{\"tags\": {\"a\": \"b\",\n  \"c\": \"it''s\"}}'\n\
                   tags:\n  mlflow.data.context: training\nempty: {}\n");
        let a = y.get("aliases").and_then(Yaml::entries).map(<[_]>::to_vec);
        assert_eq!(
            a,
            Some(vec![
                ("champion".into(), Yaml::Quoted("1".into())),
                ("b".into(), Yaml::Plain("x".into()))
            ])
        );
        assert_eq!(
            y.get("source").and_then(Yaml::as_str),
            Some("{\"tags\": {\"a\": \"b\", \"c\": \"it's\"}}")
        );
        assert_eq!(y.get("empty"), Some(&Yaml::Map(vec![])));
        assert_eq!(
            y.get("tags")
                .and_then(|t| t.get("mlflow.data.context"))
                .and_then(Yaml::as_str),
            Some("training")
        );
    }

    #[test]
    fn sequences_flow_and_double_quotes() {
        let y = p(
            "tags:\n- a\n- 'b c'\nx: {champion: '1', k: v}\ny: \"tab\\there \\u00e9\"\n\
                   z: plain words\n  continued here\n",
        );
        assert_eq!(
            y.get("tags"),
            Some(&Yaml::Seq(vec![
                Yaml::Plain("a".into()),
                Yaml::Quoted("b c".into())
            ]))
        );
        assert_eq!(
            y.get("x")
                .and_then(|m| m.get("champion"))
                .and_then(Yaml::as_str),
            Some("1")
        );
        assert_eq!(y.get("y").and_then(Yaml::as_str), Some("tab\there é"));
        assert_eq!(
            y.get("z").and_then(Yaml::as_str),
            Some("plain words continued here")
        );
    }

    /// Random soup of YAML-ish pieces never panics (it parses or names a line).
    #[test]
    fn token_soup_never_panics() {
        let pieces = [
            "a",
            ": ",
            ":",
            "\n",
            "  ",
            "- ",
            "'",
            "''",
            "\"",
            "\\",
            "{",
            "}",
            "[",
            "]",
            ",",
            "#",
            "é",
            "null",
            "|",
            "&",
            "\t",
            "x: 'multi\n  line'",
            "\n\n",
            "k:\n  v: 1",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut lengths = 0;
        for _ in 0..20_000 {
            let mut doc = String::new();
            let n = next() % 24;
            lengths += n;
            for _ in 0..n {
                doc.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            match parse(&doc) {
                Ok(_) => {}
                Err(e) => assert!(e.line >= 1, "{doc:?}: {e}"),
            }
        }
        assert!(lengths > 100_000);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("a: 1\n  b: 2\n").err();
        assert_eq!(e.map(|e| e.line), Some(2));
        let e = parse("a: 1\nb: 'open\n").err();
        assert_eq!(e.map(|e| e.line), Some(2));
        let e = parse("a: |\n  x\n").err();
        assert_eq!(e.map(|e| e.line), Some(1));
        let e = parse("just text\n").err();
        assert_eq!(e.map(|e| e.line), Some(1));
        assert_eq!(parse(""), Ok(Yaml::Map(vec![])));
    }
}
