//! `ecs-security-mcp`: the MCP server and the CLI on the same core.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ecs_security_mcp::actions::{
    Action, Actions, Depth, FileSource, Lenient, OneOrMany, ProgressEvent, ProgressTx, ReportParams, Source,
    TriageConfig, fails_on, filter_of, triage_warnings, validate_cluster, validate_region,
};
use ecs_security_mcp::collect::{AwsOptions, AwsSource};
use ecs_security_mcp::model::Snapshot;
use ecs_security_mcp::report::terminal::TerminalOptions;
use ecs_security_mcp::report::{self, Format, ReportOptions};
use ecs_security_mcp::rules::{self, Category, Severity};
use ecs_security_mcp::server::http::{self, HttpOptions};
use ecs_security_mcp::server::{Limits, SecurityServer};
use ecs_security_mcp::sources::load_snapshot;
use ecs_security_mcp::sources::triage as triage_files;
use ecs_security_mcp::terminal::ColorChoice;

/// The demo snapshot: an insecure payments cluster, bundled so `demo` needs no AWS account.
const DEMO_SNAPSHOT: &str = include_str!("../fixtures/demo-cluster.json");

#[derive(Parser)]
#[command(
    name = "ecs-security-mcp",
    version,
    about = "Read-only security auditor for Amazon ECS clusters: an MCP server and a CLI"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Global {
    /// Analyse saved snapshot files instead of calling AWS (repeatable).
    #[arg(long, global = true, value_name = "FILE")]
    snapshot: Vec<PathBuf>,
    /// AWS region (default: the AWS configuration's region, else us-east-1).
    #[arg(long, global = true, env = "AWS_REGION")]
    region: Option<String>,
    /// AWS named profile.
    #[arg(long, global = true, env = "AWS_PROFILE")]
    profile: Option<String>,
    /// Log filter for stderr, e.g. `info` or `ecs_security_mcp=debug`.
    #[arg(long, global = true, env = "ECS_SECURITY_MCP_LOG", default_value = "warn")]
    log_level: String,
    /// AWS calls in flight at once.
    #[arg(long, global = true, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    concurrency: u16,
    /// Seconds one AWS call may take, retries included.
    #[arg(long, global = true, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
    call_timeout: u64,
    /// Seconds a whole collection may take.
    #[arg(long, global = true, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
    collection_timeout: u64,
    /// Attempts per AWS call (retries with exponential backoff on throttling and transient errors).
    #[arg(long, global = true, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,
    /// Seconds a collected snapshot is reused by later tool calls.
    #[arg(long, global = true, default_value_t = 300)]
    cache_ttl: u64,
    /// The largest tool answer, in characters (text and structured content together).
    #[arg(long, global = true, default_value_t = 40_000, value_parser = clap::value_parser!(u32).range(2_000..))]
    max_result_chars: u32,
    /// Colour in the terminal rendering: auto (when stdout is a terminal and NO_COLOR is unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// No progress on stderr while collecting.
    #[arg(long, short, global = true)]
    quiet: bool,
}

