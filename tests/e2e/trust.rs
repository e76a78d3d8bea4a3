//! Trust scenarios: the IAM policy covers every operation and nothing else, faults injected
//! at the HTTP level (AccessDenied per operation, throttling, 5xx, hanging endpoints) never
//! turn into "pass" or a hung session, and planted secrets never leave the process.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use ecs_security_mcp::actions::{Action, Actions, Source};
use ecs_security_mcp::collect::{AwsOptions, AwsSource, Depth};
use ecs_security_mcp::compliance::{self, ControlStatus, Framework};
use ecs_security_mcp::model::{DataSource, Snapshot};
use ecs_security_mcp::report::{self, Format, ReportOptions};
use ecs_security_mcp::rules::{self, Analysis, Filter, RuleStatus};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::proxy::Faults;
use super::{Env, Outcome, bin};

fn source_with(call_timeout: Duration, max_attempts: u32) -> AwsSource {
    AwsSource::new(AwsOptions { region: Some("us-east-1".into()), call_timeout, max_attempts, ..AwsOptions::default() })
}

async fn collect_with(source: &AwsSource, cluster: &str) -> Result<Snapshot, String> {
    source.collect(cluster, "us-east-1", Depth::Full, &None).await.map_err(|e| e.to_string())
}

fn statuses(a: &Analysis) -> BTreeMap<&'static str, RuleStatus> {
    a.results.iter().map(|r| (r.rule.id, r.status())).collect()
}

/// What identifies findings, whatever their wording: rule, resource and ARN.
type FindingKeys = BTreeSet<(String, String, String)>;

fn finding_keys(a: &Analysis) -> FindingKeys {
    a.findings
        .iter()
        .map(|f| (f.rule.id.to_owned(), f.resource.to_string(), f.resource.arn.clone().unwrap_or_default()))
        .collect()
}

fn opts() -> ReportOptions {
    ReportOptions { show_details: true, generated_at: "2026-11-26T12:00:00Z".into() }
}

/// A read, or sts:AssumeRole (which only obtains a fleet scan's credentials).
fn is_read_only(op: &str) -> bool {
    if op == "sts:AssumeRole" {
        return true;
    }
    let name = op.split(':').nth(1).unwrap_or("");
    name.starts_with("Describe") || name.starts_with("List") || name.starts_with("Get")
}

