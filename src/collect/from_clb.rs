//! Conversions from Classic Load Balancer (Elastic Load Balancing 2012-06-01) SDK types to our
//! snapshot model.

use aws_sdk_elasticloadbalancing::types as sdk;

use super::from_ecs::s;
use crate::model as m;

pub(super) fn load_balancer(d: &sdk::LoadBalancerDescription) -> m::ClassicLoadBalancer {
    m::ClassicLoadBalancer {
        load_balancer_name: d.load_balancer_name().unwrap_or_default().to_owned(),
        dns_name: s(d.dns_name()),
        scheme: s(d.scheme()),
        vpc_id: s(d.vpc_id()),
        availability_zones: d.availability_zones().to_vec(),
        subnets: d.subnets().to_vec(),
        security_groups: d.security_groups().to_vec(),
        listeners: d
            .listener_descriptions()
            .iter()
            .filter_map(|ld| {
                let l = ld.listener()?;
                Some(m::ClassicListener {
                    protocol: Some(l.protocol().to_ascii_uppercase()),
                    load_balancer_port: Some(i64::from(l.load_balancer_port())),
                    instance_protocol: l.instance_protocol().map(str::to_ascii_uppercase),
                    instance_port: Some(i64::from(l.instance_port())),
                    ssl_certificate_id: s(l.ssl_certificate_id()),
                    policy_names: ld.policy_names().to_vec(),
                })
            })
            .collect(),
        attributes: None,
        policies: None,
    }
}

pub(super) fn attributes(a: &sdk::LoadBalancerAttributes) -> m::ClassicAttributes {
    m::ClassicAttributes {
        access_log_enabled: a.access_log().map(|x| x.enabled()),
        access_log_s3_bucket_name: a.access_log().and_then(|x| s(x.s3_bucket_name())),
        cross_zone_load_balancing_enabled: a.cross_zone_load_balancing().map(|x| x.enabled()),
        connection_draining_enabled: a.connection_draining().map(|x| x.enabled()),
        connection_draining_timeout: a.connection_draining().and_then(|x| x.timeout()).map(i64::from),
        desync_mitigation_mode: a
            .additional_attributes()
            .iter()
            .find(|x| x.key() == Some("elb.http.desyncmitigationmode"))
            .and_then(|x| s(x.value())),
    }
}

pub(super) fn policy(p: &sdk::PolicyDescription) -> m::ClassicPolicy {
    let attrs = p.policy_attribute_descriptions();
    m::ClassicPolicy {
        policy_name: p.policy_name().unwrap_or_default().to_owned(),
        policy_type_name: s(p.policy_type_name()),
        reference_security_policy: attrs
            .iter()
            .find(|a| a.attribute_name() == Some("Reference-Security-Policy"))
            .and_then(|a| s(a.attribute_value())),
        enabled: attrs
            .iter()
            .filter(|a| a.attribute_value().is_some_and(|v| v.trim().eq_ignore_ascii_case("true")))
            .filter_map(|a| s(a.attribute_name()))
            .collect(),
    }
}
