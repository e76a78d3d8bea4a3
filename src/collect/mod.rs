//! The live collector: the only code that talks to AWS, and only with Describe, List and Get
//! calls. It fills a [`Snapshot`](crate::model::Snapshot) for one cluster, scoped to what the
//! cluster uses, with bounded concurrency, retries with backoff and a per-call timeout. A call
//! that fails becomes a gap in the snapshot; the analysis goes on and says what it could not
//! see. Snapshots are cached per (account, region, cluster) for a short time.

mod calls;
mod clb;
mod clients;
mod ecr;
mod ecs;
mod elb;
mod from_clb;
mod from_ec2;
mod from_ecr;
mod from_ecs;
mod from_elb;
mod guardduty;
mod kms;
mod network;
mod progress;
mod sdk_log;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use tokio::sync::{Mutex, OnceCell};

pub use calls::{CallError, STAGES, classify};
pub use ecs::{CLUSTERS_PER_CALL, SERVICES_PER_CALL, TASKS_PER_CALL};
pub use progress::{CollectError, Depth, ProgressEvent, ProgressTx};

use crate::clock;
use crate::model::{ClusterSummary, SCHEMA_VERSION, Snapshot, Stats, arn_tail};

/// How to reach AWS and how hard to push it.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// A named profile from the AWS config files.
    pub profile: Option<String>,
    /// The default region when a call names none (else the configuration's, else us-east-1).
    pub region: Option<String>,
    /// AWS calls in flight at once.
    pub concurrency: usize,
    /// The longest one call may take, retries included.
    pub call_timeout: Duration,
    /// The longest a whole collection may take.
    pub collection_timeout: Duration,
    /// Attempts per call, for throttling and transient errors (standard retry: exponential
    /// backoff with jitter).
    pub max_attempts: u32,
}

impl Default for AwsOptions {
    fn default() -> AwsOptions {
        AwsOptions {
            profile: None,
            region: None,
            concurrency: 8,
            call_timeout: Duration::from_secs(20),
            collection_timeout: Duration::from_secs(300),
            max_attempts: 5,
        }
    }
}

/// Live AWS as a snapshot source.
#[derive(Debug, Clone)]
pub struct AwsSource {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    options: AwsOptions,
    config: OnceCell<SdkConfig>,
    accounts: Mutex<HashMap<String, String>>,
    /// The SDK clients of each region, built once (building one costs more CPU than a call).
    clients: std::sync::Mutex<HashMap<String, clients::Clients>>,
    /// A fleet scan's account-region: its retry partition and the shared call limits.
    bucket: Option<Bucket>,
    /// In a fleet scan, what belongs to each region rather than to a cluster, read once.
    region_facts: Mutex<HashMap<String, Arc<OnceCell<RegionFacts>>>>,
}

/// What belongs to the account-region rather than to a cluster: the ECS account settings and
/// the GuardDuty detector, with the gaps of the calls that read them.
#[derive(Debug, Clone)]
struct RegionFacts {
    account_settings: Option<Vec<crate::model::AccountSetting>>,
    detector: Option<Option<crate::model::Detector>>,
    gaps: Vec<crate::model::Gap>,
}

/// The calls behind [`RegionFacts`].
const REGION_OPERATIONS: &[(&str, &str)] =
    &[("ecs", "ListAccountSettings"), ("guardduty", "ListDetectors"), ("guardduty", "GetDetector")];

/// Reads the region's facts, or, in a fleet scan, takes them from the first collection in the
/// region that read them (with its gaps).
async fn region_facts(ctx: &calls::Ctx, shared: Option<&OnceCell<RegionFacts>>) -> RegionFacts {
    let read = || async {
        let (account_settings, detector) = tokio::join!(ecs::account_settings(ctx), guardduty::detector(ctx));
        RegionFacts { account_settings, detector, gaps: ctx.gaps_of(REGION_OPERATIONS) }
    };
    let Some(cell) = shared else {
        return read().await;
    };
    let mut first = false;
    let facts = cell
        .get_or_init(|| {
            first = true;
            read()
        })
        .await
        .clone();
    if !first {
        for gap in &facts.gaps {
            ctx.record(gap.clone());
        }
    }
    facts
}

/// An account-region of a fleet scan, as the collector sees it: a name that keeps its SDK
/// retry state apart, and limits shared by every collection in it (and the whole scan).
#[derive(Debug, Clone)]
pub struct Bucket {
    pub name: String,
    pub gates: Vec<Arc<tokio::sync::Semaphore>>,
}

