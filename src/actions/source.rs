//! Where snapshots come from: saved snapshot files (offline, fixtures, the demo) or the live
//! collector. Each snapshot is analysed once and the analysis is kept with it.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

use super::ActionError;
use crate::model::Snapshot;
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

/// How much to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything the rules read.
    Full,
    /// Skip ECR scan results and load balancer details (for `quick` analyses).
    Quick,
}

/// A progress update during collection: a stage and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEvent {
    pub stage: String,
    pub progress: u32,
    pub total: Option<u32>,
    pub message: String,
}

/// Where progress updates go (the MCP progress notifications), if anywhere.
pub type ProgressTx = Option<UnboundedSender<ProgressEvent>>;

/// One line per cluster for `list_clusters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterSummary {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub active_services: i64,
    pub running_tasks: i64,
    pub pending_tasks: i64,
    pub container_instances: i64,
    pub capacity_providers: Vec<String>,
    pub container_insights: String,
}

impl ClusterSummary {
    pub fn of(c: &crate::model::Cluster) -> ClusterSummary {
        ClusterSummary {
            name: c.cluster_name.clone(),
            arn: c.cluster_arn.clone(),
            status: c.status.clone().unwrap_or_else(|| "UNKNOWN".into()),
            active_services: c.active_services_count,
            running_tasks: c.running_tasks_count,
            pending_tasks: c.pending_tasks_count,
            container_instances: c.registered_container_instances_count,
            capacity_providers: c.capacity_providers.clone(),
            container_insights: c.setting("containerInsights").unwrap_or("disabled").to_owned(),
        }
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
        let elsewhere = self.prepared.iter().find(matches).map(|p| crate::report::text::plain(&p.snapshot.region));
        let known: Vec<String> =
            self.prepared.iter().map(|p| crate::report::text::plain(&p.snapshot.cluster.cluster_name)).collect();
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
    Aws(crate::collect::AwsSource),
}

impl Source {
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
            Source::Aws(a) => Box::pin(a.list_clusters(region, progress)).await,
        }
    }

    pub async fn prepare(
        &self,
        cluster: &str,
        region: &str,
        explicit_region: bool,
        depth: Depth,
        refresh: bool,
        progress: &ProgressTx,
    ) -> Result<Prepared, ActionError> {
        match self {
            Source::Files(f) => f.get(cluster, explicit_region.then_some(region)),
            Source::Aws(a) => Box::pin(a.prepare(cluster, region, depth, refresh, progress)).await,
        }
    }
}
