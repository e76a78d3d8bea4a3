//! A minimal MCP Streamable HTTP client over hyper, shared by the HTTP tests (tests/http.rs)
//! and the load benchmark (benches/http_load.rs): raw enough to send hostile input, complete
//! enough for sessions, SSE answers and progress notifications.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A pooled HTTP/1.1 client (keep-alive connections are reused; TCP_NODELAY like most clients).
pub fn client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new()).pool_max_idle_per_host(256).build(connector)
}

/// The headers every MCP POST carries.
pub const ACCEPT_BOTH: (&str, &str) = ("accept", "application/json, text/event-stream");
pub const JSON: (&str, &str) = ("content-type", "application/json");

/// An HTTP answer with its whole body.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The JSON-RPC messages of the body: one JSON document, or the `data:` events of an SSE
    /// stream (priming events have empty data and are skipped).
    pub fn messages(&self) -> Vec<Value> {
        let sse = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !sse {
            return serde_json::from_str(&self.body).into_iter().collect();
        }
        let mut out = Vec::new();
        for event in self.body.split("\n\n") {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if data.is_empty() || data.iter().all(|d| d.trim().is_empty()) {
                continue;
            }
            if let Ok(v) = serde_json::from_str(&data.join("\n")) {
                out.push(v);
            }
        }
        out
    }

    /// The JSON-RPC response (a message with an id and a result or an error).
    pub fn response(&self) -> Option<Value> {
        self.messages()
            .into_iter()
            .find(|m| m.get("id").is_some() && (m.get("result").is_some() || m.get("error").is_some()))
    }

    /// The notifications with this method.
    pub fn notifications(&self, method: &str) -> Vec<Value> {
        self.messages().into_iter().filter(|m| m["method"] == method).collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends one request and reads the whole answer (an SSE answer ends after its response).
pub async fn send(
    client: &HttpClient,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<Reply, String> {
    let mut req = Request::builder().method(method).uri(url);
    for (k, v) in headers {
        let name = HeaderName::from_bytes(k.as_bytes()).map_err(|e| e.to_string())?;
        let value = HeaderValue::from_str(v).map_err(|e| e.to_string())?;
        req = req.header(name, value);
    }
    let req = req.body(Full::new(body.into())).map_err(|e| e.to_string())?;
    let exchange = async {
        let resp = client.request(req).await.map_err(|e| format!("HTTP request failed: {e:?}"))?;
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.map_err(|e| format!("reading the body failed: {e}"))?.to_bytes();
        Ok(Reply { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&body).into_owned() })
    };
    tokio::time::timeout(Duration::from_secs(120), exchange).await.map_err(|_| "no answer within 120 s".to_owned())?
}

/// A JSON-RPC POST with the headers MCP asks for, plus `extra`.
pub async fn post(client: &HttpClient, url: &str, extra: &[(&str, &str)], message: &Value) -> Result<Reply, String> {
    let mut headers = vec![ACCEPT_BOTH, JSON];
    headers.extend_from_slice(extra);
    send(client, Method::POST, url, &headers, message.to_string()).await
}

/// An MCP session (protocol 2025-06-18 or 2025-11-25): `initialize`, then requests with the
/// session id and protocol version headers.
pub struct Session {
    client: HttpClient,
    pub url: String,
    pub id: String,
    pub protocol: String,
    token: Option<String>,
    next: i64,
}

impl Session {
    pub async fn open(client: &HttpClient, url: &str, token: Option<&str>, protocol: &str) -> Result<Session, String> {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut extra = Vec::new();
        if let Some(a) = &auth {
            extra.push(("authorization", a.as_str()));
        }
        let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": protocol, "capabilities": {}, "clientInfo": {"name": "ecs-security-mcp-tests", "version": "1"}}});
        let reply = post(client, url, &extra, &init).await?;
        if reply.status != StatusCode::OK {
            return Err(format!("initialize: HTTP {} {}", reply.status, reply.body));
        }
        let id = reply.header("mcp-session-id").ok_or("initialize: no Mcp-Session-Id")?.to_owned();
        let result = reply.response().ok_or_else(|| format!("initialize: no response in {}", reply.body))?;
        let negotiated = result["result"]["protocolVersion"]
            .as_str()
            .ok_or_else(|| format!("initialize failed: {result}"))?
            .to_owned();
        let session = Session {
            client: client.clone(),
            url: url.to_owned(),
            id,
            protocol: negotiated,
            token: token.map(str::to_owned),
            next: 1,
        };
        let reply = session.post(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await?;
        if reply.status != StatusCode::ACCEPTED {
            return Err(format!("notifications/initialized: HTTP {} {}", reply.status, reply.body));
        }
        Ok(session)
    }

    /// POSTs a message with this session's headers.
    pub async fn post(&self, message: &Value) -> Result<Reply, String> {
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut extra = vec![("mcp-session-id", self.id.as_str()), ("mcp-protocol-version", self.protocol.as_str())];
        if let Some(a) = &auth {
            extra.push(("authorization", a.as_str()));
        }
        post(&self.client, &self.url, &extra, message).await
    }

    /// Sends a request and returns the whole reply (with any notifications before the response).
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Reply, String> {
        let id = self.next;
        self.next += 1;
        let reply = self.post(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await?;
        if reply.status != StatusCode::OK {
            return Err(format!("{method}: HTTP {} {}", reply.status, reply.body));
        }
        Ok(reply)
    }

    /// Calls a tool; the `result` object (a tool error has `isError: true`), or the JSON-RPC error.
    pub async fn call_tool(&mut self, name: &str, arguments: Value) -> Result<Value, String> {
        let reply = self.request("tools/call", json!({"name": name, "arguments": arguments})).await?;
        let response = reply.response().ok_or_else(|| format!("{name}: no response in {}", reply.body))?;
        match response {
            Value::Object(mut m) if m.contains_key("result") => Ok(m.remove("result").unwrap_or_default()),
            other => Err(format!("{name}: JSON-RPC error {}", other["error"])),
        }
    }

    /// Calls a tool and reads only whether it succeeded (`isError`), without building the
    /// result's JSON tree: the load benchmark's client, which shares the machine's CPUs with
    /// the server, then costs little next to it. The whole answer is still read and scanned.
    pub async fn call_tool_status(&mut self, name: &str, arguments: Value) -> Result<bool, String> {
        /// A JSON-RPC response (it has an id; notifications do not) with only what is read.
        #[derive(serde::Deserialize)]
        struct Response {
            #[allow(dead_code)]
            id: serde::de::IgnoredAny,
            result: Option<ToolResult>,
        }
        #[derive(serde::Deserialize)]
        struct ToolResult {
            #[serde(rename = "isError", default)]
            is_error: bool,
        }
        let reply = self.request("tools/call", json!({"name": name, "arguments": arguments})).await?;
        let response = reply
            .body
            .split("\n\n")
            .filter_map(|event| event.lines().find_map(|l| l.strip_prefix("data:")))
            .find_map(|data| serde_json::from_str::<Response>(data).ok())
            .ok_or_else(|| format!("{name}: no response in {}", reply.body))?;
        match response.result {
            Some(r) => Ok(!r.is_error),
            None => Err(format!("{name}: JSON-RPC error in {}", reply.body)),
        }
    }

    /// Ends the session (DELETE).
    pub async fn close(self) -> Result<StatusCode, String> {
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut headers = vec![("mcp-session-id", self.id.as_str()), ("mcp-protocol-version", self.protocol.as_str())];
        if let Some(a) = &auth {
            headers.push(("authorization", a.as_str()));
        }
        Ok(send(&self.client, Method::DELETE, &self.url, &headers, Bytes::new()).await?.status)
    }
}

/// Resident and peak resident memory of a process, in KiB, from /proc (Linux).
pub fn rss_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
