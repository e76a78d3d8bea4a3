//! The detailed report: every finding grouped by domain and rule, with why it matters and
//! how to fix it (steps, AWS CLI, Terraform, CloudFormation).

use super::{ReportOptions, coverage_section, header, severity_icon, triage_section};
use crate::compliance;
use crate::rules::{Analysis, Domain, Filter, Finding, Rule};
use crate::text::md;

pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    let view = full.filtered(filter);
    let mut s = header("ECS Security Report (detailed)", full, filter, view.findings.len());
    if view.findings.is_empty() {
        s.push_str("## ✅ No findings\n\n");
    }
    for &domain in Domain::ALL {
        // Rules of this domain with findings, most severe first.
        let mut rules: Vec<(&'static Rule, Vec<&Finding>)> = Vec::new();
        for f in view.findings.iter().filter(|f| f.rule.domain == domain) {
            match rules.iter_mut().find(|(r, _)| r.id == f.rule.id) {
                Some((_, list)) => list.push(f),
                None => rules.push((f.rule, vec![f])),
            }
        }
        if rules.is_empty() {
            continue;
        }
        let total: usize = rules.iter().map(|(_, l)| l.len()).sum();
        s.push_str(&format!("## {} ({total})\n\n", domain.title()));
        for (rule, findings) in rules {
            s.push_str(&rule_section(rule, &findings, opts));
        }
    }
    s.push_str(&coverage_section(&view));
    s.push_str(&triage_section(&view));
    s
}

fn rule_section(rule: &Rule, findings: &[&Finding], opts: &ReportOptions) -> String {
    let severity = findings.iter().map(|f| f.severity).max().unwrap_or(rule.severity);
    let mut s = format!("### {} {} · {} (`{}`)\n\n", severity_icon(severity), severity, rule.title, rule.id);
    let controls = compliance::controls_for_rule(rule.id);
    s.push_str(&format!("Category: {} · Confidence: {:?}", rule.category, rule.confidence));
    if !controls.is_empty() {
        s.push_str(&format!(" · Compliance: {}", controls.join(", ")));
    }
    if !rule.peers.is_empty() {
        s.push_str(&format!(" · Peers: {}", rule.peers.join(", ")));
    }
    s.push_str("\n\n");
    s.push_str(&format!("**Why it matters.** {}\n\n", rule.rationale));
    s.push_str(&format!("**Affected resources ({})**\n\n", findings.len()));
    for f in findings {
        s.push_str(&format!(
            "- {} **{}**: {}\n",
            severity_icon(f.severity),
            md(&f.resource.to_string()),
            md(&f.message)
        ));
        if opts.show_details {
            if let Some(arn) = &f.resource.arn {
                s.push_str(&format!("  - ARN: {}\n", md(arn)));
            }
            for e in &f.evidence {
                s.push_str(&format!("  - {}: {}\n", md(&e.key), md(&e.value)));
            }
        }
    }
    let r = &rule.remediation;
    s.push_str(&format!("\n**How to fix.** {}\n\n", r.summary));
    for (i, step) in r.steps.iter().enumerate() {
        s.push_str(&format!("{}. {step}\n", i + 1));
    }
    s.push_str(&format!("\nAWS CLI:\n```bash\n{}\n```\n", r.cli));
    s.push_str(&format!("Terraform:\n```hcl\n{}\n```\n", r.terraform));
    s.push_str(&format!("CloudFormation:\n```yaml\n{}\n```\n", r.cloudformation));
    if !rule.references.is_empty() {
        s.push_str(&format!("References: {}\n", rule.references.join(" · ")));
    }
    s.push('\n');
    s
}
