//! Typed parameters of the six actions, shared by the MCP tools and `run` payloads.
//!
//! Enum values are case-insensitive; an invalid value is rejected with a message that lists
//! the valid ones. Unknown parameter names are rejected too, so a typo (`severity` for
//! `severity_filter`) is an error instead of being silently ignored.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::compliance::Framework;
use crate::report::Format;
use crate::rules::{Category, Filter, Severity, SeverityFilter};

/// A value parsed case-insensitively through `FromStr`, whose schema lists the valid values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lenient<T>(pub T);

/// The canonical values of an enum parameter, for its JSON schema.
pub trait EnumValues {
    const NAME: &'static str;
    fn values() -> Vec<&'static str>;
}

impl EnumValues for Format {
    const NAME: &'static str = "ReportFormat";
    fn values() -> Vec<&'static str> {
        Format::ALL.iter().map(|f| f.as_str()).collect()
    }
}

impl EnumValues for Severity {
    const NAME: &'static str = "Severity";
    fn values() -> Vec<&'static str> {
        Severity::ALL.iter().map(|s| s.as_str()).collect()
    }
}

impl EnumValues for Category {
    const NAME: &'static str = "Category";
    fn values() -> Vec<&'static str> {
        Category::ALL.iter().map(|c| c.as_str()).collect()
    }
}

/// How `select_cluster_for_analysis` proceeds once a cluster is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalysisType {
    /// Full analysis with every rule.
    Comprehensive,
    /// High and Critical items first, from a cheaper collection.
    Quick,
    /// The summary report.
    Report,
    /// All four compliance frameworks.
    Compliance,
}

impl AnalysisType {
    pub const ALL: [AnalysisType; 4] =
        [AnalysisType::Comprehensive, AnalysisType::Quick, AnalysisType::Report, AnalysisType::Compliance];

    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisType::Comprehensive => "comprehensive",
            AnalysisType::Quick => "quick",
            AnalysisType::Report => "report",
            AnalysisType::Compliance => "compliance",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            AnalysisType::Comprehensive => "every rule across all domains, with all findings",
            AnalysisType::Quick => {
                "the High and Critical items first, from a cheaper collection (no ECR scan results or load balancer details)"
            }
            AnalysisType::Report => "the summary report: score, risk level, top issues and quick actions",
            AnalysisType::Compliance => "pass/fail per control for AWS FSBP, PCI DSS, HIPAA and SOC 2",
        }
    }
}

impl FromStr for AnalysisType {
    type Err = String;
    fn from_str(s: &str) -> Result<AnalysisType, String> {
        AnalysisType::ALL.into_iter().find(|a| a.as_str().eq_ignore_ascii_case(s.trim())).ok_or_else(|| {
            format!("unknown analysis_type {s:?}; valid values: comprehensive, quick, report, compliance")
        })
    }
}

impl EnumValues for AnalysisType {
    const NAME: &'static str = "AnalysisType";
    fn values() -> Vec<&'static str> {
        AnalysisType::ALL.iter().map(|a| a.as_str()).collect()
    }
}

/// A compliance framework, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameworkChoice {
    One(Framework),
    All,
}

impl FrameworkChoice {
    pub fn frameworks(self) -> Vec<Framework> {
        match self {
            FrameworkChoice::One(f) => vec![f],
            FrameworkChoice::All => Framework::ALL.to_vec(),
        }
    }
}

impl FromStr for FrameworkChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<FrameworkChoice, String> {
        if s.trim().eq_ignore_ascii_case("all") {
            return Ok(FrameworkChoice::All);
        }
        s.parse().map(FrameworkChoice::One)
    }
}

impl EnumValues for FrameworkChoice {
    const NAME: &'static str = "ComplianceFramework";
    fn values() -> Vec<&'static str> {
        Framework::ALL.iter().map(|f| f.id()).chain(["all"]).collect()
    }
}

impl<'de, T: FromStr<Err = String>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map(Lenient).map_err(de::Error::custom)
    }
}

impl<T: EnumValues> JsonSchema for Lenient<T> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed(T::NAME)
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "enum": T::values() })
    }
}

