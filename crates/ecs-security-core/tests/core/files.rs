//! Task-definition files from public repositories (`tests/data/realworld/`), hand-labelled:
//! every file parses or fails with a position, every `must` label is found on its line, no
//! `must_not` item fires; any miss fails the test. Precision and recall over the labels are
//! printed (and written in `docs/checks.md`). Files of a kind the linter does not read are
//! listed in `unsupported.json` with their labels and the reason: each must fail with a
//! "not read" error, and the test prints them. Minified and YAML variants of some JSON files
//! must give the same findings at the same JSON pointers.

use std::fs;
use std::path::PathBuf;

use ecs_security_core::files::{self, FileLint};
use ecs_security_core::report::catalog::{CORPUS, CorpusResult};
use serde_json::Value;

fn corpus() -> PathBuf {
    super::common::root().join("tests/data/realworld")
}

fn entries(name: &str) -> Vec<Value> {
    let text = fs::read_to_string(corpus().join(name)).unwrap();
    serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().clone()
}

fn labels() -> Vec<Value> {
    entries("labels.json")
}

/// Files not valid JSON as published (a typo, a pasted shell prompt): they must fail with a place.
const MUST_FAIL: &[&str] = &[
    "taskdef/aws-samples__amazon-ecs-firelens-examples__dynatrace-task-definition.json",
    "taskdef/aws__aws-app-mesh-examples__fargate-colorteller-task-def.json",
];

/// A finding of `rule` on `container` (None: any resource) at `line`, if any.
fn found(lint: &FileLint, rule: &str, container: Option<&str>) -> Vec<usize> {
    lint.analysis
        .findings
        .iter()
        .zip(&lint.locations)
        .filter(|(f, _)| f.rule.id == rule)
        .filter(|(f, _)| container.is_none_or(|c| f.resource.path.container.as_deref() == Some(c)))
        .map(|(_, l)| l.line)
        .collect()
}

