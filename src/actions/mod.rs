//! The six actions of the spec, shared by the MCP tools and the CLI's `run`.
//!
//! Each action takes typed parameters and returns Markdown for a reader (or a model) plus
//! structured JSON for machines. `{"action": …, "parameters": {…}}` payloads are parsed here.

mod cache;
mod error;
mod handlers;
mod history;
mod memo;
mod params;
pub mod resources;
mod source;
mod task_definition;
mod triage;

use serde::Deserialize;
use serde_json::Value;

pub use crate::collect::{Depth, ProgressEvent, ProgressTx};
pub use crate::model::ClusterSummary;
pub use error::ActionError;
pub use params::*;
pub use source::{FileSource, Prepared, Source};
pub use triage::{TriageConfig, apply_to as triage_analysis, fails_on, warnings as triage_warnings};

/// The six actions of the spec: the one list that the MCP tools, `run` payloads and the
/// CLI all read their names, titles and descriptions from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    ListClusters,
    SelectCluster,
    Analyze,
    Report,
    Recommendations,
    Compliance,
    ListFindings,
    FindingDetails,
    AnalyzeTaskDefinition,
    DraftSuppression,
    ScanFleet,
}

impl ActionKind {
    /// The spec's six actions, then the drill-down ones, then the file check, the suppression
    /// draft and the fleet.
    pub const ALL: [ActionKind; 11] = [
        ActionKind::ListClusters,
        ActionKind::SelectCluster,
        ActionKind::Analyze,
        ActionKind::Report,
        ActionKind::Recommendations,
        ActionKind::Compliance,
        ActionKind::ListFindings,
        ActionKind::FindingDetails,
        ActionKind::AnalyzeTaskDefinition,
        ActionKind::DraftSuppression,
        ActionKind::ScanFleet,
    ];

