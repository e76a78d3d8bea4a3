//! The HTTP+SSE transport of MCP 2024-11-05 at `/sse` and `/messages`, served next to
//! Streamable HTTP for the clients that speak only it.
//!
//! `GET /sse` opens a session: an event stream whose first event, `endpoint`, names
//! `/messages?sessionId=…`. The client POSTs its JSON-RPC messages there (each answered
//! 202 Accepted); the server's responses, requests and notifications all arrive on the
//! stream. Closing the stream ends the session; a POST to an unknown or ended session is 404.
//!
//! rmcp removed its SSE server (`transport-sse-server`, modelcontextprotocol/rust-sdk PR 562)
//! when the transport left the spec, so this module bridges an axum event stream and a POST
//! handler to one rmcp service per session with rmcp's [`Transport`] trait over two channels.
//! The checks are those of `/mcp`: shutdown, the bearer token and the body limit and timeout
//! come from the guard in [`super::http`]; the session cap counts the sessions of both
//! transports; Host and Origin are checked against the same allow-lists by the rules of
//! rmcp's Streamable HTTP server, restated here because rmcp keeps its checks private (a
//! test runs the same cases against `/mcp` and `/sse`).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::Transport;
use rmcp::transport::common::server_side_http::session_id;
use rmcp::{RoleServer, ServiceExt};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::SecurityServer;
use super::http::{Capacity, jsonrpc_error, reject};

/// Messages queued per direction and session before the sender waits.
const QUEUE: usize = 32;

/// The open sessions of this transport, each with the inbox of its rmcp service.
#[derive(Default)]
pub(super) struct Sessions {
    inboxes: RwLock<HashMap<Arc<str>, mpsc::Sender<ClientJsonRpcMessage>>>,
}

impl Sessions {
    /// How many sessions are open.
    pub(super) fn len(&self) -> usize {
        self.inboxes.read().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn inbox(&self, id: &str) -> Option<mpsc::Sender<ClientJsonRpcMessage>> {
        self.inboxes.read().unwrap_or_else(PoisonError::into_inner).get(id).cloned()
    }

    fn insert(&self, id: Arc<str>, inbox: mpsc::Sender<ClientJsonRpcMessage>) {
        self.inboxes.write().unwrap_or_else(PoisonError::into_inner).insert(id, inbox);
    }

    fn remove(&self, id: &str) {
        self.inboxes.write().unwrap_or_else(PoisonError::into_inner).remove(id);
    }
}

/// What the two handlers share.
#[derive(Clone)]
pub(super) struct SseState {
    pub(super) server: SecurityServer,
    pub(super) sessions: Arc<Sessions>,
    pub(super) capacity: Arc<Capacity>,
    pub(super) hosts: Arc<[String]>,
    pub(super) origins: Arc<[String]>,
    /// Cancelled at shutdown, after running calls finished: ends every session and stream.
    pub(super) cancel: CancellationToken,
    /// How long a POST may wait for room in a session's inbox, and a new stream for its
    /// `initialize`.
    pub(super) body_timeout: Duration,
}

/// One session's side of the channels, as the transport of its rmcp service.
struct Channels {
    outbox: mpsc::Sender<ServerJsonRpcMessage>,
    inbox: mpsc::Receiver<ClientJsonRpcMessage>,
}

#[derive(Debug, thiserror::Error)]
#[error("the client closed its SSE stream")]
struct StreamClosed;

impl Transport<RoleServer> for Channels {
    type Error = StreamClosed;

    fn send(&mut self, item: ServerJsonRpcMessage) -> impl Future<Output = Result<(), StreamClosed>> + Send + 'static {
        let outbox = self.outbox.clone();
        async move { outbox.send(item).await.map_err(|_| StreamClosed) }
    }

    fn receive(&mut self) -> impl Future<Output = Option<ClientJsonRpcMessage>> + Send {
        self.inbox.recv()
    }

    async fn close(&mut self) -> Result<(), StreamClosed> {
        self.inbox.close();
        Ok(())
    }
}

