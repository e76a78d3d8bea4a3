//! Classic Load Balancers in front of services (a service's `loadBalancers[].loadBalancerName`):
//! listeners, SSL negotiation policies and attributes.
//!
//! A Classic Load Balancer's TLS settings are a policy of type `SSLNegotiationPolicyType`
//! attached to the HTTPS or SSL listener: it names the protocols and ciphers it enables and,
//! when made from a predefined policy, that policy (`Reference-Security-Policy`). The enabled
//! protocols decide; the reference name is used when the policy lists none. A listener
//! without a policy gets `ELBSecurityPolicy-2016-08`, which accepts TLS 1.0.

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::tls::{self, MinTls};
use crate::model::{
    ClassicAttributes, ClassicListener, ClassicLoadBalancer, DataSource, ResourceKind, ResourcePath, ResourceRef,
    Snapshot,
};

pub(super) const RULES: &[&Rule] = &[
    &CLB_LISTENER_NOT_ENCRYPTED,
    &CLB_TLS_POLICY_OUTDATED,
    &CLB_TLS_POLICY_NOT_RECOMMENDED,
    &CLB_ACCESS_LOGS_DISABLED,
    &CLB_CROSS_ZONE_DISABLED,
    &CLB_CONNECTION_DRAINING_DISABLED,
    &CLB_DESYNC_MITIGATION_MONITOR,
    &CLB_CERTIFICATE_NOT_FROM_ACM,
    &CLB_SINGLE_AVAILABILITY_ZONE,
];

const CLB: &[DataSource] = &[DataSource::ClassicLoadBalancers];
const CLB_POLICIES: &[DataSource] = &[DataSource::ClassicLoadBalancers, DataSource::ClassicLoadBalancerPolicies];
const CLB_ATTRIBUTES: &[DataSource] = &[DataSource::ClassicLoadBalancers, DataSource::ClassicLoadBalancerAttributes];

use tls::SECURITY_HUB_ELB_8 as SECURITY_HUB_ELB_8_POLICY;

/// Protocols deprecated by RFC 8996 (and SSLv3 by RFC 7568).
const OUTDATED_PROTOCOLS: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

fn clb_ref(snap: &Snapshot, lb: &ClassicLoadBalancer) -> ResourceRef {
    let r = ResourceRef::new(ResourceKind::LoadBalancer, &lb.load_balancer_name)
        .with_path(ResourcePath { cluster: Some(snap.cluster.cluster_name.clone()), ..ResourcePath::default() });
    match clb_arn(snap, &lb.load_balancer_name) {
        Some(arn) => r.with_arn(arn),
        None => r,
    }
}

/// `arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/<name>`, with the
/// partition and account of the cluster.
fn clb_arn(snap: &Snapshot, name: &str) -> Option<String> {
    let mut parts = snap.cluster.cluster_arn.split(':');
    let partition = parts.nth(1).filter(|p| !p.is_empty())?;
    let account = snap.account_id.as_deref().or_else(|| parts.nth(2)).filter(|a| !a.is_empty())?;
    Some(format!("arn:{partition}:elasticloadbalancing:{}:{account}:loadbalancer/{name}", snap.region))
}

fn listener_ref(snap: &Snapshot, lb: &ClassicLoadBalancer, l: &ClassicListener) -> ResourceRef {
    clb_ref(snap, lb).with_qualifier(format!("listener {}", l.label()))
}

fn scheme(lb: &ClassicLoadBalancer) -> &str {
    lb.scheme.as_deref().unwrap_or("(unknown scheme)")
}

// ---------------------------------------------------------------------------------------
// Listeners
// ---------------------------------------------------------------------------------------

