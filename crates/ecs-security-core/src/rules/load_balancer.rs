//! Load balancers: listeners, TLS policies and attributes of the load balancers in front of
//! services.
//!
//! Absent attributes mean the AWS defaults: deletion protection off, access logs off, invalid
//! header fields kept (not dropped) and desync mitigation `defensive`. `SslPolicy` is read
//! only on HTTPS and TLS listeners (moto reports one on plain HTTP listeners too).

use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::knowledge::ports;
use crate::knowledge::tls::{self, TlsClass};
use crate::model::{DataSource, Listener, LoadBalancer, ResourceKind, ResourcePath, ResourceRef, Snapshot};

pub(super) const RULES: &[&Rule] = &[
    &LB_LISTENER_HTTP_WITHOUT_REDIRECT,
    &LB_TLS_POLICY_OUTDATED,
    &LB_TLS_POLICY_LEGACY_CIPHERS,
    &LB_TLS_POLICY_NOT_RECOMMENDED,
    &LB_NLB_PLAINTEXT_TCP_LISTENER,
    &LB_DELETION_PROTECTION_DISABLED,
    &LB_ACCESS_LOGS_DISABLED,
    &LB_INVALID_HEADERS_NOT_DROPPED,
    &LB_DESYNC_MITIGATION_MONITOR,
    &LB_WITHOUT_SECURITY_GROUP,
    &LB_SINGLE_AVAILABILITY_ZONE,
    &LB_CERTIFICATE_NOT_FROM_ACM,
];

const LB: &[DataSource] = &[DataSource::LoadBalancers];
/// Listener rules read no attributes, so a quick analysis (which skips them) still runs them.
const LB_LISTENERS: &[DataSource] = &[DataSource::LoadBalancers, DataSource::Listeners];
const LB_ATTRIBUTES: &[DataSource] = &[DataSource::LoadBalancers, DataSource::LoadBalancerAttributes];

fn lb_ref(snap: &Snapshot, lb: &LoadBalancer) -> ResourceRef {
    ResourceRef::new(ResourceKind::LoadBalancer, &lb.load_balancer_name)
        .with_arn(&lb.load_balancer_arn)
        .with_path(ResourcePath { cluster: Some(snap.cluster.cluster_name.clone()), ..ResourcePath::default() })
}

/// The load balancer, qualified with the listener (`listener HTTPS:443`).
fn listener_ref(snap: &Snapshot, lb: &LoadBalancer, l: &Listener) -> ResourceRef {
    lb_ref(snap, lb).with_arn(&l.listener_arn).with_qualifier(format!("listener {}", listener_label(l)))
}

fn listener_label(l: &Listener) -> String {
    match l.port {
        Some(p) => format!("{}:{p}", l.protocol()),
        None => l.protocol().to_owned(),
    }
}

fn scheme(lb: &LoadBalancer) -> &str {
    lb.scheme.as_deref().unwrap_or("(unknown scheme)")
}

fn kind(lb: &LoadBalancer) -> &str {
    match lb.kind.as_deref() {
        Some("application") => "Application Load Balancer",
        Some("network") => "Network Load Balancer",
        Some("gateway") => "Gateway Load Balancer",
        _ => "load balancer",
    }
}

/// An attribute's value, trimmed and lower-cased.
fn attr(lb: &LoadBalancer, key: &str) -> Option<String> {
    lb.attribute(key).map(|v| v.trim().to_ascii_lowercase())
}

fn attr_true(lb: &LoadBalancer, key: &str) -> bool {
    attr(lb, key).as_deref() == Some("true")
}

fn shown_attr(lb: &LoadBalancer, key: &str, default: &str) -> String {
    match lb.attribute(key) {
        Some(v) => v.to_owned(),
        None => format!("(not set; default {default})"),
    }
}

// ---------------------------------------------------------------------------------------
// Listeners and TLS
// ---------------------------------------------------------------------------------------