/// One value or a list of values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v],
            OneOrMany::Many(v) => v,
        }
    }
}

impl<'de, T: FromStr<Err = String>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: FromStr<Err = String>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse().map(OneOrMany::One).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s.parse().map_err(de::Error::custom)?);
                }
                Ok(OneOrMany::Many(out))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T: EnumValues> JsonSchema for OneOrMany<T> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("OneOrMany{}", T::NAME))
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string", "enum": T::values() },
                { "type": "array", "items": { "type": "string", "enum": T::values() } }
            ]
        })
    }
}

/// One string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Strings {
    One(String),
    Many(Vec<String>),
}

impl Strings {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            Strings::One(s) => vec![s],
            Strings::Many(v) => v,
        }
    }
}

/// Parameters of `list_clusters`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListClustersParams {
    /// AWS region to list clusters in, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
}

/// Parameters of `select_cluster_for_analysis`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectClusterParams {
    /// The cluster to analyse (name or ARN). Omit it to get the list of clusters to choose from.
    #[serde(default)]
    pub cluster_name: Option<String>,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// comprehensive (every rule), quick (High and Critical first, cheaper collection), report (summary report) or compliance (every framework). Default: comprehensive.
    #[serde(default)]
    pub analysis_type: Option<Lenient<AnalysisType>>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
}

/// Parameters of `analyze_cluster_security`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeParams {
    /// The cluster to analyse (name or ARN).
    pub cluster_name: String,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// Only findings of these categories (one value or a list), e.g. `secrets` or `["network_security", "iam_security"]`.
    #[serde(default)]
    pub category_filter: Option<OneOrMany<Category>>,
    /// A single severity is a threshold: `High` shows High and Critical. A list is an exact set: `["High"]` shows only High. Case-insensitive.
    #[serde(default)]
    pub severity_filter: Option<OneOrMany<Severity>>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
    /// The `next_cursor` of the previous answer, to continue with the rules it left out.
    #[serde(default)]
    pub cursor: Option<String>,
    /// A smaller answer than the server's budget, in characters (at least 2000).
    #[serde(default)]
    pub max_result_chars: Option<u32>,
}

/// Parameters of `list_findings`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListFindingsParams {
    /// The cluster (name or ARN).
    pub cluster_name: String,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// A single severity is a threshold (`High` = High and Critical); a list is an exact set. Case-insensitive.
    #[serde(default)]
    pub severity_filter: Option<OneOrMany<Severity>>,
    /// Only findings of these categories (one value or a list).
    #[serde(default)]
    pub category_filter: Option<OneOrMany<Category>>,
    /// Only findings of these rules (one rule id or a list), e.g. `container-privileged`.
    #[serde(default)]
    pub rule_id: Option<Strings>,
    /// Only findings whose resource name or ARN contains this text (case-insensitive).
    #[serde(default)]
    pub resource: Option<String>,
    /// List the findings the suppressions file accepted (with the entry and reason) instead of the active ones.
    #[serde(default)]
    pub suppressed: Option<bool>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// A smaller answer than the server's budget, in characters (at least 2000).
    #[serde(default)]
    pub max_result_chars: Option<u32>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
}

/// Parameters of `get_finding_details`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingDetailsParams {
    /// The cluster (name or ARN).
    pub cluster_name: String,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// One finding, by the id other answers give (`<rule-id>:<12 hex digits>`).
    #[serde(default)]
    pub finding_id: Option<String>,
    /// One rule, with every resource it flags (paged) and its full remediation.
    #[serde(default)]
    pub rule_id: Option<String>,
    /// With `rule_id`: the `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// A smaller answer than the server's budget, in characters (at least 2000).
    #[serde(default)]
    pub max_result_chars: Option<u32>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
}

/// Parameters of `draft_suppression`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftSuppressionParams {
    /// The cluster (name or ARN).
    pub cluster_name: String,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// The finding to accept, by the id other answers give (`<rule-id>:<12 hex digits>`).
    pub finding_id: String,
    /// Why the risk is accepted, in the user's words (required; ask the user, do not invent one).
    pub reason: String,
    /// Who owns the decision, e.g. a team or a person.
    #[serde(default)]
    pub owner: Option<String>,
    /// The last day the suppression applies, as YYYY-MM-DD (recommended: a few months ahead).
    #[serde(default)]
    pub expires: Option<String>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
}

