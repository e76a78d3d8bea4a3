//! Fleet scans end to end: two accounts (the second through sts:AssumeRole), two regions,
//! five clusters; a third account whose role cannot be assumed and a region that refuses
//! every call (both injected by the proxy); shards merged against the single run; the
//! Organization and `--regions all` scopes.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::proxy::Faults;
use super::{Env, Outcome, bin};

const ACCOUNT_A: &str = "123456789012";
const ACCOUNT_B: &str = "222222222222";
/// The account whose role the proxy refuses to let anyone assume.
const ACCOUNT_C: &str = "333333333333";
const ROLE: &str = "ecs-security-audit";
/// The region the proxy answers as AWS answers for a region not enabled for the account.
const FAILING_REGION: &str = "ap-southeast-2";

fn faults() -> Faults {
    Faults {
        deny_when: vec![("sts:AssumeRole".into(), ACCOUNT_C.into())],
        fail_regions: BTreeSet::from([FAILING_REGION.to_owned()]),
        ..Faults::default()
    }
}

fn scan(extra: &[&str]) -> Result<Output, String> {
    let accounts = format!("{ACCOUNT_A},{ACCOUNT_B},{ACCOUNT_C}");
    let regions = format!("us-east-1,eu-west-1,{FAILING_REGION}");
    let mut args = vec![
        "scan",
        "--accounts",
        &accounts,
        "--role-name",
        ROLE,
        "--regions",
        &regions,
        "--clusters",
        "fleet-*",
        "--call-timeout",
        "10",
        "--max-attempts",
        "2",
    ];
    args.extend_from_slice(extra);
    bin().args(&args).output().map_err(|e| e.to_string())
}

