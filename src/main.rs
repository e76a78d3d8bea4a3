//! `ecs-security-mcp`: the MCP server and the CLI on the same core.

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ecs_security_mcp::actions::{
    Action, Actions, Depth, FileSource, Lenient, OneOrMany, ReportParams, Source, validate_cluster, validate_region,
};
use ecs_security_mcp::collect::{AwsOptions, AwsSource};
use ecs_security_mcp::model::Snapshot;
use ecs_security_mcp::report::{self, Format};
use ecs_security_mcp::rules::{self, Category, Severity};
use ecs_security_mcp::server::http::{self, HttpOptions};
use ecs_security_mcp::server::{Limits, SecurityServer};
use ecs_security_mcp::sources::load_snapshot;

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
}

#[derive(Args)]
struct OutputArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = FormatArg::Summary)]
    format: FormatArg,
    /// One severity is a threshold (High = High and Critical); repeat for an exact set.
    #[arg(long, value_parser = parse_severity)]
    severity: Vec<Severity>,
    /// Only these categories (repeatable), e.g. secrets, network_security.
    #[arg(long, value_parser = parse_category)]
    category: Vec<Category>,
    /// Exit with 1 when a finding at or above this severity exists.
    #[arg(long, value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    output: Option<PathBuf>,
    /// List every finding with its evidence.
    #[arg(long)]
    show_details: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Summary,
    Detailed,
    Json,
    Executive,
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Summary => Format::Summary,
            FormatArg::Detailed => Format::Detailed,
            FormatArg::Json => Format::Json,
            FormatArg::Executive => Format::Executive,
            FormatArg::Sarif => Format::Sarif,
        }
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
            let actions = cli.global.actions()?;
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
        Command::Run { payload } => run_payloads(cli.global.actions()?, payload).await,
        Command::Analyze { cluster, out } => {
            let actions = cli.global.actions()?.with_max_result_chars(usize::MAX);
            analyze(&actions, cluster, cli.global.region.clone(), &out).await
        }
        Command::Demo { out } => {
            let snapshot = Snapshot::parse(DEMO_SNAPSHOT, Path::new("fixtures/demo-cluster.json"))?;
            let cluster = snapshot.cluster.cluster_name.clone();
            let actions =
                Actions::new(Source::Files(FileSource::new(vec![snapshot]))).with_max_result_chars(usize::MAX);
            analyze(&actions, cluster, None, &out).await
        }
        Command::Snapshot { cluster, output } => {
            if let Some(r) = &cli.global.region {
                validate_region(r).map_err(anyhow::Error::msg)?;
            }
            validate_cluster(&cluster).map_err(anyhow::Error::msg)?;
            let source = AwsSource::new(cli.global.aws_options());
            let region = Box::pin(source.default_region()).await;
            let snapshot = Box::pin(source.collect(&cluster, &region, Depth::Full, &None)).await?;
            std::fs::write(&output, snapshot.to_json_redacted())
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
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
        Command::Checks { format } => {
            print_catalog(format)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `analyze` and `demo`: the report action, printed or written, with the `--fail-on` exit code.
async fn analyze(
    actions: &Actions,
    cluster: String,
    region: Option<String>,
    out: &OutputArgs,
) -> anyhow::Result<ExitCode> {
    let severity_filter = match out.severity.as_slice() {
        [] => None,
        [one] => Some(OneOrMany::One(*one)),
        many => Some(OneOrMany::Many(many.to_vec())),
    };
    let category_filter = (!out.category.is_empty()).then(|| OneOrMany::Many(out.category.clone()));
    let params = ReportParams {
        cluster_name: cluster.clone(),
        region: region.clone(),
        format: Some(Lenient(out.format.into())),
        severity_filter,
        category_filter,
        show_details: Some(out.show_details),
        refresh: None,
        // A person asked for the whole report: no model-context budget applies.
        inline: Some(true),
        max_result_chars: None,
    };
    let text = actions.run(Action::Report(params), None).await?.text;
    match &out.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                stdout.write_all(b"\n")?;
            }
        }
    }
    if let Some(threshold) = out.fail_on {
        // The analysis the report was rendered from (a file, or the collection cache).
        let prepared = actions.prepare(&cluster, region, Depth::Full, None, &None).await?;
        if prepared.analysis.findings.iter().any(|f| f.severity >= threshold) {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
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
