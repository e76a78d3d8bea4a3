//! The handlers of the six actions: gather the analysis, then present it.

use serde_json::{Value, json};

use super::resources;
use super::{
    ActionError, ActionOutput, Actions, AnalysisType, AnalyzeParams, ComplianceParams, Depth, FindingDetailsParams,
    FrameworkChoice, ListClustersParams, ListFindingsParams, ProgressTx, RecommendationsParams, ReportParams,
    SelectClusterParams, Strings, filter_of,
};
use crate::clock::now;
use crate::compliance::{self, FrameworkResult};
use crate::report::digest::{self, DigestOptions, Hints};
use crate::report::{self, Format, ReportOptions, budget, drill, recommendations};
use crate::rules::{self, Filter, Finding, Severity, SeverityFilter};

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    // Our output DTOs are plain data; serialising them cannot fail.
    serde_json::to_value(v).unwrap_or(Value::Null) // ok: infallible for these types
}

pub(super) async fn list_clusters(
    a: &Actions,
    p: ListClustersParams,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let (region, explicit) = a.region(p.region).await?;
    let clusters = a.source.list_clusters(&region, explicit, progress).await?;
    let text = report::clusters::table(&region, &clusters);
    Ok(ActionOutput::new(text, json!({ "region": region, "total": clusters.len(), "clusters": clusters })))
}

pub(super) async fn select_cluster(
    a: &Actions,
    p: SelectClusterParams,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let analysis_type = p.analysis_type.map(|t| t.0).unwrap_or(AnalysisType::Comprehensive);
    let Some(cluster) = p.cluster_name.filter(|c| !c.trim().is_empty()) else {
        return selection_menu(a, p.region, progress).await;
    };
    let mut out = match analysis_type {
        AnalysisType::Comprehensive => {
            analyze(
                a,
                AnalyzeParams { cluster_name: cluster, region: p.region, refresh: p.refresh, ..Default::default() },
                progress,
            )
            .await?
        }
        AnalysisType::Quick => quick(a, cluster, p.region, p.refresh, progress).await?,
        AnalysisType::Report => {
            report(
                a,
                ReportParams { cluster_name: cluster, region: p.region, refresh: p.refresh, ..Default::default() },
                progress,
            )
            .await?
        }
        AnalysisType::Compliance => {
            compliance(
                a,
                ComplianceParams {
                    cluster_name: cluster,
                    region: p.region,
                    compliance_framework: Some(super::Lenient(FrameworkChoice::All)),
                    refresh: p.refresh,
                },
                progress,
            )
            .await?
        }
    };
    if let Value::Object(map) = &mut out.data {
        map.insert("analysis_type".into(), json!(analysis_type.as_str()));
    }
    Ok(out)
}

async fn selection_menu(
    a: &Actions,
    region: Option<String>,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let (region, explicit) = a.region(region).await?;
    let clusters = a.source.list_clusters(&region, explicit, progress).await?;
    let types: Vec<(&str, &str)> = AnalysisType::ALL.iter().map(|t| (t.as_str(), t.description())).collect();
    let text = report::clusters::menu(&region, &clusters, &types);
    let rows: Vec<Value> =
        clusters.iter().map(|c| json!({ "cluster": c, "posture": report::clusters::posture(c) })).collect();
    let types: Vec<Value> =
        types.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect();
    Ok(ActionOutput::new(
        text,
        json!({
            "region": region,
            "total": clusters.len(),
            "clusters": rows,
            "analysis_types": types,
            "next": "call select_cluster_for_analysis with cluster_name and analysis_type",
        }),
    ))
}

async fn quick(
    a: &Actions,
    cluster: String,
    region: Option<String>,
    refresh: Option<bool>,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let prepared = a.prepare(&cluster, region, Depth::Quick, refresh, progress).await?;
    Ok(a.rendered.get_or_render(&prepared.analysis, "quick".into(), || {
        let filter = Filter { severity: SeverityFilter::AtLeast(Severity::High), categories: Vec::new() };
        let view = prepared.analysis.filtered(&filter);
        let recs = recommendations::build(&view);
        let budget = a.max_result_chars.saturating_sub(recommendations::QUICK_NOTE.len() + 8);
        let (text, data) = recommendations_output(&prepared.analysis, &filter, &recs, 10, budget);
        ActionOutput::new(format!("{text}\n{}", recommendations::QUICK_NOTE), data)
    }))
}

