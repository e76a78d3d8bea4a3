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

pub mod compliance;
pub mod knowledge;
pub mod model;
pub mod redact;
pub mod report;
pub mod rules;
pub mod severity;
pub mod text;

/// The tool's name, as reports and the MCP server introduce it.
pub const TOOL_NAME: &str = "ecs-security-mcp";
/// The tool's version: the workspace's, shared by the core and the shell.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