fn json_of(o: &Output) -> Result<Value, String> {
    serde_json::from_slice(&o.stdout)
        .map_err(|e| format!("not JSON ({e}): {}\nstderr: {}", String::from_utf8_lossy(&o.stdout), stderr(o)))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The report with its timestamps blanked (they are the only thing two scans may differ in).
fn without_timestamps(text: &str) -> String {
    let re =
        regex::Regex::new(r#"("(generated_at|started_at|collected_at|collectedAt|endTimeUtc|startedAt)": )"[^"]*""#)
            .expect("regex");
    let md = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)").expect("regex");
    // OCSF's event time, in milliseconds.
    let millis = regex::Regex::new(r#""time": \d+"#).expect("regex");
    let text = re.replace_all(text, "$1\"T\"");
    let text = millis.replace_all(&text, "\"time\": 0");
    md.replace_all(&text, "T").into_owned()
}

pub async fn fleet_scan_reports_accounts_regions_and_failures(env: &Env) -> Outcome {
    env.proxy.set_faults(faults());
    env.proxy.reset();
    let out = scan(&["--format", "json"])?;
    let calls = env.proxy.calls();
    ensure!(out.status.code() == Some(3), "exit {:?} (want 3, incomplete): {}", out.status.code(), stderr(&out));
    let r = json_of(&out)?;
    ensure!(r["complete"] == false, "complete: {}", r["complete"]);

    // Five clusters, ranked worst first; the privileged ones lead.
    let ranked: Vec<(String, String, String, u64)> = r["clusters"]
        .as_array()
        .ok_or("clusters")?
        .iter()
        .map(|c| {
            (
                c["account_id"].as_str().unwrap_or("").to_owned(),
                c["region"].as_str().unwrap_or("").to_owned(),
                c["cluster"].as_str().unwrap_or("").to_owned(),
                c["score"].as_u64().unwrap_or(999),
            )
        })
        .collect();
    let names: BTreeSet<&str> = ranked.iter().map(|c| c.2.as_str()).collect();
    let want: BTreeSet<&str> = ["fleet-a-web", "fleet-a-api", "fleet-a-eu", "fleet-b-web", "fleet-b-eu"].into();
    ensure!(names == want, "clusters {names:?}");
    ensure!(ranked.windows(2).all(|w| w[0].3 <= w[1].3), "not ranked by score: {ranked:?}");
    let privileged: BTreeSet<&str> = ["fleet-a-web", "fleet-a-eu", "fleet-b-web"].into();
    ensure!(
        ranked[..3].iter().all(|c| privileged.contains(c.2.as_str())),
        "the privileged clusters are not the worst three: {ranked:?}"
    );
    ensure!(
        ranked.iter().any(|c| c.0 == ACCOUNT_B && c.1 == "eu-west-1" && c.2 == "fleet-b-eu"),
        "account B's eu-west-1 cluster (through the assumed role) is missing: {ranked:?}"
    );

    // Every finding carries account, region and cluster; the roll-up counts across the fleet.
    let findings = r["findings"].as_array().ok_or("findings")?;
    ensure!(!findings.is_empty(), "no findings");
    for f in findings {
        ensure!(
            f["account_id"].is_string() && f["region"].is_string() && f["cluster"].is_string(),
            "a finding without its place: {f}"
        );
    }
    let priv_findings: BTreeSet<(String, String)> = findings
        .iter()
        .filter(|f| f["rule_id"] == "container-privileged")
        .map(|f| (f["account_id"].as_str().unwrap_or("").to_owned(), f["cluster"].as_str().unwrap_or("").to_owned()))
        .collect();
    ensure!(priv_findings.len() == 3, "privileged findings: {priv_findings:?}");
    let rollup = r["rules"].as_array().ok_or("rules")?;
    let privileged_rule = rollup.iter().find(|x| x["rule_id"] == "container-privileged").ok_or("no roll-up row")?;
    ensure!(
        privileged_rule["clusters"] == 3 && privileged_rule["accounts"] == 2 && privileged_rule["regions"] == 2,
        "roll-up: {privileged_rule}"
    );
    ensure!(
        privileged_rule["summary"].as_str().is_some_and(|s| s.ends_with(": 3 clusters in 2 accounts")),
        "roll-up sentence: {}",
        privileged_rule["summary"]
    );

    // Coverage: nine account-regions; C fails at assume-role everywhere, the failing region
    // everywhere else; nothing of theirs is counted.
    let coverage = r["coverage"].as_array().ok_or("coverage")?;
    ensure!(coverage.len() == 9, "coverage rows: {}", coverage.len());
    for c in coverage {
        let (account, region, status) =
            (c["account_id"].as_str().unwrap_or(""), c["region"].as_str().unwrap_or(""), &c["status"]);
        let expect_failed = account == ACCOUNT_C || region == FAILING_REGION;
        ensure!(
            (status == "failed") == expect_failed && (expect_failed || status == "complete"),
            "coverage of {account} {region}: {c}"
        );
        if expect_failed {
            ensure!(c["clusters_analysed"] == 0, "a failed account-region counted clusters: {c}");
        }
        if account == ACCOUNT_B && region == "eu-west-1" {
            ensure!(c["clusters_filtered_out"] == 1, "other-b is not counted as filtered out: {c}");
        }
    }
    let failures = r["failures"].as_array().ok_or("failures")?;
    ensure!(failures.len() == 5, "failures: {failures:?}");
    for f in failures {
        if f["account_id"] == ACCOUNT_C {
            ensure!(
                f["stage"] == "assume-role"
                    && f["code"] == "AccessDenied"
                    && f["message"].as_str().is_some_and(|m| m.contains(&format!("{ACCOUNT_C}:role/{ROLE}")))
                    && f["remedy"].as_str().is_some_and(|m| m.contains("trust policy")),
                "assume-role failure: {f}"
            );
        } else {
            ensure!(
                f["region"] == FAILING_REGION && f["stage"] == "list-clusters" && f["code"] == "RegionNotEnabled",
                "region failure: {f}"
            );
        }
    }
    ensure!(r["totals"]["clusters_analysed"] == 5, "totals: {}", r["totals"]);

    // Credentials once per assumed account (B and the refused C), and nothing but reads.
    let assumed = calls.iter().filter(|c| c.as_str() == "sts:AssumeRole").count();
    ensure!(assumed == 2, "sts:AssumeRole calls: {assumed} (want one per assumed account: B, and C refused)");
    // The account-region's settings and GuardDuty detector are read once per account-region
    // with clusters (four: fleet-a-web and fleet-a-api share one), not once per cluster.
    let regions: BTreeSet<(&str, &str)> = ranked.iter().map(|c| (c.0.as_str(), c.1.as_str())).collect();
    // DescribeClusters too: the listing describes every cluster of the account-region in one
    // call with everything the rules read, and the collections reuse it.
    for op in ["ecs:ListAccountSettings", "guardduty:ListDetectors", "ecs:DescribeClusters"] {
        let n = calls.iter().filter(|c| c.as_str() == op).count();
        ensure!(n == regions.len(), "{op} calls: {n} (want one per account-region with clusters: {regions:?})");
    }
    let policy = super::trust::policy_actions()?;
    let seen: BTreeSet<&String> = calls.iter().collect();
    let outside: Vec<&&String> = seen.iter().filter(|op| !policy.contains(**op)).collect();
    ensure!(outside.is_empty(), "operations not in docs/iam-policy.json: {outside:?}");
    let writes: Vec<&&String> = seen
        .iter()
        .filter(|op| {
            let name = op.split(':').nth(1).unwrap_or("");
            op.as_str() != "sts:AssumeRole" && !["Describe", "List", "Get"].iter().any(|p| name.starts_with(p))
        })
        .collect();
    ensure!(writes.is_empty(), "non-read operations: {writes:?}");

    // The Markdown formats say the same, and say it is incomplete.
    let summary = scan(&["--format", "summary"])?;
    let text = String::from_utf8_lossy(&summary.stdout);
    if std::env::var_os("FLEET_SHOW").is_some() {
        println!("{text}");
    }
    ensure!(
        text.contains("Incomplete") && text.contains("3 clusters in 2 accounts") && text.contains("RegionNotEnabled"),
        "summary:\n{text}"
    );
    let sarif = json_of(&scan(&["--format", "sarif"])?)?;
    ensure!(sarif["runs"][0]["invocations"][0]["executionSuccessful"] == false, "SARIF run marked successful");
    let results = sarif["runs"][0]["results"].as_array().ok_or("SARIF results")?;
    ensure!(results.len() == findings.len(), "SARIF results {} vs findings {}", results.len(), findings.len());
    ensure!(
        results.iter().all(|x| x["properties"]["accountId"].is_string() && x["properties"]["cluster"].is_string()),
        "SARIF results without their place"
    );
    Ok(())
}

/// Throttling on a third of the calls, in every account-region: the SDK backs off and
/// retries per account-region, and the report is the same as without throttling.
pub async fn throttled_fleet_scan_reports_the_same(env: &Env) -> Outcome {
    env.proxy.set_faults(faults());
    let clean = scan(&["--format", "json"])?;
    env.proxy.set_faults(Faults { throttle_percent: 30, seed: 14, ..faults() });
    let throttled = bin()
        .args([
            "scan",
            "--accounts",
            &format!("{ACCOUNT_A},{ACCOUNT_B},{ACCOUNT_C}"),
            "--role-name",
            ROLE,
            "--regions",
            &format!("us-east-1,eu-west-1,{FAILING_REGION}"),
            "--clusters",
            "fleet-*",
            "--format",
            "json",
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let injected = env
        .proxy
        .injected()
        .iter()
        .filter(|i| i.contains("Throttl") || i.contains("TooMany") || i.contains("RequestLimit"))
        .count();
    ensure!(injected > 10, "too few throttles injected to mean anything: {injected}");
    ensure!(throttled.status.code() == Some(3), "exit {:?}: {}", throttled.status.code(), stderr(&throttled));
    let (a, b) = (
        without_timestamps(&String::from_utf8_lossy(&clean.stdout)),
        without_timestamps(&String::from_utf8_lossy(&throttled.stdout)),
    );
    // The API call counts include the retries; everything else must be the same.
    let strip = |s: &str| -> Result<Value, String> {
        let mut v: Value = serde_json::from_str(s).map_err(|e| e.to_string())?;
        v["totals"]["api_calls"] = Value::Null;
        Ok(v)
    };
    let (a, b) = (strip(&a)?, strip(&b)?);
    let mut differences = Vec::new();
    json_differences(&a, &b, String::new(), &mut differences);
    ensure!(
        differences.is_empty(),
        "the throttled scan reports differently from the clean one: {}",
        differences.iter().take(8).cloned().collect::<Vec<_>>().join("; ")
    );
    Ok(())
}

/// Where two JSON values differ, as `path: left != right`.
fn json_differences(a: &Value, b: &Value, path: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let (l, r) = (x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null));
                json_differences(l, r, format!("{path}/{k}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                json_differences(l, r, format!("{path}/{i}"), out);
            }
        }
        _ if a != b => {
            let short = |v: &Value| v.to_string().chars().take(160).collect::<String>();
            out.push(format!("{path}: {} != {}", short(a), short(b)));
        }
        _ => {}
    }
}

pub async fn sharded_scan_merges_to_the_single_run(env: &Env) -> Outcome {
    env.proxy.set_faults(faults());
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let single =
        scan(&["--format", "json", "--out"].iter().copied().chain([path(dir.path(), "single")]).collect::<Vec<_>>())?;
    ensure!(single.status.code() == Some(3), "single run exit {:?}: {}", single.status.code(), stderr(&single));
    let s0 = scan(&["--shard", "0/2", "--format", "json", "--out", path(dir.path(), "s0")])?;
    ensure!(s0.status.code() == Some(3), "shard 0 exit {:?}: {}", s0.status.code(), stderr(&s0));
    // Shard 1 takes its index and count from a Kubernetes Indexed Job's environment.
    let s1 = bin()
        .args([
            "scan",
            "--accounts",
            &format!("{ACCOUNT_A},{ACCOUNT_B},{ACCOUNT_C}"),
            "--role-name",
            ROLE,
            "--regions",
            &format!("us-east-1,eu-west-1,{FAILING_REGION}"),
            "--clusters",
            "fleet-*",
            "--call-timeout",
            "10",
            "--max-attempts",
            "2",
            "--format",
            "json",
            "--out",
            path(dir.path(), "s1"),
        ])
        .env("JOB_COMPLETION_INDEX", "1")
        .env("JOB_COMPLETIONS", "2")
        .output()
        .map_err(|e| e.to_string())?;
    ensure!(s1.status.code() == Some(3), "shard 1 exit {:?}: {}", s1.status.code(), stderr(&s1));
    for (shard, file) in [("s0", "shard-0-of-2.json"), ("s1", "shard-1-of-2.json")] {
        ensure!(dir.path().join(shard).join(file).exists(), "{shard}/{file} was not written");
    }
    ensure!(
        dir.path().join("single/snapshots").join(ACCOUNT_B).join("eu-west-1/fleet-b-eu.json").exists(),
        "the snapshot of fleet-b-eu was not written"
    );
    // The shards split the pairs: neither holds all of them.
    let pairs = |d: &str| -> Result<usize, String> {
        let name = if d == "s0" { "shard-0-of-2.json" } else { "shard-1-of-2.json" };
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(d).join(name)).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
        Ok(v["targets"].as_array().map_or(0, Vec::len))
    };
    let (n0, n1) = (pairs("s0")?, pairs("s1")?);
    ensure!(n0 + n1 == 9 && n0 > 0 && n1 > 0, "shard sizes {n0} + {n1}");

    for format in ["json", "summary", "sarif", "terminal", "html", "ocsf", "csv", "junit"] {
        let merged = bin()
            .args(["merge", path(dir.path(), "s0"), path(dir.path(), "s1"), "--format", format])
            .output()
            .map_err(|e| e.to_string())?;
        ensure!(merged.status.code() == Some(3), "merge exit {:?}: {}", merged.status.code(), stderr(&merged));
        let again = bin()
            .args(["merge", path(dir.path(), "single"), "--format", format])
            .output()
            .map_err(|e| e.to_string())?;
        let (a, b) = (
            without_timestamps(&String::from_utf8_lossy(&merged.stdout)),
            without_timestamps(&String::from_utf8_lossy(&again.stdout)),
        );
        ensure!(a == b, "{format}: the merged shards differ from the single run");
        if format == "json" {
            let live = without_timestamps(&String::from_utf8_lossy(&single.stdout));
            ensure!(a == live, "json: the merged report differs from the single run's own report");
        }
    }
    // The same shard twice is refused.
    let twice =
        bin().args(["merge", path(dir.path(), "s0"), path(dir.path(), "s0")]).output().map_err(|e| e.to_string())?;
    ensure!(twice.status.code() == Some(2) && stderr(&twice).contains("appears in both"), "{}", stderr(&twice));
    Ok(())
}

fn path<'a>(dir: &Path, name: &str) -> &'a str {
    // Leaked on purpose: a handful of short paths per test run, used as process arguments.
    Box::leak(dir.join(name).display().to_string().into_boxed_str())
}

pub async fn organization_and_all_regions_scopes(env: &Env) -> Outcome {
    env.proxy.set_faults(faults());
    let fleet = &env.moto.seeded["fleet"];
    let (member, closed) =
        (fleet["org_member"].as_str().ok_or("org member")?, fleet["org_closed"].as_str().ok_or("org closed")?);
    let out = bin()
        .args(["scan", "--organization", "--role-name", ROLE, "--regions", "us-east-1", "--clusters", "fleet-*"])
        .args(["--format", "json", "--call-timeout", "10"])
        .output()
        .map_err(|e| e.to_string())?;
    let r = json_of(&out)?;
    ensure!(out.status.code() == Some(0), "exit {:?}: {}", out.status.code(), stderr(&out));
    let accounts: BTreeSet<&str> =
        r["coverage"].as_array().ok_or("coverage")?.iter().filter_map(|c| c["account_id"].as_str()).collect();
    ensure!(accounts == BTreeSet::from([ACCOUNT_A, member]), "organization accounts scanned: {accounts:?}");
    ensure!(
        r["notes"].as_array().is_some_and(|n| n.iter().any(|n| n.as_str().is_some_and(|n| n.contains(closed)))),
        "the closed account is not noted: {}",
        r["notes"]
    );

    let out = bin()
        .args(["scan", "--regions", "all", "--clusters", "fleet-a-*", "--format", "json", "--call-timeout", "10"])
        .output()
        .map_err(|e| e.to_string())?;
    let r = json_of(&out)?;
    // The failing region is enabled (moto says so) but refuses calls: incomplete.
    ensure!(out.status.code() == Some(3), "exit {:?}: {}", out.status.code(), stderr(&out));
    ensure!(
        r["notes"].as_array().is_some_and(|n| n.iter().any(|n| n.as_str().is_some_and(|n| n.contains("not enabled")))),
        "no note on skipped opt-in regions: {}",
        r["notes"]
    );
    let regions = r["coverage"].as_array().ok_or("coverage")?.len();
    ensure!(regions > 10, "only {regions} regions scanned");
    ensure!(r["totals"]["clusters_analysed"] == 3, "account A's three fleet clusters: {}", r["totals"]);
    Ok(())
}

/// The `scan_fleet` MCP tool over stdio: with a progressToken the client gets progress
/// notifications for that token, counting clusters done up to all five, in increasing
/// order and all before the result; without one it gets none.
pub async fn scan_fleet_tool_sends_progress_for_a_progress_token(_: &Env) -> Outcome {
    use std::time::{Duration, Instant};

    let mut server = super::stdio::StdioServer::start(&["--call-timeout", "10"]).await?;
    let args = serde_json::json!({
        "accounts": [ACCOUNT_A, ACCOUNT_B],
        "role_name": ROLE,
        "regions": ["us-east-1", "eu-west-1"],
        "cluster_pattern": "fleet-*",
    });
    // One call with a token, then the same call without one.
    let mut notes: Vec<Value> = Vec::new();
    for (id, meta) in [(1, Some("fleet-progress")), (2, None)] {
        let mut params = serde_json::json!({"name": "scan_fleet", "arguments": args});
        if let Some(token) = meta {
            params["_meta"] = serde_json::json!({"progressToken": token});
        }
        server.send(serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params})).await?;
        let deadline = Instant::now() + Duration::from_secs(60);
        let result = loop {
            let v = server.next(deadline, &format!("scan_fleet call {id}")).await?;
            if v["method"] == "notifications/progress" {
                ensure!(id == 1, "a progress notification for the call without a progressToken: {v}");
                notes.push(v);
            } else if v["id"] == id {
                break v;
            }
        };
        ensure!(result["result"]["isError"] == false, "scan_fleet failed: {result}");
    }
    ensure!(!notes.is_empty(), "no progress notification for the call with a progressToken");
    let mut last = 0.0;
    for n in &notes {
        let p = &n["params"];
        ensure!(p["progressToken"] == "fleet-progress", "progress for another token: {n}");
        let progress = p["progress"].as_f64().ok_or("progress without a number")?;
        let increased = matches!(progress.partial_cmp(&last), Some(std::cmp::Ordering::Greater));
        ensure!(increased, "progress did not increase: {last} then {n}");
        last = progress;
        ensure!(p["total"].as_f64().is_some_and(|t| t >= progress), "total missing or below progress: {n}");
        ensure!(p["message"].as_str().is_some_and(|m| !m.is_empty()), "progress without a message: {n}");
    }
    let final_note = &notes[notes.len() - 1]["params"];
    ensure!(
        final_note["progress"] == 5.0 && final_note["total"] == 5.0,
        "the last progress is not 5 of 5 clusters: {final_note}"
    );
    Ok(())
}