pub static LB_LISTENER_HTTP_WITHOUT_REDIRECT: Rule = Rule {
    id: "lb-listener-http-without-redirect",
    title: "Load balancer serves plain HTTP without redirecting to HTTPS",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::Listeners,
    requires: LB_LISTENERS,
    confidence: Confidence::High,
    rationale: "An HTTP listener whose default action forwards (or answers) instead of redirecting to HTTPS carries requests, session cookies and credentials in cleartext, where anyone on the path can read or alter them. On an internet-facing load balancer that path is the internet (High); on an internal one it is the VPC (Medium).",
    remediation: Remediation {
        summary: "Make the HTTP listener's default action a permanent redirect to HTTPS, and serve the application only on an HTTPS listener.",
        steps: &[
            "Make sure an HTTPS listener with an ACM certificate and a current TLS policy serves the application.",
            "Change the HTTP listener's default action to `redirect` with protocol HTTPS, port 443 and status HTTP_301.",
            "Remove listener rules on the HTTP listener that forward to target groups.",
        ],
        cli: "aws elbv2 modify-listener --listener-arn <listener-arn> --default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
        terraform: "resource \"aws_lb_listener\" \"http\" {\n  load_balancer_arn = aws_lb.app.arn\n  port              = 80\n  protocol          = \"HTTP\"\n  default_action {\n    type = \"redirect\"\n    redirect {\n      port        = \"443\"\n      protocol    = \"HTTPS\"\n      status_code = \"HTTP_301\"\n    }\n  }\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  LoadBalancerArn: !Ref LoadBalancer\n  Port: 80\n  Protocol: HTTP\n  DefaultActions:\n    - Type: redirect\n      RedirectConfig:\n        Protocol: HTTPS\n        Port: \"443\"\n        StatusCode: HTTP_301",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-1",
    ],
    peers: &["SecurityHub ELB.1", "Prowler elbv2_ssl_listeners", "Trivy AVD-AWS-0054"],
    check: lb_listener_http_without_redirect,
};

fn lb_listener_http_without_redirect(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        for l in &lb.listeners {
            if !l.protocol().eq_ignore_ascii_case("HTTP") || l.redirects_to_https() {
                continue;
            }
            let actions: Vec<&str> = l.default_actions.iter().map(|a| a.kind.as_deref().unwrap_or("?")).collect();
            let f = out.report(
                listener_ref(snap, lb, l),
                format!(
                    "{} load balancer `{}` serves plain HTTP on port {} without redirecting to HTTPS",
                    scheme(lb),
                    lb.load_balancer_name,
                    l.port.map_or_else(|| "?".to_owned(), |p| p.to_string())
                ),
            );
            f.evidence("listener", listener_label(l))
                .evidence("default_actions", if actions.is_empty() { "(none)".to_owned() } else { actions.join(", ") })
                .evidence("scheme", scheme(lb));
            if !lb.is_internet_facing() {
                f.severity(Severity::Medium);
            }
        }
    }
}

/// The policy a TLS listener uses: as reported, else the API default.
fn effective_policy(l: &Listener) -> (&str, bool) {
    match l.ssl_policy.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (tls::API_DEFAULT_POLICY, true),
    }
}

const TLS_POLICY_CLI: &str =
    "aws elbv2 modify-listener --listener-arn <listener-arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

const TLS_POLICY_TF: &str = "resource \"aws_lb_listener\" \"https\" {\n  load_balancer_arn = aws_lb.app.arn\n  port              = 443\n  protocol          = \"HTTPS\"\n  ssl_policy        = \"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09\"\n  certificate_arn   = aws_acm_certificate.app.arn\n}";

const TLS_POLICY_CFN: &str = "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  LoadBalancerArn: !Ref LoadBalancer\n  Port: 443\n  Protocol: HTTPS\n  SslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09\n  Certificates:\n    - CertificateArn: !Ref Certificate";

pub static LB_TLS_POLICY_OUTDATED: Rule = Rule {
    id: "lb-tls-policy-outdated",
    title: "Listener TLS policy allows TLS 1.0 or 1.1",
    severity: Severity::High,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::Listeners,
    requires: LB_LISTENERS,
    confidence: Confidence::High,
    rationale: "TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail PCI DSS and most compliance baselines; clients can be downgraded to their weak CBC and SHA-1 constructions. `ELBSecurityPolicy-2016-08`, the default for listeners created with the CLI, CloudFormation or the CDK without an explicit policy, still accepts both. A policy name this tool does not know is reported at Low severity and Low confidence (new AWS policies are TLS 1.2+).",
    remediation: Remediation {
        summary: "Switch the listener to a policy Security Hub ELB.17 accepts, such as `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09` (or its FIPS variant `ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09`).",
        steps: &[
            "Check the access or connection logs for clients still negotiating TLS 1.0/1.1 and warn their owners.",
            "Modify the listener's SSL policy to one of the eight policies Security Hub ELB.17 accepts (a FIPS variant if you need FIPS).",
            "Set `ssl_policy`/`SslPolicy` explicitly in infrastructure code so a re-create does not fall back to ELBSecurityPolicy-2016-08.",
        ],
        cli: TLS_POLICY_CLI,
        terraform: TLS_POLICY_TF,
        cloudformation: TLS_POLICY_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html",
        "https://www.rfc-editor.org/rfc/rfc8996",
    ],
    peers: &["SecurityHub ELB.17", "Prowler elbv2_insecure_ssl_ciphers", "Trivy AVD-AWS-0047"],
    check: lb_tls_policy_outdated,
};