impl Global {
    fn aws_options(&self) -> AwsOptions {
        AwsOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            concurrency: usize::from(self.concurrency),
            call_timeout: Duration::from_secs(self.call_timeout),
            collection_timeout: Duration::from_secs(self.collection_timeout),
            max_attempts: self.max_attempts,
        }
    }

    /// The action dispatcher over the snapshot files, else live AWS.
    fn actions(&self) -> anyhow::Result<Actions> {
        Ok(Actions::with_cache_ttl(self.source()?, Duration::from_secs(self.cache_ttl))
            .with_max_result_chars(self.max_result_chars as usize))
    }

    fn source(&self) -> anyhow::Result<Source> {
        if !self.snapshot.is_empty() {
            let snapshots = self.snapshot.iter().map(|p| load_snapshot(p)).collect::<Result<Vec<_>, _>>()?;
            return Ok(Source::Files(FileSource::new(snapshots)));
        }
        if let Some(r) = &self.region {
            validate_region(r).map_err(anyhow::Error::msg)?;
        }
        Ok(Source::Aws(AwsSource::new(self.aws_options())))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve MCP on stdio (Claude Desktop, IDEs), or on Streamable HTTP with --http.
    Serve(ServeArgs),
    /// Run `{"action": ..., "parameters": {...}}` payloads: the argument, or one per stdin line.
    Run {
        /// A payload; when absent, payloads are read from stdin, one per line.
        payload: Option<String>,
    },
    /// Analyse a cluster and print a report.
    Analyze {
        /// The cluster name or ARN.
        #[arg(long)]
        cluster: String,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Analyse the bundled demo snapshot (no AWS account or network needed).
    Demo {
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Collect a cluster from AWS and write the snapshot (secret values redacted) to a file.
    Snapshot {
        /// The cluster name or ARN.
        #[arg(long)]
        cluster: String,
        /// Where to write the snapshot JSON.
        #[arg(long)]
        output: PathBuf,
    },
    /// Lint task-definition files (register/describe JSON, container definitions, CloudFormation,
    /// Terraform plans): files, directories (recursive) and globs. Exit 0 clean, 1 a finding at
    /// or above --fail-on, 2 a file could not be read or parsed (the others are still reported).
    Lint {
        /// Files, directories and globs (quote a glob to let lint expand it, e.g. 'deploy/**/*.json').
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// What changed between two JSON reports (--format json) or two snapshots: new, fixed and
    /// re-rated findings, score and coverage, per rule and per resource.
    Diff(DiffArgs),
    /// Scan every cluster of many regions and accounts (roles assumed, or a whole AWS
    /// Organization) and print the fleet report. Exit 0 complete, 1 a finding at or above
    /// --fail-on, 2 usage error, 3 incomplete (something could not be read), 4 both 1 and 3.
    Scan(ecs_security_mcp::fleet::cli::ScanArgs),
    /// Combine the outputs of `scan --shard I/N --out DIR` into one fleet report.
    Merge(ecs_security_mcp::fleet::cli::MergeArgs),
    /// List the rule catalog.
    Checks {
        #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
        format: CatalogFormat,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Serve MCP Streamable HTTP at /mcp on this address instead of stdio (default 127.0.0.1:8765).
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = http::DEFAULT_ADDR)]
    http: Option<SocketAddr>,
    /// Also accept this Host header value (repeatable); localhost names and the bound address always are.
    #[arg(long, value_name = "HOST")]
    allowed_host: Vec<String>,
    /// Also accept this Origin, e.g. https://app.example.com:443 (repeatable).
    #[arg(long, value_name = "ORIGIN")]
    allowed_origin: Vec<String>,
    /// Require `Authorization: Bearer <token>` with the token in this file.
    #[arg(long, value_name = "FILE")]
    auth_token_file: Option<PathBuf>,
    /// Largest accepted request body, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// Open MCP sessions allowed at once (HTTP).
    #[arg(long, default_value_t = 64)]
    max_sessions: usize,
    /// Tool calls (analyses) running at once; more wait up to 30 s, then are refused as busy.
    #[arg(long, default_value_t = 8)]
    max_concurrent_calls: usize,
    /// Seconds one tool call may run.
    #[arg(long, default_value_t = 600)]
    tool_timeout: u64,
    /// Suppressions file applied to every analysis [default: .ecs-security.yaml in the current directory, when present].
    #[arg(long, value_name = "FILE", env = ecs_security_mcp::sources::triage::SUPPRESSIONS_ENV)]
    suppressions: Option<PathBuf>,
}

#[derive(Args)]
struct TriageArgs {
    /// Suppressions file [default: .ecs-security.yaml in the current directory, when present].
    #[arg(long, value_name = "FILE")]
    suppressions: Option<PathBuf>,
    /// An earlier JSON report (--format json): mark findings new, unchanged or updated, list absent ones.
    #[arg(long, value_name = "OLD.json")]
    baseline: Option<PathBuf>,
    /// With --fail-on: fail only on findings that are new against --baseline.
    #[arg(long, requires = "baseline")]
    new_only: bool,
}

impl TriageArgs {
    fn config(&self) -> anyhow::Result<TriageConfig> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Ok(TriageConfig {
            suppressions: triage_files::find_suppressions(self.suppressions.as_deref(), false, &cwd)?,
            baseline: self.baseline.as_deref().map(triage_files::load_report).transpose()?,
        })
    }
}

#[derive(Args)]
struct DiffArgs {
    /// The earlier JSON report or snapshot.
    old: PathBuf,
    /// The later JSON report or snapshot.
    new: PathBuf,
    /// summary (Markdown), terminal or json [default: terminal when stdout is a terminal, else summary].
    #[arg(long, value_parser = ["summary", "markdown", "terminal", "json"])]
    format: Option<String>,
    /// Suppressions file applied to snapshots before they are compared [default: .ecs-security.yaml, when present].
    #[arg(long, value_name = "FILE")]
    suppressions: Option<PathBuf>,
    /// Write the diff to this file instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct OutputArgs {
    /// Report format [default: terminal when stdout is a terminal, else markdown].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// One severity is a threshold (High = High and Critical); repeat for an exact set.
    #[arg(long, value_parser = parse_severity)]
    severity: Vec<Severity>,
    /// Only these categories (repeatable), e.g. secrets, network_security.
    #[arg(long, value_parser = parse_category)]
    category: Vec<Category>,
    /// Exit with 1 when a finding at or above this severity exists (the last one given wins).
    #[arg(long, value_parser = parse_severity, overrides_with = "fail_on")]
    fail_on: Option<Severity>,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
    /// List every finding with its evidence.
    #[arg(long)]
    show_details: bool,
    #[command(flatten)]
    triage: TriageArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// Aligned, coloured, wrapped to the terminal's width (for people at a terminal).
    Terminal,
    /// Score, risk, counts, top issues and quick actions, in Markdown (the default in a pipe).
    #[value(alias = "summary")]
    Markdown,
    /// Every finding grouped by domain with implementation guidance (Markdown).
    Detailed,
    /// The machine-readable JSON contract.
    Json,
    /// Risk, business impact and compliance posture for management (Markdown).
    Executive,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// One self-contained HTML page to open and forward.
    Html,
    /// OCSF 1.3.0 Detection Findings (class 2004), a JSON array.
    Ocsf,
    /// One row per finding (RFC 4180).
    Csv,
    /// JUnit XML: a test case per rule and resource, failures for findings.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`), one per finding (`lint` only).
    Github,
}

/// What `analyze` and `demo` print: the terminal rendering or one of the report formats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rendering {
    Terminal,
    Report(Format),
    /// GitHub workflow commands: `lint` only.
    Github,
}

