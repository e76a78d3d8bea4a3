//! The handlers of the six actions: gather the analysis, then present it.

use serde_json::{Value, json};

use super::{
    ActionError, ActionOutput, Actions, AnalysisType, AnalyzeParams, ComplianceParams, Depth, FrameworkChoice,
    ListClustersParams, ProgressTx, RecommendationsParams, ReportParams, SelectClusterParams, filter_of,
};
use crate::clock::now;
use crate::compliance::{self, FrameworkResult};
use crate::report::{self, Format, ReportOptions, recommendations};
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
    let text = report::clusters::table(&region, &clusters);
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
    let types: Vec<(&str, &str)> = AnalysisType::ALL.iter().map(|t| (t.as_str(), t.description())).collect();
    let text = report::clusters::menu(&region, &clusters, &types);
    let rows: Vec<Value> =
        clusters.iter().map(|c| json!({ "cluster": c, "posture": report::clusters::posture(c) })).collect();
    let types: Vec<Value> =
        types.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect();
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
        ActionOutput { text: format!("{text}\n{}", recommendations::QUICK_NOTE), data }
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
    let text = recommendations::markdown(full, filter, recs, limit);
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
        let text = report::compliance::markdown(&prepared.analysis.cluster_name, &results);
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
