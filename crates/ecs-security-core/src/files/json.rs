//! Strict JSON to [`Node`]s, through `jsonc-parser` with every JSON5/JSONC leniency off.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::tree::{Entry, Kind, Node, Pos};

/// Byte offsets to positions, for one text.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = offset.min(self.text.len());
        let column = self.text.get(start..end).map_or(end - start, |s| s.chars().count()) + 1;
        Pos { line, column }
    }
}

/// A parse error at a position.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

const STRICT: ParseOptions = ParseOptions {
    allow_comments: false,
    allow_loose_object_property_names: false,
    allow_trailing_commas: false,
    allow_missing_commas: false,
    allow_single_quoted_strings: false,
    allow_hexadecimal_numbers: false,
    allow_unary_plus_numbers: false,
    allow_bare_decimal_point_numbers: false,
    allow_non_finite_numbers: false,
    allow_extended_string_escapes: false,
};

/// Parses JSON text; `None` for a document with no value.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let lines = Lines::new(text);
    let ast = parse_to_ast(text, &CollectOptions::default(), &STRICT)
        .map_err(|e| SyntaxError { pos: lines.pos(e.range().start), message: e.kind().to_string() })?;
    match ast.value {
        Some(v) => Ok(convert(&v, &lines)),
        None => Err(SyntaxError { pos: Pos { line: 1, column: 1 }, message: "the file holds no JSON value".into() }),
    }
}

fn convert(v: &Value<'_>, lines: &Lines<'_>) -> Node {
    match v {
        Value::StringLit(s) => Node::new(lines.pos(s.range.start), Kind::Str(s.value.to_string())),
        Value::NumberLit(n) => Node::new(lines.pos(n.range.start), Kind::Number(n.value.to_owned())),
        Value::BooleanLit(b) => Node::new(lines.pos(b.range.start), Kind::Bool(b.value)),
        Value::NullKeyword(n) => Node::new(lines.pos(n.range.start), Kind::Null),
        Value::Array(a) => {
            Node::new(lines.pos(a.range.start), Kind::Seq(a.elements.iter().map(|e| convert(e, lines)).collect()))
        }
        Value::Object(o) => Node::new(
            lines.pos(o.range.start),
            Kind::Map(
                o.properties
                    .iter()
                    .map(|p| {
                        let (key, start) = match &p.name {
                            ObjectPropName::String(s) => (s.value.to_string(), s.range.start),
                            ObjectPropName::Word(w) => (w.value.to_owned(), w.range.start),
                        };
                        Entry { key, key_pos: lines.pos(start), value: convert(&p.value, lines) }
                    })
                    .collect(),
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let node = parse("{\n  \"é\": [1,\n    true]}").unwrap();
        let e = &node.entries()[0];
        assert_eq!(e.key_pos, Pos { line: 2, column: 3 });
        assert_eq!(e.value.items()[1].pos, Pos { line: 3, column: 5 });
    }

    #[test]
    fn rejects_json5_and_reports_the_place() {
        for bad in ["{\"a\": 1,}", "{a: 1}", "{\"a\": 1 \"b\": 2}", "// x\n{}", "{\"a\": $X}"] {
            let err = parse(bad).err().unwrap_or_else(|| panic!("accepted {bad}"));
            assert!(err.pos.line >= 1 && err.pos.column >= 1, "{bad}");
        }
    }
}
