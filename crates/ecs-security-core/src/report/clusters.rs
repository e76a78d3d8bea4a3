//! Cluster listings in Markdown: the region's clusters as a table, or as a menu to pick from.

use crate::model::ClusterSummary;
use crate::text::md;

/// The `list_clusters` answer.
pub fn table(region: &str, clusters: &[ClusterSummary]) -> String {
    let mut text = format!("# ECS clusters in {}\n\n", md(region));
    if clusters.is_empty() {
        text.push_str("No clusters found. Check the region, or the credentials' account.\n");
        return text;
    }
    text.push_str("| Cluster | Status | Services | Running tasks | Pending | Instances | Capacity providers | Container Insights |\n|---|---|---:|---:|---:|---:|---|---|\n");
    for c in clusters {
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            md(&c.name),
            md(&c.status),
            c.active_services,
            c.running_tasks,
            c.pending_tasks,
            c.container_instances,
            md(&c.capacity_providers.join(", ")),
            md(&c.container_insights)
        ));
    }
    text.push_str("\nNext: `analyze_cluster_security` with a `cluster_name`, or `select_cluster_for_analysis`.\n");
    text
}

/// A cluster's posture in one line: status, counts, Container Insights.
pub fn posture(c: &ClusterSummary) -> String {
    format!(
        "{}, {} services, {} running tasks, Container Insights {}",
        c.status, c.active_services, c.running_tasks, c.container_insights
    )
}

/// The selection menu: each cluster with its posture, then the analysis types as
/// `(name, description)` pairs.
pub fn menu(region: &str, clusters: &[ClusterSummary], analysis_types: &[(&str, &str)]) -> String {
    let mut text = format!("# Choose a cluster to analyse ({})\n\n", md(region));
    for c in clusters {
        text.push_str(&format!("- **{}**: {}\n", md(&c.name), md(&posture(c))));
    }
    if clusters.is_empty() {
        text.push_str("No clusters found in this region.\n");
    }
    text.push_str("\nAnalysis types:\n");
    for (name, description) in analysis_types {
        text.push_str(&format!("- `{name}`: {description}\n"));
    }
    text.push_str("\nCall `select_cluster_for_analysis` again with `cluster_name` and `analysis_type`.\n");
    text
}
