//! Recommendations: findings grouped by rule, each with every affected resource, ordered by
//! priority (severity, exposure and breadth).

use serde::Serialize;

use crate::compliance;
use crate::rules::{Analysis, Category, Filter, Finding, Remediation, Rule, Severity};
use crate::text::md;

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
    /// The finding id.
    pub id: String,
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
                    id: f.id.clone(),
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

/// The note that ends a quick analysis's answer.
pub const QUICK_NOTE: &str =
    "This was a quick analysis (High and Critical items). Use `comprehensive` for every finding.\n";

/// The recommendations answer in Markdown: the first `limit` of `recs` (built from `full`
/// seen through `filter`), each with its affected resources and the fix.
pub fn markdown(full: &Analysis, filter: &Filter, recs: &[Recommendation], limit: usize) -> String {
    markdown_with(full, filter, recs, limit, 20)
}

/// [`markdown`] naming at most `examples` affected resources per recommendation.
fn markdown_with(full: &Analysis, filter: &Filter, recs: &[Recommendation], limit: usize, examples: usize) -> String {
    let shown = &recs[..recs.len().min(limit)];
    let mut text = format!("# Security recommendations: {}\n\n", md(&full.cluster_name));
    text.push_str(&format!(
        "Showing {} of {} recommendations (grouped by rule, highest priority first). Score {}/100, risk {}.\n\n",
        shown.len(),
        recs.len(),
        full.overall.score,
        full.overall.risk_level.as_str()
    ));
    if let Some(line) = super::filter_line(filter, full.filtered(filter).findings.len(), full.overall.total_findings) {
        text.push_str(&format!("> {line}\n\n"));
    }
    for (i, r) in shown.iter().enumerate() {
        text.push_str(&format!("## {}. {} {} · {}\n\n", i + 1, super::severity_icon(r.severity), r.severity, r.title));
        if !r.exposure.is_empty() {
            let e: Vec<String> = r.exposure.iter().map(|x| format!("{x:?}")).collect();
            text.push_str(&format!("Exposure: {}. ", e.join(", ")));
        }
        text.push_str(&format!("Rule `{}`, priority {}.\n\n", r.rule_id, r.priority));
        text.push_str(&format!("**Why:** {}\n\n**Affected ({}):**\n", r.why, r.affected.len()));
        for x in r.affected.iter().take(examples) {
            text.push_str(&format!("- {}: {} (`{}`)\n", md(&x.resource), md(&x.message), x.id));
        }
        if r.affected.len() > examples {
            text.push_str(&format!(
                "- …and {} more (every one: `get_finding_details` with rule_id `{}`)\n",
                r.affected.len() - examples,
                r.rule_id
            ));
        }
        text.push_str(&format!("\n**Fix:** {}\n\n", r.remediation.summary));
        for (n, step) in r.remediation.steps.iter().enumerate() {
            text.push_str(&format!("{}. {step}\n", n + 1));
        }
        text.push_str(&format!("\n```bash\n{}\n```\n\n", r.remediation.cli));
    }
    if recs.is_empty() {
        text.push_str("Nothing to recommend for this filter.\n");
    }
    text
}

/// The recommendations answer within `max_chars`: the first `limit` recommendations (fewer
/// when they do not fit), each naming as many affected resources as fit (`affected_total`
/// gives the count). Returns the Markdown, the JSON and how many were shown.
pub fn fit(
    full: &Analysis,
    filter: &Filter,
    recs: &[Recommendation],
    limit: usize,
    max_chars: usize,
) -> (String, serde_json::Value, usize) {
    let build = |n: usize, examples: usize| {
        let shown: Vec<serde_json::Value> = recs[..n]
            .iter()
            .map(|r| {
                let mut brief = r.clone();
                brief.affected.truncate(examples);
                let mut v = serde_json::to_value(&brief).unwrap_or(serde_json::Value::Null);
                if let serde_json::Value::Object(o) = &mut v {
                    o.insert("affected_total".into(), serde_json::Value::from(r.affected.len()));
                }
                v
            })
            .collect();
        let text = markdown_with(full, filter, recs, n, examples);
        let data = serde_json::json!({
            "cluster": full.cluster_name,
            "region": full.region,
            "filters": filter,
            "total": recs.len(),
            "returned": n,
            "limit": limit,
            "affected_examples": examples,
            "note": (n < recs.len().min(limit)).then(|| format!(
                "{} more recommendations did not fit this answer's budget: ask with a filter or a smaller limit, or get one rule in full with get_finding_details",
                recs.len().min(limit) - n
            )),
            "recommendations": shown,
        });
        (text, data)
    };
    let size = |n: usize, examples: usize| {
        let (t, d) = build(n, examples);
        super::budget::answer_size(&t, &d)
    };
    let wanted = recs.len().min(limit);
    // As many recommendations as asked for, with as many examples each as fit (up to 20);
    // when not even one example each fits, fewer recommendations.
    let (n, examples) = if size(wanted, 1) <= max_chars {
        (wanted, super::budget::largest_fitting(20, max_chars, |k| size(wanted, k.max(1))).max(1))
    } else {
        (super::budget::largest_fitting(wanted, max_chars, |n| size(n, 1)), 1)
    };
    let (text, data) = build(n, examples);
    (text, data, n)
}
