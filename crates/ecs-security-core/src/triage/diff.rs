//! What changed between two reports: new findings, fixed ones, changed severities, and the
//! score and coverage, overall, per rule and per resource. Findings are matched by their
//! stable id, which includes the account, region and cluster: two different clusters share
//! no finding, and the diff says so.

use std::collections::BTreeMap;

use serde::Serialize;

use super::baseline::{PriorFinding, PriorReport};
use crate::rules::Severity;
use crate::text::{md, plain};

/// One side of a diff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub cluster: String,
    pub region: String,
    pub account_id: Option<String>,
    pub collected_at: String,
    pub score: u8,
    pub coverage_percent: u8,
    pub findings: usize,
}

/// A finding whose severity changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeverityChange {
    #[serde(flatten)]
    pub finding: PriorFinding,
    pub old_severity: Severity,
}

/// Counts of changes in one group (a rule or a resource).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub new: usize,
    pub fixed: usize,
    pub severity_changed: usize,
}

/// The difference between an old and a new report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    /// Whether both reports are of the same cluster (account, region and ARN).
    pub same_cluster: bool,
    /// `new.score - old.score`.
    pub score_change: i16,
    pub coverage_change: i16,
    pub new_findings: Vec<PriorFinding>,
    pub fixed_findings: Vec<PriorFinding>,
    pub severity_changed: Vec<SeverityChange>,
    pub unchanged: usize,
    pub by_rule: BTreeMap<String, ChangeCounts>,
    pub by_resource: BTreeMap<String, ChangeCounts>,
}

fn side(r: &PriorReport) -> Side {
    Side {
        cluster: r.cluster.clone(),
        region: r.region.clone(),
        account_id: r.account_id.clone(),
        collected_at: r.collected_at.clone(),
        score: r.summary.score,
        coverage_percent: r.summary.coverage_percent,
        findings: r.findings.len(),
    }
}

fn sorted(mut v: Vec<PriorFinding>) -> Vec<PriorFinding> {
    v.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.rule_id.cmp(&b.rule_id)).then_with(|| a.id.cmp(&b.id)));
    v
}

impl Diff {
    pub fn between(old: &PriorReport, new: &PriorReport) -> Diff {
        let before: BTreeMap<&str, &PriorFinding> = old.findings.iter().map(|f| (f.id.as_str(), f)).collect();
        let after: BTreeMap<&str, &PriorFinding> = new.findings.iter().map(|f| (f.id.as_str(), f)).collect();
        let new_findings =
            sorted(new.findings.iter().filter(|f| !before.contains_key(f.id.as_str())).cloned().collect());
        let fixed_findings =
            sorted(old.findings.iter().filter(|f| !after.contains_key(f.id.as_str())).cloned().collect());
        let mut severity_changed = Vec::new();
        let mut unchanged = 0;
        for f in &new.findings {
            match before.get(f.id.as_str()) {
                Some(o) if o.severity != f.severity => {
                    severity_changed.push(SeverityChange { finding: f.clone(), old_severity: o.severity })
                }
                Some(_) => unchanged += 1,
                None => {}
            }
        }
        let mut by_rule: BTreeMap<String, ChangeCounts> = BTreeMap::new();
        let mut by_resource: BTreeMap<String, ChangeCounts> = BTreeMap::new();
        let mut count = |f: &PriorFinding, bump: fn(&mut ChangeCounts)| {
            bump(by_rule.entry(f.rule_id.clone()).or_default());
            bump(by_resource.entry(f.resource.clone()).or_default());
        };
        for f in &new_findings {
            count(f, |c| c.new += 1);
        }
        for f in &fixed_findings {
            count(f, |c| c.fixed += 1);
        }
        for c in &severity_changed {
            count(&c.finding, |c| c.severity_changed += 1);
        }
        Diff {
            same_cluster: old.cluster_arn == new.cluster_arn
                && old.region == new.region
                && old.account_id == new.account_id,
            score_change: i16::from(new.summary.score) - i16::from(old.summary.score),
            coverage_change: i16::from(new.summary.coverage_percent) - i16::from(old.summary.coverage_percent),
            old: side(old),
            new: side(new),
            new_findings,
            fixed_findings,
            severity_changed,
            unchanged,
            by_rule,
            by_resource,
        }
    }

    /// Whether nothing changed in the findings.
    pub fn is_empty(&self) -> bool {
        self.new_findings.is_empty() && self.fixed_findings.is_empty() && self.severity_changed.is_empty()
    }
}

fn signed(n: i16) -> String {
    if n > 0 { format!("+{n}") } else { n.to_string() }
}

fn side_name(s: &Side) -> String {
    let account = s.account_id.as_deref().map(|a| format!(", account {a}")).unwrap_or_default();
    format!("{} ({}{account}, collected {})", s.cluster, s.region, s.collected_at)
}

