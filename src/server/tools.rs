//! The MCP tools: one per action, with the action's name, title and description, an input
//! schema generated from its parameter type, and read-only annotations; open-world for the
//! actions that read AWS, closed-world for `analyze_task_definition`, which reads only its input.

use std::sync::Arc;

use rmcp::handler::server::tool::schema_for_input;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;

use crate::actions::{
    ActionKind, AnalyzeParams, AnalyzeTaskDefinitionParams, ComplianceParams, DraftSuppressionParams,
    FindingDetailsParams, ListClustersParams, ListFindingsParams, RecommendationsParams, ReportParams,
    SelectClusterParams,
};

fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    // Our parameter types are all objects; a failure here is a programming error that the
    // tool-list test catches, so fall back to an empty object schema rather than panic.
    schema_for_input::<T>().unwrap_or_else(|_| Arc::new(JsonObject::new()))
}

/// The input schema of an action's parameters.
fn schema_of(kind: ActionKind) -> Arc<JsonObject> {
    match kind {
        ActionKind::ListClusters => input_schema::<ListClustersParams>(),
        ActionKind::SelectCluster => input_schema::<SelectClusterParams>(),
        ActionKind::Analyze => input_schema::<AnalyzeParams>(),
        ActionKind::Report => input_schema::<ReportParams>(),
        ActionKind::Recommendations => input_schema::<RecommendationsParams>(),
        ActionKind::Compliance => input_schema::<ComplianceParams>(),
        ActionKind::ListFindings => input_schema::<ListFindingsParams>(),
        ActionKind::FindingDetails => input_schema::<FindingDetailsParams>(),
        ActionKind::AnalyzeTaskDefinition => input_schema::<AnalyzeTaskDefinitionParams>(),
        ActionKind::DraftSuppression => input_schema::<DraftSuppressionParams>(),
        ActionKind::ScanFleet => input_schema::<crate::fleet::mcp::ScanFleetParams>(),
    }
}

/// The tool of one action.
pub fn tool(kind: ActionKind) -> Tool {
    let title = kind.title();
    let input = super::schema::portable(schema_of(kind).as_ref().clone());
    let output = super::schema::portable(super::outputs::schema_of(kind).as_ref().clone());
    Tool::new(kind.name(), kind.description(), input)
        .with_title(title)
        .with_raw_output_schema(Arc::new(output))
        .with_annotations(
            ToolAnnotations::with_title(title)
                .read_only(true)
                .destructive(false)
                .idempotent(true)
                .open_world(kind.open_world()),
        )
}

/// Every tool this server offers.
pub fn all() -> Vec<Tool> {
    ActionKind::ALL.into_iter().map(tool).collect()
}
