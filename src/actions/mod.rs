//! The six actions of the spec, shared by the MCP tools and the CLI's `run`.
//!
//! Each action takes typed parameters and returns Markdown for a reader (or a model) plus
//! structured JSON for machines. `{"action": …, "parameters": {…}}` payloads are parsed here.

mod error;
mod handlers;
mod memo;
mod params;
mod source;

use serde::Deserialize;
use serde_json::Value;

pub use error::ActionError;
pub use params::*;
pub use source::{ClusterSummary, Depth, FileSource, Prepared, ProgressEvent, ProgressTx, Source};

/// The names of the six actions, as the spec spells them.
pub const ACTION_NAMES: [&str; 6] = [
    "list_clusters",
    "select_cluster_for_analysis",
    "analyze_cluster_security",
    "generate_security_report",
    "get_security_recommendations",
    "check_compliance_status",
];

/// An action with its parameters.
#[derive(Debug, Clone)]
pub enum Action {
    ListClusters(ListClustersParams),
    SelectCluster(SelectClusterParams),
    Analyze(AnalyzeParams),
    Report(ReportParams),
    Recommendations(RecommendationsParams),
    Compliance(ComplianceParams),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    action: String,
    #[serde(default)]
    parameters: Option<Value>,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::ListClusters(_) => ACTION_NAMES[0],
            Action::SelectCluster(_) => ACTION_NAMES[1],
            Action::Analyze(_) => ACTION_NAMES[2],
            Action::Report(_) => ACTION_NAMES[3],
            Action::Recommendations(_) => ACTION_NAMES[4],
            Action::Compliance(_) => ACTION_NAMES[5],
        }
    }

    /// Parses an action by name with its parameters (`null` or absent means none).
    pub fn parse(name: &str, parameters: Option<Value>) -> Result<Action, ActionError> {
        let params = match parameters {
            None | Some(Value::Null) => Value::Object(Default::default()),
            Some(v @ Value::Object(_)) => v,
            Some(other) => {
                return Err(ActionError::InvalidParams(format!(
                    "`parameters` must be an object, not {}",
                    json_kind(&other)
                )));
            }
        };
        fn typed<T: for<'de> Deserialize<'de>>(name: &str, v: Value) -> Result<T, ActionError> {
            // serde quotes unknown field names verbatim: keep control characters out.
            serde_json::from_value(v).map_err(|e| {
                ActionError::InvalidParams(format!("{name}: {}", crate::report::text::strip_controls(&e.to_string())))
            })
        }
        Ok(match name {
            "list_clusters" => Action::ListClusters(typed(name, params)?),
            "select_cluster_for_analysis" => Action::SelectCluster(typed(name, params)?),
            "analyze_cluster_security" => Action::Analyze(typed(name, params)?),
            "generate_security_report" => Action::Report(typed(name, params)?),
            "get_security_recommendations" => Action::Recommendations(typed(name, params)?),
            "check_compliance_status" => Action::Compliance(typed(name, params)?),
            other => {
                return Err(ActionError::InvalidParams(format!(
                    "unknown action {:?}; valid actions: {}",
                    crate::report::text::plain(other),
                    ACTION_NAMES.join(", ")
                )));
            }
        })
    }

    /// Parses a `{"action": "...", "parameters": {...}}` payload.
    pub fn from_payload(text: &str) -> Result<Action, ActionError> {
        let payload: Payload = serde_json::from_str(text).map_err(|e| {
            ActionError::InvalidParams(format!(
                "payload is not of the form {{\"action\": \"...\", \"parameters\": {{...}}}}: {e}"
            ))
        })?;
        Action::parse(&payload.action, payload.parameters)
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What an action returns: Markdown for a reader and JSON for machines.
#[derive(Debug, Clone)]
pub struct ActionOutput {
    pub text: String,
    pub data: Value,
}

/// The action dispatcher over a data source.
#[derive(Debug, Clone)]
pub struct Actions {
    source: Source,
    /// Recently rendered answers, shared by clones of this dispatcher.
    rendered: std::sync::Arc<memo::Rendered>,
}

impl Actions {
    pub fn new(source: Source) -> Actions {
        Actions { source, rendered: Default::default() }
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Runs an action. `progress` receives collection progress when given.
    pub async fn run(&self, action: Action, progress: ProgressTx) -> Result<ActionOutput, ActionError> {
        match action {
            Action::ListClusters(p) => handlers::list_clusters(self, p, &progress).await,
            Action::SelectCluster(p) => handlers::select_cluster(self, p, &progress).await,
            Action::Analyze(p) => handlers::analyze(self, p, &progress).await,
            Action::Report(p) => handlers::report(self, p, &progress).await,
            Action::Recommendations(p) => handlers::recommendations(self, p, &progress).await,
            Action::Compliance(p) => handlers::compliance(self, p, &progress).await,
        }
    }

    /// The region to use: the parameter (validated) or the source's default.
    async fn region(&self, region: Option<String>) -> Result<(String, bool), ActionError> {
        match region.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()) {
            Some(r) => {
                validate_region(&r).map_err(ActionError::InvalidParams)?;
                Ok((r, true))
            }
            None => Ok((self.source.default_region().await, false)),
        }
    }

    /// The snapshot and analysis of a cluster, from the source (or its cache).
    pub async fn prepare(
        &self,
        cluster: &str,
        region: Option<String>,
        depth: Depth,
        refresh: Option<bool>,
        progress: &ProgressTx,
    ) -> Result<Prepared, ActionError> {
        let cluster = cluster.trim();
        if cluster.is_empty() {
            return Err(ActionError::InvalidParams(
                "cluster_name is required; call list_clusters to see the clusters in the region".into(),
            ));
        }
        validate_cluster(cluster).map_err(ActionError::InvalidParams)?;
        let (region, explicit) = self.region(region).await?;
        self.source.prepare(cluster, &region, explicit, depth, refresh.unwrap_or(false), progress).await
    }
}

/// The current time in RFC 3339 (UTC, seconds).
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
