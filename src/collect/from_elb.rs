//! Conversions from Elastic Load Balancing v2 SDK types to our snapshot model.

use aws_sdk_elasticloadbalancingv2::types as sdk;

use super::from_ecs::s;
use crate::model as m;

pub(super) fn load_balancer(l: &sdk::LoadBalancer) -> m::LoadBalancer {
    m::LoadBalancer {
        load_balancer_arn: l.load_balancer_arn().unwrap_or_default().to_owned(),
        load_balancer_name: l.load_balancer_name().unwrap_or_default().to_owned(),
        dns_name: s(l.dns_name()),
        kind: l.r#type().map(|x| x.as_str().to_owned()),
        scheme: l.scheme().map(|x| x.as_str().to_owned()),
        vpc_id: s(l.vpc_id()),
        state: l.state().and_then(|x| x.code()).map(|c| c.as_str().to_owned()),
        security_groups: l.security_groups().to_vec(),
        availability_zones: l
            .availability_zones()
            .iter()
            .map(|z| m::AvailabilityZone { zone_name: s(z.zone_name()), subnet_id: s(z.subnet_id()) })
            .collect(),
        attributes: Default::default(),
        listeners: Vec::new(),
    }
}

pub(super) fn listener(l: &sdk::Listener) -> m::Listener {
    m::Listener {
        listener_arn: l.listener_arn().unwrap_or_default().to_owned(),
        port: l.port().map(i64::from),
        protocol: l.protocol().map(|x| x.as_str().to_owned()),
        ssl_policy: s(l.ssl_policy()),
        certificates: l
            .certificates()
            .iter()
            .map(|c| m::Certificate { certificate_arn: c.certificate_arn().unwrap_or_default().to_owned() })
            .collect(),
        default_actions: l
            .default_actions()
            .iter()
            .map(|a| m::ListenerAction {
                kind: a.r#type().map(|x| x.as_str().to_owned()),
                target_group_arn: s(a.target_group_arn()),
                redirect_config: a.redirect_config().map(|r| m::RedirectConfig {
                    protocol: s(r.protocol()),
                    port: s(r.port()),
                    status_code: r.status_code().map(|x| x.as_str().to_owned()),
                }),
            })
            .collect(),
        alpn_policy: l.alpn_policy().to_vec(),
    }
}

pub(super) fn target_group(t: &sdk::TargetGroup) -> m::TargetGroup {
    let mut lbs = t.load_balancer_arns().to_vec();
    lbs.sort();
    lbs.dedup();
    m::TargetGroup {
        target_group_arn: t.target_group_arn().unwrap_or_default().to_owned(),
        target_group_name: t.target_group_name().unwrap_or_default().to_owned(),
        protocol: t.protocol().map(|x| x.as_str().to_owned()),
        port: t.port().map(i64::from),
        target_type: t.target_type().map(|x| x.as_str().to_owned()),
        vpc_id: s(t.vpc_id()),
        load_balancer_arns: lbs,
        health_check_enabled: t.health_check_enabled(),
        health_check_path: s(t.health_check_path()),
        health_check_protocol: t.health_check_protocol().map(|x| x.as_str().to_owned()),
    }
}
