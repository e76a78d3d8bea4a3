//! Fleet scan benchmark: 3 accounts × 4 regions × 10 clusters × 20 services in moto, 50 ms
//! added to every call by the proxy. Measures one `scan` (in process) against collecting the
//! same clusters one after another as `analyze` does, counts the API calls against the
//! minimum (each cluster's own collection plus the fleet's listing and credentials), and
//! compares the wall time with the bound per-account-region concurrency allows. Writes its
//! section of docs/performance.md (between the `fleet bench` markers). Run with
//! `cargo bench --bench fleet --profile dev` (needs .venv with moto, as the tests do).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test or benchmark harness: a panic is how it fails")]

#[path = "../tests/e2e/moto.rs"]
mod moto;
#[path = "../tests/e2e/proxy.rs"]
#[allow(dead_code)]
mod proxy;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::{Duration, Instant};

use ecs_security_mcp::collect::{AwsOptions, AwsSource, Bucket, Depth};
use ecs_security_mcp::fleet::{self, Accounts, ClusterFilter, Limits, Regions, Role, ScanRequest};

const LATENCY: Duration = Duration::from_millis(50);
const PER_TARGET: usize = 8;

struct Run {
    label: String,
    wall: Duration,
    calls: usize,
    by_target: BTreeMap<(String, String), usize>,
}

fn options() -> AwsOptions {
    AwsOptions { region: Some("us-east-1".into()), concurrency: PER_TARGET, ..AwsOptions::default() }
}

