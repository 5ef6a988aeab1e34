//! tripline installed without compiling it, as a user would:
//!
//! - the release archive `dist build` makes (dist-workspace.toml): unpacked,
//!   it runs `--version` and a check with no Rust toolchain on PATH, and its
//!   binary is stripped;
//! - the wheel maturin makes (python/pyproject.toml), from the same build:
//!   installed with pip, offline, into a fresh virtualenv, it runs a check;
//! - the default pre-commit hook (`language: python`) installs that wheel
//!   and fails a commit that swaps a certificate but keeps the old key;
//! - the GitHub Action's install step downloads an archive, checks its
//!   SHA-256 and refuses a wrong one.
//!
//! The build is a release build (minutes): it runs where `.ci/run` set
//! TRIPLINE_DIST and TRIPLINE_MATURIN (both installed from PyPI into its
//! virtualenv); elsewhere it says why it skips. The version checks always run.

use crate::common::{repo_with_a_staged_key_swap, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

/// The one target this machine builds without a cross toolchain; the
/// release builds the static musl ones on GitHub's runners.
const TARGET: &str = "x86_64-unknown-linux-gnu";

fn cargo_version() -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let manifest: toml::Value = toml::from_str(&manifest).expect("TOML");
    manifest["package"]["version"]
        .as_str()
        .expect("a version")
        .to_string()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn run(command: &mut Command) -> Output {
    let shown = format!("{command:?}");
    let output = command.output().unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(output.status.success(), "{shown}:\n{}", text(&output));
    output
}

/// Only the system's own folders: no cargo, no rustc.
const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("readable");
    let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn one_version_everywhere_a_release_is_pinned() {
    let version = cargo_version();
    // The pre-commit placeholder pins the wheel of the same release.
    let placeholder = std::fs::read_to_string(root().join("pyproject.toml")).expect("pyproject");
    let placeholder: toml::Value = toml::from_str(&placeholder).expect("TOML");
    assert_eq!(placeholder["project"]["version"].as_str(), Some(&*version));
    let pins: Vec<&str> = placeholder["project"]["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(pins, [format!("tripline-cli=={version}")]);
    // The wheel takes Cargo.toml's version, and ships the `dist` profile.
    let wheel = std::fs::read_to_string(root().join("python/pyproject.toml")).expect("wheel");
    let wheel: toml::Value = toml::from_str(&wheel).expect("TOML");
    assert_eq!(wheel["project"]["name"].as_str(), Some("tripline-cli"));
    assert_eq!(wheel["project"]["dynamic"][0].as_str(), Some("version"));
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    assert_eq!(wheel["tool"]["maturin"]["profile"].as_str(), Some("dist"));
    // The changelog has the release's section; the README pins it.
    let changelog = std::fs::read_to_string(root().join("CHANGELOG.md")).expect("changelog");
    assert!(
        changelog.lines().any(|l| l == format!("## {version}")),
        "CHANGELOG.md has no `## {version}` section"
    );
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    for pin in [
        format!("rev: v{version}"),
        format!("tripline/tripline@v{version}"),
        format!("ghcr.io/tripline/tripline:{version}"),
    ] {
        assert!(readme.contains(&pin), "the README does not show `{pin}`");
    }
    // The shipped profile is stripped; benchmarks time a binary built as
    // it is; profiling keeps line tables.
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let manifest: toml::Value = toml::from_str(&manifest).expect("TOML");
    let profiles = &manifest["profile"];
    assert_eq!(profiles["dist"]["strip"].as_bool(), Some(true));
    assert_eq!(profiles["dist"]["inherits"].as_str(), Some("release"));
    for key in ["lto", "strip"] {
        assert_eq!(
            profiles["bench"].get(key),
            profiles["dist"].get(key),
            "the bench profile's {key} is dist's"
        );
    }
    assert_eq!(profiles["bench"]["debug"].as_bool(), Some(false));
    assert_eq!(
        profiles["profiling"]["debug"].as_str(),
        Some("line-tables-only")
    );
}

#[test]
fn pre_commit_hooks_need_no_rust_by_default_and_lock_when_they_build() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("hooks");
    let hooks: serde_json::Value = serde_norway::from_str(&hooks).expect("YAML");
    let hooks = hooks.as_array().expect("a list of hooks");
    let by_id = |id: &str| {
        hooks
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("no hook {id}"))
    };
    assert_eq!(hooks[0]["id"], "tripline", "the default hook comes first");
    assert_eq!(by_id("tripline")["language"], "python");
    assert_eq!(by_id("tripline-system")["language"], "system");
    let source = by_id("tripline-source");
    assert_eq!(source["language"], "script");
    let script = source["entry"].as_str().expect("entry");
    let script = std::fs::read_to_string(root().join(script)).expect("the hook's script");
    assert!(script.contains("cargo install --locked"), "{script}");
}

