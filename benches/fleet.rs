//! Fleet scan benchmark: 3 accounts × 4 regions × 10 clusters × 20 services in moto, 50 ms
//! added to every call by the proxy. Measures one `scan` (in process) against collecting the
//! same clusters one after another as `analyze` does, counts the API calls against the
//! minimum (each cluster's own collection plus the fleet's listing and credentials), and
//! compares the wall time with the bound per-account-region concurrency allows.
//!
//! Every workload runs twice: first against moto (the proxy records each answer), then
//! answered by the proxy from that recording with the same 50 ms added, so the second
//! measurement is the scheduler's and not moto's service time (moto is one Python process
//! that needs seconds of CPU to answer a scan). A request the recording lacks fails the
//! bench. Writes its section of docs/performance.md (between the `fleet bench` markers).
//!
//! Run with `cargo bench --bench fleet --profile dev` (needs .venv with moto, as the tests
//! do). For quick iterations on the scheduler, `-- --replay-only` records at 0 ms and
//! measures only the replayed runs, and `-- --scans-only` leaves out the one-by-one runs;
//! either prints the table without touching the docs.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test or benchmark harness: a panic is how it fails")]

#[path = "support/build.rs"]
mod build_info;
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
use proxy::{Backend, Faults, Proxy};

const LATENCY: Duration = Duration::from_millis(50);
const PER_TARGET: usize = 8;
/// Clusters collected at once per account-region (the `scan` default).
const CLUSTERS_AT_ONCE: usize = fleet::scheduler::CLUSTERS_AT_ONCE;
/// The scans measured: the global cap on calls in flight and the latency added.
const SCANS: [(usize, Duration); 3] = [(64, LATENCY), (1024, LATENCY), (1024, Duration::ZERO)];

struct Run {
    label: String,
    backend: &'static str,
    latency: Duration,
    /// The global cap on calls in flight (0 for the one-by-one run).
    global: usize,
    wall: Duration,
    /// CPU time the client (this process but the proxy's thread) used during the run.
    cpu: Duration,
    calls: usize,
    by_target: BTreeMap<(String, String), usize>,
}

/// What moto holds.
struct Fleet {
    accounts: Vec<String>,
    regions: Vec<String>,
    clusters: usize,
}

/// `--clusters-at-once N` from the command line (to compare settings), else the default.
fn clusters_at_once() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--clusters-at-once")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(CLUSTERS_AT_ONCE)
}

fn options() -> AwsOptions {
    AwsOptions { region: Some("us-east-1".into()), concurrency: PER_TARGET, ..AwsOptions::default() }
}

fn main() {
    let replay_only = std::env::args().any(|a| a == "--replay-only");
    let scans_only = std::env::args().any(|a| a == "--scans-only");
    let moto = moto::Moto::start(&["--fleet-bench", "3", "4", "10", "20"]);
    let fb = moto.seeded["fleet_bench"].clone();
    let names =
        |k: &str| -> Vec<String> { fb[k].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_owned()).collect() };
    let fleet = Fleet {
        accounts: names("accounts"),
        regions: names("regions"),
        clusters: fb["clusters"].as_u64().unwrap() as usize,
    };
    let listener = Proxy::bind();
    let url = format!("http://{}", listener.local_addr().expect("proxy address"));
    proxy::aim_sdk_at(&url);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (runs, per_cluster_calls) = runtime.block_on(async {
        let proxy = Proxy::start_on_own_thread(listener, &moto.endpoint());
        let mut runs = Vec::new();

        // Against moto, recording every answer.
        proxy.set_backend(Backend::Record);
        let latency = if replay_only { Duration::ZERO } else { LATENCY };
        let mut per_cluster_calls = 0;
        if !scans_only {
            let (sequential, calls) = one_by_one(&proxy, &fleet, latency, "moto").await;
            per_cluster_calls = calls;
            runs.push(sequential);
        }
        for (global, latency) in SCANS {
            if replay_only && global != 1024 {
                continue;
            }
            let latency = if replay_only { Duration::ZERO } else { latency };
            runs.push(scan(&proxy, &fleet, global, latency, "moto").await);
        }
        if replay_only {
            runs.clear();
        }
        eprintln!("recorded {} distinct requests", proxy.recorded());

        // The same workloads answered from the recording.
        proxy.set_backend(Backend::Replay);
        if !scans_only {
            runs.push(one_by_one(&proxy, &fleet, LATENCY, "replay").await.0);
        }
        for (global, latency) in SCANS {
            runs.push(scan(&proxy, &fleet, global, latency, "replay").await);
        }
        // With ten times the latency the client's CPU time hides behind the waits: what is
        // left over the bound is the scheduler's and the collection's dependent steps.
        runs.push(scan(&proxy, &fleet, 1024, LATENCY * 10, "replay").await);
        let misses = proxy.misses();
        assert!(misses.is_empty(), "the replay lacked {} recorded answers, e.g. {:?}", misses.len(), misses.first());
        (runs, per_cluster_calls)
    });
    let section = report(&runs, per_cluster_calls, &fleet);
    println!("{section}");
    if !replay_only && !scans_only {
        write_section(&section);
    }
}

