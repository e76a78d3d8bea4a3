//! Reports for people and other tools, through the binary as a user runs it (issue 16): the
//! terminal rendering on a pseudo-terminal (util-linux `script`) and in a pipe, hostile text
//! on a terminal, progress on stderr, OCSF checked by an OCSF schema validator from PyPI, CSV
//! and JUnit parsed back by Python's own parsers, and the HTML report in a real headless
//! Chromium. Every count is compared with the JSON report of the same analysis.

use crate::common;
use crate::trust::{HOSTILE, hostile_snapshot};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_ecs-security-mcp");

fn bin() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("AWS_REGION").env_remove("AWS_PROFILE").env_remove("NO_COLOR").env("ECS_SECURITY_MCP_LOG", "warn");
    c
}

fn ok(o: Output, what: &str) -> Output {
    assert!(o.status.success(), "{what} failed ({}): {}", o.status, String::from_utf8_lossy(&o.stderr));
    o
}

/// The binary in a pipe: its stdout.
fn piped(args: &[&str]) -> String {
    let o = ok(bin().args(args).stdin(Stdio::null()).output().expect("binary runs"), &args.join(" "));
    String::from_utf8(o.stdout).expect("UTF-8 output")
}

pub(crate) fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The binary on a pseudo-terminal (util-linux `script`, in every Debian: bsdutils is
/// essential): what the terminal received, stdout and stderr together, with the terminal's
/// CRLF turned back into LF.
fn on_a_pty(args: &[&str], env: &[(&str, &str)]) -> String {
    let line = std::iter::once(BIN).chain(args.iter().copied()).map(quote).collect::<Vec<_>>().join(" ");
    let mut c = Command::new("timeout");
    c.args(["60", "script", "-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("AWS_REGION")
        .env_remove("AWS_PROFILE")
        .env_remove("NO_COLOR")
        .env("ECS_SECURITY_MCP_LOG", "warn")
        .env("TERM", "xterm-256color")
        .env("COLUMNS", "120")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("util-linux script runs (apt-get install bsdutils)");
    let o = ok(o, &format!("script -c {line}"));
    String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n")
}

fn demo_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    [&["demo"], extra].concat()
}

/// Every escape sequence in `text`, as written.
pub(crate) fn escapes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('\u{1b}') {
        let seq: String = rest[i..].chars().take(24).collect();
        out.push(seq);
        rest = &rest[i + 1..];
    }
    out
}

/// Whether an escape sequence is an SGR colour or style one: ESC [ digits and ; then m.
pub(crate) fn is_sgr(seq: &str) -> bool {
    let Some(body) = seq.strip_prefix("\u{1b}[") else { return false };
    let end = body.find(|c: char| !(c.is_ascii_digit() || c == ';'));
    matches!(end, Some(e) if body[e..].starts_with('m'))
}

#[test]
fn a_terminal_gets_colour_and_no_markdown_escapes_a_pipe_gets_markdown() {
    let markdown = piped(&demo_args(&[]));
    assert!(markdown.contains("| Findings |"), "a pipe gets the Markdown summary:\n{markdown}");
    let escaped: Vec<String> = markdown
        .split(|c: char| c.is_whitespace() || c == '|' || c == '`')
        .filter(|w| w.contains(r"\_"))
        .map(|w| w.replace('\\', "").trim_matches(|c: char| !c.is_alphanumeric() && c != '_').to_owned())
        .collect();
    assert!(!escaped.is_empty(), "the Markdown has no \\_ escape: the check below would prove nothing");

    let tty = on_a_pty(&demo_args(&[]), &[]);
    assert!(tty.contains("ECS security report: payments-prod") || tty.contains("payments-prod"), "{tty}");
    assert!(tty.contains("\u{1b}["), "no colour on a terminal:\n{tty}");
    assert!(escapes(&tty).iter().all(|s| is_sgr(s)), "non-colour escapes: {:?}", escapes(&tty));
    for md in [r"\_", r"\|", r"\(", "| Findings |", "|---|"] {
        assert!(!tty.contains(md), "Markdown {md:?} on a terminal:\n{tty}");
    }
    assert!(escaped.iter().any(|w| tty.contains(w.as_str())), "none of {escaped:?} appears unescaped on the terminal");
    // Markdown and summary are still there when asked for, on a terminal too.
    for f in ["markdown", "summary"] {
        let md = on_a_pty(&demo_args(&["--format", f]), &[]);
        assert!(md.contains("| Findings |") && !md.contains('\u{1b}'), "--format {f} on a terminal:\n{md}");
    }
}

#[test]
fn colour_follows_the_flag_in_a_pipe() {
    for args in [&["--format", "terminal", "--color", "never"][..], &["--format", "terminal"][..]] {
        let out = piped(&demo_args(args));
        assert!(out.contains("Fix first"), "{args:?}: not the terminal rendering:\n{out}");
        assert!(!out.contains('\u{1b}'), "{args:?}: an escape byte in a pipe");
    }
    let forced = piped(&demo_args(&["--format", "terminal", "--color", "always"]));
    assert!(forced.contains("\u{1b}["), "--color always colours a pipe too");
    // The width comes from COLUMNS when stdout is no terminal.
    let narrow = bin().args(demo_args(&["--format", "terminal"])).env("COLUMNS", "60").output().expect("runs");
    let narrow = String::from_utf8_lossy(&narrow.stdout);
    let widest = narrow.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 60, "a line of {widest} columns with COLUMNS=60");
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    let plain = on_a_pty(&demo_args(&["--color", "auto"]), &[("NO_COLOR", "1")]);
    assert!(plain.contains("Fix first"), "not the terminal rendering:\n{plain}");
    assert!(!plain.contains('\u{1b}'), "NO_COLOR=1 still colours: {:?}", escapes(&plain));
    // An empty NO_COLOR does not count (no-color.org); --color always wins over it.
    let empty = on_a_pty(&demo_args(&[]), &[("NO_COLOR", "")]);
    assert!(empty.contains("\u{1b}["), "an empty NO_COLOR turned colour off");
    let always = on_a_pty(&demo_args(&["--color", "always"]), &[("NO_COLOR", "1")]);
    assert!(always.contains("\u{1b}["), "--color always did not colour");
}