fn lb_tls_policy_outdated(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        for l in lb.listeners.iter().filter(|l| l.is_encrypted()) {
            let (name, defaulted) = effective_policy(l);
            let shown = if defaulted {
                format!("{name} (not set; the API/CLI/CloudFormation default)")
            } else {
                name.to_owned()
            };
            match tls::lookup(name) {
                Some(p) if p.class() == TlsClass::AllowsTls10Or11 => {
                    let f = out.report(
                        listener_ref(snap, lb, l),
                        format!(
                            "listener {} of load balancer `{}` uses TLS policy `{name}`, which accepts {} and later",
                            listener_label(l),
                            lb.load_balancer_name,
                            p.min_tls.label()
                        ),
                    );
                    f.evidence("ssl_policy", &shown)
                        .evidence("minimum_tls", p.min_tls.label())
                        .evidence("scheme", scheme(lb));
                    if defaulted {
                        f.confidence(Confidence::Medium);
                    }
                }
                Some(_) => {}
                None => {
                    out.report(
                        listener_ref(snap, lb, l),
                        format!(
                            "listener {} of load balancer `{}` uses TLS policy `{name}`, which this tool does not know; check its minimum TLS version",
                            listener_label(l),
                            lb.load_balancer_name
                        ),
                    )
                    .evidence("ssl_policy", &shown)
                    .evidence("classification", "unknown policy name")
                    .severity(Severity::Low)
                    .confidence(Confidence::Low);
                }
            }
        }
    }
}

pub static LB_TLS_POLICY_LEGACY_CIPHERS: Rule = Rule {
    id: "lb-tls-policy-legacy-ciphers",
    title: "Listener TLS policy offers legacy cipher suites",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::Listeners,
    requires: LB_LISTENERS,
    confidence: Confidence::High,
    rationale: "Some TLS 1.2-minimum policies (for example `…TLS13-1-2-Ext1-2021-06`, `…Ext2-2021-06`, `…TLS-1-2-Ext-2018-06`) still offer CBC suites with SHA-1 MACs or RSA key-transport suites, which have no forward secrecy: a later key compromise decrypts recorded traffic. They exist for legacy clients; without such clients a restricted policy is strictly better.",
    remediation: Remediation {
        summary: "Move the listener to a restricted TLS 1.2+ policy such as `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`.",
        steps: &[
            "Check the access or connection logs for clients that negotiate the legacy suites.",
            "Modify the listener's SSL policy to a restricted TLS 1.2 (`TLS13-1-2-Res-…`) or a TLS 1.3-only (`TLS13-1-3-…`) policy; those are the ones Security Hub ELB.17 accepts.",
            "Pin the policy in infrastructure code.",
        ],
        cli: TLS_POLICY_CLI,
        terraform: TLS_POLICY_TF,
        cloudformation: TLS_POLICY_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
        "https://www.rfc-editor.org/rfc/rfc9325",
    ],
    peers: &["SecurityHub ELB.17", "Trivy AVD-AWS-0047", "Prowler elbv2_insecure_ssl_ciphers"],
    check: lb_tls_policy_legacy_ciphers,
};

fn lb_tls_policy_legacy_ciphers(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        for l in lb.listeners.iter().filter(|l| l.is_encrypted()) {
            let (name, _) = effective_policy(l);
            let Some(p) = tls::lookup(name).filter(|p| p.class() == TlsClass::Tls12LegacyCiphers) else {
                continue;
            };
            let legacy = p.legacy_suites().unwrap_or("legacy suites");
            out.report(
                listener_ref(snap, lb, l),
                format!(
                    "listener {} of load balancer `{}` uses TLS policy `{name}`, which still offers {legacy}",
                    listener_label(l),
                    lb.load_balancer_name
                ),
            )
            .evidence("ssl_policy", name)
            .evidence("legacy_suites", legacy);
        }
    }
}

