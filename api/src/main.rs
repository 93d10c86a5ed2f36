use clap::Parser;

// glibc keeps each thread's freed argon2 buffers (19 MiB a login) and grew the
// server to ~200 MB under login load; mimalloc returns them and allocates faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use gridwork_api::cli::{self, Cli};

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    gridwork_api::http::telemetry::init();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("gridwork: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
