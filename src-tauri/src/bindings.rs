//! The window's contract in TypeScript, generated from the Rust types and
//! the command list, never written by hand: `ui/src/bindings/carnet.ts`.
//! A test regenerates it and fails when the committed file differs
//! (`CARNET_WRITE_BINDINGS=1 cargo test -p carnet-desktop bindings`
//! rewrites it).

use std::collections::BTreeMap;

use ts_rs::{Config, TypeVisitor, TS};

/// One command: its name, its arguments and what it returns, as
/// TypeScript.
#[derive(Debug, Clone)]
pub struct Signature {
    /// The command's Rust name (`list_notes`).
    pub name: &'static str,
    /// Its documentation.
    pub doc: &'static str,
    /// Arguments: Rust name and TypeScript type.
    pub args: Vec<(&'static str, String)>,
    /// The TypeScript type of the result.
    pub ret: String,
}

/// Collects every type a command mentions, and the types they mention.
pub struct Collector {
    cfg: Config,
    decls: BTreeMap<String, String>,
}

impl Collector {
    /// An empty collection.
    pub fn new() -> Self {
        Self {
            cfg: Config::default(),
            decls: BTreeMap::new(),
        }
    }

    /// The TypeScript name of `T`, collecting its declaration.
    pub fn name_of<T: TS + 'static + ?Sized>(&mut self) -> String {
        self.visit::<T>();
        T::visit_dependencies(self);
        T::visit_generics(self);
        T::name(&self.cfg)
    }
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("types", &self.decls.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for Collector {
    fn default() -> Self {
        Self::new()
    }
}

impl TypeVisitor for Collector {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(&self.cfg);
        if self.decls.contains_key(&name) {
            return;
        }
        self.decls.insert(name, T::decl(&self.cfg));
        T::visit_dependencies(self);
    }
}

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole TypeScript file: every type, then one function per command.
pub fn typescript() -> String {
    let mut collector = Collector::new();
    let signatures = crate::commands::signatures(&mut collector);
    // Every command rejects with this shape; its kinds are the closed list
    // the UI branches on.
    collector.name_of::<crate::error::UiError>();
    // The payload of the `join-progress` event.
    collector.name_of::<carnet_client::sync::SyncProgress>();
    // The payload of the `export-progress` event.
    collector.name_of::<crate::commands::ExportProgress>();
    // The payload of the `backup-progress` event.
    collector.name_of::<carnet_client::backup::BackupProgress>();
    let mut out = String::from(
        "// Generated from the Rust types by `cargo test -p carnet-desktop bindings`\n\
         // with CARNET_WRITE_BINDINGS=1. Do not edit: change the Rust side.\n\
         /* eslint-disable */\n\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    for decl in collector.decls.values() {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    for sig in signatures {
        let params: Vec<String> = sig
            .args
            .iter()
            .map(|(n, t)| format!("{}: {t}", camel(n)))
            .collect();
        let keys: Vec<String> = sig.args.iter().map(|(n, _)| camel(n)).collect();
        for line in sig.doc.lines() {
            out.push_str(&format!("/** {} */\n", line.trim()));
        }
        out.push_str(&format!(
            "export function {}({}): Promise<{}> {{\n  return invoke(\"{}\"{});\n}}\n\n",
            camel(sig.name),
            params.join(", "),
            sig.ret,
            sig.name,
            if keys.is_empty() {
                String::new()
            } else {
                format!(", {{ {} }}", keys.join(", "))
            }
        ));
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings/carnet.ts")
    }

    #[test]
    fn bindings_are_current() {
        let generated = typescript();
        assert!(
            !generated.contains("bigint"),
            "no 64-bit integer may cross to the window as a BigInt"
        );
        if std::env::var_os("CARNET_WRITE_BINDINGS").is_some() {
            std::fs::write(path(), &generated).expect("write bindings");
        }
        let committed = std::fs::read_to_string(path()).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings/carnet.ts is not what the Rust types give; \
             run `CARNET_WRITE_BINDINGS=1 cargo test -p carnet-desktop bindings` and commit it"
        );
    }

    #[test]
    fn every_vocabulary_code_is_a_typescript_literal() {
        use carnet_core::vocab::*;
        let ts = typescript();
        fn codes<V: Vocabulary>() -> Vec<&'static str> {
            V::ALL.iter().map(|v| v.code()).collect()
        }
        for code in codes::<Method>()
            .into_iter()
            .chain(codes::<NeedCategory>())
            .chain(codes::<ReviewStatus>())
            .chain(codes::<PlaceKind>())
            .chain(codes::<Barrier>())
        {
            assert!(
                ts.contains(&format!("\"{code}\"")),
                "the TypeScript types should name the code {code}"
            );
        }
    }

    #[test]
    fn every_error_kind_is_a_typescript_literal_the_ui_must_handle() {
        let ts = typescript();
        let union = ts
            .lines()
            .find(|l| l.starts_with("export type ErrorKind ="))
            .expect("the bindings declare ErrorKind");
        for kind in carnet_core::ErrorKind::ALL {
            assert!(
                union.contains(&format!("\"{}\"", kind.code())),
                "ErrorKind {kind:?} should be in the TypeScript union: {union}"
            );
        }
        assert_eq!(
            union.matches('"').count(),
            2 * carnet_core::ErrorKind::ALL.len(),
            "the TypeScript union should hold exactly the Rust kinds: {union}"
        );
    }

    #[test]
    fn command_names_become_camel_case() {
        assert_eq!(camel("list_notes"), "listNotes");
        assert_eq!(camel("app_info"), "appInfo");
    }
}
