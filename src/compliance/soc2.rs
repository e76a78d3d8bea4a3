//! SOC 2 Trust Services Criteria (2017, revised points of focus 2022) our rules evidence.
//! Prowler maps only A1.2 (logging) to an ECS check; these mappings are ours, following the analogs in
//! research: peer-checks.md §2.5 and §8.

use super::{Control, Framework, FrameworkDef};

const OURS: &str = "ecs-security-mcp mapping: the rule tests the criterion's points of focus";

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
            ],
            source: OURS,
        },
        Control {
            id: "CC6.3",
            title: "Role-based access and least privilege",
            rules: &[
                "task-role-same-as-execution-role",
                "task-execution-role-missing",
                "task-host-network-root-user",
            ],
            source: OURS,
        },
        Control {
            id: "CC6.6",
            title: "Logical access security measures against threats from sources outside system boundaries",
            rules: &["task-host-network-mode"],
            source: OURS,
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
            ],
            source: OURS,
        },
        Control {
            id: "CC7.2",
            title: "Monitoring of system components for anomalies",
            rules: &[
                "cluster-container-insights-disabled",
                "cluster-exec-logging-disabled",
                "container-health-check-missing",
            ],
            source: OURS,
        },
        Control {
            id: "C1.1",
            title: "Confidential information is identified and protected",
            rules: &[
                "resource-tags-contain-secrets",
                "secrets-from-parameter-store",
                "cluster-exec-kms-missing",
            ],
            source: OURS,
        },
        Control {
            id: "A1.2",
            title: "Environmental protections, software, data backup, and recovery infrastructure",
            rules: &[
                "cluster-not-active",
                "capacity-provider-termination-protection-disabled",
                "cluster-exec-configuration-missing",
            ],
            source: OURS,
        },
    ],
};