/// One cluster after another, as `analyze` per cluster does (without process start-up).
/// Returns the run and the calls of the clusters' own collections.
async fn one_by_one(proxy: &Proxy, fleet: &Fleet, latency: Duration, backend: &'static str) -> (Run, usize) {
    let role = Role::named("audit");
    proxy.set_faults(Faults { latency, ..Default::default() });
    let base = AwsSource::new(options()).sdk_config().await;
    let caller = fleet::accounts::caller(&base, "us-east-1").await.unwrap();
    proxy.reset();
    let started = Instant::now();
    let cpu = cpu_time().saturating_sub(proxy.thread_cpu());
    let mut per_cluster_calls = 0usize;
    for account in &fleet.accounts {
        let config =
            fleet::accounts::account_config(&base, &caller, Some(&role), account, "us-east-1", Duration::from_secs(20))
                .await
                .unwrap();
        for region in &fleet.regions {
            let source = AwsSource::with_config(
                options(),
                config.clone(),
                Bucket { name: format!("{account}/{region}"), gates: Vec::new() },
            );
            for k in 0..fleet.clusters {
                let s = source.collect(&format!("fb-{k:02}"), region, Depth::Full, &None).await.unwrap();
                assert!(s.gaps.is_empty(), "gaps {:?}", s.gaps);
                // Without the sts:GetCallerIdentity each source asks once (a scan already
                // knows the account from checking its credentials).
                // Nor its own DescribeClusters: a scan's listing describes all the clusters
                // of the account-region in one call and the collections reuse it.
                let identity = s.stats.api_calls.get("sts:GetCallerIdentity").copied().unwrap_or(0);
                let describe = s.stats.api_calls.get("ecs:DescribeClusters").copied().unwrap_or(0);
                per_cluster_calls += (s.stats.total_calls() - identity - describe) as usize;
            }
        }
    }
    let run = Run {
        label: "one cluster after another".into(),
        backend,
        latency,
        global: 0,
        wall: started.elapsed(),
        cpu: cpu_time().saturating_sub(proxy.thread_cpu()).saturating_sub(cpu),
        calls: proxy.calls().len(),
        by_target: BTreeMap::new(),
    };
    (run, per_cluster_calls)
}

async fn scan(proxy: &Proxy, fleet: &Fleet, global: usize, latency: Duration, backend: &'static str) -> Run {
    proxy.set_faults(Faults { latency, ..Default::default() });
    let req = ScanRequest {
        aws: options(),
        accounts: Accounts::List(fleet.accounts.clone(), Role::named("audit")),
        regions: Regions::List(fleet.regions.clone()),
        clusters: ClusterFilter::parse(&["fb-*".into()], &[]).unwrap(),
        limits: Limits { per_target: PER_TARGET, global, clusters_per_target: clusters_at_once() },
        shard: None,
    };
    proxy.reset();
    let started = Instant::now();
    let cpu = cpu_time().saturating_sub(proxy.thread_cpu());
    let scan = fleet::scan(&req, &None).await.unwrap();
    let wall = started.elapsed();
    let cpu = cpu_time().saturating_sub(proxy.thread_cpu()).saturating_sub(cpu);
    let mut by_target = BTreeMap::new();
    for t in &scan.targets {
        assert!(t.failure.is_none(), "{:?}", t.failure);
        assert_eq!(t.clusters.len(), fleet.clusters);
        for c in &t.clusters {
            assert!(c.failure.is_none(), "{:?}", c.failure);
            assert!(c.snapshot.as_ref().is_some_and(|s| s.gaps.is_empty()), "{} has gaps", c.name);
        }
        let calls: u64 = t.clusters.iter().filter_map(|c| c.snapshot.as_ref()).map(|s| s.stats.total_calls()).sum();
        // Each account-region also lists its clusters: ListClusters + DescribeClusters.
        by_target.insert((t.account_id.clone(), t.region.clone()), calls as usize + 2);
    }
    let label = format!("scan, --max-in-flight {global}, {} ms added", latency.as_millis());
    Run { label, backend, latency, global, wall, cpu, calls: proxy.calls().len(), by_target }
}

