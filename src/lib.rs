//! ecs-security-mcp: a read-only security auditor for Amazon ECS clusters.
//!
//! The pipeline is `collect` (AWS or a snapshot file) → [`model::Snapshot`] → [`rules`] →
//! findings → [`compliance`] and [`report`]. Everything after collection is a pure function
//! of the snapshot. [`actions`] is the dispatcher shared by the MCP [`server`] and the CLI.

pub mod actions;
pub mod collect;
pub mod compliance;
pub mod knowledge;
pub mod model;
pub mod report;
pub mod rules;
pub mod server;
