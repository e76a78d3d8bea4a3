//! Elastic Load Balancing v2: the load balancers reached through the services' target
//! groups, with their listeners and attributes.

use futures::future::join_all;

use super::calls::Ctx;
use super::from_elb;
use crate::model as m;

/// DescribeLoadBalancers and DescribeTargetGroups take at most 20 ARNs per call.
pub const ARNS_PER_CALL: usize = 20;

pub async fn load_balancing(ctx: &Ctx, services: &[m::Service]) -> m::LoadBalancing {
    let mut tg_arns: Vec<String> =
        services.iter().flat_map(|s| s.load_balancers.iter().filter_map(|l| l.target_group_arn.clone())).collect();
    tg_arns.sort();
    tg_arns.dedup();
    if tg_arns.is_empty() {
        return m::LoadBalancing::default();
    }
    let batches = tg_arns.chunks(ARNS_PER_CALL).map(|chunk| {
        let req = ctx.clients.elb.describe_target_groups().set_target_group_arns(Some(chunk.to_vec())).send();
        ctx.call("elasticloadbalancing", "DescribeTargetGroups", None, req)
    });
    let target_groups: Vec<m::TargetGroup> = join_all(batches)
        .await
        .into_iter()
        .flatten()
        .flat_map(|o| o.target_groups().iter().map(from_elb::target_group).collect::<Vec<_>>())
        .collect();
    let mut lb_arns: Vec<String> = target_groups.iter().flat_map(|t| t.load_balancer_arns.clone()).collect();
    lb_arns.sort();
    lb_arns.dedup();
    let batches = lb_arns.chunks(ARNS_PER_CALL).map(|chunk| {
        let req = ctx.clients.elb.describe_load_balancers().set_load_balancer_arns(Some(chunk.to_vec())).send();
        ctx.call("elasticloadbalancing", "DescribeLoadBalancers", None, req)
    });
    let mut lbs: Vec<m::LoadBalancer> = join_all(batches)
        .await
        .into_iter()
        .flatten()
        .flat_map(|o| o.load_balancers().iter().map(from_elb::load_balancer).collect::<Vec<_>>())
        .collect();
    if ctx.quick() {
        ctx.skipped("elasticloadbalancing", "DescribeLoadBalancerAttributes");
    }
    let fetched = join_all(lbs.iter().map(|lb| details(ctx, lb.load_balancer_arn.clone()))).await;
    for (lb, (listeners, attributes)) in lbs.iter_mut().zip(fetched) {
        lb.listeners = listeners;
        lb.attributes = attributes;
    }
    lbs.sort_by(|a, b| a.load_balancer_name.cmp(&b.load_balancer_name));
    m::LoadBalancing { load_balancers: lbs, target_groups, classic_load_balancers: Vec::new() }
}

async fn details(ctx: &Ctx, arn: String) -> (Vec<m::Listener>, std::collections::BTreeMap<String, String>) {
    let listeners = async {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let req = ctx.clients.elb.describe_listeners().load_balancer_arn(&arn).set_marker(marker.clone()).send();
            let Some(page) = ctx.call("elasticloadbalancing", "DescribeListeners", Some(&arn), req).await else {
                break;
            };
            out.extend(page.listeners().iter().map(from_elb::listener));
            marker = page.next_marker().map(str::to_owned);
            if marker.is_none() {
                break;
            }
        }
        out.sort_by(|a: &m::Listener, b| (a.port, &a.listener_arn).cmp(&(b.port, &b.listener_arn)));
        out
    };
    let attributes = async {
        if ctx.quick() {
            return Default::default();
        }
        let req = ctx.clients.elb.describe_load_balancer_attributes().load_balancer_arn(&arn).send();
        ctx.call("elasticloadbalancing", "DescribeLoadBalancerAttributes", Some(&arn), req)
            .await
            .map(|o| {
                o.attributes()
                    .iter()
                    .filter_map(|a| Some((a.key()?.to_owned(), a.value().unwrap_or_default().to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    };
    tokio::join!(listeners, attributes)
}
