//! select_cluster_for_analysis without a cluster: a client that can show forms is asked to
//! choose a cluster and an analysis type (MCP elicitation); one that cannot gets the menu.

use crate::common;

use std::sync::{Arc, Mutex};

use ecs_security_mcp::server::SecurityServer;
use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction,
    Implementation, JsonObject,
};
use rmcp::service::{RequestContext, RoleClient};
use rmcp::{ClientHandler, ErrorData as McpError, ServiceExt};
use serde_json::{Value, json};

#[derive(Clone)]
struct FormClient {
    answer: Option<Value>,
    asked: Arc<Mutex<Vec<Value>>>,
}

impl ClientHandler for FormClient {
    fn get_info(&self) -> ClientConfig {
        let caps: ClientCapabilities =
            serde_json::from_value(json!({"elicitation": {"form": {}}})).expect("capabilities");
        ClientConfig::new(caps, Implementation::new("form-client", "1"))
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, McpError> {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(serde_json::to_value(&request).unwrap_or(Value::Null));
        }
        Ok(match &self.answer {
            Some(content) => ElicitResult::new(ElicitationAction::Accept).with_content(content.clone()),
            None => ElicitResult::new(ElicitationAction::Decline),
        })
    }
}

async fn select(client: FormClient) -> Value {
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    let server = SecurityServer::new(common::fixture_actions());
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let running = client.serve(client_io).await.expect("connects");
    let result = running
        .call_tool(CallToolRequestParams::new("select_cluster_for_analysis").with_arguments(JsonObject::new()))
        .await
        .expect("answers");
    assert_eq!(result.is_error, Some(false));
    let data = result.structured_content.clone().expect("structured content");
    running.cancel().await.ok();
    data
}

#[tokio::test]
async fn a_form_capable_client_chooses_the_cluster_and_analysis() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let data = select(FormClient {
        answer: Some(json!({"cluster_name": "payments-prod", "analysis_type": "compliance"})),
        asked: asked.clone(),
    })
    .await;
    assert_eq!(data["analysis_type"], "compliance");
    assert_eq!(data["frameworks"].as_array().map(Vec::len), Some(5), "ran the compliance analysis: {data}");
    let asked = asked.lock().expect("lock");
    assert_eq!(asked.len(), 1);
    let schema = &asked[0]["requestedSchema"];
    let clusters: Vec<&str> = schema["properties"]["cluster_name"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(clusters.contains(&"payments-prod") && clusters.contains(&"payments-hardened"), "{clusters:?}");
}

#[tokio::test]
async fn a_declined_form_falls_back_to_the_menu() {
    let data = select(FormClient { answer: None, asked: Arc::new(Mutex::new(Vec::new())) }).await;
    assert_eq!(data["analysis_types"].as_array().map(Vec::len), Some(4), "{data}");
}

#[tokio::test]
async fn an_invented_cluster_name_is_not_trusted() {
    let data = select(FormClient {
        answer: Some(json!({"cluster_name": "not-listed", "analysis_type": "quick"})),
        asked: Arc::new(Mutex::new(Vec::new())),
    })
    .await;
    assert!(data.get("analysis_types").is_some(), "an answer outside the offered list falls back to the menu: {data}");
}