#[test]
fn hostile_text_reaches_the_terminal_as_inert_text() {
    let mut snap = hostile_snapshot("payments-hostile");
    if let Some(svc) = snap.services.first_mut() {
        svc.service_name = format!("checkout{HOSTILE}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("hostile.json");
    std::fs::write(&file, serde_json::to_string(&snap).expect("snapshot JSON")).expect("write snapshot");
    let file = file.to_string_lossy().into_owned();
    let args = ["--snapshot", &file, "analyze", "--cluster", "payments-hostile", "--show-details"];

    for (what, text) in [
        ("pty, colour", on_a_pty(&[&args[..], &["--color", "always"]].concat(), &[])),
        ("pipe, --format terminal", piped(&[&args[..], &["--format", "terminal", "--color", "never"]].concat())),
    ] {
        // Line breaks in the data became spaces: it can start no line of its own (a wrapped
        // continuation is indented under its field).
        assert_inert(what, &text);
        if what.starts_with("pipe") {
            assert!(!text.contains('\u{1b}'), "{what}: an escape byte with --color never");
        }
    }
}

/// Python with the test dependencies (tests/requirements.txt), as scripts/test installs it.
pub(crate) fn python() -> PathBuf {
    let p = crate::moto::python();
    assert!(
        p.exists(),
        "{} is missing: run scripts/test, which installs tests/requirements.txt into .venv",
        p.display()
    );
    p
}

pub(crate) fn run_python(args: &[&str], stdin: Option<&Path>) -> Value {
    let mut c = Command::new("timeout");
    c.arg("180").arg(python()).args(args);
    if let Some(f) = stdin {
        c.stdin(std::fs::File::open(f).expect("input file"));
    }
    let o = c.output().expect("python runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{args:?} failed ({}):\n{stdout}\n{}", o.status, String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

pub(crate) fn script(name: &str) -> String {
    common::root().join("tests/python").join(name).to_string_lossy().into_owned()
}

/// The demo and hardened fixtures, as `analyze` arguments.
fn fixtures() -> Vec<(&'static str, Vec<String>)> {
    let args = |file: &str, cluster: &str| -> Vec<String> {
        let path = common::fixture(file).to_string_lossy().into_owned();
        ["--snapshot", &path, "analyze", "--cluster", cluster].iter().map(|s| s.to_string()).collect()
    };
    vec![
        ("demo", args("demo-cluster.json", "payments-prod")),
        ("hardened", args("hardened-cluster.json", "payments-hardened")),
    ]
}

/// Writes `analyze --format <format>` of a fixture to a file in `dir`.
fn report_file(dir: &Path, name: &str, args: &[String], format: &str) -> PathBuf {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend(["--format", format]);
    let text = piped(&all);
    let path = dir.join(format!("{name}.{format}"));
    std::fs::write(&path, text).expect("write report");
    path
}

/// What the JSON report says: the count, by severity and by rule.
fn expected(json: &Path) -> (Value, Value, BTreeMap<String, u64>) {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(json).expect("JSON report")).expect("JSON");
    let mut by_rule = BTreeMap::new();
    for f in v["findings"].as_array().expect("findings") {
        *by_rule.entry(f["rule_id"].as_str().expect("rule_id").to_owned()).or_insert(0) += 1;
    }
    assert_eq!(v["summary"]["total_findings"].as_u64(), Some(v["findings"].as_array().map_or(0, Vec::len) as u64));
    (v["summary"]["total_findings"].clone(), v["summary"]["by_severity"].clone(), by_rule)
}

fn assert_agrees(what: &str, parsed: &Value, json: &Path) {
    let (count, by_severity, by_rule) = expected(json);
    assert_eq!(parsed["count"], count, "{what}: count");
    for sev in ["critical", "high", "medium", "low"] {
        let n = parsed["by_severity"][sev].as_u64().unwrap_or(0);
        assert_eq!(Some(n), by_severity[sev].as_u64(), "{what}: {sev} findings");
    }
    let got = counts(parsed, "by_rule");
    assert_eq!(got, by_rule, "{what}: findings per rule");
}

#[test]
fn ocsf_is_valid_against_the_ocsf_schema_and_agrees_with_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, args) in fixtures() {
        let json = report_file(dir.path(), name, &args, "json");
        let ocsf = report_file(dir.path(), name, &args, "ocsf");
        let parsed = run_python(&[&script("validate_ocsf.py")], Some(&ocsf));
        assert_agrees(&format!("{name} OCSF"), &parsed, &json);
        if parsed["count"].as_u64() > Some(0) {
            assert_eq!(parsed["classes"], serde_json::json!([2004]), "{name}: {parsed}");
            assert_eq!(parsed["versions"], serde_json::json!(["1.3.0"]), "{name}: {parsed}");
        }
    }
}

#[test]
fn csv_and_junit_parse_back_with_independent_parsers_and_agree_with_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, args) in fixtures() {
        let json = report_file(dir.path(), name, &args, "json");
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&json).expect("JSON")).expect("JSON");
        for format in ["csv", "junit"] {
            let file = report_file(dir.path(), name, &args, format);
            let parsed = run_python(&[&script("parse_reports.py"), format, &file.to_string_lossy()], None);
            assert_agrees(&format!("{name} {format}"), &parsed, &json);
            if format == "junit" {
                // One case per finding, one per rule that passed, one skipped per rule not
                // evaluated or with nothing to examine.
                let rules = &v["summary"]["rules"];
                let n = |k: &str| rules[k].as_u64().unwrap_or(0);
                let findings = v["findings"].as_array().map_or(0, Vec::len) as u64;
                let tests = findings + n("passed") + n("not_evaluated") + n("not_applicable");
                assert_eq!(parsed["tests"].as_u64(), Some(tests), "{name} JUnit: {parsed}");
                assert_eq!(
                    parsed["skipped"].as_u64(),
                    Some(n("not_evaluated") + n("not_applicable")),
                    "{name} JUnit skipped"
                );
            }
        }
    }
}

