//! Recommendations: findings grouped by rule, each with every affected resource, ordered by
//! priority (severity, exposure and breadth).

use serde::Serialize;

use crate::compliance;
use crate::rules::{Analysis, Category, Finding, Remediation, Rule, Severity};

/// Exposure factors that raise a recommendation's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exposure {
    /// The affected resources are reachable from the internet.
    InternetFacing,
    /// Tasks get public IP addresses.
    PublicIp,
    /// The problem grants host-level privilege.
    Privileged,
    /// A credential is exposed.
    CredentialExposed,
}

impl Exposure {
    fn bonus(self) -> u32 {
        match self {
            Exposure::InternetFacing => 30,
            Exposure::PublicIp => 25,
            Exposure::Privileged => 25,
            Exposure::CredentialExposed => 20,
        }
    }
}

/// One rule's findings as an action item.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    pub rule_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub priority: u32,
    pub exposure: Vec<Exposure>,
    pub affected: Vec<Affected>,
    pub why: &'static str,
    pub remediation: Remediation,
    pub compliance: Vec<String>,
    pub references: &'static [&'static str],
}

#[derive(Debug, Clone, Serialize)]
pub struct Affected {
    pub resource: String,
    pub resource_arn: Option<String>,
    pub severity: Severity,
    pub message: String,
}

/// Rules whose findings mean host-level privilege.
const PRIVILEGED_RULES: &[&str] = &[
    "container-privileged",
    "container-dangerous-capabilities",
    "task-host-pid-namespace",
    "task-host-ipc-namespace",
    "task-host-network-root-user",
    "container-security-profile-disabled",
];

fn exposure_of(
    rule: &Rule,
    findings: &[&Finding],
    internet_services: &[String],
    public_ip_services: &[String],
) -> Vec<Exposure> {
    let mut e = Vec::new();
    let on =
        |list: &[String]| findings.iter().any(|f| f.resource.path.service.as_ref().is_some_and(|s| list.contains(s)));
    if on(internet_services) {
        e.push(Exposure::InternetFacing);
    }
    if on(public_ip_services) {
        e.push(Exposure::PublicIp);
    }
    if PRIVILEGED_RULES.contains(&rule.id) {
        e.push(Exposure::Privileged);
    }
    if rule.category == Category::Secrets && findings.iter().any(|f| f.severity >= Severity::High) {
        e.push(Exposure::CredentialExposed);
    }
    e
}

/// Groups the findings of `view` by rule and orders them by priority.
pub fn build(view: &Analysis) -> Vec<Recommendation> {
    let internet_services = &view.exposure.internet_facing;
    let public_ip_services = &view.exposure.public_ip;
    let mut out: Vec<Recommendation> = Vec::new();
    for result in &view.results {
        let findings: Vec<&Finding> = view.findings.iter().filter(|f| f.rule.id == result.rule.id).collect();
        if findings.is_empty() {
            continue;
        }
        let rule = result.rule;
        let severity = findings.iter().map(|f| f.severity).max().unwrap_or(rule.severity);
        let exposure = exposure_of(rule, &findings, internet_services, public_ip_services);
        let breadth = (findings.len() as u32).min(20);
        let base = match severity {
            Severity::Critical => 400,
            Severity::High => 300,
            Severity::Medium => 200,
            Severity::Low => 100,
        };
        let priority = base + exposure.iter().map(|e| e.bonus()).sum::<u32>() + breadth * 2;
        out.push(Recommendation {
            rule_id: rule.id,
            title: rule.title,
            severity,
            category: rule.category,
            priority,
            exposure,
            affected: findings
                .iter()
                .map(|f| Affected {
                    resource: f.resource.to_string(),
                    resource_arn: f.resource.arn.clone(),
                    severity: f.severity,
                    message: f.message.clone(),
                })
                .collect(),
            why: rule.rationale,
            remediation: rule.remediation,
            compliance: compliance::controls_for_rule(rule.id),
            references: rule.references,
        });
    }
    out.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.rule_id.cmp(b.rule_id)));
    out
}