pub static LB_TLS_POLICY_NOT_RECOMMENDED: Rule = Rule {
    id: "lb-tls-policy-not-recommended",
    title: "Listener TLS policy is not one Security Hub ELB.17 accepts",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::Listeners,
    requires: LB_LISTENERS,
    confidence: Confidence::High,
    rationale: "Security Hub ELB.17 passes only eight predefined policies: the TLS 1.3-only policies and the restricted (`Res`) TLS 1.2 policies, with their FIPS and post-quantum variants. A policy that is otherwise sound, such as `ELBSecurityPolicy-TLS13-1-2-2021-06` (the former console default), `ELBSecurityPolicy-FS-1-2-Res-2020-10` or `ELBSecurityPolicy-TLS13-1-2-PQ-2025-09`, still offers CBC suites or lacks TLS 1.3 and fails the control. Policies that allow TLS 1.0/1.1 or legacy suites are reported by their own rules instead.",
    remediation: Remediation {
        summary: "Switch the listener to `ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09` (or another of the eight policies ELB.17 accepts).",
        steps: &[
            "Pick one of the eight: `…TLS13-1-2-Res-PQ-2025-09` for TLS 1.2 clients, `…TLS13-1-3-PQ-2025-09` if every client speaks TLS 1.3, a `FIPS` variant if you need FIPS.",
            "Check the access or connection logs for clients that need the CBC suites the current policy offers.",
            "Modify the listener's SSL policy and pin it in infrastructure code.",
        ],
        cli: TLS_POLICY_CLI,
        terraform: TLS_POLICY_TF,
        cloudformation: TLS_POLICY_CFN,
    },
    references: &[
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-17",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
    ],
    peers: &["SecurityHub ELB.17"],
    check: lb_tls_policy_not_recommended,
};

fn lb_tls_policy_not_recommended(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        for l in lb.listeners.iter().filter(|l| l.is_encrypted()) {
            let (name, _) = effective_policy(l);
            // Unknown, TLS 1.0/1.1 and legacy-suite policies are the other two rules' findings.
            let Some(p) = tls::lookup(name).filter(|p| p.class() >= TlsClass::Tls12Modern) else {
                continue;
            };
            if tls::security_hub_recommended(p.name) {
                continue;
            }
            out.report(
                listener_ref(snap, lb, l),
                format!(
                    "listener {} of load balancer `{}` uses TLS policy `{name}` ({}), which is not one of the eight policies Security Hub ELB.17 accepts",
                    listener_label(l),
                    lb.load_balancer_name,
                    p.class().label()
                ),
            )
            .evidence("ssl_policy", name)
            .evidence("security_hub_elb_17", "not an accepted policy");
        }
    }
}

pub static LB_NLB_PLAINTEXT_TCP_LISTENER: Rule = Rule {
    id: "lb-nlb-plaintext-tcp-listener",
    title: "Network Load Balancer passes traffic as plain TCP where TLS is expected",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::Listeners,
    requires: &[DataSource::LoadBalancers, DataSource::Listeners, DataSource::TargetGroups],
    confidence: Confidence::Low,
    rationale: "A TCP listener does not terminate TLS, so the load balancer enforces no TLS policy or certificate: on a TLS port (443, 8443, 465, 636, 993, …) either the target does TLS itself, with whatever versions and keys the task carries, or the traffic is cleartext. An internet-facing NLB with TCP listeners and no TLS listener at all is likely carrying cleartext. The load balancer cannot see the payload, so this is a Low-confidence heuristic; targets whose health check speaks HTTPS are treated as TLS pass-through and not reported.",
    remediation: Remediation {
        summary: "Terminate TLS on the NLB with a TLS listener, an ACM certificate and a current TLS policy (re-encrypting to the targets if needed).",
        steps: &[
            "Request or import the certificate in ACM.",
            "Change the listener protocol to TLS with the certificate and a TLS 1.2+ policy (or add a TLS listener and remove the TCP one).",
            "If the targets must see TLS, use a TLS target group so the NLB re-encrypts; keep plain TCP only for protocols that encrypt themselves (SSH).",
        ],
        cli: "aws elbv2 modify-listener --listener-arn <listener-arn> --protocol TLS --port 443 --certificates CertificateArn=<acm-certificate-arn> --ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        terraform: "resource \"aws_lb_listener\" \"tls\" {\n  load_balancer_arn = aws_lb.nlb.arn\n  port              = 443\n  protocol          = \"TLS\"\n  ssl_policy        = \"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09\"\n  certificate_arn   = aws_acm_certificate.app.arn\n  default_action {\n    type             = \"forward\"\n    target_group_arn = aws_lb_target_group.app.arn\n  }\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  LoadBalancerArn: !Ref NetworkLoadBalancer\n  Port: 443\n  Protocol: TLS\n  SslPolicy: ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09\n  Certificates:\n    - CertificateArn: !Ref Certificate\n  DefaultActions:\n    - Type: forward\n      TargetGroupArn: !Ref TargetGroup",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/create-tls-listener.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html",
    ],
    peers: &["Prowler elbv2_nlb_tls_termination_enabled"],
    check: lb_nlb_plaintext_tcp_listener,
};

