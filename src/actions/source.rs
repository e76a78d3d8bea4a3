//! Where snapshots come from: saved snapshot files (offline, fixtures, the demo) or the live
//! collector. Each snapshot is analysed once and the analysis is kept with it.

use std::sync::Arc;

use super::ActionError;
use super::cache::{Key, SnapshotCache};
use crate::collect::{AwsSource, Depth, ProgressTx, region_of};
use crate::model::{ClusterSummary, Snapshot, arn_tail};
use crate::rules::{self, Analysis};

/// A snapshot with its analysis.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub snapshot: Arc<Snapshot>,
    pub analysis: Arc<Analysis>,
}

impl Prepared {
    pub fn new(snapshot: Snapshot) -> Prepared {
        let analysis = rules::analyze(&snapshot);
        Prepared { snapshot: Arc::new(snapshot), analysis: Arc::new(analysis) }
    }
}

/// Snapshots loaded from files, served by cluster name or ARN.
#[derive(Debug, Clone)]
pub struct FileSource {
    prepared: Vec<Prepared>,
}

impl FileSource {
    pub fn new(snapshots: Vec<Snapshot>) -> FileSource {
        FileSource { prepared: snapshots.into_iter().map(Prepared::new).collect() }
    }

    /// The loaded snapshots.
    pub fn snapshots(&self) -> impl Iterator<Item = &Snapshot> {
        self.prepared.iter().map(|p| p.snapshot.as_ref())
    }

    /// The region of the first snapshot: the default when a call names none.
    pub fn default_region(&self) -> String {
        self.prepared.first().map(|p| p.snapshot.region.clone()).unwrap_or_else(|| "us-east-1".into())
    }

    pub fn list_clusters(&self, region: Option<&str>) -> Vec<ClusterSummary> {
        let mut out: Vec<ClusterSummary> = self
            .prepared
            .iter()
            .filter(|p| region.is_none_or(|r| p.snapshot.region == r))
            .map(|p| ClusterSummary::of(&p.snapshot.cluster))
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    pub fn get(&self, cluster: &str, region: Option<&str>) -> Result<Prepared, ActionError> {
        let matches =
            |p: &&Prepared| p.snapshot.cluster.cluster_name == cluster || p.snapshot.cluster.cluster_arn == cluster;
        if let Some(p) = self.prepared.iter().filter(|p| region.is_none_or(|r| p.snapshot.region == r)).find(matches) {
            return Ok(p.clone());
        }
        let searched = region.map(str::to_owned).unwrap_or_else(|| self.default_region());
        // Names and regions from snapshot files are untrusted text: plain, without controls.
        let elsewhere = self.prepared.iter().find(matches).map(|p| crate::text::plain(&p.snapshot.region));
        let known: Vec<String> =
            self.prepared.iter().map(|p| crate::text::plain(&p.snapshot.cluster.cluster_name)).collect();
        let hint = match elsewhere {
            Some(r) => format!("The loaded snapshot has it in region {r}; pass region {r}."),
            None => format!(
                "The loaded snapshots contain: {}. Call list_clusters to see them.",
                if known.is_empty() { "(none)".to_owned() } else { known.join(", ") }
            ),
        };
        Err(ActionError::ClusterNotFound { cluster: cluster.to_owned(), region: searched, hint })
    }
}

/// Where the actions get their data.
#[derive(Debug, Clone)]
pub enum Source {
    Files(FileSource),
    /// Live AWS (the collector).
    Aws(AwsSource),
}

impl Source {
    /// The clusters this source has data for now, as (name, region): every loaded
    /// snapshot file; nothing for AWS (a cluster becomes known by analysing it).
    pub fn known_clusters(&self) -> Vec<(String, String)> {
        match self {
            Source::Files(f) => f
                .prepared
                .iter()
                .map(|p| (p.snapshot.cluster.cluster_name.clone(), p.snapshot.region.clone()))
                .collect(),
            Source::Aws(_) => Vec::new(),
        }
    }

    pub async fn default_region(&self) -> String {
        match self {
            Source::Files(f) => f.default_region(),
            Source::Aws(a) => Box::pin(a.default_region()).await,
        }
    }

    pub async fn list_clusters(
        &self,
        region: &str,
        explicit: bool,
        progress: &ProgressTx,
    ) -> Result<Vec<ClusterSummary>, ActionError> {
        match self {
            Source::Files(f) => Ok(f.list_clusters(explicit.then_some(region))),
            Source::Aws(a) => Ok(Box::pin(a.list_clusters(region, progress)).await?),
        }
    }

    /// The snapshot and analysis of a cluster: from a file, or from AWS through `cache`
    /// (fresh entries are reused unless `refresh`; one collection per cluster at a time).
    #[allow(clippy::too_many_arguments)]
    pub async fn prepare(
        &self,
        cache: &SnapshotCache,
        cluster: &str,
        region: &str,
        explicit_region: bool,
        depth: Depth,
        refresh: bool,
        progress: &ProgressTx,
    ) -> Result<Prepared, ActionError> {
        let aws = match self {
            Source::Files(f) => return f.get(cluster, explicit_region.then_some(region)),
            Source::Aws(a) => a,
        };
        let region = region_of(cluster).unwrap_or(region).to_owned();
        let name = arn_tail(cluster).to_owned();
        let account = Box::pin(aws.account_id(&region)).await.unwrap_or_else(|| "unknown".into());
        let slot = cache.slot(&Key { account, region: region.clone(), cluster: name.clone() }).await;
        // One collection per key at a time: concurrent callers wait and share the result.
        let mut guard = slot.lock().await;
        if !refresh && let Some(p) = guard.fresh(depth, cache.ttl()) {
            tracing::debug!(cluster = %name, region = %region, "snapshot served from cache");
            return Ok(p);
        }
        let snapshot = Box::pin(aws.collect(&name, &region, depth, progress)).await?;
        let prepared = Prepared::new(snapshot);
        guard.store(depth, prepared.clone());
        Ok(prepared)
    }
}