/// The actions granted by docs/iam-policy.json.
pub fn policy_actions() -> Result<BTreeSet<String>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/iam-policy.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeSet::new();
    for st in v["Statement"].as_array().ok_or("policy has no Statement array")? {
        if st["Effect"] != "Allow" {
            return Err(format!("unexpected statement {st}"));
        }
        match &st["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(a) => out.extend(a.iter().filter_map(|x| x.as_str().map(str::to_owned))),
            other => return Err(format!("unexpected Action {other}")),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// AccessDenied, one operation at a time.

/// Denies each operation of a clean collection in turn: the analysis completes, the rules
/// and controls that needed the data are "not evaluated" (never "pass"), and every report
/// format names the gap and the permission to add.
pub async fn access_denied_on_each_operation_is_a_gap_never_a_pass(env: &Env) -> Outcome {
    let source = || source_with(Duration::from_secs(10), 3);
    env.proxy.reset();
    let clean = collect_with(&source(), "insecure-cluster").await?;
    let ops: BTreeSet<String> = env.proxy.calls().into_iter().collect();
    ensure!(clean.gaps.is_empty(), "clean collection has gaps: {:?}", clean.gaps);
    ensure!(ops.len() >= 25, "too few operations in a clean collection: {ops:?}");
    let clean_a = rules::analyze(&clean);
    let clean_status = statuses(&clean_a);
    let clean_controls: BTreeMap<(Framework, &str), ControlStatus> = Framework::ALL
        .iter()
        .flat_map(|&fw| compliance::evaluate(&clean_a, fw).controls.into_iter().map(move |c| ((fw, c.id), c.status)))
        .collect();

    let mut problems: Vec<String> = Vec::new();
    for op in ops.iter().filter(|o| *o != "ecs:DescribeClusters") {
        env.proxy.set_faults(Faults { deny: [op.clone()].into(), ..Faults::default() });
        let snap = match collect_with(&source(), "insecure-cluster").await {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{op}: the analysis did not complete: {e}"));
                continue;
            }
        };
        let denied = env.proxy.injected().iter().filter(|i| i.ends_with(" deny")).count();
        if denied == 0 {
            problems.push(format!("{op}: the proxy denied nothing (the operation was not called again)"));
            continue;
        }
        let a = rules::analyze(&snap);
        let (svc, name) = op.split_once(':').unwrap_or(("", ""));
        if svc == "sts" {
            // Only the cache key and the account id come from STS; the ARN has the account.
            if !snap.gaps.is_empty() || finding_keys(&a) != finding_keys(&clean_a) {
                problems.push(format!("{op}: denying it changed the analysis (gaps {:?})", snap.gaps));
            }
            continue;
        }
        if !snap.gaps.iter().any(|g| &g.iam_action() == op && g.is_access_denied()) {
            problems.push(format!("{op}: no access-denied gap recorded; gaps: {:?}", snap.gaps));
        }
        let feeds = |s: &DataSource| s.operations().iter().any(|(s2, o2)| *s2 == svc && *o2 == name);
        let needs = |r: &rules::Rule| r.requires.iter().any(feeds);
        if !DataSource::ALL.iter().any(feeds) {
            problems.push(format!(
                "{op}: denied, but no DataSource in src/model/coverage.rs lists this operation, so no rule that reads its data can be marked not evaluated"
            ));
            continue;
        }
        if !rules::all().iter().any(|r| needs(r)) {
            // Collected, but no rule reads it: the gap is recorded and nothing else changes.
            let json: Value = serde_json::from_str(&report::render(Format::Json, &a, &Filter::default(), &opts()))
                .map_err(|e| e.to_string())?;
            if !gap_listed(&json, op) {
                problems.push(format!("{op}: the json report does not list the gap"));
            }
            if finding_keys(&a) != finding_keys(&clean_a) {
                problems.push(format!("{op}: no rule reads this data, yet the findings changed"));
            }
            println!("    note: {op} is collected but no rule requires its data");
            continue;
        }
        let mut affected = BTreeSet::new();
        for r in &a.results {
            let before = clean_status.get(r.rule.id).copied();
            let now = r.status();
            if needs(r.rule) {
                affected.insert(r.rule.id);
                let ok = match now {
                    RuleStatus::NotEvaluated | RuleStatus::Fail => true,
                    RuleStatus::NotApplicable => before == Some(RuleStatus::NotApplicable),
                    RuleStatus::Pass => false,
                };
                if !ok {
                    problems.push(format!("{op}: rule {} needs the data but is {}", r.rule.id, now.as_str()));
                }
            }
            if before == Some(RuleStatus::Fail) && matches!(now, RuleStatus::Pass | RuleStatus::NotApplicable) {
                problems.push(format!(
                    "{op}: rule {} failed on complete data but is {} without it (it reads data it does not declare in `requires`)",
                    r.rule.id,
                    now.as_str()
                ));
            }
        }
        for fw in Framework::ALL {
            for c in compliance::evaluate(&a, fw).controls {
                let before = clean_controls.get(&(fw, c.id)).copied();
                if c.status == ControlStatus::Pass && c.rules.iter().any(|id| affected.contains(id)) {
                    problems.push(format!("{op}: control {fw}:{} passes although its rules lack data", c.id));
                }
                if c.status == ControlStatus::Pass && before != Some(ControlStatus::Pass) {
                    problems.push(format!(
                        "{op}: control {fw}:{} was {:?} on complete data but passes without it",
                        c.id, before
                    ));
                }
            }
        }
        if a.not_evaluated().next().is_none() {
            problems.push(format!("{op}: denied, but no rule is reported as not evaluated"));
            continue;
        }
        for format in Format::ALL {
            let text = report::render(format, &a, &Filter::default(), &opts());
            if let Err(e) = report_names_the_gap(format, &text, op) {
                problems.push(format!("{op}: {format} report: {e}"));
            }
        }
    }
    env.proxy.set_faults(Faults::default());
    ensure!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    Ok(())
}

/// Whether a JSON report's `gaps` lists a failed call of `op`.
fn gap_listed(report: &Value, op: &str) -> bool {
    report["gaps"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|g| format!("{}:{}", g["service"].as_str().unwrap_or(""), g["operation"].as_str().unwrap_or("")) == op)
}

/// Whether a report lists the coverage gap of `op` and the permission to add.
fn report_names_the_gap(format: Format, text: &str, op: &str) -> Result<(), String> {
    match format {
        Format::Json => {
            let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            let gap = gap_listed(&v, op);
            let permission = v["not_evaluated"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|n| n["permissions"].as_array().into_iter().flatten().any(|p| p == op));
            if !gap || !permission {
                return Err(format!("gap listed: {gap}, permission {op} in not_evaluated: {permission}"));
            }
        }
        Format::Sarif => {
            let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            let notes: Vec<&str> = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n["message"]["text"].as_str())
                .collect();
            if !notes.iter().any(|n| n.contains("Grant:") && n.contains(op)) {
                return Err(format!("no tool execution notification grants {op}: {notes:?}"));
            }
        }
        // Findings only: one event or row per finding, nothing for a rule that was not evaluated.
        Format::Ocsf | Format::Csv => {}
        Format::Junit => {
            if !(text.contains("<skipped") && text.contains(op)) {
                return Err(format!("no skipped test case grants {op}"));
            }
        }
        Format::Html | Format::Summary | Format::Detailed | Format::Executive => {
            let grants = text.contains(&format!("`{op}`")) || text.contains(op);
            if !grants {
                return Err(format!("the permission {op} is not named"));
            }
            if !(text.contains("not evaluated") || text.contains("could not be")) {
                return Err("no coverage gap section".into());
            }
        }
    }
    Ok(())
}

