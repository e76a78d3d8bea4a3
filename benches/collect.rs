//! Collection benchmark: wall time and AWS API calls to collect and analyse clusters of 10,
//! 100 and 500 services in moto, directly and through 50 ms of added latency per call.
//! Writes its section of docs/performance.md (between the `collect bench` markers). Run with `cargo bench --bench collect` (needs .venv with
//! moto, as the tests do).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test or benchmark harness: a panic is how it fails")]

#[path = "../tests/e2e/moto.rs"]
mod moto;
#[path = "../tests/e2e/proxy.rs"]
#[allow(dead_code)]
mod proxy;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::{Duration, Instant};

use ecs_security_mcp::collect::{AwsOptions, AwsSource, CLUSTERS_PER_CALL, Depth, SERVICES_PER_CALL, TASKS_PER_CALL};
use ecs_security_mcp::rules;

const SIZES: [usize; 3] = [10, 100, 500];
const RUNS: usize = 3;

struct Row {
    services: usize,
    latency_ms: u64,
    wall_ms: Vec<u128>,
    analyse_ms: u128,
    calls: BTreeMap<String, usize>,
    minimum: usize,
    findings: usize,
}

fn median(v: &[u128]) -> u128 {
    let mut v = v.to_vec();
    v.sort_unstable();
    v[v.len() / 2]
}

/// The fewest calls the API limits allow for this cluster's collection.
fn minimum_calls(services: usize, task_definitions: usize, tasks: usize) -> usize {
    let pages = |n: usize, per: usize| n.div_ceil(per).max(1);
    let ecs = 1 // DescribeClusters
        + pages(services, 100) // ListServices
        + services.div_ceil(SERVICES_PER_CALL) // DescribeServices
        + pages(tasks, 100) // ListTasks
        + tasks.div_ceil(TASKS_PER_CALL) // DescribeTasks
        + 1 // ListContainerInstances (none registered)
        + task_definitions // DescribeTaskDefinition, once per revision
        + 1; // ListAccountSettings (one page)
    let sts = 1;
    // The region's detector (moto holds one) and this cluster's coverage.
    let guardduty = 1 + 1 + 1;
    // One VPC: subnets, security groups (by id, and the VPC's default group), the VPC and
    // its two DNS attributes, route tables, flow logs.
    let ec2 = 1 + 2 + 1 + 2 + 1 + 1;
    let _ = CLUSTERS_PER_CALL;
    ecs + sts + ec2 + guardduty
}

fn main() {
    let moto = moto::Moto::start(&["--bench", "10", "--bench", "100", "--bench", "500"]);
    let listener = proxy::Proxy::bind();
    let url = format!("http://{}", listener.local_addr().expect("proxy address"));
    proxy::aim_sdk_at(&url);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let rows = runtime.block_on(async {
        let proxy = proxy::Proxy::start(listener, &moto.endpoint());
        let mut rows = Vec::new();
        for latency_ms in [0u64, 50] {
            proxy.set_faults(proxy::Faults { latency: Duration::from_millis(latency_ms), ..Default::default() });
            for services in SIZES {
                let cluster = format!("bench-{services}-services");
                let seeded = &moto.seeded[&cluster];
                let tds = seeded["task_definitions"].as_u64().unwrap_or(0) as usize;
                let tasks = seeded["tasks"].as_u64().unwrap_or(0) as usize;
                let mut wall = Vec::new();
                let mut calls = BTreeMap::new();
                let mut analyse_ms = 0;
                let mut findings = 0;
                for _ in 0..RUNS {
                    let source = AwsSource::new(AwsOptions { region: Some("us-east-1".into()), ..AwsOptions::default() });
                    proxy.reset();
                    let started = Instant::now();
                    let snap = source.collect(&cluster, "us-east-1", Depth::Full, &None).await.expect("collects");
                    let a_started = Instant::now();
                    let analysis = rules::analyze(&snap);
                    analyse_ms = a_started.elapsed().as_millis();
                    wall.push(started.elapsed().as_millis());
                    findings = analysis.findings.len();
                    assert_eq!(snap.services.len(), services, "{cluster}: every service collected");
                    assert!(snap.gaps.is_empty(), "{cluster}: gaps {:?}", snap.gaps);
                    calls = BTreeMap::new();
                    for c in proxy.calls() {
                        *calls.entry(c).or_insert(0) += 1;
                    }
                }
                let row = Row {
                    services,
                    latency_ms,
                    wall_ms: wall,
                    analyse_ms,
                    minimum: minimum_calls(services, tds, tasks),
                    calls,
                    findings,
                };
                println!(
                    "{cluster} latency {latency_ms} ms: collect+analyse median {} ms over {RUNS} runs, {} calls (minimum {}), analysis {} ms, {} findings",
                    median(&row.wall_ms),
                    row.calls.values().sum::<usize>(),
                    row.minimum,
                    row.analyse_ms,
                    row.findings
                );
                rows.push(row);
            }
        }
        rows
    });
    write_report(&rows);
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned()))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| format!("{} GiB", kb / 1024 / 1024))
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {mem} RAM")
}

