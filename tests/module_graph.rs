//! The module graph, read from the source: which module uses which, by its
//! `use crate::…`/`use super::…` lines and inline `crate::…` paths (a module's
//! unit tests left out). Checks that there are no import cycles, between files
//! or between the top-level modules, and that dependencies point down as
//! DESIGN.md draws them: `core` ← `store` ← `flow` ← `api` ← role modules,
//! `web`, `cli`, with the composition root (`app`) on top.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every module of the crate, by path, with its source.
fn modules() -> BTreeMap<Module, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<Module, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().with_extension("");
                let mut parts: Module = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                if parts == ["lib"] || parts == ["main"] {
                    parts.clear();
                }
                let text = std::fs::read_to_string(&path).unwrap();
                // A module's own tests may reach anywhere.
                let text = match text.find("#[cfg(test)]\nmod tests") {
                    Some(at) => text[..at].to_owned(),
                    None => text,
                };
                out.entry(parts).or_default().push_str(&text);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or("").trim().to_owned()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start, mut out) = (0, 0, Vec::new());
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.extend(
                    expand(&inner[start..i])
                        .into_iter()
                        .map(|p| format!("{prefix}{p}")),
                );
                start = i + 1;
            }
            _ => {}
        }
    }
    out.extend(
        expand(&inner[start..])
            .into_iter()
            .map(|p| format!("{prefix}{p}")),
    );
    out.retain(|p| !p.ends_with("::"));
    out
}

/// The deepest module a path names.
fn resolve(path: &[String], modules: &BTreeMap<Module, String>) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains_key(m))
}

/// Who uses whom: edges to one's own ancestors (a child using what its parent
/// declares) are the module tree itself, not a dependency, and are left out.
fn graph(modules: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, text) in modules {
        let mut paths: Vec<Vec<String>> = Vec::new();
        for statement in text.split(';') {
            let Some(at) = statement.find("use ") else {
                continue;
            };
            let tree: String = statement[at + 4..].split_whitespace().collect();
            let (base, rest) = if let Some(rest) = tree.strip_prefix("crate::") {
                (Vec::new(), rest)
            } else if let Some(rest) = tree.strip_prefix("super::") {
                (module[..module.len().saturating_sub(1)].to_vec(), rest)
            } else {
                continue;
            };
            for p in expand(rest) {
                let mut full = base.clone();
                full.extend(
                    p.split("::")
                        .filter(|s| !s.is_empty() && *s != "self")
                        .map(str::to_owned),
                );
                paths.push(full);
            }
        }
        for (i, _) in text.match_indices("crate::") {
            let tail: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(
                tail.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            );
        }
        let targets = edges.entry(module.clone()).or_default();
        for p in paths {
            if let Some(target) = resolve(&p, modules) {
                let ancestor = module.len() >= target.len() && module[..target.len()] == target[..];
                if !ancestor {
                    targets.insert(target);
                }
            }
        }
    }
    edges
}

/// A cycle, if the graph has one.
fn cycle<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(
        n: &N,
        edges: &BTreeMap<N, BTreeSet<N>>,
        state: &mut BTreeMap<N, bool>,
        stack: &mut Vec<N>,
    ) -> Option<Vec<N>> {
        match state.get(n) {
            Some(true) => return None,
            Some(false) => {
                let from = stack.iter().position(|m| m == n).unwrap_or(0);
                let mut found = stack[from..].to_vec();
                found.push(n.clone());
                return Some(found);
            }
            None => {}
        }
        state.insert(n.clone(), false);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.clone(), true);
        None
    }
    let mut state = BTreeMap::new();
    edges
        .keys()
        .find_map(|n| visit(n, edges, &mut state, &mut Vec::new()))
}

fn top_level(edges: &BTreeMap<Module, BTreeSet<Module>>) -> BTreeMap<String, BTreeSet<String>> {
    let name = |m: &Module| m.first().cloned().unwrap_or_else(|| "lib".into());
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in edges {
        for to in tos {
            if name(from) != name(to) {
                top.entry(name(from)).or_default().insert(name(to));
            }
        }
    }
    top
}

fn shown(c: &[Module]) -> String {
    c.iter()
        .map(|m| m.join("/"))
        .collect::<Vec<_>>()
        .join(" → ")
}

#[test]
fn no_file_uses_a_file_that_uses_it_back() {
    let edges = graph(&modules());
    assert!(
        edges.len() > 100,
        "the source was not read: {} modules",
        edges.len()
    );
    if let Some(c) = cycle(&edges) {
        panic!("an import cycle: {}", shown(&c));
    }
}

#[test]
fn the_top_level_modules_form_layers() {
    let top = top_level(&graph(&modules()));
    if let Some(c) = cycle(&top) {
        panic!("a cycle between top-level modules: {}", c.join(" → "));
    }
    // What each layer may not reach (DESIGN.md, Architecture).
    let above_flow = [
        "api",
        "app",
        "cli",
        "web",
        "administrator",
        "engineer",
        "manager",
        "owner",
    ];
    let rules: &[(&str, &[&str])] = &[
        (
            "core",
            &[
                "store",
                "flow",
                "config",
                "runtime",
                "scheduler",
                "notify",
                "api",
                "app",
            ],
        ),
        (
            "store",
            &[
                "flow",
                "config",
                "runtime",
                "scheduler",
                "notify",
                "api",
                "app",
            ],
        ),
        ("flow", &above_flow),
        ("config", &above_flow),
        ("runtime", &above_flow),
        ("scheduler", &above_flow),
        ("notify", &above_flow),
        (
            "api",
            &[
                "app",
                "cli",
                "web",
                "administrator",
                "engineer",
                "manager",
                "owner",
            ],
        ),
    ];
    let mut faults = Vec::new();
    for (layer, forbidden) in rules {
        for used in top.get(*layer).into_iter().flatten() {
            if forbidden.contains(&used.as_str()) {
                faults.push(format!("{layer} uses {used}"));
            }
        }
    }
    assert!(faults.is_empty(), "dependencies pointing up: {faults:?}");
}

#[test]
fn the_reader_finds_a_cycle_when_there_is_one() {
    let m = |s: &str| -> Module { s.split('/').map(str::to_owned).collect() };
    let mut modules = BTreeMap::new();
    modules.insert(m("store/a"), "use crate::store::b::Thing;".to_owned());
    modules.insert(m("store/b"), "use super::{c::{self, X}, d};".to_owned());
    modules.insert(m("store/c"), "fn f() { crate::store::a::g() }".to_owned());
    modules.insert(m("store/d"), String::new());
    let edges = graph(&modules);
    assert_eq!(edges[&m("store/b")], [m("store/c"), m("store/d")].into());
    let c = cycle(&edges).expect("a → b → c → a");
    assert_eq!(c.len(), 4, "{}", shown(&c));
}
