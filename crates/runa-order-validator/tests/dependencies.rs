//! What a service that depends on the validator library builds: no command-line parser.

use std::process::Command;

/// The packages `cargo tree` lists for the library's normal (not dev, not build) dependencies.
fn normal_dependencies(package: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "--offline",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--package",
            package,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("cargo tree prints UTF-8")
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_crate_that_depends_on_the_library_does_not_build_clap() {
    let packages = normal_dependencies("runa-order-validator");
    assert!(
        packages.iter().any(|it| it == "runa-order-types"),
        "the listing is the library's: {packages:?}"
    );
    assert!(
        !packages.iter().any(|it| it.starts_with("clap")),
        "the library brings clap: {packages:?}"
    );
}

#[test]
fn the_command_line_package_is_the_one_that_brings_clap() {
    let packages = normal_dependencies("runa-order-validate");
    assert!(packages.iter().any(|it| it == "clap"), "{packages:?}");
    assert!(packages.iter().any(|it| it == "runa-order-validator"));
}
