//! MCP Streamable HTTP at `/mcp` (rmcp's `StreamableHttpService` in axum), and the older
//! HTTP+SSE transport of protocol 2024-11-05 at `/sse` and `/messages` ([`super::sse`]) for
//! the clients that speak only that, behind the same checks and limits.
//!
//! Follows the MCP transport security rules: bound to loopback unless told otherwise (with a
//! loud warning), `Host` and `Origin` checked against an allow-list (DNS-rebinding defence),
//! an optional bearer token compared in constant time, a request body limit, a cap on
//! sessions and (in [`SecurityServer`]) on concurrent analyses, and timeouts for idle or
//! slow connections. SIGINT/SIGTERM stop new requests, let running calls finish and their
//! answers reach the clients, then exit.
//!
//! Malformed input gets a 4xx with a JSON-RPC error body where one applies: invalid JSON is a
//! 400 parse error (-32700), JSON that is not a JSON-RPC message a 400 invalid request
//! (-32600), rather than rmcp's 415.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::StreamExt;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{SecurityServer, sse};

/// The default address: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8765";

/// Settings of the HTTP transport.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub addr: SocketAddr,
    /// Extra `Host` values to accept (the bound address and localhost names always are).
    pub allowed_hosts: Vec<String>,
    /// Extra `Origin` values to accept (`http://localhost:*` and the bound address always are).
    pub allowed_origins: Vec<String>,
    /// When set, requests must carry `Authorization: Bearer <token>`.
    pub auth_token: Option<String>,
    pub max_body_bytes: usize,
    pub max_sessions: usize,
    /// How long a client may take to send request headers.
    pub header_timeout: Duration,
    /// How long a client may take to send a request body once its headers arrived.
    pub body_timeout: Duration,
    /// How long running calls may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 8765)),
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            auth_token: None,
            max_body_bytes: 1024 * 1024,
            max_sessions: 64,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(60),
        }
    }
}

/// The cap on open sessions, over both transports.
pub(super) struct Capacity {
    streamable: Arc<LocalSessionManager>,
    sse: Arc<sse::Sessions>,
    max: usize,
    /// Held while a session opens, so the count it checks is exact.
    opening: Arc<tokio::sync::Mutex<()>>,
}

impl Capacity {
    /// Sessions open now on either transport.
    async fn open_sessions(&self) -> usize {
        self.streamable.sessions.read().await.len() + self.sse.len()
    }

    /// Room for one more session: a permit to hold until the session is registered, or the
    /// 503 to answer. Waits at most `wait` for another session to finish opening.
    pub(super) async fn reserve(&self, wait: Duration) -> Result<tokio::sync::OwnedMutexGuard<()>, Response> {
        let Ok(permit) = tokio::time::timeout(wait, self.opening.clone().lock_owned()).await else {
            return Err(reject(StatusCode::SERVICE_UNAVAILABLE, "the server is busy opening sessions; retry shortly"));
        };
        if self.open_sessions().await >= self.max {
            tracing::warn!(max = self.max, "HTTP request rejected: session limit reached");
            return Err(reject(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many open MCP sessions; close one or retry later",
            ));
        }
        Ok(permit)
    }
}

#[derive(Clone)]
struct Guard {
    token: Option<Arc<Vec<u8>>>,
    sessions: Arc<LocalSessionManager>,
    capacity: Arc<Capacity>,
    max_body_bytes: usize,
    body_timeout: Duration,
    closing: Arc<AtomicBool>,
    /// POST requests whose response has not been fully sent.
    in_flight: Arc<InFlight>,
}

/// Counts POST exchanges until their response body is sent or dropped, so a shutdown can
/// wait for the answers of running calls to reach their clients.
#[derive(Default)]
struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

struct InFlightGuard(Arc<InFlight>);

impl InFlight {
    fn enter(self: &Arc<Self>) -> InFlightGuard {
        self.count.fetch_add(1, Ordering::SeqCst);
        InFlightGuard(self.clone())
    }

