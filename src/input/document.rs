//! A located, tag-aware value tree read from YAML or JSON: the one place that reads AWS
//! documents (and, with `scenario/raw.rs`, one of serde-saphyr's two homes).
//!
//! Every node keeps the line and column where it was written and its YAML tag (`!Ref`,
//! `!GetAtt`, …), so the format readers can say where a problem is and the intrinsic
//! evaluator can see CloudFormation's short forms. JSON is read by a small parser of its
//! own here, because a JSON file indented with tabs is not YAML and because serde_json
//! keeps no locations; YAML is read through serde-saphyr with YAML 1.2 booleans
//! (`strict_booleans`: `yes` stays a string, `True` is a boolean).
//!
//! **Duplicate keys** keep the last value, as CloudFormation and Python do, and each
//! repetition is reported as a warning at the repeated key.
//!
//! Not here: what any key means (the format modules), or choosing the format of a file
//! (`input::mod`).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::scenario::validate::Problem;

/// Nesting limit for both readers: deeper than any real template (they nest about 12
/// levels), shallow enough that reading stays well within a 2 MiB thread stack even in a
/// debug build.
pub const MAX_DEPTH: usize = 32;

/// One value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// 1-based; (0, 0) only when the reader could not tell.
    pub line: u64,
    /// 1-based; 0 only when the reader could not tell.
    pub column: u64,
    /// The YAML tag as written (`!Ref`), if any. JSON has none.
    pub tag: Option<String>,
}

/// The value of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, or nothing.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// Entries in file order; keys are unique (a repeated key keeps the last value).
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The key's text.
    pub name: String,
    /// The 1-based line.
    pub line: u64,
    /// The 1-based column.
    pub column: u64,
}

/// The syntax a document was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// JSON, read by this module's own parser.
    Json,
    /// YAML 1.2.
    Yaml,
}

/// A document read from text.
#[derive(Clone, Debug)]
pub struct Document {
    /// The top node.
    pub root: Node,
    /// How it was read.
    pub syntax: Syntax,
    /// Repeated keys (the last value is kept).
    pub warnings: Vec<Problem>,
}

impl Node {
    /// A node without a tag.
    pub fn new(value: Value, line: u64, column: u64) -> Node {
        Node {
            value,
            line,
            column,
            tag: None,
        }
    }

    /// The entry with exactly this key, if this is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key and value with exactly this key.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The entry whose key equals `key` ignoring ASCII case (the AppSpec documentation
    /// spells some keys in lower case, some capitalised).
    pub fn get_ci(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A map's entries (none for anything else).
    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Map(e) => e,
            _ => &[],
        }
    }

    /// A list's items (none for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    /// Whether the node is a map.
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// A string's text.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (numbers and booleans as written in JSON), for names and messages.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(format_float(*f)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// What the node is, for "found …" in messages.
    pub fn describe(&self) -> String {
        let tag = self.tag.as_deref().map(|t| format!("{t} ")).unwrap_or_default();
        let what = match &self.value {
            Value::Null => "nothing (null)".to_string(),
            Value::Bool(b) => format!("{b}"),
            Value::Int(i) => format!("{i}"),
            Value::Float(f) => format_float(*f),
            Value::Str(s) if s.is_empty() => "an empty string".to_string(),
            Value::Str(s) => format!("{s:?}"),
            Value::Seq(_) => "a list".to_string(),
            Value::Map(_) => "a map".to_string(),
        };
        format!("{tag}{what}")
    }
}

/// The 1-based line and column of byte `offset` of `bytes`.
pub fn byte_position(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() as u64 + 1;
    (line, column)
}

/// `0.0` rather than `0`, so a float reads as one.
pub fn format_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Syntax::Json => "JSON",
            Syntax::Yaml => "YAML",
        })
    }
}

/// Reads `text` as JSON when `json_first` (a `.json` file, or text starting with `{` or
/// `[`) and falls back to YAML; otherwise reads YAML. The error is the one of the syntax
/// the file most likely is.
pub fn read(text: &str, json_first: bool) -> Result<Document, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if json_first {
        match read_json(text) {
            Ok(d) => Ok(d),
            Err(json_err) => read_yaml(text).map_err(|_| json_err),
        }
    } else {
        read_yaml(text)
    }
}

