//! Security Hub's NIST SP 800-53 Rev. 5 standard: the ECS, ECR, EC2 and ELB controls of that
//! standard that our rules evidence. Control ids, titles and conditions are Security Hub's;
//! `requirements` holds the NIST SP 800-53 r5 ids each control page lists under "Related
//! requirements" (research: docs/research/securityhub-controls.md §1 and §3). Membership is
//! inferred from those pages and the standards API export of 2025-03; no standard page for
//! NIST SP 800-53 was available to check it against.

use super::{Control, Framework, FrameworkDef, security_hub};

const SH_NIST: &str = "AWS Security Hub control pages (Related requirements: NIST.800-53.r5) and the Security Hub standards API export (2025-03)";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::Nist80053,
    name: "NIST SP 800-53 Rev. 5 (Security Hub)",
    version: "Security Hub CSPM, Rev. 5",
    controls: &[
        Control {
            id: "ECS.2",
            title: "ECS services should not have public IP addresses assigned to them automatically",
            rules: &["service-assigns-public-ip"],
            source: SH_NIST,
            requirements: &[
                "AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)",
                "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)",
            ],
            ..Control::BASE
        },
        Control {
            id: "ECS.3",
            title: "ECS task definitions should not share the host's process namespace",
            rules: &["task-host-pid-namespace"],
            source: SH_NIST,
            requirements: &["CA-9(1)", "CM-2"],
            ..Control::BASE
        },
        Control {
            id: "ECS.4",
            title: "ECS containers should run as non-privileged",
            rules: &["container-privileged"],
            source: SH_NIST,
            requirements: &["AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6"],
            ..Control::BASE
        },
        Control {
            id: "ECS.5",
            title: "ECS task definitions should configure containers to be limited to read-only access to root filesystems",
            rules: &["container-root-filesystem-writable"],
            source: SH_NIST,
            requirements: &["AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6"],
            ..Control::BASE
        },
        Control {
            id: "ECS.8",
            title: "Secrets should not be passed as container environment variables",
            rules: &["container-environment-secrets"],
            condition: Some(security_hub::ECS_8),
            source: SH_NIST,
            requirements: &["CA-9(1)", "CM-2"],
        },
        Control {
            id: "ECS.9",
            title: "ECS task definitions should have a logging configuration",
            rules: &["container-logging-missing"],
            source: SH_NIST,
            requirements: &[
                "AC-4(26)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-7(8)",
            ],
            ..Control::BASE
        },
        Control {
            id: "ECS.10",
            title: "ECS Fargate services should run on the latest Fargate platform version",
            rules: &["fargate-platform-version-outdated"],
            source: SH_NIST,
            requirements: &["SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
            ..Control::BASE
        },
        Control {
            id: "ECS.12",
            title: "ECS clusters should use Container Insights",
            rules: &["cluster-container-insights-disabled"],
            source: SH_NIST,
            requirements: &["AU-6(3)", "AU-6(4)", "CA-7", "SI-2"],
            ..Control::BASE
        },
        Control {
            id: "ECS.17",
            title: "ECS task definitions should not use host network mode",
            rules: &["task-host-network-mode"],
            source: SH_NIST,
            requirements: &["AC-2(1)", "AC-3", "AC-3(7)", "AC-3(15)", "AC-5", "AC-6"],
            ..Control::BASE
        },
        Control {
            id: "ECR.1",
            title: "ECR private repositories should have image scanning configured",
            rules: &["ecr-repository-scan-on-push-disabled"],
            source: SH_NIST,
            requirements: &["RA-5"],
            ..Control::BASE
        },
        Control {
            id: "ECR.2",
            title: "ECR private repositories should have tag immutability configured",
            rules: &["ecr-repository-tags-mutable"],
            source: SH_NIST,
            requirements: &["CA-9(1)", "CM-2", "CM-8(1)"],
            ..Control::BASE
        },
        Control {
            id: "ECR.3",
            title: "ECR repositories should have at least one lifecycle policy configured",
            rules: &["ecr-repository-lifecycle-policy-missing"],
            source: SH_NIST,
            requirements: &["CA-9(1)", "CM-2", "CM-2(2)"],
            ..Control::BASE
        },
        Control {
            id: "ECR.5",
            title: "ECR repositories should be encrypted with customer managed AWS KMS keys",
            rules: &["ecr-repository-cmk-missing"],
            source: SH_NIST,
            requirements: &[
                "SC-12(2)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "CA-9(1)", "SI-7(6)", "AU-9",
            ],
            ..Control::BASE
        },
        Control {
            id: "EC2.2",
            title: "VPC default security groups should not allow inbound or outbound traffic",
            rules: &["security-group-default-allows-traffic"],
            source: SH_NIST,
            requirements: &["AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"],
            ..Control::BASE
        },
        Control {
            id: "EC2.6",
            title: "VPC flow logging should be enabled in all VPCs",
            rules: &["vpc-flow-logs-disabled"],
            source: SH_NIST,
            requirements: &["AC-4(26)", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SI-7(8)"],
            ..Control::BASE
        },
        Control {
            id: "EC2.8",
            title: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)",
            rules: &["container-instance-imdsv2-not-required"],
            source: SH_NIST,
            requirements: &["AC-3", "AC-3(15)", "AC-3(7)", "AC-6"],
            ..Control::BASE
        },
        Control {
            id: "EC2.9",
            title: "EC2 instances should not have a public IPv4 address",
            rules: &["container-instance-public-ip"],
            source: SH_NIST,
            requirements: &[
                "AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)",
                "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)",
            ],
            ..Control::BASE
        },
        Control {
            id: "EC2.13",
            title: "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22",
            rules: &["security-group-admin-ports-open", "security-group-all-traffic-open"],
            condition: Some(security_hub::EC2_13),
            source: SH_NIST,
            requirements: &[
                "AC-4", "AC-4(21)", "CM-7", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)",
            ],
        },
        Control {
            id: "EC2.15",
            title: "EC2 subnets should not automatically assign public IP addresses",
            rules: &["subnet-auto-assigns-public-ip"],
            source: SH_NIST,
            requirements: &[
                "AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)",
                "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)",
            ],
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
            condition: Some(security_hub::EC2_18),
            source: SH_NIST,
            requirements: &["AC-4", "AC-4(21)", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)", "SC-7(4)", "SC-7(5)"],
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
            condition: Some(security_hub::EC2_19),
            source: SH_NIST,
            requirements: &[
                "AC-4", "AC-4(21)", "CA-9(1)", "CM-2", "CM-2(2)", "CM-7", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(21)",
                "SC-7(4)", "SC-7(5)",
            ],
        },
        Control {
            id: "ELB.1",
            title: "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
            rules: &["lb-listener-http-without-redirect"],
            source: SH_NIST,
            requirements: &[
                "AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8", "SC-8(1)",
                "SC-8(2)", "SI-7(6)",
            ],
            ..Control::BASE
        },
        Control {
            id: "ELB.2",
            title: "Classic Load Balancers with SSL/HTTPS listeners should use a certificate provided by AWS Certificate Manager",
            rules: &["clb-certificate-not-from-acm"],
            source: SH_NIST,
            requirements: &[
                "AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(5)", "SC-7(4)", "SC-8", "SC-8(1)",
                "SC-8(2)", "SI-7(6)",
            ],
            ..Control::BASE
        },
        Control {
            id: "ELB.3",
            title: "Classic Load Balancer listeners should be configured with HTTPS or TLS termination",
            rules: &["clb-listener-not-encrypted"],
            source: SH_NIST,
            requirements: &[
                "AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8", "SC-8(1)",
                "SC-8(2)", "SI-7(6)",
            ],
            ..Control::BASE
        },
        Control {
            id: "ELB.4",
            title: "Application Load Balancer should be configured to drop invalid HTTP headers",
            rules: &["lb-invalid-headers-not-dropped"],
            source: SH_NIST,
            requirements: &["SC-7(4)", "SC-8(2)"],
            ..Control::BASE
        },
        Control {
            id: "ELB.5",
            title: "Application and Classic Load Balancers logging should be enabled",
            rules: &["lb-access-logs-disabled", "clb-access-logs-disabled"],
            condition: Some(security_hub::ELB_5),
            source: SH_NIST,
            requirements: &[
                "AC-4(26)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-7(8)",
            ],
        },
        Control {
            id: "ELB.6",
            title: "Application, Gateway, and Network Load Balancers should have deletion protection enabled",
            rules: &["lb-deletion-protection-disabled"],
            source: SH_NIST,
            requirements: &["CA-9(1)", "CM-2", "CM-2(2)", "CM-3", "SC-5(2)"],
            ..Control::BASE
        },
        Control {
            id: "ELB.7",
            title: "Classic Load Balancers should have connection draining enabled",
            rules: &["clb-connection-draining-disabled"],
            source: SH_NIST,
            requirements: &["CA-9(1)", "CM-2"],
            ..Control::BASE
        },
        Control {
            id: "ELB.8",
            title: "Classic Load Balancers with SSL listeners should use a predefined security policy that has strong AWS Configuration",
            rules: &["clb-tls-policy-outdated", "clb-tls-policy-not-recommended"],
            source: SH_NIST,
            requirements: &[
                "AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8", "SC-8(1)",
                "SC-8(2)", "SI-7(6)",
            ],
            ..Control::BASE
        },
        Control {
            id: "ELB.9",
            title: "Classic Load Balancers should have cross-zone load balancing enabled",
            rules: &["clb-cross-zone-disabled"],
            source: SH_NIST,
            requirements: &["CP-10", "CP-6(2)", "SC-36", "SC-5(2)", "SI-13(5)"],
            ..Control::BASE
        },
        Control {
            id: "ELB.10",
            title: "Classic Load Balancer should span multiple Availability Zones",
            rules: &["clb-single-availability-zone"],
            source: SH_NIST,
            requirements: &["CP-10", "CP-6(2)", "SC-36", "SC-5(2)", "SI-13(5)"],
            ..Control::BASE
        },
        Control {
            id: "ELB.12",
            title: "Application Load Balancer should be configured with defensive or strictest desync mitigation mode",
            rules: &["lb-desync-mitigation-monitor"],
            source: SH_NIST,
            requirements: &["AC-4(21)", "CA-9(1)", "CM-2"],
            ..Control::BASE
        },
        Control {
            id: "ELB.13",
            title: "Application, Network and Gateway Load Balancers should span multiple Availability Zones",
            rules: &["lb-single-availability-zone"],
            source: SH_NIST,
            requirements: &["CP-10", "CP-6(2)", "SC-36", "SC-5(2)", "SI-13(5)"],
            ..Control::BASE
        },
        Control {
            id: "ELB.14",
            title: "Classic Load Balancer should be configured with defensive or strictest desync mitigation mode",
            rules: &["clb-desync-mitigation-monitor"],
            source: SH_NIST,
            requirements: &["AC-4(21)", "CA-9(1)", "CM-2"],
            ..Control::BASE
        },
        Control {
            id: "ELB.17",
            title: "Application and Network Load Balancers with listeners should use recommended security policies",
            rules: &["lb-tls-policy-outdated", "lb-tls-policy-legacy-ciphers", "lb-tls-policy-not-recommended"],
            source: SH_NIST,
            requirements: &[
                "AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8", "SC-8(1)",
                "SC-8(2)", "SI-7(6)",
            ],
            ..Control::BASE
        },
    ],
};
