//! The analysis as a model reads it: score, risk and counts first, what changed since the
//! previous analysis, then findings grouped by rule in priority order (a few named examples
//! and the fix each), and a plain statement of what was left out and how to get it. The
//! answer fits a character budget whatever the cluster's size; a cursor continues it.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Serialize;

use super::budget::{self, answer_size, largest_fitting};
use super::recommendations::{self, Recommendation};
use crate::rules::{Analysis, Category, Filter, Severity, SeverityCounts};
use crate::text::{md, plain};

/// How a digest continues: the sentences that tell a model which call gets the rest.
#[derive(Debug, Clone, Copy)]
pub struct Hints<'a> {
    /// How to get the next page, e.g. "call analyze_cluster_security again with `cursor`".
    pub next_page: &'a str,
    /// How to get every finding of one rule.
    pub one_rule: &'a str,
    /// How to list the findings one by one.
    pub findings: &'a str,
    /// Where the full report is, if anywhere.
    pub full_report: Option<&'a str>,
}

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct DigestOptions<'a> {
    /// The budget of the whole answer (text and JSON).
    pub max_chars: usize,
    /// The first rule group to show (from a cursor).
    pub start: usize,
    /// Named examples per rule group at most.
    pub examples: usize,
    /// Identifies this listing in cursors (cluster, collection time, filter, tool).
    pub listing: &'a str,
    pub hints: Hints<'a>,
}

/// The structured half of a digest.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AnalysisDigest {
    /// The gist in a few sentences, for clients that pass only structured content on.
    pub summary: String,
    pub cluster: String,
    pub region: String,
    pub account_id: Option<String>,
    /// When the data was collected (RFC 3339).
    pub collected_at: String,
    /// 0 (worst) to 100, over every finding whatever the filter.
    pub score: u8,
    pub risk_level: String,
    pub findings: Counts,
    /// Applicable rules evaluated on complete data, in percent.
    pub coverage_percent: u8,
    /// The active filter, when there is one.
    pub filter: Option<String>,
    /// New and fixed findings since the previous analysis of this cluster, when known.
    pub changes: Option<Changes>,
    /// What the suppressions file did, when one is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressions: Option<SuppressionBrief>,
    /// Findings grouped by rule, highest priority first.
    pub rules: Vec<RuleDigest>,
    pub not_evaluated: NotEvaluatedDigest,
    pub page: Page,
}

/// Finding counts by severity.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
pub struct Counts {
    pub total: usize,
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl From<&SeverityCounts> for Counts {
    fn from(c: &SeverityCounts) -> Counts {
        Counts { total: c.total(), critical: c.critical, high: c.high, medium: c.medium, low: c.low }
    }
}

/// What the suppressions file did to this analysis.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SuppressionBrief {
    /// The file, as configured.
    pub file: String,
    /// Findings an entry accepted (in this view): not counted in the score or the counts.
    pub suppressed: usize,
    /// Entries past their `expires` date, which no longer apply.
    pub expired: usize,
    /// Entries that matched no finding.
    pub stale: usize,
    /// Up to five expired or stale entries, e.g. `expired: entry 2 (line 7: rule=…)`.
    pub review: Vec<String>,
}

impl SuppressionBrief {
    pub fn of(full: &Analysis, view: &Analysis) -> Option<SuppressionBrief> {
        let t = &full.triage;
        let file = t.suppressions.as_deref()?;
        let expired = t.expired.iter().map(|e| format!("expired: {}", plain(&e.to_string())));
        let stale = t.stale.iter().map(|e| format!("stale: {}", plain(&e.to_string())));
        Some(SuppressionBrief {
            file: plain(file),
            suppressed: view.triage.suppressed.len(),
            expired: t.expired.len(),
            stale: t.stale.len(),
            review: expired.chain(stale).take(5).collect(),
        })
    }
}

/// What changed since an earlier analysis of the same cluster.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Changes {
    /// When the earlier data was collected.
    pub since: String,
    pub new: usize,
    /// Findings that are gone from the cluster (not those a suppression now accepts).
    pub fixed: usize,
    /// Findings still present that a suppression accepted since then.
    pub newly_suppressed: usize,
    /// Up to ten ids of new findings.
    pub new_ids: Vec<String>,
    /// Up to ten ids of findings that are gone.
    pub fixed_ids: Vec<String>,
}