/// Whether a listener forwards to targets that demonstrably speak TLS (HTTPS health check
/// or a TLS target group): TLS pass-through rather than cleartext.
fn forwards_to_tls_targets(snap: &Snapshot, l: &Listener) -> bool {
    let tgs: Vec<_> = l
        .default_actions
        .iter()
        .filter_map(|a| a.target_group_arn.as_deref())
        .filter_map(|arn| snap.load_balancing.target_group(arn))
        .collect();
    !tgs.is_empty()
        && tgs.iter().all(|tg| {
            tg.health_check_protocol.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
                || tg.protocol.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("TLS"))
        })
}

fn lb_nlb_plaintext_tcp_listener(snap: &Snapshot, out: &mut Findings) {
    for lb in snap.load_balancing.load_balancers.iter().filter(|lb| lb.is_network()) {
        let has_tls = lb.listeners.iter().any(|l| l.is_encrypted());
        let mut tls_port = Vec::new();
        let mut other = Vec::new();
        for l in &lb.listeners {
            if !matches!(l.protocol(), "TCP" | "TCP_UDP") || forwards_to_tls_targets(snap, l) {
                continue;
            }
            let Some(port) = l.port else {
                continue;
            };
            if let Some(k) = ports::tls(port) {
                tls_port.push(format!("{} ({})", listener_label(l), k.service));
            } else if lb.is_internet_facing() && !has_tls && ports::self_encrypted(port).is_none() {
                other.push(listener_label(l));
            }
        }
        if tls_port.is_empty() && other.is_empty() {
            continue;
        }
        let message = if !tls_port.is_empty() {
            format!(
                "network load balancer `{}` forwards {} as plain TCP without terminating TLS",
                lb.load_balancer_name,
                tls_port.join(", ")
            )
        } else {
            format!(
                "internet-facing network load balancer `{}` has TCP listener(s) {} and no TLS listener",
                lb.load_balancer_name,
                other.join(", ")
            )
        };
        let f = out.report(lb_ref(snap, lb), message);
        if !tls_port.is_empty() {
            // Still a heuristic: TCP on 443 is as often TLS passed through to the targets.
            f.evidence("tcp_on_tls_ports", tls_port.join(", "));
        }
        if !other.is_empty() {
            f.evidence("tcp_listeners_without_tls", other.join(", "));
        }
        f.evidence("scheme", scheme(lb)).evidence("has_tls_listener", has_tls);
    }
}

pub static LB_CERTIFICATE_NOT_FROM_ACM: Rule = Rule {
    id: "lb-certificate-not-from-acm",
    title: "Listener uses an IAM server certificate instead of ACM",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::Listeners,
    requires: LB_LISTENERS,
    confidence: Confidence::High,
    rationale: "Certificates uploaded to IAM (`arn:aws:iam::…:server-certificate/…`) are never renewed automatically and raise no expiry events, so they expire silently and take the service down or push teams to long-lived certificates; their private keys were also handled outside AWS. ACM-issued certificates renew themselves.",
    remediation: Remediation {
        summary: "Issue (or import) the certificate in ACM and switch the listener to it, then delete the IAM server certificate.",
        steps: &[
            "Request a public certificate in ACM with DNS validation (or import the existing one into ACM and track its expiry).",
            "Modify the listener to use the ACM certificate as its default certificate (and in its certificate list).",
            "Delete the IAM server certificate once nothing references it.",
        ],
        cli: "aws elbv2 modify-listener --listener-arn <listener-arn> --certificates CertificateArn=<acm-certificate-arn>",
        terraform: "resource \"aws_lb_listener\" \"https\" {\n  load_balancer_arn = aws_lb.app.arn\n  port              = 443\n  protocol          = \"HTTPS\"\n  certificate_arn   = aws_acm_certificate.app.arn\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  LoadBalancerArn: !Ref LoadBalancer\n  Port: 443\n  Protocol: HTTPS\n  Certificates:\n    - CertificateArn: !Ref AcmCertificate",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html",
        "https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html",
    ],
    peers: &["Prowler elb_ssl_listeners_use_acm_certificate"],
    check: lb_certificate_not_from_acm,
};

fn is_iam_server_certificate(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    let service = parts.nth(2);
    let resource = parts.nth(2);
    service == Some("iam") && resource.is_some_and(|r| r.starts_with("server-certificate/"))
}