fn write_report(rows: &[Row]) {
    let mut s = String::new();
    let _ = writeln!(s, "## Collecting from AWS\n");
    let _ = writeln!(
        s,
        "Generated by `cargo bench --bench collect` on {} ({}). The AWS SDK talks over HTTP to moto 5.2.5 on 127.0.0.1 through a proxy that counts calls and can add latency. Each cluster has awsvpc Fargate services in one VPC, a task definition per ten services and a running task per five services. Times are the median of {RUNS} runs of a full collection plus analysis, {} build. Concurrency 8 calls in flight.\n",
        machine(),
        chrono::Utc::now().format("%Y-%m-%d"),
        if cfg!(debug_assertions) { "debug (`cargo bench --bench collect --profile dev`)" } else { "release" }
    );
    let _ = writeln!(
        s,
        "| Services | Added latency per call | Collect + analyse (median) | API calls | Minimum the batch limits allow | Over minimum | Analysis alone |"
    );
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let total: usize = r.calls.values().sum();
        let over = (total as f64 / r.minimum as f64 - 1.0) * 100.0;
        let _ = writeln!(
            s,
            "| {} | {} ms | {} ms | {} | {} | {:.0}% | {} ms |",
            r.services,
            r.latency_ms,
            median(&r.wall_ms),
            total,
            r.minimum,
            over,
            r.analyse_ms
        );
    }
    let _ = writeln!(
        s,
        "\nTargets: API calls within 10% of the minimum; a 500-service cluster collected in under 10 seconds with 50 ms per call.\n"
    );
    for big in rows.iter().filter(|r| r.latency_ms == 50) {
        let _ = writeln!(s, "\nCalls for {} services, by operation:\n", big.services);
        for (op, n) in &big.calls {
            let _ = writeln!(s, "- `{op}`: {n}");
        }
    }
    let _ = writeln!(
        s,
        "\nThe minimum counts: DescribeClusters 1, ListServices ceil(n/100), DescribeServices ceil(n/10), ListTasks and DescribeTasks ceil(t/100), ListContainerInstances 1, DescribeTaskDefinition once per revision in use, ListAccountSettings 1, guardduty:ListDetectors, GetDetector and ListCoverage 1 each, sts:GetCallerIdentity 1, and for the one VPC DescribeSubnets 1, DescribeSecurityGroups 2 (the groups in use and the VPC's default group), DescribeVpcs 1, DescribeVpcAttribute 2, DescribeRouteTables 1, DescribeFlowLogs 1."
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/performance.md");
    let doc = std::fs::read_to_string(&path).expect("read docs/performance.md");
    let (begin, end) = ("<!-- BEGIN collect bench -->\n", "<!-- END collect bench -->");
    let (Some(b), Some(e)) = (doc.find(begin), doc.find(end)) else {
        panic!("docs/performance.md lacks the {begin:?} and {end:?} markers around the collection section");
    };
    let doc = format!("{}{begin}{s}{}", &doc[..b], &doc[e..]);
    std::fs::write(&path, doc).expect("write docs/performance.md");
    println!("wrote the collection section of {}", path.display());
}
