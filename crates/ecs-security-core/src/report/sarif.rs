//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers, built with the
//! `serde-sarif` types (generated from the official schema).
//!
//! Cloud resources have no source file, so each result carries the resource ARN as a logical
//! location and a stable pseudo-path (`ecs/<region>/<cluster>/<kind>/<name>`) as its physical
//! location, which code-scanning UIs need to display a result. Rules that could not be
//! evaluated are reported as tool execution notifications with the permission to add.
//!
//! Findings of linted files have a real place: [`build_with_locations`] gives their results
//! the file (relative to the repository root), line and column instead of the pseudo-path.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, RunAutomationDetails, SCHEMA_URL, Sarif, Suppression, Tool, ToolComponent,
};

use super::ReportOptions;
use crate::compliance;
use crate::rules::{self as rules_mod, Analysis, Confidence, Filter, Finding, Rule, Severity};

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// GitHub's `security-severity` (0-10) for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn help_markdown(r: &Rule) -> String {
    let m = &r.remediation;
    let mut s = format!("{}\n\n**Fix.** {}\n\n", r.rationale, m.summary);
    for (i, step) in m.steps.iter().enumerate() {
        s.push_str(&format!("{}. {step}\n", i + 1));
    }
    s.push_str(&format!(
        "\nAWS CLI:\n```bash\n{}\n```\nTerraform:\n```hcl\n{}\n```\nCloudFormation:\n```yaml\n{}\n```\n",
        m.cli, m.terraform, m.cloudformation
    ));
    s
}

/// `security`, the category and the domain, each once (SARIF requires unique tags).
fn tags(r: &Rule) -> Vec<String> {
    let mut t = vec!["security".to_owned(), r.category.as_str().to_owned(), r.domain.as_str().to_owned()];
    t.sort();
    t.dedup();
    t
}

fn descriptor(r: &Rule) -> ReportingDescriptor {
    let mut props = BTreeMap::new();
    props.insert("security-severity".to_owned(), json!(security_severity(r.severity)));
    props.insert("precision".to_owned(), json!(precision(r.confidence)));
    props.insert("problem.severity".to_owned(), json!(level_name(r.severity)));
    props.insert("compliance".to_owned(), json!(compliance::controls_for_rule(r.id)));
    props.insert("peers".to_owned(), json!(r.peers));
    let config = ReportingConfiguration::builder().level(json!(level_name(r.severity))).build();
    let mut d = ReportingDescriptor::builder()
        .id(r.id)
        .name(r.id)
        .short_description(MultiformatMessageString::builder().text(r.title).build())
        .full_description(MultiformatMessageString::builder().text(r.rationale).build())
        .help(
            MultiformatMessageString::builder()
                .text(format!("{} {}", r.remediation.summary, r.remediation.cli))
                .markdown(help_markdown(r))
                .build(),
        )
        .default_configuration(config)
        .properties(PropertyBag::builder().tags(tags(r)).additional_properties(props).build())
        .build();
    d.help_uri = r.references.first().map(|u| (*u).to_owned());
    d
}

fn level_name(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

/// Percent-encodes a path segment (AWS names are data, not path syntax).
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where a finding is in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The file, relative to the repository root, `/`-separated (not yet percent-encoded).
    pub uri: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// RFC 6901 pointer to the value in the file.
    pub pointer: String,
}

/// Percent-encodes a relative file path for a URI reference, keeping `/`.
fn path_uri(path: &str) -> String {
    path.split('/').map(segment).collect::<Vec<_>>().join("/")
}