#[test]
fn realworld_corpus_meets_its_labels() {
    let mut report = Vec::new();
    let (mut tp, mut fn_, mut fp, mut tn) = (0, 0, 0, 0);
    let mut problems = Vec::new();
    for entry in labels() {
        let file = entry["file"].as_str().unwrap();
        let text = fs::read_to_string(corpus().join(file)).unwrap();
        let lint = match files::lint(file, &text) {
            Ok(l) => l,
            Err(e) => {
                assert!(e.pos.line >= 1 && e.pos.column >= 1, "{e}");
                assert!(e.to_string().starts_with(file), "{e}");
                let musts = entry["must"].as_array().unwrap().len();
                report.push(format!("ERROR (expected) {e}"));
                if !MUST_FAIL.contains(&file) {
                    problems.push(format!("{file}: unexpected error {e}"));
                } else if musts > 0 {
                    problems.push(format!("{file}: fails to parse as published, so it cannot hold `must` labels"));
                }
                continue;
            }
        };
        if MUST_FAIL.contains(&file) {
            problems.push(format!("{file}: parsed, but it is not valid as published"));
        }
        for m in entry["must"].as_array().unwrap() {
            let rule = m["rule"].as_str().unwrap();
            let line = m["line"].as_u64().unwrap() as usize;
            let lines = found(&lint, rule, m["container"].as_str());
            if lines.contains(&line) {
                tp += 1;
            } else {
                fn_ += 1;
                let why = m["why"].as_str().unwrap_or("");
                let state =
                    lint.analysis.result(rule).map_or("unknown rule".into(), |r| r.status().as_str().to_owned());
                problems.push(format!(
                    "MISS {file}: {rule} line {line} {:?} — found at {lines:?}, rule {state} ({why})",
                    m["container"]
                ));
            }
        }
        for m in entry["must_not"].as_array().unwrap() {
            let rule = m["rule"].as_str().unwrap();
            let lines = found(&lint, rule, m["container"].as_str());
            if lines.is_empty() {
                tn += 1;
            } else {
                fp += 1;
                problems.push(format!(
                    "FIRED {file}: {rule} {:?} at {lines:?} ({})",
                    m["container"],
                    m["why"].as_str().unwrap_or("")
                ));
            }
        }
    }
    let (mut musts_out, mut must_nots_out) = (0, 0);
    for entry in entries("unsupported.json") {
        let file = entry["file"].as_str().unwrap();
        let text = fs::read_to_string(corpus().join(file)).unwrap();
        let (musts, must_nots) = (entry["must"].as_array().unwrap().len(), entry["must_not"].as_array().unwrap().len());
        musts_out += musts;
        must_nots_out += must_nots;
        match files::lint(file, &text) {
            Err(e) if e.message.contains("not read") && e.to_string().starts_with(file) => report.push(format!(
                "UNSUPPORTED {file}: {musts} must and {must_nots} must-not labels not measured: {}",
                entry["reason"].as_str().unwrap()
            )),
            Err(e) => problems.push(format!("{file}: listed as unsupported, but fails with another error: {e}")),
            Ok(_) => problems.push(format!("{file}: listed as unsupported, but it is read: move it to labels.json")),
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!("{}", report.join("\n"));
    println!("labels: {tp} found, {fn_} missed, {fp} must-not fired, {tn} must-not quiet");
    println!("unsupported input: {musts_out} must and {must_nots_out} must-not labels not measured");
    println!("precision {precision:.3}, recall {recall:.3}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The numbers docs/checks.md states (report::catalog::CORPUS).
    let measured = CorpusResult {
        files: labels().len(),
        musts_found: tp,
        musts: tp + fn_,
        must_nots_fired: fp,
        must_nots: fp + tn,
        unsupported_files: entries("unsupported.json").len(),
        unsupported_musts: musts_out,
        unsupported_must_nots: must_nots_out,
    };
    assert_eq!(measured, CORPUS, "update report::catalog::CORPUS, then regenerate docs/checks.md");
}

/// Each finding as (rule, resource, pointer), and the lines of the findings.
fn placed(lint: &FileLint) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = lint
        .analysis
        .findings
        .iter()
        .zip(&lint.locations)
        .map(|(f, l)| (f.rule.id.to_owned(), f.resource.name.clone(), l.pointer.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn minified_and_yaml_variants_place_findings_at_the_same_pointers() {
    use saphyr::{LoadableYamlNode, Yaml, YamlEmitter};
    for file in [
        "taskdef/aws-samples__amazon-ecs-firelens-examples__newrelic-example-task-definition.json",
        "taskdef/DataDog__documentation__datadog-agent-sysprobe-ecs.json",
        "taskdef/aws__amazon-ecs-agent__devices.json",
        "describe/kayac__ecspresso__td.json",
        "cloudformation/Checkmarx__kics__ecs-plaintext-password-positive.json",
    ] {
        let text = fs::read_to_string(corpus().join(file)).unwrap();
        let pretty = files::lint(file, &text).unwrap();
        assert!(!pretty.analysis.findings.is_empty(), "{file}");

        let value: Value = serde_json::from_str(&text).unwrap();
        let minified = files::lint(file, &serde_json::to_string(&value).unwrap()).unwrap();
        assert_eq!(placed(&pretty), placed(&minified), "{file} minified");
        assert!(minified.locations.iter().all(|l| l.line == 1), "{file} minified");

        let docs = Yaml::load_from_str(&text).unwrap();
        let mut yaml = String::new();
        YamlEmitter::new(&mut yaml).dump(&docs[0]).unwrap();
        let from_yaml = files::lint(&format!("{file}.yaml"), &yaml).unwrap();
        assert_eq!(placed(&pretty), placed(&from_yaml), "{file} as YAML:\n{yaml}");
        // The line of each finding holds the key its pointer ends in (or the list item).
        let lines: Vec<&str> = yaml.lines().collect();
        for l in &from_yaml.locations {
            let last = l.pointer.rsplit('/').next().unwrap();
            let line = lines[l.line - 1];
            assert!(
                line.contains(last) || last.parse::<usize>().is_ok() || l.pointer.is_empty(),
                "{file} as YAML: {} on line {} `{line}`",
                l.pointer,
                l.line
            );
        }
    }
}

#[test]
fn unknown_values_are_never_passes() {
    let text = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [EC2]\n      ContainerDefinitions:\n        - Name: app\n          Image: !Sub '${Repo}:${Tag}'\n          Privileged: !If [Debug, true, false]\n          Environment:\n            - Name: DB_PASSWORD\n              Value: !Ref DbPassword\n";
    let lint = files::lint("t.yaml", text).unwrap();
    let status = |id: &str| lint.analysis.result(id).unwrap().status();
    use ecs_security_core::rules::RuleStatus;
    assert_eq!(status("container-privileged"), RuleStatus::NotEvaluated);
    assert!(lint.not_judged.iter().any(|n| n.rule.id == "container-privileged" && n.unknown.line == 9));
    // A placeholder image is neither missing nor `latest`.
    assert_eq!(status("container-image-missing"), RuleStatus::Pass);
    assert_ne!(status("container-image-not-pinned"), RuleStatus::Fail);
    // A `Ref` in a secret-named variable is a templated secret, on the entry's line.
    let i = lint.analysis.findings.iter().position(|f| f.rule.id == "container-environment-secrets").unwrap();
    assert_eq!(lint.locations[i].line, 11);
    // Rules that need a cluster are not applicable, never passed.
    assert_eq!(status("cluster-container-insights-disabled"), RuleStatus::NotApplicable);
    assert!(lint.not_applicable.iter().any(|r| r.id == "lb-deletion-protection-disabled"));
}

#[test]
fn terraform_plans_read_the_embedded_container_definitions() {
    let defs = serde_json::json!([{"name": "web", "image": "nginx:latest", "privileged": true}]).to_string();
    let plan = serde_json::json!({
        "format_version": "1.2", "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"child_modules": [{"resources": [{
            "address": "module.a.aws_ecs_task_definition.t", "type": "aws_ecs_task_definition",
            "values": {"family": "t", "network_mode": "host", "requires_compatibilities": ["EC2"],
                       "container_definitions": defs, "task_role_arn": null}}]}]}},
        "resource_changes": [{"address": "module.a.aws_ecs_task_definition.t",
            "change": {"after_unknown": {"task_role_arn": true}}}]
    });
    let lint = files::lint("plan.json", &serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let ids: Vec<&str> = lint.analysis.findings.iter().map(|f| f.rule.id).collect();
    assert!(ids.contains(&"container-privileged") && ids.contains(&"task-host-network-mode"), "{ids:?}");
    let i = ids.iter().position(|id| *id == "container-privileged").unwrap();
    assert!(lint.locations[i].pointer.ends_with("/container_definitions/0/privileged"), "{:?}", lint.locations[i]);
    // Known after apply: the task role is unknown, so the rule is not judged.
    assert!(!ids.contains(&"task-role-missing"), "{ids:?}");
}

