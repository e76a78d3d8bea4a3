//! The rule engine: rule metadata, findings, and the pure checks over a [`Snapshot`](crate::model::Snapshot).
//!
//! A rule is one `static Rule` next to its check function, in the file of its domain. Its
//! metadata is data that docs, SARIF, recommendations and compliance all read. Checks are
//! short loops over the snapshot's walk helpers that report through [`Findings`].

mod engine;
pub mod identity;
mod registry;
mod score;
mod snippets;
mod types;

pub mod classic_load_balancer;
pub mod cluster;
pub mod container;
pub mod dns;
pub mod iam;
pub mod image;
pub mod infrastructure;
pub mod instances;
pub mod load_balancer;
pub mod mesh;
pub mod network;
pub mod resources;
pub mod secrets;
pub mod storage;

pub use engine::{
    Analysis, Evaluation, Exposure, Filter, GapNote, RuleResult, RuleStatus, SeverityFilter, analyze,
    analyze_with_rules,
};
pub use registry::{all, by_id};
pub use score::{RiskLevel, Score, SeverityCounts};
pub use types::*;