/// Denying ecs:DescribeClusters is fatal: a clear error naming the permission and the policy.
pub async fn describe_clusters_denied_is_a_clear_error(env: &Env) -> Outcome {
    env.proxy.set_faults(Faults { deny: ["ecs:DescribeClusters".to_owned()].into(), ..Faults::default() });
    let actions = Actions::new(Source::Aws(source_with(Duration::from_secs(10), 3)));
    let action = Action::parse("analyze_cluster_security", Some(json!({"cluster_name": "insecure-cluster"})))
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let err = actions.run(action, None).await.err().ok_or("denying DescribeClusters must fail the analysis")?;
    let msg = err.to_string();
    ensure!(!err.is_invalid_params(), "reported as a parameter error: {msg}");
    for want in ["ecs:DescribeClusters", "us-east-1", "AccessDeniedException", "docs/iam-policy.json"] {
        ensure!(msg.contains(want), "the error does not mention {want}: {msg}");
    }
    ensure!(started.elapsed() < Duration::from_secs(5), "took {:?} (denials must not be retried)", started.elapsed());
    // The CLI: exit code 2 and the same advice on stderr.
    let out = bin().args(["analyze", "--cluster", "insecure-cluster"]).output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.code() == Some(2), "exit {:?}: {stderr}", out.status.code());
    ensure!(stderr.contains("ecs:DescribeClusters") && stderr.contains("docs/iam-policy.json"), "{stderr}");
    // list_clusters denied: also a clear error.
    env.proxy.set_faults(Faults { deny: ["ecs:ListClusters".to_owned()].into(), ..Faults::default() });
    let list = Action::parse("list_clusters", None).map_err(|e| e.to_string())?;
    let msg = actions.run(list, None).await.err().ok_or("denying ListClusters must fail list_clusters")?.to_string();
    ensure!(msg.contains("ecs:ListClusters") && msg.contains("docs/iam-policy.json"), "{msg}");
    env.proxy.set_faults(Faults::default());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Throttling and server errors.

