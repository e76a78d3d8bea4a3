//! The output schema of every tool: what its `structuredContent` holds, declared so clients
//! (the TypeScript SDK validates it) can rely on it. Answers built from the core's typed
//! digests use those types; the others are described here at their top level, and a test
//! validates every tool's structured content against its schema.

use std::sync::Arc;

use rmcp::handler::server::tool::schema_for_output;
use rmcp::model::JsonObject;
use schemars::JsonSchema;
use serde_json::{Map, Value};

/// A JSON object of any shape (a boolean `true` schema is not accepted as a property schema
/// by every client, so these are declared as objects).
type Object = Map<String, Value>;

use crate::actions::ActionKind;
use crate::report::digest::AnalysisDigest;
use crate::report::drill::{FindingDetail, FindingsPage, RuleDetail};
use crate::report::reference::ReportReference;
use crate::triage::draft::SuppressionDraft;

/// `list_clusters`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ClusterList {
    region: String,
    total: usize,
    /// Each cluster's status and counts.
    clusters: Vec<Object>,
}

/// `select_cluster_for_analysis` without a cluster: the clusters to choose from.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct SelectionMenu {
    region: String,
    total: usize,
    clusters: Vec<Object>,
    analysis_types: Vec<Object>,
    next: String,
}

/// `get_security_recommendations` (and the quick analysis).
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Recommendations {
    cluster: String,
    region: String,
    filters: Object,
    /// Recommendations for this filter, on every page.
    total: usize,
    returned: usize,
    limit: usize,
    /// Affected resources named per recommendation (`affected_total` counts them all).
    affected_examples: usize,
    /// Why fewer than `limit` were returned, when that happens.
    note: Option<String>,
    recommendations: Vec<Object>,
}

/// `check_compliance_status`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Compliance {
    summary: String,
    cluster: String,
    region: String,
    failing_examples_per_control: usize,
    frameworks: Vec<Object>,
}

/// `analyze_task_definition`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct TaskDefinitionCheck {
    file: String,
    /// The form the text was read as (register input, describe output, CloudFormation, …).
    kind: String,
    /// What the lines and columns count in.
    lines_refer_to: String,
    score: Object,
    total_findings: usize,
    shown: usize,
    /// Each finding with its JSON pointer, line, column and fix (a corrected fragment where
    /// one is known).
    findings: Vec<Object>,
    /// What did not fit the answer, when something did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted: Option<String>,
    not_judged: Vec<Object>,
    not_applicable: Object,
}

/// `get_finding_details`: one finding, or one rule with the resources it flags.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Details {
    Finding(FindingDetail),
    Rule(RuleDetail),
}

/// `select_cluster_for_analysis`: the menu, or the answer of the analysis it ran.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Selection {
    Menu(SelectionMenu),
    Comprehensive(Box<AnalysisDigest>),
    Quick(Recommendations),
    Report(ReportReference),
    Compliance(Compliance),
}

/// The output schema of an action's tool. MCP wants an object at the root, which an
/// untagged enum's `anyOf` of objects is but does not say: it is said explicitly.
pub fn schema_of(kind: ActionKind) -> Arc<JsonObject> {
    let schema = schema_for(kind);
    if schema.contains_key("type") {
        return schema;
    }
    let mut object = schema.as_ref().clone();
    object.insert("type".into(), Value::from("object"));
    Arc::new(object)
}

fn schema_for(kind: ActionKind) -> Arc<JsonObject> {
    match kind {
        ActionKind::ListClusters => schema_for_output::<ClusterList>(),
        ActionKind::SelectCluster => schema_for_output::<Selection>(),
        ActionKind::Analyze => schema_for_output::<AnalysisDigest>(),
        ActionKind::Report => schema_for_output::<ReportReference>(),
        ActionKind::Recommendations => schema_for_output::<Recommendations>(),
        ActionKind::Compliance => schema_for_output::<Compliance>(),
        ActionKind::ListFindings => schema_for_output::<FindingsPage>(),
        ActionKind::FindingDetails => schema_for_output::<Details>(),
        ActionKind::AnalyzeTaskDefinition => schema_for_output::<TaskDefinitionCheck>(),
        ActionKind::DraftSuppression => schema_for_output::<SuppressionDraft>(),
        ActionKind::ScanFleet => schema_for_output::<crate::report::fleet::FleetDigest>(),
    }
}
