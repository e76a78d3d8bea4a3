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

/// A task definition no file-applicable rule flags: the clean case of the lint tests.
pub const CLEAN_TASK_DEFINITION: &str = r#"{
  "family": "ok",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "taskRoleArn": "arn:aws:iam::123456789012:role/app",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "tags": [{"key": "team", "value": "a"}],
  "containerDefinitions": [
    {
      "name": "app",
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
      "essential": true,
      "user": "1000:1000",
      "readonlyRootFilesystem": true,
      "memory": 256,
      "linuxParameters": {"initProcessEnabled": true, "capabilities": {"drop": ["ALL"]}},
      "healthCheck": {"command": ["CMD", "/bin/check"]},
      "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g"}}
    }
  ]
}
"#;
