//! Shared test helpers: the repository's fixtures, read the way the shell reads files.

use std::path::{Path, PathBuf};

use ecs_security_core::model::Snapshot;

/// The repository root (fixtures, docs and test data live there, shared with the shell).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

pub fn load(path: &Path) -> Snapshot {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Snapshot::parse(&text, path).unwrap_or_else(|e| panic!("{e}"))
}

pub fn demo() -> Snapshot {
    load(&fixture("demo-cluster.json"))
}

pub fn hardened() -> Snapshot {
    load(&fixture("hardened-cluster.json"))
}