impl Changes {
    /// New and fixed finding ids between `previous` and `current`. A finding that moved into
    /// or out of the suppressed list is still there: it is neither fixed nor new.
    pub fn between(previous: &Analysis, current: &Analysis) -> Changes {
        let ids = |a: &'_ Analysis| -> (BTreeSet<String>, BTreeSet<String>) {
            let active = a.findings.iter().map(|f| f.id.clone()).collect();
            let suppressed = a.triage.suppressed.iter().map(|s| s.finding.id.clone()).collect();
            (active, suppressed)
        };
        let (before_active, before_suppressed) = ids(previous);
        let (now_active, now_suppressed) = ids(current);
        let before_all: BTreeSet<&String> = before_active.union(&before_suppressed).collect();
        let now_all: BTreeSet<&String> = now_active.union(&now_suppressed).collect();
        let new: Vec<&String> = now_active.iter().filter(|id| !before_all.contains(id)).collect();
        let fixed: Vec<&String> = before_all.difference(&now_all).copied().collect();
        let newly_suppressed = before_active.intersection(&now_suppressed).count();
        Changes {
            since: previous.collected_at.clone(),
            new: new.len(),
            fixed: fixed.len(),
            newly_suppressed,
            new_ids: new.iter().take(10).map(|s| (*s).clone()).collect(),
            fixed_ids: fixed.iter().take(10).map(|s| (*s).clone()).collect(),
        }
    }

    /// ", K newly suppressed" when a suppression accepted findings since then.
    fn suppressed_note(&self) -> String {
        if self.newly_suppressed > 0 { format!(", {} newly suppressed", self.newly_suppressed) } else { String::new() }
    }
}

/// One rule's findings in brief.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RuleDigest {
    pub rule_id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// Higher is more urgent (severity, exposure, breadth).
    pub priority: u32,
    /// How many resources the rule flags.
    pub affected: usize,
    /// A few of them, by finding id (none for rules listed in brief).
    pub examples: Vec<Example>,
    /// What to change (absent for rules listed in brief; `get_finding_details` has it all).
    pub fix: Option<&'static str>,
}

/// One affected resource.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Example {
    /// The finding id, for `get_finding_details`.
    pub id: String,
    pub resource: String,
    pub message: String,
}

/// Rules that could not be evaluated on complete data (never counted as passed).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NotEvaluatedDigest {
    pub rules: usize,
    /// IAM actions to grant so they can be.
    pub permissions: Vec<String>,
    /// The calls that failed during collection, by operation and error (up to 20).
    pub gaps: Vec<GapBrief>,
}

/// Failed calls of one operation with one error.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct GapBrief {
    /// `service:Operation`, e.g. `ec2:DescribeSecurityGroups`.
    pub operation: String,
    /// The error, e.g. `AccessDenied` or `Timeout`.
    pub error_code: String,
    /// How many calls failed this way.
    pub calls: usize,
}

/// Where this answer sits in the whole listing.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Page {
    pub rules_shown: usize,
    pub rules_total: usize,
    pub findings_shown: usize,
    pub findings_total: usize,
    /// Pass it back to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// What was left out and how to get it.
    pub more: Option<String>,
}

