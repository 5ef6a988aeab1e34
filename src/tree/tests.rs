use super::*;

fn tree_in(dir: &Path) -> Tree {
    Tree::new(&[dir.to_path_buf()])
}

#[test]
fn paths_outside_the_roots_are_never_resolved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tree = tree_in(dir.path());
    assert_eq!(tree.resolve(Path::new("/etc/passwd")), Place::Outside);
    assert_eq!(
        tree.resolve(&dir.path().join("../../../proc/self/environ")),
        Place::Outside
    );
    assert!(matches!(
        tree.read(Path::new("/proc/self/environ"), "x"),
        Err(ReadError::Outside { .. })
    ));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_refused_whether_or_not_the_target_exists() {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = |name: &str, target: &str| {
        std::os::unix::fs::symlink(target, dir.path().join(name)).expect("symlink")
    };
    link("leak.pem", "/proc/self/environ");
    link("nothing.pem", "/no/such/file/anywhere");
    link("up.conf", "../../../../../../etc/passwd");
    std::fs::write(dir.path().join("real.conf"), "x").expect("write");
    link("ok.conf", "real.conf");
    link("dangling.conf", "gone.conf");
    let tree = tree_in(dir.path());
    assert_eq!(tree.resolve(&dir.path().join("leak.pem")), Place::Outside);
    assert_eq!(
        tree.resolve(&dir.path().join("nothing.pem")),
        Place::Outside
    );
    assert_eq!(tree.resolve(&dir.path().join("up.conf")), Place::Outside);
    assert!(matches!(
        tree.resolve(&dir.path().join("ok.conf")),
        Place::File(p) if p.ends_with("real.conf")
    ));
    assert!(matches!(
        tree.resolve(&dir.path().join("dangling.conf")),
        Place::Missing(_)
    ));
}

#[cfg(unix)]
#[test]
fn a_root_reached_through_a_link_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("data/repo")).expect("mkdir");
    std::fs::write(dir.path().join("data/repo/a.zone"), "x").expect("write");
    std::os::unix::fs::symlink("data", dir.path().join("link")).expect("symlink");
    let root = dir.path().join("link/repo");
    let tree = tree_in(&root);
    let (_, bytes) = tree.read(&root.join("a.zone"), "a.zone").expect("read");
    assert_eq!(bytes, b"x");
}

#[cfg(unix)]
#[test]
fn fifos_are_never_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.conf");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED fifo test: mkfifo is not available");
        return;
    }
    let tree = tree_in(dir.path());
    assert!(matches!(tree.resolve(&fifo), Place::Special(_, "FIFO")));
    assert!(matches!(
        tree.read(&fifo, "pipe.conf"),
        Err(ReadError::Special { kind: "FIFO", .. })
    ));
}

#[test]
fn stubs_of_symlinks_lead_to_their_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nginx = dir.path().join("root/etc/nginx");
    std::fs::create_dir_all(nginx.join("sites-available")).expect("mkdir");
    std::fs::create_dir_all(nginx.join("sites-enabled")).expect("mkdir");
    std::fs::write(nginx.join("sites-available/site"), "server {}\n").expect("write");
    std::fs::write(nginx.join("sites-enabled/rel"), "../sites-available/site").expect("write");
    std::fs::write(
        nginx.join("sites-enabled/abs"),
        "/etc/nginx/sites-available/site\n",
    )
    .expect("write");
    std::fs::write(nginx.join("sites-enabled/gone"), "../sites-available/gone").expect("write");
    let tree = tree_in(dir.path());
    for name in ["rel", "abs"] {
        assert!(
            matches!(tree.resolve(&nginx.join("sites-enabled").join(name)),
                Place::File(p) if p.ends_with("sites-available/site")),
            "{name}"
        );
    }
    // A stub whose target does not exist is just a small file.
    assert!(matches!(
        tree.resolve(&nginx.join("sites-enabled/gone")),
        Place::File(p) if p.ends_with("sites-enabled/gone")
    ));
}

