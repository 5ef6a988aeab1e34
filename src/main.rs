use std::process::ExitCode;
use tripline::app;
use tripline::report::escape::visible;

/// glibc raises its mmap threshold each time a large block is freed (up to
/// 32 MB): after the read buffer of a 16 MB zone is freed, every block
/// below 16 MB comes from the heap and stays resident once freed. A large
/// zone's second half hands its records over in such blocks, so a fixed
/// threshold keeps peak memory what one thread would need.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // thread exists, with a valid parameter and value.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_mmap_threshold() {}

fn main() -> ExitCode {
    fix_mmap_threshold();
    let cli = tripline::cli::parse();
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
