//! Extra tools for the official MCP conformance suite (`@modelcontextprotocol/conformance`),
//! compiled only with the `conformance-fixtures` feature (the test command's build, never a
//! release) and offered only when `ECS_SECURITY_MCP_CONFORMANCE_FIXTURES=1`, so the test
//! suite sees the six real tools either way and the AWS SDK is compiled once per run.
//!
//! The suite's tool scenarios call tools with fixed names and expect fixed behaviour (text,
//! image, audio and embedded-resource content, progress, log messages, a tool error, JSON
//! Schema 2020-12 keywords); its resource and prompt scenarios read fixed resources
//! (`test://static-text`, `test://static-binary`, the template `test://template/{id}/data`),
//! subscribe to `test://watched-resource` and get fixed prompts (plain, with arguments, with an
//! embedded resource, with an image). These fixtures exercise the same server, transport,
//! session and notification paths as the real tools, resources and prompts, which they are
//! listed after. Scenarios that need features this server does not have (sampling) are listed
//! with the reason in `tests/conformance/expected-failures.yml` instead of being faked here.
//! The elicitation fixtures stay: `select_cluster_for_analysis` asks the client to choose
//! through the same form elicitation path.
//!
//! Resource subscriptions exist only here: the server advertises `resources.subscribe` only
//! with the fixtures on, and accepts subscriptions only to `test://` resources. Its own
//! resources change only when a new analysis runs, which it does not track per resource, so it
//! does not offer subscriptions to them rather than accept ones it would never notify.

use std::time::Duration;

#[allow(deprecated)] // MCP logging: deprecated by SEP-2577, still part of 2025-06-18 and 2025-11-25.
use rmcp::model::LoggingLevel;
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, ElicitRequestParams, ElicitationSchema, GetPromptResult,
    JsonObject, ProgressNotificationParam, Prompt, PromptArgument, PromptMessage, Resource, ResourceContents,
    ResourceTemplate, Role, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::{Value, json};

use super::Logger;

/// A 1x1 transparent PNG.
const PNG_1X1: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
/// A WAV header with no samples (44 bytes, 8 kHz mono 16-bit).
const WAV_EMPTY: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

fn schema(v: Value) -> JsonObject {
    match v {
        Value::Object(o) => o,
        _ => JsonObject::new(),
    }
}

fn no_arguments() -> JsonObject {
    schema(json!({"type": "object", "properties": {}}))
}

/// Whether this process offers the fixture tools (`ECS_SECURITY_MCP_CONFORMANCE_FIXTURES=1`).
pub(super) fn enabled() -> bool {
    static ON: std::sync::LazyLock<bool> = std::sync::LazyLock::new(|| {
        std::env::var_os("ECS_SECURITY_MCP_CONFORMANCE_FIXTURES").is_some_and(|v| v == "1")
    });
    *ON
}

/// The fixture tools, listed after the six real ones.
pub(super) fn tools() -> Vec<Tool> {
    let tool = |name: &'static str, description: &'static str| Tool::new(name, description, no_arguments());
    vec![
        tool("test_simple_text", "Conformance fixture: returns one text block."),
        tool("test_image_content", "Conformance fixture: returns one PNG image block."),
        tool("test_audio_content", "Conformance fixture: returns one WAV audio block."),
        tool("test_embedded_resource", "Conformance fixture: returns one embedded text resource."),
        tool("test_multiple_content_types", "Conformance fixture: returns text, image and resource blocks."),
        tool("test_tool_with_logging", "Conformance fixture: sends three info log messages while it runs."),
        tool("test_tool_with_progress", "Conformance fixture: reports progress 0, 50 and 100 of 100."),
        tool("test_error_handling", "Conformance fixture: always fails with a tool error."),
        tool(
            "test_reconnection",
            "Conformance fixture for SEP-1699 polling: answers on the POST stream (this server does not close streams mid-call).",
        ),
        Tool::new(
            "test_elicitation",
            "Conformance fixture: asks the user for a username and an email (form elicitation).",
            schema(json!({
                "type": "object",
                "properties": {"message": {"type": "string", "description": "The message to show the user"}},
                "required": ["message"]
            })),
        ),
        tool(
            "test_elicitation_sep1034_defaults",
            "Conformance fixture: form elicitation with default values (SEP-1034).",
        ),
        tool(
            "test_elicitation_sep1330_enums",
            "Conformance fixture: form elicitation with the five enum forms (SEP-1330).",
        ),
        Tool::new(
            "json_schema_2020_12_tool",
            "Conformance fixture: Tool with JSON Schema 2020-12 features",
            schema(json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "$defs": {
                    "address": {
                        "type": "object",
                        "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
                    }
                },
                "properties": {"name": {"type": "string"}, "address": {"$ref": "#/$defs/address"}},
                "additionalProperties": false
            })),
        ),
    ]
}

fn ok(content: Vec<ContentBlock>) -> Option<Result<CallToolResponse, McpError>> {
    Some(Ok(CallToolResult::success(content).into()))
}