/// Parameters of `analyze_task_definition`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeTaskDefinitionParams {
    /// The task definition: a JSON object (register-task-definition input, describe-task-definition output, a containerDefinitions array or one container definition, a CloudFormation template, a Terraform plan), or the text of one in JSON or YAML.
    #[schemars(schema_with = "task_definition_schema")]
    pub task_definition: serde_json::Value,
    /// The file's name, for format detection (`.yaml`/`.yml` read YAML) and messages. Default `task-definition.json`.
    #[serde(default)]
    pub file_name: Option<String>,
    /// A smaller answer than the server's budget, in characters (at least 2000).
    #[serde(default)]
    pub max_result_chars: Option<u32>,
}

fn task_definition_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["object", "array", "string"],
        "description": "A task definition as a JSON object or array, or its JSON/YAML text."
    })
}

/// Parameters of `generate_security_report`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportParams {
    /// The cluster to report on (name or ARN).
    pub cluster_name: String,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// summary (default), detailed (every finding with CLI/Terraform/CloudFormation fixes), json (machine-readable contract), executive (business risk and compliance posture), sarif (SARIF 2.1.0 for code scanning), html (one self-contained page for people), ocsf (OCSF 1.3.0 Detection Findings for security data lakes), csv (one row per finding) or junit (JUnit XML for CI dashboards).
    #[serde(default)]
    pub format: Option<Lenient<Format>>,
    /// A single severity is a threshold (`High` = High and Critical); a list is an exact set. Case-insensitive.
    #[serde(default)]
    pub severity_filter: Option<OneOrMany<Severity>>,
    /// Only findings of these categories (one value or a list).
    #[serde(default)]
    pub category_filter: Option<OneOrMany<Category>>,
    /// Include every finding with its evidence instead of the top ones. Default false.
    #[serde(default)]
    pub show_details: Option<bool>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
    /// Put the report's text in the answer when it fits the answer budget. Default false: the answer is a summary and a link to the full report (an MCP resource).
    #[serde(default)]
    pub inline: Option<bool>,
    /// A smaller answer than the server's budget, in characters (at least 2000).
    #[serde(default)]
    pub max_result_chars: Option<u32>,
}

/// Parameters of `get_security_recommendations`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationsParams {
    /// The cluster (name or ARN).
    pub cluster_name: String,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// A single severity is a threshold (`High` = High and Critical); a list is an exact set. Case-insensitive.
    #[serde(default)]
    pub severity_filter: Option<OneOrMany<Severity>>,
    /// Only recommendations of these categories (one value or a list).
    #[serde(default)]
    pub category_filter: Option<OneOrMany<Category>>,
    /// How many recommendations to return after filtering (1-100, default 10). The answer also says how many there are in total.
    #[serde(default)]
    pub limit: Option<u32>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
}

/// Parameters of `check_compliance_status`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceParams {
    /// The cluster (name or ARN).
    pub cluster_name: String,
    /// AWS region, e.g. `us-east-1`. Defaults to the AWS configuration's region, else us-east-1.
    #[serde(default)]
    pub region: Option<String>,
    /// aws-foundational (Security Hub FSBP, default), pci-dss (PCI DSS v4.0.1), hipaa (45 CFR 164), soc2 (Trust Services Criteria), nist-800-53 (Security Hub controls outside FSBP, with their NIST SP 800-53 r5 ids) or all.
    #[serde(default)]
    pub compliance_framework: Option<Lenient<FrameworkChoice>>,
    /// Collect fresh data instead of using the cached snapshot (cache TTL 5 minutes).
    #[serde(default)]
    pub refresh: Option<bool>,
}

