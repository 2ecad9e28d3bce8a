//! The team's workspace: its name, codebook, sectors and members.
use carnet_core::record::{Record, Theme, Workspace};

use super::Notebook;
use crate::error::{ClientError, Result};

impl Notebook {
    /// The workspace (team name, codebook, sectors, members).
    pub fn workspace(&mut self) -> Result<Workspace> {
        match self.record(self.workspace_id)? {
            Record::Workspace(w) => Ok(w),
            other => Err(ClientError::wrong_kind(
                self.workspace_id,
                "workspace",
                &other,
            )),
        }
    }

    /// Change the workspace.
    pub fn edit_workspace<T>(&mut self, f: impl FnOnce(&mut Workspace) -> Result<T>) -> Result<T> {
        let id = self.workspace_id;
        self.edit_kind(
            id,
            "workspace",
            |r| match r {
                Record::Workspace(w) => Some(w),
                _ => None,
            },
            f,
        )
    }

    /// Add a theme to the team's codebook, or change the labels and colour
    /// of the theme with the same code.
    pub fn save_theme(&mut self, theme: Theme) -> Result<()> {
        let theme = Theme {
            code: theme.code.trim().to_string(),
            label_fr: theme.label_fr.trim().to_string(),
            label_en: theme.label_en.trim().to_string(),
            colour: theme.colour.trim().to_lowercase(),
            parent: theme.parent.filter(|p| !p.trim().is_empty()),
            definition_fr: theme.definition_fr.trim().to_string(),
            definition_en: theme.definition_en.trim().to_string(),
            include_fr: theme.include_fr.trim().to_string(),
            include_en: theme.include_en.trim().to_string(),
            exclude_fr: theme.exclude_fr.trim().to_string(),
            exclude_en: theme.exclude_en.trim().to_string(),
            archived: theme.archived,
            merged_into: theme.merged_into,
        };
        self.edit_workspace(|w| {
            match w.codebook.iter_mut().find(|t| t.code == theme.code) {
                Some(t) => *t = theme,
                None => w.codebook.push(theme),
            }
            Ok(())
        })
    }
}
