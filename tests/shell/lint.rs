//! `lint` through the binary: real files from public repositories (`tests/data/realworld/`,
//! hand-labelled), pretty, minified and as YAML, in a temporary repository; findings at the
//! labelled lines in SARIF (validated against the 2.1.0 schema) and in GitHub workflow
//! commands (checked against the documented syntax); malformed files; exit codes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::common;

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecs-security-mcp"));
    c.current_dir(dir).env_remove("AWS_REGION").env_remove("AWS_PROFILE").env("ECS_SECURITY_MCP_LOG", "warn");
    c
}

fn lint(dir: &Path, args: &[&str]) -> Output {
    bin(dir).arg("lint").args(args).output().expect("binary runs")
}

fn corpus() -> PathBuf {
    common::root().join("tests/data/realworld")
}

fn labels() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus().join("labels.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap().as_array().unwrap().clone()
}

/// Labelled files that are invalid as published (see tests/core/files.rs).
fn invalid_as_published(file: &str) -> bool {
    file.contains("dynatrace-task-definition") || file.contains("fargate-colorteller-task-def")
}

/// Whether a directory walk reads a labelled file and it is valid as published.
fn walked(file: &str) -> bool {
    ecs_security_mcp::sources::files::has_candidate_name(Path::new(file)) && !invalid_as_published(file)
}

/// How many `must` labels the files a walk reads hold: every one must be found.
fn walked_musts() -> usize {
    labels().iter().filter(|e| walked(e["file"].as_str().unwrap())).map(|e| e["must"].as_array().unwrap().len()).sum()
}

/// Files the minified and YAML variants are made from.
const VARIANTS: &[&str] = &[
    "taskdef/aws-samples__amazon-ecs-firelens-examples__newrelic-example-task-definition.json",
    "taskdef/DataDog__documentation__datadog-agent-sysprobe-ecs.json",
    "taskdef/aws__amazon-ecs-agent__devices.json",
    "describe/kayac__ecspresso__td.json",
    "cloudformation/Checkmarx__kics__ecs-plaintext-password-positive.json",
];

fn to_yaml(json: &str) -> String {
    use saphyr::{LoadableYamlNode, Yaml, YamlEmitter};
    let docs = Yaml::load_from_str(json).unwrap();
    let mut yaml = String::new();
    YamlEmitter::new(&mut yaml).dump(&docs[0]).unwrap();
    yaml
}

/// A temporary repository (a `.git` directory at its root) holding every labelled file that
/// a directory walk reads and is valid as published, plus minified and YAML variants.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for entry in labels() {
        let file = entry["file"].as_str().unwrap();
        if !walked(file) {
            continue;
        }
        let to = dir.path().join("pretty").join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(corpus().join(file), &to).unwrap();
    }
    for file in VARIANTS {
        let text = std::fs::read_to_string(corpus().join(file)).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let min = dir.path().join("minified").join(file);
        std::fs::create_dir_all(min.parent().unwrap()).unwrap();
        std::fs::write(&min, serde_json::to_string(&value).unwrap()).unwrap();
        let yaml = dir.path().join("yaml").join(format!("{file}.yaml"));
        std::fs::create_dir_all(yaml.parent().unwrap()).unwrap();
        std::fs::write(&yaml, to_yaml(&text)).unwrap();
    }
    // Clearly not task definitions: skipped without a word.
    std::fs::write(dir.path().join("package.json"), r#"{"name": "web", "version": "1.0.0"}"#).unwrap();
    std::fs::create_dir(dir.path().join("node_modules")).unwrap();
    std::fs::write(dir.path().join("node_modules/td.json"), "{ not json").unwrap();
    dir
}

fn validator() -> jsonschema::Validator {
    crate::sarif_schema::validator(&common::root())
}

