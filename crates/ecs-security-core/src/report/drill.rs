//! Drill-down for a model: findings page by page in brief, one finding in full (evidence,
//! every remediation form, compliance), or one rule with every resource it flags. Each
//! answer fits a character budget; listings continue with a cursor.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::budget::{self, answer_size, largest_fitting};
use crate::compliance;
use crate::rules::{Analysis, Category, Confidence, Finding, Rule, Severity};
use crate::text::{md, plain};

/// A finding in one line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingBrief {
    pub id: String,
    pub rule_id: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub resource: String,
    pub message: String,
    /// For a suppressed finding: the entry that accepts it and its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<String>,
}

impl FindingBrief {
    pub fn of(f: &Finding) -> FindingBrief {
        FindingBrief {
            id: f.id.clone(),
            rule_id: f.rule.id,
            severity: f.severity,
            category: f.rule.category,
            resource: plain(&f.resource.to_string()),
            message: plain(&f.message),
            suppressed_by: None,
        }
    }
}

/// A page of findings.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingsPage {
    /// The gist, for clients that pass only structured content on.
    pub summary: String,
    pub cluster: String,
    pub region: String,
    /// Findings matching the request, on every page.
    pub total: usize,
    /// Where this page starts in that list.
    pub offset: usize,
    pub findings: Vec<FindingBrief>,
    /// Pass it back for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// The findings `selected` (already filtered, most severe first) from `offset`, as many as
/// fit `max_chars`; `listing` binds the next cursor to this request.
pub fn findings_page(
    full: &Analysis,
    selected: &[&Finding],
    offset: usize,
    max_chars: usize,
    listing: &str,
) -> (FindingsPage, String) {
    findings_page_noting(full, selected, offset, max_chars, listing, &BTreeMap::new())
}

/// [`findings_page`], with the suppression (entry and reason) of suppressed findings, by id.
pub fn findings_page_noting(
    full: &Analysis,
    selected: &[&Finding],
    offset: usize,
    max_chars: usize,
    listing: &str,
    suppressed_by: &BTreeMap<&str, String>,
) -> (FindingsPage, String) {
    let offset = offset.min(selected.len());
    let rest = &selected[offset..];
    let build = |n: usize| {
        let next = offset + n;
        let page = FindingsPage {
            summary: format!(
                "{} of {} matching findings in {} ({}), from #{}.{}",
                n,
                selected.len(),
                plain(&full.cluster_name),
                plain(&full.region),
                offset + 1,
                if next < selected.len() { " More with next_cursor." } else { "" }
            ),
            cluster: full.cluster_name.clone(),
            region: full.region.clone(),
            total: selected.len(),
            offset,
            findings: rest[..n]
                .iter()
                .map(|f| FindingBrief {
                    suppressed_by: suppressed_by.get(f.id.as_str()).map(|r| plain(r)),
                    ..FindingBrief::of(f)
                })
                .collect(),
            next_cursor: (next < selected.len()).then(|| budget::cursor(next, listing)),
        };
        let text = page_markdown(&page);
        (page, text)
    };
    let n = largest_fitting(rest.len().min(max_items(max_chars)), max_chars, |n| {
        let (p, t) = build(n);
        answer_size(&t, &p)
    });
    build(n)
}

/// More one-line findings than this cannot fit `max_chars`: each takes over 80 characters
/// (its JSON keys alone take 60), so bisection need not look further.
fn max_items(max_chars: usize) -> usize {
    max_chars / 80 + 1
}

fn page_markdown(p: &FindingsPage) -> String {
    let mut s = format!(
        "# Findings: {} ({})\n\n{} to {} of {} matching findings.\n\n",
        md(&p.cluster),
        md(&p.region),
        if p.findings.is_empty() { p.offset } else { p.offset + 1 },
        p.offset + p.findings.len(),
        p.total
    );
    for f in &p.findings {
        s.push_str(&format!(
            "- {} {} `{}` {}: {} (`{}`)\n",
            super::severity_icon(f.severity),
            f.severity,
            f.rule_id,
            md(&f.resource),
            md(&f.message),
            f.id
        ));
        if let Some(r) = &f.suppressed_by {
            s.push_str(&format!("  Suppressed by {}\n", md(r)));
        }
    }
    if let Some(c) = &p.next_cursor {
        s.push_str(&format!("\nMore: call again with the same filters and `cursor: \"{c}\"`.\n"));
    }
    s
}

/// How to fix a rule's findings, in every form.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Fix {
    pub summary: &'static str,
    pub steps: &'static [&'static str],
    pub cli: &'static str,
    pub terraform: &'static str,
    pub cloudformation: &'static str,
}

impl Fix {
    fn of(rule: &Rule) -> Fix {
        let r = &rule.remediation;
        Fix { summary: r.summary, steps: r.steps, cli: r.cli, terraform: r.terraform, cloudformation: r.cloudformation }
    }
}