/// Debian's Chromium, which scripts/test installs. No skipping: without it this fails.
pub(crate) fn chromium() -> PathBuf {
    let p = PathBuf::from(std::env::var_os("ECS_SECURITY_MCP_CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()));
    assert!(
        p.exists(),
        "{} is missing: the HTML report is tested in a real browser. Run scripts/test, which installs Debian's chromium (apt-get install chromium), or set ECS_SECURITY_MCP_CHROMIUM",
        p.display()
    );
    p
}

#[test]
fn html_reports_render_in_a_real_browser_with_every_finding_and_no_request() {
    let chromium = chromium();
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, args) in fixtures() {
        let json = report_file(dir.path(), name, &args, "json");
        let html = report_file(dir.path(), name, &args, "html");
        let shot = dir.path().join(format!("{name}.png"));
        let parsed = browser_check(&chromium, &html, &json, &shot);
        let (count, _, by_rule) = expected(&json);
        assert_eq!(parsed["findings"], count, "{name}: {parsed}");
        assert_eq!(parsed["rules"].as_u64(), Some(by_rule.len() as u64), "{name}: {parsed}");
        let png = std::fs::read(&shot).expect("screenshot written");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "{name}: not a real screenshot");
        // The README's picture, regenerated on request like docs/checks.md.
        if name == "demo" && std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(common::root().join("docs/images/report-demo.png"), &png).expect("write docs image");
        }
    }
}