pub static CLB_LISTENER_NOT_ENCRYPTED: Rule = Rule {
    id: "clb-listener-not-encrypted",
    title: "Classic Load Balancer listener does not terminate TLS",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB,
    confidence: Confidence::High,
    rationale: "An HTTP listener carries requests, session cookies and credentials in cleartext, and a Classic Load Balancer cannot redirect HTTP to HTTPS. On an internet-facing load balancer that path is the internet (High); on an internal one it is the VPC (Medium). A TCP listener enforces no TLS policy or certificate: the targets may do TLS themselves, which the load balancer cannot see, so TCP listeners are reported at Medium confidence (Medium severity when internet-facing, else Low). Security Hub ELB.3 fails every front-end listener that is not HTTPS or SSL.",
    remediation: Remediation {
        summary: "Serve clients over an HTTPS (or SSL) listener with an ACM certificate and remove the HTTP/TCP listener; better, move the service to an Application Load Balancer, which can redirect HTTP to HTTPS.",
        steps: &[
            "Request or import a certificate in ACM for the load balancer's DNS name.",
            "Add an HTTPS listener (SSL for non-HTTP traffic) on 443 with that certificate and the ELBSecurityPolicy-TLS-1-2-2017-01 policy.",
            "Move clients to HTTPS, then delete the HTTP or TCP listener.",
            "Plan the move to an Application Load Balancer (ECS services register with target groups), which adds HTTP-to-HTTPS redirects and current TLS policies.",
        ],
        cli: "aws elb create-load-balancer-listeners --load-balancer-name <clb-name> --listeners Protocol=HTTPS,LoadBalancerPort=443,InstanceProtocol=HTTP,InstancePort=<instance-port>,SSLCertificateId=<acm-certificate-arn> && aws elb delete-load-balancer-listeners --load-balancer-name <clb-name> --load-balancer-ports 80",
        terraform: "resource \"aws_elb\" \"app\" {\n  listener {\n    lb_port            = 443\n    lb_protocol        = \"https\"\n    instance_port      = 8080\n    instance_protocol  = \"http\"\n    ssl_certificate_id = aws_acm_certificate.app.arn\n  }\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  Listeners:\n    - LoadBalancerPort: \"443\"\n      Protocol: HTTPS\n      InstancePort: \"8080\"\n      InstanceProtocol: HTTP\n      SSLCertificateId: !Ref Certificate",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-listener-config.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-create-https-ssl-load-balancer.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-3",
    ],
    peers: &["SecurityHub ELB.3", "Prowler elb_ssl_listeners"],
    check: clb_listener_not_encrypted,
};

fn clb_listener_not_encrypted(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.classic_load_balancers {
        for l in lb.listeners.iter().filter(|l| !l.is_encrypted()) {
            let http = l.protocol().eq_ignore_ascii_case("HTTP");
            let what = if http { "plain HTTP" } else { "TCP without TLS termination" };
            let f = out.report(
                listener_ref(snap, lb, l),
                format!(
                    "{} Classic Load Balancer `{}` serves {what} on port {}",
                    scheme(lb),
                    lb.load_balancer_name,
                    l.load_balancer_port.map_or_else(|| "?".to_owned(), |p| p.to_string())
                ),
            );
            f.evidence("listener", l.label()).evidence("scheme", scheme(lb));
            if let Some(p) = &l.instance_protocol {
                f.evidence("instance_protocol", p);
            }
            match (http, lb.is_internet_facing()) {
                (true, true) => {}
                (true, false) | (false, true) => {
                    f.severity(Severity::Medium);
                }
                (false, false) => {
                    f.severity(Severity::Low);
                }
            }
            if !http {
                f.confidence(Confidence::Medium);
            }
        }
    }
}

/// How a TLS listener's negotiation is configured, as far as the snapshot tells.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Negotiation {
    /// The policy lists its protocols; these are the outdated ones it enables.
    Protocols { policy: String, reference: Option<String>, outdated: Vec<String> },
    /// Only a policy name: a predefined policy we know.
    Predefined { name: &'static str, min_tls: MinTls, defaulted: bool },
    /// A name we cannot classify.
    Unknown { name: String },
}

impl Negotiation {
    fn is_outdated(&self) -> bool {
        match self {
            Negotiation::Protocols { outdated, .. } => !outdated.is_empty(),
            Negotiation::Predefined { min_tls, .. } => *min_tls < MinTls::V1_2,
            Negotiation::Unknown { .. } => false,
        }
    }

    /// The predefined policy the configuration comes from, if any.
    fn reference(&self) -> Option<&str> {
        match self {
            Negotiation::Protocols { reference, .. } => reference.as_deref(),
            Negotiation::Predefined { name, .. } => Some(name),
            Negotiation::Unknown { .. } => None,
        }
    }

