//! HIPAA Security Rule (45 CFR Part 164 Subpart C) safeguards our rules evidence. Prowler
//! maps no ECS checks to HIPAA; these mappings follow its network and logging analogs
//! (research: peer-checks.md §2.5 and §8) and otherwise the safeguard's stated objective.

use super::{Control, Framework, FrameworkDef};

const ANALOG: &str = "Prowler hipaa_aws analog (the same safeguard mapped for the equivalent network/logging check)";
const OURS: &str = "ecs-security-mcp mapping: the rules test the safeguard's stated objective";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::Hipaa,
    name: "HIPAA Security Rule",
    version: "45 CFR 164.308-164.312",
    controls: &[
        Control {
            id: "164.308(a)(1)(ii)(B)",
            title: "Risk management",
            rules: &[
                "security-group-admin-ports-open",
                "lb-deletion-protection-disabled",
                "image-vulnerabilities-found",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "164.308(a)(1)(ii)(D)",
            title: "Information system activity review",
            rules: &[
                "cluster-container-insights-disabled",
                "cluster-exec-logging-disabled",
                "vpc-flow-logs-disabled",
                "lb-access-logs-disabled",
                "clb-access-logs-disabled",
                "container-logging-missing",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "164.308(a)(3)(i)",
            title: "Workforce security",
            rules: &["service-exec-enabled", "ecr-repository-public"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "164.308(a)(4)(ii)(B)",
            title: "Access authorization",
            rules: &["task-role-missing", "task-role-same-as-execution-role", "task-execution-role-missing"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "164.308(a)(5)(ii)(B)",
            title: "Protection from malicious software",
            rules: &[
                "ecr-repository-scan-on-push-disabled",
                "image-not-scanned",
                "image-end-of-life-base",
                "container-instance-agent-vulnerable",
                "fargate-platform-version-outdated",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "164.308(a)(7)(i)",
            title: "Contingency plan",
            rules: &[
                "cluster-not-active",
                "capacity-provider-termination-protection-disabled",
                "lb-single-availability-zone",
                "clb-single-availability-zone",
                "service-deployment-circuit-breaker-disabled",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "164.312(a)(1)",
            title: "Access control",
            rules: &[
                "container-privileged",
                "container-runs-as-root",
                "container-windows-admin-user",
                "task-host-pid-namespace",
                "task-host-ipc-namespace",
                "task-host-network-root-user",
                "service-assigns-public-ip",
                "task-set-assigns-public-ip",
                "security-group-all-traffic-open",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "164.312(a)(2)(iv)",
            title: "Encryption and decryption",
            // Data that is not encrypted; an AWS-managed key instead of a customer-managed
            // one is the CMK rules' own, lower finding, not a failure of this safeguard.
            rules: &["cluster-exec-log-encryption-disabled"],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "164.312(b)",
            title: "Audit controls",
            rules: &[
                "cluster-exec-logging-disabled",
                "cluster-exec-configuration-missing",
                "cluster-container-insights-disabled",
                "container-logging-missing",
                "vpc-flow-logs-disabled",
                "lb-access-logs-disabled",
                "clb-access-logs-disabled",
                "service-connect-logging-missing",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "164.312(c)(1)",
            title: "Integrity",
            rules: &[
                "container-root-filesystem-writable",
                "container-security-profile-disabled",
                "ecr-repository-tags-mutable",
                "container-image-not-pinned",
                "container-writable-host-mount",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "164.312(d)",
            title: "Person or entity authentication",
            rules: &["container-environment-secrets", "container-command-secrets", "resource-tags-contain-secrets"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "164.312(e)(1)",
            title: "Transmission security",
            rules: &[
                "lb-listener-http-without-redirect",
                "clb-listener-not-encrypted",
                "lb-tls-policy-outdated",
                "clb-tls-policy-outdated",
                "lb-nlb-plaintext-tcp-listener",
                "efs-transit-encryption-disabled",
                "service-connect-tls-disabled",
                "security-group-admin-ports-open",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "164.312(e)(2)(i)",
            title: "Integrity controls (transmission)",
            rules: &["lb-invalid-headers-not-dropped", "lb-desync-mitigation-monitor", "clb-desync-mitigation-monitor"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "164.312(e)(2)(ii)",
            title: "Encryption (transmission)",
            rules: &[
                "lb-tls-policy-outdated",
                "clb-tls-policy-outdated",
                "lb-tls-policy-legacy-ciphers",
                "efs-transit-encryption-disabled",
                "service-connect-tls-disabled",
            ],
            source: ANALOG,
            ..Control::BASE
        },
    ],
};
