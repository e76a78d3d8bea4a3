//! AWS Foundational Security Best Practices (Security Hub CSPM): the ECS, ECR, EC2 and ELB
//! controls of the FSBP standard that our rules evidence, and only those. Control ids and
//! titles are Security Hub's; each control applies its own condition where it is narrower
//! than its rules (research: docs/research/securityhub-controls.md §1 and §2).
//!
//! Not here, because they are not FSBP controls: EC2.13 and EC2.14 (CIS and PCI DSS; EC2.13
//! is in `nist-800-53`), ECS.17 and ECR.5 (NIST SP 800-53 only, in `nist-800-53`). FSBP ELB.18
//! (every ALB listener HTTPS, every NLB listener TLS) is not modelled: no rule tests it
//! (`lb-listener-http-without-redirect` accepts redirecting HTTP listeners, which ELB.18's
//! text fails, and `lb-nlb-plaintext-tcp-listener` is a heuristic).

use super::{Control, Framework, FrameworkDef, security_hub};

const SH: &str = "AWS Security Hub user guide, ECS/ECR/EC2/ELB controls and the FSBP standard page (checked 2026-08)";
const SH_SECONDARY: &str = "AWS Security Hub user guide control page; FSBP membership from an API-derived list (2026-08), not the standard page";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::AwsFoundational,
    name: "AWS Foundational Security Best Practices",
    version: "Security Hub CSPM, 2026",
    controls: &[
        Control {
            id: "ECS.2",
            title: "ECS services should not have public IP addresses assigned to them automatically",
            rules: &["service-assigns-public-ip"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.3",
            title: "ECS task definitions should not share the host's process namespace",
            rules: &["task-host-pid-namespace"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.4",
            title: "ECS containers should run as non-privileged",
            rules: &["container-privileged"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.5",
            title: "ECS task definitions should configure containers to be limited to read-only access to root filesystems",
            rules: &["container-root-filesystem-writable"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.8",
            title: "Secrets should not be passed as container environment variables",
            rules: &["container-environment-secrets"],
            source: SH,
            condition: Some(security_hub::ECS_8),
            ..Control::BASE
        },
        Control {
            id: "ECS.9",
            title: "ECS task definitions should have a logging configuration",
            rules: &["container-logging-missing"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.10",
            title: "ECS Fargate services should run on the latest Fargate platform version",
            rules: &["fargate-platform-version-outdated"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.12",
            title: "ECS clusters should use Container Insights",
            rules: &["cluster-container-insights-disabled"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.16",
            title: "ECS task sets should not automatically assign public IP addresses",
            rules: &["task-set-assigns-public-ip"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECS.18",
            title: "ECS task definitions should use in-transit encryption for EFS volumes",
            rules: &["efs-transit-encryption-disabled"],
            source: SH_SECONDARY,
            ..Control::BASE
        },
        Control {
            id: "ECS.19",
            title: "ECS capacity providers should have managed termination protection enabled",
            rules: &["capacity-provider-termination-protection-disabled"],
            source: SH_SECONDARY,
            ..Control::BASE
        },
        Control {
            id: "ECS.20",
            title: "ECS task definitions should configure non-root users in Linux container definitions",
            rules: &["container-runs-as-root", "task-host-network-root-user"],
            source: SH_SECONDARY,
            ..Control::BASE
        },
        Control {
            id: "ECS.21",
            title: "ECS task definitions should configure non-administrator users in Windows container definitions",
            rules: &["container-windows-admin-user"],
            source: SH_SECONDARY,
            ..Control::BASE
        },
        Control {
            id: "ECR.1",
            title: "ECR private repositories should have image scanning configured",
            rules: &["ecr-repository-scan-on-push-disabled"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECR.2",
            title: "ECR private repositories should have tag immutability configured",
            rules: &["ecr-repository-tags-mutable"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ECR.3",
            title: "ECR repositories should have at least one lifecycle policy configured",
            rules: &["ecr-repository-lifecycle-policy-missing"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "EC2.2",
            title: "VPC default security groups should not allow inbound or outbound traffic",
            rules: &["security-group-default-allows-traffic"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "EC2.6",
            title: "VPC flow logging should be enabled in all VPCs",
            rules: &["vpc-flow-logs-disabled"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "EC2.8",
            title: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
            rules: &["container-instance-imdsv2-not-required"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "EC2.9",
            title: "EC2 instances should not have a public IPv4 address",
            rules: &["container-instance-public-ip"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "EC2.15",
            title: "EC2 subnets should not automatically assign public IP addresses",
            rules: &["subnet-auto-assigns-public-ip"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "EC2.18",
            title: "Security groups should only allow unrestricted incoming traffic for authorized ports",
            rules: &[
                "service-security-group-internet-ingress",
                "security-group-admin-ports-open",
                "security-group-database-ports-open",
                "security-group-high-risk-ports-open",
                "security-group-all-traffic-open",
            ],
            source: SH,
            condition: Some(security_hub::EC2_18),
            ..Control::BASE
        },
        Control {
            id: "EC2.19",
            title: "Security groups should not allow unrestricted access to ports with high risk",
            rules: &[
                "security-group-admin-ports-open",
                "security-group-database-ports-open",
                "security-group-high-risk-ports-open",
                "security-group-all-traffic-open",
            ],
            source: SH,
            condition: Some(security_hub::EC2_19),
            ..Control::BASE
        },
        Control {
            id: "ELB.1",
            title: "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
            rules: &["lb-listener-http-without-redirect"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.2",
            title: "Classic Load Balancers with SSL/HTTPS listeners should use a certificate provided by AWS Certificate Manager",
            rules: &["clb-certificate-not-from-acm"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.3",
            title: "Classic Load Balancer listeners should be configured with HTTPS or TLS termination",
            rules: &["clb-listener-not-encrypted"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.4",
            title: "Application Load Balancer should be configured to drop invalid HTTP headers",
            rules: &["lb-invalid-headers-not-dropped"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.5",
            title: "Application and Classic Load Balancers logging should be enabled",
            rules: &["lb-access-logs-disabled", "clb-access-logs-disabled"],
            source: SH,
            condition: Some(security_hub::ELB_5),
            ..Control::BASE
        },
        Control {
            id: "ELB.6",
            title: "Application, Gateway, and Network Load Balancers should have deletion protection enabled",
            rules: &["lb-deletion-protection-disabled"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.7",
            title: "Classic Load Balancers should have connection draining enabled",
            rules: &["clb-connection-draining-disabled"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.8",
            title: "Classic Load Balancers with SSL listeners should use a predefined security policy that has strong AWS Configuration",
            rules: &["clb-tls-policy-outdated", "clb-tls-policy-not-recommended"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.9",
            title: "Classic Load Balancers should have cross-zone load balancing enabled",
            rules: &["clb-cross-zone-disabled"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.10",
            title: "Classic Load Balancer should span multiple Availability Zones",
            rules: &["clb-single-availability-zone"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.12",
            title: "Application Load Balancer should be configured with defensive or strictest desync mitigation mode",
            rules: &["lb-desync-mitigation-monitor"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.13",
            title: "Application, Network and Gateway Load Balancers should span multiple Availability Zones",
            rules: &["lb-single-availability-zone"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.14",
            title: "Classic Load Balancer should be configured with defensive or strictest desync mitigation mode",
            rules: &["clb-desync-mitigation-monitor"],
            source: SH,
            ..Control::BASE
        },
        Control {
            id: "ELB.17",
            title: "Application and Network Load Balancers with listeners should use recommended security policies",
            rules: &["lb-tls-policy-outdated", "lb-tls-policy-legacy-ciphers", "lb-tls-policy-not-recommended"],
            source: SH,
            ..Control::BASE
        },
    ],
};