/// The digest of `full` seen through `filter`, in Markdown and as data, within the budget.
pub fn analysis(
    full: &Analysis,
    filter: &Filter,
    previous: Option<&Analysis>,
    opts: &DigestOptions<'_>,
) -> (AnalysisDigest, String) {
    let view = full.filtered(filter);
    let recs = recommendations::build(&view);
    let changes = previous.map(|p| Changes::between(p, full));
    let start = opts.start.min(recs.len());
    let rest = &recs[start..];
    let build = |n: usize, detailed: usize, examples: usize| {
        let digest = assemble(full, filter, &view, &recs, start, &rest[..n], detailed, examples, changes.clone(), opts);
        let text = markdown(&digest, opts);
        (digest, text)
    };
    let size = |n: usize, detailed: usize, examples: usize| {
        let (d, t) = build(n, detailed, examples);
        answer_size(&t, &d)
    };
    // First every rule that fits in brief (all of them, unless the budget is tiny), then as
    // many of those as fit in detail: with three examples each, or one when that shows
    // clearly more rules in detail.
    let n = largest_fitting(rest.len(), opts.max_chars, |n| size(n, 0, 0));
    let examples = opts.examples.max(1);
    let mut detailed = largest_fitting(n, opts.max_chars, |k| size(n, k, examples));
    let mut chosen = examples;
    if examples > 1 && detailed < n {
        let with_one = largest_fitting(n, opts.max_chars, |k| size(n, k, 1));
        if with_one > detailed + detailed / 2 {
            detailed = with_one;
            chosen = 1;
        }
    }
    build(n, detailed, chosen)
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    full: &Analysis,
    filter: &Filter,
    view: &Analysis,
    recs: &[Recommendation],
    start: usize,
    shown: &[Recommendation],
    detailed: usize,
    examples: usize,
    changes: Option<Changes>,
    opts: &DigestOptions<'_>,
) -> AnalysisDigest {
    let o = &full.overall;
    let rules: Vec<RuleDigest> = shown
        .iter()
        .enumerate()
        .map(|(i, r)| (r, if i < detailed { examples } else { 0 }))
        .map(|(r, examples)| RuleDigest {
            rule_id: r.rule_id,
            title: r.title,
            severity: r.severity,
            category: r.category,
            priority: r.priority,
            affected: r.affected.len(),
            examples: r
                .affected
                .iter()
                .take(examples)
                .map(|a| Example { id: a.id.clone(), resource: plain(&a.resource), message: plain(&a.message) })
                .collect(),
            fix: (examples > 0).then_some(r.remediation.summary),
        })
        .collect();
    let findings_before: usize = recs[..start].iter().map(|r| r.affected.len()).sum();
    let findings_shown: usize = shown.iter().map(|r| r.affected.len()).sum();
    let end = start + shown.len();
    let next_cursor = (end < recs.len()).then(|| budget::cursor(end, opts.listing));
    let left_rules = recs.len() - end;
    let left_findings = view.findings.len() - findings_before - findings_shown;
    let more = (left_rules > 0 || start > 0 || rules.iter().any(|r| r.affected > r.examples.len())).then(|| {
        let mut s = String::new();
        if left_rules > 0 {
            s.push_str(&format!(
                "{left_rules} more rules with {left_findings} findings follow: {}. ",
                opts.hints.next_page
            ));
        }
        if start > 0 {
            s.push_str(&format!("{start} higher-priority rules came on earlier pages. "));
        }
        s.push_str(&format!(
            "Every resource of one rule: {}. Every finding: {}.",
            opts.hints.one_rule, opts.hints.findings
        ));
        if let Some(r) = opts.hints.full_report {
            s.push_str(&format!(" The full report: {r}."));
        }
        s
    });
    let mut permissions: Vec<String> =
        full.not_evaluated().flat_map(|r| r.gaps().iter().flat_map(|g| g.permissions.clone())).collect();
    permissions.sort();
    permissions.dedup();
    let mut gaps: Vec<GapBrief> = Vec::new();
    for g in &full.gaps {
        let operation = format!("{}:{}", plain(&g.service), plain(&g.operation));
        match gaps.iter_mut().find(|b| b.operation == operation && b.error_code == g.error_code) {
            Some(b) => b.calls += 1,
            None => gaps.push(GapBrief { operation, error_code: plain(&g.error_code), calls: 1 }),
        }
    }
    gaps.sort();
    gaps.truncate(20);
    let not_evaluated = NotEvaluatedDigest { rules: full.not_evaluated().count(), permissions, gaps };
    let page = Page {
        rules_shown: rules.len(),
        rules_total: recs.len(),
        findings_shown,
        findings_total: view.findings.len(),
        next_cursor,
        more,
    };
    let brief = SuppressionBrief::of(full, view);
    let summary = summary(full, &rules, &page, &not_evaluated, changes.as_ref(), brief.as_ref());
    AnalysisDigest {
        summary,
        cluster: full.cluster_name.clone(),
        region: full.region.clone(),
        account_id: full.account_id.clone(),
        collected_at: full.collected_at.clone(),
        score: o.score,
        risk_level: o.risk_level.as_str().to_owned(),
        findings: Counts::from(&o.by_severity),
        coverage_percent: o.coverage_percent,
        filter: super::filter_line(filter, view.findings.len(), o.total_findings),
        changes,
        suppressions: SuppressionBrief::of(full, view),
        rules,
        not_evaluated,
        page,
    }
}

fn summary(
    full: &Analysis,
    rules: &[RuleDigest],
    page: &Page,
    not_evaluated: &NotEvaluatedDigest,
    changes: Option<&Changes>,
    suppressions: Option<&SuppressionBrief>,
) -> String {
    let o = &full.overall;
    let mut s = format!(
        "{} ({}): score {}/100, risk {}, {}.",
        plain(&full.cluster_name),
        plain(&full.region),
        o.score,
        o.risk_level.as_str(),
        super::counts_line(&o.by_severity)
    );
    if let Some(c) = changes {
        s.push_str(&format!(" Since {}: {} new, {} fixed{}.", plain(&c.since), c.new, c.fixed, c.suppressed_note()));
    }
    if let Some(b) = suppressions {
        s.push_str(&format!(
            " {} suppressed by {} (not counted); {} expired and {} stale entries.",
            b.suppressed, b.file, b.expired, b.stale
        ));
    }
    if !rules.is_empty() {
        let top: Vec<String> = rules.iter().take(3).map(|r| format!("{} ({})", r.rule_id, r.affected)).collect();
        s.push_str(&format!(" Most urgent: {}.", top.join(", ")));
    }
    if not_evaluated.rules > 0 {
        s.push_str(&format!(" {} rules not evaluated for missing data (not counted as passed).", not_evaluated.rules));
    }
    s.push_str(&format!(
        " Showing {} of {} rules ({} of {} findings).",
        page.rules_shown, page.rules_total, page.findings_shown, page.findings_total
    ));
    s
}

