//! A report answered by reference: what the report says in brief and where the whole of it
//! is (an MCP resource), so a large artifact reaches the user without passing through the
//! model's context.

use schemars::JsonSchema;
use serde::Serialize;

use super::Format;
use super::digest::Counts;
use crate::rules::{Analysis, Filter};
use crate::text::{md, plain};

/// The structured answer of a report request.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReportReference {
    /// The gist, for clients that pass only structured content on.
    pub summary: String,
    pub format: String,
    pub cluster: String,
    pub region: String,
    pub generated_at: String,
    pub score: u8,
    pub risk_level: String,
    pub findings: Counts,
    /// The active filter, when there is one.
    pub filter: Option<String>,
    /// Where the whole report is: an MCP resource to read (`resources/read`).
    pub uri: String,
    pub mime_type: String,
    /// The report's size in characters.
    pub size: usize,
    /// Whether the answer's text is the report itself.
    pub inline: bool,
    /// Why the text is not inline, when it is not.
    pub note: Option<String>,
}

impl ReportReference {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        full: &Analysis,
        filter: &Filter,
        format: Format,
        generated_at: &str,
        uri: &str,
        mime_type: &str,
        size: usize,
        inline: bool,
        note: &str,
    ) -> ReportReference {
        let o = &full.overall;
        let shown = full.filtered(filter).findings.len();
        let summary = format!(
            "The {format} report of {} ({}): score {}/100, risk {}, {}; {size} characters, at {uri}.",
            plain(&full.cluster_name),
            plain(&full.region),
            o.score,
            o.risk_level.as_str(),
            super::counts_line(&o.by_severity)
        );
        ReportReference {
            summary,
            format: format.as_str().to_owned(),
            cluster: full.cluster_name.clone(),
            region: full.region.clone(),
            generated_at: generated_at.to_owned(),
            score: o.score,
            risk_level: o.risk_level.as_str().to_owned(),
            findings: Counts::from(&o.by_severity),
            filter: super::filter_line(filter, shown, o.total_findings),
            uri: uri.to_owned(),
            mime_type: mime_type.to_owned(),
            size,
            inline,
            note: (!note.is_empty()).then(|| note.to_owned()),
        }
    }

    /// The answer's text when the report is not inline.
    pub fn markdown(&self) -> String {
        let c = &self.findings;
        let mut s = format!("# {} report: {} ({})\n\n", self.format, md(&self.cluster), md(&self.region));
        s.push_str(&format!(
            "Score **{}/100** · risk **{}** · {} findings ({} Critical, {} High, {} Medium, {} Low)\n\n",
            self.score, self.risk_level, c.total, c.critical, c.high, c.medium, c.low
        ));
        if let Some(f) = &self.filter {
            s.push_str(&format!("> {f}\n\n"));
        }
        s.push_str(&format!(
            "The whole report ({} characters, `{}`) is the resource `{}`: read it with `resources/read` to save or open it.",
            self.size, self.mime_type, self.uri
        ));
        if let Some(n) = &self.note {
            s.push_str(&format!(" Note: {n}."));
        }
        s.push_str(
            "\n\nFor the model: `analyze_cluster_security` gives the findings by rule within the context budget, `get_finding_details` one rule or finding in full.\n",
        );
        s
    }
}

/// The media type of a report format.
pub fn mime_type(format: Format) -> &'static str {
    match format {
        Format::Json | Format::Ocsf => "application/json",
        Format::Sarif => "application/sarif+json",
        Format::Summary | Format::Detailed | Format::Executive => "text/markdown",
        Format::Html => "text/html",
        Format::Csv => "text/csv",
        Format::Junit => "application/xml",
    }
}
