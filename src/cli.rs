//! Command-line interface: `serve`, `migrate`, `tick`, `backup`, `restore`, `export`, `import`, `user add`.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

mod import;

use crate::config::Config;
use crate::core::role::Role;
use crate::flow::users::{create_user, NewUser};
use crate::runtime::Runtime;
use crate::store;

#[derive(Parser)]
#[command(
    name = "orderly",
    version,
    about = "Field-service scheduling and work-order server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (applies migrations first).
    Serve {
        /// Address to listen on; overrides ORDERLY_BIND.
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo company (once) before serving.
        #[arg(long)]
        demo: bool,
        /// Multiply the demo's customers (benchmarks use 10).
        #[arg(long, default_value_t = 1, requires = "demo")]
        demo_scale: usize,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Run the scheduled jobs once (for system cron, or to replay a given moment).
    Tick {
        /// The moment to run as, RFC 3339 (`2027-01-10T02:00:00+02:00`); now when absent.
        #[arg(long)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Copy the SQLite database to a new file while the server runs.
    Backup {
        /// The file to write; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Replace every row of the SQLite database with a backup's, in one transaction.
    Restore {
        /// A file written by `orderly backup`.
        file: std::path::PathBuf,
    },
    /// Write every table as CSV and JSON into a folder, with a manifest (SQLite or PostgreSQL).
    Export {
        /// The folder to write into; made if missing.
        dir: std::path::PathBuf,
    },
    /// Read another system's files (CSV or XLSX) in: each file all or nothing, every bad row reported.
    Import(import::ImportArgs),
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account, for example the first owner.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// A role to hold; repeat for several (owner, manager, administrator, engineer).
        #[arg(long = "role", required = true, value_parser = parse_role)]
        roles: Vec<Role>,
        /// The password; when absent, read as one line from standard input.
        #[arg(long)]
        password: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .ok_or_else(|| format!("`{s}` is not a role: owner, manager, administrator, engineer"))
}

/// Runs the command line; the exit code says whether it worked.
pub fn main() -> ExitCode {
    crate::memory::configure();
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_env("ORDERLY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // One JSON object per line (with the request's span and id) for a log
    // collector; plain lines for a person at a terminal.
    if std::env::var("ORDERLY_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("orderly: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let started = Instant::now();
    let mut vars: std::collections::HashMap<String, String> = std::env::vars().collect();
    if let Command::Serve {
        bind: Some(bind), ..
    } = &cli.command
    {
        // `--bind` wins over ORDERLY_BIND, and so also sets the default address of customer links.
        vars.insert("ORDERLY_BIND".into(), bind.clone());
    }
    let config = Config::from_vars(vars).map_err(|e| e.to_string())?;
    let (pool, backend) = store::connect(&config.database_url, config.pool_size)?;
    let mut conn = pool
        .get()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let applied = store::migrate(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    drop(conn);
    let files = crate::files::open(&config.files)?;
    let runtime = Runtime::new(pool, backend, config, files);
    match cli.command {
        Command::Migrate => {
            println!("database is up to date ({applied} migrations applied now)");
            Ok(())
        }
        Command::Backup { file } => {
            let mut conn = runtime.database.pool.get().map_err(|e| e.to_string())?;
            let bytes = store::backup::backup(&mut conn, &file).map_err(|e| e.to_string())?;
            println!("backed up to {} ({bytes} bytes)", file.display());
            Ok(())
        }
        Command::Restore { file } => {
            let mut conn = runtime.database.pool.get().map_err(|e| e.to_string())?;
            store::backup::restore(&mut conn, &file).map_err(|e| e.to_string())?;
            println!("restored from {}", file.display());
            Ok(())
        }
        Command::Export { dir } => {
            let mut conn = runtime.database.pool.get().map_err(|e| e.to_string())?;
            let started = std::time::Instant::now();
            let tables = crate::flow::export::export_to(&mut conn, &dir, |table, rows| {
                eprintln!("{table:>24}  {rows:>10} rows");
            })
            .map_err(|e| e.to_string())?;
            let rows: i64 = tables.iter().map(|t| t.rows).sum();
            println!(
                "exported {rows} rows of {} tables to {} in {:.1} s",
                tables.len(),
                dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import(args) => import::run(&runtime, args),
        Command::Tick { at } => {
            let at = at
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or_else(chrono::Utc::now);
            let mut conn = runtime.database.pool.get().map_err(|e| e.to_string())?;
            let report =
                crate::scheduler::run_all(&mut conn, &Default::default(), at, &runtime.config())
                    .map_err(|e| e.to_string())?;
            println!(
                "tick at {at}: {} plans looked at, {} maintenance reminders created, \
                 {} overdue visits and {} uncertified orders reminded, \
                 {} visits of tomorrow reminded to their customers",
                report.generation.plans,
                report.generation.reminders,
                report.overdue.overdue_visits,
                report.overdue.not_certified,
                report.visit_reminders
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    roles,
                    password,
                },
        } => {
            let password = match password {
                Some(p) => p,
                None => read_password()?,
            };
            let mut conn = runtime.database.pool.get().map_err(|e| e.to_string())?;
            let user = create_user(
                &mut conn,
                &runtime.passwords,
                None,
                NewUser {
                    email,
                    name,
                    roles,
                    password,
                },
            )
            .map_err(|e| match e {
                crate::error::AppError::Invalid(v) => v.to_string(),
                other => other.to_string(),
            })?;
            println!("created user {} <{}>", user.id, user.email);
            Ok(())
        }
        Command::Serve {
            demo, demo_scale, ..
        } => {
            if demo {
                let mut conn = runtime.database.pool.get().map_err(|e| e.to_string())?;
                crate::demo::load(&mut conn, &runtime, demo_scale)
                    .map_err(|e| format!("demo: {e}"))?;
            }
            let bind = runtime.config().bind.clone();
            crate::app::serve(runtime, &bind, started)
        }
    }
}

fn read_password() -> Result<String, String> {
    eprintln!("password (one line):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
