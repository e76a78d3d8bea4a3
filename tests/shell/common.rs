//! Shared test helpers: loading the bundled fixtures.

use std::path::{Path, PathBuf};

use ecs_security_mcp::actions::{Actions, FileSource, Source};
use ecs_security_mcp::model::Snapshot;
use ecs_security_mcp::sources::load_snapshot;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_owned()
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

pub fn demo() -> Snapshot {
    load_snapshot(&fixture("demo-cluster.json")).expect("demo fixture loads")
}

pub fn hardened() -> Snapshot {
    load_snapshot(&fixture("hardened-cluster.json")).expect("hardened fixture loads")
}

/// An action dispatcher over the demo and hardened snapshots.
pub fn fixture_actions() -> Actions {
    Actions::new(Source::Files(FileSource::new(vec![demo(), hardened()])))
}