/// Ends a session when its event stream is dropped (the client went away) or ends.
struct Ending {
    id: Arc<str>,
    sessions: Arc<Sessions>,
    cancel: CancellationToken,
}

impl Drop for Ending {
    fn drop(&mut self) {
        self.sessions.remove(&self.id);
        self.cancel.cancel();
        tracing::debug!(session = %self.id, "SSE session closed");
    }
}

/// `GET /sse`: opens a session and streams its messages.
pub(super) async fn open(State(state): State<SseState>, req: Request) -> Response {
    if let Err(r) = check_host_and_origin(req.uri(), req.headers(), &state.hosts, &state.origins) {
        return r;
    }
    let permit = match state.capacity.reserve(state.body_timeout).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = session_id();
    let (inbox_tx, inbox_rx) = mpsc::channel(QUEUE);
    let (outbox_tx, outbox_rx) = mpsc::channel::<ServerJsonRpcMessage>(QUEUE);
    state.sessions.insert(id.clone(), inbox_tx);
    drop(permit);

    let cancel = state.cancel.child_token();
    let service = state.server.for_session();
    let transport = Channels { outbox: outbox_tx, inbox: inbox_rx };
    let (task_cancel, task_id) = (cancel.clone(), id.clone());
    let initialize_within = state.body_timeout;
    tokio::spawn(async move {
        // A stream that never initializes would hold a session slot: drop it (and with the
        // transport, the stream) after the body timeout.
        match tokio::time::timeout(initialize_within, service.serve_with_ct(transport, task_cancel)).await {
            Ok(Ok(running)) => {
                if let Err(e) = running.waiting().await {
                    tracing::debug!(session = %task_id, error = %e, "SSE session ended with an error");
                }
            }
            Ok(Err(e)) => tracing::debug!(session = %task_id, error = %e, "SSE session ended before initialize"),
            Err(_) => tracing::info!(session = %task_id, "SSE session closed: no initialize within the body timeout"),
        }
    });
    tracing::debug!(session = %id, "SSE session opened");

    let endpoint = Event::default().event("endpoint").data(format!("/messages?sessionId={id}"));
    let ending = Ending { id, sessions: state.sessions.clone(), cancel };
    // The stream owns `ending`: dropping it (client gone) or its end (service stopped) closes
    // the session.
    let messages = futures::stream::unfold((outbox_rx, ending), |(mut rx, ending)| async move {
        let message = rx.recv().await?;
        let event = match serde_json::to_string(&message) {
            Ok(json) => Event::default().event("message").data(json),
            Err(e) => Event::default().comment(format!("a message could not be serialised: {e}")),
        };
        Some((Ok::<Event, Infallible>(event), (rx, ending)))
    });
    let stream = futures::stream::once(async move { Ok(endpoint) }).chain(messages);
    let mut response = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    // Proxies must not buffer the stream.
    response.headers_mut().insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    response
}

/// `POST /messages?sessionId=…`: hands one JSON-RPC message to its session; 202 Accepted.
pub(super) async fn message(State(state): State<SseState>, req: Request) -> Response {
    if let Err(r) = check_host_and_origin(req.uri(), req.headers(), &state.hosts, &state.origins) {
        return r;
    }
    let Some(id) = req.uri().query().and_then(|q| {
        q.split('&').find_map(|pair| pair.strip_prefix("sessionId=")).filter(|v| !v.is_empty()).map(str::to_owned)
    }) else {
        return reject(StatusCode::BAD_REQUEST, "Bad Request: the sessionId query parameter is missing");
    };
    let Some(inbox) = state.sessions.inbox(&id) else {
        return reject(StatusCode::NOT_FOUND, "Not Found: Session not found");
    };
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type: send application/json");
    }
    // The guard has read the body within its size and time limits.
    let bytes = match axum::body::to_bytes(req.into_body(), usize::MAX).await {
        Ok(b) => b,
        Err(e) => return reject(StatusCode::BAD_REQUEST, &format!("cannot read the request body: {e}")),
    };
    let message: ClientJsonRpcMessage = match serde_json::from_slice(&bytes) {
        Ok(m) => m,
        Err(e) => {
            return jsonrpc_error(
                StatusCode::BAD_REQUEST,
                -32600,
                format!("Invalid Request: the body is not a JSON-RPC 2.0 request, notification or response: {e}"),
            );
        }
    };
    match tokio::time::timeout(state.body_timeout, inbox.send(message)).await {
        Ok(Ok(())) => (StatusCode::ACCEPTED, "Accepted").into_response(),
        Ok(Err(_)) => reject(StatusCode::NOT_FOUND, "Not Found: Session not found"),
        Err(_) => reject(StatusCode::SERVICE_UNAVAILABLE, "the session is busy; retry shortly"),
    }
}