    async fn wait_idle(&self) {
        loop {
            let notified = self.idle.notified();
            if self.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

/// A JSON-RPC error response without an id, as the transport allows for unreadable input.
pub(super) fn jsonrpc_error(status: StatusCode, code: i64, message: String) -> Response {
    let body = json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads a request body of at most `limit` bytes within `timeout`.
async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, (StatusCode, String)> {
    let read = async {
        let mut stream = body.into_data_stream();
        let mut buf = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| (StatusCode::BAD_REQUEST, format!("cannot read the request body: {e}")))?;
            if buf.len() + chunk.len() > limit {
                return Err((
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the request body exceeds {limit} bytes (--max-body-bytes)"),
                ));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buf))
    };
    tokio::time::timeout(timeout, read).await.unwrap_or_else(|_| {
        Err((StatusCode::REQUEST_TIMEOUT, format!("the request body did not arrive within {} s", timeout.as_secs())))
    })
}

/// An error answer. It closes the connection: the request body may be unread, and a client
/// must not send its next request on a connection the server is about to drop.
pub(super) fn reject(status: StatusCode, message: &str) -> Response {
    let mut r = (status, message.to_owned()).into_response();
    r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"ecs-security-mcp\""));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    r
}

/// The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive).
fn bearer(req: &Request) -> &[u8] {
    let value = req.headers().get(header::AUTHORIZATION).map(HeaderValue::as_bytes).unwrap_or_default();
    match value.split_at_checked(7) {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case(b"bearer ") => token,
        _ => &[],
    }
}

/// Shutdown, authentication, input checks and the session cap, before rmcp sees the request.
async fn guard(State(g): State<Guard>, req: Request, next: Next) -> Response {
    if g.closing.load(Ordering::SeqCst) {
        return reject(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down");
    }
    if let Some(token) = &g.token {
        let presented = bearer(&req);
        let ok = presented.len() == token.len() && bool::from(presented.ct_eq(token.as_slice()));
        if !ok {
            tracing::warn!("HTTP request rejected: missing or wrong bearer token");
            return reject(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
        }
    }
    let session = req.headers().get("mcp-session-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    match *req.method() {
        Method::POST => {}
        Method::DELETE => {
            // rmcp answers 202 for any session id; the spec wants 404 for an unknown one, and
            // clients (the Python SDK) expect 200 or 204 for a closed one.
            if let Some(id) = &session
                && !g.sessions.sessions.read().await.contains_key(id.as_str())
            {
                return reject(StatusCode::NOT_FOUND, "Not Found: Session not found");
            }
            let mut response = next.run(req).await;
            if response.status() == StatusCode::ACCEPTED {
                *response.status_mut() = StatusCode::NO_CONTENT;
                *response.body_mut() = Body::empty();
            }
            return response;
        }
        _ => return next.run(req).await,
    }

    let in_flight = g.in_flight.enter();
    let streamable = req.uri().path().starts_with("/mcp");
    let json = is_json(&req);
    let mut opening = None;
    let req = if json {
        let (parts, body) = req.into_parts();
        let bytes = match read_body(body, g.max_body_bytes, g.body_timeout).await {
            Ok(b) => b,
            Err((status, message)) => return reject(status, &message),
        };
        let message: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                return jsonrpc_error(
                    StatusCode::BAD_REQUEST,
                    -32700,
                    format!("Parse error: the body is not JSON: {e}"),
                );
            }
        };
        // An SSE session was counted when its stream opened; a Streamable HTTP one opens with
        // its initialize request.
        if streamable && session.is_none() && message.get("method").and_then(Value::as_str) == Some("initialize") {
            // One initialize at a time (it takes well under a millisecond): rmcp adds the
            // session to `sessions` while serving it, so the count is exact.
            match g.capacity.reserve(g.body_timeout).await {
                Ok(permit) => opening = Some(permit),
                Err(r) => return r,
            }
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    let mut response = next.run(req).await;
    drop(opening);
    if !json && (response.status().is_client_error() || response.status().is_server_error()) {
        // rmcp refused it without reading the body (wrong content type, ...).
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if streamable && json && response.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        // The body is JSON (checked above) that rmcp could not read as a JSON-RPC message.
        return jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            "Invalid Request: the body is JSON but not a JSON-RPC 2.0 request, notification or response".into(),
        );
    }
    // Count the exchange until its (SSE) body is sent, for the shutdown.
    let (parts, body) = response.into_parts();
    let body = Body::from_stream(body.into_data_stream().map(move |chunk| {
        let _ = &in_flight;
        chunk
    }));
    Response::from_parts(parts, body)
}

/// The hosts and origins a server bound to `addr` accepts.
fn allow_lists(addr: SocketAddr, opts: &HttpOptions) -> (Vec<String>, Vec<String>) {
    let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into(), "[::1]".into()];
    let ip = addr.ip();
    if !ip.is_unspecified() {
        hosts.push(ip.to_string());
    }
    hosts.extend(opts.allowed_hosts.iter().cloned());
    let mut origins: Vec<String> = vec![
        "http://localhost:*".into(),
        "http://127.0.0.1:*".into(),
        "http://[::1]:*".into(),
        "https://localhost:*".into(),
    ];
    if !ip.is_unspecified() && !ip.is_loopback() {
        origins.push(format!("http://{addr}"));
    }
    origins.extend(opts.allowed_origins.iter().cloned());
    hosts.sort();
    hosts.dedup();
    origins.sort();
    origins.dedup();
    (hosts, origins)
}