/// `pre-commit-from-source.sh` with a stand-in `cargo` that records its
/// arguments and installs the tripline already built: it passes --locked,
/// builds once, and checks the files it is given.
#[test]
fn source_hook_builds_once_with_locked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let checkout = dir.path().join("checkout");
    std::fs::create_dir_all(checkout.join("scripts")).expect("mkdir");
    std::fs::copy(
        root().join("scripts/pre-commit-from-source.sh"),
        checkout.join("scripts/pre-commit-from-source.sh"),
    )
    .expect("copied");
    let fake_bin = dir.path().join("bin");
    std::fs::create_dir_all(&fake_bin).expect("mkdir");
    let log = dir.path().join("cargo.log");
    let cargo = format!(
        "#!/bin/sh\necho \"$@\" >> '{}'\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\ncp '{}' \"$2/bin/tripline\"\n",
        log.display(),
        env!("CARGO_BIN_EXE_tripline")
    );
    std::fs::write(fake_bin.join("cargo"), cargo).expect("written");
    make_executable(&fake_bin.join("cargo"));
    let path = format!("{}:{SYSTEM_PATH}", fake_bin.display());
    for round in 0..2 {
        let output = Command::new("sh")
            .arg(checkout.join("scripts/pre-commit-from-source.sh"))
            .arg("fixtures/nginx/missing-default-server/bad-debian")
            .current_dir(root())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .expect("the hook runs");
        assert_eq!(
            output.status.code(),
            Some(1),
            "round {round}: {}",
            text(&output)
        );
        assert!(text(&output).contains("nginx/missing-default-server"));
    }
    let calls = std::fs::read_to_string(&log).expect("cargo was called");
    assert_eq!(calls.lines().count(), 1, "built once: {calls}");
    assert!(calls.starts_with("install --locked"), "{calls}");
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A tool named by an environment variable `.ci/run` sets, if it runs.
fn tool(variable: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{variable} is not set (.ci/run installs the tool and sets it)"))?;
    match Command::new(&path).arg("--version").output() {
        Ok(output) if output.status.success() => Ok(path),
        _ => Err(format!("{} ({variable}) does not run", path.display())),
    }
}

