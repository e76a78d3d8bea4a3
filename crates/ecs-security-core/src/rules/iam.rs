//! IAM: the task role and the task execution role of the revisions that run.

use super::snippets::REGISTER_TD_CLI;
use super::{Category, Confidence, Domain, Findings, Remediation, Rule, Scope, Severity};
use crate::model::{DataSource, ImageRef, Snapshot, TaskDefinition};

pub(super) const RULES: &[&Rule] =
    &[&TASK_ROLE_MISSING, &TASK_EXECUTION_ROLE_MISSING, &TASK_ROLE_SAME_AS_EXECUTION_ROLE];

const TD: &[DataSource] = &[DataSource::Services, DataSource::TaskDefinitions, DataSource::Tasks];

const STATIC_CREDENTIAL_NAMES: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

/// `container/VARIABLE` for every static AWS credential variable in `environment` or `secrets`.
fn static_credential_variables(td: &TaskDefinition) -> Vec<String> {
    let mut found = Vec::new();
    for c in &td.container_definitions {
        let names = c.environment.iter().map(|e| e.name.as_str()).chain(c.secrets.iter().map(|s| s.name.as_str()));
        for n in names {
            if STATIC_CREDENTIAL_NAMES.iter().any(|s| s.eq_ignore_ascii_case(n)) {
                found.push(format!("{}/{n}", c.name));
            }
        }
    }
    found
}

pub static TASK_ROLE_MISSING: Rule = Rule {
    id: "task-role-missing",
    title: "Task has no task IAM role",
    severity: Severity::High,
    category: Category::IamSecurity,
    domain: Domain::Iam,
    scope: Scope::Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "Without a task role, AWS SDKs in an EC2-hosted task fall back to the instance role through the metadata service, so every task on the host shares the instance's permissions; or the application carries static access keys. A dedicated least-privilege task role scopes credentials to the task and rotates them automatically. (On Fargate a missing role simply means no AWS access and is not flagged unless static keys are present.)",
    remediation: Remediation {
        summary: "Create a least-privilege IAM role for the task and set `taskRoleArn`.",
        steps: &[
            "Create an IAM role trusted by `ecs-tasks.amazonaws.com` with only the actions the application calls.",
            "Set `taskRoleArn` in the task definition; remove any AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables.",
            "On EC2, also block task access to instance metadata (`ECS_AWSVPC_BLOCK_IMDS=true`, or iptables for bridge mode).",
            "Register the revision and deploy.",
        ],
        cli: "aws iam create-role --role-name <app>-task-role --assume-role-policy-document file://ecs-tasks-trust.json && aws ecs register-task-definition --cli-input-json file://task-definition.json",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  task_role_arn = aws_iam_role.app_task.arn\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  TaskRoleArn: !GetAtt AppTaskRole.Arn",
    },
    references: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/security-iam-roles.html",
    ],
    peers: &["ECS best-practices guide: task IAM roles"],
    check: task_role_missing,
};

