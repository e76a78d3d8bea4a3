//! The live collector: the only code that talks to AWS. (Being built: until it lands,
//! AWS-backed requests fail with a message that says so.)

use crate::actions::{ActionError, ClusterSummary, Depth, Prepared, ProgressTx};

/// Options for reaching AWS.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// Live AWS as a snapshot source.
#[derive(Debug, Clone, Default)]
pub struct AwsSource {
    pub options: AwsOptions,
}

const NOT_YET: &str = "live AWS collection is not available in this build yet; analyse a saved snapshot with --snapshot FILE, or run `ecs-security-mcp demo`";

impl AwsSource {
    pub fn new(options: AwsOptions) -> AwsSource {
        AwsSource { options }
    }

    pub async fn default_region(&self) -> String {
        self.options
            .region
            .clone()
            .unwrap_or_else(|| "us-east-1".into())
    }

    pub async fn list_clusters(
        &self,
        _region: &str,
        _progress: &ProgressTx,
    ) -> Result<Vec<ClusterSummary>, ActionError> {
        Err(ActionError::Unavailable(NOT_YET.into()))
    }

    pub async fn prepare(
        &self,
        _cluster: &str,
        _region: &str,
        _depth: Depth,
        _refresh: bool,
        _progress: &ProgressTx,
    ) -> Result<Prepared, ActionError> {
        Err(ActionError::Unavailable(NOT_YET.into()))
    }
}