#[test]
fn release_archive_and_wheel_run_without_rust() {
    let (dist, maturin) = match (tool("TRIPLINE_DIST"), tool("TRIPLINE_MATURIN")) {
        (Ok(dist), Ok(maturin)) => (dist, maturin),
        (Err(why), _) | (_, Err(why)) => {
            report!("SKIPPED release_archive_and_wheel_run_without_rust: {why}");
            return;
        }
    };
    let version = cargo_version();
    let work = tempfile::tempdir().expect("temp dir");

    // 1. The release archive, as the release workflow makes it.
    let started = Instant::now();
    run(Command::new(&dist)
        .args(["build", "--artifacts=local", "--target", TARGET])
        .current_dir(root()));
    let dist_secs = started.elapsed().as_secs_f64();
    let distrib = root().join("target/distrib");
    let archive = distrib.join(format!("tripline-{TARGET}.tar.xz"));
    let published =
        std::fs::read_to_string(distrib.join(format!("tripline-{TARGET}.tar.xz.sha256")))
            .expect("a .sha256 beside the archive");
    assert_eq!(
        published.split_whitespace().next(),
        Some(&*sha256_hex(&archive)),
        "the published checksum is the archive's"
    );
    let unpacked = work.path().join("archive");
    std::fs::create_dir_all(&unpacked).expect("mkdir");
    run(Command::new("tar")
        .arg("-xJf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked));
    let folder = unpacked.join(format!("tripline-{TARGET}"));
    for file in [
        "tripline",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "CHANGELOG.md",
    ] {
        assert!(folder.join(file).is_file(), "the archive has no {file}");
    }
    let binary = folder.join("tripline");
    let sections = elf_sections(&std::fs::read(&binary).expect("the binary"));
    assert!(sections.iter().any(|s| s == ".text"), "{sections:?}");
    assert!(
        !sections
            .iter()
            .any(|s| s == ".symtab" || s.starts_with(".debug")),
        "the shipped binary is stripped: {sections:?}"
    );
    check_runs(&binary, &version, "archive");

    // 2. The wheel, from the same build (same profile and target: cargo
    // has nothing left to compile but the binary's final link).
    let wheels = work.path().join("wheels");
    let started = Instant::now();
    run(Command::new(&maturin)
        .args(["build", "--locked", "--target", TARGET, "--out"])
        .arg(&wheels)
        .current_dir(root().join("python")));
    let wheel_secs = started.elapsed().as_secs_f64();
    let wheel = std::fs::read_dir(&wheels)
        .expect("wheels")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("maturin made a wheel");
    let name = wheel
        .file_name()
        .expect("a name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with(&format!("tripline_cli-{version}-py3-none-")),
        "{name}"
    );

    // 3. Installed into a fresh virtualenv, offline: Python is all it needs.
    let venv = work.path().join("venv");
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    run(Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--disable-pip-version-check",
        ])
        .arg(&wheel)
        .env("PATH", SYSTEM_PATH));
    check_runs(&venv.join("bin/tripline"), &version, "wheel");

    // 4. The default pre-commit hook, which installs that wheel.
    match std::env::var_os("TRIPLINE_PRE_COMMIT") {
        Some(pre_commit) => python_hook_fails_a_key_swap(Path::new(&pre_commit), &wheels),
        None => report!("SKIPPED the python pre-commit hook: TRIPLINE_PRE_COMMIT is not set"),
    }

    // 5. The GitHub Action's install step, from a stand-in release folder.
    action_installs_by_checksum(&archive, &version, work.path());

    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    report!(
        "packaging: dist build {dist_secs:.0} s, maturin build {wheel_secs:.0} s; binary {:.1} MB, archive {:.1} MB, wheel {:.1} MB",
        size(&binary),
        size(&archive),
        size(&wheel)
    );
}

/// The section names of a 64-bit little-endian ELF file (what `readelf -S`
/// lists): a stripped binary has no `.symtab` and no `.debug_*`.
fn elf_sections(elf: &[u8]) -> Vec<String> {
    assert_eq!(&elf[..6], b"\x7fELF\x02\x01", "a 64-bit little-endian ELF");
    let u16_at = |at: usize| u16::from_le_bytes([elf[at], elf[at + 1]]) as usize;
    let u32_at =
        |at: usize| u32::from_le_bytes(elf[at..at + 4].try_into().expect("4 bytes")) as usize;
    let u64_at =
        |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().expect("8 bytes")) as usize;
    let (table, entry, count, names) = (u64_at(0x28), u16_at(0x3a), u16_at(0x3c), u16_at(0x3e));
    let header = |index: usize| table + index * entry;
    let strings = u64_at(header(names) + 0x18);
    (0..count)
        .map(|index| {
            let start = strings + u32_at(header(index));
            let end = start + elf[start..].iter().position(|&b| b == 0).expect("NUL");
            String::from_utf8_lossy(&elf[start..end]).into_owned()
        })
        .collect()
}

/// `--version`, then a check that finds what the fixture holds, with no
/// Rust toolchain on PATH.
fn check_runs(binary: &Path, version: &str, what: &str) {
    let output = run(Command::new(binary)
        .arg("--version")
        .env_clear()
        .env("PATH", SYSTEM_PATH));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("tripline {version}"),
        "{what}"
    );
    let output = Command::new(binary)
        .args(["check", "fixtures/nginx/missing-default-server/bad-debian"])
        .current_dir(root())
        .env_clear()
        .env("PATH", SYSTEM_PATH)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{what}: {}", text(&output));
    assert!(
        text(&output).contains("warning[nginx/missing-default-server]"),
        "{what}: {}",
        text(&output)
    );
}

