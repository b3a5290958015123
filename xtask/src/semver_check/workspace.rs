//! The scratch workspace `cargo xtask semver-check` generates the crates into: a copy of the three generated crates (their hand-written sources and manifests, without tests, benches or dev-dependencies) under the target directory, versioned 1.0.0 so that cargo-semver-checks names bumps the way the report does.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use anyhow::{Context as _, bail};

use super::tool;
use crate::changes::Crate;

/// How long one `cargo rustdoc` may take, the first one building the dependencies included.
const RUSTDOC_TIMEOUT: Duration = Duration::from_secs(1800);

/// The version the scratch crates get: with 1.0.0 on both sides, cargo-semver-checks says
/// "major" and "minor" as the report does (before 1.0 it would shift them down one place).
const SCRATCH_VERSION: &str = "1.0.0";

/// Where a crate's generated code is, relative to a workspace root.
pub fn generated_path(krate: Crate) -> String {
    format!("crates/{}/src/generated.rs", krate.name())
}

/// The library name of a crate (`runa_order_types`), which names its rustdoc JSON file.
fn lib_name(krate: Crate) -> String {
    krate.name().replace('-', "_")
}

/// The scratch workspace.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    target: PathBuf,
}

impl Workspace {
    /// Creates (or refreshes) the scratch workspace at `dir` from the checkout at `root`.
    pub fn create(root: &Path, dir: &Path) -> anyhow::Result<Workspace> {
        let ws = dir.join("workspace");
        let _ = fs::remove_dir_all(&ws);
        fs::create_dir_all(&ws).with_context(|| format!("creating {}", ws.display()))?;
        let manifest = fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
        fs::write(ws.join("Cargo.toml"), root_manifest(&manifest)?)?;
        // The checkout's lock file, so that the dependencies are the versions the workspace
        // is tested with; cargo drops what the three crates do not use.
        fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).context("copying Cargo.lock")?;
        for krate in Crate::ALL {
            let from = root.join("crates").join(krate.name());
            let to = ws.join("crates").join(krate.name());
            copy_dir(&from.join("src"), &to.join("src"))?;
            // `lib.rs` includes the README as the crate's documentation.
            fs::copy(from.join("README.md"), to.join("README.md"))
                .with_context(|| format!("copying the README of {}", krate.name()))?;
            let manifest = fs::read_to_string(from.join("Cargo.toml"))
                .with_context(|| format!("reading the manifest of {}", krate.name()))?;
            fs::write(to.join("Cargo.toml"), crate_manifest(&manifest))?;
        }
        Ok(Workspace {
            root: ws,
            target: dir.join("target"),
        })
    }

    /// Writes `sources` as the generated code of the three crates, then builds the rustdoc
    /// JSON of each crate of `crates` and copies it into `out`.
    pub fn rustdoc(
        &self,
        sources: &BTreeMap<Crate, String>,
        out: &Path,
        crates: &[Crate],
    ) -> anyhow::Result<BTreeMap<Crate, PathBuf>> {
        for (krate, text) in sources {
            let path = self.root.join(generated_path(*krate));
            // Unchanged files keep their modification time, so cargo rebuilds only what
            // changed.
            if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            }
        }
        fs::create_dir_all(out)?;
        let mut docs = BTreeMap::new();
        for krate in crates {
            let mut command = Command::new(cargo());
            command
                .arg("rustdoc")
                .arg("--manifest-path")
                .arg(self.root.join("Cargo.toml"))
                .args(["--package", krate.name(), "--lib", "--quiet"])
                .arg("--target-dir")
                .arg(&self.target)
                .args(["--", "-Z", "unstable-options", "--output-format", "json"])
                // The JSON output of rustdoc is unstable: cargo-semver-checks builds it this
                // way on a stable toolchain too.
                .env("RUSTC_BOOTSTRAP", "1")
                // Each crate is documented once per edit: incremental caches would only fill
                // the disk.
                .env("CARGO_INCREMENTAL", "0")
                .env_remove("CARGO_TARGET_DIR");
            let run = tool::run(command, RUSTDOC_TIMEOUT, out)?;
            if !run.success {
                bail!(
                    "cargo rustdoc -p {} failed:\n{}",
                    krate.name(),
                    tool::tail(&run.output, 40)
                );
            }
            let built = self
                .target
                .join("doc")
                .join(format!("{}.json", lib_name(*krate)));
            let kept = out.join(format!("{}.json", krate.name()));
            fs::copy(&built, &kept).with_context(|| format!("copying {}", built.display()))?;
            docs.insert(*krate, kept);
        }
        Ok(docs)
    }
}

/// The cargo that runs xtask (`cargo xtask` sets `CARGO`), or the one on the `PATH`.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The scratch workspace's manifest: the checkout's, with the three crates as its only
/// members and every version of the workspace's own crates set to [`SCRATCH_VERSION`].
fn root_manifest(manifest: &str) -> anyhow::Result<String> {
    let version = manifest
        .lines()
        .find_map(|line| {
            line.strip_prefix("version = \"")
                .and_then(|it| it.strip_suffix('"'))
        })
        .context("Cargo.toml has no `version = \"…\"` line in [workspace.package]")?;
    let mut out = String::new();
    let mut in_members = false;
    for line in manifest.lines() {
        if in_members {
            in_members = !line.trim_start().starts_with(']');
            continue;
        }
        if line.starts_with("members = [") {
            out.push_str("members = [\n");
            for krate in Crate::ALL {
                out.push_str(&format!("    \"crates/{}\",\n", krate.name()));
            }
            out.push_str("]\n");
            in_members = !line.trim_end().ends_with(']');
            continue;
        }
        let line = line.replace(
            &format!("version = \"{version}\""),
            &format!("version = \"{SCRATCH_VERSION}\""),
        );
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// A crate's manifest without its dev-dependencies and its bench, test and example targets,
/// whose files and path dependencies are not in the scratch workspace.
fn crate_manifest(manifest: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            skipping = matches!(
                line.trim(),
                "[dev-dependencies]" | "[[bench]]" | "[[test]]" | "[[example]]"
            );
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_manifests_hold_the_three_crates_at_1_0_0() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let manifest = fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let scratch = root_manifest(&manifest).unwrap();
        assert!(scratch.contains("members = [\n    \"crates/runa-order-types\",\n    \"crates/runa-order-validator\",\n    \"crates/runa-order-client\",\n]\n"), "{scratch}");
        assert!(!scratch.contains("    \"xtask\",\n"), "{scratch}");
        assert!(scratch.contains("version = \"1.0.0\""));
        assert!(!scratch.contains("version = \"0.1.0\""));
        let client = fs::read_to_string(root.join("crates/runa-order-client/Cargo.toml")).unwrap();
        let scratch = crate_manifest(&client);
        assert!(!scratch.contains("dev-dependencies"), "{scratch}");
        assert!(!scratch.contains("runa-order-mock"), "{scratch}");
        assert!(scratch.contains("[dependencies]\nruna-order-types.workspace = true"));
        let validator =
            fs::read_to_string(root.join("crates/runa-order-validator/Cargo.toml")).unwrap();
        assert!(!crate_manifest(&validator).contains("[[bench]]"));
    }
}
