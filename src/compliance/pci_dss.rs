//! PCI DSS v4.0 requirements our rules evidence. Where Prowler's `pci_4.0_aws` mapping
//! covers a rule we cite it; other mappings are ours and say why (research:
//! peer-checks.md §2.5 and §8).

use super::{Control, Framework, FrameworkDef};

const PROWLER: &str = "Prowler pci_4.0_aws mapping of the equivalent check";
const OURS: &str = "ecs-security-mcp mapping: the rule tests the control's stated objective";

pub static FRAMEWORK: FrameworkDef = FrameworkDef {
    framework: Framework::PciDss,
    name: "PCI DSS",
    version: "4.0",
    controls: &[
        Control {
            id: "1.4.5",
            title: "Disclosure of internal IP addresses and routing information is limited to authorized parties",
            rules: &["task-host-pid-namespace"],
            source: PROWLER,
        },
        Control {
            id: "1.3.1",
            title: "Inbound traffic to the CDE is restricted to only traffic that is necessary",
            rules: &["task-host-network-mode"],
            source: OURS,
        },
        Control {
            id: "2.2.4",
            title: "Only necessary services, protocols, daemons, and functions are enabled",
            rules: &[
                "container-capabilities-not-dropped",
                "container-dangerous-capabilities",
            ],
            source: OURS,
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
            ],
            source: OURS,
        },
        Control {
            id: "2.2.7",
            title: "All non-console administrative access is encrypted using strong cryptography",
            rules: &["cluster-exec-kms-missing"],
            source: OURS,
        },
        Control {
            id: "3.5.1",
            title: "PAN is secured with strong cryptography wherever it is stored",
            rules: &["container-environment-secrets"],
            source: PROWLER,
        },
        Control {
            id: "7.2.1",
            title: "An access control model is defined and includes granting access based on job classification and function",
            rules: &[
                "container-privileged",
                "task-host-network-root-user",
                "container-root-filesystem-writable",
            ],
            source: PROWLER,
        },
        Control {
            id: "7.2.2",
            title: "Access is assigned based on job classification and function with least privileges necessary",
            rules: &[
                "container-privileged",
                "container-runs-as-root",
                "container-windows-admin-user",
                "task-host-network-root-user",
            ],
            source: PROWLER,
        },
        Control {
            id: "7.2.5",
            title: "All application and system accounts and related access privileges are assigned and managed",
            rules: &[
                "task-role-missing",
                "task-execution-role-missing",
                "task-role-same-as-execution-role",
            ],
            source: OURS,
        },
        Control {
            id: "8.3.2",
            title: "Strong cryptography is used to render all authentication factors unreadable during transmission and storage",
            rules: &["container-environment-secrets", "container-command-secrets"],
            source: PROWLER,
        },
        Control {
            id: "8.6.2",
            title: "Passwords/passphrases for application and system accounts are not hard coded in scripts, configuration files, or source code",
            rules: &[
                "container-environment-secrets",
                "container-command-secrets",
                "resource-tags-contain-secrets",
            ],
            source: OURS,
        },
        Control {
            id: "8.6.3",
            title: "Passwords/passphrases for application and system accounts are protected against misuse",
            rules: &["secrets-from-parameter-store"],
            source: OURS,
        },
        Control {
            id: "10.2.1",
            title: "Audit logs are enabled and active for all system components and cardholder data",
            rules: &[
                "cluster-exec-logging-disabled",
                "cluster-exec-configuration-missing",
            ],
            source: OURS,
        },
        Control {
            id: "10.2.1.2",
            title: "Audit logs capture all actions taken by any individual with administrative access",
            rules: &["cluster-exec-logging-disabled"],
            source: OURS,
        },
    ],
};