fn lb_certificate_not_from_acm(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        for l in &lb.listeners {
            let iam: Vec<&str> = l
                .certificates
                .iter()
                .map(|c| c.certificate_arn.as_str())
                .filter(|a| is_iam_server_certificate(a))
                .collect();
            if iam.is_empty() {
                continue;
            }
            out.report(
                listener_ref(snap, lb, l),
                format!(
                    "listener {} of load balancer `{}` uses an IAM server certificate, which is never renewed automatically",
                    listener_label(l),
                    lb.load_balancer_name
                ),
            )
            .evidence("certificates", iam.join(", "));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Load balancer attributes and placement
// ---------------------------------------------------------------------------------------

pub static LB_DELETION_PROTECTION_DISABLED: Rule = Rule {
    id: "lb-deletion-protection-disabled",
    title: "Load balancer deletion protection is off",
    severity: Severity::Medium,
    category: Category::Availability,
    domain: Domain::LoadBalancer,
    scope: Scope::LoadBalancers,
    requires: LB_ATTRIBUTES,
    confidence: Confidence::High,
    rationale: "Without deletion protection (off by default) a single mistaken API call, console click or infrastructure-code change deletes the load balancer, its DNS name and its listeners, taking every service behind it offline until it is rebuilt and DNS is updated.",
    remediation: Remediation {
        summary: "Set `deletion_protection.enabled` to true on the load balancer.",
        steps: &[
            "Enable deletion protection with `modify-load-balancer-attributes`.",
            "Set it in infrastructure code (`enable_deletion_protection`) so it survives re-applies.",
        ],
        cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> --attributes Key=deletion_protection.enabled,Value=true",
        terraform: "resource \"aws_lb\" \"app\" {\n  enable_deletion_protection = true\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\nProperties:\n  LoadBalancerAttributes:\n    - Key: deletion_protection.enabled\n      Value: \"true\"",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-6",
    ],
    peers: &["SecurityHub ELB.6", "Prowler elbv2_deletion_protection"],
    check: lb_deletion_protection_disabled,
};

fn lb_deletion_protection_disabled(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        let key = "deletion_protection.enabled";
        if attr_true(lb, key) {
            continue;
        }
        out.report(lb_ref(snap, lb), format!("{} `{}` has deletion protection off", kind(lb), lb.load_balancer_name))
            .evidence(key, shown_attr(lb, key, "false"));
    }
}

pub static LB_ACCESS_LOGS_DISABLED: Rule = Rule {
    id: "lb-access-logs-disabled",
    title: "Load balancer access logs are off",
    severity: Severity::Medium,
    category: Category::Monitoring,
    domain: Domain::LoadBalancer,
    scope: Scope::LoadBalancers,
    requires: &[DataSource::LoadBalancers, DataSource::Listeners, DataSource::LoadBalancerAttributes],
    confidence: Confidence::High,
    rationale: "Access logs are the record of every request (client IP, path, status, TLS version, user agent) reaching the services. They are off by default; without them attacks, scraping and abuse against the application cannot be investigated. Network Load Balancers write access logs only for TLS listeners, so NLBs without one are not examined.",
    remediation: Remediation {
        summary: "Enable access logs to an S3 bucket with a bucket policy that lets Elastic Load Balancing write to it.",
        steps: &[
            "Create an S3 bucket (SSE-S3 encryption) with the bucket policy ELB log delivery requires for the region.",
            "Enable `access_logs.s3.enabled` with the bucket and a prefix.",
            "Add a lifecycle rule for retention and query the logs with Athena when needed.",
        ],
        cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<bucket> Key=access_logs.s3.prefix,Value=<prefix>",
        terraform: "resource \"aws_lb\" \"app\" {\n  access_logs {\n    bucket  = aws_s3_bucket.lb_logs.id\n    prefix  = \"app\"\n    enabled = true\n  }\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\nProperties:\n  LoadBalancerAttributes:\n    - Key: access_logs.s3.enabled\n      Value: \"true\"\n    - Key: access_logs.s3.bucket\n      Value: !Ref LogBucket",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-5",
    ],
    peers: &["SecurityHub ELB.5", "Prowler elbv2_logging_enabled"],
    check: lb_access_logs_disabled,
};

fn lb_access_logs_disabled(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        let applies = lb.is_application() || (lb.is_network() && lb.listeners.iter().any(|l| l.protocol() == "TLS"));
        let key = "access_logs.s3.enabled";
        if !applies || attr_true(lb, key) {
            continue;
        }
        out.report(lb_ref(snap, lb), format!("{} `{}` does not write access logs", kind(lb), lb.load_balancer_name))
            .evidence(key, shown_attr(lb, key, "false"))
            .evidence("load_balancer_type", lb.kind.as_deref().unwrap_or("(unknown)"));
    }
}