    fn shown(&self) -> String {
        match self {
            Negotiation::Protocols { policy, reference: Some(r), .. } if r != policy => format!("{policy} (from {r})"),
            Negotiation::Protocols { policy, .. } => policy.clone(),
            Negotiation::Predefined { name, defaulted: true, .. } => format!("{name} (no policy named; the default)"),
            Negotiation::Predefined { name, .. } => (*name).to_owned(),
            Negotiation::Unknown { name } => name.clone(),
        }
    }
}

/// The negotiation of an HTTPS or SSL listener; `None` when the policies it names were not
/// collected (the gap makes the rule partial).
fn negotiation(lb: &ClassicLoadBalancer, l: &ClassicListener) -> Option<Negotiation> {
    if lb.policies.is_none() && !l.policy_names.is_empty() {
        return None;
    }
    Some(negotiation_of(lb, l))
}

fn negotiation_of(lb: &ClassicLoadBalancer, l: &ClassicListener) -> Negotiation {
    if let Some(p) = lb.negotiation_policy(l) {
        let protocols = p.protocols();
        if !protocols.is_empty() {
            let outdated =
                protocols.iter().filter(|x| OUTDATED_PROTOCOLS.contains(x)).map(|x| (*x).to_owned()).collect();
            return Negotiation::Protocols {
                policy: p.policy_name.clone(),
                reference: p.reference_security_policy.clone(),
                outdated,
            };
        }
        let name = p.reference_security_policy.as_deref().unwrap_or(&p.policy_name);
        return match tls::lookup(name) {
            Some(k) => Negotiation::Predefined { name: k.name, min_tls: k.min_tls, defaulted: false },
            None => Negotiation::Unknown { name: name.to_owned() },
        };
    }
    // No collected SSL negotiation policy: a predefined name attached directly, else none.
    let named = l.policy_names.iter().find(|n| lb.policy(n).is_none());
    match named {
        Some(n) => match tls::lookup(n) {
            Some(k) => Negotiation::Predefined { name: k.name, min_tls: k.min_tls, defaulted: false },
            None => Negotiation::Unknown { name: n.clone() },
        },
        None => match tls::lookup(tls::API_DEFAULT_POLICY) {
            Some(k) => Negotiation::Predefined { name: k.name, min_tls: k.min_tls, defaulted: true },
            None => Negotiation::Unknown { name: tls::API_DEFAULT_POLICY.to_owned() },
        },
    }
}

const CLB_TLS_CLI: &str = "aws elb create-load-balancer-policy --load-balancer-name <clb-name> --policy-name tls-1-2 --policy-type-name SSLNegotiationPolicyType --policy-attributes AttributeName=Reference-Security-Policy,AttributeValue=ELBSecurityPolicy-TLS-1-2-2017-01 && aws elb set-load-balancer-policies-of-listener --load-balancer-name <clb-name> --load-balancer-port 443 --policy-names tls-1-2";

const CLB_TLS_TF: &str = "resource \"aws_load_balancer_policy\" \"tls_1_2\" {\n  load_balancer_name = aws_elb.app.name\n  policy_name        = \"tls-1-2\"\n  policy_type_name   = \"SSLNegotiationPolicyType\"\n  policy_attribute {\n    name  = \"Reference-Security-Policy\"\n    value = \"ELBSecurityPolicy-TLS-1-2-2017-01\"\n  }\n}\n\nresource \"aws_load_balancer_listener_policy\" \"https\" {\n  load_balancer_name = aws_elb.app.name\n  load_balancer_port = 443\n  policy_names       = [aws_load_balancer_policy.tls_1_2.policy_name]\n}";

const CLB_TLS_CFN: &str = "Type: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  Policies:\n    - PolicyName: tls-1-2\n      PolicyType: SSLNegotiationPolicyType\n      Attributes:\n        - Name: Reference-Security-Policy\n          Value: ELBSecurityPolicy-TLS-1-2-2017-01\n  Listeners:\n    - LoadBalancerPort: \"443\"\n      Protocol: HTTPS\n      InstancePort: \"8080\"\n      SSLCertificateId: !Ref Certificate\n      PolicyNames: [tls-1-2]";