fn task_role_missing(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        let td = w.task_definition;
        if td.task_role_arn.as_deref().is_some_and(|r| !r.trim().is_empty()) {
            continue;
        }
        let static_creds = static_credential_variables(td);
        if !static_creds.is_empty() {
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` has no task role and passes static AWS credentials instead",
                    td.family_revision()
                ),
            )
            .evidence("taskRoleArn", "(not set)")
            .evidence("static_credentials", static_creds.join(", "));
            continue;
        }
        if !w.runs_on_ec2() {
            continue;
        }
        let mode = w.network_mode();
        let f = out.report(
            w.task_definition_ref(),
            format!(
                "task definition `{}` has no task role; on {} in {mode} mode its containers can use the instance role's credentials",
                td.family_revision(),
                w.launch.label()
            ),
        );
        f.evidence("taskRoleArn", "(not set)").evidence("networkMode", mode);
        if mode == "awsvpc" {
            f.severity(Severity::Medium);
        }
    }
}

pub static TASK_EXECUTION_ROLE_MISSING: Rule = Rule {
    id: "task-execution-role-missing",
    title: "Task needs an execution role but has none",
    severity: Severity::High,
    category: Category::IamSecurity,
    domain: Domain::Iam,
    scope: Scope::Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "The execution role is what ECS uses to pull private ECR images, write awslogs and fetch secrets, environment files and registry credentials for the task. On Fargate nothing of that works without it, and on any launch type secrets, environment files and registry credentials need it. On EC2, image pulls and awslogs fall back to the instance role, shared by every task on the host (reported at Medium).",
    remediation: Remediation {
        summary: "Create an execution role with AmazonECSTaskExecutionRolePolicy (plus access to the task's secrets) and set `executionRoleArn`.",
        steps: &[
            "Create a role trusted by `ecs-tasks.amazonaws.com` and attach `AmazonECSTaskExecutionRolePolicy`.",
            "Add `secretsmanager:GetSecretValue`/`ssm:GetParameters` (and `kms:Decrypt`) scoped to this task's secrets only.",
            "Set `executionRoleArn`, register the revision and deploy; remove the same permissions from the instance role.",
        ],
        cli: "aws iam create-role --role-name <app>-execution-role --assume-role-policy-document file://ecs-tasks-trust.json && aws iam attach-role-policy --role-name <app>-execution-role --policy-arn arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  execution_role_arn = aws_iam_role.app_execution.arn\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  ExecutionRoleArn: !GetAtt AppExecutionRole.Arn",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"],
    peers: &["ECS best-practices guide: task execution role"],
    check: task_execution_role_missing,
};

/// Something in a task definition that needs an execution role.
struct Need {
    /// `container: what`, for the evidence.
    detail: String,
    /// What kind of use it is, for the message.
    kind: &'static str,
    /// Only the execution role can provide it, even on EC2 (secrets, environment files,
    /// registry credentials). Otherwise the EC2 instance role can stand in.
    execution_role_only: bool,
}

/// What in a task definition requires an execution role.
fn execution_role_needs(td: &TaskDefinition) -> Vec<Need> {
    let mut needs = Vec::new();
    for c in &td.container_definitions {
        let mut need = |kind: &'static str, execution_role_only: bool| {
            needs.push(Need { detail: format!("{}: {kind}", c.name), kind, execution_role_only })
        };
        if c.image.as_deref().and_then(ImageRef::parse).is_some_and(|i| i.is_private_ecr()) {
            need("private ECR images", false);
        }
        if let Some(l) = &c.log_configuration {
            if l.log_driver.as_deref() == Some("awslogs") {
                need("awslogs logging", false);
            }
            if !l.secret_options.is_empty() {
                need("log-driver secrets", true);
            }
        }
        if !c.secrets.is_empty() {
            need("secrets", true);
        }
        if c.repository_credentials.is_some() {
            need("registry credentials", true);
        }
        if !c.environment_files.is_empty() {
            need("environment files", true);
        }
    }
    needs
}

fn task_execution_role_missing(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        let td = w.task_definition;
        if td.execution_role_arn.as_deref().is_some_and(|r| !r.trim().is_empty()) {
            continue;
        }
        let needs = execution_role_needs(td);
        if needs.is_empty() {
            continue;
        }
        let mut kinds: Vec<&str> = Vec::new();
        for n in &needs {
            if !kinds.contains(&n.kind) {
                kinds.push(n.kind);
            }
        }
        let details: Vec<&str> = needs.iter().map(|n| n.detail.as_str()).collect();
        let hard = w.is_fargate() || needs.iter().any(|n| n.execution_role_only);
        let consequence = if w.is_fargate() {
            "its Fargate tasks cannot start without one"
        } else if hard {
            "ECS needs one to fetch them"
        } else {
            "the instance role must grant this to every task on the host"
        };
        let f = out.report(
            w.task_definition_ref(),
            format!(
                "task definition `{}` has no execution role but uses {}; {consequence}",
                td.family_revision(),
                kinds.join(", ")
            ),
        );
        f.evidence("executionRoleArn", "(not set)")
            .evidence("needs", details.join("; "))
            .evidence("launch_type", w.launch.label());
        if !hard {
            f.severity(Severity::Medium);
        }
    }
}

pub static TASK_ROLE_SAME_AS_EXECUTION_ROLE: Rule = Rule {
    id: "task-role-same-as-execution-role",
    title: "Task role and execution role are the same role",
    severity: Severity::Low,
    category: Category::IamSecurity,
    domain: Domain::Iam,
    scope: Scope::Workloads,
    requires: TD,
    confidence: Confidence::High,
    rationale: "The execution role can read the task's secrets and pull its images; when the application's own role is the same role, the application can read every secret and registry the agent can, defeating the separation.",
    remediation: Remediation {
        summary: "Use two roles: an execution role for the agent and a separate least-privilege task role for the application.",
        steps: &[
            "Create a new task role trusted by `ecs-tasks.amazonaws.com` with only the application's permissions.",
            "Keep the existing role as the execution role and remove the application's permissions from it.",
            "Point `taskRoleArn` at the new role, keep `executionRoleArn` on the execution role, register the revision and deploy.",
        ],
        cli: REGISTER_TD_CLI,
        terraform: "resource \"aws_ecs_task_definition\" \"app\" {\n  task_role_arn      = aws_iam_role.app_task.arn\n  execution_role_arn = aws_iam_role.app_execution.arn\n}",
        cloudformation: "Type: AWS::ECS::TaskDefinition\nProperties:\n  TaskRoleArn: !GetAtt AppTaskRole.Arn\n  ExecutionRoleArn: !GetAtt AppExecutionRole.Arn",
    },
    references: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html"],
    peers: &["Checkov CKV_AWS_249"],
    check: task_role_same_as_execution_role,
};

fn task_role_same_as_execution_role(snap: &Snapshot, out: &mut Findings) {
    for w in snap.workloads() {
        let td = w.task_definition;
        if let (Some(task), Some(exec)) = (td.task_role_arn.as_deref(), td.execution_role_arn.as_deref())
            && !task.is_empty()
            && task == exec
        {
            out.report(
                w.task_definition_ref(),
                format!(
                    "task definition `{}` uses one role as both task role and execution role",
                    td.family_revision()
                ),
            )
            .evidence("role", task);
        }
    }
}
