//! Shared test helpers: loading the bundled fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ecs_security_mcp::actions::{Actions, FileSource, Source};
use ecs_security_mcp::model::Snapshot;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

pub fn demo() -> Snapshot {
    Snapshot::load(&fixture("demo-cluster.json")).expect("demo fixture loads")
}

pub fn hardened() -> Snapshot {
    Snapshot::load(&fixture("hardened-cluster.json")).expect("hardened fixture loads")
}

/// An action dispatcher over the demo and hardened snapshots.
pub fn fixture_actions() -> Actions {
    Actions::new(Source::Files(FileSource::new(vec![demo(), hardened()])))
}