fn resource() -> ContentBlock {
    ContentBlock::resource(ResourceContents::TextResourceContents {
        uri: "test://embedded-resource".into(),
        mime_type: Some("text/plain".into()),
        text: "This is an embedded resource content.".into(),
        meta: None,
    })
}

/// Asks the client to fill a form and reports its answer.
async fn elicit(context: &RequestContext<RoleServer>, message: String, schema: Value) -> CallToolResult {
    let requested_schema: ElicitationSchema = match serde_json::from_value(schema) {
        Ok(s) => s,
        Err(e) => {
            return CallToolResult::error(vec![ContentBlock::text(format!("fixture schema rejected by rmcp: {e}"))]);
        }
    };
    let request = ElicitRequestParams::FormElicitationParams { meta: None, message, requested_schema };
    match context.peer.create_elicitation(request).await {
        Ok(answer) => {
            let action = serde_json::to_value(&answer.action).unwrap_or(Value::Null);
            let content = answer.content.unwrap_or(Value::Null);
            CallToolResult::success(vec![ContentBlock::text(format!(
                "Elicitation completed: action={}, content={content}",
                action.as_str().unwrap_or("?")
            ))])
        }
        Err(e) => CallToolResult::error(vec![ContentBlock::text(format!("elicitation failed: {e}"))]),
    }
}

/// Runs a fixture tool; `None` when `name` is not one.
#[allow(deprecated)]
pub(super) async fn call(
    name: &str,
    arguments: Option<&JsonObject>,
    context: &RequestContext<RoleServer>,
    logger: &Logger,
) -> Option<Result<CallToolResponse, McpError>> {
    let pause = || tokio::time::sleep(Duration::from_millis(50));
    match name {
        "test_simple_text" => ok(vec![ContentBlock::text("This is a simple text response for testing.")]),
        "test_image_content" => ok(vec![ContentBlock::image(PNG_1X1, "image/png")]),
        "test_audio_content" => ok(vec![ContentBlock::audio(WAV_EMPTY, "audio/wav")]),
        "test_embedded_resource" => ok(vec![resource()]),
        "test_multiple_content_types" => ok(vec![
            ContentBlock::text("Multiple content types test:"),
            ContentBlock::image(PNG_1X1, "image/png"),
            resource(),
        ]),
        "test_tool_with_logging" => {
            logger.log(LoggingLevel::Info, "Tool execution started").await;
            pause().await;
            logger.log(LoggingLevel::Info, "Tool processing data").await;
            pause().await;
            logger.log(LoggingLevel::Info, "Tool execution completed").await;
            ok(vec![ContentBlock::text("Tool with logging executed successfully")])
        }
        "test_tool_with_progress" => {
            let token = context.meta.get_progress_token();
            for (i, progress) in [0.0, 50.0, 100.0].into_iter().enumerate() {
                if i > 0 {
                    pause().await;
                }
                if let Some(token) = &token {
                    let p = ProgressNotificationParam::new(token.clone(), progress).with_total(100.0);
                    if let Err(e) = context.peer.notify_progress(p).await {
                        tracing::debug!(error = %e, "progress notification not delivered");
                    }
                }
            }
            ok(vec![ContentBlock::text("Tool with progress executed successfully")])
        }
        "test_error_handling" => Some(Ok(CallToolResult::error(vec![ContentBlock::text(
            "This tool intentionally returns an error for testing",
        )])
        .into())),
        "test_elicitation" => {
            let message = arguments
                .and_then(|a| a.get("message"))
                .and_then(Value::as_str)
                .unwrap_or("Please provide your information")
                .to_owned();
            let schema = json!({
                "type": "object",
                "properties": {
                    "username": {"type": "string", "description": "User's response"},
                    "email": {"type": "string", "description": "User's email address"}
                },
                "required": ["username", "email"]
            });
            Some(Ok(elicit(context, message, schema).await.into()))
        }
        "test_elicitation_sep1034_defaults" => {
            let schema = json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string", "default": "John Doe"},
                    "age": {"type": "integer", "default": 30},
                    "score": {"type": "number", "default": 95.5},
                    "status": {"type": "string", "enum": ["active", "inactive", "pending"], "default": "active"},
                    "verified": {"type": "boolean", "default": true}
                }
            });
            Some(Ok(elicit(context, "Please review and update the form fields with defaults".into(), schema)
                .await
                .into()))
        }
        "test_elicitation_sep1330_enums" => {
            let schema = json!({
                "type": "object",
                "properties": {
                    "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
                    "titledSingle": {"type": "string", "oneOf": [
                        {"const": "value1", "title": "First Option"},
                        {"const": "value2", "title": "Second Option"},
                        {"const": "value3", "title": "Third Option"}
                    ]},
                    "legacyEnum": {"type": "string", "enum": ["opt1", "opt2", "opt3"],
                        "enumNames": ["Option One", "Option Two", "Option Three"]},
                    "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
                    "titledMulti": {"type": "array", "items": {"anyOf": [
                        {"const": "value1", "title": "First Choice"},
                        {"const": "value2", "title": "Second Choice"},
                        {"const": "value3", "title": "Third Choice"}
                    ]}}
                }
            });
            Some(Ok(elicit(context, "Please select options from the enum fields".into(), schema).await.into()))
        }
        "test_reconnection" => ok(vec![ContentBlock::text("Reconnection test completed successfully")]),
        "json_schema_2020_12_tool" => ok(vec![ContentBlock::text("JSON Schema 2020-12 tool executed")]),
        _ => None,
    }
}