pub static LB_INVALID_HEADERS_NOT_DROPPED: Rule = Rule {
    id: "lb-invalid-headers-not-dropped",
    title: "Application Load Balancer forwards invalid HTTP header fields",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::LoadBalancers,
    requires: LB_ATTRIBUTES,
    confidence: Confidence::High,
    rationale: "By default an ALB passes header fields whose names are not valid HTTP tokens on to the targets. Backends and proxies parse such headers inconsistently, which enables request smuggling and header-injection attacks; dropping them at the load balancer removes the ambiguity.",
    remediation: Remediation {
        summary: "Set `routing.http.drop_invalid_header_fields.enabled` to true.",
        steps: &[
            "Check that no client relies on non-standard header names (underscores are invalid, for example).",
            "Enable the attribute on the ALB and set it in infrastructure code.",
        ],
        cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> --attributes Key=routing.http.drop_invalid_header_fields.enabled,Value=true",
        terraform: "resource \"aws_lb\" \"app\" {\n  load_balancer_type         = \"application\"\n  drop_invalid_header_fields = true\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\nProperties:\n  Type: application\n  LoadBalancerAttributes:\n    - Key: routing.http.drop_invalid_header_fields.enabled\n      Value: \"true\"",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-4",
    ],
    peers: &["SecurityHub ELB.4", "Prowler elbv2_alb_drop_invalid_header_fields_enabled", "Trivy AVD-AWS-0052"],
    check: lb_invalid_headers_not_dropped,
};

fn lb_invalid_headers_not_dropped(snap: &Snapshot, out: &mut Findings) {
    for lb in snap.load_balancing.load_balancers.iter().filter(|lb| lb.is_application()) {
        let key = "routing.http.drop_invalid_header_fields.enabled";
        if attr_true(lb, key) {
            continue;
        }
        out.report(
            lb_ref(snap, lb),
            format!(
                "Application Load Balancer `{}` forwards invalid HTTP header fields to its targets",
                lb.load_balancer_name
            ),
        )
        .evidence(key, shown_attr(lb, key, "false"));
    }
}

pub static LB_DESYNC_MITIGATION_MONITOR: Rule = Rule {
    id: "lb-desync-mitigation-monitor",
    title: "Application Load Balancer only monitors HTTP desync",
    severity: Severity::Medium,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::LoadBalancers,
    requires: LB_ATTRIBUTES,
    confidence: Confidence::High,
    rationale: "In `monitor` mode the ALB forwards requests it classifies as ambiguous or severe (conflicting Content-Length and Transfer-Encoding, for example) to the targets, which is how HTTP request smuggling (desync) attacks reach the backends. `defensive`, the default when the attribute is absent, and `strictest` block them.",
    remediation: Remediation {
        summary: "Set `routing.http.desync_mitigation_mode` to `defensive` (or `strictest`).",
        steps: &[
            "Review the ALB's DesyncMitigationMode_NonCompliant_Request_Count metric to see which clients would be affected.",
            "Set the attribute to `defensive` and keep it in infrastructure code.",
        ],
        cli: "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <lb-arn> --attributes Key=routing.http.desync_mitigation_mode,Value=defensive",
        terraform: "resource \"aws_lb\" \"app\" {\n  load_balancer_type     = \"application\"\n  desync_mitigation_mode = \"defensive\"\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\nProperties:\n  Type: application\n  LoadBalancerAttributes:\n    - Key: routing.http.desync_mitigation_mode\n      Value: defensive",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-12",
    ],
    peers: &["SecurityHub ELB.12", "Prowler elbv2_desync_mitigation_mode"],
    check: lb_desync_mitigation_monitor,
};

fn lb_desync_mitigation_monitor(snap: &Snapshot, out: &mut Findings) {
    for lb in snap.load_balancing.load_balancers.iter().filter(|lb| lb.is_application()) {
        let key = "routing.http.desync_mitigation_mode";
        if attr(lb, key).as_deref() != Some("monitor") {
            continue;
        }
        out.report(
            lb_ref(snap, lb),
            format!(
                "Application Load Balancer `{}` forwards ambiguous requests (desync mitigation mode: monitor)",
                lb.load_balancer_name
            ),
        )
        .evidence(key, shown_attr(lb, key, "defensive"));
    }
}

