use clap::Parser;

use debrief::cli::Cli;
use debrief::config::Settings;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprint!("{error}");
            return std::process::ExitCode::from(2);
        }
    };
    let stream = if cli.serves() {
        debrief::telemetry::LogStream::Stdout
    } else {
        debrief::telemetry::LogStream::Stderr
    };
    debrief::telemetry::init(settings.log_format, &settings.log_filter, stream);
    match cli.run(settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