#[test]
fn errors_name_the_file_and_place() {
    let e = files::lint("x.json", "{\n  \"containerDefinitions\": [\n    {\"name\": \"a\",}\n  ]\n}").unwrap_err();
    assert_eq!((e.pos.line, e.path.as_str()), (3, "x.json"), "{e}");
    let e = files::lint("k.yaml", "apiVersion: v1\nkind: Pod\n").unwrap_err();
    assert!(e.message.contains("not a task definition"), "{e}");
    let e = files::lint("m.tf", "resource \"x\" {}").unwrap_err();
    assert!(e.to_string().starts_with("m.tf:1:1:"), "{e}");
}

#[test]
fn newer_task_definition_fields_are_judged_on_their_line() {
    let text = "{\n  \"family\": \"api\",\n  \"enableFaultInjection\": true,\n  \"containerDefinitions\": [{\n    \"name\": \"app\",\n    \"image\": \"nginx:1.27\",\n    \"versionConsistency\": \"disabled\"\n  }]\n}\n";
    let at = |lint: &FileLint, rule: &str| {
        lint.analysis.findings.iter().zip(&lint.locations).find(|(f, _)| f.rule.id == rule).map(|(_, l)| l.line)
    };
    // The path names production, so fault injection is reported.
    let lint = files::lint("deploy/prod/api.json", text).unwrap();
    assert_eq!(at(&lint, "task-fault-injection-enabled-in-production"), Some(3));
    assert_eq!(at(&lint, "container-version-consistency-disabled"), Some(7));
    let lint = files::lint("deploy/staging/api.json", text).unwrap();
    assert_eq!(at(&lint, "task-fault-injection-enabled-in-production"), None);
}

/// Issue 12: the log-mode rule reads the account's `defaultLogDriverMode` for containers that
/// set no mode; a file still shows the mode a container sets. An explicit `blocking` is
/// reported on its line; a container without a mode is not judged (no permission to grant
/// can tell a file the account's default), never passed.
#[test]
fn files_judge_explicit_log_modes_and_leave_the_account_default_open() {
    let text = "{\"family\":\"f\",\"containerDefinitions\":[\n{\"name\":\"app\",\"image\":\"nginx:1.27\",\"logConfiguration\":{\"logDriver\":\"awslogs\",\"options\":{\"mode\":\"blocking\"}}},\n{\"name\":\"unset\",\"image\":\"nginx:1.27\",\"logConfiguration\":{\"logDriver\":\"awslogs\",\"options\":{}}}]}";
    let lint = files::lint("td.json", text).unwrap();
    let found: Vec<&str> = lint
        .analysis
        .findings
        .iter()
        .filter(|f| f.rule.id == "container-logging-blocking-mode")
        .map(|f| f.resource.name.as_str())
        .collect();
    assert_eq!(found, ["app"]);
    let result = lint.analysis.result("container-logging-blocking-mode").unwrap();
    assert!(result.gaps().iter().all(|g| g.permissions.is_empty() && g.reason.contains("defaultLogDriverMode")));
    let mut clean = text.replace("\"mode\":\"blocking\"", "\"mode\":\"non-blocking\"");
    clean.push('\n');
    let lint = files::lint("td.json", &clean).unwrap();
    let status = lint.analysis.result("container-logging-blocking-mode").unwrap().status();
    assert_eq!(status, ecs_security_core::rules::RuleStatus::NotEvaluated);
}