/// Serves MCP over HTTP on `listener` until `shutdown` resolves.
pub async fn serve(
    server: SecurityServer,
    listener: TcpListener,
    opts: HttpOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "serving MCP on a non-loopback address: anyone who can reach it can read your ECS security posture");
        eprintln!(
            "WARNING: ecs-security-mcp is listening on {addr}, which is not a loopback address. Anyone who can reach it can query your AWS account's ECS security data{}.",
            if opts.auth_token.is_some() {
                " with the bearer token"
            } else {
                " WITHOUT authentication (set --auth-token-file)"
            }
        );
    }
    let (hosts, origins) = allow_lists(addr, &opts);
    let cancel = CancellationToken::new();
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts.clone())
        .with_allowed_origins(origins.clone())
        .with_max_request_body_bytes(opts.max_body_bytes)
        .with_cancellation_token(cancel.child_token());
    let sessions = Arc::new(LocalSessionManager::default());
    let factory = server.clone();
    let mcp = StreamableHttpService::new(move || Ok(factory.for_session()), sessions.clone(), config);
    let closing = Arc::new(AtomicBool::new(false));
    let in_flight = Arc::new(InFlight::default());
    let sse_sessions = Arc::new(sse::Sessions::default());
    let capacity = Arc::new(Capacity {
        streamable: sessions.clone(),
        sse: sse_sessions.clone(),
        max: opts.max_sessions,
        opening: Arc::new(tokio::sync::Mutex::new(())),
    });
    let legacy = sse::SseState {
        server: server.clone(),
        sessions: sse_sessions,
        capacity: capacity.clone(),
        hosts: hosts.into(),
        origins: origins.into(),
        cancel: cancel.child_token(),
        body_timeout: opts.body_timeout,
    };
    let state = Guard {
        token: opts.auth_token.clone().map(|t| Arc::new(t.into_bytes())),
        sessions,
        capacity,
        max_body_bytes: opts.max_body_bytes,
        body_timeout: opts.body_timeout,
        closing: closing.clone(),
        in_flight: in_flight.clone(),
    };
    let app: Router = Router::new()
        .route("/sse", get(sse::open))
        .route("/messages", post(sse::message))
        .with_state(legacy)
        .nest_service("/mcp", mcp)
        .fallback(|| async {
            (StatusCode::NOT_FOUND, "the MCP endpoint is /mcp (Streamable HTTP); /sse is the older HTTP+SSE transport")
        })
        .layer(middleware::from_fn_with_state(state, guard));
    tracing::info!(%addr, "MCP Streamable HTTP server listening on /mcp, HTTP+SSE (2024-11-05) on /sse");
    eprintln!("ecs-security-mcp: MCP endpoint http://{addr}/mcp");
    eprintln!("ecs-security-mcp: HTTP+SSE endpoint (protocol 2024-11-05 clients) http://{addr}/sse");

    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(opts.header_timeout);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        continue;
                    }
                };
                // Answers are written in several small chunks (SSE events): without TCP_NODELAY,
                // Nagle's algorithm and the client's delayed ACK add ~40 ms to some of them.
                if let Err(e) = stream.set_nodelay(true) {
                    tracing::debug!(%peer, error = %e, "cannot set TCP_NODELAY");
                }
                let service = TowerToHyperService::new(app.clone());
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    // Stop taking requests, let running analyses finish and their answers reach the clients,
    // then close the sessions (and their GET streams).
    tracing::info!(running = server.active_calls(), "shutting down: waiting for running calls");
    closing.store(true, Ordering::SeqCst);
    drop(listener);
    let drained = async {
        server.drain(opts.shutdown_grace).await;
        in_flight.wait_idle().await;
    };
    if tokio::time::timeout(opts.shutdown_grace, drained).await.is_err() {
        tracing::warn!(grace = ?opts.shutdown_grace, "shutting down with calls still running");
    }
    cancel.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
    tracing::info!("HTTP server stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
