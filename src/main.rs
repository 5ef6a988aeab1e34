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
///
/// The language server is the other way round: it checks the same tree at
/// every keystroke, and blocks mapped and unmapped at each check were
/// pages the kernel zeroed again each time (a tenth of a recheck). It
/// keeps its blocks in the heap, and up to 256 MB of freed heap for the
/// next check.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator(command: &tripline::cli::Command) {
    let (mmap_threshold, trim_threshold) = match command {
        tripline::cli::Command::Server => (32 << 20, 256 << 20),
        _ => (256 * 1024, 128 * 1024),
    };
    // SAFETY: mallopt only sets allocator parameters; called before any
    // thread exists, with valid parameters and values.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, mmap_threshold);
        libc::mallopt(libc::M_TRIM_THRESHOLD, trim_threshold);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator(_: &tripline::cli::Command) {}

fn main() -> ExitCode {
    let cli = tripline::cli::parse();
    tune_allocator(&cli.command);
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