/// Collects the insecure cluster cleanly, then with `faults`, through the binary with
/// `options`, and compares the findings.
///
/// The collections run in child processes: the SDK keeps retry state (the retry quota) per
/// process, and a scenario must not drain it for the ones that follow.
async fn retried_to_identical_findings(
    env: &Env,
    faults: Faults,
    options: &[&str],
    want_kinds: &[(&str, &str)],
) -> Outcome {
    let mut args = vec!["analyze", "--cluster", "insecure-cluster", "--format", "json"];
    args.extend_from_slice(options);
    let keys = |out: &Output| -> Result<(FindingKeys, Value), String> {
        let v: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&out.stderr)))?;
        let k = v["findings"]
            .as_array()
            .ok_or("no findings array")?
            .iter()
            .map(|f| (f["rule_id"].to_string(), f["resource"].to_string(), f["resource_arn"].to_string()))
            .collect();
        Ok((k, v))
    };
    env.proxy.set_faults(Faults::default());
    let clean = bin().args(&args).output().map_err(|e| e.to_string())?;
    let (want, clean_v) = keys(&clean)?;
    ensure!(clean_v["gaps"].as_array().is_some_and(Vec::is_empty), "clean run has gaps: {}", clean_v["gaps"]);
    env.proxy.set_faults(faults);
    let started = Instant::now();
    let faulted = bin().args(&args).output().map_err(|e| e.to_string());
    let elapsed = started.elapsed();
    let injected = env.proxy.injected();
    env.proxy.set_faults(Faults::default());
    let (got, v) = keys(&faulted?)?;
    for (service, kind) in want_kinds {
        ensure!(
            injected.iter().any(|i| i.starts_with(service) && i.ends_with(kind)),
            "no {kind} was injected on {service}: {injected:?}"
        );
    }
    ensure!(v["gaps"].as_array().is_some_and(Vec::is_empty), "gaps after retries: {}", v["gaps"]);
    ensure!(
        want == got,
        "findings differ after retries:\nmissing: {:?}\nextra: {:?}",
        want.difference(&got).collect::<Vec<_>>(),
        got.difference(&want).collect::<Vec<_>>()
    );
    ensure!(v["summary"]["rules"] == clean_v["summary"]["rules"], "rule counts differ after retries");
    let mut kinds: Vec<String> = injected.clone();
    kinds.sort();
    println!("    {} faults injected, the faulted collection took {} ms", injected.len(), elapsed.as_millis());
    if std::env::var_os("E2E_SHOW_FAULTS").is_some() {
        println!("    faults: {kinds:?}");
    }
    Ok(())
}

/// 30 % of calls throttled (ECS/ECR 400 ThrottlingException or 429, EC2 503
/// RequestLimitExceeded, ELB 400 Throttling): after retries, the same findings.
pub async fn throttling_is_retried_to_identical_findings(env: &Env) -> Outcome {
    // A seed whose rolls give every service each of its throttling answers at least once.
    let faults = Faults { throttle_percent: 30, seed: seed(4), ..Faults::default() };
    retried_to_identical_findings(env, faults, ROBUST, &THROTTLES).await
}

/// 30 % of calls answered with 500 or 503: after retries, the same findings.
pub async fn server_errors_are_retried_to_identical_findings(env: &Env) -> Outcome {
    let faults = Faults { server_error_percent: 30, seed: seed(3), ..Faults::default() };
    let kinds = [("ec2:", "500 InternalError"), ("ecs:", "500 InternalFailure"), ("", "503 ServiceUnavailable")];
    retried_to_identical_findings(env, faults, ROBUST, &kinds).await
}

/// Every call throttled once, with the default options (5 attempts, 20 s per call): the
/// first retry of each succeeds, so nothing may be lost. (With the SDK's adaptive retry
/// mode, a retry after throttling waited 20 s for the client-side rate limiter, the whole
/// call timeout, and this analysis failed.)
pub async fn every_call_throttled_once_survives_the_defaults(env: &Env) -> Outcome {
    let faults = Faults { throttle_first_attempt: true, ..Faults::default() };
    retried_to_identical_findings(env, faults, &[], &THROTTLES).await
}

