//! Asking the user to choose a cluster and an analysis type through MCP elicitation, when
//! `select_cluster_for_analysis` is called without a cluster and the client can show a form.

use rmcp::RoleServer;
use rmcp::model::{ElicitRequestParams, ElicitationAction, ElicitationSchema, ProtocolVersion};
use rmcp::service::{ElicitationMode, Peer};
use serde_json::json;

use crate::actions::{Action, Actions, AnalysisType, Lenient, SelectClusterParams};

/// Whether the client can answer a form elicitation on this protocol version (2026-07-28
/// forbids server-to-client requests).
pub fn supported(peer: &Peer<RoleServer>, protocol: Option<&ProtocolVersion>) -> bool {
    let stateless = protocol.is_some_and(|p| p.as_str() >= "2026-07-28");
    !stateless && peer.supported_elicitation_modes().contains(&ElicitationMode::Form)
}

/// Lists the clusters, asks the user to pick one and an analysis type, and returns the
/// parameters to run; `None` when there is nothing to choose or the user declines, so the
/// caller answers with the plain menu instead.
pub async fn choose(
    actions: &Actions,
    peer: &Peer<RoleServer>,
    params: &SelectClusterParams,
) -> Option<SelectClusterParams> {
    let list =
        Action::parse("list_clusters", Some(json!({ "region": params.region })).filter(|_| params.region.is_some()))
            .ok()?;
    let listed = actions.run(list, None).await.ok()?;
    let names: Vec<String> =
        listed.data["clusters"].as_array()?.iter().filter_map(|c| c["name"].as_str().map(str::to_owned)).collect();
    if names.is_empty() {
        return None;
    }
    let types: Vec<&str> = AnalysisType::ALL.iter().map(|t| t.as_str()).collect();
    let descriptions: Vec<String> =
        AnalysisType::ALL.iter().map(|t| format!("{}: {}", t.as_str(), t.description())).collect();
    let schema: ElicitationSchema = serde_json::from_value(json!({
        "type": "object",
        "properties": {
            "cluster_name": {
                "type": "string",
                "title": "Cluster",
                "description": "The ECS cluster to analyse",
                "enum": names,
            },
            "analysis_type": {
                "type": "string",
                "title": "Analysis",
                "description": descriptions.join("; "),
                "enum": types,
                "default": "comprehensive",
            }
        },
        "required": ["cluster_name", "analysis_type"]
    }))
    .ok()?;
    let region = listed.data["region"].as_str().unwrap_or("the default region");
    let request = ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: format!("Which ECS cluster in {region} should I analyse, and how?"),
        requested_schema: schema,
    };
    let answer = match peer.create_elicitation(request).await {
        Ok(a) => a,
        Err(e) => {
            tracing::debug!(error = %e, "elicitation failed; answering with the cluster list");
            return None;
        }
    };
    if answer.action != ElicitationAction::Accept {
        return None;
    }
    let content = answer.content?;
    let cluster = content["cluster_name"].as_str().filter(|c| names.iter().any(|n| n == c))?;
    let analysis_type = content["analysis_type"].as_str().and_then(|t| t.parse::<AnalysisType>().ok());
    Some(SelectClusterParams {
        cluster_name: Some(cluster.to_owned()),
        analysis_type: analysis_type.map(Lenient).or(params.analysis_type),
        ..params.clone()
    })
}