/// How the model gets more than one answer holds.
const HINTS: Hints<'static> = Hints {
    next_page: "call analyze_cluster_security again with the same filters and `cursor`",
    one_rule: "get_finding_details with `rule_id`",
    findings: "list_findings (filters: severity_filter, category_filter, rule_id, resource)",
    full_report: Some("generate_security_report with format json, sarif or detailed"),
};

pub(super) async fn analyze(a: &Actions, p: AnalyzeParams, progress: &ProgressTx) -> Result<ActionOutput, ActionError> {
    let budget = a.budget(p.max_result_chars)?;
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let filter = filter_of(p.severity_filter, p.category_filter);
    let analysis = &prepared.analysis;
    let listing = format!("analyze|{}|{}|{}|{filter:?}", analysis.region, analysis.cluster_arn, analysis.collected_at);
    let start = match p.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => budget::parse_cursor(c, &listing).map_err(ActionError::InvalidParams)?,
        None => 0,
    };
    let previous = a.history.previous(analysis);
    let since = previous.as_ref().map(|p| p.collected_at.clone()).unwrap_or_default();
    let key = format!("analyze {filter:?} {start} {budget} {since}");
    Ok(a.rendered.get_or_render(analysis, key, || {
        let opts = DigestOptions { max_chars: budget, start, examples: 3, listing: &listing, hints: HINTS };
        let (d, text) = digest::analysis(analysis, &filter, previous.as_deref(), &opts);
        ActionOutput::new(text, to_value(&d))
    }))
}

pub(super) async fn list_findings(
    a: &Actions,
    p: ListFindingsParams,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let budget = a.budget(p.max_result_chars)?;
    let rule_ids = p.rule_id.map(Strings::into_vec).unwrap_or_default();
    if let Some(unknown) = rule_ids.iter().find(|r| rules::by_id(r).is_none()) {
        return Err(ActionError::InvalidParams(format!(
            "unknown rule_id {:?}; rule ids are in the answers of analyze_cluster_security and in docs/checks.md",
            crate::text::plain(unknown)
        )));
    }
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let filter = filter_of(p.severity_filter, p.category_filter);
    let resource = p.resource.map(|r| r.trim().to_lowercase()).filter(|r| !r.is_empty());
    let analysis = &prepared.analysis;
    let suppressed = p.suppressed.unwrap_or(false);
    let listing = format!(
        "findings|{}|{}|{}|{filter:?}|{rule_ids:?}|{resource:?}|{suppressed}",
        analysis.region, analysis.cluster_arn, analysis.collected_at
    );
    let start = match p.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => budget::parse_cursor(c, &listing).map_err(ActionError::InvalidParams)?,
        None => 0,
    };
    let key = format!("list_findings {listing} {start} {budget}");
    Ok(a.rendered.get_or_render(analysis, key, || {
        let reasons: std::collections::BTreeMap<&str, String> = analysis
            .triage
            .suppressed
            .iter()
            .map(|s| (s.finding.id.as_str(), format!("{}: {}", s.entry, s.entry.reason)))
            .collect();
        let pool: Vec<&Finding> = if suppressed {
            analysis.triage.suppressed.iter().map(|s| &s.finding).collect()
        } else {
            analysis.findings.iter().collect()
        };
        let selected: Vec<&Finding> = pool
            .into_iter()
            .filter(|f| filter.allows(f))
            .filter(|f| rule_ids.is_empty() || rule_ids.iter().any(|r| r == f.rule.id))
            .filter(|f| {
                resource.as_deref().is_none_or(|r| {
                    f.resource.to_string().to_lowercase().contains(r)
                        || f.resource.arn.as_deref().is_some_and(|arn| arn.to_lowercase().contains(r))
                })
            })
            .collect();
        let (page, text) = drill::findings_page_noting(analysis, &selected, start, budget, &listing, &reasons);
        ActionOutput::new(text, to_value(&page))
    }))
}

