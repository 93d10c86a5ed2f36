//! The `gridwork` command line: `serve` (default), `migrate`, `openapi`,
//! `admin create-user`.

use std::io::BufRead;

use anyhow::Context;
use clap::{Parser, Subcommand};
use gridwork_domain::audit::{AuditAction, Outcome};
use gridwork_domain::{Role, Roles, Username};
use gridwork_persistence::time;
use gridwork_persistence::user::{self, UserRow};

use crate::audit::{AuditEvent, RequestOrigin};
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
    /// Administrative tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
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

/// `admin create-user`: the password is the first line of `input`.
pub fn create_user(
    config: &Config,
    username: &str,
    roles: &[String],
    display_name: Option<String>,
    input: &mut dyn BufRead,
) -> anyhow::Result<UserRow> {
    let username = Username::parse(username).map_err(|e| anyhow::anyhow!("--username {e}"))?;
    let roles = Roles::new(
        roles
            .iter()
            .map(|r| Role::parse(r))
            .collect::<Result<Vec<_>, _>>()?,
    )?;
    let mut password = String::new();
    input
        .read_line(&mut password)
        .context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\r', '\n']);
    config
        .password_policy
        .check(password, username.as_str())
        .map_err(|e| anyhow::anyhow!("password {e}"))?;
    let pool = startup::connect_and_migrate(config)?;
    let passwords = Passwords::new(1).map_err(|e| anyhow::anyhow!("{e}"))?;
    let password_hash = passwords
        .hash(password)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let display_name = display_name
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    let row = UserRow::new(
        username.as_str(),
        display_name,
        password_hash,
        roles.to_stored(),
        time::to_db(time::now()),
    );
    let mut conn = pool.get()?;
    diesel::Connection::transaction(&mut *conn, |conn| {
        if !user::insert(conn, &row)? {
            anyhow::bail!("a user named `{}` exists already", row.username);
        }
        AuditEvent::new(AuditAction::UserCreate, Outcome::Success)
            .on("user", &row.id)
            .detail(
                serde_json::json!({ "username": row.username, "roles": row.roles, "via": "cli" }),
            )
            .write(conn, &RequestOrigin::default())?;
        Ok(())
    })?;
    Ok(row)
}
