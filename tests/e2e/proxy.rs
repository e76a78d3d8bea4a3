//! A small HTTP proxy between the AWS SDK and moto. It records every AWS operation it sees
//! (service and operation, from the SigV4 scope and the X-Amz-Target header or the Query
//! `Action`), and injects faults at the HTTP level: AccessDenied for chosen operations,
//! throttling and 5xx errors on a share of calls, latency, and endpoints that hang.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// Faults to inject.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// `service:Operation` answered with an access-denied error.
    pub deny: BTreeSet<String>,
    /// Percentage of calls answered with a throttling error.
    pub throttle_percent: u32,
    /// Percentage of calls answered with a 5xx error.
    pub server_error_percent: u32,
    /// `service:Operation` that never answer.
    pub hang: BTreeSet<String>,
    /// Delay added to every call.
    pub latency: Duration,
}

/// moto returns every item of an ECS List call in one page; AWS pages at `maxResults`. The
/// proxy pages moto's answers the way AWS does, so pagination is really exercised.
fn list_key(op: &str) -> Option<&'static str> {
    match op {
        "ListServices" => Some("serviceArns"),
        "ListTasks" => Some("taskArns"),
        "ListContainerInstances" => Some("containerInstanceArns"),
        "ListClusters" => Some("clusterArns"),
        _ => None,
    }
}

/// Strips our page token from an ECS List request; returns the body to forward, the offset
/// and the page size.
fn page_request(body: &Bytes) -> Option<(Bytes, usize, usize)> {
    let mut v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let obj = v.as_object_mut()?;
    let size = obj.get("maxResults").and_then(|m| m.as_u64()).unwrap_or(100) as usize;
    let offset = match obj.remove("nextToken") {
        Some(serde_json::Value::String(t)) => t.strip_prefix("proxy-page:")?.parse().ok()?,
        _ => 0,
    };
    obj.remove("maxResults");
    Some((Bytes::from(v.to_string()), offset, size.max(1)))
}

fn page_response(body: &Bytes, key: &str, offset: usize, size: usize) -> Option<Bytes> {
    let mut v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let items = v.get(key)?.as_array()?.clone();
    let page: Vec<serde_json::Value> = items.iter().skip(offset).take(size).cloned().collect();
    let obj = v.as_object_mut()?;
    obj.insert(key.to_owned(), serde_json::Value::Array(page));
    if offset + size < items.len() {
        obj.insert("nextToken".to_owned(), serde_json::Value::String(format!("proxy-page:{}", offset + size)));
    } else {
        obj.remove("nextToken");
    }
    Some(Bytes::from(v.to_string()))
}

#[derive(Debug)]
struct State {
    upstream: String,
    calls: Mutex<Vec<String>>,
    faults: Mutex<Faults>,
    rng: Mutex<u64>,
}

/// A running proxy.
#[derive(Debug, Clone)]
pub struct Proxy {
    pub url: String,
    state: Arc<State>,
}

impl Proxy {
    /// Binds the proxy's port (before any thread starts, so the URL can go into the
    /// environment).
    pub fn bind() -> std::net::TcpListener {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("proxy binds");
        l.set_nonblocking(true).expect("non-blocking listener");
        l
    }

    /// Serves on a listener from [`Proxy::bind`] (inside a Tokio runtime).
    pub fn start(listener: std::net::TcpListener, upstream: &str) -> Proxy {
        let addr: SocketAddr = listener.local_addr().expect("proxy address");
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        let state = Arc::new(State {
            upstream: upstream.trim_end_matches('/').to_owned(),
            calls: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::default()),
            rng: Mutex::new(0x2545_F491_4F6C_DD1D),
        });
        let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let st = st.clone();
                let client = client.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| handle(st.clone(), client.clone(), req));
                    let _ =
                        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
                });
            }
        });
        Proxy { url: format!("http://{addr}"), state }
    }

    /// Every `service:Operation` seen since the last reset, in order.
    pub fn calls(&self) -> Vec<String> {
        self.state.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn reset(&self) {
        if let Ok(mut c) = self.state.calls.lock() {
            c.clear();
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut f) = self.state.faults.lock() {
            *f = faults;
        }
    }
}

