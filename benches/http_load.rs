//! Load benchmark of `ecs-security-mcp serve --http` (a `harness = false` bench):
//!
//! 1. start to first answer: spawn the server, time until its first `initialize` answer, over
//!    HTTP and over stdio;
//! 2. one client calling `analyze_cluster_security` on the demo snapshot (cached) in a loop;
//! 3. 50 concurrent clients x 20 calls each (sessions opened and closed), twice;
//!
//! and prints p50/p90/p99/max latency, throughput, errors and the server's RSS (from /proc) as
//! Markdown for the HTTP section of docs/performance.md.
//!
//! ```sh
//! cargo bench --bench http_load                       # release build of the server
//! cargo bench --bench http_load -- --clients 50 --calls 20 --starts 20
//! ECS_SECURITY_MCP_BIN=target/debug/ecs-security-mcp cargo bench --bench http_load
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test or benchmark harness: a panic is how it fails")]

#[allow(dead_code)]
#[path = "support/mcp_http.rs"]
mod mcp_http;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use mcp_http::{Session, client, post};

struct Options {
    clients: usize,
    calls: usize,
    starts: usize,
    sequential: usize,
}

fn options() -> Options {
    let mut o = Options { clients: 50, calls: 20, starts: 20, sequential: 500 };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> usize {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} needs a number"))
        };
        match a.as_str() {
            "--clients" => o.clients = value("--clients"),
            "--calls" => o.calls = value("--calls"),
            "--starts" => o.starts = value("--starts"),
            "--sequential" => o.sequential = value("--sequential"),
            _ => {} // `cargo bench` passes --bench
        }
    }
    o
}

fn binary() -> PathBuf {
    std::env::var_os("ECS_SECURITY_MCP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_ecs-security-mcp")))
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-cluster.json")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn spawn_http(port: u16) -> Child {
    Command::new(binary())
        .args(["serve", "--http", &format!("127.0.0.1:{port}"), "--snapshot"])
        .arg(demo())
        .env_remove("ECS_SECURITY_MCP_AUTH_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts")
}

fn stop(mut child: Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let _ = child.wait();
}

fn init() -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "http_load", "version": "1"}}})
}

/// Milliseconds from spawn to the first `initialize` answer over HTTP.
async fn start_http() -> f64 {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/mcp");
    let http = client();
    let started = Instant::now();
    let child = spawn_http(port);
    loop {
        if let Ok(reply) = post(&http, &url, &[], &init()).await
            && reply.response().is_some()
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no answer within 20 s");
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    stop(child);
    ms
}

/// Milliseconds from spawn to the `initialize` answer over stdio.
fn start_stdio() -> f64 {
    let started = Instant::now();
    let mut child = Command::new(binary())
        .args(["serve", "--snapshot"])
        .arg(demo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{}", init()).expect("write");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    assert!(line.contains("\"serverInfo\""), "unexpected answer: {line}");
    drop(stdin);
    let _ = child.wait();
    ms
}

/// CPU seconds (user + system) a process has used, from /proc/PID/stat (Linux).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the name and state.
    (ticks(11) + ticks(12)) / 100.0
}

struct Stats {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

fn stats(mut ms: Vec<f64>) -> Stats {
    assert!(!ms.is_empty());
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
    Stats {
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: ms[ms.len() - 1],
        mean: ms.iter().sum::<f64>() / ms.len() as f64,
    }
}

fn row(what: &str, n: usize, s: &Stats, extra: &str) {
    println!("| {what} | {n} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {extra} |", s.p50, s.p90, s.p99, s.max, s.mean);
}

const ANALYZE: &str = "analyze_cluster_security";

async fn sequential(url: &str, n: usize) -> Vec<f64> {
    let mut s = Session::open(&client(), url, None, "2025-11-25").await.expect("session");
    let args = json!({"cluster_name": "payments-prod"});
    s.call_tool(ANALYZE, args.clone()).await.expect("warm-up");
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let ok = s.call_tool_status(ANALYZE, args.clone()).await.expect("call");
        out.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(ok, "analyze_cluster_security returned a tool error");
    }
    let _ = s.close().await;
    out
}