fn result(f: &Finding, index: usize, region: &str, cluster: &str, at: Option<&SourceLocation>) -> SarifResult {
    let kind =
        serde_json::to_value(f.resource.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let pseudo: String = format!("ecs/{}/{}/{}/{}", segment(region), segment(cluster), kind, segment(&f.resource.name));
    let mut logical = LogicalLocation::builder().name(f.resource.to_string()).kind(kind.clone()).build();
    // The ARN, or the resource id for EC2 resources; else the pseudo-path.
    logical.fully_qualified_name = Some(f.resource.arn.clone().unwrap_or_else(|| pseudo.clone()));
    let (uri, region) = match at {
        Some(at) => {
            let mut r = Region::builder().start_line(to_i64(at.line)).start_column(to_i64(at.column)).build();
            r.properties = Some(
                PropertyBag::builder()
                    .additional_properties(BTreeMap::from([("jsonPointer".to_owned(), json!(at.pointer))]))
                    .build(),
            );
            (path_uri(&at.uri), r)
        }
        None => (pseudo, Region::builder().start_line(1).build()),
    };
    let mut artifact = ArtifactLocation::builder().uri(uri).build();
    if at.is_some() {
        artifact.uri_base_id = Some("%SRCROOT%".to_owned());
    }
    let location = Location::builder()
        .physical_location(PhysicalLocation::builder().artifact_location(artifact).region(region).build())
        .logical_locations(vec![logical])
        .message(Message::builder().text(f.resource.to_string()).build())
        .build();
    let mut props = BTreeMap::new();
    props.insert("severity".to_owned(), json!(f.severity));
    props.insert("security-severity".to_owned(), json!(security_severity(f.severity)));
    props.insert("confidence".to_owned(), json!(precision(f.confidence)));
    props.insert(
        "evidence".to_owned(),
        Value::Object(f.evidence.iter().map(|e| (e.key.clone(), json!(e.value))).collect()),
    );
    props.insert("resource".to_owned(), json!(f.resource.to_string()));
    let mut fingerprints = BTreeMap::new();
    // The finding id: stable across runs, revisions and redeploys (rules::identity).
    fingerprints.insert("ecsSecurityFinding/v2".to_owned(), f.id.clone());
    SarifResult::builder()
        .rule_id(f.rule.id)
        .rule_index(i64::try_from(index).unwrap_or(0))
        .level(level(f.severity))
        .message(Message::builder().text(format!("{}: {}", f.resource, f.message)).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build()
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n.max(1)).unwrap_or(i64::MAX)
}

/// Builds the SARIF log for a view of the analysis.
pub fn build(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> Sarif {
    build_with_locations(full, filter, opts, &BTreeMap::new())
}

/// [`build`], with the source-file place of findings (keyed by finding id) for linted files;
/// findings without one keep the pseudo-path.
pub fn build_with_locations(
    full: &Analysis,
    filter: &Filter,
    opts: &ReportOptions,
    locations: &BTreeMap<String, SourceLocation>,
) -> Sarif {
    let view = full.filtered(filter);
    let all = rules_mod::all();
    let index_of = |id: &str| all.iter().position(|r| r.id == id).unwrap_or(0);
    let baseline = full.triage.baseline.as_ref();
    let state = |f: &Finding| baseline.and_then(|b| b.state(&f.id)).map(|s| json!(s.as_str()));
    let mut results: Vec<SarifResult> = view
        .findings
        .iter()
        .map(|f| {
            let mut r = result(f, index_of(f.rule.id), &full.region, &full.cluster_name, locations.get(&f.id));
            r.baseline_state = state(f);
            r
        })
        .collect();
    // Suppressed findings stay in the log, marked as suppressed outside the tool, with why.
    for s in &view.triage.suppressed {
        let f = &s.finding;
        let mut r = result(f, index_of(f.rule.id), &full.region, &full.cluster_name, locations.get(&f.id));
        r.baseline_state = state(f);
        let mut props = BTreeMap::new();
        props.insert("entry".to_owned(), json!(s.entry.entry));
        props.insert("line".to_owned(), json!(s.entry.line));
        props.insert("matches".to_owned(), json!(s.entry.matches));
        if let Some(o) = &s.entry.owner {
            props.insert("owner".to_owned(), json!(o));
        }
        if let Some(e) = &s.entry.expires {
            props.insert("expires".to_owned(), json!(e));
        }
        let mut suppression = Suppression::builder().kind(json!("external")).build();
        suppression.justification = Some(s.entry.reason.clone());
        suppression.properties = Some(PropertyBag::builder().additional_properties(props).build());
        r.suppressions = Some(vec![suppression]);
        results.push(r);
    }
    // Findings of the baseline that are gone: absent results, as SARIF baselining expects.
    for p in baseline.map(|b| b.absent.as_slice()).unwrap_or_default() {
        if !filter.severity.allows(p.severity) || rules_mod::by_id(&p.rule_id).is_some_and(|r| !filter.allows_rule(r)) {
            continue;
        }
        let mut fingerprints = BTreeMap::new();
        fingerprints.insert("ecsSecurityFinding/v2".to_owned(), p.id.clone());
        let mut r = SarifResult::builder()
            .message(Message::builder().text(format!("{}: {}", p.resource, p.message)).build())
            .level(level(p.severity))
            .partial_fingerprints(fingerprints)
            .build();
        match rules_mod::by_id(&p.rule_id) {
            Some(rule) => {
                r.rule_id = Some(rule.id.to_owned());
                r.rule_index = i64::try_from(index_of(rule.id)).ok();
            }
            None => r.rule_id = Some(p.rule_id.clone()),
        }
        r.baseline_state = Some(json!("absent"));
        results.push(r);
    }
    let notifications: Vec<Notification> = view
        .not_evaluated()
        .map(|r| {
            let mut perms: Vec<String> = r.gaps().iter().flat_map(|g| g.permissions.clone()).collect();
            perms.sort();
            perms.dedup();
            let reasons: Vec<String> = r.gaps().iter().map(|g| g.reason.clone()).collect();
            Notification::builder()
                .message(
                    Message::builder()
                        .text(format!(
                            "Rule {} was not fully evaluated: {}.{}",
                            r.rule.id,
                            reasons.join("; "),
                            // A file's unknowns have no permission that would bring the data.
                            if perms.is_empty() { String::new() } else { format!(" Grant: {}", perms.join(", ")) }
                        ))
                        .build(),
                )
                .level(json!("warning"))
                .build()
        })
        .collect();
    let mut invocation = Invocation::builder().execution_successful(true).build();
    invocation.tool_execution_notifications = (!notifications.is_empty()).then_some(notifications);
    invocation.end_time_utc = (!opts.generated_at.is_empty()).then(|| opts.generated_at.clone());
    let mut run_props = BTreeMap::new();
    run_props.insert("cluster".to_owned(), json!(full.cluster_name));
    run_props.insert("clusterArn".to_owned(), json!(full.cluster_arn));
    run_props.insert("region".to_owned(), json!(full.region));
    run_props.insert("accountId".to_owned(), json!(full.account_id));
    run_props.insert("collectedAt".to_owned(), json!(full.collected_at));
    run_props.insert("score".to_owned(), json!(full.overall.score));
    run_props.insert("riskLevel".to_owned(), json!(full.overall.risk_level));
    let run = Run::builder()
        .tool(Tool::builder().driver(driver()).build())
        .results(results)
        .invocations(vec![invocation])
        .automation_details(
            RunAutomationDetails::builder()
                .id(format!("ecs-security-mcp/{}/{}/", full.region, full.cluster_name))
                .build(),
        )
        .properties(PropertyBag::builder().additional_properties(run_props).build())
        .build();
    Sarif::builder().schema(SCHEMA_URL).version(json!("2.1.0")).runs(vec![run]).build()
}

/// The tool component with every rule, in catalog order (results refer to rules by index).
pub(crate) fn driver() -> ToolComponent {
    let rules: Vec<ReportingDescriptor> = rules_mod::all().iter().map(|r| descriptor(r)).collect();
    ToolComponent::builder()
        .name(crate::TOOL_NAME)
        .version(crate::TOOL_VERSION)
        .semantic_version(crate::TOOL_VERSION)
        .full_name("ecs-security-mcp: read-only Amazon ECS security auditor")
        .information_uri("https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security.html")
        .rules(rules)
        .build()
}

/// The SARIF log as pretty JSON.
pub fn render(full: &Analysis, filter: &Filter, opts: &ReportOptions) -> String {
    render_with_locations(full, filter, opts, &BTreeMap::new())
}

/// [`build_with_locations`] as pretty JSON.
pub fn render_with_locations(
    full: &Analysis,
    filter: &Filter,
    opts: &ReportOptions,
    locations: &BTreeMap<String, SourceLocation>,
) -> String {
    // The SARIF types are plain data; serialising them cannot fail.
    serde_json::to_string_pretty(&build_with_locations(full, filter, opts, locations)).unwrap_or_default() // ok: infallible
}