pub(super) async fn finding_details(
    a: &Actions,
    p: FindingDetailsParams,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let budget = a.budget(p.max_result_chars)?;
    let finding_id = p.finding_id.map(|f| f.trim().to_owned()).filter(|f| !f.is_empty());
    let rule_id = p.rule_id.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let rule = match (&finding_id, &rule_id) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(ActionError::InvalidParams(
                "pass exactly one of finding_id (one finding) and rule_id (one rule with every resource it flags)"
                    .into(),
            ));
        }
        (None, Some(r)) => Some(rules::by_id(r).ok_or_else(|| {
            ActionError::InvalidParams(format!(
                "unknown rule_id {:?}; rule ids are in the answers of analyze_cluster_security and in docs/checks.md",
                crate::text::plain(r)
            ))
        })?),
        (Some(_), None) => None,
    };
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let analysis = &prepared.analysis;
    if let Some(id) = finding_id {
        let suppressed = analysis.triage.suppressed.iter().find(|s| s.finding.id == id);
        if let Some(s) = suppressed {
            let (d, text) = drill::finding_detail(&s.finding);
            let note = format!(
                "> **Suppressed** by {} in {}: {}\n\n",
                crate::text::md(&s.entry.to_string()),
                crate::text::md(analysis.triage.suppressions.as_deref().unwrap_or("")),
                crate::text::md(&s.entry.reason)
            );
            return Ok(ActionOutput::new(note + &text, to_value(&d)));
        }
        let Some(f) = analysis.findings.iter().find(|f| f.id == id) else {
            return Err(ActionError::InvalidParams(format!(
                "no finding {:?} in the current analysis of {}: it may be fixed, or the id mistyped; list_findings lists the current ids",
                crate::text::plain(&id),
                crate::text::plain(&analysis.cluster_name)
            )));
        };
        let (d, text) = drill::finding_detail(f);
        return Ok(ActionOutput::new(text, to_value(&d)));
    }
    let Some(rule) = rule else {
        return Err(ActionError::InvalidParams("rule_id is required".into()));
    };
    let listing = format!("rule|{}|{}|{}|{}", analysis.region, analysis.cluster_arn, analysis.collected_at, rule.id);
    let start = match p.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => budget::parse_cursor(c, &listing).map_err(ActionError::InvalidParams)?,
        None => 0,
    };
    let key = format!("finding_details {listing} {start} {budget}");
    Ok(a.rendered.get_or_render(analysis, key, || {
        let (d, text) = drill::rule_detail(analysis, rule, start, budget, &listing);
        ActionOutput::new(text, to_value(&d))
    }))
}

pub(super) async fn report(a: &Actions, p: ReportParams, progress: &ProgressTx) -> Result<ActionOutput, ActionError> {
    let budget = a.budget(p.max_result_chars)?;
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let filter = filter_of(p.severity_filter, p.category_filter);
    let format = p.format.map(|f| f.0).unwrap_or(Format::Summary);
    let opts = ReportOptions { show_details: p.show_details.unwrap_or(false), generated_at: now() };
    let inline = p.inline.unwrap_or(false);
    let key = format!("report {format:?} {filter:?} {opts:?} {inline} {budget}");
    let analysis = &prepared.analysis;
    Ok(a.rendered.get_or_render(analysis, key, || {
        let full = report::render(format, analysis, &filter, &opts);
        let link = resources::report_link(analysis, format, full.len());
        let brief = |note: &str| {
            let answer = link.reference(analysis, &filter, format, &opts, false, note);
            let text = answer.markdown();
            ActionOutput { text, data: to_value(&answer), links: vec![link.clone()] }
        };
        if !inline {
            return brief("call again with `inline: true` to get the text here when it fits the answer budget");
        }
        let answer = link.reference(analysis, &filter, format, &opts, true, "");
        if budget::answer_size(&full, &answer) <= budget {
            return ActionOutput { text: full, data: to_value(&answer), links: vec![link.clone()] };
        }
        brief(&format!(
            "the report is {} characters, over this answer's budget of {budget}: read the resource instead",
            full.len()
        ))
    }))
}