/// The Markdown half of a digest.
pub fn markdown(d: &AnalysisDigest, opts: &DigestOptions<'_>) -> String {
    let c = &d.findings;
    let mut s = format!("# Security analysis: {} ({})\n\n", md(&d.cluster), md(&d.region));
    s.push_str(&format!(
        "Score **{}/100** · risk **{}** · {} findings ({} Critical, {} High, {} Medium, {} Low) · coverage {}% · data collected {}\n\n",
        d.score, d.risk_level, c.total, c.critical, c.high, c.medium, c.low, d.coverage_percent, md(&d.collected_at)
    ));
    if let Some(f) = &d.filter {
        s.push_str(&format!("> {f}\n\n"));
    }
    if let Some(ch) = &d.changes {
        s.push_str(&format!(
            "Since the analysis of {}: {} new, {} fixed{}.\n\n",
            md(&ch.since),
            ch.new,
            ch.fixed,
            ch.suppressed_note()
        ));
    }
    if let Some(b) = &d.suppressions {
        s.push_str(&format!(
            "**Suppressed:** {} findings accepted in {} (not counted above; `list_findings` with `suppressed: true` lists them with their reasons). {} expired and {} stale entries.\n",
            b.suppressed,
            md(&b.file),
            b.expired,
            b.stale
        ));
        for r in &b.review {
            s.push_str(&format!("- {}\n", md(r)));
        }
        s.push('\n');
    }
    let p = &d.page;
    if p.rules_total == 0 {
        s.push_str("No findings for this view.\n\n");
    } else {
        s.push_str(&format!(
            "## Findings by rule: {} of {} rules ({} of {} findings), highest priority first\n\n",
            p.rules_shown, p.rules_total, p.findings_shown, p.findings_total
        ));
    }
    let offset = opts.start;
    let mut brief = false;
    for (i, r) in d.rules.iter().enumerate() {
        let Some(fix) = r.fix else {
            if !brief {
                s.push_str("In brief (every resource and the fix: `get_finding_details` with the `rule_id`):\n\n");
                brief = true;
            }
            s.push_str(&format!(
                "{}. {} {} · {} (`{}`) · {} affected\n",
                offset + i + 1,
                super::severity_icon(r.severity),
                r.severity,
                r.title,
                r.rule_id,
                r.affected
            ));
            continue;
        };
        s.push_str(&format!(
            "### {}. {} {} · {} (`{}`) · {} affected\n\n",
            offset + i + 1,
            super::severity_icon(r.severity),
            r.severity,
            r.title,
            r.rule_id,
            r.affected
        ));
        for e in &r.examples {
            s.push_str(&format!("- {}: {} (`{}`)\n", md(&e.resource), md(&e.message), e.id));
        }
        if r.affected > r.examples.len() {
            s.push_str(&format!("- …and {} more\n", r.affected - r.examples.len()));
        }
        s.push_str(&format!("\nFix: {fix}\n\n"));
    }
    if brief {
        s.push('\n');
    }
    if let Some(more) = &p.more {
        s.push_str(&format!("**More:** {more}"));
        if let Some(c) = &p.next_cursor {
            s.push_str(&format!(" Next cursor: `{c}`"));
        }
        s.push_str("\n\n");
    }
    let n = &d.not_evaluated;
    if n.rules > 0 {
        let grant: Vec<String> = n.permissions.iter().map(|p| format!("`{p}`")).collect();
        s.push_str(&format!(
            "**Not evaluated:** {} rules could not run on complete data; they are not counted as passed. Grant: {}.\n",
            n.rules,
            if grant.is_empty() { "(see the full report)".to_owned() } else { grant.join(", ") }
        ));
    }
    if !n.gaps.is_empty() {
        let failed: Vec<String> = n
            .gaps
            .iter()
            .map(|g| format!("`{}` ({}, {} calls)", md(&g.operation), md(&g.error_code), g.calls))
            .collect();
        s.push_str(&format!("**Calls that failed during collection:** {}.\n", failed.join(", ")));
    }
    s
}
