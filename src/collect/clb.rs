//! Classic Load Balancers: the ones the services name (`loadBalancers[].loadBalancerName`),
//! with their attributes and the SSL negotiation policies of their HTTPS and SSL listeners.
//! No account-wide listing. Every gap carries a Classic resource (see
//! [`crate::model::CLASSIC_GAP_PREFIX`]) so it is not taken for a v2 gap of the same action.

use futures::future::join_all;

use super::calls::{CallError, Ctx};
use super::from_clb;
use crate::model as m;

/// DescribeLoadBalancers takes at most 20 names per call.
pub const NAMES_PER_CALL: usize = 20;

const SERVICE: &str = "elasticloadbalancing";

pub async fn classic_load_balancers(ctx: &Ctx, services: &[m::Service]) -> Vec<m::ClassicLoadBalancer> {
    let mut names: Vec<String> = services
        .iter()
        .flat_map(|s| s.load_balancers.iter().filter_map(|l| l.load_balancer_name.clone()))
        .filter(|n| !n.trim().is_empty())
        .collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return Vec::new();
    }
    let batches = names.chunks(NAMES_PER_CALL).map(|chunk| describe(ctx, chunk));
    let mut lbs: Vec<m::ClassicLoadBalancer> = join_all(batches).await.into_iter().flatten().collect();
    if ctx.quick() && !lbs.is_empty() {
        let found: Vec<String> = lbs.iter().map(|l| l.load_balancer_name.clone()).collect();
        let skipped = CallError {
            code: "SkippedInQuickMode".into(),
            message: "a quick analysis does not collect this; run a comprehensive analysis".into(),
        };
        ctx.gap(SERVICE, "DescribeLoadBalancerAttributes", Some(&m::classic_gap_resource(&found)), skipped);
    }
    let fetched = join_all(lbs.iter().map(|lb| details(ctx, lb))).await;
    for (lb, (attributes, policies)) in lbs.iter_mut().zip(fetched) {
        lb.attributes = attributes;
        lb.policies = policies;
    }
    lbs.sort_by(|a, b| a.load_balancer_name.cmp(&b.load_balancer_name));
    lbs
}

/// One DescribeLoadBalancers call; a name that no longer exists fails the whole call, so the
/// names are then asked one by one and the missing ones skipped.
async fn describe(ctx: &Ctx, chunk: &[String]) -> Vec<m::ClassicLoadBalancer> {
    let req = ctx.clients.elb_classic.describe_load_balancers().set_load_balancer_names(Some(chunk.to_vec())).send();
    match ctx.try_call(SERVICE, "DescribeLoadBalancers", req).await {
        Ok(out) => out.load_balancer_descriptions().iter().map(from_clb::load_balancer).collect(),
        Err(e) if e.is_not_found() && chunk.len() > 1 => {
            let mut out = Vec::new();
            for name in chunk {
                let req = ctx.clients.elb_classic.describe_load_balancers().load_balancer_names(name).send();
                match ctx.try_call(SERVICE, "DescribeLoadBalancers", req).await {
                    Ok(o) => out.extend(o.load_balancer_descriptions().iter().map(from_clb::load_balancer)),
                    Err(e) if e.is_not_found() => gone(name),
                    Err(e) => ctx.gap(
                        SERVICE,
                        "DescribeLoadBalancers",
                        Some(&m::classic_gap_resource(std::slice::from_ref(name))),
                        e,
                    ),
                }
            }
            out
        }
        Err(e) if e.is_not_found() => {
            chunk.iter().for_each(|n| gone(n));
            Vec::new()
        }
        Err(e) => {
            ctx.gap(SERVICE, "DescribeLoadBalancers", Some(&m::classic_gap_resource(chunk)), e);
            Vec::new()
        }
    }
}

/// A service names a Classic Load Balancer that does not exist (any more): nothing to audit.
fn gone(name: &str) {
    tracing::info!(load_balancer = name, "a service names a Classic Load Balancer that does not exist");
}

async fn details(
    ctx: &Ctx,
    lb: &m::ClassicLoadBalancer,
) -> (Option<m::ClassicAttributes>, Option<Vec<m::ClassicPolicy>>) {
    let name = lb.load_balancer_name.as_str();
    let resource = m::classic_gap_resource(&[name.to_owned()]);
    let attributes = async {
        if ctx.quick() {
            return None;
        }
        let req = ctx.clients.elb_classic.describe_load_balancer_attributes().load_balancer_name(name).send();
        ctx.call(SERVICE, "DescribeLoadBalancerAttributes", Some(&resource), req)
            .await
            .map(|o| o.load_balancer_attributes().map(from_clb::attributes).unwrap_or_default())
    };
    let policies = async {
        let mut wanted: Vec<String> =
            lb.listeners.iter().filter(|l| l.is_encrypted()).flat_map(|l| l.policy_names.clone()).collect();
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            return Some(Vec::new());
        }
        let req = ctx
            .clients
            .elb_classic
            .describe_load_balancer_policies()
            .load_balancer_name(name)
            .set_policy_names(Some(wanted))
            .send();
        ctx.call(SERVICE, "DescribeLoadBalancerPolicies", Some(&resource), req)
            .await
            .map(|o| o.policy_descriptions().iter().map(from_clb::policy).collect())
    };
    tokio::join!(attributes, policies)
}
