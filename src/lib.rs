//! ecs-security-mcp: a read-only security auditor for Amazon ECS clusters.
//!
//! This crate is the I/O shell around [`ecs_security_core`]: the MCP [`server`] and the CLI
//! call the [`actions`], which get snapshots from the live [`collect`]or or from [`sources`]
//! (saved files) and hand them to the core's rules, compliance and reports. One way down:
//! server/CLI → actions → collect | sources → core. The core's modules are re-exported
//! here under their own names.

pub mod actions;
pub mod clock;
pub mod collect;
pub mod fleet;
pub mod server;
pub mod sources;
pub mod terminal;

pub use ecs_security_core::{
    TOOL_NAME, TOOL_VERSION, compliance, files, knowledge, model, redact, report, rules, severity, text, triage,
};