/// Builds the engine filter from the two filter parameters.
pub fn filter_of(severity: Option<OneOrMany<Severity>>, category: Option<OneOrMany<Category>>) -> Filter {
    let severity = match severity {
        None => SeverityFilter::All,
        Some(OneOrMany::One(s)) => SeverityFilter::AtLeast(s),
        Some(OneOrMany::Many(v)) if v.is_empty() => SeverityFilter::All,
        Some(OneOrMany::Many(mut v)) => {
            v.sort_by(|a, b| b.cmp(a));
            v.dedup();
            SeverityFilter::Only(v)
        }
    };
    let mut categories = category.map(OneOrMany::into_vec).unwrap_or_default();
    categories.sort();
    categories.dedup();
    Filter { severity, categories }
}

#[allow(clippy::expect_used, reason = "a constant pattern, compiled by the tests below")]
static REGION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$").expect("valid region pattern"));

#[allow(clippy::expect_used, reason = "a constant pattern, compiled by the tests below")]
static CLUSTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster/)?[A-Za-z0-9_-]{1,255}$")
        .expect("valid cluster pattern")
});

/// Checks a region name before any AWS call.
pub fn validate_region(region: &str) -> Result<(), String> {
    if REGION.is_match(region) {
        Ok(())
    } else {
        Err(format!(
            "region {:?} is not a well-formed AWS region name (expected something like us-east-1 or eu-central-2)",
            crate::text::plain(region)
        ))
    }
}

/// Checks a cluster name or ARN.
pub fn validate_cluster(cluster: &str) -> Result<(), String> {
    if CLUSTER.is_match(cluster) {
        Ok(())
    } else {
        Err(format!(
            "cluster_name {:?} is not a valid ECS cluster name or ARN (up to 255 letters, digits, hyphens and underscores)",
            crate::text::plain(cluster)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_filter_forms() {
        let p: AnalyzeParams = serde_json::from_str(r#"{"cluster_name":"c","severity_filter":"high"}"#).unwrap();
        assert_eq!(filter_of(p.severity_filter, None).severity, SeverityFilter::AtLeast(Severity::High));
        let p: AnalyzeParams =
            serde_json::from_str(r#"{"cluster_name":"c","severity_filter":["Low","CRITICAL"]}"#).unwrap();
        assert_eq!(
            filter_of(p.severity_filter, None).severity,
            SeverityFilter::Only(vec![Severity::Critical, Severity::Low])
        );
        let err =
            serde_json::from_str::<AnalyzeParams>(r#"{"cluster_name":"c","severity_filter":"urgent"}"#).unwrap_err();
        assert!(err.to_string().contains("valid values: Critical, High, Medium, Low"), "{err}");
    }

    #[test]
    fn enums_and_unknown_fields() {
        let p: ReportParams = serde_json::from_str(r#"{"cluster_name":"c","format":"Executive"}"#).unwrap();
        assert_eq!(p.format.unwrap().0, Format::Executive);
        let err = serde_json::from_str::<ReportParams>(r#"{"cluster_name":"c","format":"pdf"}"#).unwrap_err();
        assert!(err.to_string().contains("summary, detailed, json, executive"), "{err}");
        let err = serde_json::from_str::<AnalyzeParams>(r#"{"cluster_name":"c","severity":"High"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `severity`"), "{err}");
        let p: ComplianceParams =
            serde_json::from_str(r#"{"cluster_name":"c","compliance_framework":"PCI-DSS"}"#).unwrap();
        assert_eq!(p.compliance_framework.unwrap().0, FrameworkChoice::One(Framework::PciDss));
        let err =
            serde_json::from_str::<AnalyzeParams>(r#"{"cluster_name":"c","category_filter":"network"}"#).unwrap_err();
        assert!(err.to_string().contains("network_security"), "{err}");
    }

    #[test]
    fn region_and_cluster_validation() {
        for ok in ["us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-5", "cn-north-1"] {
            assert!(validate_region(ok).is_ok(), "{ok}");
        }
        for bad in ["", "us-east", "US-EAST-1", "us-east-1; rm -rf /", "../../etc"] {
            assert!(validate_region(bad).is_err(), "{bad}");
        }
        assert!(validate_cluster("payments-prod").is_ok());
        assert!(validate_cluster("arn:aws:ecs:us-east-1:123456789012:cluster/payments-prod").is_ok());
        assert!(validate_cluster("a b").is_err());
        assert!(validate_cluster(&"x".repeat(300)).is_err());
    }
}