/// `pre-commit try-repo` of the default hook, with pip pointed at the wheel
/// just built (and a setuptools wheel for the placeholder) and at no index.
fn python_hook_fails_a_key_swap(pre_commit: &Path, wheels: &Path) {
    if !root().join(".git").exists() {
        report!("SKIPPED the python pre-commit hook: the crate is not a git repository");
        return;
    }
    // pip builds the placeholder with setuptools: the wheel virtualenv seeds.
    let python = pre_commit.parent().expect("a folder").join("python");
    let bundle = Command::new(&python)
        .args([
            "-c",
            "import virtualenv.seed.wheels.embed as e; print(e.BUNDLE_FOLDER)",
        ])
        .output()
        .expect("python runs");
    let bundle = PathBuf::from(String::from_utf8_lossy(&bundle.stdout).trim());
    let setuptools = std::fs::read_dir(&bundle).ok().and_then(|entries| {
        entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().contains("setuptools-"))
            .max()
    });
    let Some(setuptools) = setuptools else {
        report!("SKIPPED the python pre-commit hook: no setuptools wheel in virtualenv's bundle");
        return;
    };
    std::fs::copy(
        &setuptools,
        wheels.join(setuptools.file_name().expect("name")),
    )
    .expect("copied");

    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path();
    repo_with_a_staged_key_swap(repo);

    let started = Instant::now();
    let output = Command::new(pre_commit)
        .args(["try-repo", &root().display().to_string(), "tripline"])
        .current_dir(repo)
        .env(
            "PATH",
            format!("{}:{SYSTEM_PATH}", python.parent().expect("bin").display()),
        )
        .env("PRE_COMMIT_HOME", repo.join(".cache-pre-commit"))
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", wheels)
        .env("NO_COLOR", "1")
        .output()
        .expect("pre-commit runs");
    let log = text(&output);
    assert!(!output.status.success(), "the key swap must fail:\n{log}");
    assert!(log.contains("tls/key-mismatch"), "{log}");
    report!(
        "packaging: python pre-commit hook installed and ran in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// scripts/action-install.sh (action.yml's install step) against a folder
/// laid out like a GitHub release; the runner's archive is the one just
/// built, under the name of the Linux archive the action picks.
fn action_installs_by_checksum(archive: &Path, version: &str, work: &Path) {
    let release = work.join(format!("release/v{version}"));
    std::fs::create_dir_all(&release).expect("mkdir");
    let name = "tripline-x86_64-unknown-linux-musl.tar.xz";
    // The archive's top folder is named after the target it was built for.
    let staged = work.join("staged");
    std::fs::create_dir_all(&staged).expect("mkdir");
    run(Command::new("tar")
        .arg("-xJf")
        .arg(archive)
        .arg("-C")
        .arg(&staged));
    std::fs::rename(
        staged.join(format!("tripline-{TARGET}")),
        staged.join("tripline-x86_64-unknown-linux-musl"),
    )
    .expect("renamed");
    run(Command::new("tar")
        .arg("-cJf")
        .arg(release.join(name))
        .arg("-C")
        .arg(&staged)
        .arg("tripline-x86_64-unknown-linux-musl"));
    let sum = sha256_hex(&release.join(name));
    std::fs::write(
        release.join(format!("{name}.sha256")),
        format!("{sum}  {name}\n"),
    )
    .expect("written");

    let install = |checksum: &str, runner_temp: &Path| {
        std::fs::create_dir_all(runner_temp).expect("mkdir");
        let github_path = runner_temp.join("github-path");
        let output = Command::new("bash")
            .arg(root().join("scripts/action-install.sh"))
            .env_clear()
            .env("PATH", SYSTEM_PATH)
            .env("VERSION", "")
            .env("ACTION_REF", format!("v{version}"))
            .env("CHECKSUM", checksum)
            .env(
                "BASE_URL",
                format!("file://{}", work.join("release").display()),
            )
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", runner_temp)
            .env("GITHUB_PATH", &github_path)
            .output()
            .expect("bash runs");
        (
            output,
            std::fs::read_to_string(github_path).unwrap_or_default(),
        )
    };
    // Checked against the release's .sha256, then against a pinned sum.
    for (round, checksum) in ["", &sum.to_uppercase()].into_iter().enumerate() {
        let (output, github_path) = install(checksum, &work.join(format!("runner-{round}")));
        assert!(output.status.success(), "{}", text(&output));
        let bin = PathBuf::from(github_path.trim()).join("tripline");
        check_runs(&bin, version, "action");
    }
    let (output, github_path) = install(&"0".repeat(64), &work.join("runner-bad"));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("::error title=tripline::"),
        "{}",
        text(&output)
    );
    assert!(github_path.is_empty(), "nothing is put on PATH");
}
