//! The MCP server in process: a real rmcp client over an in-memory duplex transport.

use crate::common;

use ecs_security_mcp::server::SecurityServer;
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject};
use rmcp::service::{RoleClient, RunningService, ServiceError};
use serde_json::{Value, json};

async fn connect() -> RunningService<RoleClient, ()> {
    connect_to(SecurityServer::new(common::fixture_actions())).await
}

async fn connect_to(server: SecurityServer) -> RunningService<RoleClient, ()> {
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    ().serve(client_io).await.expect("client connects")
}

fn args(v: Value) -> JsonObject {
    match v {
        Value::Object(o) => o,
        other => panic!("arguments must be an object, got {other}"),
    }
}

async fn call(client: &RunningService<RoleClient, ()>, tool: &str, arguments: Value) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(args(arguments)))
        .await
        .unwrap_or_else(|e| panic!("{tool} failed at the protocol level: {e}"))
}

fn text(r: &CallToolResult) -> String {
    r.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("\n")
}

fn structured(r: &CallToolResult) -> &Value {
    r.structured_content.as_ref().expect("structured content")
}

#[tokio::test]
async fn initialize_and_list_tools() {
    let client = connect().await;
    let info = client.peer_info().expect("server info after initialize");
    assert_eq!(info.server_info.as_ref().map(|s| s.name.as_str()), Some("ecs-security-mcp"));
    assert!(info.capabilities.tools.is_some());

    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "list_clusters",
            "select_cluster_for_analysis",
            "analyze_cluster_security",
            "generate_security_report",
            "get_security_recommendations",
            "check_compliance_status",
            "list_findings",
            "get_finding_details",
            "analyze_task_definition",
            "draft_suppression",
            "scan_fleet"
        ]
    );
    for t in &tools {
        let a = t.annotations.as_ref().expect("annotations");
        assert_eq!(a.read_only_hint, Some(true), "{}", t.name);
        // Only the file check reads nothing but its input.
        assert_eq!(a.open_world_hint, Some(t.name != "analyze_task_definition"), "{}", t.name);
        assert_eq!(a.destructive_hint, Some(false), "{}", t.name);
        assert!(t.description.as_ref().is_some_and(|d| d.len() > 80), "{} needs a real description", t.name);
        assert_eq!(t.input_schema.get("type"), Some(&json!("object")), "{}", t.name);
        let props = t.input_schema.get("properties").and_then(Value::as_object).expect("properties");
        for (name, schema) in props {
            assert!(schema.get("description").is_some(), "{}.{name} has no description", t.name);
        }
    }
    let analyze = tools.iter().find(|t| t.name == "analyze_cluster_security").expect("analyze tool");
    assert_eq!(analyze.input_schema.get("required"), Some(&json!(["cluster_name"])));
    client.cancel().await.ok();
}

