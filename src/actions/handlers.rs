//! The handlers of the six actions: gather the analysis, then present it.

use serde_json::{Value, json};

use super::{
    ActionError, ActionOutput, Actions, AnalysisType, AnalyzeParams, ComplianceParams, Depth, FrameworkChoice,
    ListClustersParams, ProgressTx, RecommendationsParams, ReportParams, SelectClusterParams, filter_of, now,
};
use crate::compliance::{self, ControlStatus, FrameworkResult};
use crate::report::text::md;
use crate::report::{self, Format, ReportOptions, recommendations, severity_icon};
use crate::rules::{Filter, Severity, SeverityFilter};

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
    let mut text = format!("# ECS clusters in {}\n\n", md(&region));
    if clusters.is_empty() {
        text.push_str("No clusters found. Check the region, or the credentials' account.\n");
    } else {
        text.push_str("| Cluster | Status | Services | Running tasks | Pending | Instances | Capacity providers | Container Insights |\n|---|---|---:|---:|---:|---:|---|---|\n");
        for c in &clusters {
            text.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                md(&c.name),
                md(&c.status),
                c.active_services,
                c.running_tasks,
                c.pending_tasks,
                c.container_instances,
                md(&c.capacity_providers.join(", ")),
                md(&c.container_insights)
            ));
        }
        text.push_str("\nNext: `analyze_cluster_security` with a `cluster_name`, or `select_cluster_for_analysis`.\n");
    }
    Ok(ActionOutput { text, data: json!({ "region": region, "total": clusters.len(), "clusters": clusters }) })
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
    let mut text = format!("# Choose a cluster to analyse ({})\n\n", md(&region));
    let mut rows = Vec::new();
    for c in &clusters {
        let posture = format!(
            "{}, {} services, {} running tasks, Container Insights {}",
            c.status, c.active_services, c.running_tasks, c.container_insights
        );
        text.push_str(&format!("- **{}**: {}\n", md(&c.name), md(&posture)));
        rows.push(json!({ "cluster": c, "posture": posture }));
    }
    if clusters.is_empty() {
        text.push_str("No clusters found in this region.\n");
    }
    text.push_str("\nAnalysis types:\n");
    for t in AnalysisType::ALL {
        text.push_str(&format!("- `{}`: {}\n", t.as_str(), t.description()));
    }
    text.push_str("\nCall `select_cluster_for_analysis` again with `cluster_name` and `analysis_type`.\n");
    let types: Vec<Value> =
        AnalysisType::ALL.iter().map(|t| json!({ "name": t.as_str(), "description": t.description() })).collect();
    Ok(ActionOutput {
        text,
        data: json!({
            "region": region,
            "total": clusters.len(),
            "clusters": rows,
            "analysis_types": types,
            "next": "call select_cluster_for_analysis with cluster_name and analysis_type",
        }),
    })
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
        let (text, data) = recommendations_output(&prepared.analysis, &filter, &recs, 10);
        let text = format!(
            "{text}\nThis was a quick analysis (High and Critical items). Use `comprehensive` for every finding.\n"
        );
        ActionOutput { text, data }
    }))
}

pub(super) async fn analyze(a: &Actions, p: AnalyzeParams, progress: &ProgressTx) -> Result<ActionOutput, ActionError> {
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let filter = filter_of(p.severity_filter, p.category_filter);
    let opts = ReportOptions { show_details: false, generated_at: now() };
    let key = format!("analyze {filter:?} {opts:?}");
    Ok(a.rendered.get_or_render(&prepared.analysis, key, || {
        let text = report::summary::render(&prepared.analysis, &filter, &opts);
        let data = to_value(&report::json::build(&prepared.analysis, &filter, &opts));
        ActionOutput { text, data }
    }))
}

pub(super) async fn report(a: &Actions, p: ReportParams, progress: &ProgressTx) -> Result<ActionOutput, ActionError> {
    let prepared = a.prepare(&p.cluster_name, p.region, Depth::Full, p.refresh, progress).await?;
    let filter = filter_of(p.severity_filter, p.category_filter);
    let format = p.format.map(|f| f.0).unwrap_or(Format::Summary);
    let opts = ReportOptions { show_details: p.show_details.unwrap_or(false), generated_at: now() };
    let key = format!("report {format:?} {filter:?} {opts:?}");
    Ok(a.rendered.get_or_render(&prepared.analysis, key, || render_report(&prepared.analysis, format, &filter, &opts)))
}

fn render_report(
    analysis: &crate::rules::Analysis,
    format: Format,
    filter: &Filter,
    opts: &ReportOptions,
) -> ActionOutput {
    let json_report = report::json::build(analysis, filter, opts);
    if format == Format::Json {
        let data = to_value(&json_report);
        let text = serde_json::to_string_pretty(&data).unwrap_or_default();
        return ActionOutput { text, data };
    }
    if format == Format::Sarif {
        let data = to_value(&report::sarif::build(analysis, filter, opts));
        let text = serde_json::to_string_pretty(&data).unwrap_or_default();
        return ActionOutput { text, data };
    }
    let text = report::render(format, analysis, filter, opts);
    ActionOutput {
        data: json!({
            "format": format.as_str(),
            "cluster": json_report.cluster,
            "region": json_report.region,
            "generated_at": json_report.generated_at,
            "filters": json_report.filters,
            "summary": json_report.summary,
            "not_evaluated": json_report.not_evaluated,
            "report": text,
        }),
        text,
    }
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
        let (text, data) = recommendations_output(&prepared.analysis, &filter, &recs, limit as usize);
        ActionOutput { text, data }
    }))
}

