//! `tripline check --fix`, `--unsafe-fixes` and `--diff` on the fixtures of
//! `fixtures/fix/`: each fix writes exactly the expected file, and the file
//! it writes is one tripline finds no error in and that `nginx -t` or
//! `named-checkzone` accepts (where they are installed; skipped with the
//! reason where not).

use crate::common::{parse_json, root, tripline_in, Run, NOW};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One fixture folder, copied into a temporary folder as `site.EXT`.
struct Case {
    name: String,
    ext: String,
    before: String,
    after: String,
    dir: tempfile::TempDir,
}

impl Case {
    fn load(folder: &Path) -> Case {
        let name = folder
            .file_name()
            .expect("named")
            .to_string_lossy()
            .into_owned();
        let find = |stem: &str| {
            std::fs::read_dir(folder)
                .expect("fixture folder")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.file_stem().is_some_and(|s| s == stem))
                .unwrap_or_else(|| panic!("{name}: no {stem}.*"))
        };
        let before_path = find("before");
        let ext = before_path
            .extension()
            .expect("an extension")
            .to_string_lossy()
            .into_owned();
        let before = std::fs::read_to_string(&before_path).expect("before");
        let after = std::fs::read_to_string(find("after")).expect("after");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(format!("site.{ext}")), &before).expect("write");
        let config = folder.join("tripline.toml");
        if config.is_file() {
            std::fs::copy(&config, dir.path().join("tripline.toml")).expect("copy config");
        }
        Case {
            name,
            ext,
            before,
            after,
            dir,
        }
    }

    fn file(&self) -> String {
        format!("site.{}", self.ext)
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(self.file())).expect("read back")
    }

    fn is_unsafe(&self) -> bool {
        self.name.starts_with("unsafe-")
    }

    /// `tripline check` with `flags` on the copy (`--kind nginx`: a site
    /// file outside an nginx folder is not read as one otherwise).
    fn run(&self, flags: &[&str]) -> Run {
        let file = self.file();
        let mut args = vec!["check", "--now", NOW];
        if self.ext == "conf" {
            args.extend(["--kind", "nginx"]);
        }
        args.extend_from_slice(flags);
        args.push(&file);
        tripline_in(self.dir.path(), &args)
    }
}

fn cases() -> Vec<Case> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/fix"))
        .expect("fixtures/fix")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(folders.len() >= 8, "one fixture per fix: {folders:?}");
    folders.iter().map(|f| Case::load(f)).collect()
}

fn findings(run: Run) -> Vec<(String, String)> {
    let (_, json) = parse_json(run);
    let list = json["findings"].as_array().expect("findings").clone();
    list.iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn each_fix_writes_the_expected_file_and_nothing_is_left_to_fix() {
    for case in cases() {
        let before = findings(case.run(&["--format", "json"]));
        assert!(
            !before.is_empty(),
            "{}: the input has something to fix",
            case.name
        );

        if case.is_unsafe() {
            // Without --unsafe-fixes, a fix that changes behaviour is not applied.
            let run = case.run(&["--fix", "--format", "json"]);
            assert_eq!(
                run.code, 1,
                "{}: the finding stays: {}",
                case.name, run.stderr
            );
            assert_eq!(
                case.text(),
                case.before,
                "{}: --fix alone changed it",
                case.name
            );
        }
        let mut flags = vec!["--fix", "--format", "json"];
        if case.is_unsafe() {
            flags.push("--unsafe-fixes");
        }
        let run = case.run(&flags);
        assert!(
            run.stderr.contains("applied to 1 file"),
            "{}: {}",
            case.name,
            run.stderr
        );
        let left = findings(run);
        assert_eq!(case.text(), case.after, "{}: the fixed file", case.name);
        assert!(left.is_empty(), "{}: left after --fix: {left:?}", case.name);

        // Checked afresh, the written file is clean too.
        let again = findings(case.run(&["--format", "json"]));
        assert!(again.is_empty(), "{}: {again:?}", case.name);
        let run = case.run(&["--fix"]);
        assert!(
            run.stderr.contains("nothing to fix"),
            "{}: {}",
            case.name,
            run.stderr
        );
    }
}

#[test]
fn diff_previews_every_fix_and_writes_nothing() {
    for case in cases() {
        let mut flags = vec!["--diff"];
        if case.is_unsafe() {
            flags.push("--unsafe-fixes");
        }
        let run = case.run(&flags);
        assert_eq!(run.code, 1, "{}: a diff exits 1: {}", case.name, run.stderr);
        assert_eq!(
            case.text(),
            case.before,
            "{}: --diff wrote the file",
            case.name
        );
        assert!(
            run.stdout
                .starts_with(&format!("--- {0}\n+++ {0}\n@@ ", case.file())),
            "{}: {}",
            case.name,
            run.stdout
        );
        // The diff's lines are exactly the lines the fix changes.
        let removed: Vec<&str> = (run.stdout.lines())
            .filter_map(|l| l.strip_prefix('-').filter(|_| !l.starts_with("---")))
            .collect();
        let added: Vec<&str> = (run.stdout.lines())
            .filter_map(|l| l.strip_prefix('+').filter(|_| !l.starts_with("+++")))
            .collect();
        let (old, new) = (
            lines_only_in(&case.before, &case.after),
            lines_only_in(&case.after, &case.before),
        );
        assert_eq!((removed, added), (old, new), "{}", case.name);
    }
}

/// The lines of `a` that `b` lacks, counting repeats (a multiset
/// difference, in `a`'s order).
fn lines_only_in<'a>(a: &'a str, b: &str) -> Vec<&'a str> {
    let mut rest: Vec<&str> = b.lines().collect();
    a.lines()
        .filter(|line| match rest.iter().position(|r| r == line) {
            Some(at) => {
                rest.remove(at);
                false
            }
            None => true,
        })
        .collect()
}

