//! A small HTTP proxy between the AWS SDK and moto. It records every AWS operation it sees
//! (service and operation, from the SigV4 scope and the X-Amz-Target header or the Query
//! `Action`), and injects faults at the HTTP level: AccessDenied for chosen operations,
//! throttling and 5xx errors on a share of calls, latency, and endpoints that hang.
//!
//! Which call gets a random fault is deterministic: the roll is a hash of the fault seed,
//! the request (operation and body, without moto's random ids) and how many times that
//! request was seen, so every run gives the same faults whatever order concurrent calls
//! arrive in, and a retry of a failed request rolls again.
//!
//! For the benchmarks it can also record moto's answers and replay them ([`Backend`]): a
//! workload runs once against moto, then again answered from memory with only the injected
//! latency, so the measurement is the client's and not moto's (one Python process that
//! needs seconds of CPU for a fleet scan). A request that was never recorded is refused
//! and counted ([`Proxy::misses`]), so a replay cannot hide a call the recording lacked.
//! Operations moto lacks are answered by the proxy itself, as AWS answers them
//! ([`Proxy::answer`]); by default guardduty:ListCoverage answers with no coverage record.

use std::collections::{BTreeSet, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
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
    /// Seeds the fault rolls (with the same seed, the same requests fail).
    pub seed: u64,
    /// Throttle the first attempt of every request (each retry then succeeds).
    pub throttle_first_attempt: bool,
    /// `(service:Operation, text)`: access denied when the request body contains the text
    /// (e.g. sts:AssumeRole of one account's role).
    pub deny_when: Vec<(String, String)>,
    /// Regions (from the SigV4 scope) whose every call is refused the way AWS refuses calls
    /// to a region that is not enabled for the account.
    pub fail_regions: BTreeSet<String>,
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

/// Where the proxy's answers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    /// Forward every request to moto.
    #[default]
    Moto,
    /// Forward to moto and keep each answer, keyed by the request ([`replay_key`]).
    Record,
    /// Answer from the recorded answers only; a request never recorded gets a 400
    /// `ReplayMiss` error and is listed in [`Proxy::misses`].
    Replay,
}

/// One recorded answer of moto (after the proxy's paging).
#[derive(Debug, Clone)]
struct Recorded {
    status: StatusCode,
    headers: hyper::HeaderMap,
    body: Bytes,
}

#[derive(Debug)]
struct State {
    upstream: String,
    backend: Mutex<Backend>,
    /// Recorded answers by [`replay_key`].
    tape: Mutex<HashMap<String, Recorded>>,
    /// Requests a replay could not answer, by key.
    misses: Mutex<Vec<String>>,
    /// The account of each assumed role's access key id, from the AssumeRole answers seen:
    /// every AssumeRole gives new keys, so requests are recorded by account, not by key.
    key_accounts: Mutex<HashMap<String, String>>,
    calls: Mutex<Vec<String>>,
    /// Every `service:Operation` seen since the proxy started (never reset).
    seen: Mutex<BTreeSet<String>>,
    faults: Mutex<Faults>,
    /// How many times each request (by hash) was seen since the faults were set.
    attempts: Mutex<HashMap<u64, u64>>,
    /// What was injected since the faults were set: `service:Operation fault`.
    injected: Mutex<Vec<String>>,
    /// `service:Operation` → the JSON body the proxy answers with instead of moto.
    answers: Mutex<HashMap<String, String>>,
}