pub static LB_WITHOUT_SECURITY_GROUP: Rule = Rule {
    id: "lb-without-security-group",
    title: "Network Load Balancer has no security group",
    severity: Severity::Low,
    category: Category::NetworkSecurity,
    domain: Domain::LoadBalancer,
    scope: Scope::LoadBalancers,
    requires: LB,
    confidence: Confidence::High,
    rationale: "An NLB without security groups cannot filter who reaches its listeners, and the targets' security groups must then admit the clients' own addresses (often 0.0.0.0/0) instead of just the load balancer's group. Security groups can only be attached to an NLB that was created with at least one.",
    remediation: Remediation {
        summary: "Recreate the NLB with a security group, and reference that group from the targets' security groups.",
        steps: &[
            "Create a security group that admits clients on the listener ports only.",
            "Create a new NLB with that group (groups cannot be added to an NLB created without any), with the same listeners and target groups.",
            "Change the targets' security groups to admit only the NLB's group, move DNS to the new NLB and delete the old one.",
        ],
        cli: "aws elbv2 create-load-balancer --name <name> --type network --scheme internal --subnets <subnet-a> <subnet-b> --security-groups <nlb-sg-id>",
        terraform: "resource \"aws_lb\" \"nlb\" {\n  load_balancer_type = \"network\"\n  internal           = true\n  subnets            = [aws_subnet.private_a.id, aws_subnet.private_b.id]\n  security_groups    = [aws_security_group.nlb.id]\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\nProperties:\n  Type: network\n  Scheme: internal\n  Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n  SecurityGroups: [!Ref NlbSecurityGroup]",
    },
    references: &["https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html"],
    peers: &[],
    check: lb_without_security_group,
};

fn lb_without_security_group(snap: &Snapshot, out: &mut Findings) {
    for lb in snap.load_balancing.load_balancers.iter().filter(|lb| lb.is_network()) {
        if !lb.security_groups.is_empty() {
            continue;
        }
        out.report(
            lb_ref(snap, lb),
            format!("Network Load Balancer `{}` has no security group", lb.load_balancer_name),
        )
        .evidence("securityGroups", "(none)")
        .evidence("scheme", scheme(lb));
    }
}

pub static LB_SINGLE_AVAILABILITY_ZONE: Rule = Rule {
    id: "lb-single-availability-zone",
    title: "Load balancer is in a single Availability Zone",
    severity: Severity::Low,
    category: Category::Availability,
    domain: Domain::LoadBalancer,
    scope: Scope::LoadBalancers,
    requires: LB,
    confidence: Confidence::High,
    rationale: "A load balancer enabled in one Availability Zone has a node only there: an outage of that zone takes every service behind it offline even if their tasks run in other zones.",
    remediation: Remediation {
        summary: "Enable the load balancer in at least two Availability Zones (one subnet in each).",
        steps: &[
            "Create a subnet for the load balancer in a second Availability Zone if needed.",
            "Add it with `aws elbv2 set-subnets` (list every subnet the load balancer should use).",
            "Spread the service's tasks across the same zones.",
        ],
        cli: "aws elbv2 set-subnets --load-balancer-arn <lb-arn> --subnets <subnet-az-a> <subnet-az-b>",
        terraform: "resource \"aws_lb\" \"app\" {\n  subnets = [aws_subnet.public_a.id, aws_subnet.public_b.id]\n}",
        cloudformation: "Type: AWS::ElasticLoadBalancingV2::LoadBalancer\nProperties:\n  Subnets: [!Ref PublicSubnetA, !Ref PublicSubnetB]",
    },
    references: &[
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-subnets.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-13",
    ],
    peers: &["SecurityHub ELB.13", "Prowler elbv2_is_in_multiple_az"],
    check: lb_single_availability_zone,
};

fn lb_single_availability_zone(snap: &Snapshot, out: &mut Findings) {
    for lb in &snap.load_balancing.load_balancers {
        let mut zones: Vec<&str> =
            lb.availability_zones.iter().filter_map(|z| z.zone_name.as_deref().or(z.subnet_id.as_deref())).collect();
        zones.sort_unstable();
        zones.dedup();
        if zones.len() != 1 {
            continue;
        }
        out.report(
            lb_ref(snap, lb),
            format!("{} `{}` is enabled in a single Availability Zone ({})", kind(lb), lb.load_balancer_name, zones[0]),
        )
        .evidence("availability_zones", zones[0]);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn iam_certificates() {
        assert!(super::is_iam_server_certificate("arn:aws:iam::123456789012:server-certificate/prod/web"));
        assert!(!super::is_iam_server_certificate("arn:aws:acm:us-east-1:123456789012:certificate/abc"));
        assert!(!super::is_iam_server_certificate("not-an-arn"));
    }
}
