//! The executive report: overall risk in business terms, the compliance posture across the
//! four frameworks, and what to do first.

use super::{ReportOptions, filter_line, recommendations, risk_icon, severity_icon};
use crate::compliance::{self, Framework};
use crate::rules::{Analysis, Category, Filter, RiskLevel};
use crate::text::md;

/// What a category of problem means for the business.
pub fn business_impact(category: Category) -> &'static str {
    match category {
        Category::Secrets => {
            "Credentials are exposed in configuration: anyone who can read it can use them against databases, payment providers or AWS itself."
        }
        Category::ContainerSecurity | Category::RuntimeSecurity => {
            "A compromised application container could take over its host and the other workloads on it."
        }
        Category::NetworkSecurity => {
            "Systems are reachable from more places than they need to be, which widens the path for attackers."
        }
        Category::IamSecurity => {
            "Workloads hold broader AWS permissions than they need, so one breach reaches further."
        }
        Category::ImageSecurity => "Software with known or unverified vulnerabilities may be running in production.",
        Category::Monitoring => "Incidents may go unnoticed and cannot be investigated fully.",
        Category::Encryption => "Sensitive data is not protected with keys the company controls.",
        Category::Availability | Category::ResourceManagement => {
            "Services are exposed to outages or resource exhaustion."
        }
        Category::Security | Category::Configuration => "Platform settings fall short of AWS security guidance.",
        Category::ServiceMeshSecurity | Category::EnvoySecurity => {
            "Service-to-service traffic relies on unsupported or unencrypted components."
        }
        Category::StorageSecurity => "Stored data or host filesystems are exposed to the workloads that mount them.",
        Category::DnsSecurity => "Name resolution can be redirected or is not monitored.",
    }
}

fn risk_sentence(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Critical => "There are problems that an attacker could exploit now; they need action today.",
        RiskLevel::High => "There are significant weaknesses that should be fixed within days.",
        RiskLevel::Medium => "There are moderate weaknesses to fix in the next maintenance window.",
        RiskLevel::Low => "Only minor improvements remain.",
        RiskLevel::Minimal => "No problems were found in the data that could be evaluated.",
    }
}

pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    let view = full.filtered(filter);
    let o = &full.overall;
    let mut s = format!("# Executive Security Summary: {}\n\n", md(&full.cluster_name));
    s.push_str(&format!(
        "**Overall risk: {} {}** · Security score **{}/100** · {} findings on {} resources · Data from {}\n\n",
        risk_icon(o.risk_level),
        o.risk_level.as_str(),
        o.score,
        o.total_findings,
        distinct_resources(full),
        md(&full.collected_at)
    ));
    s.push_str(risk_sentence(o.risk_level));
    s.push_str("\n\n");
    if let Some(line) = filter_line(filter, view.findings.len(), o.total_findings) {
        s.push_str(&format!("> {line}\n\n"));
    }

    let recs = recommendations::build(&view);
    if !recs.is_empty() {
        s.push_str("## Top risks\n\n");
        let limit = if opts.show_details { recs.len() } else { 5 };
        for (i, r) in recs.iter().take(limit).enumerate() {
            s.push_str(&format!(
                "{}. {} **{}** ({}, {} affected). {}\n",
                i + 1,
                severity_icon(r.severity),
                r.title,
                r.severity,
                r.affected.len(),
                business_impact(r.category)
            ));
        }
        s.push('\n');
    }

    s.push_str("## Compliance posture\n\n| Framework | Passed | Failed | Needs review | Not evaluated | Not applicable | Pass rate |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for fw in Framework::ALL {
        let r = compliance::evaluate(full, fw);
        let m = r.summary;
        s.push_str(&format!(
            "| {} {} | {} | {} | {} | {} | {} | {}% |\n",
            r.name, r.version, m.passed, m.failed, m.needs_review, m.not_evaluated, m.not_applicable, m.percent
        ));
    }
    s.push_str("\nPass rate = passed controls among passed, failed, needs-review and not-evaluated controls. A control is never counted as passed when its evidence could not be collected; one whose only evidence is a Low-confidence heuristic needs review rather than failing.\n\n");

    if !recs.is_empty() {
        s.push_str("## What to do first\n\n");
        for (i, r) in recs.iter().take(3).enumerate() {
            s.push_str(&format!("{}. {} ({} resources).\n", i + 1, r.remediation.summary, r.affected.len()));
        }
        s.push('\n');
    }
    let incomplete: Vec<_> = full.not_evaluated().collect();
    if !incomplete.is_empty() {
        let mut perms: Vec<&str> = incomplete
            .iter()
            .flat_map(|r| r.gaps().iter().flat_map(|g| g.permissions.iter().map(String::as_str)))
            .collect();
        perms.sort_unstable();
        perms.dedup();
        s.push_str(&format!(
            "## Limits of this assessment\n\n{} rules could not be fully evaluated because data was missing (usually a permission); they are not counted as passed.",
            incomplete.len()
        ));
        if !perms.is_empty() {
            let list: Vec<String> = perms.iter().map(|p| format!("`{p}`")).collect();
            s.push_str(&format!(" To evaluate them, grant: {}.", list.join(", ")));
        }
        s.push_str(" The summary and detailed reports list each rule with its reason.\n");
    }
    let triage = super::triage_section(&view);
    if !triage.is_empty() {
        s.push('\n');
        s.push_str(&triage);
    }
    s
}

fn distinct_resources(a: &Analysis) -> usize {
    let mut keys: Vec<String> = a.findings.iter().map(|f| f.resource.to_string()).collect();
    keys.sort();
    keys.dedup();
    keys.len()
}
