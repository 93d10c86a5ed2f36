use clap::Parser;
use gridwork_api::cli::{self, Cli};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    gridwork_api::telemetry::init();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("gridwork: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
