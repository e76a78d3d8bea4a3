//! SOC 2 Trust Services Criteria (2017, revised points of focus 2022) our rules evidence.
//! Prowler maps only A1.2 (logging) to an ECS check; the rest follow its analogs for
//! network and logging checks (research: peer-checks.md §2.5 and §8) or the criterion's
//! points of focus.
//!
//! Processing Integrity (PI1.1–PI1.5) is not mapped: no rule tests the completeness or
//! accuracy of processing, inputs or outputs, and a loose mapping would pass a criterion
//! nothing examined.

use super::{Control, Framework, FrameworkDef};

const PROWLER: &str = "Prowler soc2_aws mapping of the equivalent check";
const ANALOG: &str = "Prowler soc2_aws analog (the same criterion mapped for the equivalent network/logging check)";
const OURS: &str = "ecs-security-mcp mapping: the rules test the criterion's points of focus";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::Soc2,
    name: "SOC 2 Trust Services Criteria",
    version: "2017 (rev. 2022)",
    controls: &[
        Control {
            id: "CC6.1",
            title: "Logical access security software, infrastructure, and architectures",
            rules: &[
                "container-privileged",
                "container-runs-as-root",
                "container-windows-admin-user",
                "task-role-missing",
                "container-environment-secrets",
                "container-command-secrets",
                "ecr-repository-public",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "CC6.3",
            title: "Role-based access and least privilege",
            rules: &[
                "task-role-same-as-execution-role",
                "task-execution-role-missing",
                "task-host-network-root-user",
                "container-instance-shared-with-privileged-task",
                "service-exec-enabled",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "CC6.6",
            title: "Logical access security measures against threats from sources outside system boundaries",
            rules: &[
                "service-assigns-public-ip",
                "task-set-assigns-public-ip",
                "subnet-auto-assigns-public-ip",
                "workload-in-public-subnet",
                "security-group-admin-ports-open",
                "security-group-database-ports-open",
                "security-group-all-traffic-open",
                "service-security-group-internet-ingress",
                "security-group-default-allows-traffic",
                "task-host-network-mode",
                "workload-network-mode-not-awsvpc",
                "vpc-default-used",
                "route-table-default-route-to-peering",
                "container-instance-public-ip",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "CC6.7",
            title: "Restriction of the transmission, movement, and removal of information",
            rules: &[
                "lb-listener-http-without-redirect",
                "clb-listener-not-encrypted",
                "lb-tls-policy-outdated",
                "clb-tls-policy-outdated",
                "lb-tls-policy-legacy-ciphers",
                "lb-nlb-plaintext-tcp-listener",
                "efs-transit-encryption-disabled",
                "service-connect-tls-disabled",
                "security-group-unrestricted-egress",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "CC6.8",
            title: "Controls to prevent or detect unauthorized or malicious software",
            rules: &[
                "container-root-filesystem-writable",
                "container-dangerous-capabilities",
                "container-security-profile-disabled",
                "container-no-new-privileges-missing",
                "task-host-pid-namespace",
                "task-host-ipc-namespace",
                "container-docker-socket-mounted",
                "container-sensitive-host-path-mounted",
                "container-host-devices",
                "container-image-external-registry",
                "image-vulnerabilities-found",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "CC7.1",
            title: "Detection of configuration changes and newly discovered vulnerabilities",
            rules: &[
                "ecr-repository-scan-on-push-disabled",
                "ecr-registry-continuous-scanning-disabled",
                "image-not-scanned",
                "image-scan-stale",
                "container-instance-agent-vulnerable",
                "image-end-of-life-base",
                "envoy-image-outdated",
                "appmesh-end-of-support",
                "fargate-platform-version-outdated",
                "container-instance-imdsv2-not-required",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "CC7.2",
            title: "Monitoring of system components for anomalies",
            rules: &[
                "cluster-container-insights-disabled",
                "cluster-exec-logging-disabled",
                "container-health-check-missing",
                "container-logging-missing",
                "vpc-flow-logs-disabled",
                "lb-access-logs-disabled",
                "clb-access-logs-disabled",
                "container-instance-agent-disconnected",
            ],
            source: ANALOG,
            ..Control::BASE
        },
        Control {
            id: "CC8.1",
            title: "Authorized, designed, tested, approved and implemented changes",
            rules: &[
                "container-image-not-pinned",
                "ecr-repository-tags-mutable",
                "fargate-platform-version-latest-alias",
                "service-deployment-circuit-breaker-disabled",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "A1.2",
            title: "Environmental protections, software, data backup, and recovery infrastructure",
            rules: &[
                "container-logging-missing",
                "cluster-not-active",
                "capacity-provider-termination-protection-disabled",
                "capacity-provider-managed-scaling-disabled",
                "lb-deletion-protection-disabled",
                "lb-single-availability-zone",
                "clb-single-availability-zone",
            ],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "C1.1",
            title: "Confidential information is identified and maintained to meet confidentiality objectives",
            rules: &[
                "resource-tags-contain-secrets",
                "secrets-from-parameter-store",
                "cluster-exec-kms-missing",
                "ecr-repository-cmk-missing",
                "cluster-fargate-storage-kms-missing",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "C1.2",
            title: "Confidential information is disposed of to meet confidentiality objectives",
            rules: &["ecr-repository-lifecycle-policy-missing"],
            source: OURS,
            ..Control::BASE
        },
    ],
};
