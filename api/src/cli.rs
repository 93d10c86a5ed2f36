//! The `gridwork` command line: `serve` (default), `migrate`, `openapi`,
//! `admin create-user`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use gridwork_persistence::user::UserRow;

use crate::app::users::{self, CreateUser};
use crate::app::{Caller, Origin};
use crate::auth::password::Passwords;
use crate::config::Config;
use crate::startup;

#[derive(Debug, Parser)]
#[command(
    name = "gridwork",
    version,
    about = "Grid-management backend for an economic development zone"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, then serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document to stdout.
    Openapi,
    /// Load a dataset into a fresh database: the demo zone of the article, or
    /// a synthetic province for load tests.
    Seed {
        /// The demo zone (西华经济开发区): 45 enterprises, 62 grids, people,
        /// accounts and published placards. Idempotent; refuses a database
        /// that holds other data.
        #[arg(
            long,
            conflicts_with = "synthetic",
            required_unless_present = "synthetic"
        )]
        demo: bool,
        /// A synthetic province (bench/README.md): deterministic for a given
        /// size, --seed and --until; refuses a database that holds data.
        #[arg(long)]
        synthetic: bool,
        #[command(flatten)]
        size: SyntheticArgs,
    },
    /// Import enterprises or people from a CSV file (UTF-8, header row).
    /// All-or-nothing: any bad row is reported and nothing is written.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// The size of a synthetic province (defaults: the province of issue 16).
