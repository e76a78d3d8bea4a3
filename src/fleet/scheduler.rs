//! Running a scan: many account-regions at once, each with its own cap on AWS calls in
//! flight (AWS rate limits are per account and region), one global cap, and the SDK's
//! retry state (backoff quota) kept per account-region so throttling in one slows only it.
//! Each cluster is collected exactly as `analyze` collects it: the same calls, no more.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use aws_config::SdkConfig;
use futures::StreamExt;
use tokio::sync::Semaphore;

use crate::collect::{AwsOptions, AwsSource, Bucket, CollectError, Depth, ProgressEvent, ProgressTx};
use crate::model::fleet::{ClusterScan, ScanFailure, TargetScan};

use super::scope::ClusterFilter;

/// Clusters collected at once per account-region by default. One collection is a chain of
/// about seven dependent steps with one or two calls each, so it keeps about one call in
/// flight: it takes about as many clusters as the account-region's cap of calls (8 by
/// default) to keep that cap busy, and twice that to keep it busy while some clusters wait
/// on their last steps. With 4, measured with the fleet benchmark's replayed AWS, an
/// account-region of ten clusters ran in three waves of dependent steps with its cap half
/// idle. Not unbounded: a collection's timeout runs while its calls queue for the cap.
pub const CLUSTERS_AT_ONCE: usize = 16;

/// How hard a scan pushes AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// AWS calls in flight per account-region.
    pub per_target: usize,
    /// AWS calls in flight in the whole scan.
    pub global: usize,
    /// Clusters collected at once per account-region.
    pub clusters_per_target: usize,
}

impl Limits {
    /// Account-regions worked on at once: enough to keep the global cap busy, no more (so
    /// a cluster's collection timeout does not run while it waits for its turn).
    fn targets_at_once(&self) -> usize {
        (self.global.div_ceil(self.per_target.max(1)) * 2).max(1)
    }
}

/// Counts clusters done across the scan and reports them as progress.
#[derive(Debug, Default)]
pub struct Tally {
    found: AtomicU32,
    done: AtomicU32,
}

impl Tally {
    fn send(&self, progress: &ProgressTx, message: String) {
        if let Some(tx) = progress {
            let _ = tx.send(ProgressEvent {
                stage: "scan".into(),
                progress: self.done.load(Ordering::Relaxed),
                total: Some(self.found.load(Ordering::Relaxed).max(1)),
                message,
            });
        }
    }
}

/// One account-region to scan, with its account's credentials (or why there are none).
pub struct Target {
    pub account_id: String,
    pub region: String,
    pub config: Result<SdkConfig, ScanFailure>,
}

/// Scans the targets; returns one result per target, in any order.
pub async fn run(
    targets: Vec<Target>,
    options: &AwsOptions,
    filter: &ClusterFilter,
    limits: Limits,
    progress: &ProgressTx,
) -> Vec<TargetScan> {
    let global = Arc::new(Semaphore::new(limits.global.max(1)));
    let tally = Tally::default();
    let at_once = limits.targets_at_once();
    futures::stream::iter(targets)
        .map(|t| scan_target(t, options, filter, limits, global.clone(), &tally, progress))
        .buffer_unordered(at_once)
        .collect()
        .await
}

async fn scan_target(
    target: Target,
    options: &AwsOptions,
    filter: &ClusterFilter,
    limits: Limits,
    global: Arc<Semaphore>,
    tally: &Tally,
    progress: &ProgressTx,
) -> TargetScan {
    let mut out =
        TargetScan { account_id: target.account_id.clone(), region: target.region.clone(), ..TargetScan::default() };
    let config = match target.config {
        Ok(c) => c,
        Err(failure) => {
            out.failure = Some(failure);
            return out;
        }
    };
    let bucket = Bucket {
        name: format!("{}/{}", target.account_id, target.region),
        gates: vec![Arc::new(Semaphore::new(limits.per_target.max(1))), global],
    };
    let source = AwsSource::with_config(options.clone(), config, bucket);
    // The account's credentials were checked with sts:GetCallerIdentity when obtained.
    source.know_account(&target.region, &target.account_id).await;
    let clusters = match source.clusters(&target.region).await {
        Ok(c) => c,
        Err(e) => {
            out.failure = Some(region_failure(&target.region, &e));
            tally.send(progress, format!("{} {}: could not list clusters", target.account_id, target.region));
            return out;
        }
    };
    let (wanted, skipped): (Vec<_>, Vec<_>) = clusters.into_iter().partition(|c| filter.matches(c));
    out.clusters_filtered_out = skipped.len();
    tally.found.fetch_add(u32::try_from(wanted.len()).unwrap_or(u32::MAX), Ordering::Relaxed);
    let region = target.region.clone();
    let account = target.account_id.clone();
    out.clusters = futures::stream::iter(wanted)
        .map(|c| {
            let source = source.clone();
            let region = region.clone();
            let account = account.clone();
            async move {
                // The listing described the cluster with everything the rules read.
                let collected = source.collect_described(c.clone(), &region, Depth::Full, &None).await;
                tally.done.fetch_add(1, Ordering::Relaxed);
                tally.send(progress, format!("{account} {region} {}", c.cluster_name));
                match collected {
                    // Only redacted snapshots are kept, shared and reported.
                    Ok(s) => ClusterScan {
                        name: c.cluster_name,
                        arn: c.cluster_arn,
                        snapshot: Some(s.redacted()),
                        failure: None,
                    },
                    Err(e) => ClusterScan {
                        name: c.cluster_name,
                        arn: c.cluster_arn,
                        snapshot: None,
                        failure: Some(ScanFailure {
                            stage: "collect-cluster".into(),
                            code: error_code(&e),
                            message: crate::text::plain(&e.to_string()),
                            remedy:
                                "check the read-only policy (docs/iam-policy.json) in this account, then scan again"
                                    .into(),
                        }),
                    },
                }
            }
        })
        .buffer_unordered(limits.clusters_per_target.max(1))
        .collect()
        .await;
    out
}

fn error_code(e: &CollectError) -> String {
    match e {
        CollectError::ClusterNotFound { .. } => "ClusterNotFound".into(),
        CollectError::Aws(m) if m.contains("denied") => "AccessDenied".into(),
        CollectError::Aws(m) if m.contains("timed out") || m.contains("did not answer") => "Timeout".into(),
        CollectError::Aws(_) => "CollectionFailed".into(),
    }
}

/// A region whose clusters could not even be listed: disabled, unreachable or denied.
fn region_failure(region: &str, e: &CollectError) -> ScanFailure {
    let message = crate::text::plain(&e.to_string());
    let lower = message.to_ascii_lowercase();
    let (code, remedy) = if lower.contains("security token")
        || lower.contains("unrecognizedclient")
        || lower.contains("not enabled")
    {
        (
            "RegionNotEnabled".to_owned(),
            format!(
                "enable region {region} for the account (Account settings > AWS Regions), or leave it out of --regions"
            ),
        )
    } else if lower.contains("denied") {
        (
            "AccessDenied".to_owned(),
            "grant ecs:ListClusters and ecs:DescribeClusters (docs/iam-policy.json) in this account".to_owned(),
        )
    } else {
        (error_code(e), format!("check network access to the AWS endpoints of {region}, or leave it out of --regions"))
    };
    ScanFailure { stage: "list-clusters".into(), code, message, remedy }
}