    /// The name, as the spec spells it (the MCP tool name and the payload's `action`).
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::ListClusters => "list_clusters",
            ActionKind::SelectCluster => "select_cluster_for_analysis",
            ActionKind::Analyze => "analyze_cluster_security",
            ActionKind::Report => "generate_security_report",
            ActionKind::Recommendations => "get_security_recommendations",
            ActionKind::Compliance => "check_compliance_status",
            ActionKind::ListFindings => "list_findings",
            ActionKind::FindingDetails => "get_finding_details",
            ActionKind::AnalyzeTaskDefinition => "analyze_task_definition",
            ActionKind::DraftSuppression => "draft_suppression",
            ActionKind::ScanFleet => "scan_fleet",
        }
    }

    /// A short human title.
    pub fn title(self) -> &'static str {
        match self {
            ActionKind::ListClusters => "List ECS clusters",
            ActionKind::SelectCluster => "Select a cluster to analyse",
            ActionKind::Analyze => "Analyse cluster security",
            ActionKind::Report => "Generate a security report",
            ActionKind::Recommendations => "Get prioritised recommendations",
            ActionKind::Compliance => "Check compliance status",
            ActionKind::ListFindings => "List findings",
            ActionKind::FindingDetails => "Get finding details",
            ActionKind::AnalyzeTaskDefinition => "Check a task definition before it is deployed",
            ActionKind::DraftSuppression => "Draft a suppression entry for a finding",
            ActionKind::ScanFleet => "Rank the clusters of many regions and accounts",
        }
    }

    /// What the action does, written for a model choosing a tool.
    pub fn description(self) -> &'static str {
        if let Some(d) = self.drill_down_description() {
            return d;
        }
        match self {
            ActionKind::ListClusters => {
                "List the Amazon ECS clusters in an AWS region with their status, service, task and container-instance counts, capacity providers and Container Insights setting. Use it first to discover cluster names. Read-only."
            }
            ActionKind::SelectCluster => {
                "Choose a cluster and an analysis type. Without cluster_name, returns the region's clusters with a one-line posture each and the four analysis types (comprehensive, quick, report, compliance) so the user can pick. With cluster_name, runs the chosen analysis. Read-only."
            }
            ActionKind::Analyze => {
                "Run every security rule against one ECS cluster (cluster settings, ECS Exec, container instances and agents, services and task sets, the task-definition revisions that actually run, IAM roles, secrets, ECR images and scan findings, VPC, security groups, route tables, load balancers, Service Connect, App Mesh, storage, DNS). Returns the score (0-100), risk level, counts and what changed since the previous analysis, then the findings grouped by rule in priority order (the most urgent with example resources, finding ids and the fix), and the rules that could not be evaluated with the IAM permission to add. The answer fits a model's context on any cluster and says what it left out: pass `cursor` for more rules, use get_finding_details for one rule or finding in full, list_findings to page through findings. Secret values are never returned. Optional filters: severity_filter, category_filter. Read-only."
            }
            ActionKind::Report => {
                "Produce a formatted security report for one cluster: summary (score, risk, counts, top issues, quick actions), detailed (every finding grouped by domain with step-by-step fixes, AWS CLI, Terraform and CloudFormation), json (machine-readable contract), executive (business risk and compliance posture for management), sarif (SARIF 2.1.0 for code scanning), html (one self-contained page to open and forward), ocsf (OCSF 1.3.0 Detection Findings, class 2004, for security data lakes), csv (one row per finding, RFC 4180) or junit (JUnit XML: a test case per rule and resource, failures for findings). Honours severity_filter, category_filter and show_details. Read-only."
            }
            ActionKind::Recommendations => {
                "Get the cluster's findings grouped by rule into action items, ordered by severity, exposure (internet-facing, public IP, privileged, exposed credentials) and how many resources are affected, each with every affected resource and implementation guidance (steps, AWS CLI, Terraform, CloudFormation). limit (default 10) applies after filtering; the answer says how many there are in total. Read-only."
            }
            ActionKind::Compliance => {
                "Check the cluster against a compliance framework: aws-foundational (AWS Security Hub FSBP controls), pci-dss (PCI DSS v4.0.1 requirements), hipaa (45 CFR 164.308/164.312 safeguards), soc2 (Trust Services Criteria), nist-800-53 (Security Hub controls outside FSBP, with NIST SP 800-53 r5 ids) or all. Each control is pass, fail (with failing resources), needs review (only low-confidence evidence, with the reason), not evaluated (with the missing data or permission; never counted as pass) or not applicable, with a per-framework summary. Read-only."
            }
            ActionKind::ListFindings
            | ActionKind::FindingDetails
            | ActionKind::AnalyzeTaskDefinition
            | ActionKind::DraftSuppression => "",
            ActionKind::ScanFleet => {
                "Scan every ECS cluster of several regions (or all enabled regions) and accounts (through a read-only role in each, or every ACTIVE account of the AWS Organization) and answer which clusters are worst: clusters ranked by score with their account, region and finding counts, the problems most widespread across the fleet (e.g. privileged containers: 14 clusters in 5 accounts), and every account, region or cluster that could not be read with its reason and fix (never counted as passed; complete says whether everything was seen). Lists are cut to limit and to the answer budget, with what was left out counted. Use analyze_cluster_security for one cluster in full. Read-only."
            }
        }
    }

    fn drill_down_description(self) -> Option<&'static str> {
        match self {
            ActionKind::ListFindings => Some(
                "Page through a cluster's findings one line each (finding id, severity, rule, resource, message), most severe first, filtered by severity_filter, category_filter, rule_id and resource (text in the resource name or ARN). Each page fits a model's context; pass next_cursor back for the next one. Read-only.",
            ),
            ActionKind::FindingDetails => Some(
                "Everything about one finding (finding_id: its evidence, why it matters, the fix as steps, AWS CLI, Terraform and CloudFormation, compliance controls) or one rule (rule_id: its full remediation and every resource it flags, paged with cursor). Finding and rule ids come from analyze_cluster_security and list_findings. Read-only.",
            ),
            ActionKind::AnalyzeTaskDefinition => Some(
                "Check an ECS task definition you are about to write or deploy, without AWS access: pass it as a JSON object or as JSON/YAML text (register-task-definition input, describe-task-definition output, a containerDefinitions array, a CloudFormation template, a Terraform plan). Runs every rule that can judge a file and returns the findings most severe first, each with its JSON pointer, line and column, the fix, and for common container fixes (privileged, root user, writable root filesystem, no-new-privileges, secrets in environment, unpinned image, capabilities, init process) the corrected container object to write back. Rules that need a live cluster are listed as not applicable. Secret values are never returned. Read-only; reads nothing outside its input.",
            ),
            ActionKind::DraftSuppression => Some(
                "Draft a suppression entry for one finding the user has decided to accept (a sidecar that must run privileged, a load balancer public on purpose): YAML text with the rule, cluster, resource (any task-definition revision) and container prefilled, and the reason, owner and expiry date you pass, for the user to review and commit to the suppressions file (.ecs-security.yaml). reason is required: ask the user why the risk is accepted; do not invent one. Writes nothing and changes nothing: suppressed findings stay listed, but no longer count for the score. Read-only.",
            ),
            _ => None,
        }
    }

    /// Whether the action reads the outside world (AWS); false for one that only judges its input.
    pub fn open_world(self) -> bool {
        !matches!(self, ActionKind::AnalyzeTaskDefinition)
    }

    /// The action with this name.
    pub fn from_name(name: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Every action's name, for messages.
    pub fn names() -> String {
        ActionKind::ALL.map(ActionKind::name).join(", ")
    }
}

