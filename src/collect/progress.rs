//! What a collection is asked for and what it tells while it runs.

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

/// How much to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything the rules read.
    Full,
    /// Skip ECR scan results and load balancer details (for `quick` analyses).
    Quick,
}

/// A progress update during collection: a stage and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEvent {
    pub stage: String,
    pub progress: u32,
    pub total: Option<u32>,
    pub message: String,
}

/// Where progress updates go (the MCP progress notifications), if anywhere.
pub type ProgressTx = Option<UnboundedSender<ProgressEvent>>;

/// Why a collection produced no snapshot. A failed call that only hides part of the data is
/// not an error: it is a gap in the snapshot.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The cluster does not exist in the region searched.
    #[error("cluster {cluster:?} was not found in region {region}. {hint}")]
    ClusterNotFound { cluster: String, region: String, hint: String },
    /// AWS could not be reached, or refused the calls every answer needs.
    #[error("{0}")]
    Aws(String),
}
