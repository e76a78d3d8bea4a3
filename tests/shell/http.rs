//! `ecs-security-mcp serve --http`: the built binary on a free loopback port, driven by a raw
//! hyper client (benches/support/mcp_http.rs), by the official MCP Python SDK
//! (tests/python/mcp_client.py) and by a fake slow AWS endpoint for calls that take time.
//!
//! Covers the transport security rules (loopback default and the warning elsewhere, Host and
//! Origin allow-lists, bearer token, body limit, session and analysis caps, timeouts),
//! graceful shutdown, hostile input, and 50 concurrent clients with bounded memory.

use crate::common;
use crate::{mcp_http, moto};

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ecs_security_mcp::server::SecurityServer;
use ecs_security_mcp::server::http::{self, HttpOptions};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};

use mcp_http::{ACCEPT_BOTH, JSON, Reply, Session, client, post, send};

const BIN: &str = env!("CARGO_BIN_EXE_ecs-security-mcp");
const TOKEN: &str = "s3cr3t-token-for-the-http-tests-0123456789";

fn demo() -> String {
    common::fixture("demo-cluster.json").display().to_string()
}

fn init_message(protocol: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": protocol, "capabilities": {}, "clientInfo": {"name": "http-test", "version": "1"}}})
}

fn text(result: &Value) -> String {
    result["content"].as_array().into_iter().flatten().filter_map(|c| c["text"].as_str()).collect::<Vec<_>>().join("\n")
}

/// The binary serving MCP over HTTP, with its stderr collected.
struct Server {
    child: Child,
    /// The endpoint it printed, with 0.0.0.0 replaced by 127.0.0.1.
    url: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    async fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        Self::try_start(args, env).await.unwrap_or_else(|(e, log)| panic!("{e}\nstderr:\n{log}"))
    }

    async fn try_start(args: &[&str], env: &[(&str, &str)]) -> Result<Server, (String, String)> {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_remove("ECS_SECURITY_MCP_AUTH_TOKEN")
            .env_remove("ECS_SECURITY_MCP_LOG")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the binary starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let sink = stderr.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                sink.lock().expect("stderr lock").push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let line = match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(line)) => line,
                Ok(None) => {
                    return Err(("the server exited before listening".into(), stderr.lock().expect("lock").clone()));
                }
                Err(_) => return Err(("no endpoint within 20 s".into(), stderr.lock().expect("lock").clone())),
            };
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://") && w.ends_with("/mcp")) {
                let url = url.replace("0.0.0.0", "127.0.0.1");
                return Ok(Server { child, url, stderr });
            }
        }
    }

    fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    fn addr(&self) -> SocketAddr {
        self.url.trim_start_matches("http://").trim_end_matches("/mcp").parse().expect("socket address")
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill").arg(format!("-{signal}")).arg(self.pid().to_string()).status();
        assert!(status.is_ok_and(|s| s.success()), "kill -{signal} failed");
    }

    async fn exit_within(&mut self, limit: Duration) -> ExitStatus {
        match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(status) => status.expect("wait"),
            Err(_) => panic!("the server did not exit within {limit:?}; stderr:\n{}", self.stderr()),
        }
    }
}

/// A fake AWS endpoint for the SDK: every call is answered after `delay` with an empty
/// `ListClusters` page; it counts calls and the most that overlapped.
struct SlowAws {
    url: String,
    calls: Arc<AtomicUsize>,
    max_active: Arc<AtomicUsize>,
}

