//! The Dockerfile, built and run where a container engine answers (docker
//! or podman): the image checks a mounted folder as an unprivileged user,
//! with `tripline` as its entrypoint. The build compiles tripline inside
//! the container (minutes); where no engine runs, the test says so and
//! skips. tests/integration/workflows.rs checks the Dockerfile's shape everywhere.

use crate::common::root;
use std::process::{Command, Output};

/// The first engine whose daemon answers.
fn engine() -> Result<&'static str, String> {
    let mut tried = Vec::new();
    for engine in ["docker", "podman"] {
        match Command::new(engine).arg("info").output() {
            Ok(output) if output.status.success() => return Ok(engine),
            Ok(_) => tried.push(format!(
                "{engine} is installed but its daemon does not answer"
            )),
            Err(_) => tried.push(format!("no {engine}")),
        }
    }
    Err(tried.join("; "))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn image_builds_and_checks_a_mounted_folder() {
    let engine = match engine() {
        Ok(engine) => engine,
        Err(why) => {
            report!("SKIPPED image_builds_and_checks_a_mounted_folder: {why}");
            return;
        }
    };
    let tag = format!("tripline-test:{}", std::process::id());
    let build = Command::new(engine)
        .args(["build", "--tag", &tag, "."])
        .current_dir(root())
        .output()
        .expect("the engine runs");
    assert!(build.status.success(), "{engine} build:\n{}", text(&build));

    let run = |args: &[&str]| {
        Command::new(engine)
            .args(["run", "--rm", "--network", "none"])
            .arg("--volume")
            .arg(format!("{}:/work:ro", root().join("fixtures").display()))
            .arg(&tag)
            .args(args)
            .output()
            .expect("the engine runs")
    };
    let version = run(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("tripline {}", env!("CARGO_PKG_VERSION"))
    );
    let check = run(&["check", "nginx/missing-default-server/bad-debian"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    assert!(text(&check).contains("nginx/missing-default-server"));
    let user = Command::new(engine)
        .args(["image", "inspect", "--format", "{{.Config.User}}", &tag])
        .output()
        .expect("the engine runs");
    assert_eq!(String::from_utf8_lossy(&user.stdout).trim(), "65534:65534");
    let _ = Command::new(engine).args(["rmi", "--force", &tag]).output();
}