/// The fault seed: `E2E_FAULT_SEED` when set (to explore), else the scenario's own.
fn seed(default: u64) -> u64 {
    std::env::var("E2E_FAULT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// Enough attempts that a 30 % failure rate practically never exhausts them (0.3^12), and a
/// per-call bound that leaves room for the backoff between them.
const ROBUST: &[&str] = &["--max-attempts", "12", "--call-timeout", "120", "--collection-timeout", "900"];

/// The throttling answers of each service: ECS and ECR 400 ThrottlingException or 429, EC2
/// 503 RequestLimitExceeded, ELB 400 Throttling.
const THROTTLES: [(&str, &str); 5] = [
    ("ecs:", "400 ThrottlingException"),
    ("ecs:", "429 TooManyRequestsException"),
    ("ecr:", "400 ThrottlingException"),
    ("ec2:", "503 RequestLimitExceeded"),
    ("elasticloadbalancing:", "400 Throttling"),
];

// ---------------------------------------------------------------------------------------
// Hanging endpoints, through the real binary over stdio.

struct StdioSession {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    /// Every stdout line received.
    transcript: Vec<String>,
    next_id: i64,
}

impl StdioSession {
    async fn start(args: &[&str], envs: &[(&str, &str)], stderr: Stdio) -> Result<StdioSession, String> {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"));
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(stderr).kill_on_drop(true);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().map_err(|e| e.to_string())?;
        let stdin = child.stdin.take().ok_or("stdin")?;
        let lines = BufReader::new(child.stdout.take().ok_or("stdout")?).lines();
        let mut s = StdioSession { child, stdin, lines, transcript: Vec::new(), next_id: 1 };
        s.send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e-trust", "version": "1"}}})).await?;
        s.wait_for(0, Duration::from_secs(20)).await?;
        s.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await?;
        Ok(s)
    }

    async fn send(&mut self, msg: Value) -> Outcome {
        self.stdin.write_all(format!("{msg}\n").as_bytes()).await.map_err(|e| e.to_string())?;
        self.stdin.flush().await.map_err(|e| e.to_string())
    }

    async fn wait_for(&mut self, id: i64, limit: Duration) -> Result<Value, String> {
        let deadline = Instant::now() + limit;
        loop {
            let line = tokio::time::timeout_at(deadline.into(), self.lines.next_line())
                .await
                .map_err(|_| format!("no answer to request {id} within {limit:?}"))?
                .map_err(|e| e.to_string())?
                .ok_or("the server closed stdout")?;
            self.transcript.push(line.clone());
            let v: Value = serde_json::from_str(&line).map_err(|e| format!("non-JSON on stdout: {e}: {line}"))?;
            if v["id"].as_i64() == Some(id) && v.get("method").is_none() {
                return Ok(v);
            }
        }
    }

    /// Calls a tool and waits for its answer; returns the result and the time it took.
    async fn call(&mut self, tool: &str, args: Value, limit: Duration) -> Result<(Value, Duration), String> {
        let id = self.next_id;
        self.next_id += 1;
        let started = Instant::now();
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": args, "_meta": {"progressToken": format!("p{id}")}}})).await?;
        let v = self.wait_for(id, limit).await?;
        Ok((v, started.elapsed()))
    }

    async fn request(&mut self, method: &str, params: Value, limit: Duration) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await?;
        self.wait_for(id, limit).await
    }

    /// Closes stdin and waits for the server to exit.
    async fn finish(mut self) -> Result<Vec<String>, String> {
        drop(self.stdin);
        while let Ok(Ok(Some(line))) = tokio::time::timeout(Duration::from_secs(10), self.lines.next_line()).await {
            self.transcript.push(line);
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
        Ok(self.transcript)
    }
}

fn tool_text(v: &Value) -> String {
    v["result"]["content"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A hanging AWS endpoint: the call times out within --call-timeout and the MCP session
/// answers with a clear error, then goes on serving.
pub async fn hanging_endpoint_times_out_within_the_bound(env: &Env) -> Outcome {
    const BOUND: Duration = Duration::from_secs(2);
    const SLACK: Duration = Duration::from_secs(3);
    let mut s =
        StdioSession::start(&["serve", "--call-timeout", "2", "--max-attempts", "3"], &[], Stdio::null()).await?;

    // The first call of an analysis hangs: a tool error, in time.
    env.proxy.set_faults(Faults { hang: ["ecs:DescribeClusters".to_owned()].into(), ..Faults::default() });
    let (v, took) = s.call("analyze_cluster_security", json!({"cluster_name": "insecure-cluster"}), BOUND * 10).await?;
    let text = tool_text(&v);
    ensure!(v["result"]["isError"] == true, "a hanging DescribeClusters must be a tool error: {v}");
    ensure!(
        text.contains("ecs:DescribeClusters") && text.to_ascii_lowercase().contains("timeout"),
        "the error does not say what timed out: {text}"
    );
    ensure!(took <= BOUND + SLACK, "answered after {took:?}, bound {BOUND:?} + {SLACK:?} slack");
    println!("    hanging ecs:DescribeClusters: tool error after {} ms: {text}", took.as_millis());

    // A hanging call inside the collection: a coverage gap, and the analysis still answers.
    env.proxy.set_faults(Faults { hang: ["ec2:DescribeSecurityGroups".to_owned()].into(), ..Faults::default() });
    let (v, took) = s
        .call("analyze_cluster_security", json!({"cluster_name": "insecure-cluster", "refresh": true}), BOUND * 10)
        .await?;
    let text = tool_text(&v);
    ensure!(v["result"]["isError"] == false, "a hanging DescribeSecurityGroups must not fail the analysis: {v}");
    ensure!(
        text.contains("ec2:DescribeSecurityGroups") && text.contains("Timeout"),
        "the coverage gap does not name the timed-out call: {text}"
    );
    let gaps = &v["result"]["structuredContent"]["not_evaluated"]["gaps"];
    ensure!(
        gaps.as_array()
            .into_iter()
            .flatten()
            .any(|g| g["operation"] == "ec2:DescribeSecurityGroups" && g["error_code"] == "Timeout"),
        "no Timeout gap in structured content: {gaps}"
    );
    // The explicit groups and the VPCs' default groups are two calls, one after the other.
    ensure!(took <= BOUND * 2 + SLACK, "answered after {took:?}, bound 2 x {BOUND:?} + {SLACK:?} slack");
    println!("    hanging ec2:DescribeSecurityGroups: analysis with a Timeout gap after {} ms", took.as_millis());

    // The session is still alive and serves the next call normally.
    env.proxy.set_faults(Faults::default());
    let (v, _) = s.call("list_clusters", json!({}), Duration::from_secs(20)).await?;
    ensure!(v["result"]["isError"] == false, "list_clusters after the timeouts: {v}");
    let tools = s.request("tools/list", json!({}), Duration::from_secs(10)).await?;
    let n = ecs_security_mcp::actions::ActionKind::ALL.len();
    ensure!(tools["result"]["tools"].as_array().is_some_and(|t| t.len() == n), "tools/list: {tools}");
    s.finish().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Planted secrets.

fn planted(env: &Env) -> Result<Vec<(String, String)>, String> {
    let map = env.moto.seeded["secrets"]["planted"].as_object().ok_or("the seed did not report planted secrets")?;
    Ok(map.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
}

fn leaks(planted: &[(String, String)], text: &str) -> Vec<String> {
    planted.iter().filter(|(_, v)| !v.is_empty() && text.contains(v.as_str())).map(|(k, _)| k.clone()).collect()
}

/// Log filters the sweep runs with: every level, and the AWS SDK's own targets at trace.
const LOG_FILTERS: &[&str] = &[
    "error",
    "warn",
    "info",
    "debug",
    "trace",
    "warn,aws_smithy_runtime=trace,aws_smithy_runtime_api=trace,aws_smithy_http=trace,aws_sdk_ecs=trace,aws_sdk_ecr=trace,aws_sdk_ec2=trace,aws_sdk_elasticloadbalancingv2=trace,aws_sdk_sts=trace,aws_config=trace,aws_sigv4=trace,hyper=trace,hyper_util=trace,rmcp=trace",
];

fn run_logged(args: &[&str], filter: &str, stdin: Option<&str>) -> Result<Output, String> {
    let mut cmd = bin();
    cmd.args(args).env("ECS_SECURITY_MCP_LOG", filter).env("RUST_LOG", "trace");
    let Some(input) = stdin else {
        return cmd.output().map_err(|e| e.to_string());
    };
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().ok_or("stdin")?;
        pipe.write_all(input.as_bytes()).map_err(|e| e.to_string())?;
    }
    child.wait_with_output().map_err(|e| e.to_string())
}

/// Planted secrets (environment variables, tags on the cluster, service, task definition
/// and ECR repository, docker labels, command, entry point, health check, log options)
/// never appear in a report of any format, a snapshot file, an MCP message or a log line at
/// any level.
pub async fn planted_secrets_never_leak(env: &Env) -> Outcome {
    let planted = planted(env)?;
    ensure!(planted.len() >= 10, "too few planted values: {planted:?}");

    // The values really reach the tool: the raw, in-memory collection holds every one.
    let raw = collect_with(&source_with(Duration::from_secs(10), 3), "secrets-cluster").await?;
    let raw_json = serde_json::to_string(&raw).map_err(|e| e.to_string())?;
    let missing: Vec<&String> =
        planted.iter().filter(|(_, v)| !raw_json.contains(v.as_str())).map(|(k, _)| k).collect();
    ensure!(missing.is_empty(), "planted values that moto did not return: {missing:?}");
    ensure!(raw.gaps.is_empty(), "gaps: {:?}", raw.gaps);
    let found: BTreeSet<&str> = rules::analyze(&raw).findings.iter().map(|f| f.rule.id).collect();
    for want in ["container-environment-secrets", "resource-tags-contain-secrets"] {
        ensure!(found.contains(want), "{want} not reported on the secrets cluster: {found:?}");
    }

    let mut problems: Vec<String> = Vec::new();
    let mut check = |what: String, text: &str| {
        let l = leaks(&planted, text);
        if !l.is_empty() {
            problems.push(format!("{what} leaks {l:?}"));
        }
    };

    // Every report format through the CLI, at every log level.
    let mut logged_sdk = false;
    for filter in LOG_FILTERS {
        for format in Format::ALL {
            let out = run_logged(
                &["analyze", "--cluster", "secrets-cluster", "--format", format.as_str(), "--show-details"],
                filter,
                None,
            )?;
            ensure!(out.status.success(), "analyze {format} failed: {}", String::from_utf8_lossy(&out.stderr));
            check(format!("analyze --format {format} stdout (log {filter})"), &String::from_utf8_lossy(&out.stdout));
            let stderr = String::from_utf8_lossy(&out.stderr);
            logged_sdk |= stderr.contains("aws_smithy_runtime");
            check(format!("analyze --format {format} stderr (log {filter})"), &stderr);
        }
    }
    ensure!(logged_sdk, "no AWS SDK log line was captured: the log sweep proves nothing");

    // The snapshot file, and the log of writing it.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("secrets.json");
    let file_arg = file.to_string_lossy().into_owned();
    let out = run_logged(&["snapshot", "--cluster", "secrets-cluster", "--output", &file_arg], "trace", None)?;
    ensure!(out.status.success(), "snapshot failed: {}", String::from_utf8_lossy(&out.stderr));
    check("snapshot file".into(), &std::fs::read_to_string(&file).map_err(|e| e.to_string())?);
    check("snapshot stderr".into(), &String::from_utf8_lossy(&out.stderr));

    // The analysis from that file finds the same secrets (the markers are recognised).
    let from_file = ecs_security_mcp::sources::load_snapshot(&file).map_err(|e| e.to_string())?;
    let again: BTreeSet<&str> = rules::analyze(&from_file).findings.iter().map(|f| f.rule.id).collect();
    ensure!(again == found, "findings from the snapshot file differ: {again:?} vs {found:?}");

    // `run` payloads for all six actions.
    let payloads = six_tool_calls()
        .iter()
        .map(|(tool, args)| json!({"action": tool, "parameters": args}).to_string())
        .collect::<Vec<_>>()
        .join("\n");
    for filter in ["trace", "debug"] {
        let out = run_logged(&["run"], filter, Some(&payloads))?;
        ensure!(out.status.success(), "run failed: {}", String::from_utf8_lossy(&out.stderr));
        check(format!("run stdout (log {filter})"), &String::from_utf8_lossy(&out.stdout));
        check(format!("run stderr (log {filter})"), &String::from_utf8_lossy(&out.stderr));
    }

    // A full MCP session over stdio at trace level: every stdout line and every log line.
    let log = dir.path().join("serve.log");
    let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
    let mut s = StdioSession::start(
        &["serve"],
        &[("ECS_SECURITY_MCP_LOG", "trace"), ("RUST_LOG", "trace")],
        Stdio::from(log_file),
    )
    .await?;
    s.request("tools/list", json!({}), Duration::from_secs(10)).await?;
    for (tool, args) in six_tool_calls() {
        let (v, _) = s.call(tool, args.clone(), Duration::from_secs(60)).await?;
        ensure!(v["result"]["isError"] == false, "{tool} {args} failed: {v}");
    }
    let transcript = s.finish().await?;
    ensure!(transcript.len() > 10, "suspiciously short MCP transcript: {} lines", transcript.len());
    for (i, line) in transcript.iter().enumerate() {
        check(format!("MCP stdout line {}", i + 1), line);
    }
    let log_text = std::fs::read_to_string(&log).map_err(|e| e.to_string())?;
    ensure!(log_text.lines().count() > 100, "the trace log is nearly empty: {} lines", log_text.lines().count());
    check("MCP server stderr (trace)".into(), &log_text);

    ensure!(problems.is_empty(), "{} leak(s):\n{}", problems.len(), problems.join("\n"));
    Ok(())
}

/// Every tool, with the arguments that reach every output path for the secrets cluster.
fn six_tool_calls() -> Vec<(&'static str, Value)> {
    let c = "secrets-cluster";
    vec![
        ("list_clusters", json!({})),
        ("select_cluster_for_analysis", json!({})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "quick"})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "comprehensive"})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "report"})),
        ("select_cluster_for_analysis", json!({"cluster_name": c, "analysis_type": "compliance"})),
        ("analyze_cluster_security", json!({"cluster_name": c, "refresh": true})),
        ("generate_security_report", json!({"cluster_name": c, "format": "summary", "show_details": true})),
        ("generate_security_report", json!({"cluster_name": c, "format": "detailed", "show_details": true})),
        ("generate_security_report", json!({"cluster_name": c, "format": "json", "show_details": true})),
        ("generate_security_report", json!({"cluster_name": c, "format": "executive", "show_details": true})),
        ("generate_security_report", json!({"cluster_name": c, "format": "sarif"})),
        ("get_security_recommendations", json!({"cluster_name": c, "limit": 100})),
        ("check_compliance_status", json!({"cluster_name": c, "compliance_framework": "all"})),
    ]
}

