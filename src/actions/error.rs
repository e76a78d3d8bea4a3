//! Errors of the actions: bad parameters (the caller's mistake) versus failures to reach or
//! read the cluster (reported to the model as a tool error with what to do next).

use crate::collect::CollectError;

/// Why an action could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// A parameter is missing or invalid; the message lists the valid values.
    #[error("invalid parameters: {0}")]
    InvalidParams(String),
    /// The cluster does not exist in the region searched.
    #[error("cluster {cluster:?} was not found in region {region}. {hint}")]
    ClusterNotFound { cluster: String, region: String, hint: String },
    /// AWS could not be reached or refused every call needed to answer.
    #[error("{0}")]
    Aws(String),
    /// The data source cannot serve this request.
    #[error("{0}")]
    Unavailable(String),
}

impl ActionError {
    pub fn is_invalid_params(&self) -> bool {
        matches!(self, ActionError::InvalidParams(_))
    }
}

impl ActionError {
    /// The error's kind in the one vocabulary that MCP tool errors and `run` payload
    /// answers share: `invalid_params`, `cluster_not_found`, `aws_error`, `unavailable`.
    pub fn kind(&self) -> &'static str {
        match self {
            ActionError::InvalidParams(_) => "invalid_params",
            ActionError::ClusterNotFound { .. } => "cluster_not_found",
            ActionError::Aws(_) => "aws_error",
            ActionError::Unavailable(_) => "unavailable",
        }
    }
}

impl From<CollectError> for ActionError {
    fn from(e: CollectError) -> ActionError {
        match e {
            CollectError::ClusterNotFound { cluster, region, hint } => {
                ActionError::ClusterNotFound { cluster, region, hint }
            }
            CollectError::Aws(message) => ActionError::Aws(message),
        }
    }
}