/// An action with its parameters.
#[derive(Debug, Clone)]
pub enum Action {
    ListClusters(ListClustersParams),
    SelectCluster(SelectClusterParams),
    Analyze(AnalyzeParams),
    Report(ReportParams),
    Recommendations(RecommendationsParams),
    Compliance(ComplianceParams),
    ListFindings(ListFindingsParams),
    FindingDetails(FindingDetailsParams),
    AnalyzeTaskDefinition(AnalyzeTaskDefinitionParams),
    DraftSuppression(DraftSuppressionParams),
    ScanFleet(crate::fleet::mcp::ScanFleetParams),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    action: String,
    #[serde(default)]
    parameters: Option<Value>,
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::ListClusters(_) => ActionKind::ListClusters,
            Action::SelectCluster(_) => ActionKind::SelectCluster,
            Action::Analyze(_) => ActionKind::Analyze,
            Action::Report(_) => ActionKind::Report,
            Action::Recommendations(_) => ActionKind::Recommendations,
            Action::Compliance(_) => ActionKind::Compliance,
            Action::ListFindings(_) => ActionKind::ListFindings,
            Action::FindingDetails(_) => ActionKind::FindingDetails,
            Action::AnalyzeTaskDefinition(_) => ActionKind::AnalyzeTaskDefinition,
            Action::DraftSuppression(_) => ActionKind::DraftSuppression,
            Action::ScanFleet(_) => ActionKind::ScanFleet,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Parses an action by name with its parameters (`null` or absent means none).
    pub fn parse(name: &str, parameters: Option<Value>) -> Result<Action, ActionError> {
        let params = match parameters {
            None | Some(Value::Null) => Value::Object(Default::default()),
            Some(v @ Value::Object(_)) => v,
            Some(other) => {
                return Err(ActionError::InvalidParams(format!(
                    "`parameters` must be an object, not {}",
                    json_kind(&other)
                )));
            }
        };
        fn typed<T: for<'de> Deserialize<'de>>(name: &str, v: Value) -> Result<T, ActionError> {
            // serde quotes unknown field names verbatim: keep control characters out.
            serde_json::from_value(v).map_err(|e| {
                ActionError::InvalidParams(format!("{name}: {}", crate::text::strip_controls(&e.to_string())))
            })
        }
        let Some(kind) = ActionKind::from_name(name) else {
            return Err(ActionError::InvalidParams(format!(
                "unknown action {:?}; valid actions: {}",
                crate::text::plain(name),
                ActionKind::names()
            )));
        };
        Ok(match kind {
            ActionKind::ListClusters => Action::ListClusters(typed(name, params)?),
            ActionKind::SelectCluster => Action::SelectCluster(typed(name, params)?),
            ActionKind::Analyze => Action::Analyze(typed(name, params)?),
            ActionKind::Report => Action::Report(typed(name, params)?),
            ActionKind::Recommendations => Action::Recommendations(typed(name, params)?),
            ActionKind::Compliance => Action::Compliance(typed(name, params)?),
            ActionKind::ListFindings => Action::ListFindings(typed(name, params)?),
            ActionKind::FindingDetails => Action::FindingDetails(typed(name, params)?),
            ActionKind::AnalyzeTaskDefinition => Action::AnalyzeTaskDefinition(typed(name, params)?),
            ActionKind::DraftSuppression => Action::DraftSuppression(typed(name, params)?),
            ActionKind::ScanFleet => Action::ScanFleet(typed(name, params)?),
        })
    }

