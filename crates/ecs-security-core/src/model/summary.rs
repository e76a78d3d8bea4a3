//! One line per cluster, for listings.

use serde::Serialize;

use super::Cluster;

/// A cluster's status and counts, as `list_clusters` shows them.
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
    pub fn of(c: &Cluster) -> ClusterSummary {
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