impl AwsSource {
    pub fn new(options: AwsOptions) -> AwsSource {
        AwsSource {
            inner: Arc::new(Inner {
                options,
                config: OnceCell::new(),
                accounts: Mutex::new(HashMap::new()),
                clients: std::sync::Mutex::new(HashMap::new()),
                bucket: None,
                region_facts: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// A source with given credentials (a fleet scan's assumed role) whose calls also hold
    /// the bucket's shared limits.
    pub fn with_config(options: AwsOptions, config: SdkConfig, bucket: Bucket) -> AwsSource {
        AwsSource {
            inner: Arc::new(Inner {
                options,
                config: OnceCell::new_with(Some(config)),
                accounts: Mutex::new(HashMap::new()),
                clients: std::sync::Mutex::new(HashMap::new()),
                bucket: Some(bucket),
                region_facts: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Records the account of this source's credentials in `region`, when the caller has
    /// already verified it (a fleet scan checks each account's credentials once), so the
    /// collections do not ask sts:GetCallerIdentity again, nor wait for each other on it.
    pub async fn know_account(&self, region: &str, account: &str) {
        self.inner.accounts.lock().await.insert(region.to_owned(), account.to_owned());
    }

    /// The SDK configuration (credentials chain, retries, timeouts) this source uses.
    pub async fn sdk_config(&self) -> SdkConfig {
        self.config().await.clone()
    }

    pub fn options(&self) -> &AwsOptions {
        &self.inner.options
    }

    /// The shared SDK configuration: credentials chain, retries, timeouts. Loaded once.
    async fn config(&self) -> &SdkConfig {
        let o = &self.inner.options;
        self.inner
            .config
            .get_or_init(|| {
                Box::pin(async {
                    let attempt = (o.call_timeout / 2).max(Duration::from_secs(1));
                    let mut loader = aws_config::defaults(BehaviorVersion::latest())
                        // Standard, not adaptive: adaptive mode's client-side rate limiter
                        // delays a retry after throttling by 10 tokens at 0.5 tokens/s, i.e. 20 s,
                        // the whole default call timeout, so one ThrottlingException failed the
                        // call (and the analysis, on DescribeClusters). AWS recommends adaptive
                        // only for single-resource, latency-tolerant clients.
                        .retry_config(RetryConfig::standard().with_max_attempts(o.max_attempts.max(1)))
                        .timeout_config(
                            TimeoutConfig::builder()
                                .connect_timeout(Duration::from_secs(5).min(o.call_timeout))
                                .operation_attempt_timeout(attempt)
                                .operation_timeout(o.call_timeout)
                                .build(),
                        );
                    if let Some(p) = &o.profile {
                        loader = loader.profile_name(p);
                    }
                    if let Some(r) = &o.region {
                        loader = loader.region(aws_config::Region::new(r.clone()));
                    }
                    loader.http_client(clients::shared_http_client()).load().await
                })
            })
            .await
    }

    /// The region from the options, else the AWS configuration, else us-east-1.
    pub async fn default_region(&self) -> String {
        self.config().await.region().map(|r| r.as_ref().to_owned()).unwrap_or_else(|| "us-east-1".to_owned())
    }

    fn ctx(&self, config: &SdkConfig, region: &str, depth: Depth, progress: &ProgressTx) -> calls::Ctx {
        let bucket = self.inner.bucket.as_ref();
        let partition = bucket.map(|b| b.name.as_str());
        let clients = match self.inner.clients.lock() {
            Ok(mut built) => built
                .entry(region.to_owned())
                .or_insert_with(|| clients::Clients::new(config, region, partition))
                .clone(),
            Err(_) => clients::Clients::new(config, region, partition),
        };
        calls::Ctx::new(
            region.to_owned(),
            clients,
            depth,
            self.inner.options.concurrency,
            bucket.map(|b| b.gates.clone()).unwrap_or_default(),
            progress.clone(),
        )
    }

    /// The account of the credentials (sts:GetCallerIdentity, asked once per region).
    async fn account(&self, ctx: &calls::Ctx) -> Option<String> {
        let mut accounts = self.inner.accounts.lock().await;
        if let Some(a) = accounts.get(&ctx.region) {
            return Some(a.clone());
        }
        let req = ctx.clients.sts.get_caller_identity().send();
        match ctx.try_call("sts", "GetCallerIdentity", req).await {
            Ok(out) => {
                let account = out.account()?.to_owned();
                accounts.insert(ctx.region.clone(), account.clone());
                Some(account)
            }
            Err(e) => {
                tracing::debug!(code = %e.code, "GetCallerIdentity failed; caching by cluster only");
                None
            }
        }
    }

    pub async fn list_clusters(
        &self,
        region: &str,
        progress: &ProgressTx,
    ) -> Result<Vec<ClusterSummary>, CollectError> {
        let config = self.config().await.clone();
        let ctx = self.ctx(&config, region, Depth::Full, progress);
        with_deadline(self.inner.options.collection_timeout, region, Box::pin(ecs::list_clusters(&ctx))).await
    }

    /// Every cluster of `region`, described with everything the rules read (as a collection
    /// describes its cluster), so [`AwsSource::collect_described`] need not describe it again.
    pub async fn clusters(&self, region: &str) -> Result<Vec<crate::model::Cluster>, CollectError> {
        let config = self.config().await.clone();
        let ctx = self.ctx(&config, region, Depth::Full, &None);
        with_deadline(self.inner.options.collection_timeout, region, Box::pin(ecs::cluster_details(&ctx))).await
    }

    /// The account of the credentials used in `region`, if STS answers.
    pub async fn account_id(&self, region: &str) -> Option<String> {
        let config = self.config().await.clone();
        let ctx = self.ctx(&config, region, Depth::Full, &None);
        self.account(&ctx).await
    }

    /// Collects a snapshot of one cluster (a name, or an ARN, which names its own region).
    pub async fn collect(
        &self,
        cluster: &str,
        region: &str,
        depth: Depth,
        progress: &ProgressTx,
    ) -> Result<Snapshot, CollectError> {
        self.collect_cluster(cluster, None, region, depth, progress).await
    }

    /// Collects a cluster that [`AwsSource::clusters`] already described (with everything
    /// the rules read), so its collection starts at the services without describing it again.
    pub async fn collect_described(
        &self,
        cluster: crate::model::Cluster,
        region: &str,
        depth: Depth,
        progress: &ProgressTx,
    ) -> Result<Snapshot, CollectError> {
        let arn = cluster.cluster_arn.clone();
        self.collect_cluster(&arn, Some(cluster), region, depth, progress).await
    }

    async fn collect_cluster(
        &self,
        cluster: &str,
        described: Option<crate::model::Cluster>,
        region: &str,
        depth: Depth,
        progress: &ProgressTx,
    ) -> Result<Snapshot, CollectError> {
        let region = region_of(cluster).unwrap_or(region);
        let config = self.config().await.clone();
        let ctx = self.ctx(&config, region, depth, progress);
        let account = self.account(&ctx).await;
        // A fleet scan reads the account-region's settings once; an interactive source reads
        // them with every collection, so they are as fresh as the snapshot.
        let shared = match self.inner.bucket {
            Some(_) => Some(self.inner.region_facts.lock().await.entry(region.to_owned()).or_default().clone()),
            None => None,
        };
        // The collection runs as a task of its own, polled from the top of a worker thread's
        // stack: under an MCP tool call it sat below rmcp's, the server's and the actions'
        // futures, and its concurrent branches overflowed a debug build's 2 MiB worker stack
        // (the server died mid-call). Aborted when dropped (a deadline, a cancelled call).
        let task = Collection(tokio::spawn(collect(ctx, arn_tail(cluster).to_owned(), described, shared)));
        let mut snap = with_deadline(self.inner.options.collection_timeout, region, task).await?;
        if snap.account_id.is_none() {
            snap.account_id = account;
        }
        Ok(snap)
    }
}

/// A spawned collection: its snapshot when it ends, aborted if the waiter goes away.
struct Collection(tokio::task::JoinHandle<Result<Snapshot, CollectError>>);

impl std::future::Future for Collection {
    type Output = Result<Snapshot, CollectError>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.unwrap_or_else(|e| {
                Err(CollectError::Aws(format!(
                    "the collection stopped before it finished ({e}); this is a bug, please report it"
                )))
            })
        })
    }
}

impl Drop for Collection {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The region inside a cluster ARN.
pub fn region_of(cluster: &str) -> Option<&str> {
    cluster.strip_prefix("arn:").and_then(|rest| rest.split(':').nth(2)).filter(|r| !r.is_empty())
}

async fn with_deadline<T>(
    limit: Duration,
    region: &str,
    fut: impl std::future::Future<Output = Result<T, CollectError>>,
) -> Result<T, CollectError> {
    tokio::time::timeout(limit, fut).await.unwrap_or_else(|_| {
        Err(CollectError::Aws(format!(
            "AWS did not answer within {} s in region {region}; check network access to the AWS endpoints, or raise --collection-timeout",
            limit.as_secs()
        )))
    })
}

/// Collects one cluster.
async fn collect(
    ctx: calls::Ctx,
    cluster: String,
    described: Option<crate::model::Cluster>,
    shared: Option<Arc<OnceCell<RegionFacts>>>,
) -> Result<Snapshot, CollectError> {
    let started = Instant::now();
    let ctx = &ctx;
    ctx.progress("cluster", format!("describing cluster {cluster}"));
    let c = match described {
        Some(c) => c,
        None => ecs::describe_cluster(ctx, &cluster).await?,
    };
    let arn = c.cluster_arn.clone();

    let own_account = account_of(&arn);

    // Each call starts as soon as its inputs are in: task definitions as each describe batch
    // of services and tasks returns, ECR once the task definitions and tasks are in, load
    // balancers and the network once services, tasks and instances are (never waiting for
    // the task definitions, which they do not need).
    let (revisions, found_revisions) = tokio::sync::mpsc::unbounded_channel();
    let (tasks_for_ecr, tasks_known) = tokio::sync::oneshot::channel::<Vec<crate::model::Task>>();
    // Boxed: each branch is a large future, and a debug build keeps a copy of each in the
    // frame that polls it.
    let workloads_and_network = Box::pin(async {
        let (capacity_providers, services, tasks, mut container_instances) = tokio::join!(
            ecs::capacity_providers(ctx, &c.capacity_providers),
            ecs::services(ctx, &arn, &revisions),
            ecs::tasks(ctx, &arn, &revisions),
            ecs::container_instances(ctx, &arn),
        );
        // Every revision in use has been sent: the task-definition fetcher can finish.
        drop(revisions);
        let _ = tasks_for_ecr.send(tasks.clone());
        ctx.progress(
            "services",
            format!(
                "{} services, {} tasks, {} container instances",
                services.len(),
                tasks.len(),
                container_instances.len()
            ),
        );
        let (mut load_balancing, classic_load_balancers, ()) = tokio::join!(
            elb::load_balancing(ctx, &services),
            clb::classic_load_balancers(ctx, &services),
            network::instances(ctx, &mut container_instances),
        );
        load_balancing.classic_load_balancers = classic_load_balancers;
        ctx.progress(
            "load balancers",
            format!(
                "{} load balancers",
                load_balancing.load_balancers.len() + load_balancing.classic_load_balancers.len()
            ),
        );
        let scope = network::Scope::of(&services, &tasks, &container_instances, &load_balancing, &capacity_providers);
        let network = network::network(ctx, scope).await;
        ctx.progress(
            "network",
            format!(
                "{} VPCs, {} subnets, {} security groups",
                network.vpcs.len(),
                network.subnets.len(),
                network.security_groups.len()
            ),
        );
        (capacity_providers, services, tasks, container_instances, load_balancing, network)
    });
    let definitions_and_images = Box::pin(async {
        let task_definitions = ecs::task_definitions(ctx, found_revisions).await;
        ctx.progress("task definitions", format!("{} task-definition revisions in use", task_definitions.len()));
        // Sent before the revisions' channel closes; an empty list only if that branch panicked.
        let tasks = tasks_known.await.unwrap_or_default();
        let ecr = ecr::ecr(ctx, &task_definitions, &tasks, own_account.as_deref()).await;
        ctx.progress("ECR", format!("{} repositories", ecr.repositories.len()));
        (task_definitions, ecr)
    });
    // The account-region's settings and GuardDuty detector, then this cluster's coverage.
    let account_and_guardduty = Box::pin(async {
        let facts = region_facts(ctx, shared.as_deref()).await;
        let guardduty =
            guardduty::guardduty(ctx, facts.detector.clone(), &c.cluster_name, own_account.as_deref()).await;
        (facts, guardduty)
    });
    let (
        (capacity_providers, services, tasks, container_instances, load_balancing, network),
        (task_definitions, ecr),
        (facts, guardduty),
    ) = tokio::join!(workloads_and_network, definitions_and_images, account_and_guardduty);

    let snapshot = Snapshot {
        schema_version: SCHEMA_VERSION,
        collected_at: clock::now(),
        tool_version: Some(crate::TOOL_VERSION.to_owned()),
        account_id: own_account,
        region: ctx.region.clone(),
        cluster: c,
        capacity_providers,
        services,
        task_definitions,
        tasks,
        container_instances,
        ecr,
        network,
        load_balancing,
        account_settings: facts.account_settings,
        guardduty,
        gaps: Vec::new(),
        stats: Stats::default(),
    };
    let elapsed = started.elapsed();
    ctx.progress("done", format!("collected in {} ms", elapsed.as_millis()));
    Ok(finish(snapshot, ctx, elapsed))
}

fn finish(mut snapshot: Snapshot, ctx: &calls::Ctx, elapsed: Duration) -> Snapshot {
    let (api_calls, gaps) = ctx.snapshot_parts();
    snapshot.gaps = gaps;
    snapshot.stats = Stats { api_calls, duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX) };
    snapshot
}

/// The account id inside an ARN.
fn account_of(arn: &str) -> Option<String> {
    arn.split(':').nth(4).filter(|a| !a.is_empty()).map(str::to_owned)
}
