//! The six MCP tools: names as in the spec, descriptions written for a model, input schemas
//! generated from the action parameter types, and read-only/open-world annotations.

use std::sync::Arc;

use rmcp::handler::server::tool::schema_for_input;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;

use crate::actions::{
    AnalyzeParams, ComplianceParams, ListClustersParams, RecommendationsParams, ReportParams, SelectClusterParams,
};

fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    // Our parameter types are all objects; a failure here is a programming error that the
    // tool-list test catches, so fall back to an empty object schema rather than panic.
    schema_for_input::<T>().unwrap_or_else(|_| Arc::new(JsonObject::new()))
}

fn tool(name: &'static str, title: &'static str, description: &'static str, schema: Arc<JsonObject>) -> Tool {
    Tool::new(name, description, schema).with_title(title).with_annotations(
        ToolAnnotations::with_title(title).read_only(true).destructive(false).idempotent(true).open_world(true),
    )
}

/// Every tool this server offers.
pub fn all() -> Vec<Tool> {
    vec![
        tool(
            "list_clusters",
            "List ECS clusters",
            "List the Amazon ECS clusters in an AWS region with their status, service, task and container-instance counts, capacity providers and Container Insights setting. Use it first to discover cluster names. Read-only.",
            input_schema::<ListClustersParams>(),
        ),
        tool(
            "select_cluster_for_analysis",
            "Select a cluster to analyse",
            "Choose a cluster and an analysis type. Without cluster_name, returns the region's clusters with a one-line posture each and the four analysis types (comprehensive, quick, report, compliance) so the user can pick. With cluster_name, runs the chosen analysis. Read-only.",
            input_schema::<SelectClusterParams>(),
        ),
        tool(
            "analyze_cluster_security",
            "Analyse cluster security",
            "Run every security rule against one ECS cluster (cluster settings, ECS Exec, container instances and agents, services and task sets, the task-definition revisions that actually run, IAM roles, secrets, ECR images and scan findings, VPC, security groups, route tables, load balancers, Service Connect, App Mesh, storage, DNS). Returns a score (0-100), risk level, findings with severity, category, affected resource, evidence and fix, and the rules that could not be evaluated with the IAM permission to add. Secret values are never returned. Optional filters: severity_filter, category_filter. Read-only.",
            input_schema::<AnalyzeParams>(),
        ),
        tool(
            "generate_security_report",
            "Generate a security report",
            "Produce a formatted security report for one cluster: summary (score, risk, counts, top issues, quick actions), detailed (every finding grouped by domain with step-by-step fixes, AWS CLI, Terraform and CloudFormation), json (machine-readable contract) or executive (business risk and compliance posture for management). Honours severity_filter, category_filter and show_details. Read-only.",
            input_schema::<ReportParams>(),
        ),
        tool(
            "get_security_recommendations",
            "Get prioritised recommendations",
            "Get the cluster's findings grouped by rule into action items, ordered by severity, exposure (internet-facing, public IP, privileged, exposed credentials) and how many resources are affected, each with every affected resource and implementation guidance (steps, AWS CLI, Terraform, CloudFormation). limit (default 10) applies after filtering; the answer says how many there are in total. Read-only.",
            input_schema::<RecommendationsParams>(),
        ),
        tool(
            "check_compliance_status",
            "Check compliance status",
            "Check the cluster against a compliance framework: aws-foundational (AWS Security Hub FSBP controls), pci-dss (PCI DSS 4.0 requirements), hipaa (45 CFR 164.308/164.312 safeguards), soc2 (Trust Services Criteria) or all. Each control is pass, fail (with failing resources), not evaluated (with the missing data or permission; never counted as pass) or not applicable, with a per-framework summary. Read-only.",
            input_schema::<ComplianceParams>(),
        ),
    ]
}