/// The operations moto does not implement, and what the proxy answers until told otherwise.
fn default_answers() -> HashMap<String, String> {
    HashMap::from([("guardduty:ListCoverage".to_owned(), r#"{"resources":[]}"#.to_owned())])
}

/// A running proxy.
#[derive(Debug, Clone)]
pub struct Proxy {
    pub url: String,
    state: Arc<State>,
    /// The proxy's own thread under /proc, when it has one.
    thread: Option<std::path::PathBuf>,
}

/// Accepts connections and answers their requests, on the current runtime.
async fn serve(listener: TcpListener, state: Arc<State>) {
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let st = state.clone();
        let client = client.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(st.clone(), client.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
        });
    }
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
        let proxy = Proxy::new(&listener, upstream);
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        tokio::spawn(serve(listener, proxy.state.clone()));
        proxy
    }

    /// Serves on a thread of its own (with its own single-threaded runtime), so a benchmark
    /// can tell the proxy's CPU time ([`Proxy::thread_cpu`]) from the client's.
    pub fn start_on_own_thread(listener: std::net::TcpListener, upstream: &str) -> Proxy {
        let proxy = Proxy::new(&listener, upstream);
        let state = proxy.state.clone();
        let (tid_tx, tid_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // "<pid>/task/<tid>": where this thread's CPU time is read.
            let _ = tid_tx.send(std::fs::read_link("/proc/thread-self").ok());
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("proxy runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                serve(listener, state).await;
            });
        });
        let thread = tid_rx.recv().ok().flatten();
        Proxy { thread, ..proxy }
    }

    /// CPU time (user and system) of the proxy's own thread so far; zero when it shares the
    /// caller's runtime or the system has no /proc.
    pub fn thread_cpu(&self) -> Duration {
        let Some(thread) = &self.thread else {
            return Duration::ZERO;
        };
        let stat = std::fs::read_to_string(Path::new("/proc").join(thread).join("stat")).unwrap_or_default();
        let fields: Vec<&str> =
            stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
        // utime and stime, fields 14 and 15 of the line (12 and 13 after the name), in
        // clock ticks of 1/100 s.
        Duration::from_millis((ticks(11) + ticks(12)) * 10)
    }

    fn new(listener: &std::net::TcpListener, upstream: &str) -> Proxy {
        let addr: SocketAddr = listener.local_addr().expect("proxy address");
        let state = Arc::new(State {
            upstream: upstream.trim_end_matches('/').to_owned(),
            backend: Mutex::new(Backend::Moto),
            tape: Mutex::new(HashMap::new()),
            misses: Mutex::new(Vec::new()),
            key_accounts: Mutex::new(HashMap::new()),
            calls: Mutex::new(Vec::new()),
            seen: Mutex::new(BTreeSet::new()),
            faults: Mutex::new(Faults::default()),
            attempts: Mutex::new(HashMap::new()),
            injected: Mutex::new(Vec::new()),
            answers: Mutex::new(default_answers()),
        });
        Proxy { url: format!("http://{addr}"), state, thread: None }
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

    /// Every `service:Operation` seen since the proxy started, across all scenarios and
    /// the binaries they spawned.
    pub fn seen(&self) -> BTreeSet<String> {
        self.state.seen.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// The faults injected since the last [`Proxy::set_faults`], as `service:Operation fault`.
    pub fn injected(&self) -> Vec<String> {
        self.state.injected.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Chooses where answers come from from now on (recorded answers are kept across
    /// switches, so a workload can be recorded once and replayed many times).
    pub fn set_backend(&self, backend: Backend) {
        if let Ok(mut b) = self.state.backend.lock() {
            *b = backend;
        }
    }

    /// How many distinct requests have a recorded answer.
    pub fn recorded(&self) -> usize {
        self.state.tape.lock().map(|t| t.len()).unwrap_or(0)
    }

    /// The requests a replay had no recorded answer for (never cleared: a bench checks it
    /// is empty at the end of every replayed run).
    pub fn misses(&self) -> Vec<String> {
        self.state.misses.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Answers `service:Operation` with `body` (JSON) instead of forwarding it to moto; `None`
    /// restores the default (forward, or the built-in answer for an operation moto lacks).
    pub fn answer(&self, operation: &str, body: Option<&str>) {
        if let Ok(mut a) = self.state.answers.lock() {
            match body {
                Some(b) => {
                    a.insert(operation.to_owned(), b.to_owned());
                }
                None => {
                    a.remove(operation);
                    if let Some(d) = default_answers().remove(operation) {
                        a.insert(operation.to_owned(), d);
                    }
                }
            }
        }
    }

    /// Sets the faults and restarts the fault rolls, so a scenario is deterministic.
    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut f) = self.state.faults.lock() {
            *f = faults;
        }
        if let Ok(mut a) = self.state.attempts.lock() {
            a.clear();
        }
        if let Ok(mut i) = self.state.injected.lock() {
            i.clear();
        }
    }
}

/// FNV-1a over some bytes, continuing from `h`.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A number in 0..100 for this request: a hash of the seed, the request and how many
/// times the same request was seen, so it does not depend on the order of concurrent calls.
fn roll(state: &State, seed: u64, key: &str, body: &[u8], salt: &str) -> u32 {
    let request = fnv(fnv(0xcbf2_9ce4_8422_2325, key.as_bytes()), &stable(body));
    let nth = nth_time(state, key, body, salt);
    let mut x = fnv(fnv(request ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), salt.as_bytes()), &nth.to_le_bytes());
    // A final xorshift spreads the low bits.
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 100) as u32
}