// ---------------------------------------------------------------------------------------
// The IAM policy. Runs last: it checks every operation the whole suite performed.

/// Every AWS operation seen across the suite (scenarios and the binaries they spawned) is
/// in docs/iam-policy.json and is a read; the policy grants nothing the tool does not call.
pub async fn iam_policy_covers_every_recorded_operation(env: &Env) -> Outcome {
    // Exercise every collection path once more, so the check stands on its own.
    env.proxy.set_faults(Faults::default());
    let source = source_with(Duration::from_secs(10), 3);
    source.list_clusters("us-east-1", &None).await.map_err(|e| e.to_string())?;
    for cluster in ["insecure-cluster", "hardened-cluster", "secrets-cluster", "many-services"] {
        collect_with(&source, cluster).await?;
    }
    let seen = env.proxy.seen();
    let policy = policy_actions()?;
    let missing: Vec<&String> = seen.iter().filter(|op| !policy.contains(*op)).collect();
    ensure!(missing.is_empty(), "operations performed but not in docs/iam-policy.json: {missing:?}");
    let writes: Vec<&String> = seen.iter().chain(policy.iter()).filter(|op| !is_read_only(op)).collect();
    ensure!(writes.is_empty(), "non-read operations: {writes:?}");
    let unused: Vec<&String> = policy.iter().filter(|op| !seen.contains(*op)).collect();
    ensure!(unused.is_empty(), "docs/iam-policy.json grants operations the suite never saw: {unused:?}");
    println!("    {} operations recorded: {}", seen.len(), seen.iter().cloned().collect::<Vec<_>>().join(", "));
    Ok(())
}