fn main() {
    let moto = moto::Moto::start(&["--fleet-bench", "3", "4", "10", "20"]);
    let fb = moto.seeded["fleet_bench"].clone();
    let accounts: Vec<String> =
        fb["accounts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect();
    let regions: Vec<String> =
        fb["regions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect();
    let clusters = fb["clusters"].as_u64().unwrap() as usize;
    let listener = proxy::Proxy::bind();
    let url = format!("http://{}", listener.local_addr().expect("proxy address"));
    proxy::aim_sdk_at(&url);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (runs, sequential, per_cluster_calls) = runtime.block_on(async {
        let proxy = proxy::Proxy::start(listener, &moto.endpoint());
        proxy.set_faults(proxy::Faults { latency: LATENCY, ..Default::default() });
        let role = Role::named("audit");

        // One cluster after another, as `analyze` per cluster does (without process start-up).
        let base = AwsSource::new(options()).sdk_config().await;
        let caller = fleet::accounts::caller(&base, "us-east-1").await.unwrap();
        proxy.reset();
        let started = Instant::now();
        let mut per_cluster_calls = 0usize;
        for account in &accounts {
            let config = fleet::accounts::account_config(
                &base,
                &caller,
                Some(&role),
                account,
                "us-east-1",
                Duration::from_secs(20),
            )
            .await
            .unwrap();
            for region in &regions {
                let source = AwsSource::with_config(
                    options(),
                    config.clone(),
                    Bucket { name: format!("{account}/{region}"), gates: Vec::new() },
                );
                for k in 0..clusters {
                    let s = source.collect(&format!("fb-{k:02}"), region, Depth::Full, &None).await.unwrap();
                    per_cluster_calls += s.stats.total_calls() as usize;
                }
            }
        }
        let sequential = Run {
            label: "one cluster after another".into(),
            wall: started.elapsed(),
            calls: proxy.calls().len(),
            by_target: BTreeMap::new(),
        };

        let mut runs = Vec::new();
        for (global, latency) in [(64usize, LATENCY), (1024, LATENCY), (1024, Duration::ZERO)] {
            proxy.set_faults(proxy::Faults { latency, ..Default::default() });
            let req = ScanRequest {
                aws: options(),
                accounts: Accounts::List(accounts.clone(), role.clone()),
                regions: Regions::List(regions.clone()),
                clusters: ClusterFilter::parse(&["fb-*".into()], &[]).unwrap(),
                limits: Limits { per_target: PER_TARGET, global, clusters_per_target: 4 },
                shard: None,
            };
            proxy.reset();
            let started = Instant::now();
            let scan = fleet::scan(&req, &None).await.unwrap();
            let wall = started.elapsed();
            let mut by_target = BTreeMap::new();
            for t in &scan.targets {
                assert!(t.failure.is_none(), "{:?}", t.failure);
                assert_eq!(t.clusters.len(), clusters);
                let calls: u64 =
                    t.clusters.iter().filter_map(|c| c.snapshot.as_ref()).map(|s| s.stats.total_calls()).sum();
                // Each account-region also lists its clusters: ListClusters + DescribeClusters.
                by_target.insert((t.account_id.clone(), t.region.clone()), calls as usize + 2);
            }
            let label = format!("scan, --max-in-flight {global}, {} ms added", latency.as_millis());
            runs.push(Run { label, wall, calls: proxy.calls().len(), by_target });
        }
        (runs, sequential, per_cluster_calls)
    });
    write_report(&runs, &sequential, per_cluster_calls, accounts.len(), regions.len(), clusters);
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn write_report(
    runs: &[Run],
    sequential: &Run,
    per_cluster_calls: usize,
    accounts: usize,
    regions: usize,
    clusters: usize,
) {
    let targets = accounts * regions;
    // The minimum: every cluster's own collection, the listing of each account-region, and
    // per assumed account one sts:AssumeRole and one sts:GetCallerIdentity check, and the
    // caller's own sts:GetCallerIdentity.
    let minimum = per_cluster_calls + 2 * targets + 2 * accounts + 1;
    let mut s = String::new();
    let _ = writeln!(s, "## Fleet scan\n");
    let _ = writeln!(
        s,
        "Generated by `cargo bench --bench fleet --profile dev` on {} ({}). moto holds {accounts} accounts × {regions} regions × {clusters} clusters × 20 services (EC2 launch type, one task definition per cluster); every account is reached through sts:AssumeRole; the proxy adds {} ms to every call. Per-account-region cap {PER_TARGET} calls in flight, {} clusters at once per account-region, debug build.\n",
        std::thread::available_parallelism().map(|n| format!("{n} cores")).unwrap_or_default(),
        ecs_security_mcp::clock::now().get(..10).unwrap_or(""),
        LATENCY.as_millis(),
        4
    );
    let _ = writeln!(
        s,
        "| Run | Wall time | API calls | Minimum | Bound from per-account-region concurrency | Wall ÷ bound | Speed-up over one by one |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        s,
        "| {} | {} ms | {} | {minimum} | | | 1× |",
        sequential.label,
        ms(sequential.wall),
        sequential.calls
    );
    for r in runs {
        // Each account-region's calls at PER_TARGET in flight and LATENCY each; account-regions
        // run in parallel, so the slowest one bounds the scan (plus the one credential check).
        let worst = r.by_target.values().copied().max().unwrap_or(0);
        let bound = if r.label.ends_with(" 0 ms added") { 0.0 } else { LATENCY.as_secs_f64() }
            * (worst as f64 / PER_TARGET as f64 + 2.0);
        let bound_ms = (bound * 1000.0).round() as u128;
        if bound_ms == 0 {
            let _ = writeln!(
                s,
                "| {} | {} ms | {} | {minimum} | — (the floor: moto's service time and the client) | — | {:.1}× |",
                r.label,
                ms(r.wall),
                r.calls,
                ms(sequential.wall) as f64 / ms(r.wall).max(1) as f64
            );
            continue;
        }
        let _ = writeln!(
            s,
            "| {} | {} ms | {} | {minimum} | {bound_ms} ms | {:.2}× | {:.1}× |",
            r.label,
            ms(r.wall),
            r.calls,
            ms(r.wall) as f64 / bound_ms.max(1) as f64,
            ms(sequential.wall) as f64 / ms(r.wall).max(1) as f64
        );
    }
    let _ = writeln!(
        s,
        "\nThe minimum is every cluster's own collection ({per_cluster_calls} calls, what `analyze` makes per cluster), one ListClusters and one DescribeClusters per account-region ({}), one sts:AssumeRole plus one sts:GetCallerIdentity check per account ({}) and the caller's own GetCallerIdentity (1); the one-by-one run makes no listing calls and checks the caller once. The bound is the busiest account-region's calls ÷ {PER_TARGET} in flight × {} ms, plus the AssumeRole and check that precede it; with `--max-in-flight 64` the global cap (64 < {targets} × {PER_TARGET}) also limits the scan. The one-by-one run collects in process; `analyze` per cluster adds a process start per cluster on top. moto is one Python process and answers one request at a time per connection pool thread, so its own service time adds to the 50 ms: the run with no added latency shows that floor (moto's time to answer every call of the scan).",
        2 * targets,
        2 * accounts,
        LATENCY.as_millis()
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/performance.md");
    let doc = std::fs::read_to_string(&path).expect("read docs/performance.md");
    let (begin, end) = ("<!-- BEGIN fleet bench -->\n", "<!-- END fleet bench -->");
    let doc = match (doc.find(begin), doc.find(end)) {
        (Some(b), Some(e)) => format!("{}{begin}{s}{}", &doc[..b], &doc[e..]),
        _ => format!("{}\n{begin}{s}{end}\n", doc.trim_end()),
    };
    std::fs::write(&path, doc).expect("write docs/performance.md");
    println!("{s}");
}