fn recommendations_output(
    full: &crate::rules::Analysis,
    filter: &Filter,
    recs: &[recommendations::Recommendation],
    limit: usize,
) -> (String, Value) {
    let shown = &recs[..recs.len().min(limit)];
    let mut text = format!("# Security recommendations: {}\n\n", md(&full.cluster_name));
    text.push_str(&format!(
        "Showing {} of {} recommendations (grouped by rule, highest priority first). Score {}/100, risk {}.\n\n",
        shown.len(),
        recs.len(),
        full.overall.score,
        full.overall.risk_level.as_str()
    ));
    if let Some(line) = report::filter_line(filter, full.filtered(filter).findings.len(), full.overall.total_findings) {
        text.push_str(&format!("> {line}\n\n"));
    }
    for (i, r) in shown.iter().enumerate() {
        text.push_str(&format!("## {}. {} {} · {}\n\n", i + 1, severity_icon(r.severity), r.severity, r.title));
        if !r.exposure.is_empty() {
            let e: Vec<String> = r.exposure.iter().map(|x| format!("{x:?}")).collect();
            text.push_str(&format!("Exposure: {}. ", e.join(", ")));
        }
        text.push_str(&format!("Rule `{}`, priority {}.\n\n", r.rule_id, r.priority));
        text.push_str(&format!("**Why:** {}\n\n**Affected ({}):**\n", r.why, r.affected.len()));
        for x in r.affected.iter().take(20) {
            text.push_str(&format!("- {}: {}\n", md(&x.resource), md(&x.message)));
        }
        if r.affected.len() > 20 {
            text.push_str(&format!("- …and {} more (see structured content)\n", r.affected.len() - 20));
        }
        text.push_str(&format!("\n**Fix:** {}\n\n", r.remediation.summary));
        for (n, step) in r.remediation.steps.iter().enumerate() {
            text.push_str(&format!("{}. {step}\n", n + 1));
        }
        text.push_str(&format!("\n```bash\n{}\n```\n\n", r.remediation.cli));
    }
    if recs.is_empty() {
        text.push_str("Nothing to recommend for this filter.\n");
    }
    let data = json!({
        "cluster": full.cluster_name,
        "region": full.region,
        "filters": filter,
        "total": recs.len(),
        "returned": shown.len(),
        "limit": limit,
        "recommendations": shown,
    });
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
        let mut text = format!("# Compliance status: {}\n\n", md(&prepared.analysis.cluster_name));
        for r in &results {
            text.push_str(&compliance_markdown(r));
        }
        ActionOutput {
            text,
            data: json!({
                "cluster": prepared.analysis.cluster_name,
                "region": prepared.analysis.region,
                "frameworks": results,
            }),
        }
    }))
}

fn compliance_markdown(r: &FrameworkResult) -> String {
    let m = r.summary;
    let mut s = format!(
        "## {} ({})\n\n{} controls: {} passed, {} failed, {} not evaluated, {} not applicable. Pass rate {}%.\n\n",
        r.name, r.version, m.controls, m.passed, m.failed, m.not_evaluated, m.not_applicable, m.percent
    );
    s.push_str("| Control | Status | Detail |\n|---|---|---|\n");
    for c in &r.controls {
        let icon = match c.status {
            ControlStatus::Pass => "✅ pass",
            ControlStatus::Fail => "❌ fail",
            ControlStatus::NotEvaluated => "⚠️ not evaluated",
            ControlStatus::NotApplicable => "➖ n/a",
        };
        let detail = match c.status {
            ControlStatus::Fail => {
                let shown: Vec<String> =
                    c.failing.iter().take(3).map(|f| format!("{} ({})", md(&f.resource), f.rule_id)).collect();
                let more = c.failing.len().saturating_sub(3);
                let mut d = shown.join("; ");
                if more > 0 {
                    d.push_str(&format!("; +{more} more"));
                }
                d
            }
            ControlStatus::NotEvaluated => {
                let mut perms: Vec<String> = c.not_evaluated.iter().flat_map(|n| n.permissions.clone()).collect();
                perms.sort();
                perms.dedup();
                if perms.is_empty() {
                    "evidence missing".to_owned()
                } else {
                    format!("missing data; grant {}", perms.join(", "))
                }
            }
            ControlStatus::Pass => format!("{} rule(s) checked", c.rules.len()),
            ControlStatus::NotApplicable => "nothing in the cluster to check".to_owned(),
        };
        s.push_str(&format!("| {} {} | {icon} | {detail} |\n", c.id, c.title,));
    }
    s.push('\n');
    s
}
