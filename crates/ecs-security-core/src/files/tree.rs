//! The document tree both readers produce: values with the 1-based position of each value
//! and each key, so a finding can be placed on the line that causes it.

use serde::Serialize;

/// A 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// One value of a parsed file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
    /// A value only known at deploy time (a CloudFormation intrinsic, a Terraform value
    /// known after apply), described for messages, e.g. `Ref:DbPassword`.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    pub fn new(pos: Pos, kind: Kind) -> Node {
        Node { pos, kind }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            Kind::Map(e) => e,
            _ => &[],
        }
    }

    /// The entry whose key matches `name`, ignoring case, `_` and `-` (so `Image`,
    /// `image` and `container_definitions`/`containerDefinitions` match).
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries().iter().find(|e| same_key(&e.key, name))
    }

    pub fn get(&self, name: &str) -> Option<&Node> {
        self.entry(name).map(|e| &e.value)
    }

    pub fn str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(v) => v,
            _ => &[],
        }
    }
}

/// Whether two keys name the same field: case, `_` and `-` are ignored.
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().filter(|b| *b != b'_' && *b != b'-').map(|b| b.to_ascii_lowercase())
    }
    norm(a).eq(norm(b))
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