pub static CLB_TLS_POLICY_OUTDATED: Rule = Rule {
    id: "clb-tls-policy-outdated",
    title: "Classic Load Balancer listener accepts TLS 1.0, TLS 1.1 or SSLv3",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB_POLICIES,
    confidence: Confidence::High,
    rationale: "TLS 1.0 and 1.1 are deprecated (RFC 8996) and SSLv3 is broken (RFC 7568); clients can be downgraded to their weak constructions and they fail PCI DSS. Every Classic Load Balancer predefined policy before `ELBSecurityPolicy-TLS-1-1-2017-01` accepts TLS 1.0, including `ELBSecurityPolicy-2016-08`, the policy a listener gets when none is named. The protocols the listener's SSL negotiation policy enables decide; a policy name this tool does not know is reported at Low severity and Low confidence.",
    remediation: Remediation {
        summary: "Attach an SSL negotiation policy made from `ELBSecurityPolicy-TLS-1-2-2017-01` to the HTTPS/SSL listener.",
        steps: &[
            "Check the access logs (the `ssl_protocol` field) for clients that still negotiate TLS 1.0/1.1 and warn their owners.",
            "Create an SSLNegotiationPolicyType policy whose Reference-Security-Policy is ELBSecurityPolicy-TLS-1-2-2017-01.",
            "Set it as the listener's policy, and set it in infrastructure code.",
        ],
        cli: CLB_TLS_CLI,
        terraform: CLB_TLS_TF,
        cloudformation: CLB_TLS_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/ssl-config-update.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-8",
        "https://www.rfc-editor.org/rfc/rfc8996",
    ],
    peers: &["SecurityHub ELB.8", "Prowler elb_insecure_ssl_ciphers"],
    check: clb_tls_policy_outdated,
};

fn clb_tls_policy_outdated(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.classic_load_balancers {
        for l in lb.listeners.iter().filter(|l| l.is_encrypted()) {
            let Some(n) = negotiation(lb, l) else {
                continue;
            };
            let shown = n.shown();
            if let Negotiation::Unknown { name } = &n {
                out.report(
                    listener_ref(snap, lb, l),
                    format!(
                        "listener {} of Classic Load Balancer `{}` uses SSL policy `{name}`, which this tool cannot classify; check the protocols it enables",
                        l.label(),
                        lb.load_balancer_name
                    ),
                )
                .evidence("ssl_policy", &shown)
                .evidence("classification", "unknown policy")
                .severity(Severity::Low)
                .confidence(Confidence::Low);
                continue;
            }
            if !n.is_outdated() {
                continue;
            }
            let accepts = match &n {
                Negotiation::Protocols { outdated, .. } => outdated.join(", "),
                Negotiation::Predefined { min_tls, .. } => format!("{} and later", min_tls.label()),
                Negotiation::Unknown { .. } => String::new(),
            };
            let f = out.report(
                listener_ref(snap, lb, l),
                format!(
                    "listener {} of Classic Load Balancer `{}` uses SSL policy `{shown}`, which accepts {accepts}",
                    l.label(),
                    lb.load_balancer_name
                ),
            );
            f.evidence("ssl_policy", &shown).evidence("scheme", scheme(lb));
            if let Negotiation::Protocols { outdated, .. } = &n {
                f.evidence("outdated_protocols", outdated.join(", "));
            }
            if matches!(n, Negotiation::Predefined { defaulted: true, .. }) {
                f.confidence(Confidence::Medium);
            }
        }
    }
}

pub static CLB_TLS_POLICY_NOT_RECOMMENDED: Rule = Rule {
    id: "clb-tls-policy-not-recommended",
    title: "Classic Load Balancer listener policy is not the one Security Hub ELB.8 accepts",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB_POLICIES,
    confidence: Confidence::High,
    rationale: "Security Hub ELB.8 passes an HTTPS or SSL listener only when its SSL negotiation policy is made from the predefined `ELBSecurityPolicy-TLS-1-2-2017-01` (TLS 1.2 only, the strongest Classic policy). A custom policy, or a predefined one such as `ELBSecurityPolicy-TLS-1-2-Ext-2018-06` that adds SHA-1 suites, fails it even without TLS 1.0/1.1. Policies that accept TLS 1.0/1.1 are reported by `clb-tls-policy-outdated` instead.",
    remediation: Remediation {
        summary: "Make the listener's SSL negotiation policy reference `ELBSecurityPolicy-TLS-1-2-2017-01`.",
        steps: &[
            "Check whether any client needs the ciphers the current policy adds.",
            "Create an SSLNegotiationPolicyType policy whose Reference-Security-Policy is ELBSecurityPolicy-TLS-1-2-2017-01 and attach it to the listener.",
        ],
        cli: CLB_TLS_CLI,
        terraform: CLB_TLS_TF,
        cloudformation: CLB_TLS_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-8",
    ],
    peers: &["SecurityHub ELB.8"],
    check: clb_tls_policy_not_recommended,
};