    /// Parses a `{"action": "...", "parameters": {...}}` payload.
    pub fn from_payload(text: &str) -> Result<Action, ActionError> {
        let payload: Payload = serde_json::from_str(text).map_err(|e| {
            ActionError::InvalidParams(format!(
                "payload is not of the form {{\"action\": \"...\", \"parameters\": {{...}}}}: {e}"
            ))
        })?;
        Action::parse(&payload.action, payload.parameters)
    }

    /// The known action a payload names, whether or not its parameters are valid.
    pub fn named_in_payload(text: &str) -> Option<ActionKind> {
        let v: Value = serde_json::from_str(text).ok()?;
        ActionKind::from_name(v.get("action")?.as_str()?)
    }
}

fn payload_error(action: Option<ActionKind>, e: &ActionError) -> Value {
    serde_json::json!({
        "status": "error",
        "action": action.map(ActionKind::name),
        "error": { "kind": e.kind(), "message": e.to_string() },
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What an action returns: Markdown for a reader and JSON for machines.
#[derive(Debug, Clone)]
pub struct ActionOutput {
    pub text: String,
    pub data: Value,
    /// Artifacts the answer points at instead of inlining them (MCP `resource_link`s).
    pub links: Vec<Link>,
}

impl ActionOutput {
    pub fn new(text: String, data: Value) -> ActionOutput {
        ActionOutput { text, data, links: Vec::new() }
    }
}

/// A resource an answer points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub uri: String,
    pub name: String,
    pub mime_type: &'static str,
    /// Its size in bytes.
    pub size: usize,
}

impl Link {
    /// The answer of a report request that points at this link: the report of `analysis`
    /// in `format` seen through `filter`, in brief.
    pub fn reference(
        &self,
        analysis: &crate::rules::Analysis,
        filter: &crate::rules::Filter,
        format: crate::report::Format,
        opts: &crate::report::ReportOptions,
        inline: bool,
        note: &str,
    ) -> crate::report::reference::ReportReference {
        crate::report::reference::ReportReference::new(
            analysis,
            filter,
            format,
            &opts.generated_at,
            &self.uri,
            self.mime_type,
            self.size,
            inline,
            note,
        )
    }
}

/// The action dispatcher over a data source.
#[derive(Debug, Clone)]
pub struct Actions {
    source: Source,
    /// Collected snapshots with their analyses, reused for a short time.
    cache: std::sync::Arc<cache::SnapshotCache>,
    /// Recently rendered answers, shared by clones of this dispatcher.
    rendered: std::sync::Arc<memo::Rendered>,
    /// The previous analysis of each cluster, for "what changed".
    history: std::sync::Arc<history::History>,
    /// The largest answer, in characters (`--max-result-chars`).
    max_result_chars: usize,
    /// The suppressions (and baseline) applied to every analysis.
    triage: std::sync::Arc<triage::Triager>,
}

impl Actions {
    pub fn new(source: Source) -> Actions {
        Actions::with_cache_ttl(source, DEFAULT_CACHE_TTL)
    }

    /// A dispatcher that reuses a collected snapshot for `ttl`.
    pub fn with_cache_ttl(source: Source, ttl: std::time::Duration) -> Actions {
        Actions {
            source,
            cache: std::sync::Arc::new(cache::SnapshotCache::new(ttl)),
            rendered: Default::default(),
            history: Default::default(),
            max_result_chars: crate::report::budget::DEFAULT_MAX_CHARS,
            triage: Default::default(),
        }
    }

    /// The same dispatcher applying a suppressions file and a baseline to every analysis.
    pub fn with_triage(mut self, config: TriageConfig) -> Actions {
        self.triage = std::sync::Arc::new(triage::Triager::new(config));
        self
    }

    /// The suppressions file and baseline in force.
    pub fn triage_config(&self) -> &TriageConfig {
        &self.triage.config
    }

    /// The same dispatcher with answers bounded to `chars` characters.
    pub fn with_max_result_chars(mut self, chars: usize) -> Actions {
        self.max_result_chars = chars.max(crate::report::budget::MIN_MAX_CHARS);
        self
    }

    /// The budget of one answer: the server's, or less when the call asks for less.
    fn budget(&self, asked: Option<u32>) -> Result<usize, ActionError> {
        let min = crate::report::budget::MIN_MAX_CHARS;
        match asked.map(|a| a as usize) {
            None => Ok(self.max_result_chars),
            Some(a) if a < min => {
                Err(ActionError::InvalidParams(format!("max_result_chars must be at least {min}, not {a}")))
            }
            Some(a) => Ok(a.min(self.max_result_chars)),
        }
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The clusters this server holds data for, as (cluster, region): the snapshot files it
    /// serves and the clusters collected from AWS whose snapshot is still fresh. Feeds
    /// `resources/list` and argument completion.
    pub fn known_clusters(&self) -> Vec<(String, String)> {
        let mut known = self.source.known_clusters();
        known.extend(self.cache.known());
        known.sort();
        known.dedup();
        known
    }

    /// Runs an action. `progress` receives collection progress when given.
    pub async fn run(&self, action: Action, progress: ProgressTx) -> Result<ActionOutput, ActionError> {
        match action {
            Action::ListClusters(p) => handlers::list_clusters(self, p, &progress).await,
            Action::SelectCluster(p) => handlers::select_cluster(self, p, &progress).await,
            Action::Analyze(p) => handlers::analyze(self, p, &progress).await,
            Action::Report(p) => handlers::report(self, p, &progress).await,
            Action::Recommendations(p) => handlers::recommendations(self, p, &progress).await,
            Action::Compliance(p) => handlers::compliance(self, p, &progress).await,
            Action::ListFindings(p) => handlers::list_findings(self, p, &progress).await,
            Action::FindingDetails(p) => handlers::finding_details(self, p, &progress).await,
            Action::AnalyzeTaskDefinition(p) => task_definition::analyze(self, p),
            Action::DraftSuppression(p) => handlers::draft_suppression(self, p, &progress).await,
            Action::ScanFleet(p) => {
                let budget = self.budget(p.max_result_chars)?;
                crate::fleet::mcp::scan_fleet(self, p, budget, &progress).await
            }
        }
    }

    /// Runs one `{"action": …, "parameters": {…}}` payload and answers the way `run` prints
    /// it: `{"status": "success", "action", "data", "text"}`, or `{"status": "error",
    /// "action", "error": {"kind", "message"}}` (with `action` null only when the payload
    /// names no known action). The flag says whether it succeeded.
    pub async fn run_payload(&self, text: &str) -> (Value, bool) {
        let action = match Action::from_payload(text) {
            Ok(a) => a,
            Err(e) => return (payload_error(Action::named_in_payload(text), &e), false),
        };
        let kind = action.kind();
        match self.run(action, None).await {
            Ok(ActionOutput { text, data, .. }) => {
                (serde_json::json!({ "status": "success", "action": kind.name(), "data": data, "text": text }), true)
            }
            Err(e) => (payload_error(Some(kind), &e), false),
        }
    }

    /// The region to use: the parameter (validated) or the source's default.
    async fn region(&self, region: Option<String>) -> Result<(String, bool), ActionError> {
        match region.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()) {
            Some(r) => {
                validate_region(&r).map_err(ActionError::InvalidParams)?;
                Ok((r, true))
            }
            None => Ok((self.source.default_region().await, false)),
        }
    }

    /// The snapshot and analysis of a cluster, from the source (or its cache).
    pub async fn prepare(
        &self,
        cluster: &str,
        region: Option<String>,
        depth: Depth,
        refresh: Option<bool>,
        progress: &ProgressTx,
    ) -> Result<Prepared, ActionError> {
        let cluster = cluster.trim();
        if cluster.is_empty() {
            return Err(ActionError::InvalidParams(
                "cluster_name is required; call list_clusters to see the clusters in the region".into(),
            ));
        }
        validate_cluster(cluster).map_err(ActionError::InvalidParams)?;
        let (region, explicit) = self.region(region).await?;
        let prepared = self
            .source
            .prepare(&self.cache, cluster, &region, explicit, depth, refresh.unwrap_or(false), progress)
            .await?;
        Ok(self.triage.apply(prepared))
    }
}

/// How long a collected snapshot is reused by default (`--cache-ttl`).
pub const DEFAULT_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);