/// (rule, uri, line, column, pointer) of each SARIF result.
fn sarif_places(sarif: &Value) -> Vec<(String, String, u64, u64, String)> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let p = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                p["artifactLocation"]["uri"].as_str().unwrap().to_owned(),
                p["region"]["startLine"].as_u64().unwrap(),
                p["region"]["startColumn"].as_u64().unwrap(),
                p["region"]["properties"]["jsonPointer"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// (rule, line, column) of each finding the library places in a corpus file a directory
/// walk reads, or None when the walk skips it or it is invalid as published.
fn library_places(file: &str) -> Option<BTreeSet<(String, u64, u64)>> {
    if !walked(file) {
        return None;
    }
    let text = std::fs::read_to_string(corpus().join(file)).unwrap();
    let lint = ecs_security_mcp::files::lint(file, &text).unwrap();
    Some(
        lint.analysis
            .findings
            .iter()
            .zip(&lint.locations)
            .map(|(f, l)| (f.rule.id.to_owned(), l.line as u64, l.column as u64))
            .collect(),
    )
}

/// How many of the entry's `must` labels are at their line.
fn labels_found(entry: &Value, places: &BTreeSet<(String, u64, u64)>) -> usize {
    entry["must"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| places.iter().any(|p| p.0 == m["rule"].as_str().unwrap() && p.1 == m["line"].as_u64().unwrap()))
        .count()
}

#[test]
fn sarif_places_every_label_on_its_line_in_pretty_minified_and_yaml_files() {
    let repo = repository();
    // Run from a subdirectory: URIs are relative to the repository root, not the cwd.
    std::fs::create_dir(repo.path().join("sub")).unwrap();
    let out = lint(&repo.path().join("sub"), &["..", "--format", "sarif"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "nothing is said about skipped files: {stderr}");
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> =
        validator().iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    let places = sarif_places(&sarif);
    assert!(places.iter().all(|p| p.2 >= 1 && p.3 >= 1));

    // The binary places exactly what the library places, and the labelled lines are among them.
    let mut found = 0;
    for entry in labels() {
        let file = entry["file"].as_str().unwrap();
        let uri = format!("pretty/{file}");
        let Some(library) = library_places(file) else { continue };
        let ours: BTreeSet<(String, u64, u64)> =
            places.iter().filter(|p| p.1 == uri).map(|p| (p.0.clone(), p.2, p.3)).collect();
        assert_eq!(ours, library, "{uri}");
        found += labels_found(&entry, &ours);
    }
    assert_eq!(found, walked_musts(), "every label of the files a walk reads is on its line");

    for file in VARIANTS {
        let of = |uri: &str| -> BTreeSet<(String, String)> {
            places.iter().filter(|p| p.1 == uri).map(|p| (p.0.clone(), p.4.clone())).collect()
        };
        let pretty = of(&format!("pretty/{file}"));
        assert!(!pretty.is_empty(), "{file}");
        assert_eq!(pretty, of(&format!("minified/{file}")), "{file} minified");
        assert!(places.iter().filter(|p| p.1 == format!("minified/{file}")).all(|p| p.2 == 1));
        assert_eq!(pretty, of(&format!("yaml/{file}.yaml")), "{file} as YAML");
    }
}

/// The documented syntax, `::error file={name},line={line},col={col},title={title}::{message}`,
/// with property values escaped (no raw `%`, `,`, `:`, CR or LF) and the message escaped
/// (no raw CR or LF; `%` only as an escape).
fn command_syntax() -> regex::Regex {
    let value = r"(?:[^%,:\r\n]|%25|%0D|%0A|%3A|%2C)+";
    regex::Regex::new(&format!(
        r"^::(error|warning) file=({value}),line=([1-9][0-9]*),col=([1-9][0-9]*),title=({value})::((?:[^%\r\n]|%25|%0D|%0A)+)$"
    ))
    .unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
}

#[test]
fn github_format_annotates_the_labelled_lines_with_the_documented_syntax() {
    let repo = repository();
    // A name that needs escaping as a property value.
    std::fs::copy(corpus().join(VARIANTS[2]), repo.path().join("a,b:c%.json")).unwrap();
    let out = lint(repo.path(), &[".", "--format", "github"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let syntax = command_syntax();
    let mut seen = Vec::new();
    for line in text.lines() {
        let c = syntax.captures(line).unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let (level, file, row, col) =
            (&c[1], unescape(&c[2]), c[3].parse::<u64>().unwrap(), c[4].parse::<u64>().unwrap());
        let rule = ecs_security_mcp::rules::by_id(&c[5]).unwrap_or_else(|| panic!("unknown rule {}", &c[5]));
        // The finding's severity closes the message; High and Critical are errors.
        let high = c[6].ends_with("[Critical]") || c[6].ends_with("[High]");
        assert!(high || c[6].ends_with("[Medium]") || c[6].ends_with("[Low]"), "{line}");
        assert_eq!(level, if high { "error" } else { "warning" }, "{line}");
        seen.push((rule.id, file, row, col));
    }
    assert!(seen.iter().any(|s| s.1 == "a,b:c%.json"), "the escaped name round-trips");
    let mut found = 0;
    for entry in labels() {
        let file = entry["file"].as_str().unwrap();
        let Some(library) = library_places(file) else { continue };
        let ours: BTreeSet<(String, u64, u64)> =
            seen.iter().filter(|s| s.1 == format!("pretty/{file}")).map(|s| (s.0.to_owned(), s.2, s.3)).collect();
        assert_eq!(ours, library, "{file}");
        found += labels_found(&entry, &ours);
    }
    assert_eq!(found, walked_musts(), "every label of the files a walk reads is on its line");
}

#[test]
fn every_format_shows_each_finding_at_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("deploy")).unwrap();
    for (i, file) in VARIANTS[1..3].iter().enumerate() {
        std::fs::copy(corpus().join(file), dir.path().join(format!("deploy/td{i}.json"))).unwrap();
    }
    let out = lint(dir.path(), &["deploy", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let places: Vec<String> = json["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("{}:{}:{}", l["path"].as_str().unwrap(), l["line"], l["column"]))
        .collect();
    assert!(places.len() > 10, "{json:#}");
    assert_eq!(places.len(), json["findings"].as_array().unwrap().len());
    // A file's unknowns have no permission that would bring the data: no empty "Grant:".
    let empty_grant = regex::Regex::new(r#"Grant:\s*($|[<"\\.])"#).unwrap();
    // `--show-details`: the Markdown summary lists every finding, not only the top ones.
    for format in ["terminal", "markdown", "detailed", "json", "sarif", "html", "ocsf", "csv", "junit", "github"] {
        let out = lint(dir.path(), &["deploy", "--format", format, "--show-details"]);
        let text = String::from_utf8(out.stdout).unwrap();
        // HTML escapes `/` as an entity; a browser shows the path as written.
        let text = if format == "html" { text.replace("&#x2f;", "/") } else { text };
        for place in &places {
            assert!(text.contains(place.as_str()), "{format} does not show {place}:\n{text}");
        }
        assert!(!empty_grant.is_match(&text), "{format} asks to grant nothing:\n{text}");
    }
}

#[test]
fn a_malformed_file_is_placed_and_the_others_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(corpus().join(VARIANTS[2]), dir.path().join("good.json")).unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        "{\n  \"family\": \"x\",\n  \"containerDefinitions\": [ {\"name\": }\n}\n",
    )
    .unwrap();
    let out = lint(dir.path(), &[".", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let re = regex::Regex::new(r"(?m)^\./bad\.json:3:\d+: not valid JSON").unwrap();
    assert!(re.is_match(&stderr), "{stderr}");
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(validator().is_valid(&sarif));
    assert!(sarif_places(&sarif).iter().any(|p| p.1.ends_with("good.json") && p.0 == "container-host-devices"));
    let run = &sarif["runs"][0]["invocations"][0];
    assert_eq!(run["executionSuccessful"], false);
    assert!(
        run["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["level"] == "error" && n["locations"][0]["physicalLocation"]["region"]["startLine"] == 3)
    );

    // The GitHub format annotates the error too; an explicitly named non-task-definition
    // and a missing path are errors naming them.
    std::fs::write(dir.path().join("package.json"), r#"{"name": "web"}"#).unwrap();
    let out = lint(dir.path(), &["good.json", "package.json", "missing.json", "--format", "github"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("package.json:1:1: not a task definition"), "{stderr}");
    assert!(stderr.contains("missing.json: no such file or directory"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("::error file=package.json,line=1,col=1,"), "{stdout}");
    assert!(stdout.contains("title=container-host-devices"), "{stdout}");
}

#[test]
fn fail_on_exit_codes_quoted_globs_and_json_locations() {
    let dir = tempfile::tempdir().unwrap();
    let hardened = common::CLEAN_TASK_DEFINITION;
    std::fs::create_dir_all(dir.path().join("deploy/prod")).unwrap();
    std::fs::write(dir.path().join("deploy/prod/clean.json"), hardened).unwrap();
    std::fs::write(dir.path().join("deploy/root.json"), hardened.replace("      \"user\": \"1000:1000\",\n", ""))
        .unwrap();
    let code = |args: &[&str]| lint(dir.path(), args).status.code();
    assert_eq!(code(&["deploy/prod/clean.json", "--fail-on", "low", "--format", "json"]), Some(0));
    // Running as root is High: not at or above Critical, at or above High.
    assert_eq!(code(&["deploy/root.json", "--fail-on", "critical", "--format", "json"]), Some(0));
    assert_eq!(code(&["deploy/root.json", "--fail-on", "high", "--format", "json"]), Some(1));
    // A quoted glob is expanded by lint itself.
    assert_eq!(code(&["deploy/**/*.json", "--fail-on", "high", "--format", "json"]), Some(1));
    assert_eq!(code(&["deploy/*/*.json", "--fail-on", "high", "--format", "json"]), Some(0));
    assert_eq!(code(&["nothing/*.json"]), Some(2));

    let out = lint(dir.path(), &["deploy", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = json["locations"].as_array().unwrap();
    assert_eq!(at.len(), 1, "{json:#}");
    assert_eq!(at[0]["path"], "deploy/root.json");
    assert_eq!(at[0]["line"], 11);
    assert_eq!(at[0]["pointer"], "/containerDefinitions/0");

    // Markdown lists the rules that need a cluster once, as not applicable.
    let md = String::from_utf8(lint(dir.path(), &["deploy", "--format", "markdown"]).stdout).unwrap();
    assert_eq!(md.matches("`lb-deletion-protection-disabled`").count(), 1, "{md}");
    assert!(md.contains("Not applicable to files"), "{md}");
    assert!(md.contains("| deploy/root.json | 11 |"), "{md}");
}

mod mcp_tool {
    //! `analyze_task_definition` through the in-process MCP client.

    use ecs_security_mcp::actions::{Actions, FileSource, Source};
    use ecs_security_mcp::server::SecurityServer;
    use rmcp::ServiceExt;
    use rmcp::model::CallToolRequestParams;
    use serde_json::{Value, json};

    use super::{VARIANTS, corpus, to_yaml};

    async fn call(arguments: Value, max_chars: usize) -> rmcp::model::CallToolResult {
        let actions = Actions::new(Source::Files(FileSource::new(vec![]))).with_max_result_chars(max_chars);
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = SecurityServer::new(actions).serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let client = ().serve(client_io).await.unwrap();
        let Value::Object(args) = arguments else { panic!("object") };
        client.call_tool(CallToolRequestParams::new("analyze_task_definition").with_arguments(args)).await.unwrap()
    }

    fn text(r: &rmcp::model::CallToolResult) -> String {
        r.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("\n")
    }

    const SECRET: &str = "hunter2-Sup3rS3cret-Value";

    fn insecure() -> Value {
        json!({
            "family": "web",
            "containerDefinitions": [{
                "name": "app",
                "image": "nginx:latest",
                "privileged": true,
                "environment": [{"name": "DB_PASSWORD", "value": SECRET}, {"name": "MODE", "value": "prod"}]
            }]
        })
    }

    fn finding<'a>(data: &'a Value, rule: &str) -> &'a Value {
        data["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == rule)
            .unwrap_or_else(|| panic!("{rule}: {data:#}"))
    }

    #[tokio::test]
    async fn findings_have_pointers_and_corrected_fragments() {
        let r = call(json!({"task_definition": insecure()}), 40_000).await;
        assert_ne!(r.is_error, Some(true), "{}", text(&r));
        let data = r.structured_content.clone().unwrap();
        let p = finding(&data, "container-privileged");
        assert_eq!(p["pointer"], "/containerDefinitions/0/privileged");
        assert_eq!(p["line"], 7, "{p:#}"); // of the pretty-printed object
        let frag = &p["fix"]["fragment"];
        assert_eq!(frag["pointer"], "/containerDefinitions/0");
        assert_eq!(frag["value"]["privileged"], false);
        assert_eq!(frag["value"]["name"], "app");
        let s = finding(&data, "container-environment-secrets");
        let moved = &s["fix"]["fragment"]["value"];
        assert_eq!(moved["secrets"][0]["name"], "DB_PASSWORD");
        assert!(moved["secrets"][0]["valueFrom"].as_str().unwrap().starts_with("arn:aws:secretsmanager:"));
        assert_eq!(moved["environment"], json!([{"name": "MODE", "value": "prod"}]));
        let pin = finding(&data, "container-image-not-pinned");
        assert_eq!(pin["fix"]["fragment"]["value"]["image"], "nginx@sha256:<digest>");
        for rule in
            ["container-runs-as-root", "container-root-filesystem-writable", "container-no-new-privileges-missing"]
        {
            assert!(finding(&data, rule)["fix"]["fragment"]["value"].is_object(), "{rule}");
        }
        // A rule without a fragment says so.
        let plain = data["findings"].as_array().unwrap().iter().find(|f| f["fix"]["fragment"].is_null()).unwrap();
        assert!(plain["fix"]["note"].as_str().unwrap().contains("no corrected fragment"), "{plain:#}");
        // The secret value is never echoed, even in the other fixes' fragments.
        assert!(!text(&r).contains(SECRET) && !data.to_string().contains(SECRET));
        assert!(data["not_applicable"]["count"].as_u64().unwrap() > 10);
        assert!(text(&r).contains("\"privileged\": false"), "{}", text(&r));
    }

    #[tokio::test]
    async fn yaml_text_and_cloudformation_keep_their_casing() {
        let cfn = "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: app\n          Image: nginx:1.27\n          Privileged: true\n";
        let r = call(json!({"task_definition": cfn, "file_name": "stack.yaml"}), 40_000).await;
        assert_ne!(r.is_error, Some(true), "{}", text(&r));
        let data = r.structured_content.clone().unwrap();
        let p = finding(&data, "container-privileged");
        assert_eq!(p["line"], 8);
        assert_eq!(p["fix"]["fragment"]["value"]["Privileged"], false);
        assert!(p["fix"]["fragment"]["value"].get("privileged").is_none());
    }

    #[tokio::test]
    async fn the_answer_fits_the_budget_and_says_what_it_left_out() {
        let text_in = std::fs::read_to_string(corpus().join(VARIANTS[1])).unwrap();
        let yaml = to_yaml(&text_in);
        for (input, name) in [(text_in.as_str(), "td.json"), (yaml.as_str(), "td.yaml")] {
            let r = call(json!({"task_definition": input, "file_name": name, "max_result_chars": 4000}), 40_000).await;
            assert_ne!(r.is_error, Some(true), "{}", text(&r));
            let size = serde_json::to_string(&text(&r)).unwrap().len()
                + r.structured_content.as_ref().map(|v| v.to_string().len()).unwrap_or(0);
            assert!(size <= 4000, "{name}: {size}");
            let data = r.structured_content.unwrap();
            assert!(data["shown"].as_u64().unwrap() < data["total_findings"].as_u64().unwrap());
            assert!(data["omitted"].as_str().is_some());
        }
    }

    #[tokio::test]
    async fn bad_input_is_a_tool_error() {
        for args in [
            json!({"task_definition": "{\n  \"family\": \"x\",\n  \"containerDefinitions\": [ {\"name\": }\n}"}),
            json!({"task_definition": {"name": "not-a-task", "version": "1.0"}}),
            json!({"task_definition": 42}),
        ] {
            let r = call(args.clone(), 40_000).await;
            assert_eq!(r.is_error, Some(true), "{args}");
        }
        let r = call(json!({"task_definition": "{\n  \"containerDefinitions\": [ {\"name\": }\n}"}), 40_000).await;
        assert!(text(&r).contains("task-definition.json:2:"), "{}", text(&r));
    }
}