/// The fixture resources, listed after the server's own.
pub(super) fn resources() -> Vec<Resource> {
    vec![
        Resource::new("test://static-text", "Static text (conformance fixture)").with_mime_type("text/plain"),
        Resource::new("test://static-binary", "Static PNG (conformance fixture)").with_mime_type("image/png"),
        Resource::new("test://watched-resource", "Subscribable text (conformance fixture)")
            .with_mime_type("text/plain"),
    ]
}

/// The fixture resource template.
pub(super) fn resource_templates() -> Vec<ResourceTemplate> {
    let mut t = ResourceTemplate::new("test://template/{id}/data", "Templated data (conformance fixture)");
    t.mime_type = Some("application/json".into());
    vec![t]
}

/// Reads a fixture resource; `None` when `uri` is not one.
pub(super) fn read(uri: &str) -> Option<ResourceContents> {
    let text = |mime: &str, text: String| ResourceContents::TextResourceContents {
        uri: uri.to_owned(),
        mime_type: Some(mime.to_owned()),
        text,
        meta: None,
    };
    match uri {
        "test://static-text" => Some(text("text/plain", "This is the content of the static text resource.".into())),
        "test://watched-resource" => Some(text("text/plain", "This resource is watched for updates.".into())),
        "test://static-binary" => Some(ResourceContents::BlobResourceContents {
            uri: uri.to_owned(),
            mime_type: Some("image/png".into()),
            blob: PNG_1X1.into(),
            meta: None,
        }),
        _ => {
            let id = uri.strip_prefix("test://template/")?.strip_suffix("/data")?;
            if id.is_empty() || id.contains('/') {
                return None;
            }
            let data = json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")});
            Some(text("application/json", data.to_string()))
        }
    }
}

/// Whether a client may subscribe to `uri`: the fixture resources only.
pub(super) fn subscribable(uri: &str) -> bool {
    read(uri).is_some()
}

/// The fixture prompts, listed after the server's own.
pub(super) fn prompts() -> Vec<Prompt> {
    let arg = |name: &str, description: &str| {
        let mut a = PromptArgument::new(name).with_description(description);
        a.required = Some(true);
        a
    };
    vec![
        Prompt::new("test_simple_prompt", Some("Conformance fixture: a prompt without arguments."), None),
        Prompt::new(
            "test_prompt_with_arguments",
            Some("Conformance fixture: a prompt with two arguments."),
            Some(vec![arg("arg1", "First test argument"), arg("arg2", "Second test argument")]),
        ),
        Prompt::new(
            "test_prompt_with_embedded_resource",
            Some("Conformance fixture: a prompt that embeds a resource."),
            Some(vec![arg("resourceUri", "URI of the resource to embed")]),
        ),
        Prompt::new("test_prompt_with_image", Some("Conformance fixture: a prompt with an image."), None),
    ]
}

/// The messages of fixture prompt `name`; `None` when it is not one, an error when a
/// required argument is missing.
pub(super) fn get_prompt(name: &str, arguments: Option<&JsonObject>) -> Option<Result<GetPromptResult, String>> {
    let arg = |key: &str| {
        arguments
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("prompt {name} needs the argument {key}"))
    };
    let user = |content: ContentBlock| PromptMessage::new(Role::User, content);
    let messages = match name {
        "test_simple_prompt" => vec![user(ContentBlock::text("This is a simple prompt for testing."))],
        "test_prompt_with_arguments" => match (arg("arg1"), arg("arg2")) {
            (Ok(a), Ok(b)) => vec![user(ContentBlock::text(format!("Prompt with arguments: arg1='{a}', arg2='{b}'")))],
            (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
        },
        "test_prompt_with_embedded_resource" => match arg("resourceUri") {
            Ok(uri) => vec![
                user(ContentBlock::resource(ResourceContents::TextResourceContents {
                    uri,
                    mime_type: Some("text/plain".into()),
                    text: "Embedded resource content for testing.".into(),
                    meta: None,
                })),
                user(ContentBlock::text("Please process the embedded resource above.")),
            ],
            Err(e) => return Some(Err(e)),
        },
        "test_prompt_with_image" => vec![
            user(ContentBlock::image(PNG_1X1, "image/png")),
            user(ContentBlock::text("Please analyze the image above.")),
        ],
        _ => return None,
    };
    Some(Ok(GetPromptResult::new(messages)))
}