/// The request body without the identifiers moto generates at random on each run (VPC,
/// subnet and group ids, UUIDs, ARN suffixes, account ids): runs of eight or more hex digits
/// and dashes with a digit in them become `#`, so a request hashes the same in every run.
fn stable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let run = body[i..].iter().take_while(|b| b.is_ascii_hexdigit() || **b == b'-').count();
        if run >= 8 && body[i..i + run].iter().any(u8::is_ascii_digit) {
            out.push(b'#');
            i += run;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// How many times this request was seen (counting this one) since the faults were set,
/// counted separately per `salt`.
fn nth_time(state: &State, key: &str, body: &[u8], salt: &str) -> u64 {
    let request = fnv(fnv(0xcbf2_9ce4_8422_2325, key.as_bytes()), &stable(body));
    match state.attempts.lock() {
        Ok(mut a) => {
            let n = a.entry(fnv(request, salt.as_bytes())).or_default();
            *n += 1;
            *n
        }
        Err(_) => 0,
    }
}

fn note(state: &State, key: &str, fault: &str) {
    if let Ok(mut i) = state.injected.lock() {
        i.push(format!("{key} {fault}"));
    }
}

/// The service (from the SigV4 credential scope) and operation of a request.
fn operation(req: &hyper::http::request::Parts, body: &[u8]) -> (String, String) {
    let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let service = auth.split("Credential=").nth(1).and_then(|c| c.split('/').nth(3)).unwrap_or("unknown").to_owned();
    let op = match req.headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        Some(t) => t.rsplit('.').next().unwrap_or(t).to_owned(),
        None if service == "guardduty" => rest_operation(&req.method, req.uri.path()).to_owned(),
        None => String::from_utf8_lossy(body)
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or("unknown")
            .to_owned(),
    };
    (service, op)
}

/// What identifies a request for record and replay: the account of the signing access key
/// (an assumed role's account, learnt from the AssumeRole answer that issued the key; else
/// the key itself), the region and service of the SigV4 scope, the operation, the path and
/// the body in a canonical form (JSON with sorted keys, query parameters sorted), so neither
/// the SDK's field order, the signing time nor a fresh set of assumed-role keys changes it.
fn replay_key(state: &State, req: &hyper::http::request::Parts, service: &str, op: &str, body: &[u8]) -> String {
    let access_key = match account_of_key(state, req) {
        Some(a) => format!("account {a}"),
        None => format!("key {}", access_key_of(req)),
    };
    let path = req.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let body = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => sorted(v).to_string(),
        Err(_) => {
            let mut params: Vec<&str> = std::str::from_utf8(body).unwrap_or("").split('&').collect();
            params.sort_unstable();
            params.join("&")
        }
    };
    format!("{access_key} {} {service}:{op} {} {path} {body}", region_of(req), req.method)
}