impl OutputArgs {
    /// The format asked for; without one, the terminal rendering when stdout is a terminal
    /// (and no --output file), else Markdown.
    fn rendering(&self) -> Rendering {
        let format = match self.format {
            None if self.output.is_none() && std::io::stdout().is_terminal() => return Rendering::Terminal,
            None | Some(FormatArg::Markdown) => Format::Summary,
            Some(FormatArg::Terminal) => return Rendering::Terminal,
            Some(FormatArg::Detailed) => Format::Detailed,
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Executive) => Format::Executive,
            Some(FormatArg::Sarif) => Format::Sarif,
            Some(FormatArg::Html) => Format::Html,
            Some(FormatArg::Ocsf) => Format::Ocsf,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Junit) => Format::Junit,
            Some(FormatArg::Github) => return Rendering::Github,
        };
        Rendering::Report(format)
    }

    /// Colour and width for the terminal rendering, from --color, NO_COLOR and the terminal.
    fn terminal_options(&self, color: ColorChoice) -> TerminalOptions {
        ecs_security_mcp::terminal::options(self.output.as_deref(), color)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum CatalogFormat {
    Table,
    Json,
    /// docs/checks.md
    Markdown,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn parse_category(s: &str) -> Result<Category, String> {
    s.parse()
}

/// The bearer token from --auth-token-file, else ECS_SECURITY_MCP_AUTH_TOKEN.
fn auth_token(file: Option<&Path>) -> anyhow::Result<Option<String>> {
    let token = match file {
        Some(f) => Some(
            std::fs::read_to_string(f)
                .map_err(|e| anyhow::anyhow!("cannot read the token file {}: {e}", f.display()))?
                .trim()
                .to_owned(),
        ),
        None => std::env::var("ECS_SECURITY_MCP_AUTH_TOKEN").ok().map(|t| t.trim().to_owned()),
    };
    match token {
        Some(t) if t.len() < 16 => anyhow::bail!("the bearer token must be at least 16 characters"),
        other => Ok(other.filter(|t| !t.is_empty())),
    }
}

/// Exit code for usage and collection errors.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.global.log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Logs go to stderr only: in stdio mode stdout carries the protocol.
fn init_logging(filter: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).try_init();
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => {
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            let suppressions = triage_files::find_suppressions(args.suppressions.as_deref(), false, &cwd)?;
            let actions = cli.global.actions()?.with_triage(TriageConfig { suppressions, baseline: None });
            let limits = Limits {
                max_concurrent_calls: args.max_concurrent_calls.max(1),
                call_timeout: Duration::from_secs(args.tool_timeout.max(1)),
                ..Limits::default()
            };
            let server = SecurityServer::with_limits(actions, limits);
            let Some(addr) = args.http else {
                server.serve_stdio().await?;
                return Ok(ExitCode::SUCCESS);
            };
            let auth_token = auth_token(args.auth_token_file.as_deref())?;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
            let opts = HttpOptions {
                addr,
                allowed_hosts: args.allowed_host,
                allowed_origins: args.allowed_origin,
                auth_token,
                max_body_bytes: args.max_body_bytes,
                max_sessions: args.max_sessions.max(1),
                ..HttpOptions::default()
            };
            http::serve(server, listener, opts, http::shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { payload } => {
            // Payloads are what the server answers: the same suppressions file applies.
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            let suppressions = triage_files::find_suppressions(None, true, &cwd)?;
            run_payloads(cli.global.actions()?.with_triage(TriageConfig { suppressions, baseline: None }), payload)
                .await
        }
        Command::Analyze { cluster, out } => {
            let actions = cli.global.actions()?.with_max_result_chars(usize::MAX).with_triage(out.triage.config()?);
            analyze(&actions, cluster, cli.global.region.clone(), &out, &cli.global).await
        }
        Command::Demo { out } => {
            let snapshot = Snapshot::parse(DEMO_SNAPSHOT, Path::new("fixtures/demo-cluster.json"))?;
            let cluster = snapshot.cluster.cluster_name.clone();
            let actions = Actions::new(Source::Files(FileSource::new(vec![snapshot])))
                .with_max_result_chars(usize::MAX)
                .with_triage(out.triage.config()?);
            analyze(&actions, cluster, None, &out, &cli.global).await
        }
        Command::Snapshot { cluster, output } => {
            if let Some(r) = &cli.global.region {
                validate_region(r).map_err(anyhow::Error::msg)?;
            }
            validate_cluster(&cluster).map_err(anyhow::Error::msg)?;
            let source = AwsSource::new(cli.global.aws_options());
            let region = Box::pin(source.default_region()).await;
            let progress = Progress::start(!cli.global.quiet);
            let collected = Box::pin(source.collect(&cluster, &region, Depth::Full, &progress.tx())).await;
            progress.finish();
            let snapshot = collected?;
            std::fs::write(&output, snapshot.to_json_redacted())
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
            if cli.global.quiet {
                return Ok(ExitCode::SUCCESS);
            }
            eprintln!(
                "wrote {} ({} services, {} task definitions, {} AWS calls, {} gaps)",
                output.display(),
                snapshot.services.len(),
                snapshot.task_definitions.len(),
                snapshot.stats.total_calls(),
                snapshot.gaps.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint { paths, out } => lint(&paths, &out, &cli.global),
        Command::Diff(args) => diff(&args),
        Command::Scan(args) => {
            ecs_security_mcp::fleet::cli::scan(&args, cli.global.aws_options(), cli.global.quiet, cli.global.color)
                .await
        }
        Command::Merge(args) => ecs_security_mcp::fleet::cli::merge(&args, cli.global.color),
        Command::Checks { format } => {
            print_catalog(format)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `analyze` and `demo`: the report action (or the terminal rendering), printed or written,
/// with the `--fail-on` exit code.
async fn analyze(
    actions: &Actions,
    cluster: String,
    region: Option<String>,
    out: &OutputArgs,
    global: &Global,
) -> anyhow::Result<ExitCode> {
    let severity_filter = match out.severity.as_slice() {
        [] => None,
        [one] => Some(OneOrMany::One(*one)),
        many => Some(OneOrMany::Many(many.to_vec())),
    };
    let category_filter = (!out.category.is_empty()).then(|| OneOrMany::Many(out.category.clone()));
    let progress = Progress::start(!global.quiet);
    let rendered = match out.rendering() {
        Rendering::Github => {
            progress.finish();
            anyhow::bail!("--format github annotates files: it is for `lint`");
        }
        Rendering::Terminal => {
            let filter = filter_of(severity_filter, category_filter);
            let prepared = actions.prepare(&cluster, region.clone(), Depth::Full, None, &progress.tx()).await;
            prepared.map(|p| {
                let opts =
                    ReportOptions { show_details: out.show_details, generated_at: ecs_security_mcp::clock::now() };
                report::terminal::render(&p.analysis, &filter, &opts, &out.terminal_options(global.color))
            })
        }
        Rendering::Report(format) => {
            let params = ReportParams {
                cluster_name: cluster.clone(),
                region: region.clone(),
                format: Some(Lenient(format)),
                severity_filter,
                category_filter,
                show_details: Some(out.show_details),
                refresh: None,
                // A person asked for the whole report: no model-context budget applies.
                inline: Some(true),
                max_result_chars: None,
            };
            actions.run(Action::Report(params), progress.tx()).await.map(|o| o.text)
        }
    };
    progress.finish();
    let text = rendered?;
    emit(&text, out.output.as_deref())?;
    if out.fail_on.is_none() && actions.triage_config().is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // The analysis the report was rendered from (a file, or the collection cache).
    let prepared = actions.prepare(&cluster, region, Depth::Full, None, &None).await?;
    for w in triage_warnings(&prepared.analysis) {
        eprintln!("{w}");
    }
    match out.fail_on {
        Some(threshold) if fails_on(&prepared.analysis, threshold, out.triage.new_only) => Ok(ExitCode::from(1)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Writes a report to the --output file, else stdout (with a final newline).
fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let written =
                stdout.write_all(text.as_bytes()).and_then(|()| match text.ends_with('\n') || text.is_empty() {
                    true => Ok(()),
                    false => stdout.write_all(b"\n"),
                });
            match written {
                // `| head` closed the pipe: the reader has what it wanted, as with cat.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(())
}

/// `lint`: reads the files, judges each, renders the combined result in the chosen format.
fn lint(paths: &[String], out: &OutputArgs, global: &Global) -> anyhow::Result<ExitCode> {
    use ecs_security_mcp::files::{self, FileError, FileLint};
    use ecs_security_mcp::report::sarif::SourceLocation;
    use ecs_security_mcp::sources::files::{
        expand, may_hold_task_definition, read_text, relative_uri, repository_root,
    };

    let (candidates, path_errors) = expand(paths);
    for e in &path_errors {
        eprintln!("error: {}", ecs_security_mcp::text::plain(&e.to_string()));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = repository_root(&cwd);
    let mut lints: Vec<FileLint> = Vec::new();
    let mut uris: BTreeMap<String, String> = BTreeMap::new();
    let mut errors: Vec<(String, FileError)> = Vec::new();
    for c in &candidates {
        let shown = c.path.display().to_string();
        let uri = relative_uri(&c.path, &root);
        let text = match read_text(&c.path) {
            Ok(t) => t,
            Err(message) => {
                let pos = files::Pos { line: 1, column: 1 };
                errors.push((uri, FileError { path: shown, pos, pointer: None, message }));
                continue;
            }
        };
        if !c.explicit && !may_hold_task_definition(&text) {
            continue;
        }
        match files::lint(&shown, &text) {
            Ok(l) => {
                uris.insert(shown, uri);
                lints.push(l);
            }
            // Found in a directory and not a task definition at all (labels, configs): skipped.
            Err(e) if !c.explicit && e.message.starts_with("not a task definition") => {}
            Err(e) => errors.push((uri, e)),
        }
    }
    for (_, e) in &errors {
        eprintln!("{}", ecs_security_mcp::text::strip_controls(&e.to_string()));
    }
    let generated_at = ecs_security_mcp::clock::now();
    let mut combined = files::combine(&lints, &generated_at);
    let triage = out.triage.config()?;
    let mut tags = ecs_security_mcp::triage::TagIndex::default();
    for l in &lints {
        tags.extend(ecs_security_mcp::triage::TagIndex::of(&l.file.snapshot));
    }
    ecs_security_mcp::actions::triage_analysis(&mut combined.analysis, &triage, &tags);
    for w in triage_warnings(&combined.analysis) {
        eprintln!("{w}");
    }
    let analysis = &combined.analysis;
    let severity_filter = match out.severity.as_slice() {
        [] => None,
        [one] => Some(OneOrMany::One(*one)),
        many => Some(OneOrMany::Many(many.to_vec())),
    };
    let category_filter = (!out.category.is_empty()).then(|| OneOrMany::Many(out.category.clone()));
    let filter = filter_of(severity_filter, category_filter);
    let opts = ReportOptions { show_details: out.show_details, generated_at };
    let sources: BTreeMap<String, SourceLocation> = combined
        .locations
        .iter()
        .map(|(id, l)| {
            let uri = uris.get(&l.path).cloned().unwrap_or_else(|| l.path.clone());
            (id.clone(), SourceLocation { uri, line: l.line, column: l.column, pointer: l.pointer.clone() })
        })
        .collect();
    let only_errors: Vec<FileError> = errors.iter().map(|(_, e)| e.clone()).collect();
    let text = match out.rendering() {
        Rendering::Github => report::lint::github(analysis, &filter, &sources, &errors),
        Rendering::Terminal => {
            report::terminal::render(analysis, &filter, &opts, &out.terminal_options(global.color))
                + &report::lint::plain_text(&combined, &filter, &only_errors)
        }
        Rendering::Report(Format::Sarif) => {
            let log = report::sarif::build_with_locations(analysis, &filter, &opts, &sources);
            sarif_with_errors(serde_json::to_value(&log)?, &errors)
        }
        Rendering::Report(Format::Json) => {
            let mut v: serde_json::Value =
                serde_json::from_str(&report::render(Format::Json, analysis, &filter, &opts))?;
            if let serde_json::Value::Object(map) = &mut v {
                // In report order (suppressed findings, no longer in `findings`, last).
                let suppressed = analysis.triage.suppressed.iter().map(|s| &s.finding);
                let places: Vec<serde_json::Value> = analysis
                    .findings
                    .iter()
                    .chain(suppressed)
                    .filter(|f| filter.allows(f))
                    .filter_map(|f| {
                        let l = combined.locations.get(&f.id)?;
                        Some(serde_json::json!({
                            "finding_id": f.id, "path": l.path, "line": l.line, "column": l.column, "pointer": l.pointer,
                        }))
                    })
                    .collect();
                map.insert("locations".into(), serde_json::json!(places));
                map.insert("not_judged".into(), serde_json::json!(combined.not_judged));
                map.insert("errors".into(), serde_json::json!(only_errors));
            }
            serde_json::to_string_pretty(&v)?
        }
        Rendering::Report(format @ (Format::Summary | Format::Detailed | Format::Executive)) => {
            report::render(format, analysis, &filter, &opts) + &report::lint::markdown(&combined, &filter, &only_errors)
        }
        Rendering::Report(format) => report::render(format, analysis, &filter, &opts),
    };
    emit(&text, out.output.as_deref())?;
    if !errors.is_empty() || !path_errors.is_empty() {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    if let Some(threshold) = out.fail_on
        && fails_on(analysis, threshold, out.triage.new_only)
    {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `diff OLD NEW`: two reports or snapshots compared, in Markdown, terminal text or JSON.
fn diff(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    use ecs_security_mcp::triage::diff;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let suppressions = triage_files::find_suppressions(args.suppressions.as_deref(), false, &cwd)?;
    let d = triage_files::diff(&args.old, &args.new, suppressions.as_ref(), ecs_security_mcp::clock::today())?;
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let text = match args.format.as_deref() {
        Some("json") => diff::json(&d),
        Some("terminal") => diff::terminal(&d),
        None if to_terminal => diff::terminal(&d),
        _ => diff::markdown(&d),
    };
    emit(&text, args.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// Files that could not be read become error notifications of the SARIF run (with their
/// place), and the run is marked unsuccessful.
fn sarif_with_errors(mut v: serde_json::Value, errors: &[(String, ecs_security_mcp::files::FileError)]) -> String {
    if !errors.is_empty()
        && let Some(inv) = v.pointer_mut("/runs/0/invocations/0").and_then(|i| i.as_object_mut())
    {
        inv.insert("executionSuccessful".into(), serde_json::json!(false));
        let notes = inv.entry("toolExecutionNotifications").or_insert_with(|| serde_json::json!([]));
        if let Some(list) = notes.as_array_mut() {
            for (uri, e) in errors {
                list.push(serde_json::json!({
                    "level": "error",
                    "message": { "text": e.message },
                    "locations": [{ "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": e.pos.line, "startColumn": e.pos.column },
                    }}],
                }));
            }
        }
    }
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// A progress bar on stderr fed by the collector's progress events: only when stderr is a
/// terminal and --quiet is off, and drawn only once the first event arrives (a saved
/// snapshot sends none, so nothing is drawn).
struct Progress {
    bar: indicatif::ProgressBar,
    tx: ProgressTx,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Progress {
    fn start(wanted: bool) -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress { bar, tx: None, task: None };
        }
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ProgressEvent>();
        let shown = bar.clone();
        let task = tokio::spawn(async move {
            let mut drawing = false;
            while let Some(ev) = rx.recv().await {
                if !drawing {
                    drawing = true;
                    let style =
                        indicatif::ProgressStyle::with_template("{spinner} collecting [{pos}/{len}] {wide_msg}")
                            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
                    shown.set_style(style);
                    shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
                if let Some(total) = ev.total {
                    shown.set_length(u64::from(total));
                }
                shown.set_position(u64::from(ev.progress));
                // Stage messages carry cluster names from AWS: no control characters reach stderr.
                shown.set_message(ecs_security_mcp::text::plain(&format!("{}: {}", ev.stage, ev.message)));
            }
        });
        Progress { bar, tx: Some(tx), task: Some(task) }
    }

    fn tx(&self) -> ProgressTx {
        self.tx.clone()
    }

    /// Clears the bar before the report is printed.
    fn finish(self) {
        if let Some(task) = self.task {
            task.abort();
        }
        self.bar.finish_and_clear();
    }
}

async fn run_payloads(actions: Actions, payload: Option<String>) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    let mut stdout = std::io::stdout();
    if let Some(p) = payload {
        let (line, ok) = actions.run_payload(&p).await;
        failed |= !ok;
        writeln!(stdout, "{}", serde_json::to_string_pretty(&line)?)?;
    } else {
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let (out, ok) = actions.run_payload(&line).await;
            failed |= !ok;
            writeln!(stdout, "{}", serde_json::to_string(&out)?)?;
            stdout.flush()?;
        }
    }
    Ok(if failed { ExitCode::from(EXIT_ERROR) } else { ExitCode::SUCCESS })
}

fn print_catalog(format: CatalogFormat) -> anyhow::Result<()> {
    let rules = rules::all();
    let mut stdout = std::io::stdout().lock();
    match format {
        CatalogFormat::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(rules)?)?,
        CatalogFormat::Markdown => write!(stdout, "{}", report::catalog::markdown())?,
        CatalogFormat::Table => {
            writeln!(stdout, "{:<52} {:<9} {:<22} TITLE", "ID", "SEVERITY", "CATEGORY")?;
            for r in rules {
                writeln!(stdout, "{:<52} {:<9} {:<22} {}", r.id, r.severity.as_str(), r.category.as_str(), r.title)?;
            }
            writeln!(stdout, "\n{} rules", rules.len())?;
        }
    }
    Ok(())
}