/// The diff in Markdown (every AWS string escaped).
pub fn markdown(d: &Diff) -> String {
    let mut s = String::from("# 🔀 Security diff\n\n");
    s.push_str("| | Old | New | Change |\n|---|---|---|---|\n");
    s.push_str(&format!("| Cluster | {} | {} | |\n", md(&side_name(&d.old)), md(&side_name(&d.new))));
    s.push_str(&format!("| Score | {}/100 | {}/100 | {} |\n", d.old.score, d.new.score, signed(d.score_change)));
    s.push_str(&format!(
        "| Coverage | {}% | {}% | {} |\n",
        d.old.coverage_percent,
        d.new.coverage_percent,
        signed(d.coverage_change)
    ));
    s.push_str(&format!("| Findings | {} | {} | |\n\n", d.old.findings, d.new.findings));
    if !d.same_cluster {
        s.push_str("> The two reports are of different clusters: finding ids include the account, region and cluster, so no finding is shared.\n\n");
    }
    s.push_str(&format!(
        "**{} new, {} fixed, {} with another severity, {} unchanged.**\n\n",
        d.new_findings.len(),
        d.fixed_findings.len(),
        d.severity_changed.len(),
        d.unchanged
    ));
    let list = |s: &mut String, title: &str, items: &[PriorFinding]| {
        if items.is_empty() {
            return;
        }
        s.push_str(&format!("## {title} ({})\n\n", items.len()));
        for f in items {
            s.push_str(&format!(
                "- **{}** `{}` {}: {} (`{}`)\n",
                f.severity,
                md(&f.rule_id),
                md(&f.resource),
                md(&f.message),
                md(&f.id)
            ));
        }
        s.push('\n');
    };
    list(&mut s, "New findings", &d.new_findings);
    list(&mut s, "Fixed findings", &d.fixed_findings);
    if !d.severity_changed.is_empty() {
        s.push_str(&format!("## Changed severity ({})\n\n", d.severity_changed.len()));
        for c in &d.severity_changed {
            let f = &c.finding;
            s.push_str(&format!(
                "- {} → **{}** `{}` {}: {} (`{}`)\n",
                c.old_severity,
                f.severity,
                md(&f.rule_id),
                md(&f.resource),
                md(&f.message),
                md(&f.id)
            ));
        }
        s.push('\n');
    }
    let table = |s: &mut String, title: &str, head: &str, groups: &BTreeMap<String, ChangeCounts>| {
        if groups.is_empty() {
            return;
        }
        s.push_str(&format!("## {title}\n\n| {head} | New | Fixed | Severity changed |\n|---|---:|---:|---:|\n"));
        for (k, c) in groups {
            s.push_str(&format!("| {} | {} | {} | {} |\n", md(k), c.new, c.fixed, c.severity_changed));
        }
        s.push('\n');
    };
    table(&mut s, "Per rule", "Rule", &d.by_rule);
    table(&mut s, "Per resource", "Resource", &d.by_resource);
    s
}

/// The diff as plain text for a terminal (controls removed, no Markdown).
pub fn terminal(d: &Diff) -> String {
    let mut s = String::from("Security diff\n\n");
    s.push_str(&format!("  old  {}\n  new  {}\n\n", plain(&side_name(&d.old)), plain(&side_name(&d.new))));
    s.push_str(&format!(
        "  score     {:>3} -> {:>3}  ({})\n  coverage  {:>3}% -> {:>3}%  ({})\n  findings  {:>3} -> {:>3}\n\n",
        d.old.score,
        d.new.score,
        signed(d.score_change),
        d.old.coverage_percent,
        d.new.coverage_percent,
        signed(d.coverage_change),
        d.old.findings,
        d.new.findings
    ));
    if !d.same_cluster {
        s.push_str("  note: different clusters; finding ids include the account, region and cluster\n\n");
    }
    s.push_str(&format!(
        "  {} new, {} fixed, {} with another severity, {} unchanged\n",
        d.new_findings.len(),
        d.fixed_findings.len(),
        d.severity_changed.len(),
        d.unchanged
    ));
    let list = |s: &mut String, title: &str, mark: &str, items: &[PriorFinding]| {
        if items.is_empty() {
            return;
        }
        s.push_str(&format!("\n{title} ({})\n", items.len()));
        for f in items {
            s.push_str(&format!(
                "  {mark} {:<8} {}  {}  {}\n",
                f.severity.as_str(),
                plain(&f.rule_id),
                plain(&f.resource),
                plain(&f.id)
            ));
        }
    };
    list(&mut s, "New findings", "+", &d.new_findings);
    list(&mut s, "Fixed findings", "-", &d.fixed_findings);
    if !d.severity_changed.is_empty() {
        s.push_str(&format!("\nChanged severity ({})\n", d.severity_changed.len()));
        for c in &d.severity_changed {
            let f = &c.finding;
            s.push_str(&format!(
                "  ~ {} -> {}  {}  {}  {}\n",
                c.old_severity.as_str(),
                f.severity.as_str(),
                plain(&f.rule_id),
                plain(&f.resource),
                plain(&f.id)
            ));
        }
    }
    let table = |s: &mut String, title: &str, groups: &BTreeMap<String, ChangeCounts>| {
        if groups.is_empty() {
            return;
        }
        s.push_str(&format!("\n{title} (new / fixed / severity changed)\n"));
        for (k, c) in groups {
            s.push_str(&format!("  {:>3} {:>3} {:>3}  {}\n", c.new, c.fixed, c.severity_changed, plain(k)));
        }
    };
    table(&mut s, "Per rule", &d.by_rule);
    table(&mut s, "Per resource", &d.by_resource);
    s
}

/// The diff as pretty JSON.
pub fn json(d: &Diff) -> String {
    // Plain data; serialising it cannot fail.
    serde_json::to_string_pretty(d).unwrap_or_default() // ok: infallible
}
