//! Running the rules over a snapshot: gaps become "not evaluated", findings are scrubbed of
//! secrets and put in a deterministic order, and filters give views of the result.

use serde::Serialize;

use super::score::{Score, SeverityCounts};
use super::{Category, Finding, Findings, Rule, Scope, Severity, registry};
use crate::model::{Completeness, DataSource, Gap, Snapshot, Stats};
use crate::redact::Scrubber;

/// Why some data a rule needs is missing, and which permission would bring it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GapNote {
    pub source: DataSource,
    /// What failed, e.g. `ecs:DescribeTaskDefinition failed with AccessDeniedException`.
    pub reason: String,
    /// IAM actions to grant.
    pub permissions: Vec<String>,
}

/// How completely a rule could be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Evaluation {
    Complete,
    /// The rule ran, but some resources could not be read.
    Partial {
        gaps: Vec<GapNote>,
    },
    /// The rule could not run: data it needs is missing.
    NotEvaluated {
        gaps: Vec<GapNote>,
    },
    /// There is nothing for the rule to examine in this cluster.
    NotApplicable,
}

/// The outcome of one rule, as compliance sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleStatus {
    Fail,
    NotEvaluated,
    Pass,
    NotApplicable,
}

impl RuleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleStatus::Fail => "fail",
            RuleStatus::NotEvaluated => "not-evaluated",
            RuleStatus::Pass => "pass",
            RuleStatus::NotApplicable => "not-applicable",
        }
    }
}

/// One rule's result.
#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    #[serde(serialize_with = "rule_id")]
    pub rule: &'static Rule,
    pub evaluation: Evaluation,
    pub findings: usize,
}

fn rule_id<S: serde::Serializer>(rule: &&'static Rule, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(rule.id)
}

impl RuleResult {
    /// A rule with findings fails even when its data was incomplete; a rule that saw
    /// nothing wrong passes only when it saw everything.
    pub fn status(&self) -> RuleStatus {
        match (&self.evaluation, self.findings) {
            (_, n) if n > 0 => RuleStatus::Fail,
            (Evaluation::Complete, _) => RuleStatus::Pass,
            (Evaluation::NotApplicable, _) => RuleStatus::NotApplicable,
            (Evaluation::Partial { .. } | Evaluation::NotEvaluated { .. }, _) => RuleStatus::NotEvaluated,
        }
    }

    /// The data gaps behind a partial or missing evaluation.
    pub fn gaps(&self) -> &[GapNote] {
        match &self.evaluation {
            Evaluation::Partial { gaps } | Evaluation::NotEvaluated { gaps } => gaps,
            _ => &[],
        }
    }
}

/// Which severities to show. A single severity is a threshold (`High` shows High and
/// Critical); a list is an exact set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum SeverityFilter {
    #[default]
    All,
    AtLeast(Severity),
    Only(Vec<Severity>),
}

impl SeverityFilter {
    pub fn allows(&self, s: Severity) -> bool {
        match self {
            SeverityFilter::All => true,
            SeverityFilter::AtLeast(min) => s >= *min,
            SeverityFilter::Only(set) => set.contains(&s),
        }
    }

    pub fn is_all(&self) -> bool {
        *self == SeverityFilter::All
    }
}

/// A view of an analysis: which findings and rules to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Filter {
    pub severity: SeverityFilter,
    /// Empty means every category.
    pub categories: Vec<Category>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.severity.is_all() && self.categories.is_empty()
    }

    pub fn allows_rule(&self, rule: &Rule) -> bool {
        self.categories.is_empty() || self.categories.contains(&rule.category)
    }

    pub fn allows(&self, f: &Finding) -> bool {
        self.allows_rule(f.rule) && self.severity.allows(f.severity)
    }
}

/// The result of running every rule on one snapshot.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub cluster_name: String,
    pub cluster_arn: String,
    pub region: String,
    pub account_id: Option<String>,
    pub collected_at: String,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
    /// One result per registered rule, in registry order.
    pub results: Vec<RuleResult>,
    /// The collection gaps, including task definitions the snapshot lacks.
    pub gaps: Vec<Gap>,
    pub stats: Stats,
    /// The view applied by [`Analysis::filtered`]; empty for a full analysis.
    pub filter: Filter,
    /// Score and counts over every finding, whatever the filter.
    pub overall: Score,
    /// Which services are reachable from the internet.
    pub exposure: Exposure,
    /// Suppressed findings, expired and stale entries, baseline states (see `triage`).
    pub triage: crate::triage::Triage,
}

/// Services reachable from outside the VPC, used to prioritise recommendations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Exposure {
    /// Services behind an internet-facing load balancer (v2 or Classic), or with public IPs in subnets
    /// routed to an internet gateway.
    pub internet_facing: Vec<String>,
    /// Services whose tasks get public IP addresses.
    pub public_ip: Vec<String>,
}

