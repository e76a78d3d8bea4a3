//! AWS Foundational Security Best Practices (Security Hub CSPM): the ECS, ECR, EC2 and ELB
//! controls our rules evidence. Control ids and titles are Security Hub's; mappings follow
//! the Config rule each control evaluates (research: peer-checks.md §3 and §2.5).

use super::{Control, Framework, FrameworkDef};

const SH: &str = "AWS Security Hub user guide, ECS/ECR/EC2/ELB controls (checked 2026-08)";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::AwsFoundational,
    name: "AWS Foundational Security Best Practices",
    version: "Security Hub CSPM, 2026",
    controls: &[
        Control {
            id: "ECS.3",
            title: "ECS task definitions should not share the host's process namespace",
            rules: &["task-host-pid-namespace"],
            source: SH,
        },
        Control {
            id: "ECS.4",
            title: "ECS containers should run as non-privileged",
            rules: &["container-privileged"],
            source: SH,
        },
        Control {
            id: "ECS.5",
            title: "ECS containers should be limited to read-only access to root filesystems",
            rules: &["container-root-filesystem-writable"],
            source: SH,
        },
        Control {
            id: "ECS.8",
            title: "Secrets should not be passed as container environment variables",
            rules: &["container-environment-secrets"],
            source: SH,
        },
        Control {
            id: "ECS.12",
            title: "ECS clusters should use Container Insights",
            rules: &["cluster-container-insights-disabled"],
            source: SH,
        },
        Control {
            id: "ECS.17",
            title: "ECS task definitions should not use host network mode",
            rules: &["task-host-network-mode"],
            source: SH,
        },
        Control {
            id: "ECS.19",
            title: "ECS capacity providers should have managed termination protection enabled",
            rules: &["capacity-provider-termination-protection-disabled"],
            source: SH,
        },
        Control {
            id: "ECS.20",
            title: "ECS task definitions should configure non-root users in Linux container definitions",
            rules: &["container-runs-as-root", "task-host-network-root-user"],
            source: SH,
        },
        Control {
            id: "ECS.21",
            title: "ECS task definitions should configure non-administrator users in Windows container definitions",
            rules: &["container-windows-admin-user"],
            source: SH,
        },
    ],
};
