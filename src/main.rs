use clap::Parser;
use std::process::ExitCode;
use tripline::app;
use tripline::cli::Cli;
use tripline::report::escape::visible;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = app::run(&cli).and_then(|outcome| {
        if !cli.quiet {
            for note in &outcome.notes {
                eprintln!("tripline: {}", visible(note));
            }
        }
        app::emit(&outcome, &mut std::io::stdout().lock())
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(app::AppError::Interrupted) => {
            eprintln!("tripline: interrupted");
            ExitCode::from(130)
        }
        Err(error) => {
            let report = miette::Report::msg(visible(&error.to_string()).into_owned());
            eprintln!("tripline: {report}");
            ExitCode::from(2)
        }
    }
}
