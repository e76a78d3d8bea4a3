//! GuardDuty: whether Runtime Monitoring covers the cluster. The region's detector
//! (ListDetectors, GetDetector: its RUNTIME_MONITORING feature and agent management) and
//! GuardDuty's coverage record of this cluster (ListCoverage filtered by ECS cluster name).

use aws_sdk_guardduty::types::{
    CoverageFilterCondition, CoverageFilterCriteria, CoverageFilterCriterion, CoverageFilterCriterionKey,
};

use super::calls::Ctx;
use super::from_ecs::s;
use crate::model as m;

/// The region's GuardDuty detector: `Some(None)` when there is none (GuardDuty is off),
/// `None` when it could not be read (a gap says why).
pub async fn detector(ctx: &Ctx) -> Option<Option<m::Detector>> {
    let gd = &ctx.clients.guardduty;
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = gd.list_detectors().set_next_token(token.take()).send();
        let page = ctx.call("guardduty", "ListDetectors", None, req).await?;
        ids.extend(page.detector_ids().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    // GuardDuty allows one detector per account-region.
    let Some(id) = ids.into_iter().next() else {
        return Some(None);
    };
    let out = ctx.call("guardduty", "GetDetector", None, gd.get_detector().detector_id(&id).send()).await?;
    Some(Some(m::Detector {
        detector_id: id,
        status: out.status().map(|x| x.as_str().to_owned()),
        features: out
            .features()
            .iter()
            .map(|f| m::DetectorFeature {
                name: f.name().map(|n| n.as_str().to_owned()).unwrap_or_default(),
                status: f.status().map(|x| x.as_str().to_owned()),
                additional_configuration: f
                    .additional_configuration()
                    .iter()
                    .map(|c| m::FeatureConfiguration {
                        name: c.name().map(|n| n.as_str().to_owned()).unwrap_or_default(),
                        status: c.status().map(|x| x.as_str().to_owned()),
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// GuardDuty's view of the cluster, from the region's detector (see [`detector`]); `None`
/// when the detector could not be read. A failed ListCoverage is a gap on the cluster only:
/// the detector is kept.
pub async fn guardduty(
    ctx: &Ctx,
    detector: Option<Option<m::Detector>>,
    cluster: &str,
    account: Option<&str>,
) -> Option<m::GuardDuty> {
    let detector = detector?;
    let coverage = match &detector {
        Some(d) if d.is_enabled() => coverage(ctx, &d.detector_id, cluster, account).await,
        _ => Vec::new(),
    };
    Some(m::GuardDuty { detector, coverage })
}

fn criterion(key: CoverageFilterCriterionKey, value: &str) -> CoverageFilterCriterion {
    CoverageFilterCriterion::builder()
        .criterion_key(key)
        .filter_condition(CoverageFilterCondition::builder().equals(value).build())
        .build()
}

/// ListCoverage for this cluster (and this account, as an administrator sees its members').
async fn coverage(ctx: &Ctx, detector: &str, cluster: &str, account: Option<&str>) -> Vec<m::CoverageResource> {
    let mut filter = CoverageFilterCriteria::builder()
        .filter_criterion(criterion(CoverageFilterCriterionKey::EcsClusterName, cluster));
    if let Some(a) = account {
        filter = filter.filter_criterion(criterion(CoverageFilterCriterionKey::AccountId, a));
    }
    let filter = filter.build();
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = ctx
            .clients
            .guardduty
            .list_coverage()
            .detector_id(detector)
            .filter_criteria(filter.clone())
            .set_next_token(token.take())
            .send();
        let Some(page) = ctx.call("guardduty", "ListCoverage", Some(cluster), req).await else {
            return out;
        };
        out.extend(page.resources().iter().map(|r| {
            let ecs = r.resource_details().and_then(|d| d.ecs_cluster_details());
            let fargate = ecs.and_then(|e| e.fargate_details());
            let instances = ecs.and_then(|e| e.container_instance_details());
            let issue = s(r.issue()).or_else(|| {
                let issues = fargate.map(|f| f.issues().join("; ")).unwrap_or_default();
                (!issues.is_empty()).then_some(issues)
            });
            m::CoverageResource {
                resource_id: s(r.resource_id()),
                coverage_status: r.coverage_status().map(|x| x.as_str().to_owned()),
                issue: issue.map(|i| crate::text::plain(&i)),
                cluster_name: s(ecs.and_then(|e| e.cluster_name())),
                fargate_management_type: fargate.and_then(|f| f.management_type()).map(|x| x.as_str().to_owned()),
                covered_container_instances: instances.and_then(|i| i.covered_container_instances()),
                compatible_container_instances: instances.and_then(|i| i.compatible_container_instances()),
            }
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => return out,
        }
    }
}