impl Exposure {
    fn of(snapshot: &Snapshot) -> Exposure {
        let mut e = Exposure::default();
        for s in &snapshot.services {
            let configs = s
                .network_configuration
                .iter()
                .chain(s.deployments.iter().filter_map(|d| d.network_configuration.as_ref()))
                .chain(s.task_sets.iter().filter_map(|t| t.network_configuration.as_ref()))
                .filter_map(|n| n.awsvpc());
            let mut public = false;
            let mut routed = false;
            for c in configs {
                if c.assign_public_ip.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("ENABLED")) {
                    public = true;
                    routed |= c.subnets.iter().any(|id| {
                        snapshot
                            .network
                            .subnet(id)
                            .and_then(|sub| snapshot.network.route_table_for_subnet(sub))
                            .is_some_and(|rt| rt.internet_gateway_route().is_some())
                    });
                }
            }
            let behind_public_lb = s.load_balancers.iter().any(|lb| {
                lb.target_group_arn.as_deref().and_then(|tg| snapshot.load_balancing.target_group(tg)).is_some_and(
                    |tg| {
                        tg.load_balancer_arns.iter().any(|arn| {
                            snapshot.load_balancing.load_balancer(arn).is_some_and(|l| l.is_internet_facing())
                        })
                    },
                ) || lb
                    .load_balancer_name
                    .as_deref()
                    .and_then(|n| snapshot.load_balancing.classic_load_balancer(n))
                    .is_some_and(|c| c.is_internet_facing())
            });
            if public {
                e.public_ip.push(s.service_name.clone());
            }
            if behind_public_lb || routed {
                e.internet_facing.push(s.service_name.clone());
            }
        }
        e
    }
}

/// Runs every registered rule over the snapshot.
pub fn analyze(snapshot: &Snapshot) -> Analysis {
    analyze_with_rules(snapshot, registry::all())
}

/// Runs only the given rules over the snapshot (tests and focused checks).
pub fn analyze_with_rules(snapshot: &Snapshot, rules: &[&'static Rule]) -> Analysis {
    let mut snap_gaps = snapshot.gaps.clone();
    for arn in snapshot.missing_task_definitions() {
        let covered = snap_gaps
            .iter()
            .any(|g| g.operation == "DescribeTaskDefinition" && g.resource.as_deref().is_none_or(|r| r == arn));
        if !covered {
            snap_gaps.push(Gap {
                service: "ecs".into(),
                operation: "DescribeTaskDefinition".into(),
                error_code: "NotInSnapshot".into(),
                message: "the task definition is referenced but the snapshot does not contain it".into(),
                resource: Some(arn.to_owned()),
            });
        }
    }
    let with_gaps;
    let snapshot = if snap_gaps.len() != snapshot.gaps.len() {
        with_gaps = Snapshot { gaps: snap_gaps.clone(), ..snapshot.clone() };
        &with_gaps
    } else {
        snapshot
    };

    let scrubber = Scrubber::for_snapshot(snapshot);
    let mut findings = Vec::new();
    let mut results = Vec::with_capacity(rules.len());
    for &rule in rules {
        let evaluation = evaluation_for(rule, snapshot);
        let mut found = Vec::new();
        if !matches!(evaluation, Evaluation::NotEvaluated { .. } | Evaluation::NotApplicable) {
            let mut out = Findings::new(rule);
            (rule.check)(snapshot, &mut out);
            found = out.into_vec();
        }
        for f in &mut found {
            scrub(f, &scrubber);
        }
        results.push(RuleResult { rule, evaluation, findings: found.len() });
        findings.extend(found);
    }
    sort_findings(&mut findings);
    super::identity::assign(&mut findings, snapshot.account_id.as_deref(), &snapshot.region);
    let overall = Score::of(&findings, &results);
    Analysis {
        cluster_name: snapshot.cluster.cluster_name.clone(),
        cluster_arn: snapshot.cluster.cluster_arn.clone(),
        region: snapshot.region.clone(),
        account_id: snapshot.account_id.clone(),
        collected_at: snapshot.collected_at.clone(),
        findings,
        results,
        gaps: snap_gaps,
        stats: snapshot.stats.clone(),
        filter: Filter::default(),
        overall,
        exposure: Exposure::of(snapshot),
        triage: Default::default(),
    }
}

fn evaluation_for(rule: &Rule, snapshot: &Snapshot) -> Evaluation {
    let mut missing = Vec::new();
    let mut partial = Vec::new();
    for &source in rule.requires {
        match snapshot.completeness(source) {
            Completeness::Complete => {}
            Completeness::Partial(gaps) => partial.push(note(source, &gaps)),
            Completeness::Missing(gaps) => missing.push(note(source, &gaps)),
        }
    }
    if !missing.is_empty() {
        missing.extend(partial);
        return Evaluation::NotEvaluated { gaps: missing };
    }
    if !rule.scope.applies_to(snapshot) {
        // Nothing in scope among the resources that could be read: the ones that could not
        // may well be in scope, so this is "not applicable" only on complete data.
        for &source in scope_sources(rule.scope) {
            if rule.requires.contains(&source) {
                continue;
            }
            if let Completeness::Partial(gaps) | Completeness::Missing(gaps) = snapshot.completeness(source) {
                partial.push(note(source, &gaps));
            }
        }
        return if partial.is_empty() { Evaluation::NotApplicable } else { Evaluation::NotEvaluated { gaps: partial } };
    }
    if partial.is_empty() { Evaluation::Complete } else { Evaluation::Partial { gaps: partial } }
}

/// The data that decides whether a scope has anything to examine.
fn scope_sources(scope: Scope) -> &'static [DataSource] {
    use DataSource as D;
    match scope {
        Scope::Cluster | Scope::TaggedResources => &[],
        Scope::CapacityProviders | Scope::ManagedInstancesProviders => &[D::CapacityProviders],
        Scope::ContainerInstances => &[D::ContainerInstances],
        Scope::Services | Scope::TaskSets | Scope::ServiceConnect => &[D::Services],
        Scope::Tasks => &[D::Tasks],
        // Workloads are the task-definition revisions that services and tasks run.
        Scope::Workloads
        | Scope::Containers
        | Scope::Ec2Workloads
        | Scope::FargateWorkloads
        | Scope::Volumes
        | Scope::MeshWorkloads
        | Scope::PrivateEcrImages => &[D::Services, D::Tasks, D::TaskDefinitions],
        Scope::EcrRepositories => &[D::EcrRepositories],
        Scope::Vpcs => &[D::Vpcs],
        Scope::Subnets => &[D::Subnets],
        Scope::SecurityGroups => &[D::SecurityGroups],
        Scope::LoadBalancers => &[D::LoadBalancers],
        Scope::Listeners => &[D::Listeners],
        Scope::ClassicLoadBalancers => &[D::ClassicLoadBalancers],
    }
}