/// A 403 unless `Host` is one of `hosts` and `Origin` (when sent) one of `origins`.
///
/// The rules of rmcp's Streamable HTTP server: hosts compare case-insensitively without
/// brackets, an allowed host without a port allows any port; an allowed origin matches
/// scheme and host, and its port when it names one (`:*` is any port; an origin without a
/// port has its scheme's default).
#[allow(clippy::result_large_err)]
fn check_host_and_origin(uri: &Uri, headers: &HeaderMap, hosts: &[String], origins: &[String]) -> Result<(), Response> {
    let host = match headers.get(header::HOST) {
        Some(v) => v.to_str().ok().and_then(|h| Authority::try_from(h).ok()),
        None => uri.authority().cloned(),
    };
    let Some(host) = host else {
        return Err(reject(StatusCode::BAD_REQUEST, "Bad Request: missing or invalid Host header"));
    };
    let host_ok = hosts
        .iter()
        .filter_map(|a| parse_authority(a))
        .any(|(h, port)| h == normalize_host(host.host()) && port.is_none_or(|p| host.port_u16() == Some(p)));
    if !host_ok {
        tracing::warn!(host = %host, "SSE request rejected: Host header not allowed (possible DNS rebinding)");
        return Err(reject(StatusCode::FORBIDDEN, "Forbidden: Host header is not allowed"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().ok().and_then(parse_origin);
    let allowed = origin.as_ref().is_some_and(|(scheme, host, port)| {
        origins.iter().filter_map(|o| parse_allowed_origin(o)).any(|(s, h, p)| {
            s == *scheme
                && h == *host
                && match p {
                    AllowedPort::Any => true,
                    AllowedPort::Exact(p) => port.or_else(|| default_port(scheme)) == Some(p),
                }
        })
    });
    if !allowed {
        tracing::warn!("SSE request rejected: Origin header not allowed");
        return Err(reject(StatusCode::FORBIDDEN, "Forbidden: Origin header is not allowed"));
    }
    Ok(())
}

fn normalize_host(host: &str) -> String {
    host.trim_matches(['[', ']']).to_ascii_lowercase()
}

fn parse_authority(allowed: &str) -> Option<(String, Option<u16>)> {
    let allowed = allowed.trim();
    if allowed.is_empty() {
        return None;
    }
    Some(match Authority::try_from(allowed) {
        Ok(a) => (normalize_host(a.host()), a.port_u16()),
        Err(_) => (normalize_host(allowed), None),
    })
}

/// Scheme, host and port of a serialised origin; `None` for `null` or a malformed one.
fn parse_origin(value: &str) -> Option<(String, String, Option<u16>)> {
    let uri = Uri::try_from(value.trim()).ok()?;
    let authority = uri.authority()?;
    Some((uri.scheme_str()?.to_ascii_lowercase(), normalize_host(authority.host()), authority.port_u16()))
}

enum AllowedPort {
    Any,
    Exact(u16),
}

fn parse_allowed_origin(value: &str) -> Option<(String, String, AllowedPort)> {
    let value = value.trim();
    if let Some(base) = value.strip_suffix(":*") {
        let (scheme, host, None) = parse_origin(base)? else {
            return None;
        };
        return Some((scheme, host, AllowedPort::Any));
    }
    let (scheme, host, port) = parse_origin(value)?;
    Some((scheme, host, port.map_or(AllowedPort::Any, AllowedPort::Exact)))
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}
