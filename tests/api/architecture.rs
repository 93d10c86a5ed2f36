//! The layers of the `api` crate depend only downwards: every `crate::x`
//! path in a module of layer N names a module of a lower layer (a higher
//! index), so no import cycle can form between modules. A new top-level
//! module must be given a layer here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top to bottom; modules on one line share a layer and must not use each other.
const LAYERS: &[&[&str]] = &[
    &["cli"],
    &["startup"],
    &["openapi", "demo", "synthetic", "import", "jobs"],
    &["demo_duties"],
    &["demo_history"],
    &["routes"],
    &["render"],
    &["views"],
    &["extract", "idempotency", "ratelimit", "replica"],
    &["state"],
    &["http"],
    &["app"],
    &["auth", "files", "webhooks"],
    &["config"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names through `crate::`.
fn crate_paths(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `use crate::{a, b::c}`: the first segment of each item
                let inner = group.split('}').next().unwrap_or_default();
                for item in inner.split(',') {
                    let name = item.trim().split("::").next().unwrap_or_default();
                    if !name.is_empty() {
                        found.insert(name.to_owned());
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                found.insert(name);
            }
        }
    }
    found
}

/// Top-level module → the top-level modules it uses.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let used = crate_paths(&std::fs::read_to_string(&file).unwrap());
        graph
            .entry(module.clone())
            .or_default()
            .extend(used.into_iter().filter(|m| *m != module));
    }
    graph
}

#[test]
fn every_module_has_a_layer_and_uses_only_lower_layers() {
    let graph = dependencies();
    assert!(
        graph["routes"].contains("app"),
        "the scan sees imports: {graph:?}"
    );
    let mut violations = Vec::new();
    for (module, used) in &graph {
        let Some(own) = layer_of(module) else {
            violations.push(format!(
                "`{module}` has no layer in tests/api/architecture.rs"
            ));
            continue;
        };
        for dep in used {
            match layer_of(dep) {
                Some(layer) if layer > own => {}
                Some(_) => {
                    violations.push(format!("`{module}` uses `{dep}`, which is not below it"))
                }
                None => violations.push(format!("`{module}` uses `{dep}`, which has no layer")),
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_scan_finds_grouped_and_nested_paths() {
    let found = crate_paths(
        "use crate::{app::Scoped, http};\nlet x = crate::views::grids::GridView::from(r);\n// crate::cli in a comment\n",
    );
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["app", "http", "views"]
    );
}
