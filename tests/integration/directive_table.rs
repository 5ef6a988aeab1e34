//! The committed nginx directive table is what the generator makes from the
//! vendored nginx source: nobody edited it by hand, and nobody changed the
//! generator without regenerating it.

use std::path::Path;
use std::process::Command;

#[test]
fn generated_table_is_reproducible() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vendor = root.join("../shared/vendor/nginx-master-src.tar.gz");
    if !vendor.exists() {
        eprintln!(
            "SKIPPED directive table reproduction: {} is absent",
            vendor.display()
        );
        return;
    }
    let output = match Command::new("python3")
        .arg(root.join("scripts/gen_nginx_directives.py"))
        .arg("--check")
        .output()
    {
        Ok(output) => output,
        Err(e) => {
            eprintln!("SKIPPED directive table reproduction: cannot run python3 ({e})");
            return;
        }
    };
    assert!(
        output.status.success(),
        "the generator does not reproduce src/nginx/directives/table.rs:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