impl SlowAws {
    async fn start(delay: Duration) -> SlowAws {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let calls = Arc::new(AtomicUsize::new(0));
        let max_active = Arc::new(AtomicUsize::new(0));
        let active = Arc::new(AtomicUsize::new(0));
        let (c, m) = (calls.clone(), max_active.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (calls, max_active, active) = (c.clone(), m.clone(), active.clone());
                let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let (calls, max_active, active) = (calls.clone(), max_active.clone(), active.clone());
                    async move {
                        let _ = req.into_body().collect().await;
                        calls.fetch_add(1, Ordering::SeqCst);
                        let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                        max_active.fetch_max(now, Ordering::SeqCst);
                        tokio::time::sleep(delay).await;
                        active.fetch_sub(1, Ordering::SeqCst);
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", "application/x-amz-json-1.1")
                                .body(Full::new(Bytes::from_static(br#"{"clusterArns": []}"#)))
                                .expect("response"),
                        )
                    }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        SlowAws { url, calls, max_active }
    }

    /// The environment that points the AWS SDK of the server at this endpoint.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.url.clone()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }

    async fn wait_for_calls(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.calls.load(Ordering::SeqCst) < n {
            assert!(
                Instant::now() < deadline,
                "the fake AWS endpoint saw {} calls, want {n}",
                self.calls.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn env_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// An initialize POST with extra headers.
async fn initialize_with(url: &str, extra: &[(&str, &str)]) -> Reply {
    post(&client(), url, extra, &init_message("2025-11-25")).await.expect("HTTP exchange")
}

async fn assert_still_serving(url: &str) {
    let mut s = Session::open(&client(), url, None, "2025-11-25").await.expect("a normal session still opens");
    let r = s.call_tool("analyze_cluster_security", json!({"cluster_name": "payments-prod"})).await.expect("call");
    assert_eq!(r["isError"], false, "{r}");
    assert!(r["structuredContent"]["rules"].as_array().is_some_and(|f| !f.is_empty()));
    assert_eq!(s.close().await.expect("DELETE"), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn serves_on_the_default_loopback_address() {
    match Server::try_start(&["serve", "--http", "--snapshot", &demo()], &[]).await {
        Ok(mut server) => {
            assert_eq!(server.url, "http://127.0.0.1:8765/mcp");
            assert!(!server.stderr().contains("WARNING"), "{}", server.stderr());
            assert_still_serving(&server.url).await;
            server.signal("TERM");
            assert!(server.exit_within(Duration::from_secs(10)).await.success());
        }
        // Something else holds the port on this machine: the error still names the default.
        Err((_, log)) => assert!(log.contains("cannot listen on 127.0.0.1:8765"), "{log}"),
    }
}

#[tokio::test]
async fn speaks_2025_06_18_2025_11_25_and_stateless_2026_07_28() {
    let server = Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()], &[]).await;
    let http = client();
    for version in ["2025-06-18", "2025-11-25"] {
        let mut s = Session::open(&http, &server.url, None, version).await.expect("session");
        assert_eq!(s.protocol, version);
        let list = s.request("tools/list", json!({})).await.expect("tools/list");
        let tools = list.response().expect("response")["result"]["tools"].as_array().map(Vec::len);
        assert_eq!(tools, Some(ecs_security_mcp::actions::ActionKind::ALL.len()));
        let r = s.call_tool("get_security_recommendations", json!({"cluster_name": "payments-prod", "limit": 2})).await;
        assert_eq!(r.expect("call")["structuredContent"]["returned"], 2);
        let ping = s.request("ping", json!({})).await.expect("ping");
        assert_eq!(ping.response().expect("response")["result"], json!({}));
        assert_eq!(s.close().await.expect("DELETE"), StatusCode::NO_CONTENT);
    }
    // 2026-07-28: no session, each request carries its protocol version and capabilities.
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "http-test", "version": "1"}
    });
    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "check_compliance_status", "arguments": {"cluster_name": "payments-prod", "compliance_framework": "soc2"},
        "_meta": meta}});
    let headers =
        [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/call"), ("mcp-name", "check_compliance_status")];
    let reply = post(&http, &server.url, &headers, &call).await.expect("stateless call");
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.header("mcp-session-id").is_none(), "2026-07-28 has no sessions");
    let r = reply.response().expect("response");
    assert_eq!(r["result"]["isError"], false, "{r}");
    assert_eq!(r["result"]["structuredContent"]["frameworks"][0]["framework"], "soc2", "{r}");
}

#[tokio::test]
async fn sigterm_lets_a_running_call_finish_then_exits_0() {
    let aws = SlowAws::start(Duration::from_secs(3)).await;
    let env = aws.env();
    let mut server = Server::start(&["serve", "--http", "127.0.0.1:0"], &env_refs(&env)).await;
    let http = client();
    let mut s = Session::open(&http, &server.url, None, "2025-11-25").await.expect("session");
    // An open GET stream must not hold the shutdown up.
    let get_stream = {
        let (http, url, id) = (http.clone(), server.url.clone(), s.id.clone());
        tokio::spawn(async move {
            let headers = [
                ("accept", "text/event-stream"),
                ("mcp-session-id", id.as_str()),
                ("mcp-protocol-version", "2025-11-25"),
            ];
            send(&http, Method::GET, &url, &headers, Bytes::new()).await
        })
    };
    let started = Instant::now();
    let call = tokio::spawn(async move { s.call_tool("list_clusters", json!({})).await });
    aws.wait_for_calls(1).await;
    server.signal("TERM");

    // New work is refused while the running call finishes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    match post(&client(), &server.url, &[], &init_message("2025-11-25")).await {
        Ok(reply) => assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.body),
        Err(e) => assert!(e.contains("onnect"), "a new connection should be refused: {e}"),
    }
    let result = call.await.expect("join").expect("the running call gets its answer");
    assert_eq!(result["isError"], false, "{result}");
    assert!(started.elapsed() >= Duration::from_secs(2), "the call did not wait for AWS");
    let status = server.exit_within(Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(0), "stderr:\n{}", server.stderr());
    let _ =
        tokio::time::timeout(Duration::from_secs(5), get_stream).await.expect("the GET stream ended with the server");
}

#[tokio::test]
async fn sigint_stops_an_idle_server_with_0() {
    let mut server = Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()], &[]).await;
    assert_still_serving(&server.url).await;
    server.signal("INT");
    assert_eq!(server.exit_within(Duration::from_secs(10)).await.code(), Some(0));
}

#[tokio::test]
async fn warns_loudly_off_loopback() {
    let server = Server::start(&["serve", "--http", "0.0.0.0:0", "--snapshot", &demo()], &[]).await;
    let log = server.stderr();
    assert!(log.contains("WARNING") && log.contains("not a loopback address"), "{log}");
    assert!(log.contains("WITHOUT authentication"), "{log}");
    // Reached through loopback, it still serves.
    assert_still_serving(&server.url).await;

    let server = Server::start(
        &["serve", "--http", "0.0.0.0:0", "--snapshot", &demo()],
        &[("ECS_SECURITY_MCP_AUTH_TOKEN", TOKEN)],
    )
    .await;
    let log = server.stderr();
    assert!(log.contains("WARNING") && log.contains("with the bearer token"), "{log}");

    let server = Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()], &[]).await;
    assert!(!server.stderr().contains("WARNING"), "{}", server.stderr());
}

