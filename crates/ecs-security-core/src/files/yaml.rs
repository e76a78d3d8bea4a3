//! YAML to [`Node`]s, from `saphyr-parser` events (which carry spans and tags).
//!
//! Local tags are CloudFormation's short-form intrinsics (`!Ref`, `!Sub`, `!If`, …): their
//! values are only known at deploy time, so they become [`Kind::Unknown`], except a `!Sub`
//! of a plain string, which is kept as its template text (its `${…}` parts are placeholders).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::json::SyntaxError;
use super::tree::{Entry, Kind, Node, Pos};

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 256;
/// Aliases may copy nodes; more than this many in one document is refused (alias bombs).
const MAX_NODES: usize = 2_000_000;

/// Parses the first YAML document of `text`.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let mut b = Builder { parser: Parser::new_from_str(text), anchors: HashMap::new(), nodes: 0 };
    loop {
        match b.next()? {
            (Event::DocumentStart(_), _) => break,
            (Event::StreamEnd, span) => return Err(error(span, "the file holds no YAML document")),
            _ => {}
        }
    }
    let (event, span) = b.next()?;
    b.node(event, span, 0)
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

fn pos(span: Span) -> Pos {
    Pos { line: span.start.line(), column: span.start.col() + 1 }
}

fn error(span: Span, message: &str) -> SyntaxError {
    SyntaxError { pos: pos(span), message: message.to_owned() }
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), SyntaxError> {
        match self.parser.next_event() {
            Some(Ok(e)) => Ok(e),
            Some(Err(e)) => Err(SyntaxError {
                pos: Pos { line: e.marker().line(), column: e.marker().col() + 1 },
                message: e.info().to_owned(),
            }),
            None => Err(SyntaxError { pos: Pos { line: 1, column: 1 }, message: "unexpected end of YAML".into() }),
        }
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Node, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(error(span, "nesting too deep"));
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(error(span, "too many values (alias expansion)"));
        }
        let (node, anchor) = match event {
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| error(span, "unknown alias"))?;
                self.nodes += count(&node);
                return Ok(Node { pos: pos(span), ..node });
            }
            Event::Scalar(value, style, anchor, tag) => (scalar(&value, style, tag.as_deref(), pos(span)), anchor),
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        (Event::SequenceEnd, _) => break,
                        (e, s) => items.push(self.node(e, s, depth + 1)?),
                    }
                }
                (intrinsic(tag.as_deref(), Node::new(pos(span), Kind::Seq(items))), anchor)
            }
            Event::MappingStart(anchor, tag) => {
                let mut entries = Vec::new();
                loop {
                    let (e, s) = self.next()?;
                    if matches!(e, Event::MappingEnd) {
                        break;
                    }
                    let key = self.node(e, s, depth + 1)?;
                    let key_text = match &key.kind {
                        Kind::Str(k) | Kind::Number(k) => k.clone(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => String::new(),
                        _ => return Err(error(s, "a mapping key must be a scalar")),
                    };
                    let (e, s) = self.next()?;
                    let value = self.node(e, s, depth + 1)?;
                    entries.push(Entry { key: key_text, key_pos: key.pos, value });
                }
                (intrinsic(tag.as_deref(), Node::new(pos(span), Kind::Map(entries))), anchor)
            }
            _ => return Err(error(span, "unexpected YAML event")),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

fn count(node: &Node) -> usize {
    match &node.kind {
        Kind::Seq(v) => v.iter().map(count).sum::<usize>() + 1,
        Kind::Map(e) => e.iter().map(|e| count(&e.value)).sum::<usize>() + 1,
        _ => 1,
    }
}

fn is_local(tag: Option<&Tag>) -> Option<&str> {
    tag.filter(|t| t.handle == "!").map(|t| t.suffix.as_str())
}

/// A collection under a local tag (`!If [...]`, `!Join [...]`, `!Sub [...]`) is unknown.
fn intrinsic(tag: Option<&Tag>, node: Node) -> Node {
    match is_local(tag) {
        Some(name) => Node::new(node.pos, Kind::Unknown(format!("Fn::{name}"))),
        None => node,
    }
}

fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>, pos: Pos) -> Node {
    if let Some(name) = is_local(tag) {
        return Node::new(pos, super::intrinsics::short_form(name, value));
    }
    let core = tag.filter(|t| t.is_yaml_core_schema()).map(|t| t.suffix.as_str());
    let kind = match (style, core) {
        (_, Some("str")) => Kind::Str(value.to_string()),
        (ScalarStyle::Plain, _) => plain(value),
        _ => Kind::Str(value.to_string()),
    };
    Node::new(pos, kind)
}

/// The YAML 1.2 core schema for plain scalars.
fn plain(v: &str) -> Kind {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ if is_number(v) => Kind::Number(v.to_owned()),
        _ => Kind::Str(v.to_owned()),
    }
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    !digits.is_empty()
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && (digits.bytes().all(|b| b.is_ascii_digit()) || v.parse::<f64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_reads_intrinsics_as_unknown() {
        let text =
            "Resources:\n  T:\n    Image: !Ref Img\n    Cpu: 256\n    Flag: !If [c, true, false]\n    Name: \"x\"\n";
        let root = parse(text).unwrap();
        let t = root.get("Resources").unwrap().get("T").unwrap();
        assert_eq!(t.entry("Image").unwrap().key_pos, Pos { line: 3, column: 5 });
        assert_eq!(t.get("Image").unwrap().kind, Kind::Unknown("Ref:Img".into()));
        assert_eq!(t.get("Cpu").unwrap().kind, Kind::Number("256".into()));
        assert!(matches!(t.get("Flag").unwrap().kind, Kind::Unknown(_)));
        assert_eq!(t.get("Name").unwrap().kind, Kind::Str("x".into()));
    }

    #[test]
    fn reports_the_place_of_a_syntax_error() {
        let err = parse("a: 1\nb: [1, 2\nc: 3\n").err().unwrap();
        assert!(err.pos.line >= 2, "{}", err.pos.line);
    }

    #[test]
    fn aliases_copy_the_anchored_value() {
        let root = parse("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(root.get("b").unwrap().get("k").unwrap().kind, Kind::Number("1".into()));
    }
}
