//! PCI DSS v4.0.1 requirements our rules evidence. Where Prowler's `pci_4.0_aws` mapping
//! covers a rule we cite it; the other mappings are ours and follow the requirement's
//! stated objective (research: peer-checks.md §2.5 and §8; requirement texts in
//! docs/research/securityhub-controls.md §4).
//!
//! Not mapped, because no rule tests them: 1.4.5 (disclosure of internal IP addresses and
//! routing information; Prowler's pid-namespace mapping does not test that) and 5.3.4
//! (audit logs of the anti-malware solution; container logging is not anti-malware logging).
//! 3.5.1 (stored data rendered unreadable) fails on data stored in plain text, not on data
//! encrypted with an AWS-managed rather than a customer-managed key.

use super::{Control, Framework, FrameworkDef};

const PROWLER: &str = "Prowler pci_4.0_aws mapping of the equivalent check";
const OURS: &str = "ecs-security-mcp mapping: the rules test the requirement's stated objective";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::PciDss,
    name: "PCI DSS",
    version: "4.0.1",
    controls: &[
        Control {
            id: "1.2.1",
            title: "Configuration standards for NSC rulesets are defined, implemented, and maintained",
            rules: &["security-group-default-allows-traffic", "route-table-default-route-to-peering"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "1.2.5",
            title: "All services, protocols, and ports allowed are identified, approved, and have a defined business need",
            rules: &["security-group-all-traffic-open", "service-security-group-internet-ingress"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "1.3.1",
            title: "Inbound traffic to the CDE is restricted to only traffic that is necessary",
            rules: &[
                "security-group-admin-ports-open",
                "security-group-database-ports-open",
                "security-group-all-traffic-open",
                "task-host-network-mode",
                "workload-network-mode-not-awsvpc",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "1.3.2",
            title: "Outbound traffic from the CDE is restricted to only traffic that is necessary",
            rules: &["security-group-unrestricted-egress"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "1.4.1",
            title: "NSCs are implemented between trusted and untrusted networks",
            rules: &["workload-in-public-subnet", "vpc-default-used"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "1.4.4",
            title: "System components that store cardholder data are not directly accessible from untrusted networks",
            rules: &[
                "service-assigns-public-ip",
                "task-set-assigns-public-ip",
                "subnet-auto-assigns-public-ip",
                "container-instance-public-ip",
            ],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "2.2.2",
            title: "Vendor default accounts are managed",
            rules: &["container-runs-as-root", "container-windows-admin-user"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "2.2.4",
            title: "Only necessary services, protocols, daemons, and functions are enabled",
            rules: &[
                "container-capabilities-not-dropped",
                "container-dangerous-capabilities",
                "container-host-devices",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "2.2.5",
            title: "If any insecure services, protocols, or daemons are present, business justification is documented and additional security features are implemented",
            rules: &[
                "lb-listener-http-without-redirect",
                "lb-nlb-plaintext-tcp-listener",
                "clb-listener-not-encrypted",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "2.2.6",
            title: "System security parameters are configured to prevent misuse",
            rules: &[
                "container-privileged",
                "container-security-profile-disabled",
                "container-no-new-privileges-missing",
                "task-host-pid-namespace",
                "task-host-ipc-namespace",
                "container-docker-socket-mounted",
                "container-sensitive-host-path-mounted",
                "container-writable-host-mount",
                "container-tmpfs-exec-allowed",
                "container-instance-imdsv2-not-required",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "2.2.7",
            title: "All non-console administrative access is encrypted using strong cryptography",
            rules: &["cluster-exec-kms-missing"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "3.5.1",
            title: "PAN is rendered unreadable anywhere it is stored",
            rules: &["container-environment-secrets", "cluster-exec-log-encryption-disabled"],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "4.2.1",
            title: "Strong cryptography and security protocols are implemented to safeguard PAN during transmission over open, public networks",
            rules: &[
                "lb-listener-http-without-redirect",
                "clb-listener-not-encrypted",
                "lb-tls-policy-outdated",
                "clb-tls-policy-outdated",
                "lb-nlb-plaintext-tcp-listener",
                "efs-transit-encryption-disabled",
                "service-connect-tls-disabled",
            ],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "4.2.1.1",
            title: "An inventory of the entity's trusted keys and certificates is maintained",
            rules: &["lb-certificate-not-from-acm", "clb-certificate-not-from-acm"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "6.3.1",
            title: "Security vulnerabilities are identified and managed",
            rules: &[
                "ecr-repository-scan-on-push-disabled",
                "ecr-registry-continuous-scanning-disabled",
                "image-not-scanned",
                "image-scan-stale",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "6.3.3",
            title: "All system components are protected from known vulnerabilities by installing applicable security patches/updates",
            rules: &[
                "fargate-platform-version-outdated",
                "container-instance-agent-vulnerable",
                "image-vulnerabilities-found",
                "image-end-of-life-base",
                "envoy-image-outdated",
            ],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "6.4.1",
            title: "Public-facing web applications are protected against attacks",
            rules: &["lb-invalid-headers-not-dropped", "lb-desync-mitigation-monitor", "clb-desync-mitigation-monitor"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "6.5.1",
            title: "Changes to all system components in the production environment are made according to established procedures",
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
            id: "7.2.1",
            title: "An access control model is defined and includes granting access as follows",
            rules: &["container-privileged", "task-host-network-root-user", "container-root-filesystem-writable"],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "7.2.2",
            title: "Access is assigned to users, including privileged users, based on job classification and function and least privileges necessary",
            rules: &[
                "container-privileged",
                "container-runs-as-root",
                "container-windows-admin-user",
                "task-host-network-root-user",
                "container-instance-shared-with-privileged-task",
            ],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "7.2.5",
            title: "All application and system accounts and related access privileges are assigned and managed",
            rules: &[
                "task-role-missing",
                "task-execution-role-missing",
                "task-role-same-as-execution-role",
                "ecr-repository-public",
            ],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "8.2.2",
            title: "Group, shared, or generic IDs, or other shared authentication credentials are only used when necessary",
            rules: &["task-role-same-as-execution-role"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "8.3.2",
            title: "Strong cryptography is used to render all authentication factors unreadable during transmission and storage",
            rules: &["container-environment-secrets", "container-command-secrets"],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "8.6.2",
            title: "Passwords/passphrases for application and system accounts are not hard coded in scripts, configuration/property files, or source code",
            rules: &["container-environment-secrets", "container-command-secrets", "resource-tags-contain-secrets"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "8.6.3",
            title: "Passwords/passphrases for application and system accounts are protected against misuse",
            rules: &["secrets-from-parameter-store"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "10.2.1",
            title: "Audit logs are enabled and active for all system components and cardholder data",
            rules: &[
                "cluster-exec-logging-disabled",
                "cluster-exec-configuration-missing",
                "container-logging-missing",
                "lb-access-logs-disabled",
                "clb-access-logs-disabled",
                "vpc-flow-logs-disabled",
                "service-connect-logging-missing",
            ],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "10.2.1.2",
            title: "Audit logs capture all actions taken by any individual with administrative access",
            rules: &["cluster-exec-logging-disabled"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "10.3.2",
            title: "Audit log files are protected to prevent modifications by individuals",
            rules: &["cluster-exec-log-encryption-disabled"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "10.4.1.1",
            title: "Automated mechanisms are used to perform audit log reviews",
            rules: &["cluster-container-insights-disabled"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "10.7.2",
            title: "Failures of critical security control systems are detected, alerted, and addressed promptly",
            rules: &["container-instance-agent-disconnected", "container-instance-agent-update-failed"],
            source: OURS,
            ..Control::BASE
        },
        Control {
            id: "11.3.1",
            title: "Internal vulnerability scans are performed",
            rules: &["ecr-repository-scan-on-push-disabled", "image-not-scanned"],
            source: PROWLER,
            ..Control::BASE
        },
        Control {
            id: "12.3.4",
            title: "Hardware and software technologies in use are reviewed, including end-of-life plans",
            rules: &[
                "image-end-of-life-base",
                "appmesh-end-of-support",
                "container-instance-previous-generation",
                "fargate-platform-version-outdated",
            ],
            source: OURS,
            ..Control::BASE
        },
    ],
};
