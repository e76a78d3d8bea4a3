//! The pure core of ecs-security-mcp: everything that is a function of a snapshot.
//!
//! A [`model::Snapshot`] holds what was collected about one cluster (or read from files).
//! [`rules::analyze`] judges it against the rule catalog; [`compliance`] maps the results
//! to framework controls; [`report`] renders them. Nothing here does I/O, reads a clock or
//! the environment, or knows about AWS SDKs, MCP or async runtimes: the caller supplies
//! the data and the time, so every result is reproducible from a snapshot file.
//!
//! Layers, each importing only those before it: [`severity`] and [`text`] → [`model`] →
//! [`knowledge`] → [`redact`] → [`rules`] → [`compliance`] → [`report`].
//!
//! ```
//! use std::path::Path;
//!
//! use ecs_security_core::compliance::{self, Framework};
//! use ecs_security_core::model::Snapshot;
//! use ecs_security_core::report::{self, Format, ReportOptions};
//! use ecs_security_core::rules::{self, Filter};
//!
//! // A cluster with one task definition whose container runs privileged.
//! let text = r#"{
//!   "schema_version": 1,
//!   "region": "eu-west-1",
//!   "cluster": {"clusterName": "demo", "clusterArn": "arn:aws:ecs:eu-west-1:111122223333:cluster/demo"},
//!   "tasks": [{"taskArn": "arn:aws:ecs:eu-west-1:111122223333:task/demo/1",
//!              "taskDefinitionArn": "arn:aws:ecs:eu-west-1:111122223333:task-definition/app:3",
//!              "lastStatus": "RUNNING"}],
//!   "task_definitions": [{"taskDefinitionArn": "arn:aws:ecs:eu-west-1:111122223333:task-definition/app:3",
//!                         "family": "app", "revision": 3,
//!                         "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "privileged": true}]}]
//! }"#;
//! let snapshot = Snapshot::parse(text, Path::new("demo.json"))?;
//! let analysis = rules::analyze(&snapshot);
//! assert!(analysis.findings.iter().any(|f| f.rule.id == "container-privileged"));
//!
//! let fsbp = compliance::evaluate(&analysis, Framework::AwsFoundational);
//! assert!(fsbp.summary.failed > 0);
//!
//! // The caller supplies the time: the core never reads a clock.
//! let opts = ReportOptions { show_details: false, generated_at: "2026-12-04T12:00:00Z".into() };
//! let sarif = report::render(Format::Sarif, &analysis, &Filter::default(), &opts);
//! assert!(sarif.contains("container-privileged"));
//! # Ok::<(), ecs_security_core::model::SnapshotError>(())
//! ```

pub mod compliance;
pub mod files;
pub mod knowledge;
pub mod model;
pub mod redact;
pub mod report;
pub mod rules;
pub mod severity;
pub mod text;
pub mod triage;

/// The tool's name, as reports and the MCP server introduce it.
pub const TOOL_NAME: &str = "ecs-security-mcp";
/// The tool's version: the workspace's, shared by the core and the shell.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
