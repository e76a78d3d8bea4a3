//! Task-definition files: text in, a snapshot and the place of each finding out.
//!
//! [`read`] detects and parses a file — `register-task-definition` input, a bare
//! `containerDefinitions` array (or one container definition), `describe-task-definition`
//! output, a CloudFormation template (JSON or YAML) or a Terraform plan (`terraform show
//! -json`), also as a Terraform `templatefile()` input (`*.json.tpl`, see [`template`]) — into a [`Snapshot`] holding its task definitions (and the template's services).
//! [`lint`] runs every rule that can judge a file; rules that need cluster data are
//! [not applicable](FileLint::not_applicable), never passed. No I/O: the caller reads files.
//!
//! Values known only at deploy time (intrinsics, Terraform's "known after apply") are never
//! read as literals: see [`intrinsics`] for how they reach the rules.

mod combine;
pub mod fix;
mod intrinsics;
mod json;
mod lenient;
mod lint;
mod locate;
mod read;
mod shape;
mod snapshot;
mod template;
pub(crate) mod tree;
pub(crate) mod yaml;

use serde::Serialize;

pub use combine::{Combined, combine};
pub use lint::{FileLint, NOT_APPLICABLE_REASON, NotJudged, is_file_applicable, lint};
pub use locate::Located;
pub use read::FileKind;
pub use tree::Pos;

use crate::model::Snapshot;

/// Why a file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{path}:{}:{}: {message}", pos.line, pos.column)]
pub struct FileError {
    pub path: String,
    pub pos: Pos,
    /// The JSON pointer of the offending value, when the text parsed but a value did not fit.
    pub pointer: Option<String>,
    pub message: String,
}

/// A value of the file known only at deploy time, left out of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    pub pointer: String,
    pub line: usize,
    pub column: usize,
    /// The intrinsic or reason, e.g. `Fn::If`, `known after apply`.
    pub what: String,
    /// The model field it would fill, e.g. `privileged`.
    pub field: String,
}

/// A file read into a snapshot.
#[derive(Debug, Clone)]
pub struct FileSnapshot {
    pub path: String,
    pub kind: FileKind,
    pub snapshot: Snapshot,
    pub unknown: Vec<Unknown>,
    units: Vec<read::Unit>,
    services: Vec<read::ServiceUnit>,
}

/// Reads one file's text; `path` names it in the snapshot, in errors and in locations.
pub fn read(path: &str, text: &str) -> Result<FileSnapshot, FileError> {
    let r = read::read(path, text)?;
    let (snapshot, units, services) = snapshot::build(path, r.units, r.services, &r.hosts);
    let unknown = r
        .skipped
        .into_iter()
        .map(|s| Unknown { pointer: s.pointer, line: s.pos.line, column: s.pos.column, what: s.what, field: s.field })
        .collect();
    Ok(FileSnapshot { path: path.to_owned(), kind: r.kind, snapshot, unknown, units, services })
}