fn random_percent(state: &State) -> u32 {
    let Ok(mut x) = state.rng.lock() else {
        return 100;
    };
    // xorshift64: deterministic across runs.
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    (*x % 100) as u32
}

/// The service (from the SigV4 credential scope) and operation of a request.
fn operation(req: &hyper::http::request::Parts, body: &[u8]) -> (String, String) {
    let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let service = auth.split("Credential=").nth(1).and_then(|c| c.split('/').nth(3)).unwrap_or("unknown").to_owned();
    let op = match req.headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        Some(t) => t.rsplit('.').next().unwrap_or(t).to_owned(),
        None => String::from_utf8_lossy(body)
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or("unknown")
            .to_owned(),
    };
    (service, op)
}

fn error_response(service: &str, status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    let (content_type, body) = match service {
        "ecs" | "ecr" => ("application/x-amz-json-1.1", format!(r#"{{"__type":"{code}","message":"{message}"}}"#)),
        "ec2" => (
            "text/xml",
            format!(
                "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>proxy</RequestID></Response>"
            ),
        ),
        _ => (
            "text/xml",
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
            ),
        ),
    };
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert("content-type", content_type.parse().expect("valid header"));
    if matches!(service, "ecs" | "ecr") {
        r.headers_mut().insert("x-amzn-errortype", code.parse().expect("valid header"));
    }
    r
}

async fn handle(
    state: Arc<State>,
    client: Client<HttpConnector, Full<Bytes>>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let (service, op) = operation(&parts, &body);
    let key = format!("{service}:{op}");
    if let Ok(mut calls) = state.calls.lock() {
        calls.push(key.clone());
    }
    let faults = state.faults.lock().map(|f| f.clone()).unwrap_or_default();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if faults.hang.contains(&key) {
        std::future::pending::<()>().await;
    }
    if faults.deny.contains(&key) {
        let code = match service.as_str() {
            "ec2" => "UnauthorizedOperation",
            "ecs" | "ecr" => "AccessDeniedException",
            _ => "AccessDenied",
        };
        let msg = format!("User: arn:aws:iam::123456789012:user/test is not authorized to perform: {service}:{op}");
        return Ok(error_response(&service, StatusCode::FORBIDDEN, code, &msg));
    }
    if faults.throttle_percent > 0 && random_percent(&state) < faults.throttle_percent {
        let (status, code) = match service.as_str() {
            "ec2" => (StatusCode::SERVICE_UNAVAILABLE, "RequestLimitExceeded"),
            "ecs" | "ecr" => (StatusCode::BAD_REQUEST, "ThrottlingException"),
            _ => (StatusCode::BAD_REQUEST, "Throttling"),
        };
        return Ok(error_response(&service, status, code, "Rate exceeded"));
    }
    if faults.server_error_percent > 0 && random_percent(&state) < faults.server_error_percent {
        return Ok(error_response(
            &service,
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            "injected server error",
        ));
    }
    let paging = if service == "ecs" { list_key(&op).and_then(|k| Some((k, page_request(&body)?))) } else { None };
    let body = match &paging {
        Some((_, (forward, _, _))) => forward.clone(),
        None => body,
    };
    let uri = format!("{}{}", state.upstream, parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let mut upstream = Request::builder().method(parts.method.clone()).uri(uri);
    for (k, v) in &parts.headers {
        if k != "host" && k != "content-length" {
            upstream = upstream.header(k, v);
        }
    }
    let Ok(upstream) = upstream.body(Full::new(body)) else {
        return Ok(error_response(&service, StatusCode::BAD_GATEWAY, "ProxyError", "bad upstream request"));
    };
    match client.request(upstream).await {
        Ok(resp) => {
            let (p, b) = resp.into_parts();
            let mut bytes = b.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            if let Some((key, (_, offset, size))) = paging
                && p.status.is_success()
                && let Some(paged) = page_response(&bytes, key, offset, size)
            {
                bytes = paged;
            }
            let mut p = p;
            p.headers.remove("content-length");
            Ok(Response::from_parts(p, Full::new(bytes)))
        }
        Err(e) => Ok(error_response(&service, StatusCode::BAD_GATEWAY, "ProxyError", &e.to_string())),
    }
}
