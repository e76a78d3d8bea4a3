//! The core's tests over whole analyses: compliance, the registry and its generated docs,
//! every report format (insta snapshots, SARIF schema), and the score. One binary, so a
//! change to the core links one test executable besides the per-rule fixtures (`rules.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test harness: a panic is how it fails")]

mod answers;
mod common;
mod compat;
mod compliance;
mod files;
mod formats;
mod registry;
mod reports;
#[path = "../../../../tests/data/sarif_schema.rs"]
mod sarif_schema;
mod score;
mod triage;
mod verdicts;