#[test]
fn stdin_fix_prints_the_fixed_text_and_writes_nothing() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "misspelt-directive")
        .expect("fixture");
    let output = Command::new(env!("CARGO_BIN_EXE_tripline"))
        .args([
            "check",
            "--fix",
            "--kind",
            "nginx",
            "--now",
            NOW,
            "-",
            "--stdin-filename",
            "site.conf",
        ])
        .current_dir(case.dir.path())
        .stdin(std::fs::File::open(case.dir.path().join("site.conf")).expect("open"))
        .output()
        .expect("runs");
    assert_eq!(String::from_utf8_lossy(&output.stdout), case.after);
    assert_eq!(case.text(), case.before, "the file on disk is untouched");
}

/// A program from PATH, /usr/sbin or /usr/bin.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    (std::env::split_paths(&path).chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")]))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

#[test]
fn nginx_accepts_every_fixed_config_it_refused_or_accepted_before() {
    let Some(nginx) = program("nginx") else {
        report!("SKIPPED fix/nginx -t: no `nginx` on PATH, /usr/sbin or /usr/bin");
        return;
    };
    let mut tested = 0;
    for case in cases().iter().filter(|c| c.ext == "conf") {
        let fixed = case.dir.path().join("after.conf");
        std::fs::write(&fixed, &case.after).expect("write");
        // The fixtures are the inside of `http`, as a site file is.
        let conf = case.dir.path().join("nginx.conf");
        let wrapper = format!(
            "pid {};\nerror_log stderr;\nevents {{}}\nhttp {{\n    access_log off;\n    include {};\n}}\n",
            case.dir.path().join("nginx.pid").display(),
            fixed.display()
        );
        std::fs::write(&conf, wrapper).expect("write wrapper");
        let out = Command::new(&nginx)
            .args(["-t", "-q", "-c"])
            .arg(&conf)
            .arg("-p")
            .arg(case.dir.path())
            .output()
            .expect("nginx runs");
        assert!(
            out.status.success(),
            "{}: nginx -t refuses the fixed file: {}",
            case.name,
            String::from_utf8_lossy(&out.stderr)
        );
        tested += 1;
    }
    assert!(tested >= 5, "nginx fix fixtures: {tested}");
}

#[test]
fn named_checkzone_accepts_every_fixed_zone() {
    let Some(checkzone) = program("named-checkzone") else {
        report!("SKIPPED fix/named-checkzone: no `named-checkzone` on PATH, /usr/sbin or /usr/bin");
        return;
    };
    let mut tested = 0;
    for case in cases().iter().filter(|c| c.ext == "zone") {
        let fixed = case.dir.path().join("after.zone");
        std::fs::write(&fixed, &case.after).expect("write");
        let out = Command::new(&checkzone)
            .arg("example.com")
            .arg(&fixed)
            .output()
            .expect("named-checkzone runs");
        assert!(
            out.status.success(),
            "{}: named-checkzone refuses the fixed zone: {}",
            case.name,
            String::from_utf8_lossy(&out.stdout)
        );
        tested += 1;
    }
    assert!(tested >= 3, "zone fix fixtures: {tested}");
}
