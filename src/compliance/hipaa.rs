//! HIPAA Security Rule (45 CFR Part 164 Subpart C) safeguards our rules evidence. Prowler
//! maps no ECS checks to HIPAA, so these mappings are ours, anchored on the network and
//! logging analogs in research: peer-checks.md §2.5 and §8.

use super::{Control, Framework, FrameworkDef};

const OURS: &str = "ecs-security-mcp mapping: the rule tests the safeguard's stated objective";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::Hipaa,
    name: "HIPAA Security Rule",
    version: "45 CFR 164.308-164.312",
    controls: &[
        Control {
            id: "164.308(a)(1)(ii)(D)",
            title: "Information system activity review",
            rules: &[
                "cluster-container-insights-disabled",
                "cluster-exec-logging-disabled",
            ],
            source: OURS,
        },
        Control {
            id: "164.308(a)(4)(ii)(B)",
            title: "Access authorization",
            rules: &[
                "task-role-missing",
                "task-role-same-as-execution-role",
                "task-execution-role-missing",
            ],
            source: OURS,
        },
        Control {
            id: "164.308(a)(7)(i)",
            title: "Contingency plan",
            rules: &[
                "cluster-not-active",
                "capacity-provider-termination-protection-disabled",
            ],
            source: OURS,
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
            ],
            source: OURS,
        },
        Control {
            id: "164.312(a)(2)(iv)",
            title: "Encryption and decryption",
            rules: &["cluster-exec-kms-missing"],
            source: OURS,
        },
        Control {
            id: "164.312(b)",
            title: "Audit controls",
            rules: &[
                "cluster-exec-logging-disabled",
                "cluster-exec-configuration-missing",
                "cluster-container-insights-disabled",
            ],
            source: OURS,
        },
        Control {
            id: "164.312(c)(1)",
            title: "Integrity",
            rules: &[
                "container-root-filesystem-writable",
                "container-security-profile-disabled",
            ],
            source: OURS,
        },
        Control {
            id: "164.312(d)",
            title: "Person or entity authentication",
            rules: &[
                "container-environment-secrets",
                "container-command-secrets",
                "resource-tags-contain-secrets",
            ],
            source: OURS,
        },
    ],
};
