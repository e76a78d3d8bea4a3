//! MCP Streamable HTTP at `/mcp` (rmcp's `StreamableHttpService` in axum).
//!
//! Follows the MCP transport security rules: bound to loopback unless told otherwise (with a
//! loud warning), `Host` and `Origin` checked against an allow-list (DNS-rebinding defence),
//! an optional bearer token compared in constant time, a request body limit, a cap on
//! sessions and (in [`SecurityServer`]) on concurrent analyses, and timeouts for idle or
//! slow connections. SIGINT/SIGTERM stop new requests, let running calls finish, then exit.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::SecurityServer;

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
            shutdown_grace: Duration::from_secs(60),
        }
    }
}

#[derive(Clone)]
struct Guard {
    token: Option<Arc<Vec<u8>>>,
    sessions: Arc<LocalSessionManager>,
    max_sessions: usize,
    closing: Arc<AtomicBool>,
}

fn reject(status: StatusCode, message: &str) -> Response {
    let mut r = (status, message.to_owned()).into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"ecs-security-mcp\""));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    }
    r
}

/// Shutdown, authentication and the session cap, before rmcp sees the request.
async fn guard(State(g): State<Guard>, req: Request, next: Next) -> Response {
    if g.closing.load(Ordering::SeqCst) {
        return reject(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down");
    }
    if let Some(token) = &g.token {
        let presented = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::as_bytes)
            .unwrap_or_default();
        let ok = presented.len() == token.len() && bool::from(presented.ct_eq(token.as_slice()));
        if !ok {
            tracing::warn!("HTTP request rejected: missing or wrong bearer token");
            return reject(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
        }
    }
    let opens_session = req.method() == axum::http::Method::POST && !req.headers().contains_key("mcp-session-id");
    if opens_session && g.sessions.sessions.read().await.len() >= g.max_sessions {
        tracing::warn!(max = g.max_sessions, "HTTP request rejected: session limit reached");
        return reject(StatusCode::SERVICE_UNAVAILABLE, "too many open MCP sessions; close one or retry later");
    }
    next.run(req).await
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
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .with_max_request_body_bytes(opts.max_body_bytes)
        .with_cancellation_token(cancel.child_token());
    let sessions = Arc::new(LocalSessionManager::default());
    let factory = server.clone();
    let mcp = StreamableHttpService::new(move || Ok(factory.clone()), sessions.clone(), config);
    let closing = Arc::new(AtomicBool::new(false));
    let state = Guard {
        token: opts.auth_token.clone().map(|t| Arc::new(t.into_bytes())),
        sessions,
        max_sessions: opts.max_sessions,
        closing: closing.clone(),
    };
    let app: Router = Router::new()
        .nest_service("/mcp", mcp)
        .fallback(|| async { (StatusCode::NOT_FOUND, "the MCP endpoint is /mcp") })
        .layer(middleware::from_fn_with_state(state, guard));
    tracing::info!(%addr, "MCP Streamable HTTP server listening on /mcp");
    eprintln!("ecs-security-mcp: MCP endpoint http://{addr}/mcp");

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
    // Stop taking requests, let running analyses finish, then close the sessions.
    tracing::info!(running = server.active_calls(), "shutting down: waiting for running calls");
    closing.store(true, Ordering::SeqCst);
    drop(listener);
    server.drain(opts.shutdown_grace).await;
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
