//! Whole artifacts as MCP resources: every report format and the (redacted) snapshot of a
//! cluster, and the catalog entry of every rule. Tool answers link to them instead of
//! passing hundreds of kilobytes through a model's context.
//!
//! URIs: `ecs-security://report/{region}/{cluster}.{format}`,
//! `ecs-security://snapshot/{region}/{cluster}.json` and `ecs-security://rule/{rule_id}`.

use std::str::FromStr;

use super::{ActionError, Actions, Depth, Link, validate_cluster, validate_region};
use crate::clock::now;
use crate::report::reference;
use crate::report::{self, Format, ReportOptions};
use crate::rules::{self, Analysis, Filter};

/// The scheme of every resource this server offers.
pub const SCHEME: &str = "ecs-security://";

/// A resource template: a URI pattern and what it yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub uri_template: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub mime_type: Option<&'static str>,
}

/// The templates of the resources a client can build URIs for.
pub fn templates() -> Vec<Template> {
    vec![
        Template {
            uri_template: "ecs-security://report/{region}/{cluster}.{format}",
            name: "Security report",
            description: "The whole report of a cluster in one format: summary, detailed, executive (Markdown), json (the JSON contract) or sarif (SARIF 2.1.0).",
            mime_type: None,
        },
        Template {
            uri_template: "ecs-security://snapshot/{region}/{cluster}.json",
            name: "Cluster snapshot",
            description: "Everything collected about a cluster, secret values redacted; `--snapshot FILE` analyses it offline.",
            mime_type: Some("application/json"),
        },
        Template {
            uri_template: "ecs-security://rule/{rule_id}",
            name: "Rule",
            description: "One rule of the catalog: what it checks, why, the fix in every form, compliance and peers.",
            mime_type: Some("text/markdown"),
        },
    ]
}

/// The link to a cluster's report in `format`, `size` characters long.
pub fn report_link(analysis: &Analysis, format: Format, size: usize) -> Link {
    Link {
        uri: format!("{SCHEME}report/{}/{}.{}", analysis.region, analysis.cluster_name, format.as_str()),
        name: format!("{} {} report", analysis.cluster_name, format.as_str()),
        mime_type: reference::mime_type(format),
        size,
    }
}

/// A listed resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub uri: String,
    pub name: String,
    pub description: String,
    pub mime_type: &'static str,
}

/// What a resource read returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub uri: String,
    pub mime_type: &'static str,
    pub text: String,
}

/// What `uri` names.
enum Target {
    Report { region: String, cluster: String, format: Format },
    Snapshot { region: String, cluster: String },
    Rule(&'static rules::Rule),
}

fn parse(uri: &str) -> Result<Target, ActionError> {
    let unknown = || {
        ActionError::InvalidParams(format!(
            "unknown resource {:?}; this server's resources are ecs-security://report/{{region}}/{{cluster}}.{{format}}, ecs-security://snapshot/{{region}}/{{cluster}}.json and ecs-security://rule/{{rule_id}}",
            crate::text::plain(uri)
        ))
    };
    let rest = uri.strip_prefix(SCHEME).ok_or_else(unknown)?;
    if let Some(id) = rest.strip_prefix("rule/") {
        return rules::by_id(id).map(Target::Rule).ok_or_else(unknown);
    }
    let (kind, rest) = rest.split_once('/').ok_or_else(unknown)?;
    let (region, file) = rest.split_once('/').ok_or_else(unknown)?;
    let (cluster, ext) = file.rsplit_once('.').ok_or_else(unknown)?;
    validate_region(region).map_err(ActionError::InvalidParams)?;
    validate_cluster(cluster).map_err(ActionError::InvalidParams)?;
    let (region, cluster) = (region.to_owned(), cluster.to_owned());
    match kind {
        "report" => {
            Ok(Target::Report { region, cluster, format: Format::from_str(ext).map_err(ActionError::InvalidParams)? })
        }
        "snapshot" if ext == "json" => Ok(Target::Snapshot { region, cluster }),
        _ => Err(unknown()),
    }
}

impl Actions {
    /// The resources to list: each rule, and the reports and snapshot of every cluster the
    /// server holds data for (the snapshot files it serves, or clusters already collected).
    pub fn list_resources(&self) -> Vec<Listed> {
        let mut out = Vec::new();
        for (cluster, region) in self.known_clusters() {
            for format in Format::ALL {
                out.push(Listed {
                    uri: format!("{SCHEME}report/{region}/{cluster}.{}", format.as_str()),
                    name: format!("{cluster} {format} report"),
                    description: format!("The {format} report of {cluster} in {region}."),
                    mime_type: reference::mime_type(format),
                });
            }
            out.push(Listed {
                uri: format!("{SCHEME}snapshot/{region}/{cluster}.json"),
                name: format!("{cluster} snapshot"),
                description: format!("Everything collected about {cluster} in {region}, secret values redacted."),
                mime_type: "application/json",
            });
        }
        for r in rules::all() {
            out.push(Listed {
                uri: format!("{SCHEME}rule/{}", r.id),
                name: r.id.to_owned(),
                description: format!("{} ({}, {}).", r.title, r.severity, r.category),
                mime_type: "text/markdown",
            });
        }
        out
    }

    /// Reads one resource; reports and snapshots are collected (or served from the cache)
    /// as the tools would.
    pub async fn read_resource(&self, uri: &str) -> Result<Contents, ActionError> {
        let target = parse(uri)?;
        let (text, mime_type) = match target {
            Target::Rule(rule) => (report::catalog::rule(rule), "text/markdown"),
            Target::Report { region, cluster, format } => {
                let prepared = self.prepare(&cluster, Some(region), Depth::Full, None, &None).await?;
                let opts = ReportOptions { show_details: true, generated_at: now() };
                (report::render(format, &prepared.analysis, &Filter::default(), &opts), reference::mime_type(format))
            }
            Target::Snapshot { region, cluster } => {
                let prepared = self.prepare(&cluster, Some(region), Depth::Full, None, &None).await?;
                (prepared.snapshot.to_json_redacted(), "application/json")
            }
        };
        Ok(Contents { uri: uri.to_owned(), mime_type, text })
    }
}