pub(super) async fn recommendations(
    a: &Actions,
    p: RecommendationsParams,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let limit = p.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ActionError::InvalidParams(format!("limit must be between 1 and 100, not {limit}")));
    }
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let filter = filter_of(p.severity_filter, p.category_filter);
    let key = format!("recommendations {filter:?} {limit}");
    Ok(a.rendered.get_or_render(&prepared.analysis, key, || {
        let view = prepared.analysis.filtered(&filter);
        let recs = recommendations::build(&view);
        let (text, data) =
            recommendations_output(&prepared.analysis, &filter, &recs, limit as usize, a.max_result_chars);
        ActionOutput::new(text, data)
    }))
}

fn recommendations_output(
    full: &crate::rules::Analysis,
    filter: &Filter,
    recs: &[recommendations::Recommendation],
    limit: usize,
    budget: usize,
) -> (String, Value) {
    let (text, data, _) = recommendations::fit(full, filter, recs, limit, budget);
    (text, data)
}

pub(super) async fn compliance(
    a: &Actions,
    p: ComplianceParams,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let choice =
        p.compliance_framework.map(|f| f.0).unwrap_or(FrameworkChoice::One(compliance::Framework::AwsFoundational));
    let frameworks = choice.frameworks();
    let key = format!("compliance {frameworks:?}");
    Ok(a.rendered.get_or_render(&prepared.analysis, key, || {
        let results: Vec<FrameworkResult> =
            frameworks.into_iter().map(|f| compliance::evaluate(&prepared.analysis, f)).collect();
        let (text, data) = report::compliance::fit(
            &prepared.analysis.cluster_name,
            &prepared.analysis.region,
            &results,
            a.max_result_chars,
        );
        ActionOutput::new(text, data)
    }))
}

pub(super) async fn draft_suppression(
    a: &Actions,
    p: super::DraftSuppressionParams,
    progress: &ProgressTx,
) -> Result<ActionOutput, ActionError> {
    use crate::triage::draft::{DraftInput, SuppressionDraft};
    let reason = p.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ActionError::InvalidParams("reason is required: ask the user why this finding is accepted".into()));
    }
    let long = |s: &str, max: usize| s.chars().count() > max;
    if long(&reason, 1000) || p.owner.as_deref().is_some_and(|o| long(o, 200)) {
        return Err(ActionError::InvalidParams(
            "reason may have at most 1000 characters and owner 200: link to a ticket for the rest".into(),
        ));
    }
    let expires = match p.expires.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(e) => {
            let date = chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d").map_err(|_| {
                ActionError::InvalidParams(format!(
                    "expires must be a date as YYYY-MM-DD, not {:?}",
                    crate::text::plain(e)
                ))
            })?;
            if date < crate::clock::today() {
                return Err(ActionError::InvalidParams(format!(
                    "expires {date} is in the past: the entry would never apply"
                )));
            }
            Some(date)
        }
    };
    let id = p.finding_id.trim().to_owned();
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let analysis = &prepared.analysis;
    let suppressed = analysis.triage.suppressed.iter().map(|s| &s.finding);
    let Some(f) = analysis.findings.iter().chain(suppressed).find(|f| f.id == id) else {
        return Err(ActionError::InvalidParams(format!(
            "no finding {:?} in the current analysis of {}: list_findings lists the current ids",
            crate::text::plain(&id),
            crate::text::plain(&analysis.cluster_name)
        )));
    };
    let input = DraftInput { reason, owner: p.owner.map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()), expires };
    let file = a
        .triage_config()
        .suppressions
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_else(|| crate::triage::suppress::DEFAULT_FILE.to_owned());
    let draft = SuppressionDraft::new(analysis, f, &input, &file);
    Ok(ActionOutput::new(draft.markdown(), to_value(&draft)))
}
