//! Where snapshots come from besides AWS: files on disk.

pub mod files;
pub mod triage;

use std::path::Path;

use crate::model::{Snapshot, SnapshotError};

/// Reads a saved snapshot file.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, SnapshotError> {
    let text = std::fs::read_to_string(path).map_err(|source| SnapshotError::Io { path: path.to_owned(), source })?;
    Snapshot::parse(&text, path)
}