// ----- YAML ------------------------------------------------------------------------------

/// Reads YAML (the first document of a stream).
pub fn read_yaml(text: &str) -> Result<Document, Problem> {
    let mut options = serde_saphyr::options! {
        strict_booleans: true,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::PassThrough,
    };
    options.budget = Some(crate::scenario::raw::budget(MAX_DEPTH));
    let root: Option<YNode> = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        Problem {
            line: line.max(1),
            column: column.max(1),
            message: crate::scenario::raw::in_user_words(&e, MAX_DEPTH)
                .unwrap_or_else(|| format!("not valid YAML: {}", clean_message(&e.without_snippet().to_string()))),
        }
    })?;
    let mut warnings = Vec::new();
    let root = match root {
        Some(n) => n.finish(&mut warnings),
        None => Node::new(Value::Null, 1, 1),
    };
    Ok(Document {
        root,
        syntax: Syntax::Yaml,
        warnings,
    })
}

/// serde-saphyr's messages carry the location, which is reported separately.
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    let body = match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
        _ => first,
    };
    match body.rfind(" at line ") {
        Some(i) if body[i..].contains(", column ") => body[..i].to_string(),
        _ => body.to_string(),
    }
}

/// The serde side of a YAML node: `Spanned<Tagged<…>>` gives the location and the tag.
struct YNode {
    value: YValue,
    line: u64,
    column: u64,
    tag: Option<String>,
}

enum YValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<YNode>),
    Map(Vec<(YNode, YNode)>),
}

impl<'de> Deserialize<'de> for YNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<serde_saphyr::Tagged<YValue>>::deserialize(d)?;
        let serde_saphyr::Tagged(value, tag) = s.value;
        Ok(YNode {
            value,
            line: s.referenced.line(),
            column: s.referenced.column(),
            tag: tag
                .filter(|t| !t.is_empty() && t != "!" && !t.starts_with("tag:yaml.org,2002:") && !t.starts_with("!!")),
        })
    }
}

impl<'de> Deserialize<'de> for YValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YVisitor)
    }
}

struct YVisitor;

