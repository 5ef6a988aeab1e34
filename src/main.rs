use std::process::ExitCode;
use tripline::app;
use tripline::command_error::CommandError as Error;
use tripline::report::escape::{cut, visible, MAX_QUOTED};

/// The longest error line: a few quoted texts and the words around them.
const MAX_ERROR_CHARS: usize = 4 * MAX_QUOTED;

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
                    Error::Output(std::io::Error::new(
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
        Err(error) if error.is_interrupted() => {
            eprintln!("tripline: interrupted");
            ExitCode::from(130)
        }
        Err(error) => {
            // A message quotes paths and values from the checked files, each
            // capped; the whole line is capped too, whatever quoted it.
            let line = cut(&visible(&error.to_string()), MAX_ERROR_CHARS);
            let report = miette::Report::msg(line);
            eprintln!("tripline: {report}");
            if let Some(snippet) = error.snippet() {
                eprintln!("{snippet}");
            }
            ExitCode::from(2)
        }
    }
}
