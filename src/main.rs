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
        match &cli.output {
            Some(path) => {
                let mut file = std::fs::File::create(path).map_err(|e| {
                    app::AppError::Output(std::io::Error::new(
                        e.kind(),
                        format!("{}: {e}", path.display()),
                    ))
                })?;
                app::emit(&outcome, &mut file)
            }
            None => app::emit(&outcome, &mut std::io::stdout().lock()),
        }
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
            if let Some(snippet) = error.snippet() {
                eprintln!("{snippet}");
            }
            ExitCode::from(2)
        }
    }
}