/// CPU time (user and system) this process has used so far, from /proc/self/stat (Linux;
/// zero elsewhere).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; in clock
    // ticks of 1/100 s on Linux.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn report(runs: &[Run], per_cluster_calls: usize, fleet: &Fleet) -> String {
    let (accounts, regions, clusters) = (fleet.accounts.len(), fleet.regions.len(), fleet.clusters);
    let targets = accounts * regions;
    // The minimum: every cluster's own collection, the listing of each account-region, and
    // per assumed account one sts:AssumeRole and one sts:GetCallerIdentity check, and the
    // caller's own sts:GetCallerIdentity.
    let minimum = per_cluster_calls + 2 * targets + 2 * accounts + 1;
    let mut s = String::new();
    let _ = writeln!(s, "## Fleet scan\n");
    let _ = writeln!(
        s,
        "Generated by `{}` on {} ({}). moto holds {accounts} accounts × {regions} regions × {clusters} clusters × 20 services (EC2 launch type, one task definition per cluster); every account is reached through sts:AssumeRole; the proxy adds {} ms to every call. Per-account-region cap {PER_TARGET} calls in flight, {} clusters at once per account-region, {}.\n",
        build_info::build().0,
        std::thread::available_parallelism().map(|n| format!("{n} cores")).unwrap_or_default(),
        ecs_security_mcp::clock::now().get(..10).unwrap_or(""),
        LATENCY.as_millis(),
        clusters_at_once(),
        build_info::build().1
    );
    let _ = writeln!(
        s,
        "Each workload runs first against moto (which the proxy records) and then answered by the proxy from that recording with the same latency added (**replay**): the replayed answers are moto's own, but take no service time, so the replayed rows measure the scan itself against AWS's latency model. A request the recording lacks fails the benchmark, so a replay cannot hide an extra call.\n"
    );
    let _ = writeln!(
        s,
        "| Run | Backend | Wall time | CPU time of the client | API calls | Minimum | Bound from per-account-region concurrency | Wall ÷ bound | Speed-up over one by one |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in runs {
        // Against the one-by-one run of the same backend and latency.
        let one_by_one = runs
            .iter()
            .find(|o| o.backend == r.backend && o.latency == r.latency && o.by_target.is_empty())
            .map(|o| o.wall);
        let speed_up = match one_by_one {
            Some(_) if r.by_target.is_empty() => "1×".to_owned(),
            Some(o) => format!("{:.1}×", ms(o) as f64 / ms(r.wall).max(1) as f64),
            None => String::new(),
        };
        if r.by_target.is_empty() {
            let _ = writeln!(
                s,
                "| {} | {} | {} ms | {} ms | {} | {minimum} | | | {speed_up} |",
                r.label,
                r.backend,
                ms(r.wall),
                ms(r.cpu),
                r.calls
            );
            continue;
        }
        // Each account-region's calls at PER_TARGET in flight and the latency each;
        // account-regions run in parallel, so the busiest one bounds the scan (plus the
        // AssumeRole and the credential check before it).
        let worst = r.by_target.values().copied().max().unwrap_or(0);
        let all: usize = r.by_target.values().sum();
        let rounds = (worst as f64 / PER_TARGET as f64).max(all as f64 / r.global as f64);
        let bound = r.latency.as_secs_f64() * (rounds + 2.0);
        let bound_ms = (bound * 1000.0).round() as u128;
        let (bound_cell, ratio) = if bound_ms == 0 {
            let floor = if r.backend == "moto" {
                "— (the floor: moto's service time and the client)"
            } else {
                "— (the floor: the client and the proxy)"
            };
            (floor.to_owned(), "—".to_owned())
        } else {
            (format!("{bound_ms} ms"), format!("{:.2}×", ms(r.wall) as f64 / bound_ms as f64))
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} ms | {} ms | {} | {minimum} | {bound_cell} | {ratio} | {speed_up} |",
            r.label,
            r.backend,
            ms(r.wall),
            ms(r.cpu),
            r.calls
        );
    }
    let _ = writeln!(
        s,
        "\nThe minimum is every cluster's own collection ({per_cluster_calls} calls, what `analyze` makes per cluster but its sts:GetCallerIdentity and its DescribeClusters; the account-region's settings and GuardDuty detector are read by its first collection only), one ListClusters and one DescribeClusters per account-region ({}: the listing describes every cluster with what the rules read, and the collections start from that), one sts:AssumeRole plus one sts:GetCallerIdentity check per account ({}) and the caller's own GetCallerIdentity (1); the one-by-one run makes no listing calls and asks sts:GetCallerIdentity once per account-region, as `analyze` does. The bound is the busiest account-region's calls ÷ {PER_TARGET} in flight, or all calls ÷ the global cap when that is more (with `--max-in-flight 64`: 64 < {targets} × {PER_TARGET}), times {} ms, plus the AssumeRole and check that precede it. It counts no dependent steps: each cluster's collection is a chain of about seven, so the scan cannot reach it, only approach it when enough clusters run at once. CPU time is the client's (the scan, the SDK and the collection), without the proxy, which runs on a thread of its own. The one-by-one run collects in process; `analyze` per cluster adds a process start per cluster on top. moto is one Python process, so against it its own service time adds to the 50 ms (the moto run with no added latency shows that floor); the replayed runs take it away.",
        2 * targets,
        2 * accounts,
        LATENCY.as_millis()
    );
    s
}

fn write_section(s: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/performance.md");
    let doc = std::fs::read_to_string(&path).expect("read docs/performance.md");
    let (begin, end) = ("<!-- BEGIN fleet bench -->\n", "<!-- END fleet bench -->");
    let doc = match (doc.find(begin), doc.find(end)) {
        (Some(b), Some(e)) => format!("{}{begin}{s}{}", &doc[..b], &doc[e..]),
        _ => format!("{}\n{begin}{s}{end}\n", doc.trim_end()),
    };
    std::fs::write(&path, doc).expect("write docs/performance.md");
}