#[tokio::test]
async fn every_tool_answers_on_the_demo() {
    let client = connect().await;

    let r = call(&client, "list_clusters", json!({})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let clusters = structured(&r)["clusters"].as_array().expect("clusters");
    assert!(clusters.iter().any(|c| c["name"] == "payments-prod"), "{}", structured(&r));

    let r = call(&client, "select_cluster_for_analysis", json!({})).await;
    assert_eq!(r.is_error, Some(false));
    assert_eq!(structured(&r)["analysis_types"].as_array().map(Vec::len), Some(4));

    for t in ["comprehensive", "quick", "report", "compliance"] {
        let r =
            call(&client, "select_cluster_for_analysis", json!({"cluster_name": "payments-prod", "analysis_type": t}))
                .await;
        assert_eq!(r.is_error, Some(false), "{t}: {}", text(&r));
        assert_eq!(structured(&r)["analysis_type"], json!(t));
    }

    let r = call(&client, "analyze_cluster_security", json!({"cluster_name": "payments-prod"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let digest = structured(&r);
    let total = digest["findings"]["total"].as_u64().expect("a total");
    assert!(total >= 25, "only {total} findings");
    assert_eq!(digest["page"]["findings_total"].as_u64(), Some(total));
    assert!(digest["summary"].as_str().is_some_and(|s| s.contains("score 11/100")), "{digest}");
    let rules = digest["rules"].as_array().expect("rules");
    assert!(!rules.is_empty());
    for key in ["rule_id", "title", "severity", "category", "affected", "examples", "fix"] {
        assert!(rules[0].get(key).is_some(), "a rule group lacks {key}");
    }
    assert!(text(&r).contains("payments-prod"));

    // Every finding, page by page, and one in full.
    let mut ids = Vec::new();
    let mut cursor = None;
    loop {
        let mut args = json!({"cluster_name": "payments-prod", "max_result_chars": 4000});
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let r = call(&client, "list_findings", args).await;
        assert_eq!(r.is_error, Some(false), "{}", text(&r));
        let page = structured(&r);
        let size = serde_json::to_string(&text(&r)).expect("json").len() + page.to_string().len();
        assert!(size <= 4000, "page of {size} characters");
        for f in page["findings"].as_array().expect("findings") {
            for key in ["id", "rule_id", "severity", "category", "resource", "message"] {
                assert!(f.get(key).is_some(), "finding lacks {key}");
            }
            ids.push(f["id"].as_str().expect("id").to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(ids.len() as u64, total);
    let r = call(&client, "get_finding_details", json!({"cluster_name": "payments-prod", "finding_id": ids[0]})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let detail = structured(&r);
    for key in ["evidence", "why", "fix", "compliance", "references"] {
        assert!(detail.get(key).is_some(), "detail lacks {key}");
    }
    assert!(detail["fix"]["terraform"].as_str().is_some_and(|t| !t.is_empty()));
    let rule_id = rules[0]["rule_id"].as_str().expect("rule id");
    let r = call(&client, "get_finding_details", json!({"cluster_name": "payments-prod", "rule_id": rule_id})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert_eq!(structured(&r)["affected_total"], rules[0]["affected"]);

    for format in ["summary", "detailed", "json", "executive"] {
        let r =
            call(&client, "generate_security_report", json!({"cluster_name": "payments-prod", "format": format})).await;
        assert_eq!(r.is_error, Some(false), "{format}: {}", text(&r));
        assert!(text(&r).len() > 200, "{format} report too short");
    }

    let r = call(&client, "get_security_recommendations", json!({"cluster_name": "payments-prod", "limit": 3})).await;
    assert_eq!(r.is_error, Some(false));
    let s = structured(&r);
    assert_eq!(s["returned"], json!(3));
    assert!(s["total"].as_u64().expect("total") > 3);

    let r = call(
        &client,
        "check_compliance_status",
        json!({"cluster_name": "payments-prod", "compliance_framework": "all"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false));
    assert_eq!(structured(&r)["frameworks"].as_array().map(Vec::len), Some(5));
    client.cancel().await.ok();
}

#[tokio::test]
async fn filters_are_honoured() {
    let client = connect().await;
    let r = call(&client, "list_findings", json!({"cluster_name": "payments-prod", "severity_filter": "high"})).await;
    let findings = structured(&r)["findings"].as_array().expect("findings").clone();
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["severity"] == "High" || f["severity"] == "Critical"));
    let r = call(&client, "list_findings", json!({"cluster_name": "payments-prod", "severity_filter": ["High"]})).await;
    let exact = structured(&r)["findings"].as_array().expect("findings").clone();
    assert!(exact.iter().all(|f| f["severity"] == "High"));
    assert!(exact.len() < findings.len(), "the list form is exact, the single form a threshold");
    let r =
        call(&client, "list_findings", json!({"cluster_name": "payments-prod", "category_filter": "secrets"})).await;
    let secrets = structured(&r)["findings"].as_array().expect("findings").clone();
    assert!(!secrets.is_empty() && secrets.iter().all(|f| f["category"] == "secrets"));
    let r =
        call(&client, "analyze_cluster_security", json!({"cluster_name": "payments-prod", "severity_filter": "high"}))
            .await;
    let rules = structured(&r)["rules"].as_array().expect("rules").clone();
    assert!(!rules.is_empty() && rules.iter().all(|g| g["severity"] == "High" || g["severity"] == "Critical"));
    client.cancel().await.ok();
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_the_server_keeps_serving() {
    let client = connect().await;

    let err = client
        .call_tool(CallToolRequestParams::new("drop_all_tables").with_arguments(JsonObject::new()))
        .await
        .expect_err("an unknown tool is a protocol error");
    match err {
        ServiceError::McpError(e) => assert!(e.message.contains("unknown tool"), "{}", e.message),
        other => panic!("unexpected error: {other:?}"),
    }

    let r = call(&client, "analyze_cluster_security", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("cluster_name"), "{}", text(&r));

    let r = call(&client, "generate_security_report", json!({"cluster_name": "payments-prod", "format": "pdf"})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("summary, detailed, json, executive"), "{}", text(&r));

    let r = call(
        &client,
        "get_security_recommendations",
        json!({"cluster_name": "payments-prod", "severity_filter": "urgent"}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("Critical, High, Medium, Low"), "{}", text(&r));

    let r = call(
        &client,
        "check_compliance_status",
        json!({"cluster_name": "payments-prod", "compliance_framework": "iso27001"}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("aws-foundational, pci-dss, hipaa, soc2"), "{}", text(&r));

    let r = call(&client, "analyze_cluster_security", json!({"cluster_name": "no-such-cluster"})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("list_clusters"), "{}", text(&r));

    let r = call(&client, "list_clusters", json!({"region": "mars-north-1; rm -rf /"})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("not a well-formed AWS region"), "{}", text(&r));

    let huge = "x".repeat(1 << 20);
    let r = call(&client, "analyze_cluster_security", json!({"cluster_name": huge})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).len() < 2000, "the error must not echo a 1 MB argument");

    // Still serving after all of that.
    let r = call(&client, "list_clusters", json!({})).await;
    assert_eq!(r.is_error, Some(false));
    client.cancel().await.ok();
}

/// The CLI and the MCP tool render through the same action: for the same parameters the
/// CLI's `--format json|sarif` output is byte-identical to the tool's text inlined, keys in
/// one order (the report's `generated_at` second aside).
#[tokio::test]
async fn cli_and_mcp_reports_are_byte_identical() {
    let client = connect_to(SecurityServer::new(common::fixture_actions().with_max_result_chars(usize::MAX))).await;
    let demo = common::fixture("demo-cluster.json");
    let timestamps = regex::Regex::new(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ").expect("pattern");
    let same_second = |s: &str| timestamps.replace_all(s, "<time>").into_owned();
    for format in ["json", "sarif", "summary", "executive"] {
        let r = call(
            &client,
            "generate_security_report",
            json!({"cluster_name": "payments-prod", "format": format, "severity_filter": "High", "inline": true}),
        )
        .await;
        assert_ne!(r.is_error, Some(true), "{}", text(&r));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"))
            .args(["analyze", "--cluster", "payments-prod", "--format", format, "--severity", "high", "--snapshot"])
            .arg(&demo)
            .arg("--snapshot")
            .arg(common::fixture("hardened-cluster.json"))
            .env_remove("AWS_REGION")
            .output()
            .expect("binary runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let cli = String::from_utf8_lossy(&out.stdout);
        let mcp = text(&r);
        let mut mcp_line = same_second(&mcp);
        if !mcp_line.ends_with('\n') {
            mcp_line.push('\n');
        }
        assert_eq!(same_second(&cli), mcp_line, "{format}: the CLI and the MCP tool differ");
        assert!(
            format != "json" || mcp.starts_with("{\n  \"schema_version\""),
            "{format}: keys not in declaration order"
        );
    }
}

/// A report too large for the model's context comes as a summary and a resource link; the
/// resource reads back as the whole report, and every template and rule is listed.
#[tokio::test]
async fn reports_are_resources_linked_from_the_answer() {
    let client = connect().await;
    let r =
        call(&client, "generate_security_report", json!({"cluster_name": "payments-prod", "format": "sarif"})).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let answer = structured(&r);
    assert_eq!(answer["inline"], false);
    let uri = answer["uri"].as_str().expect("uri").to_owned();
    assert_eq!(uri, "ecs-security://report/us-east-1/payments-prod.sarif");
    let size = serde_json::to_string(&text(&r)).expect("json").len() + answer.to_string().len();
    assert!(size < 5_000, "the reference answer is {size} characters");
    let link = r.content.iter().find_map(|c| c.as_resource_link()).expect("a resource_link block");
    assert_eq!(link.uri, uri);
    let read =
        client.read_resource(rmcp::model::ReadResourceRequestParams::new(uri.clone())).await.expect("resources/read");
    let body = match &read.contents[0] {
        rmcp::model::ResourceContents::TextResourceContents { text, mime_type, .. } => {
            assert_eq!(mime_type.as_deref(), Some("application/sarif+json"));
            text.clone()
        }
        other => panic!("not text: {other:?}"),
    };
    let sarif: Value = serde_json::from_str(&body).expect("the resource is SARIF JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(body.len() > 40_000, "the whole report, {} bytes", body.len());
    assert_eq!(Some(body.len() as u64), link.size);

    // Asked inline but over the budget: still the reference, with the reason.
    let r = call(
        &client,
        "generate_security_report",
        json!({"cluster_name": "payments-prod", "format": "detailed", "inline": true}),
    )
    .await;
    assert_eq!(structured(&r)["inline"], false);
    assert!(structured(&r)["note"].as_str().is_some_and(|n| n.contains("over this answer's budget")));

    let listed = client.list_all_resources().await.expect("resources/list");
    let uris: Vec<&str> = listed.iter().map(|r| r.uri.as_str()).collect();
    assert!(uris.contains(&"ecs-security://report/us-east-1/payments-prod.json"));
    assert!(uris.contains(&"ecs-security://snapshot/us-east-1/payments-prod.json"));
    assert!(uris.contains(&"ecs-security://rule/container-privileged"));
    let templates = client.list_all_resource_templates().await.expect("resources/templates/list");
    assert!(templates.iter().any(|t| t.uri_template == "ecs-security://report/{region}/{cluster}.{format}"));
    let rule = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new("ecs-security://rule/container-privileged"))
        .await
        .expect("rule resource");
    assert!(format!("{:?}", rule.contents[0]).contains("container-privileged"));
    let snapshot = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new(
            "ecs-security://snapshot/us-east-1/payments-prod.json",
        ))
        .await
        .expect("snapshot resource");
    assert!(format!("{:?}", snapshot.contents[0]).contains("schema_version"));
    let missing = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new("ecs-security://report/us-east-1/x.pdf"))
        .await;
    assert!(missing.is_err(), "an unknown format is an error");
    client.cancel().await.ok();
}

/// Every tool's answer (text content plus structured content, as serialised) stays within
/// the default budget on a 500-service cluster with thousands of findings.
#[tokio::test]
async fn every_answer_fits_the_budget_on_a_500_service_cluster() {
    use ecs_security_mcp::actions::{Actions, FileSource, Source};
    use ecs_security_mcp::model::scale::replicate;
    let big = replicate(&common::demo(), 125);
    let client = connect_to(SecurityServer::new(Actions::new(Source::Files(FileSource::new(vec![big]))))).await;
    let c = "payments-prod";
    let calls = [
        ("list_clusters", json!({})),
        ("select_cluster_for_analysis", json!({})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "quick"})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "compliance"})),
        ("analyze_cluster_security", json!({"cluster_name": c})),
        ("generate_security_report", json!({"cluster_name": c, "format": "detailed", "inline": true})),
        ("generate_security_report", json!({"cluster_name": c, "format": "sarif"})),
        ("get_security_recommendations", json!({"cluster_name": c, "limit": 100})),
        ("check_compliance_status", json!({"cluster_name": c, "compliance_framework": "all"})),
        ("list_findings", json!({"cluster_name": c})),
        ("get_finding_details", json!({"cluster_name": c, "rule_id": "container-environment-secrets"})),
    ];
    let mut over = Vec::new();
    for (tool, args) in calls {
        let r = call(&client, tool, args.clone()).await;
        assert_ne!(r.is_error, Some(true), "{tool}: {}", text(&r));
        let size = serde_json::to_string(&r.content).expect("json").len()
            + r.structured_content.as_ref().map(|v| v.to_string().len()).unwrap_or(0);
        if size > 40_000 {
            over.push(format!("{tool} {args}: {size}"));
        }
    }
    assert!(over.is_empty(), "answers over 40,000 characters:\n{}", over.join("\n"));
    client.cancel().await.ok();
}

/// The prompts are listed with their arguments, render calls with the user's values, refuse
/// bad ones, and their arguments complete from what the server holds.
#[tokio::test]
async fn prompts_and_completion() {
    let client = connect().await;
    let prompts = client.list_all_prompts().await.expect("prompts/list");
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["audit_cluster", "fix_plan", "compliance_evidence"]);
    let args = |v: Value| match v {
        Value::Object(o) => o,
        _ => JsonObject::new(),
    };
    let p = client
        .get_prompt(
            rmcp::model::GetPromptRequestParams::new("fix_plan")
                .with_arguments(args(json!({"cluster_name": "payments-prod", "severity": "critical"}))),
        )
        .await
        .expect("prompts/get");
    let text = format!("{:?}", p.messages);
    assert!(
        text.contains("payments-prod") && text.contains("Critical") && text.contains("get_finding_details"),
        "{text}"
    );
    let p = client
        .get_prompt(
            rmcp::model::GetPromptRequestParams::new("compliance_evidence")
                .with_arguments(args(json!({"cluster_name": "payments-prod", "compliance_framework": "pci"}))),
        )
        .await
        .expect("prompts/get");
    assert!(format!("{:?}", p.messages).contains("\\\"pci-dss\\\""), "{:?}", p.messages);
    for bad in [json!({}), json!({"cluster_name": "a b; rm -rf /"}), json!({"cluster_name": "x", "severity": "urgent"})]
    {
        let r = client
            .get_prompt(rmcp::model::GetPromptRequestParams::new("fix_plan").with_arguments(args(bad.clone())))
            .await;
        assert!(r.is_err(), "{bad} was accepted");
    }

    let clusters =
        client.complete_prompt_simple("audit_cluster", "cluster_name", "payments-p").await.expect("complete");
    assert_eq!(clusters, ["payments-prod"]);
    let clusters = client.complete_prompt_simple("audit_cluster", "cluster_name", "").await.expect("complete");
    assert_eq!(clusters, ["payments-hardened", "payments-prod"]);
    let frameworks =
        client.complete_prompt_simple("compliance_evidence", "compliance_framework", "").await.expect("complete");
    assert!(frameworks.contains(&"pci-dss".to_owned()) && frameworks.contains(&"all".to_owned()), "{frameworks:?}");
    let regions = client.complete_prompt_simple("audit_cluster", "region", "us").await.expect("complete");
    assert_eq!(regions, ["us-east-1"]);
    let rules = client
        .complete_resource_simple("ecs-security://rule/{rule_id}", "rule_id", "container-priv")
        .await
        .expect("complete");
    assert_eq!(rules, ["container-privileged"]);
    let formats = client
        .complete_resource_simple("ecs-security://report/{region}/{cluster}.{format}", "format", "s")
        .await
        .expect("complete");
    assert!(formats.contains(&"sarif".to_owned()) && formats.contains(&"summary".to_owned()), "{formats:?}");
    client.cancel().await.ok();
}

/// The conformance suite's fixtures (built into this test binary by the
/// `conformance-fixtures` feature) stay out of sight unless
/// `ECS_SECURITY_MCP_CONFORMANCE_FIXTURES=1`: no `test://` resources or template, no
/// `test_*` prompts or tools, no subscriptions advertised or accepted, and the server's own
/// resources and prompts are what a user sees. tests/conformance/run.sh covers them turned on.
#[tokio::test]
async fn conformance_fixtures_are_absent_by_default() {
    assert!(std::env::var_os("ECS_SECURITY_MCP_CONFORMANCE_FIXTURES").is_none(), "run the tests without it");
    let client = connect().await;
    let info = client.peer_info().expect("server info");
    let resources_capability = info.capabilities.resources.as_ref().expect("resources capability");
    assert_ne!(resources_capability.subscribe, Some(true), "subscriptions advertised without fixtures");

    let resources = client.list_all_resources().await.expect("resources/list");
    assert!(!resources.is_empty() && resources.iter().all(|r| r.uri.starts_with("ecs-security://")), "{resources:?}");
    let templates = client.list_all_resource_templates().await.expect("resources/templates/list");
    let templates: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(
        templates,
        [
            "ecs-security://report/{region}/{cluster}.{format}",
            "ecs-security://snapshot/{region}/{cluster}.json",
            "ecs-security://rule/{rule_id}"
        ]
    );
    for uri in ["test://static-text", "test://static-binary", "test://template/123/data"] {
        let read = client.read_resource(rmcp::model::ReadResourceRequestParams::new(uri)).await;
        assert!(read.is_err(), "{uri} was readable: {read:?}");
    }
    let prompts = client.list_all_prompts().await.expect("prompts/list");
    assert!(prompts.iter().all(|p| !p.name.starts_with("test_")), "{prompts:?}");
    let fixture = client.get_prompt(rmcp::model::GetPromptRequestParams::new("test_simple_prompt")).await;
    assert!(fixture.is_err(), "{fixture:?}");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| !t.name.starts_with("test_")), "fixture tools listed");
    #[allow(deprecated)]
    let subscribed = client.subscribe(rmcp::model::SubscribeRequestParams::new("test://watched-resource")).await;
    assert!(subscribed.is_err(), "a subscription was accepted: {subscribed:?}");
    #[allow(deprecated)]
    let own = client.subscribe(rmcp::model::SubscribeRequestParams::new("ecs-security://rule/container-privileged"));
    assert!(own.await.is_err(), "a subscription to the server's own resource was accepted");
    client.cancel().await.ok();
}

/// Every tool declares an output schema, and its structured content is valid against it
/// for each shape the tool answers with (clients such as the TypeScript SDK check this).
#[tokio::test]
async fn structured_content_matches_each_output_schema() {
    let client = connect().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let c = "payments-prod";
    let first = call(&client, "list_findings", json!({"cluster_name": c})).await;
    let id = structured(&first)["findings"][0]["id"].as_str().expect("an id").to_owned();
    let calls = [
        ("list_clusters", json!({})),
        ("select_cluster_for_analysis", json!({})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "comprehensive"})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "quick"})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "report"})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "compliance"})),
        ("analyze_cluster_security", json!({"cluster_name": c, "severity_filter": "High"})),
        ("generate_security_report", json!({"cluster_name": c, "format": "executive", "inline": true})),
        ("generate_security_report", json!({"cluster_name": c, "format": "sarif"})),
        ("get_security_recommendations", json!({"cluster_name": c})),
        ("check_compliance_status", json!({"cluster_name": c, "compliance_framework": "all"})),
        ("list_findings", json!({"cluster_name": c, "max_result_chars": 3000})),
        ("get_finding_details", json!({"cluster_name": c, "finding_id": id})),
        ("get_finding_details", json!({"cluster_name": c, "rule_id": "container-privileged"})),
        ("draft_suppression", json!({"cluster_name": c, "finding_id": id, "reason": "accepted", "owner": "platform"})),
        ("list_findings", json!({"cluster_name": c, "suppressed": true})),
        (
            "analyze_task_definition",
            json!({"task_definition": {"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:latest", "privileged": true}]}}),
        ),
        (
            "analyze_task_definition",
            json!({"task_definition": "family: web\ncontainerDefinitions:\n  - name: app\n    image: nginx:1.27\n"}),
        ),
        ("scan_fleet", json!({"limit": 3})),
    ];
    for (tool, args) in calls {
        let schema = tools
            .iter()
            .find(|t| t.name == tool)
            .and_then(|t| t.output_schema.clone())
            .unwrap_or_else(|| panic!("{tool} declares no outputSchema"));
        let schema = Value::Object(schema.as_ref().clone());
        let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{tool}: schema invalid: {e}"));
        let r = call(&client, tool, args.clone()).await;
        assert_eq!(r.is_error, Some(false), "{tool}: {}", text(&r));
        let data = structured(&r);
        let errors: Vec<String> =
            validator.iter_errors(data).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(
            errors.is_empty(),
            "{tool} {args}: structured content does not match its outputSchema:\n{}",
            errors.join("\n")
        );
    }
    client.cancel().await.ok();
}

/// tools/list carries no schema format outside JSON Schema's own list: Ajv (the TypeScript
/// SDK's validator) prints a warning for each unknown one, such as schemars' `uint`.
#[tokio::test]
async fn tool_schemas_use_only_standard_formats() {
    fn formats(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(f)) = o.get("format") {
                    out.push(f.clone());
                }
                o.values().for_each(|x| formats(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| formats(x, out)),
            _ => {}
        }
    }
    let client = connect().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let mut found = Vec::new();
    for t in &tools {
        formats(&Value::Object(t.input_schema.as_ref().clone()), &mut found);
        if let Some(o) = &t.output_schema {
            formats(&Value::Object(o.as_ref().clone()), &mut found);
        }
    }
    let odd: Vec<&String> = found.iter().filter(|f| !["date-time", "uri", "email"].contains(&f.as_str())).collect();
    assert!(odd.is_empty(), "non-standard formats in tools/list: {odd:?}");
    client.cancel().await.ok();
}
