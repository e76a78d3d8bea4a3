//! OCSF Detection Finding events (class 2004, schema 1.3.0) for security data lakes and
//! Security Hub: a JSON array with one event per finding, built from serde types.
//!
//! Each event carries the attributes the 1.3.0 schema requires of the class and of the
//! `cloud` profile it declares (`activity_id`, `category_uid`, `class_uid`, `type_uid`,
//! `severity_id`, `time`, `metadata`, `finding_info`, `cloud`), plus the affected resource,
//! the evidence and the fix. `finding_info.uid` is the finding id, stable across runs,
//! revisions and redeploys (`rules::identity`). Each resource names its cluster as its `group`.
//! What OCSF has no attribute for goes in `unmapped`.

use std::collections::BTreeMap;

use chrono::DateTime;
use serde::Serialize;

use super::ReportOptions;
use super::people::confidence_name;
use crate::compliance;
use crate::model::{ResourceKind, ResourcePath};
use crate::rules::{Analysis, Confidence, Filter, Finding, Severity};

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.3.0";
/// Detection Finding.
pub const CLASS_UID: u32 = 2004;
/// Findings.
pub const CATEGORY_UID: u32 = 2;
/// Create: a finding produced by this run.
const ACTIVITY_ID: u32 = 1;

#[derive(Debug, Serialize)]
pub struct DetectionFinding {
    pub activity_id: u32,
    pub activity_name: &'static str,
    pub category_uid: u32,
    pub category_name: &'static str,
    pub class_uid: u32,
    pub class_name: &'static str,
    /// `class_uid × 100 + activity_id`.
    pub type_uid: u32,
    pub type_name: &'static str,
    pub severity_id: u8,
    pub severity: &'static str,
    pub confidence_id: u8,
    pub confidence: &'static str,
    pub status_id: u8,
    pub status: &'static str,
    /// Why a suppressed finding is accepted (the suppression entry's reason and place).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_detail: Option<String>,
    /// When the finding was produced, in milliseconds since the epoch.
    pub time: i64,
    pub message: String,
    pub metadata: Metadata,
    pub finding_info: FindingInfo,
    pub resources: Vec<Resource>,
    pub cloud: Cloud,
    pub remediation: Remediation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidences: Vec<Evidence>,
    pub unmapped: Unmapped,
}

