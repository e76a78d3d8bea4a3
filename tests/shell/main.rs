//! The shell's tests in one binary: the CLI, MCP over an in-process client, stdio and
//! Streamable HTTP with real clients, elicitation, the actions' properties and trust
//! (secrets, hostile text, IAM policy). The moto end-to-end suite is its own binary
//! (`tests/e2e`, `harness = false`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test harness: a panic is how it fails")]

mod common;
#[allow(dead_code)]
#[path = "../../benches/support/mcp_http.rs"]
mod mcp_http;
#[allow(dead_code)]
#[path = "../e2e/moto.rs"]
mod moto;
#[path = "../data/sarif_schema.rs"]
mod sarif_schema;

mod cli;
mod elicitation;
mod fleet;
mod fleet_formats;
mod formats;
mod http;
mod lint;
mod mcp;
mod precommit;
mod properties;
mod recommendations;
mod stdio;
mod triage;
mod trust;