#[tokio::test]
async fn host_and_origin_must_be_allowed() {
    let server = Server::start(
        &[
            "serve",
            "--http",
            "127.0.0.1:0",
            "--snapshot",
            &demo(),
            "--allowed-host",
            "mcp.internal",
            "--allowed-origin",
            "https://app.example.com:443",
        ],
        &[],
    )
    .await;
    let port = server.addr().port();
    let cases: Vec<(Vec<(&str, String)>, StatusCode)> = vec![
        (vec![], StatusCode::OK),
        (vec![("host", "evil.example.com".into())], StatusCode::FORBIDDEN),
        (vec![("host", format!("evil.example.com:{port}"))], StatusCode::FORBIDDEN),
        (vec![("host", format!("localhost:{port}"))], StatusCode::OK),
        (vec![("host", format!("mcp.internal:{port}"))], StatusCode::OK),
        (vec![("origin", "http://evil.example.com".into())], StatusCode::FORBIDDEN),
        (vec![("origin", "null".into())], StatusCode::FORBIDDEN),
        (vec![("origin", format!("http://localhost:{port}"))], StatusCode::OK),
        (vec![("origin", "http://127.0.0.1:5173".into())], StatusCode::OK),
        (vec![("origin", "https://app.example.com".into())], StatusCode::OK),
        (vec![("origin", "https://app.example.com:8443".into())], StatusCode::FORBIDDEN),
        (vec![("origin", "http://app.example.com".into())], StatusCode::FORBIDDEN),
    ];
    // The HTTP+SSE transport applies the same rules to its stream and its message endpoint.
    let sse_url = server.url.replace("/mcp", "/sse");
    let session = SseStream::session(&sse_url, None).await;
    for (headers, want) in cases {
        let refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = initialize_with(&server.url, &refs).await;
        assert_eq!(reply.status, want, "/mcp {headers:?}: {}", reply.body);
        let sse = SseStream::open(&sse_url, &refs).await.map(|s| s.status).unwrap_or_else(|r| r.status);
        assert_eq!(sse, want, "/sse {headers:?}");
        let posted = session.post(&refs, &json!({"jsonrpc": "2.0", "id": 1, "method": "ping"})).await;
        let want = if want == StatusCode::OK { StatusCode::ACCEPTED } else { want };
        assert_eq!(posted.status, want, "/messages {headers:?}: {}", posted.body);
    }
    assert_still_serving(&server.url).await;
}

/// The client end of an HTTP+SSE (2024-11-05) session: its event stream and the message
/// endpoint the stream announced.
struct SseStream {
    status: StatusCode,
    body: Incoming,
    buf: String,
    /// The absolute URL of `/messages?sessionId=…`.
    endpoint: String,
    token: Option<String>,
}