#[test]
fn progress_shows_on_a_terminal_during_a_live_collection_and_never_in_a_pipe() {
    let moto = crate::moto::Moto::start(&[]);
    let endpoint = moto.endpoint();
    let aws = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let args = ["analyze", "--cluster", "insecure-cluster", "--format", "json"];
    let tty = on_a_pty(&args, &aws);
    assert!(tty.contains("collecting ["), "no progress on a terminal:\n{}", &tty[..tty.len().min(2000)]);
    let quiet = on_a_pty(&[&args[..], &["--quiet"]].concat(), &aws);
    assert!(!quiet.contains("collecting"), "--quiet still shows progress");

    let mut c = bin();
    c.args(args).stdin(Stdio::null());
    for (k, v) in aws {
        c.env(k, v);
    }
    let o = ok(c.output().expect("runs"), "analyze in a pipe");
    assert!(o.stderr.is_empty(), "stderr in a pipe: {}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).expect("the JSON report alone on stdout");
    assert_eq!(v["cluster"], "insecure-cluster");
}

/// No escape sequence but colour, no control, bidi or zero-width character, and no line
/// that the hostile text started.
pub(crate) fn assert_inert(what: &str, text: &str) {
    assert!(text.contains("INJECTED-HEADING"), "{what}: the hostile text is not shown at all");
    let bad: Vec<String> = escapes(text).into_iter().filter(|s| !is_sgr(s)).collect();
    assert!(bad.is_empty(), "{what}: escape sequences from the data: {bad:?}");
    let controls: Vec<String> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\u{1b}')
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("{c:?}"))
        .collect();
    assert!(controls.is_empty(), "{what}: control, bidi or zero-width characters {controls:?}");
    assert!(!text.contains("]8;;"), "{what}: an OSC 8 hyperlink");
    for line in text.lines() {
        assert!(
            !line.starts_with("## INJECTED") && !line.starts_with("IGNORE ALL"),
            "{what}: the data started a line: {line:?}"
        );
    }
}

/// Opens `html` in headless Chromium with `browser_check.py` (console errors, requests, the
/// DOM against the `json` report), writes a screenshot to `shot` and returns the script's
/// verdict (given a fleet JSON report, it checks the fleet page).
pub(crate) fn browser_check(
    chromium: &std::path::Path,
    html: &std::path::Path,
    json: &std::path::Path,
    shot: &std::path::Path,
) -> Value {
    let args: Vec<String> = vec![
        script("browser_check.py"),
        "--chromium".into(),
        chromium.to_string_lossy().into_owned(),
        "--html".into(),
        html.to_string_lossy().into_owned(),
        "--json".into(),
        json.to_string_lossy().into_owned(),
        "--screenshot".into(),
        shot.to_string_lossy().into_owned(),
        "--timeout".into(),
        "90".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_python(&args, None)
}

/// The counts a parser script reports under `key` (name → count).
pub(crate) fn counts(parsed: &Value, key: &str) -> BTreeMap<String, u64> {
    let map = parsed[key].as_object().unwrap_or_else(|| panic!("no {key} in {parsed}"));
    map.iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0))).collect()
}