/// Learns the account of the access key an sts:AssumeRole answer issues (moto answers in
/// XML: `<AccessKeyId>` and the `<Arn>` of the assumed-role user).
fn learn_key_account(state: &State, answer: &[u8]) {
    let text = String::from_utf8_lossy(answer);
    let within = |tag: &str| {
        let open = format!("<{tag}>");
        let start = text.find(&open)? + open.len();
        let len = text[start..].find(&format!("</{tag}>"))?;
        Some(text[start..start + len].trim().to_owned())
    };
    let (Some(key), Some(arn)) = (within("AccessKeyId"), within("Arn")) else {
        return;
    };
    if let (Some(account), Ok(mut k)) = (arn.split(':').nth(4).filter(|a| !a.is_empty()), state.key_accounts.lock()) {
        k.insert(key, account.to_owned());
    }
}

/// The access key that signed the request (from the SigV4 credential scope).
fn access_key_of(req: &hyper::http::request::Parts) -> &str {
    let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    auth.split("Credential=").nth(1).and_then(|c| c.split('/').next()).unwrap_or("anonymous")
}

/// The account of the request's access key, when an AssumeRole answer issued it.
fn account_of_key(state: &State, req: &hyper::http::request::Parts) -> Option<String> {
    state.key_accounts.lock().ok().and_then(|k| k.get(access_key_of(req)).cloned())
}

/// A JSON value with every object's keys in sorted order.
fn sorted(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// The operation of a REST request (GuardDuty's restJson1 protocol), from method and path.
fn rest_operation(method: &hyper::Method, path: &str) -> &'static str {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["detector"]) => "ListDetectors",
        ("GET", ["detector", _]) => "GetDetector",
        ("POST", ["detector", _, "coverage"]) => "ListCoverage",
        _ => "unknown",
    }
}

/// The region of a request, from the SigV4 credential scope.
fn region_of(req: &hyper::http::request::Parts) -> String {
    let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    auth.split("Credential=").nth(1).and_then(|c| c.split('/').nth(2)).unwrap_or("").to_owned()
}