#[derive(Debug, Serialize)]
pub struct Metadata {
    pub version: &'static str,
    pub product: Product,
    pub profiles: [&'static str; 1],
}

#[derive(Debug, Serialize)]
pub struct Product {
    pub name: &'static str,
    pub vendor_name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct FindingInfo {
    pub uid: String,
    pub title: &'static str,
    pub desc: &'static str,
    /// The rule's category and domain (only here: not repeated in `unmapped`).
    pub types: [&'static str; 2],
    pub analytic: Analytic,
}

/// The rule that produced the finding.
#[derive(Debug, Serialize)]
pub struct Analytic {
    pub uid: &'static str,
    pub name: &'static str,
    /// 1: Rule.
    pub type_id: u8,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Resource {
    /// The ARN, or the resource id for EC2 resources, or the name.
    pub uid: String,
    pub name: String,
    /// A CloudFormation-style type, e.g. `AWS::ECS::Service`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud_partition: Option<String>,
    /// The cluster the resource belongs to.
    pub group: Group,
    /// Where the resource sits in the cluster.
    pub data: ResourcePath,
}

/// The ECS cluster, as the resource's group.
#[derive(Debug, Serialize)]
pub struct Group {
    pub name: String,
    pub uid: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Cloud {
    pub provider: &'static str,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
}

#[derive(Debug, Serialize)]
pub struct Account {
    pub uid: String,
    /// 10: AWS Account.
    pub type_id: u8,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Remediation {
    pub desc: String,
    pub references: &'static [&'static str],
}

#[derive(Debug, Serialize)]
pub struct Evidence {
    /// What the check saw, as `key: value` (never secret values).
    pub data: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct Unmapped {
    pub rule_id: &'static str,
    /// The spec's display naming of the resource.
    pub resource: String,
    /// Controls the finding fails, as `framework:control`.
    pub compliance: Vec<String>,
    pub cluster_arn: String,
    pub collected_at: String,
}

fn severity_id(s: Severity) -> u8 {
    match s {
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

fn confidence_id(c: Confidence) -> u8 {
    match c {
        Confidence::Low => 1,
        Confidence::Medium => 2,
        Confidence::High => 3,
    }
}

/// A CloudFormation-style resource type name.
pub fn resource_type(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Cluster => "AWS::ECS::Cluster",
        ResourceKind::CapacityProvider => "AWS::ECS::CapacityProvider",
        ResourceKind::ContainerInstance => "AWS::ECS::ContainerInstance",
        ResourceKind::Service => "AWS::ECS::Service",
        ResourceKind::TaskSet => "AWS::ECS::TaskSet",
        ResourceKind::TaskDefinition => "AWS::ECS::TaskDefinition",
        ResourceKind::Container => "AWS::ECS::TaskDefinition.ContainerDefinition",
        ResourceKind::ContainerImage => "AWS::ECS::TaskDefinition.ContainerDefinition.Image",
        ResourceKind::Task => "AWS::ECS::Task",
        ResourceKind::EcrRepository => "AWS::ECR::Repository",
        ResourceKind::EcrRegistry => "AWS::ECR::Registry",
        ResourceKind::Vpc => "AWS::EC2::VPC",
        ResourceKind::Subnet => "AWS::EC2::Subnet",
        ResourceKind::RouteTable => "AWS::EC2::RouteTable",
        ResourceKind::SecurityGroup => "AWS::EC2::SecurityGroup",
        ResourceKind::LoadBalancer => "AWS::ElasticLoadBalancingV2::LoadBalancer",
        ResourceKind::Listener => "AWS::ElasticLoadBalancingV2::Listener",
    }
}

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`).
fn partition(arn: &str) -> Option<String> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn")).then(|| parts.next()).flatten().filter(|p| !p.is_empty()).map(str::to_owned)
}

fn millis(rfc3339: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| t.timestamp_millis())
}

fn event(f: &Finding, full: &Analysis, time: i64) -> DetectionFinding {
    let rule = f.rule;
    let mut desc = rule.remediation.summary.to_owned();
    for (i, step) in rule.remediation.steps.iter().enumerate() {
        desc.push_str(&format!("\n{}. {step}", i + 1));
    }
    let uid = f.resource.arn.clone().unwrap_or_else(|| f.resource.name.clone());
    DetectionFinding {
        activity_id: ACTIVITY_ID,
        activity_name: "Create",
        category_uid: CATEGORY_UID,
        category_name: "Findings",
        class_uid: CLASS_UID,
        class_name: "Detection Finding",
        type_uid: CLASS_UID * 100 + ACTIVITY_ID,
        type_name: "Detection Finding: Create",
        severity_id: severity_id(f.severity),
        severity: f.severity.as_str(),
        confidence_id: confidence_id(f.confidence),
        confidence: confidence_name(f.confidence),
        status_id: 1,
        status: "New",
        status_detail: None,
        time,
        message: format!("{}: {}", f.resource, f.message),
        metadata: Metadata {
            version: OCSF_VERSION,
            product: Product { name: crate::TOOL_NAME, vendor_name: crate::TOOL_NAME, version: crate::TOOL_VERSION },
            profiles: ["cloud"],
        },
        finding_info: FindingInfo {
            uid: format!("{}/{}", crate::TOOL_NAME, f.id),
            title: rule.title,
            desc: rule.rationale,
            types: [rule.category.as_str(), rule.domain.as_str()],
            analytic: Analytic { uid: rule.id, name: rule.title, type_id: 1, kind: "Rule" },
        },
        resources: vec![Resource {
            cloud_partition: partition(&uid),
            uid,
            name: f.resource.name.clone(),
            kind: resource_type(f.resource.kind),
            region: full.region.clone(),
            group: Group { name: full.cluster_name.clone(), uid: full.cluster_arn.clone(), kind: "AWS::ECS::Cluster" },
            data: f.resource.path.clone(),
        }],
        cloud: Cloud {
            provider: "AWS",
            region: full.region.clone(),
            account: full.account_id.clone().map(|uid| Account { uid, type_id: 10, kind: "AWS Account" }),
        },
        remediation: Remediation { desc, references: rule.references },
        evidences: if f.evidence.is_empty() {
            Vec::new()
        } else {
            vec![Evidence { data: f.evidence.iter().map(|e| (e.key.clone(), e.value.clone())).collect() }]
        },
        unmapped: Unmapped {
            rule_id: rule.id,
            resource: f.resource.to_string(),
            compliance: compliance::controls_for_rule(rule.id),
            cluster_arn: full.cluster_arn.clone(),
            collected_at: full.collected_at.clone(),
        },
    }
}

/// One Detection Finding per finding of a view of the analysis. `time` is the report's
/// `generated_at` (or, if that is not RFC 3339, when the data was collected).
pub fn build(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> Vec<DetectionFinding> {
    let view = full.filtered(filter);
    let time = millis(&opts.generated_at).or_else(|| millis(&full.collected_at)).unwrap_or(0);
    let mut events: Vec<DetectionFinding> = view.findings.iter().map(|f| event(f, full, time)).collect();
    // Suppressed findings are kept, with OCSF's Suppressed status and the entry's reason.
    for s in &view.triage.suppressed {
        let mut e = event(&s.finding, full, time);
        e.status_id = 3;
        e.status = "Suppressed";
        e.status_detail = Some(format!("{}: {}", s.entry, s.entry.reason));
        events.push(e);
    }
    events
}

/// The events as a pretty JSON array.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    // Serialising these plain types cannot fail.
    serde_json::to_string_pretty(&build(full, filter, opts)).unwrap_or_default() // ok: infallible
}