fn note(source: DataSource, gaps: &[&Gap]) -> GapNote {
    let mut reasons: Vec<String> = gaps
        .iter()
        .map(|g| {
            let what = match &g.resource {
                Some(r) => format!(" for {r}"),
                None => String::new(),
            };
            format!("{}:{}{what} failed with {}", g.service, g.operation, g.error_code)
        })
        .collect();
    reasons.dedup();
    let shown = reasons.len().min(3);
    let mut reason = reasons[..shown].join("; ");
    if reasons.len() > shown {
        reason.push_str(&format!("; and {} more", reasons.len() - shown));
    }
    let mut permissions: Vec<String> = gaps
        .iter()
        .filter(|g| g.is_access_denied() || g.error_code == "NotInSnapshot")
        .map(|g| g.iam_action())
        .collect();
    if permissions.is_empty() {
        // Not a permission problem (throttling, a timeout): the calls that feed the data.
        let own = |g: &Gap| source.operations().iter().any(|(s, o)| *s == g.service && *o == g.operation);
        permissions = if gaps.iter().all(|g| own(g)) {
            source.iam_actions()
        } else {
            gaps.iter().map(|g| g.iam_action()).collect()
        };
    }
    permissions.sort();
    permissions.dedup();
    GapNote { source, reason, permissions }
}

fn scrub(f: &mut Finding, scrubber: &Scrubber) {
    f.message = scrubber.scrub(&f.message);
    f.resource.name = scrubber.scrub(&f.resource.name);
    for e in &mut f.evidence {
        e.value = scrubber.scrub(&e.value);
        e.key = scrubber.scrub(&e.key);
    }
}

fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.id.cmp(b.rule.id))
            .then_with(|| a.resource.to_string().cmp(&b.resource.to_string()))
            .then_with(|| a.resource.arn.cmp(&b.resource.arn))
            .then_with(|| a.message.cmp(&b.message))
    });
}

impl Analysis {
    /// A view with only the findings and rules the filter allows. Scores and counts over
    /// the whole cluster stay in [`Analysis::overall`].
    pub fn filtered(&self, filter: &Filter) -> Analysis {
        let findings = self.findings.iter().filter(|f| filter.allows(f)).cloned().collect();
        let results = self.results.iter().filter(|r| filter.allows_rule(r.rule)).cloned().collect();
        let mut triage = self.triage.clone();
        triage.suppressed.retain(|s| filter.allows(&s.finding));
        Analysis { findings, results, filter: filter.clone(), triage, ..self.clone() }
    }

    /// Counts of the findings in this view.
    pub fn counts(&self) -> SeverityCounts {
        SeverityCounts::of(&self.findings)
    }

    /// Rules that could not be (fully) evaluated, with their reasons.
    pub fn not_evaluated(&self) -> impl Iterator<Item = &RuleResult> {
        self.results.iter().filter(|r| !r.gaps().is_empty())
    }

    pub fn result(&self, rule_id: &str) -> Option<&RuleResult> {
        self.results.iter().find(|r| r.rule.id == rule_id)
    }
}