/// One finding in full.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FindingDetail {
    pub id: String,
    pub rule_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub confidence: Confidence,
    pub category: Category,
    pub resource: String,
    pub resource_arn: Option<String>,
    pub message: String,
    /// What the check saw; never a secret value.
    pub evidence: BTreeMap<String, String>,
    pub why: &'static str,
    pub fix: Fix,
    /// Controls this finding fails, as `framework:control`.
    pub compliance: Vec<String>,
    pub references: &'static [&'static str],
}

/// One finding with its evidence and every form of the fix.
pub fn finding_detail(f: &Finding) -> (FindingDetail, String) {
    let d = FindingDetail {
        id: f.id.clone(),
        rule_id: f.rule.id,
        title: f.rule.title,
        severity: f.severity,
        confidence: f.confidence,
        category: f.rule.category,
        resource: plain(&f.resource.to_string()),
        resource_arn: f.resource.arn.clone(),
        message: plain(&f.message),
        evidence: f.evidence.iter().map(|e| (e.key.clone(), plain(&e.value))).collect(),
        why: f.rule.rationale,
        fix: Fix::of(f.rule),
        compliance: compliance::controls_for_rule(f.rule.id),
        references: f.rule.references,
    };
    let mut s = format!(
        "# {} {} · {} (`{}`)\n\n**Resource:** {}\n\n**Finding:** {} (`{}`, confidence {:?})\n\n",
        super::severity_icon(d.severity),
        d.severity,
        d.title,
        d.rule_id,
        md(&d.resource),
        md(&d.message),
        d.id,
        d.confidence
    );
    if !d.evidence.is_empty() {
        s.push_str("**Evidence:**\n");
        for (k, v) in &d.evidence {
            s.push_str(&format!("- {}: {}\n", md(k), md(v)));
        }
        s.push('\n');
    }
    s.push_str(&format!("**Why:** {}\n\n", d.why));
    s.push_str(&fix_markdown(&d.fix));
    if !d.compliance.is_empty() {
        s.push_str(&format!("**Compliance:** {}\n\n", d.compliance.join(", ")));
    }
    (d, s)
}

fn fix_markdown(f: &Fix) -> String {
    let mut s = format!("**Fix:** {}\n\n", f.summary);
    for (i, step) in f.steps.iter().enumerate() {
        s.push_str(&format!("{}. {step}\n", i + 1));
    }
    s.push_str(&format!(
        "\n```bash\n{}\n```\n\n```hcl\n{}\n```\n\n```yaml\n{}\n```\n\n",
        f.cli, f.terraform, f.cloudformation
    ));
    s
}

/// One rule with the resources it flags.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RuleDetail {
    pub summary: String,
    pub rule_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub why: &'static str,
    pub fix: Fix,
    pub compliance: Vec<String>,
    pub references: &'static [&'static str],
    /// Resources flagged, on every page.
    pub affected_total: usize,
    pub offset: usize,
    pub affected: Vec<FindingBrief>,
    pub next_cursor: Option<String>,
}

/// `rule` with its findings in `full` from `offset`, as many as fit `max_chars`.
pub fn rule_detail(
    full: &Analysis,
    rule: &'static Rule,
    offset: usize,
    max_chars: usize,
    listing: &str,
) -> (RuleDetail, String) {
    let all: Vec<&Finding> = full.findings.iter().filter(|f| f.rule.id == rule.id).collect();
    let offset = offset.min(all.len());
    let rest = &all[offset..];
    let build = |n: usize| {
        let next = offset + n;
        let d = RuleDetail {
            summary: format!(
                "{} (`{}`, {}): {} resources flagged in {}; showing {} from #{}.",
                rule.title,
                rule.id,
                rule.severity,
                all.len(),
                plain(&full.cluster_name),
                n,
                offset + 1
            ),
            rule_id: rule.id,
            title: rule.title,
            severity: rule.severity,
            category: rule.category,
            why: rule.rationale,
            fix: Fix::of(rule),
            compliance: compliance::controls_for_rule(rule.id),
            references: rule.references,
            affected_total: all.len(),
            offset,
            affected: rest[..n].iter().map(|f| FindingBrief::of(f)).collect(),
            next_cursor: (next < all.len()).then(|| budget::cursor(next, listing)),
        };
        let mut s = format!(
            "# {} {} · {} (`{}`)\n\n{} resources flagged.\n\n**Why:** {}\n\n",
            super::severity_icon(d.severity),
            d.severity,
            d.title,
            d.rule_id,
            d.affected_total,
            d.why
        );
        s.push_str(&fix_markdown(&d.fix));
        if !d.affected.is_empty() {
            s.push_str(&format!("## Affected ({} to {})\n\n", offset + 1, next));
        }
        for f in &d.affected {
            s.push_str(&format!("- {}: {} (`{}`)\n", md(&f.resource), md(&f.message), f.id));
        }
        if let Some(c) = &d.next_cursor {
            s.push_str(&format!("\nMore: call again with `rule_id` and `cursor: \"{c}\"`.\n"));
        }
        (d, s)
    };
    let n = largest_fitting(rest.len().min(max_items(max_chars)), max_chars, |n| {
        let (d, t) = build(n);
        answer_size(&t, &d)
    });
    build(n)
}