impl SseStream {
    /// Opens `GET /sse` with `headers`; the error is the answer when it is not a stream.
    async fn open(url: &str, headers: &[(&str, &str)]) -> Result<SseStream, Reply> {
        let mut req = hyper::Request::get(url).header("accept", "text/event-stream");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let token = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.trim_start_matches("Bearer ").to_owned());
        let resp = client().request(req.body(Full::new(Bytes::new())).expect("request")).await.expect("GET /sse");
        let (parts, body) = resp.into_parts();
        if parts.status != StatusCode::OK {
            let body = body.collect().await.expect("body").to_bytes();
            return Err(Reply {
                status: parts.status,
                headers: parts.headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        let content_type = parts.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(content_type.starts_with("text/event-stream"), "{content_type}");
        let mut stream = SseStream { status: parts.status, body, buf: String::new(), endpoint: String::new(), token };
        let (event, data) = stream.next_event().await.expect("the endpoint event");
        assert_eq!(event, "endpoint", "the first event names the message endpoint: {data}");
        assert!(data.starts_with("/messages?sessionId="), "{data}");
        let origin = url.trim_end_matches("/sse");
        stream.endpoint = format!("{origin}{data}");
        Ok(stream)
    }

    /// The next event's name and data (comments, such as keep-alives, skipped); `None` when
    /// the stream ended or nothing came within 30 s.
    async fn next_event(&mut self) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let raw: String = self.buf.drain(..end + 2).collect();
                let (mut event, mut data) = ("message".to_owned(), Vec::new());
                for line in raw.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v).to_owned());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return Some((event, data.join("\n")));
            }
            let frame = tokio::time::timeout(Duration::from_secs(30), self.body.frame()).await.ok()??.ok()?;
            if let Ok(bytes) = frame.into_data() {
                self.buf.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }

    /// The next JSON-RPC message on the stream.
    async fn next_message(&mut self) -> Option<Value> {
        let (event, data) = self.next_event().await?;
        assert_eq!(event, "message", "{data}");
        Some(serde_json::from_str(&data).expect("a JSON-RPC message"))
    }

    /// POSTs `message` to the session's endpoint with the stream's token and `extra` headers.
    async fn post(&self, extra: &[(&str, &str)], message: &Value) -> Reply {
        self.post_raw(extra, message.to_string()).await
    }

    async fn post_raw(&self, extra: &[(&str, &str)], body: String) -> Reply {
        let auth = self.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut headers = Vec::new();
        if !extra.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            headers.push(JSON);
        }
        headers.extend(auth.iter().map(|a| ("authorization", a.as_str())));
        headers.extend_from_slice(extra);
        send(&client(), Method::POST, &self.endpoint, &headers, body).await.expect("POST /messages")
    }

    /// Sends a request and waits for its response on the stream (notifications before it
    /// are skipped).
    async fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        let reply = self.post(&[], &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{method}: {}", reply.body);
        loop {
            let message = self.next_message().await.unwrap_or_else(|| panic!("no answer to {method}"));
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    /// Opens and initializes a session (protocol 2024-11-05).
    async fn session(url: &str, token: Option<&str>) -> SseStream {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let mut s = SseStream::open(url, &headers).await.unwrap_or_else(|r| panic!("{}: {}", r.status, r.body));
        let init = s.request(0, "initialize", init_message("2024-11-05")["params"].clone()).await;
        assert_eq!(init["result"]["serverInfo"]["name"], "ecs-security-mcp", "{init}");
        assert_eq!(init["result"]["protocolVersion"], "2024-11-05", "{init}");
        let reply = s.post(&[], &json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
        s
    }
}

/// The HTTP+SSE transport keeps the rules of `/mcp`: the bearer token on the stream and
/// every POST, 404 for an unknown or closed session, the body limit, malformed input, the
/// session cap shared with Streamable HTTP, and a clean shutdown with streams open.
#[tokio::test]
async fn the_sse_transport_has_the_token_limits_and_sessions_of_streamable_http() {
    let mut server = Server::start(
        &["serve", "--http", "127.0.0.1:0", "--snapshot", &demo(), "--max-sessions", "2", "--max-body-bytes", "4096"],
        &[("ECS_SECURITY_MCP_AUTH_TOKEN", TOKEN)],
    )
    .await;
    let url = server.url.replace("/mcp", "/sse");
    let wrong = format!("Bearer {TOKEN}x");
    for headers in [vec![], vec![("authorization", wrong.as_str())]] {
        let refused = SseStream::open(&url, &headers).await.err().expect("refused");
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert!(refused.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")));
    }
    let mut s = SseStream::session(&url, Some(TOKEN)).await;
    let tools = s.request(1, "tools/list", json!({})).await;
    assert_eq!(
        tools["result"]["tools"].as_array().map(Vec::len),
        Some(ecs_security_mcp::actions::ActionKind::ALL.len()),
        "{tools}"
    );
    let call = s
        .request(
            2,
            "tools/call",
            json!({"name": "analyze_cluster_security", "arguments": {"cluster_name": "payments-prod"}}),
        )
        .await;
    assert_eq!(call["result"]["isError"], false, "{call}");

    // Every POST needs the token too.
    let ping = json!({"jsonrpc": "2.0", "id": 3, "method": "ping"});
    let unauthenticated = send(&client(), Method::POST, &s.endpoint, &[JSON], ping.to_string()).await.expect("POST");
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
    // Unknown and missing sessions, hostile bodies.
    let bearer = format!("Bearer {TOKEN}");
    let auth = [JSON, ("authorization", bearer.as_str())];
    let messages = url.replace("/sse", "/messages");
    let unknown = format!("{messages}?sessionId=no-such-session");
    let unknown = send(&client(), Method::POST, &unknown, &auth, ping.to_string()).await.expect("POST");
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let missing = send(&client(), Method::POST, &messages, &auth, ping.to_string()).await.expect("POST");
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    let r = s.post_raw(&[], "{not json".into()).await;
    assert_eq!(
        (r.status, r.response().map(|m| m["error"]["code"].clone())),
        (StatusCode::BAD_REQUEST, Some(json!(-32700)))
    );
    let r = s.post_raw(&[], r#"{"hello": "world"}"#.into()).await;
    assert_eq!(
        (r.status, r.response().map(|m| m["error"]["code"].clone())),
        (StatusCode::BAD_REQUEST, Some(json!(-32600)))
    );
    let r = s.post_raw(&[("content-type", "text/plain")], ping.to_string()).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    let mut big = init_message("2024-11-05");
    big["params"]["clientInfo"]["name"] = json!("x".repeat(5000));
    let r = s.post(&[], &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    // The session still answers after all that.
    assert_eq!(s.request(4, "ping", json!({})).await["result"], json!({}));

    // Two sessions is the cap, over both transports: an SSE one and a Streamable HTTP one.
    let http = client();
    let mcp = Session::open(&http, &server.url, Some(TOKEN), "2025-11-25").await.expect("a second session");
    let full = SseStream::open(&url, &[("authorization", bearer.as_str())]).await.err().expect("refused");
    assert_eq!(full.status, StatusCode::SERVICE_UNAVAILABLE, "{}", full.body);
    assert!(Session::open(&http, &server.url, Some(TOKEN), "2025-11-25").await.is_err(), "a third session opened");
    // Closing the stream ends its session: its endpoint is gone and there is room again.
    let endpoint = s.endpoint.clone();
    drop(s);
    let mut gone = StatusCode::ACCEPTED;
    for _ in 0..50 {
        gone = send(&http, Method::POST, &endpoint, &auth, ping.to_string()).await.expect("POST").status;
        if gone == StatusCode::NOT_FOUND {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(gone, StatusCode::NOT_FOUND, "the session outlived its stream");
    let mut s = SseStream::session(&url, Some(TOKEN)).await;

    // SIGTERM with a stream open: the stream ends and the server exits cleanly.
    assert_eq!(mcp.close().await.expect("DELETE"), StatusCode::NO_CONTENT);
    server.signal("TERM");
    assert!(server.exit_within(Duration::from_secs(15)).await.success(), "{}", server.stderr());
    assert!(s.next_event().await.is_none(), "the stream ended with the server");
}

#[tokio::test]
async fn bearer_token_is_required_and_never_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{TOKEN}\n")).expect("write token");
    let file = file.display().to_string();
    let server = Server::start(
        &["serve", "--http", "127.0.0.1:0", "--snapshot", &demo(), "--auth-token-file", &file, "--log-level", "trace"],
        &[],
    )
    .await;
    let wrong = "wrong-token-of-the-same-shape-0123456789ab";
    for auth in
        [None, Some(format!("Bearer {wrong}")), Some(format!("Basic {TOKEN}")), Some(format!("Bearer {TOKEN}x"))]
    {
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let reply = initialize_with(&server.url, &headers).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert!(reply.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")), "{:?}", reply.headers);
    }
    let http = client();
    let mut s = Session::open(&http, &server.url, Some(TOKEN), "2025-11-25").await.expect("with the token");
    let r = s.call_tool("list_clusters", json!({})).await.expect("call");
    assert_eq!(r["isError"], false);
    // Requests inside the session need the token too.
    let reply = post(
        &http,
        &server.url,
        &[("mcp-session-id", s.id.as_str())],
        &json!({"jsonrpc": "2.0", "id": 9, "method": "ping"}),
    )
    .await
    .expect("exchange");
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    // The scheme is case-insensitive (RFC 7235).
    let lower = format!("bearer {TOKEN}");
    assert_eq!(initialize_with(&server.url, &[("authorization", lower.as_str())]).await.status, StatusCode::OK);
    assert_eq!(s.close().await.expect("DELETE"), StatusCode::NO_CONTENT);

    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = server.stderr();
    assert!(log.contains("TRACE") || log.contains("DEBUG"), "trace logging is on: {log:.500}");
    assert!(log.contains("bearer token"), "rejections are logged: {log:.2000}");
    assert!(!log.contains(TOKEN), "the token appears in the log");
    assert!(!log.contains(wrong), "a presented token appears in the log");

    // The environment variable works too, and short tokens are refused at start.
    let server = Server::start(
        &["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()],
        &[("ECS_SECURITY_MCP_AUTH_TOKEN", TOKEN)],
    )
    .await;
    assert_eq!(initialize_with(&server.url, &[]).await.status, StatusCode::UNAUTHORIZED);
    Session::open(&http, &server.url, Some(TOKEN), "2025-11-25").await.expect("with the token from the environment");
    let short = std::process::Command::new(BIN)
        .args(["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()])
        .env("ECS_SECURITY_MCP_AUTH_TOKEN", "short")
        .output()
        .expect("runs");
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 16 characters"));
}

#[tokio::test]
async fn request_bodies_are_limited() {
    let server =
        Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo(), "--max-body-bytes", "4096"], &[])
            .await;
    let mut big = init_message("2025-11-25");
    big["params"]["clientInfo"]["name"] = json!("x".repeat(5000));
    let reply = post(&client(), &server.url, &[], &big).await.expect("exchange");
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.body);
    assert!(reply.body.contains("4096"), "{}", reply.body);
    assert_still_serving(&server.url).await;
}

#[tokio::test]
async fn sessions_are_capped_even_when_opened_at_once() {
    let server =
        Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo(), "--max-sessions", "3"], &[]).await;
    let http = client();
    let attempts = (0..12).map(|_| {
        let (http, url) = (http.clone(), server.url.clone());
        tokio::spawn(async move { post(&http, &url, &[], &init_message("2025-11-25")).await.expect("exchange") })
    });
    let replies: Vec<Reply> = futures::future::join_all(attempts).await.into_iter().map(|r| r.expect("join")).collect();
    let opened = replies.iter().filter(|r| r.status == StatusCode::OK).count();
    let refused: Vec<&Reply> = replies.iter().filter(|r| r.status == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert_eq!(opened, 3, "{:?}", replies.iter().map(|r| r.status).collect::<Vec<_>>());
    assert_eq!(refused.len(), 9);
    assert!(refused.iter().all(|r| r.header("retry-after").is_some() && r.body.contains("too many open MCP sessions")));
    // Requests inside open sessions still work, and closing one makes room.
    let id = replies
        .iter()
        .find(|r| r.status == StatusCode::OK)
        .and_then(|r| r.header("mcp-session-id"))
        .expect("id")
        .to_owned();
    let delete = send(&http, Method::DELETE, &server.url, &[("mcp-session-id", id.as_str())], Bytes::new())
        .await
        .expect("DELETE");
    assert_eq!(delete.status, StatusCode::NO_CONTENT);
    let mut s = Session::open(&http, &server.url, None, "2025-11-25").await.expect("room after a DELETE");
    assert_eq!(s.call_tool("list_clusters", json!({})).await.expect("call")["isError"], false);
}

#[tokio::test]
async fn analyses_in_flight_are_capped() {
    let aws = SlowAws::start(Duration::from_millis(700)).await;
    let env = aws.env();
    let server =
        Server::start(&["serve", "--http", "127.0.0.1:0", "--max-concurrent-calls", "2"], &env_refs(&env)).await;
    let http = client();
    let started = Instant::now();
    let calls = (0..6).map(|_| {
        let (http, url) = (http.clone(), server.url.clone());
        tokio::spawn(async move {
            let mut s = Session::open(&http, &url, None, "2025-11-25").await?;
            s.call_tool("list_clusters", json!({})).await
        })
    });
    for r in futures::future::join_all(calls).await {
        let r = r.expect("join").expect("call");
        assert_eq!(r["isError"], false, "{r}");
    }
    assert_eq!(aws.calls.load(Ordering::SeqCst), 6);
    assert_eq!(aws.max_active.load(Ordering::SeqCst), 2, "at most 2 analyses may run at once");
    assert!(
        started.elapsed() >= Duration::from_millis(2000),
        "6 calls of 0.7 s, 2 at a time, took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_call_past_the_tool_timeout_is_an_error_and_the_server_goes_on() {
    let aws = SlowAws::start(Duration::from_secs(6)).await;
    let env = aws.env();
    let server = Server::start(&["serve", "--http", "127.0.0.1:0", "--tool-timeout", "1"], &env_refs(&env)).await;
    let mut s = Session::open(&client(), &server.url, None, "2025-11-25").await.expect("session");
    let started = Instant::now();
    let r = s.call_tool("list_clusters", json!({})).await.expect("call");
    assert_eq!(r["isError"], true, "{r}");
    assert!(text(&r).contains("did not finish within 1 s"), "{r}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let pong = s.request("ping", json!({})).await.expect("ping after a timeout");
    assert_eq!(pong.response().expect("response")["result"], json!({}));
}

#[tokio::test]
async fn hostile_input_gets_a_clear_4xx_and_the_server_keeps_serving() {
    let server = Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()], &[]).await;
    let (http, url) = (client(), server.url.clone());
    let raw = |headers: Vec<(&'static str, &'static str)>, body: &'static str| {
        let (http, url) = (http.clone(), url.clone());
        async move { send(&http, Method::POST, &url, &headers, body).await.expect("exchange") }
    };

    let r = raw(vec![ACCEPT_BOTH, JSON], "{this is not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.response().map(|m| m["error"]["code"].clone()), Some(json!(-32700)), "{}", r.body);
    for body in [r#"{"hello": "world"}"#, "[1, 2, 3]", "42", r#"{"jsonrpc": "1.0", "id": 1, "method": "ping"}"#] {
        let r = raw(vec![ACCEPT_BOTH, JSON], body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!(r.response().map(|m| m["error"]["code"].clone()), Some(json!(-32600)), "{body}: {}", r.body);
    }
    let r = raw(vec![ACCEPT_BOTH, ("content-type", "text/plain")], r#"{"jsonrpc": "2.0", "id": 1, "method": "ping"}"#)
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    let r = raw(vec![("accept", "application/json"), JSON], r#"{"jsonrpc": "2.0", "id": 1, "method": "ping"}"#).await;
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE, "{}", r.body);
    // A request other than initialize needs a session; an unknown session is 404.
    let r = raw(vec![ACCEPT_BOTH, JSON], r#"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = raw(
        vec![ACCEPT_BOTH, JSON, ("mcp-session-id", "no-such-session")],
        r#"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = send(&http, Method::DELETE, &url, &[("mcp-session-id", "no-such-session")], Bytes::new())
        .await
        .expect("DELETE");
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = send(&http, Method::GET, &url, &[("accept", "text/event-stream")], Bytes::new()).await.expect("GET");
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = send(&http, Method::PUT, &url, &[JSON], "{}").await.expect("PUT");
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{}", r.body);
    let r = send(&http, Method::GET, &url.replace("/mcp", "/admin"), &[], Bytes::new()).await.expect("GET");
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // Oversized (the default limit is 1 MiB), then a forbidden Origin.
    let mut big = init_message("2025-11-25");
    big["params"]["clientInfo"]["name"] = json!("x".repeat(2 << 20));
    let r = post(&http, &url, &[], &big).await.expect("exchange");
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // The rest of the body is unread: the connection must not be reused.
    assert_eq!(r.header("connection"), Some("close"));
    let r = initialize_with(&url, &[("origin", "https://evil.example.com")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A bad tool call inside a good session is a JSON-RPC or tool error, not an HTTP one.
    let mut s = Session::open(&http, &url, None, "2025-11-25").await.expect("session");
    assert!(s.call_tool("drop_database", json!({})).await.is_err_and(|e| e.contains("unknown tool")));
    let r = s.call_tool("analyze_cluster_security", json!({"cluster_name": 42})).await.expect("tool error");
    assert_eq!(r["isError"], true, "{r}");

    // A half-open connection (headers never finish) is closed after the header timeout (10 s).
    let mut stalled = TcpStream::connect(server.addr()).await.expect("connect");
    stalled
        .write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
        .await
        .expect("write");
    let mut idle = TcpStream::connect(server.addr()).await.expect("connect");
    let opened = Instant::now();
    assert_still_serving(&url).await;
    for (what, conn) in [("partial headers", &mut stalled), ("no bytes at all", &mut idle)] {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "{what}: the server kept an idle half-open connection open for 30 s");
        let waited = opened.elapsed();
        assert!(waited >= Duration::from_secs(8), "{what}: closed after only {waited:?}");
    }
    assert_still_serving(&url).await;
}

/// A request body that stops arriving is answered 408 (in process, with a short timeout).
#[tokio::test]
async fn a_stalled_request_body_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let opts = HttpOptions {
        addr,
        body_timeout: Duration::from_secs(1),
        header_timeout: Duration::from_secs(1),
        ..HttpOptions::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(http::serve(SecurityServer::new(common::fixture_actions()), listener, opts, async {
        let _ = stopped.await;
    }));
    let mut conn = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{{\"jsonrpc\"",
        addr.port()
    );
    conn.write_all(head.as_bytes()).await.expect("write");
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), conn.read_to_string(&mut answer))
        .await
        .expect("answered")
        .expect("read");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_still_serving(&format!("http://{addr}/mcp")).await;
    let _ = stop.send(());
    serving.await.expect("join").expect("clean stop");
}

/// An SSE stream that never sends `initialize` is closed after the body timeout, freeing its
/// session slot (in process, with a 1 s timeout and room for one session).
#[tokio::test]
async fn an_sse_stream_that_never_initializes_is_closed() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let opts = HttpOptions { addr, body_timeout: Duration::from_secs(1), max_sessions: 1, ..HttpOptions::default() };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(http::serve(SecurityServer::new(common::fixture_actions()), listener, opts, async {
        let _ = stopped.await;
    }));
    let url = format!("http://{addr}/sse");
    let mut idle = SseStream::open(&url, &[]).await.expect("a stream");
    let full = SseStream::open(&url, &[]).await.err().expect("the only slot is taken");
    assert_eq!(full.status, StatusCode::SERVICE_UNAVAILABLE);
    let started = Instant::now();
    assert!(idle.next_event().await.is_none(), "the idle stream got an event");
    assert!(started.elapsed() < Duration::from_secs(10), "closed after {:?}", started.elapsed());
    let mut s = SseStream::session(&url, None).await;
    assert_eq!(s.request(1, "ping", json!({})).await["result"], json!({}));
    let _ = stop.send(());
    serving.await.expect("join").expect("clean stop");
}

/// Item 4 of the issue: 50 clients x 20 tool calls on the demo snapshot, zero errors, and
/// the server's memory stays bounded (RSS from /proc) across two rounds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_clients_with_bounded_memory() {
    const CLIENTS: usize = 50;
    const CALLS: usize = 20;
    let server = Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()], &[]).await;
    let pid = server.pid();
    let (idle_rss, _) = mcp_http::rss_kib(pid).expect("/proc status");
    let round = || {
        let http = client();
        let url = server.url.clone();
        async move {
            let clients = (0..CLIENTS).map(|c| {
                let (http, url) = (http.clone(), url.clone());
                tokio::spawn(async move {
                    let mut s = Session::open(&http, &url, None, "2025-11-25").await?;
                    let mut errors = Vec::new();
                    for i in 0..CALLS {
                        let (tool, args) = match (c + i) % 4 {
                            0 | 1 => ("analyze_cluster_security", json!({"cluster_name": "payments-prod"})),
                            2 => ("get_security_recommendations", json!({"cluster_name": "payments-prod", "limit": 5})),
                            _ => ("check_compliance_status", json!({"cluster_name": "payments-prod"})),
                        };
                        match s.call_tool(tool, args).await {
                            Ok(r) if r["isError"] == false => {}
                            Ok(r) => errors.push(format!("{tool}: {}", text(&r))),
                            Err(e) => errors.push(e),
                        }
                    }
                    let closed = s.close().await?;
                    if closed != StatusCode::NO_CONTENT {
                        errors.push(format!("DELETE: {closed}"));
                    }
                    Ok::<Vec<String>, String>(errors)
                })
            });
            let mut errors = Vec::new();
            for r in futures::future::join_all(clients).await {
                match r.expect("join") {
                    Ok(e) => errors.extend(e),
                    Err(e) => errors.push(e),
                }
            }
            errors
        }
    };
    let started = Instant::now();
    let errors = round().await;
    let first = started.elapsed();
    assert!(errors.is_empty(), "{} errors, first: {:?}", errors.len(), errors.first());
    let (after_one, peak_one) = mcp_http::rss_kib(pid).expect("/proc status");
    let errors = round().await;
    assert!(errors.is_empty(), "{} errors in round 2, first: {:?}", errors.len(), errors.first());
    let (after_two, peak_two) = mcp_http::rss_kib(pid).expect("/proc status");
    eprintln!(
        "50x20 calls: {first:?} for round 1; RSS idle {idle_rss} KiB, after round 1 {after_one} KiB (peak {peak_one}), after round 2 {after_two} KiB (peak {peak_two})"
    );
    assert!(peak_two < 512 * 1024, "peak RSS {peak_two} KiB");
    // A second identical round must not keep growing (no per-session or per-call leak).
    assert!(peak_two <= peak_one + peak_one / 5 + 16 * 1024, "peak RSS grew from {peak_one} to {peak_two} KiB");
    assert!(after_two <= after_one + after_one / 5 + 16 * 1024, "RSS grew from {after_one} to {after_two} KiB");
    assert_still_serving(&server.url).await;
}

fn python() -> std::path::PathBuf {
    moto::python()
}

/// Runs tests/python/mcp_client.py; its JSON summary, or a panic with its output.
fn run_python(args: &[&str], env: &[(&str, &str)]) -> Value {
    let script = common::root().join("tests/python/mcp_client.py");
    let mut cmd = std::process::Command::new(python());
    cmd.arg(&script).args(args).env_remove("ECS_SECURITY_MCP_AUTH_TOKEN").env_remove("AWS_PROFILE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the Python SDK client failed ({}):\n{stdout}\n{stderr}", out.status);
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The official MCP Python SDK as the client, over stdio and over HTTP (2025-11-25 with a
/// session, and stateless 2026-07-28), against a live collection from a seeded moto server:
/// the tools, paging through every finding with cursors, resources (list, templates, the
/// report a tool links to), prompts and completion, progress notifications, log messages and
/// errors for bad input.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_sdk_drives_tools_paging_resources_and_prompts() {
    let moto = moto::Moto::start(&[]);
    assert!(moto.seeded["insecure"]["cluster_arn"].is_string(), "moto seeded {}", moto.seeded);
    let endpoint = moto.endpoint();
    let aws = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    // Once a tool has collected the cluster, the live server lists its reports as resources
    // and completes its name (from the snapshot cache).
    let cluster = ["--cluster", "insecure-cluster", "--expect-progress", "--expect-logs", "--expect-listed"];

    let stdio = run_python(&[&cluster[..], &["--stdio", BIN, "serve"]].concat(), &aws);
    assert_eq!(stdio["protocol_version"], "2025-11-25", "{stdio}");

    let server = Server::start(
        &["serve", "--http", "127.0.0.1:0"],
        &[&aws[..], &[("ECS_SECURITY_MCP_AUTH_TOKEN", TOKEN)]].concat(),
    )
    .await;
    let legacy = run_python(&[&cluster[..], &["--http", &server.url, "--token", TOKEN]].concat(), &[]);
    assert_eq!(legacy["protocol_version"], "2025-11-25", "{legacy}");
    let modern =
        run_python(&[&cluster[..], &["--http", &server.url, "--token", TOKEN, "--mode", "2026-07-28"]].concat(), &[]);
    assert_eq!(modern["protocol_version"], "2026-07-28", "{modern}");
    for summary in [&stdio, &legacy, &modern] {
        assert!(summary["progress"]["analyze_cluster_security"].as_u64() > Some(0), "{summary}");
        assert!(summary["logs"].as_u64() > Some(0), "{summary}");
        assert!(summary["pages"].as_u64() > Some(1) && summary["findings_paged"].as_u64() > Some(0), "{summary}");
        assert!(summary["resources"].as_u64() > Some(0) && summary["prompts"] == 3, "{summary}");
    }

    // Served from a snapshot, the server lists each loaded cluster's reports from the start.
    let listed = ["--cluster", "payments-prod", "--expect-listed"];
    let stdio = run_python(&[&listed[..], &["--stdio", BIN, "serve", "--snapshot", &demo()]].concat(), &[]);
    let server = Server::start(&["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()], &[]).await;
    let http = run_python(&[&listed[..], &["--http", &server.url]].concat(), &[]);
    for summary in [&stdio, &http] {
        assert!(summary["pages"].as_u64() > Some(1) && summary["findings_paged"].as_u64() > Some(100), "{summary}");
        assert!(summary["resources"].as_u64() > Some(100), "{summary}");
    }
}

/// Runs the TypeScript SDK client (tests/typescript/client.mjs) and returns its report.
fn run_typescript(args: &[&str]) -> Value {
    let dir = common::root().join("tests/typescript");
    assert!(
        dir.join("node_modules/@modelcontextprotocol/sdk").is_dir(),
        "the TypeScript SDK is not installed: run scripts/test (npm ci --prefix tests/typescript)"
    );
    let out = std::process::Command::new("node")
        .arg(dir.join("client.mjs"))
        .args(args)
        .env_remove("ECS_SECURITY_MCP_AUTH_TOKEN")
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert!(out.status.success() && report["ok"] == true, "the TypeScript SDK client failed: {report}");
    report
}

/// The official TypeScript SDK (the library most desktop and IDE clients build on) as the
/// client over stdio, Streamable HTTP and the older HTTP+SSE transport (`SSEClientTransport`):
/// every tool's structured content validated against its outputSchema by the SDK, paging
/// with cursors, resources, prompts and completion.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_typescript_sdk_drives_tools_resources_and_prompts() {
    let stdio = run_typescript(&["--stdio", BIN, "serve", "--snapshot", &demo()]);
    assert_eq!(stdio["tools"], ecs_security_mcp::actions::ActionKind::ALL.len(), "{stdio}");
    assert!(stdio["pages"].as_u64().is_some_and(|p| p > 1), "paged: {stdio}");
    let server = Server::start(
        &["serve", "--http", "127.0.0.1:0", "--snapshot", &demo()],
        &[("ECS_SECURITY_MCP_AUTH_TOKEN", TOKEN)],
    )
    .await;
    let http = run_typescript(&["--http", &server.url, "--token", TOKEN]);
    assert_eq!(http["prompts"], 3, "{http}");
    let sse = run_typescript(&["--sse", &server.url.replace("/mcp", "/sse"), "--token", TOKEN]);
    assert_eq!(
        (&sse["server"], &sse["tools"], &sse["prompts"]),
        (&json!("ecs-security-mcp"), &json!(ecs_security_mcp::actions::ActionKind::ALL.len()), &json!(3)),
        "{sse}"
    );
    assert!(sse["resources"].as_u64() > Some(0) && sse["pages"].as_u64() > Some(1), "{sse}");
}