#[derive(Debug, clap::Args)]
pub struct SyntheticArgs {
    #[arg(long, default_value_t = 10_000)]
    pub grids: usize,
    #[arg(long, default_value_t = 100_000)]
    pub enterprises: usize,
    #[arg(long, default_value_t = 200_000)]
    pub people: usize,
    #[arg(long, default_value_t = 1_000_000)]
    pub cases: usize,
    /// Cases are reported over this many days before --until.
    #[arg(long, default_value_t = 730)]
    pub days: i64,
    /// The random generator's seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The end of the span, RFC 3339 (default: now).
    #[arg(long)]
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    /// Write the accounts a load test logs in as, with their shared password,
    /// to this JSON file.
    #[arg(long)]
    pub personas: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Columns: name (required), uscc, industry_section, industry_text,
    /// employee_count, address, lat, lng, production_characteristics,
    /// flags (separated by ;), grid_code (an area grid).
    Enterprises { file: PathBuf },
    /// Columns: name (required), mobile, work_phone, id_card_number,
    /// party_member, grid_code, placard_consent and placard_phone_consent
    /// (yes/no: to appear on placards, to show the mobile in full there).
    People { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user; the password is read from the first line of stdin.
    CreateUser {
        #[arg(long)]
        username: String,
        /// A role code (repeat for several): admin, zone_officer, grid_leader, grid_worker,
        /// part_time_worker, mobile_worker, party_instructor, department_staff, auditor.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", crate::openapi::spec_json()?);
            Ok(())
        }
        Command::Serve => serve().await,
        Command::Migrate => {
            let config = Config::from_env()?;
            startup::connect_and_migrate(&config)?;
            tracing::info!(database = %config.database_url.redacted(), "database is up to date");
            Ok(())
        }
        Command::Seed {
            synthetic: true,
            size,
            ..
        } => synthetic(size),
        Command::Seed { .. } => seed().await,
        Command::Import { what } => import(what),
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    username,
                    roles,
                    display_name,
                },
        } => {
            let config = Config::from_env()?;
            let row = create_user(
                &config,
                &username,
                &roles,
                display_name,
                &mut std::io::stdin().lock(),
            )?;
            println!(
                "created user {} ({}) with roles {}",
                row.username, row.id, row.roles
            );
            Ok(())
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let app = startup::Application::build(&config)?;
    let addr = app.local_addr();
    tracing::info!(
        api = %format!("http://{addr}/api/v1"),
        docs = %format!("http://{addr}/docs/"),
        openapi = %format!("http://{addr}/api-docs/openapi.json"),
        database = %format!("{} {}", config.database_url.backend(), config.database_url.redacted()),
        "Gridwork is serving; Ctrl-C or SIGTERM stops it gracefully"
    );
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

/// `admin create-user`: the password is the first line of `input`. The same
/// rules and insert as `POST /users`, as the system.
pub fn create_user(
    config: &Config,
    username: &str,
    roles: &[String],
    display_name: Option<String>,
    input: &mut dyn BufRead,
) -> anyhow::Result<UserRow> {
    let mut password = String::new();
    input
        .read_line(&mut password)
        .context("reading the password from stdin")?;
    let request = CreateUser {
        username: username.to_owned(),
        password: password.trim_end_matches(['\r', '\n']).to_owned(),
        display_name,
        roles: roles.to_vec(),
        department_code: None,
    };
    let system = Caller::system();
    let account = users::check_new(&system, &config.password_policy, &request)
        .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
    let pool = startup::connect_and_migrate(config)?;
    let passwords = Passwords::new(1)?;
    let hash = passwords.hash(&request.password)?;
    let mut conn = pool.get()?;
    let row = users::create(&mut conn, &system, &Origin::default(), account, hash)
        .map_err(|e| anyhow::anyhow!("{}", describe(&e)))?;
    Ok(row)
}

/// A refusal in words for the terminal: each invalid field, or the reason.
fn describe(error: &crate::app::AppError) -> String {
    match error {
        crate::app::AppError::Invalid(fields) => fields
            .iter()
            .map(|f| format!("--{} {}", f.field.replace('_', "-"), f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// `seed --synthetic`: the province, with its progress on stderr and a
/// summary (and the personas' file) at the end.
fn synthetic(args: SyntheticArgs) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let pool = startup::connect_and_migrate(&config)?;
    let zone_code = gridwork_domain::grid::GridCode::parse(&config.zone_code)?;
    let size = crate::synthetic::Size {
        grids: args.grids,
        enterprises: args.enterprises,
        people: args.people,
        cases: args.cases,
        days: args.days,
        seed: args.seed,
    };
    let password = crate::auth::password::random_password();
    let hash = Passwords::new(1)?.hash(&password)?;
    let mut conn = pool.get()?;
    let now = args.until.unwrap_or_else(gridwork_persistence::time::now);
    let report = crate::synthetic::load(
        &mut conn,
        &zone_code,
        size,
        (password, hash),
        (now, config.time_zone),
        &mut |line| eprintln!("{line}"),
    )?;
    println!(
        "loaded a synthetic province: {} grids, {} enterprises, {} people, {} accounts, {} cases with {} timeline entries ({:.0} cases/s)",
        report.grids,
        report.enterprises,
        report.people,
        report.accounts,
        report.cases,
        report.timeline_entries,
        report.cases as f64 / report.cases_seconds.max(1e-9)
    );
    let states: Vec<String> = report
        .states
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    println!("cases by state: {}", states.join(", "));
    for p in &report.personas {
        println!(
            "  {:<10} {:<24} {} ({} cases)",
            p.persona,
            p.username,
            p.grid_code.as_deref().unwrap_or("the province"),
            p.cases_in_scope
        );
    }
    match &args.personas {
        Some(path) => {
            std::fs::write(path, serde_json::to_vec_pretty(&report)?)
                .with_context(|| format!("writing {}", path.display()))?;
            println!(
                "every synthetic account's password is in {}",
                path.display()
            );
        }
        None => println!(
            "every synthetic account's password (shown once): {}",
            report.password
        ),
    }
    Ok(())
}

async fn seed() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let pool = startup::connect_and_migrate(&config)?;
    let passwords = Passwords::new(1)?;
    let zone_code = gridwork_domain::grid::GridCode::parse(&config.zone_code)?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.bind));
    let mut conn = pool.get()?;
    // the hazards' evidence photos go to the photo store first
    let evidence = if crate::demo::loaded(&mut conn)? {
        Vec::new()
    } else {
        let files = crate::files::Files::open(&config.attachment_store, &config.s3_options)?;
        crate::demo::store_evidence(&files, crate::demo::EVIDENCE_PHOTOS).await?
    };
    let outcome = crate::demo::seed(
        &mut conn,
        &zone_code,
        &passwords,
        &public_url,
        (&evidence, config.time_zone),
    )?;
    match outcome {
        crate::demo::SeedOutcome::AlreadyLoaded => {
            println!(
                "the demo zone is loaded already; nothing changed (its passwords were printed when it was loaded)"
            );
        }
        crate::demo::SeedOutcome::Loaded {
            accounts,
            grids,
            enterprises,
            people,
            cases,
            duties,
            placard,
        } => {
            println!(
                "loaded the demo zone 西华经济开发区: {enterprises} enterprises, {grids} grids, {people} people, all placards published, {cases} cases over the last six months"
            );
            println!(
                "and three months of the four duties: every enterprise described and visited, {} inspections finding {} hazards, {} disputes with talks, {} policies with a briefing",
                duties.inspections, duties.hazards, duties.disputes, duties.policies
            );
            println!("\naccounts (shown once):");
            for a in &accounts {
                println!(
                    "  {:<10} {:<16} {:<20} {}",
                    a.username,
                    a.role.code(),
                    a.name,
                    a.password
                );
            }
            println!("\na placard (河南耕亿达精密制造有限公司): {placard}");
        }
    }
    Ok(())
}

fn import(what: ImportCommand) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let pool = startup::connect_and_migrate(&config)?;
    let mut conn = pool.get()?;
    let (kind, file) = match &what {
        ImportCommand::Enterprises { file } => ("enterprises", file),
        ImportCommand::People { file } => ("people", file),
    };
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let result = match what {
        ImportCommand::Enterprises { .. } => crate::import::enterprises(&mut conn, input),
        ImportCommand::People { .. } => {
            let key = startup::pii_key(&config, &pool)?;
            crate::import::people(&mut conn, input, key.as_bytes())
        }
    };
    match result {
        Ok(count) => {
            println!("imported {count} {kind} from {}", file.display());
            Ok(())
        }
        Err(crate::import::ImportError::Rows(errors)) => {
            for e in &errors {
                eprintln!("{}:{}: {}: {}", file.display(), e.line, e.field, e.reason);
            }
            anyhow::bail!(
                "{} bad row(s) in {}; nothing was imported",
                errors.len(),
                file.display()
            )
        }
        Err(other) => Err(other.into()),
    }
}