#[test]
fn absolute_server_paths_map_onto_filesystem_fragments() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fragment = dir.path().join("tree/root");
    std::fs::create_dir_all(fragment.join("etc/nginx/conf.d")).expect("mkdir");
    std::fs::create_dir_all(fragment.join("usr/local/openresty/nginx/conf")).expect("mkdir");
    let tree = tree_in(dir.path());
    let near = fragment.join("usr/local/openresty/nginx/conf/nginx.conf");
    assert_eq!(
        tree.map_absolute(Path::new("/etc/nginx/conf.d/x.conf"), &near),
        Some(fragment.join("etc/nginx/conf.d/x.conf"))
    );
    assert_eq!(tree.map_absolute(Path::new("/var/lib/x.conf"), &near), None);
    let mapped = tree_in(dir.path()).with_mappings(vec![(
        PathBuf::from("/config"),
        dir.path().join("tree/defaults"),
    )]);
    assert_eq!(
        mapped.map_absolute(Path::new("/config/nginx/ssl.conf"), &near),
        Some(dir.path().join("tree/defaults/nginx/ssl.conf"))
    );
}

#[cfg(unix)]
#[test]
fn a_root_reached_through_a_symlinked_folder_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("real");
    std::fs::create_dir_all(real.join("conf")).expect("mkdir");
    std::fs::write(real.join("conf/nginx.conf"), "events {}\n").expect("write");
    std::fs::write(dir.path().join("secret.conf"), "x\n").expect("write");
    std::os::unix::fs::symlink(&real, dir.path().join("link")).expect("symlink");
    let entry = dir.path().join("link/conf/nginx.conf");
    let tree = tree_in(&entry);
    assert!(matches!(tree.resolve(&entry), Place::File(p) if p.ends_with("real/conf/nginx.conf")));
    // Through the same link, nothing beside the root.
    assert_eq!(
        tree.resolve(&dir.path().join("link/../secret.conf")),
        Place::Outside
    );
    std::os::unix::fs::symlink(dir.path(), real.join("conf/up")).expect("symlink");
    assert_eq!(
        tree.resolve(&real.join("conf/up/secret.conf")),
        Place::Outside
    );
}

#[test]
fn a_path_taken_as_normal_is_what_the_components_give() {
    let paths = [
        "",
        ".",
        "..",
        "/",
        "//",
        "/a",
        "a",
        "a/",
        "a//b",
        "a/./b",
        "a/../b",
        "./a",
        "../a",
        "/a/b/c",
        "/a/b/",
        "/a/.",
        "/a/..",
        "a/.b",
        "a/..b",
        "a/b..",
        ".a",
        "/.git/x",
        "etc/nginx/sites-enabled/site0.conf",
        "/../a",
        "a/b/../../..",
    ];
    for text in paths {
        let path = Path::new(text);
        assert_eq!(normalize(path), by_components(path), "{text:?}");
        if is_normal(path) {
            assert_eq!(by_components(path), path, "{text:?} taken as normal");
        }
    }
    assert!(is_normal(Path::new("/work/repo/etc/nginx.conf")));
    assert!(!is_normal(Path::new("/work/repo/./etc")));
}

#[test]
fn a_small_file_read_while_resolved_is_not_read_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("db.example");
    std::fs::write(&path, "@ IN A 192.0.2.1\n").expect("write");
    let tree = tree_in(dir.path());
    assert!(matches!(tree.resolve(&path), Place::File(_)));
    std::fs::remove_file(&path).expect("remove");
    let (real, bytes) = tree
        .read(&path, "x")
        .expect("read from what resolving read");
    assert!(real.ends_with("db.example"));
    assert_eq!(bytes, b"@ IN A 192.0.2.1\n");
    // Taken once: a second reader opens the file anew.
    assert!(tree.read(&path, "x").is_err());
    // A larger file is not kept: it is read when asked for.
    let large = dir.path().join("large.zone");
    std::fs::write(&large, "x".repeat(600)).expect("write");
    assert!(matches!(tree.resolve(&large), Place::File(_)));
    assert!(tree.read_earlier(&large).is_none());
}
