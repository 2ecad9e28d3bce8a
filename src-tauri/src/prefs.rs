//! The window's own preferences (language, last screen), kept in
//! `ui.json` beside the notebook so they exist before any notebook does.
//! A missing or unreadable file means defaults: preferences are never
//! worth refusing to start over.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{UiError, UiResult};
use carnet_core::ErrorKind;

/// What the window remembers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Preferences {
    /// `fr` or `en`; none: follow the system.
    #[serde(default)]
    pub language: Option<String>,
    /// The last screen shown (`journal`, `capture`, `note:ID`…).
    #[serde(default)]
    pub last_screen: Option<String>,
    /// Lock after this many minutes without use (none: 10; 0: never).
    #[serde(default)]
    pub lock_after_minutes: Option<u32>,
    /// The folder backups go to (none: "Carnet backups" in the exports
    /// folder).
    #[serde(default)]
    pub backup_folder: Option<String>,
    /// How many backups to keep there (none: 7).
    #[serde(default)]
    pub backup_keep: Option<u32>,
    /// Back up every this many days (none or 0: only when asked).
    #[serde(default)]
    pub backup_every_days: Option<u32>,
    /// When the last backup was made (ms since the epoch).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub last_backup_at: Option<i64>,
}

fn path(dir: &Path) -> PathBuf {
    dir.join("ui.json")
}

/// Read the preferences (defaults when absent or unreadable).
pub fn load(dir: &Path) -> Preferences {
    std::fs::read(path(dir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Write the preferences (atomically: a temporary file, then a rename).
pub fn save(dir: &Path, prefs: &Preferences) -> UiResult<()> {
    if prefs.backup_keep.is_some_and(|k| k == 0 || k > 1000) {
        return Err(UiError::new(
            ErrorKind::Invalid,
            "keep between 1 and 1000 backups",
        ));
    }
    if prefs.lock_after_minutes.is_some_and(|m| m > 24 * 60) {
        return Err(UiError::new(
            ErrorKind::Invalid,
            "lock after at most a day (1440 minutes) without use, or never (0)",
        ));
    }
    if let Some(lang) = &prefs.language {
        if lang != "fr" && lang != "en" {
            return Err(UiError::new(
                ErrorKind::Invalid,
                format!("'{lang}' is not a language of Carnet; choose fr or en"),
            ));
        }
    }
    let io = |e: std::io::Error| {
        UiError::new(
            ErrorKind::Io,
            format!("could not save the preferences in {}: {e}", dir.display()),
        )
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join("ui.json.tmp");
    let bytes =
        serde_json::to_vec_pretty(prefs).map_err(|e| UiError::new(ErrorKind::Io, e.to_string()))?;
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path(dir)).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_round_trip_and_bad_files_give_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            load(dir.path()),
            Preferences::default(),
            "no file: defaults"
        );
        let prefs = Preferences {
            language: Some("en".into()),
            last_screen: Some("journal".into()),
            lock_after_minutes: Some(5),
            backup_keep: Some(3),
            ..Preferences::default()
        };
        save(dir.path(), &prefs).expect("save");
        assert_eq!(load(dir.path()), prefs, "what was saved is read back");
        std::fs::write(dir.path().join("ui.json"), b"{not json").expect("write");
        assert_eq!(
            load(dir.path()),
            Preferences::default(),
            "a damaged file: defaults"
        );
        let bad = Preferences {
            language: Some("de".into()),
            ..Preferences::default()
        };
        let err = save(dir.path(), &bad).expect_err("an unknown language is refused");
        assert_eq!(err.kind, ErrorKind::Invalid);
        let bad = Preferences {
            lock_after_minutes: Some(5000),
            ..Preferences::default()
        };
        let err = save(dir.path(), &bad).expect_err("a lock after days is refused");
        assert_eq!(err.kind, ErrorKind::Invalid);
    }
}