/// `clients` sessions at once, `calls` calls each; the call latencies, errors and wall time.
async fn concurrent(url: &str, clients: usize, calls: usize) -> (Vec<f64>, Vec<String>, Duration) {
    let http = client();
    let started = Instant::now();
    let tasks = (0..clients).map(|_| {
        let (http, url) = (http.clone(), url.to_owned());
        tokio::spawn(async move {
            let mut lat = Vec::with_capacity(calls);
            let mut errors = Vec::new();
            let mut s = match Session::open(&http, &url, None, "2025-11-25").await {
                Ok(s) => s,
                Err(e) => return (lat, vec![e]),
            };
            for _ in 0..calls {
                let t = Instant::now();
                match s.call_tool_status(ANALYZE, json!({"cluster_name": "payments-prod"})).await {
                    Ok(true) => lat.push(t.elapsed().as_secs_f64() * 1000.0),
                    Ok(false) => errors.push("analyze_cluster_security returned a tool error".to_owned()),
                    Err(e) => errors.push(e),
                }
            }
            if let Err(e) = s.close().await {
                errors.push(e);
            }
            (lat, errors)
        })
    });
    let mut lat = Vec::new();
    let mut errors = Vec::new();
    for r in futures::future::join_all(tasks).await {
        let (l, e) = r.expect("join");
        lat.extend(l);
        errors.extend(e);
    }
    (lat, errors, started.elapsed())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let o = options();
    let bin = binary();
    println!("binary: {}", bin.display());
    println!(
        "machine: {} CPUs, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                .split(':')
                .nth(1)
                .unwrap_or("")
                .trim()
                .to_owned()))
            .unwrap_or_else(|| "unknown CPU".into())
    );
    println!();
    println!("| measurement | n | p50 ms | p90 ms | p99 ms | max ms | mean ms | notes |");
    println!("|---|---|---|---|---|---|---|---|");

    let mut http_starts = Vec::new();
    let mut stdio_starts = Vec::new();
    for _ in 0..o.starts {
        http_starts.push(start_http().await);
        stdio_starts.push(start_stdio());
    }
    if o.starts > 0 {
        row("start to first answer, HTTP (spawn → initialize result)", o.starts, &stats(http_starts), "");
        row("start to first answer, stdio", o.starts, &stats(stdio_starts), "");
    }

    let port = free_port();
    let child = spawn_http(port);
    let url = format!("http://127.0.0.1:{port}/mcp");
    let deadline = Instant::now() + Duration::from_secs(20);
    while post(&client(), &url, &[], &init()).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let pid = child.id();
    let (idle_rss, _) = mcp_http::rss_kib(pid).unwrap_or((0, 0));

    let started = Instant::now();
    let cpu = cpu_seconds(pid);
    let seq = if o.sequential > 0 { sequential(&url, o.sequential).await } else { Vec::new() };
    let seq_rate = seq.len() as f64 / started.elapsed().as_secs_f64();
    let per_call = (cpu_seconds(pid) - cpu) * 1000.0 / (seq.len() + 1) as f64;
    if !seq.is_empty() {
        row(
            &format!("{ANALYZE}, cached, 1 client"),
            seq.len(),
            &stats(seq),
            &format!("{seq_rate:.0} calls/s, server CPU {per_call:.2} ms/call"),
        );
    }

    for round in 1..=2 {
        let cpu = cpu_seconds(pid);
        let (lat, errors, wall) = concurrent(&url, o.clients, o.calls).await;
        let (rss, peak) = mcp_http::rss_kib(pid).unwrap_or((0, 0));
        let n = lat.len();
        let rate = n as f64 / wall.as_secs_f64();
        let per_call = (cpu_seconds(pid) - cpu) * 1000.0 / n.max(1) as f64;
        row(
            &format!("{ANALYZE}, cached, {} clients x {} calls (round {round})", o.clients, o.calls),
            n,
            &stats(lat),
            &format!(
                "{rate:.0} calls/s, {:.2} s wall, server CPU {per_call:.2} ms/call (sessions included), {} errors, RSS {} MiB (peak {} MiB, idle {} MiB)",
                wall.as_secs_f64(),
                errors.len(),
                rss / 1024,
                peak / 1024,
                idle_rss / 1024
            ),
        );
        if let Some(e) = errors.first() {
            println!("\nfirst error: {e}");
        }
    }
    stop(child);
}