fn error_response(service: &str, status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    let (content_type, body) = match service {
        "ecs" | "ecr" | "kms" | "guardduty" => {
            ("application/x-amz-json-1.1", format!(r#"{{"__type":"{code}","message":"{message}"}}"#))
        }
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
    if matches!(service, "ecs" | "ecr" | "kms" | "guardduty") {
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
    if let Ok(mut seen) = state.seen.lock() {
        seen.insert(key.clone());
    }
    let faults = state.faults.lock().map(|f| f.clone()).unwrap_or_default();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if faults.hang.contains(&key) {
        note(&state, &key, "hang");
        std::future::pending::<()>().await;
    }
    if faults.fail_regions.contains(&region_of(&parts)) {
        note(&state, &key, "region not enabled");
        let code = if service == "ec2" { "AuthFailure" } else { "UnrecognizedClientException" };
        return Ok(error_response(
            &service,
            StatusCode::BAD_REQUEST,
            code,
            "The security token included in the request is invalid.",
        ));
    }
    let denied_here =
        faults.deny_when.iter().any(|(k, text)| k == &key && String::from_utf8_lossy(&body).contains(text.as_str()));
    if faults.deny.contains(&key) || denied_here {
        note(&state, &key, "deny");
        let code = match service.as_str() {
            "ec2" => "UnauthorizedOperation",
            "ecs" | "ecr" | "kms" | "guardduty" => "AccessDeniedException",
            _ => "AccessDenied",
        };
        let msg = format!("User: arn:aws:iam::123456789012:user/test is not authorized to perform: {service}:{op}");
        return Ok(error_response(&service, StatusCode::FORBIDDEN, code, &msg));
    }
    // The same request from another account, region or path (REST ids) rolls on its own, so
    // identical calls in different account-regions do not share their fault rolls.
    let path = String::from_utf8_lossy(&stable(parts.uri.path().as_bytes())).into_owned();
    let account = account_of_key(&state, &parts).unwrap_or_else(|| "caller".to_owned());
    let who = format!("{key} {account} {} {path}", region_of(&parts));
    let throttle_now = if faults.throttle_first_attempt {
        nth_time(&state, &who, &body, "first") == 1
    } else {
        faults.throttle_percent > 0 && roll(&state, faults.seed, &who, &body, "throttle") < faults.throttle_percent
    };
    if throttle_now {
        // What each service really answers: EC2 503 RequestLimitExceeded; the JSON services
        // 400 ThrottlingException, or 429 when the front door throttles; ELB 400 Throttling.
        let (status, code) = match service.as_str() {
            "ec2" => (StatusCode::SERVICE_UNAVAILABLE, "RequestLimitExceeded"),
            "ecs" | "ecr" | "kms" | "guardduty" if roll(&state, faults.seed, &who, &body, "throttle-kind") < 50 => {
                (StatusCode::TOO_MANY_REQUESTS, "TooManyRequestsException")
            }
            "ecs" | "ecr" | "kms" | "guardduty" => (StatusCode::BAD_REQUEST, "ThrottlingException"),
            _ => (StatusCode::BAD_REQUEST, "Throttling"),
        };
        note(&state, &key, &format!("{} {code}", status.as_u16()));
        return Ok(error_response(&service, status, code, "Rate exceeded"));
    }
    if faults.server_error_percent > 0 && roll(&state, faults.seed, &who, &body, "5xx") < faults.server_error_percent {
        let (status, code) = if roll(&state, faults.seed, &who, &body, "5xx-kind") < 50 {
            (StatusCode::INTERNAL_SERVER_ERROR, if service == "ec2" { "InternalError" } else { "InternalFailure" })
        } else {
            (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable")
        };
        note(&state, &key, &format!("{} {code}", status.as_u16()));
        return Ok(error_response(&service, status, code, "injected server error"));
    }
    // Operations moto lacks, answered as AWS would (in every backend).
    if let Some(answer) = state.answers.lock().ok().and_then(|a| a.get(&key).cloned()) {
        let mut r = Response::new(Full::new(Bytes::from(answer)));
        r.headers_mut().insert("content-type", "application/json".parse().expect("valid header"));
        return Ok(r);
    }
    let backend = state.backend.lock().map(|b| *b).unwrap_or_default();
    let tape_key = (backend != Backend::Moto).then(|| replay_key(&state, &parts, &service, &op, &body));
    if let (Backend::Replay, Some(tape_key)) = (backend, &tape_key) {
        let hit = state.tape.lock().ok().and_then(|t| t.get(tape_key).cloned());
        let Some(hit) = hit else {
            eprintln!("proxy replay: no recorded answer for {tape_key}");
            if let Ok(mut m) = state.misses.lock() {
                m.push(tape_key.clone());
            }
            return Ok(error_response(
                &service,
                StatusCode::BAD_REQUEST,
                "ReplayMiss",
                "the proxy recorded no answer for this request",
            ));
        };
        let mut r = Response::new(Full::new(hit.body));
        *r.status_mut() = hit.status;
        *r.headers_mut() = hit.headers;
        return Ok(r);
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
            if key == "sts:AssumeRole" && p.status.is_success() {
                learn_key_account(&state, &bytes);
            }
            if let (Backend::Record, Some(tape_key)) = (backend, tape_key)
                && let Ok(mut tape) = state.tape.lock()
            {
                tape.insert(tape_key, Recorded { status: p.status, headers: p.headers.clone(), body: bytes.clone() });
            }
            Ok(Response::from_parts(p, Full::new(bytes)))
        }
        Err(e) => Ok(error_response(&service, StatusCode::BAD_GATEWAY, "ProxyError", &e.to_string())),
    }
}

/// Points this process's AWS SDK at `url` (the proxy) with moto's test credentials, through
/// the environment. Call it before any other thread starts.
pub fn aim_sdk_at(url: &str) {
    // SAFETY: callers run this first in `main`, before any other thread exists.
    #[allow(unsafe_code)] // setting the environment before any thread starts
    unsafe {
        std::env::set_var("AWS_ENDPOINT_URL", url);
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
        std::env::set_var("AWS_REGION", "us-east-1");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::remove_var("AWS_PROFILE");
    }
}
