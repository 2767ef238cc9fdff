//! The layers of ARCHITECTURE.md, checked on the source: imports point down only.
//! event/model/config/timefmt at the bottom; view, keymap, collectors and ui above them;
//! commands, app, tui and main on top. A new top-level module must be placed here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each layer may name with `crate::…` (besides itself).
fn allowed(module: &str) -> Option<&'static [&'static str]> {
    // `demo` (made-up data for tests, benches and `--demo`: the journal generator, the
    // synthetic cluster, the fake API server) builds on the plain data below it only.
    const BOTTOM: &[&str] = &["event", "model", "config", "timefmt", "demo"];
    Some(match module {
        "timefmt" => &[],
        "config" => &["timefmt"],
        "event" | "model" => BOTTOM,
        "demo" => &["event", "model", "timefmt"],
        "view" => BOTTOM,
        "keymap" => &["event"],
        "collectors" => BOTTOM,
        "ui" => &["event", "model", "config", "timefmt", "view", "keymap", "demo"],
        "commands" => &["event", "model", "config", "timefmt", "collectors", "ui", "cli"],
        // The privileged helper: its own tree, beside the commands.
        "actiond" => &["config", "timefmt", "cli"],
        "cli" => &[],
        "app" => &["event", "model", "config", "timefmt", "view", "keymap", "collectors", "ui", "actiond"],
        "tui" => {
            &["event", "model", "config", "timefmt", "demo", "view", "keymap", "collectors", "ui", "app"]
        }
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The modules a file names as `crate::X`, outside comments.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let tail = &rest[i + 7..];
            let name: String = tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = tail;
        }
        // `use crate::{a, b}` names several at once.
        if let Some(i) = code.find("crate::{") {
            let group = &code[i + 8..];
            for part in group.split(['{', '}', ',']) {
                let name: String =
                    part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn imports_point_down_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "the source tree was not found at {}", src.display());
    let mut wrong = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" || module == "bin" {
            continue;
        }
        let Some(ok) = allowed(&module) else {
            wrong.push(format!(
                "{}: module `{module}` has no place in the layers (add it to tests/layers.rs)",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for r in crate_refs(&text) {
            if r != module && !ok.contains(&r.as_str()) {
                wrong.push(format!("{}: `{module}` must not import `crate::{r}`", rel.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports pointing up or sideways:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_catches_an_upward_import() {
    let refs =
        crate_refs("use crate::ui::fmt;\nuse crate::{model, collectors::x};\n// crate::app in a comment\n");
    assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["collectors", "model", "ui"]);
    assert!(!allowed("model").unwrap().contains(&"ui"));
    assert!(!allowed("ui").unwrap().contains(&"collectors"));
    assert!(!allowed("ui").unwrap().contains(&"commands"));
    assert!(allowed("newthing").is_none());
}