impl<'de> Visitor<'de> for YVisitor {
    type Value = YValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<YValue, E> {
        Ok(YValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<YValue, E> {
        Ok(YValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<YValue, E> {
        Ok(i64::try_from(v).map_or(YValue::Float(v as f64), YValue::Int))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<YValue, E> {
        Ok(i64::try_from(v).map_or(YValue::Float(v as f64), YValue::Int))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<YValue, E> {
        Ok(i64::try_from(v).map_or(YValue::Float(v as f64), YValue::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<YValue, E> {
        Ok(YValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<YValue, E> {
        Ok(YValue::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<YValue, E> {
        Ok(YValue::Str(v))
    }
    fn visit_char<E: de::Error>(self, v: char) -> Result<YValue, E> {
        Ok(YValue::Str(v.to_string()))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<YValue, E> {
        Ok(YValue::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<YValue, E> {
        Ok(YValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<YValue, E> {
        Ok(YValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<YValue, D::Error> {
        YValue::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<YValue, D::Error> {
        YValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YValue, A::Error> {
        let mut out = Vec::new();
        while let Some(n) = seq.next_element::<YNode>()? {
            out.push(n);
        }
        Ok(YValue::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YValue, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<YNode>()? {
            let v = map.next_value::<YNode>()?;
            out.push((k, v));
        }
        Ok(YValue::Map(out))
    }
}

impl YNode {
    fn finish(self, warnings: &mut Vec<Problem>) -> Node {
        let value = match self.value {
            YValue::Null => Value::Null,
            YValue::Bool(b) => Value::Bool(b),
            YValue::Int(i) => Value::Int(i),
            YValue::Float(f) => Value::Float(f),
            YValue::Str(s) => Value::Str(s),
            YValue::Seq(items) => Value::Seq(items.into_iter().map(|n| n.finish(warnings)).collect()),
            YValue::Map(entries) => {
                let mut out: Vec<(Key, Node)> = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let (line, column) = (k.line, k.column);
                    let name = match k.finish(warnings) {
                        Node {
                            value: Value::Map(_) | Value::Seq(_),
                            ..
                        } => "(a collection used as a key)".to_string(),
                        Node { value: Value::Null, .. } => String::new(),
                        n => n.scalar_text().unwrap_or_default(),
                    };
                    let key = Key { name, line, column };
                    let value = v.finish(warnings);
                    insert_last_wins(&mut out, key, value, warnings);
                }
                Value::Map(out)
            }
        };
        Node {
            value,
            line: self.line,
            column: self.column,
            tag: self.tag,
        }
    }
}

/// The duplicate-key policy: the last value wins, with a warning at the repeated key.
fn insert_last_wins(out: &mut Vec<(Key, Node)>, key: Key, value: Node, warnings: &mut Vec<Problem>) {
    if let Some(i) = out.iter().position(|(k, _)| k.name == key.name) {
        warnings.push(Problem {
            line: key.line,
            column: key.column,
            message: format!(
                "duplicate key \"{}\" (first at line {}): the last value is used, as CloudFormation does",
                key.name, out[i].0.line
            ),
        });
        out.remove(i);
    }
    out.push((key, value));
}

// ----- JSON ------------------------------------------------------------------------------

/// Reads JSON (RFC 8259; tabs and any whitespace between tokens are fine).
pub fn read_json(text: &str) -> Result<Document, Problem> {
    let mut p = JsonParser {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        column: 1,
        warnings: Vec::new(),
    };
    p.skip_ws();
    let root = p.value(0)?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("not valid JSON: unexpected text after the end of the document"));
    }
    Ok(Document {
        root,
        syntax: Syntax::Json,
        warnings: p.warnings,
    })
}

struct JsonParser {
    chars: Vec<char>,
    pos: usize,
    line: u64,
    column: u64,
    warnings: Vec<Problem>,
}

impl JsonParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn error(&self, message: impl Into<String>) -> Problem {
        Problem {
            line: self.line,
            column: self.column,
            message: message.into(),
        }
    }

    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the file".to_string(),
            Some(c) => format!("{c:?}"),
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, Problem> {
        if depth >= MAX_DEPTH {
            return Err(self.error(format!("not valid here: nesting deeper than {MAX_DEPTH} levels")));
        }
        let (line, column) = (self.line, self.column);
        let value = match self.peek() {
            Some('{') => self.object(depth)?,
            Some('[') => self.array(depth)?,
            Some('"') => Value::Str(self.string()?),
            Some('t') => self.literal("true", Value::Bool(true))?,
            Some('f') => self.literal("false", Value::Bool(false))?,
            Some('n') => self.literal("null", Value::Null)?,
            Some(c) if c == '-' || c.is_ascii_digit() => self.number()?,
            _ => {
                return Err(self.error(format!("not valid JSON: expected a value, found {}", self.found())));
            }
        };
        Ok(Node::new(value, line, column))
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Problem> {
        for expected in word.chars() {
            if self.peek() != Some(expected) {
                return Err(self.error(format!("not valid JSON: expected {word}, found {}", self.found())));
            }
            self.bump();
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<Value, Problem> {
        let start = self.pos;
        let (line, column) = (self.line, self.column);
        if self.peek() == Some('-') {
            self.bump();
        }
        let mut float = false;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() {
                self.bump();
            } else if matches!(c, '.' | 'e' | 'E' | '+' | '-') {
                float = true;
                self.bump();
            } else {
                break;
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let bad = || Problem {
            line,
            column,
            message: format!("not valid JSON: {text:?} is not a number"),
        };
        if !float && let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        let valid = {
            let digits = text.strip_prefix('-').unwrap_or(&text);
            digits.starts_with(|c: char| c.is_ascii_digit())
                && !(digits.starts_with('0') && digits.len() > 1 && digits.as_bytes()[1].is_ascii_digit())
        };
        match text.parse::<f64>() {
            Ok(f) if valid && f.is_finite() => Ok(Value::Float(f)),
            _ => Err(bad()),
        }
    }

    fn string(&mut self) -> Result<String, Problem> {
        self.bump(); // the opening quote
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error("not valid JSON: a string is not closed")),
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('/') => out.push('/'),
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('u') => {
                        let hi = self.hex4()?;
                        let c = if (0xD800..0xDC00).contains(&hi) && self.peek() == Some('\\') {
                            self.bump();
                            if self.bump() != Some('u') {
                                return Err(self.error("not valid JSON: a lone surrogate in \\u escape"));
                            }
                            let lo = self.hex4()?;
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF))
                        } else {
                            char::from_u32(hi)
                        };
                        out.push(c.unwrap_or('\u{fffd}'));
                    }
                    _ => return Err(self.error("not valid JSON: unknown escape in a string")),
                },
                Some(c) if (c as u32) < 0x20 && c != '\t' => {
                    return Err(self.error("not valid JSON: a line break inside a string"));
                }
                Some(c) => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Problem> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|c| c.to_digit(16))
                .ok_or_else(|| self.error("not valid JSON: expected four hex digits after \\u"))?;
            self.bump();
            v = v * 16 + d;
        }
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Value, Problem> {
        self.bump();
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(Value::Seq(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {
                    self.bump();
                    return Ok(Value::Seq(items));
                }
                _ => {
                    return Err(self.error(format!(
                        "not valid JSON: expected , or ] in a list, found {}",
                        self.found()
                    )));
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Problem> {
        self.bump();
        let mut entries: Vec<(Key, Node)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(Value::Map(entries));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some('"') {
                return Err(self.error(format!(
                    "not valid JSON: expected a key in quotes, found {}",
                    self.found()
                )));
            }
            let (line, column) = (self.line, self.column);
            let name = self.string()?;
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err(self.error(format!(
                    "not valid JSON: expected : after a key, found {}",
                    self.found()
                )));
            }
            self.bump();
            self.skip_ws();
            let value = self.value(depth + 1)?;
            insert_last_wins(&mut entries, Key { name, line, column }, value, &mut self.warnings);
            self.skip_ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    return Ok(Value::Map(entries));
                }
                _ => {
                    return Err(self.error(format!(
                        "not valid JSON: expected , or }} in an object, found {}",
                        self.found()
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_tags_locations_and_booleans() {
        let d = read_yaml("a: !Ref X\nb: True\nc: yes\nd: 0.0\ne: '0.0'\nf: !GetAtt\n  - R\n  - Arn\n").unwrap();
        let a = d.root.get("a").unwrap();
        assert_eq!(a.tag.as_deref(), Some("!Ref"));
        assert_eq!(a.as_str(), Some("X"));
        assert_eq!((a.line, a.column), (1, 9));
        assert_eq!(d.root.get("b").unwrap().value, Value::Bool(true));
        assert_eq!(d.root.get("c").unwrap().value, Value::Str("yes".into()));
        assert_eq!(d.root.get("d").unwrap().value, Value::Float(0.0));
        assert_eq!(d.root.get("e").unwrap().value, Value::Str("0.0".into()));
        let f = d.root.get("f").unwrap();
        assert_eq!(f.tag.as_deref(), Some("!GetAtt"));
        assert_eq!(f.items().len(), 2);
    }

    #[test]
    fn duplicate_keys_keep_the_last_with_a_warning() {
        let d = read_json("{\"a\": 1,\n \"a\": 2}").unwrap();
        assert_eq!(d.root.get("a").unwrap().value, Value::Int(2));
        assert_eq!(d.warnings.len(), 1);
        assert_eq!((d.warnings[0].line, d.warnings[0].column), (2, 2));
        let y = read_yaml("a: 1\na: 2\n").unwrap();
        assert_eq!(y.root.get("a").unwrap().value, Value::Int(2));
        assert_eq!(y.warnings.len(), 1);
    }

    #[test]
    fn json_with_tabs_and_locations() {
        let d = read("{\n\t\"version\": 0.0,\n\t\"x\": [1, \"\\u00e9\"]\n} ", true).unwrap();
        assert_eq!(d.syntax, Syntax::Json);
        let v = d.root.get("version").unwrap();
        assert_eq!((v.line, v.column, v.value.clone()), (2, 13, Value::Float(0.0)));
        assert_eq!(d.root.get("x").unwrap().items()[1].as_str(), Some("é"));
        let e = read_json("{\"a\": <X>}").unwrap_err();
        assert_eq!((e.line, e.column), (1, 7));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000);
        assert!(read_json(&deep).is_err());
        assert!(read_yaml(&deep).is_err());
    }
}
