//! The GitHub side: action.yml, the release workflows dist generated and
//! the example workflow users copy. actionlint checks them all (and reads
//! action.yml through the workflow that uses it as `./`); the example never
//! compiles and asks for no more than it needs; release.yml is what
//! dist-workspace.toml generates. actionlint and dist are installed by
//! `.ci/run` (TRIPLINE_ACTIONLINT, TRIPLINE_DIST); elsewhere the tests that
//! need them say why they skip.

use crate::common::root;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn workflow_files() -> Vec<String> {
    let mut files = Vec::new();
    for dir in [".github/workflows", "examples/github"] {
        for entry in std::fs::read_dir(root().join(dir)).expect(dir).flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".yml") || name.ends_with(".yaml") {
                files.push(format!("{dir}/{name}"));
            }
        }
    }
    files.sort();
    files
}

fn tool(variable: &str) -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os(variable)?);
    Command::new(&path)
        .arg("-version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| path)
}

fn actionlint(dir: &Path, files: &[String]) -> (bool, String) {
    let Some(actionlint) = tool("TRIPLINE_ACTIONLINT") else {
        unreachable!("checked by the caller")
    };
    let output = Command::new(actionlint)
        .args(["-no-color", "-oneline"])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("actionlint runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn action_and_workflows_pass_actionlint() {
    if tool("TRIPLINE_ACTIONLINT").is_none() {
        report!("SKIPPED action_and_workflows_pass_actionlint: TRIPLINE_ACTIONLINT is not set or does not run (.ci/run installs actionlint)");
        return;
    }
    let files = workflow_files();
    assert!(files.contains(&".github/workflows/release.yml".to_string()));
    assert!(files.contains(&".github/workflows/action-smoke.yml".to_string()));
    let (passed, log) = actionlint(&root(), &files);
    assert!(passed, "actionlint:\n{log}");

    // action.yml is read through `uses: ./`: an input it does not declare
    // is an error, so the check above did look at it.
    // actionlint finds local actions from the repository's root: a git one.
    let dir = tempfile::tempdir().expect("temp dir");
    let init = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .expect("git runs");
    assert!(init.success());
    std::fs::create_dir_all(dir.path().join(".github/workflows")).expect("mkdir");
    std::fs::copy(root().join("action.yml"), dir.path().join("action.yml")).expect("copied");
    std::fs::write(
        dir.path().join(".github/workflows/uses.yml"),
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v6\n      - uses: ./\n        with:\n          versoin: 0.1.0\n",
    )
    .expect("written");
    let (passed, log) = actionlint(dir.path(), &[".github/workflows/uses.yml".to_string()]);
    assert!(!passed && log.contains("versoin"), "actionlint:\n{log}");
    report!("actionlint: {} workflow files pass", files.len());
}

#[test]
fn release_workflow_is_what_dist_generates() {
    let Some(dist) = std::env::var_os("TRIPLINE_DIST").map(PathBuf::from) else {
        report!("SKIPPED release_workflow_is_what_dist_generates: TRIPLINE_DIST is not set (.ci/run installs dist)");
        return;
    };
    // `dist plan` fails when release.yml differs from what the config makes.
    let output = Command::new(dist)
        .args(["plan", "--output-format=json"])
        .current_dir(root())
        .output()
        .expect("dist runs");
    assert!(
        output.status.success(),
        "dist plan (run `dist generate` after changing dist-workspace.toml):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let artifacts: Vec<&str> = plan["artifacts"]
        .as_object()
        .expect("artifacts")
        .keys()
        .map(String::as_str)
        .collect();
    for wanted in [
        "tripline-x86_64-unknown-linux-musl.tar.xz",
        "tripline-aarch64-unknown-linux-musl.tar.xz",
        "tripline-x86_64-apple-darwin.tar.xz",
        "tripline-aarch64-apple-darwin.tar.xz",
        "tripline-x86_64-pc-windows-msvc.zip",
        "tripline-installer.sh",
        "tripline-installer.ps1",
        "tripline.rb",
        "sha256.sum",
    ] {
        assert!(artifacts.contains(&wanted), "{wanted} not in {artifacts:?}");
    }
}

#[test]
fn the_example_workflow_never_compiles_and_asks_for_little() {
    let example = yaml("examples/github/tripline.yml");
    assert_eq!(example["permissions"]["contents"], "read");
    let job = &example["jobs"]["tripline"];
    assert_eq!(job["permissions"]["contents"], "read");
    assert_eq!(job["permissions"]["security-events"], "write");
    let steps = job["steps"].as_array().expect("steps");
    let text = serde_json::to_string(steps).expect("JSON");
    for compiler in ["cargo", "rustup", "rustc"] {
        assert!(!text.contains(compiler), "the example runs {compiler}");
    }
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        steps
            .iter()
            .any(|s| s["uses"] == format!("tripline/tripline@v{version}")),
        "the example pins the action at this release"
    );
    // The README shows this very workflow.
    let file =
        std::fs::read_to_string(root().join("examples/github/tripline.yml")).expect("example");
    let body: String = file
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    assert!(
        readme.contains(&format!("```yaml\n{body}```")),
        "README's GitHub Actions example differs from examples/github/tripline.yml"
    );
    // Nor does the action: it downloads a release and checks its checksum.
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let install =
        std::fs::read_to_string(root().join("scripts/action-install.sh")).expect("script");
    for text in [&action, &install] {
        assert!(!text.contains("cargo ") && !text.contains("rustup"));
    }
    assert!(install.contains("sha256sum"));
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["version", "checksum", "args", "sarif"] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "{input}"
        );
    }
}

#[test]
fn the_container_image_is_static_unprivileged_and_runs_tripline() {
    let dockerfile = std::fs::read_to_string(root().join("Dockerfile")).expect("Dockerfile");
    let last_stage = dockerfile
        .rsplit_once("\nFROM ")
        .map(|(_, stage)| stage)
        .expect("stages");
    assert!(
        last_stage.starts_with("scratch"),
        "a minimal base: {last_stage}"
    );
    assert!(last_stage.contains("USER 65534:65534"), "not root");
    assert!(last_stage.contains("ENTRYPOINT [\"/usr/local/bin/tripline\"]"));
    let ignored = std::fs::read_to_string(root().join(".dockerignore")).expect(".dockerignore");
    assert!(
        ignored.lines().any(|l| l == "target/"),
        "the build context leaves target/ out"
    );
}