fn clb_tls_policy_not_recommended(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.classic_load_balancers {
        for l in lb.listeners.iter().filter(|l| l.is_encrypted()) {
            let Some(n) = negotiation(lb, l) else {
                continue;
            };
            // Unknown and outdated policies are the other rule's findings.
            if n.is_outdated() || matches!(n, Negotiation::Unknown { .. }) {
                continue;
            }
            if n.reference().is_some_and(|r| r.eq_ignore_ascii_case(SECURITY_HUB_ELB_8_POLICY)) {
                continue;
            }
            out.report(
                listener_ref(snap, lb, l),
                format!(
                    "listener {} of Classic Load Balancer `{}` uses SSL policy `{}`, not one made from {SECURITY_HUB_ELB_8_POLICY}",
                    l.label(),
                    lb.load_balancer_name,
                    n.shown()
                ),
            )
            .evidence("ssl_policy", n.shown())
            .evidence("reference_security_policy", n.reference().unwrap_or("(none: a custom policy)"))
            .evidence("security_hub_elb_8", "not the accepted policy");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Attributes
// ---------------------------------------------------------------------------------------

/// Reports every load balancer whose attribute, read by `get`, is not `true` (absent means
/// the default, off). Load balancers whose attributes were not collected are skipped: their
/// gap makes the rule partial.
fn attribute_off(
    snap: &Snapshot,
    out: &mut Findings,
    key: &str,
    get: fn(&ClassicAttributes) -> Option<bool>,
    what: &str,
) {
    for lb in &snap.load_balancing.classic_load_balancers {
        let Some(attrs) = &lb.attributes else {
            continue;
        };
        let value = get(attrs);
        if value == Some(true) {
            continue;
        }
        out.report(clb_ref(snap, lb), format!("Classic Load Balancer `{}` has {what} off", lb.load_balancer_name))
            .evidence(key, value.map_or_else(|| "(not reported; default false)".to_owned(), |v| v.to_string()));
    }
}

pub static CLB_ACCESS_LOGS_DISABLED: Rule = Rule {
    id: "clb-access-logs-disabled",
    title: "Classic Load Balancer access logs are off",
    severity: Severity::Medium,
    category: Category::Monitoring,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB_ATTRIBUTES,
    confidence: Confidence::High,
    rationale: "Access logs are the record of every request and connection (client IP, path, status, TLS protocol and cipher) reaching the services. They are off by default; without them attacks, scraping and abuse cannot be investigated. Security Hub ELB.5 covers Application and Classic Load Balancers.",
    remediation: Remediation {
        summary: "Enable access logs to an S3 bucket whose bucket policy lets Elastic Load Balancing write to it.",
        steps: &[
            "Create an S3 bucket (SSE-S3 encryption) with the bucket policy ELB log delivery requires for the region.",
            "Enable AccessLog with the bucket, a prefix and an emit interval of 5 or 60 minutes.",
            "Add a lifecycle rule for retention.",
        ],
        cli: "aws elb modify-load-balancer-attributes --load-balancer-name <clb-name> --load-balancer-attributes '{\"AccessLog\":{\"Enabled\":true,\"S3BucketName\":\"<bucket>\",\"S3BucketPrefix\":\"<prefix>\",\"EmitInterval\":60}}'",
        terraform: "resource \"aws_elb\" \"app\" {\n  access_logs {\n    bucket        = aws_s3_bucket.lb_logs.id\n    bucket_prefix = \"app\"\n    interval      = 60\n    enabled       = true\n  }\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  AccessLoggingPolicy:\n    Enabled: true\n    S3BucketName: !Ref LogBucket\n    S3BucketPrefix: app\n    EmitInterval: 60",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-5",
    ],
    peers: &["SecurityHub ELB.5", "Prowler elb_logging_enabled"],
    check: clb_access_logs_disabled,
};

fn clb_access_logs_disabled(snap: &Snapshot, out: &mut Findings) {
    attribute_off(snap, out, "AccessLog.Enabled", |a| a.access_log_enabled, "access logs");
}

pub static CLB_CROSS_ZONE_DISABLED: Rule = Rule {
    id: "clb-cross-zone-disabled",
    title: "Classic Load Balancer cross-zone load balancing is off",
    severity: Severity::Low,
    category: Category::Availability,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB_ATTRIBUTES,
    confidence: Confidence::High,
    rationale: "Without cross-zone load balancing each load balancer node sends traffic only to the instances in its own Availability Zone, so an uneven spread of tasks overloads the instances of one zone, and losing the instances of a zone drops the share of traffic its node receives. It is off by default for Classic Load Balancers created with the API or CLI.",
    remediation: Remediation {
        summary: "Enable cross-zone load balancing on the Classic Load Balancer.",
        steps: &[
            "Enable CrossZoneLoadBalancing with modify-load-balancer-attributes (no downtime; a Classic Load Balancer's cross-zone traffic is not charged).",
            "Set it in infrastructure code so a re-apply does not turn it off.",
        ],
        cli: "aws elb modify-load-balancer-attributes --load-balancer-name <clb-name> --load-balancer-attributes '{\"CrossZoneLoadBalancing\":{\"Enabled\":true}}'",
        terraform: "resource \"aws_elb\" \"app\" {\n  cross_zone_load_balancing = true\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  CrossZone: true",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-crosszone-lb.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-9",
    ],
    peers: &["SecurityHub ELB.9"],
    check: clb_cross_zone_disabled,
};

fn clb_cross_zone_disabled(snap: &Snapshot, out: &mut Findings) {
    attribute_off(
        snap,
        out,
        "CrossZoneLoadBalancing.Enabled",
        |a| a.cross_zone_load_balancing_enabled,
        "cross-zone load balancing",
    );
}

pub static CLB_CONNECTION_DRAINING_DISABLED: Rule = Rule {
    id: "clb-connection-draining-disabled",
    title: "Classic Load Balancer connection draining is off",
    severity: Severity::Low,
    category: Category::Availability,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB_ATTRIBUTES,
    confidence: Confidence::High,
    rationale: "Without connection draining the load balancer cuts in-flight requests as soon as an instance is deregistered or fails its health check, which every ECS deployment and scale-in does: clients see errors on each deploy. It is off by default for Classic Load Balancers created with the API or CLI.",
    remediation: Remediation {
        summary: "Enable connection draining with a timeout at least as long as the slowest request.",
        steps: &[
            "Enable ConnectionDraining with a timeout of 300 seconds, or the service's longest request.",
            "Set it in infrastructure code so a re-apply does not turn it off.",
        ],
        cli: "aws elb modify-load-balancer-attributes --load-balancer-name <clb-name> --load-balancer-attributes '{\"ConnectionDraining\":{\"Enabled\":true,\"Timeout\":300}}'",
        terraform: "resource \"aws_elb\" \"app\" {\n  connection_draining         = true\n  connection_draining_timeout = 300\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  ConnectionDrainingPolicy:\n    Enabled: true\n    Timeout: 300",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-conn-drain.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-7",
    ],
    peers: &["SecurityHub ELB.7"],
    check: clb_connection_draining_disabled,
};

fn clb_connection_draining_disabled(snap: &Snapshot, out: &mut Findings) {
    attribute_off(snap, out, "ConnectionDraining.Enabled", |a| a.connection_draining_enabled, "connection draining");
}

pub static CLB_DESYNC_MITIGATION_MONITOR: Rule = Rule {
    id: "clb-desync-mitigation-monitor",
    title: "Classic Load Balancer only monitors HTTP desync",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB_ATTRIBUTES,
    confidence: Confidence::High,
    rationale: "In `monitor` mode the load balancer forwards requests it classifies as ambiguous or severe (conflicting Content-Length and Transfer-Encoding, for example) to the instances, which is how HTTP request smuggling (desync) attacks reach the backends. `defensive`, the default when the attribute is absent, and `strictest` block them.",
    remediation: Remediation {
        summary: "Set the additional attribute `elb.http.desyncmitigationmode` to `defensive` (or `strictest`).",
        steps: &[
            "Review the DesyncMitigationMode_NonCompliant_Request_Count metric to see which clients would be affected.",
            "Set the attribute to `defensive` and keep it in infrastructure code.",
        ],
        cli: "aws elb modify-load-balancer-attributes --load-balancer-name <clb-name> --load-balancer-attributes '{\"AdditionalAttributes\":[{\"Key\":\"elb.http.desyncmitigationmode\",\"Value\":\"defensive\"}]}'",
        terraform: "resource \"aws_elb\" \"app\" {\n  desync_mitigation_mode = \"defensive\"\n}",
        cloudformation: "# The mode is a load balancer attribute: set it with `aws elb modify-load-balancer-attributes`\n# (or the AWS-UpdateCLBDesyncMitigationMode automation runbook) once the stack is deployed.\nType: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  Listeners:\n    - LoadBalancerPort: \"443\"\n      Protocol: HTTPS\n      InstancePort: \"8080\"\n      SSLCertificateId: !Ref Certificate",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-desync-mitigation-mode.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-14",
    ],
    peers: &["SecurityHub ELB.14"],
    check: clb_desync_mitigation_monitor,
};

fn clb_desync_mitigation_monitor(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.classic_load_balancers {
        let Some(mode) = lb.attributes.as_ref().and_then(|a| a.desync_mitigation_mode.as_deref()) else {
            continue;
        };
        if !mode.trim().eq_ignore_ascii_case("monitor") {
            continue;
        }
        out.report(
            clb_ref(snap, lb),
            format!(
                "Classic Load Balancer `{}` forwards ambiguous requests (desync mitigation mode: monitor)",
                lb.load_balancer_name
            ),
        )
        .evidence("elb.http.desyncmitigationmode", mode);
    }
}

pub static CLB_CERTIFICATE_NOT_FROM_ACM: Rule = Rule {
    id: "clb-certificate-not-from-acm",
    title: "Classic Load Balancer listener uses a certificate that is not from ACM",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB,
    confidence: Confidence::High,
    rationale: "Certificates uploaded to IAM (`arn:aws:iam::…:server-certificate/…`) are never renewed automatically and raise no expiry events, so they expire silently and take the service down or push teams to long-lived certificates; their private keys were also handled outside AWS. ACM-issued certificates renew themselves. Security Hub ELB.2 fails HTTPS and SSL listeners whose certificate is not from ACM.",
    remediation: Remediation {
        summary: "Issue (or import) the certificate in ACM and switch the listener to it, then delete the IAM server certificate.",
        steps: &[
            "Request a public certificate in ACM (DNS validation) for the load balancer's names.",
            "Switch the HTTPS/SSL listener to the ACM certificate.",
            "Delete the IAM server certificate once nothing uses it.",
        ],
        cli: "aws elb set-load-balancer-listener-ssl-certificate --load-balancer-name <clb-name> --load-balancer-port 443 --ssl-certificate-id <acm-certificate-arn>",
        terraform: "resource \"aws_elb\" \"app\" {\n  listener {\n    lb_port            = 443\n    lb_protocol        = \"https\"\n    instance_port      = 8080\n    instance_protocol  = \"http\"\n    ssl_certificate_id = aws_acm_certificate.app.arn\n  }\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  Listeners:\n    - LoadBalancerPort: \"443\"\n      Protocol: HTTPS\n      InstancePort: \"8080\"\n      SSLCertificateId: !Ref AcmCertificate",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-update-ssl-cert.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-2",
    ],
    peers: &["SecurityHub ELB.2", "Prowler elb_ssl_listeners_use_acm_certificate"],
    check: clb_certificate_not_from_acm,
};

/// Whether an ARN names an ACM certificate (`arn:<partition>:acm:…`).
fn is_acm_certificate(arn: &str) -> bool {
    arn.split(':').nth(2) == Some("acm") && arn.starts_with("arn:")
}

fn clb_certificate_not_from_acm(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.classic_load_balancers {
        for l in lb.listeners.iter().filter(|l| l.is_encrypted()) {
            let Some(cert) = l.ssl_certificate_id.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
                continue;
            };
            if is_acm_certificate(cert) {
                continue;
            }
            out.report(
                listener_ref(snap, lb, l),
                format!(
                    "listener {} of Classic Load Balancer `{}` uses a certificate that is not from ACM",
                    l.label(),
                    lb.load_balancer_name
                ),
            )
            .evidence("sslCertificateId", cert);
        }
    }
}

pub static CLB_SINGLE_AVAILABILITY_ZONE: Rule = Rule {
    id: "clb-single-availability-zone",
    title: "Classic Load Balancer is in a single Availability Zone",
    severity: Severity::Low,
    category: Category::Availability,
    domain: Domain::LoadBalancer,
    scope: Scope::ClassicLoadBalancers,
    requires: CLB,
    confidence: Confidence::High,
    rationale: "A Classic Load Balancer enabled in one Availability Zone has nodes only there: an outage of that zone takes every service behind it offline even if their instances run in other zones. Security Hub ELB.10 requires at least two zones.",
    remediation: Remediation {
        summary: "Enable the Classic Load Balancer in at least two Availability Zones (a subnet in each, in a VPC).",
        steps: &[
            "Create a subnet for the load balancer in a second Availability Zone if needed.",
            "Attach it with `aws elb attach-load-balancer-to-subnets`, and run container instances in both zones.",
        ],
        cli: "aws elb attach-load-balancer-to-subnets --load-balancer-name <clb-name> --subnets <subnet-in-second-az>",
        terraform: "resource \"aws_elb\" \"app\" {\n  subnets = [aws_subnet.public_a.id, aws_subnet.public_b.id]\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancing::LoadBalancer\nProperties:\n  Subnets: [!Ref PublicSubnetA, !Ref PublicSubnetB]",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-manage-subnets.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-10",
    ],
    peers: &["SecurityHub ELB.10"],
    check: clb_single_availability_zone,
};

fn clb_single_availability_zone(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.classic_load_balancers {
        let mut zones: Vec<&str> = lb.availability_zones.iter().map(String::as_str).collect();
        zones.sort_unstable();
        zones.dedup();
        if zones.len() != 1 {
            continue;
        }
        out.report(
            clb_ref(snap, lb),
            format!(
                "Classic Load Balancer `{}` is enabled in a single Availability Zone ({})",
                lb.load_balancer_name, zones[0]
            ),
        )
        .evidence("availability_zones", zones[0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ClassicPolicy;

    fn https(policies: &[&str]) -> ClassicListener {
        ClassicListener {
            protocol: Some("HTTPS".into()),
            load_balancer_port: Some(443),
            policy_names: policies.iter().map(|p| (*p).to_owned()).collect(),
            ..ClassicListener::default()
        }
    }

    fn negotiation_policy(name: &str, reference: Option<&str>, enabled: &[&str]) -> ClassicPolicy {
        ClassicPolicy {
            policy_name: name.into(),
            policy_type_name: Some("SSLNegotiationPolicyType".into()),
            reference_security_policy: reference.map(str::to_owned),
            enabled: enabled.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    #[test]
    fn enabled_protocols_decide_over_the_reference_name() {
        let lb = ClassicLoadBalancer {
            policies: Some(vec![negotiation_policy(
                "custom",
                Some(SECURITY_HUB_ELB_8_POLICY),
                &["Protocol-TLSv1", "Protocol-TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"],
            )]),
            ..ClassicLoadBalancer::default()
        };
        let n = negotiation(&lb, &https(&["custom"])).unwrap();
        assert!(n.is_outdated(), "{n:?}");
        assert_eq!(n.reference(), Some(SECURITY_HUB_ELB_8_POLICY));
    }

    #[test]
    fn names_alone_are_looked_up_and_no_policy_is_the_default() {
        let lb = ClassicLoadBalancer { policies: Some(Vec::new()), ..ClassicLoadBalancer::default() };
        let default = negotiation(&lb, &https(&[])).unwrap();
        assert!(matches!(default, Negotiation::Predefined { defaulted: true, .. }) && default.is_outdated());
        let n = negotiation(&lb, &https(&["ELBSecurityPolicy-TLS-1-2-2017-01"])).unwrap();
        assert!(!n.is_outdated() && n.reference() == Some(SECURITY_HUB_ELB_8_POLICY), "{n:?}");
        assert!(matches!(negotiation(&lb, &https(&["my-own"])), Some(Negotiation::Unknown { .. })));
        // Policies not collected: no verdict (the gap speaks).
        let uncollected = ClassicLoadBalancer::default();
        assert_eq!(negotiation(&uncollected, &https(&["my-own"])), None);
    }
}
