//! Coding passages with the team's codebook: a passage of a note's text
//! coded with themes, a coding removed, a theme merged into another or
//! archived, and the reads of the passages across the team.
use carnet_core::record::{Coding, Note, Record};
use carnet_core::vocab::CodedField;
use carnet_core::{ItemId, MemberId, RecordId, ValidationError};

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::inputs::PassageInput;
use crate::queries::codings::{self as query, Agreement, PassageFilter, PassagePage, ThemeUse};
use crate::queries::journal::Page;

/// The text of a note a coding points into, as it is now.
fn note_text(n: &Note, field: CodedField, item: Option<ItemId>) -> Option<&str> {
    match (field, item) {
        (CodedField::Body, None) => Some(n.body.as_str()),
        (CodedField::Story, Some(i)) => n
            .stories
            .iter()
            .find(|s| s.id == i)
            .map(|s| s.text.as_str()),
        (CodedField::Shadowing, Some(i)) => n
            .shadowing
            .iter()
            .find(|e| e.id == i)
            .map(|e| e.text.as_str()),
        (CodedField::Comment, Some(i)) => n
            .comments
            .iter()
            .find(|c| c.id == i)
            .map(|c| c.text.as_str()),
        _ => None,
    }
}

impl Notebook {
    /// Code a passage of a note with one or more themes of the codebook;
    /// returns the new codings' ids (a theme this member already gave to
    /// exactly this passage is not added twice).
    pub fn code_passage(
        &mut self,
        note: RecordId,
        passage: &PassageInput,
        themes: &[String],
    ) -> Result<Vec<ItemId>> {
        if themes.is_empty() {
            return Err(ClientError::BadInput(
                "choose at least one theme to code the passage with".into(),
            ));
        }
        let workspace = self.workspace()?;
        for code in themes {
            match workspace.theme(code) {
                None => return Err(ValidationError::UnknownTheme(code.clone()).into()),
                Some(t) if t.archived => {
                    return Err(ClientError::BadInput(format!(
                        "the theme '{code}' is archived; code with a theme in use"
                    )))
                }
                Some(_) => {}
            }
        }
        let anchor = self.with_doc(note, |doc| {
            doc.anchor(
                passage.field,
                passage.item,
                passage.start as usize,
                passage.end as usize,
                passage.text.as_deref(),
            )
        })??;
        let coder = self.member();
        let at = self.now();
        let mut wanted: Vec<(ItemId, String)> = Vec::new();
        for theme in themes {
            if !wanted.iter().any(|(_, t)| t == theme) {
                wanted.push((self.new_item(), theme.clone()));
            }
        }
        self.edit_note(note, |n| {
            let mut added = Vec::new();
            for (id, theme) in wanted {
                let exists = n.codings.iter().any(|c| {
                    c.theme == theme
                        && c.coder == coder
                        && c.start == anchor.start
                        && c.end == anchor.end
                });
                if !exists {
                    n.codings.push(Coding {
                        id,
                        theme,
                        coder,
                        at,
                        field: passage.field,
                        item: passage.item,
                        start: anchor.start.clone(),
                        end: anchor.end.clone(),
                    });
                    added.push(id);
                }
            }
            Ok(added)
        })
    }

    /// Code the first occurrence of `words` in a text of a note (for the
    /// command line and scripts).
    pub fn code_words(
        &mut self,
        note: RecordId,
        field: CodedField,
        item: Option<ItemId>,
        words: &str,
        themes: &[String],
    ) -> Result<Vec<ItemId>> {
        let n = self.note(note)?;
        let text = note_text(&n, field, item).ok_or_else(|| {
            ClientError::BadInput(format!("this note has no such {}", field.as_code()))
        })?;
        if words.is_empty() {
            return Err(ClientError::BadInput(
                "give the exact words of the passage to code".into(),
            ));
        }
        let byte = text.find(words).ok_or_else(|| {
            ClientError::BadInput(format!(
                "the words \"{}\" are not in this text (the passage must be copied exactly)",
                words.chars().take(60).collect::<String>()
            ))
        })?;
        let start = text[..byte].chars().count() as u32;
        let passage = PassageInput {
            field,
            item,
            start,
            end: start + words.chars().count() as u32,
            text: Some(words.to_string()),
        };
        self.code_passage(note, &passage, themes)
    }

    /// Remove a coding. Only its coder may: a team that codes in parallel
    /// compares each coder's own work.
    pub fn remove_coding(&mut self, note: RecordId, coding: ItemId) -> Result<()> {
        let me = self.member();
        self.edit_note(note, |n| {
            let i = n
                .codings
                .iter()
                .position(|c| c.id == coding)
                .ok_or_else(|| {
                    ClientError::BadInput(
                        "this coding is not on the note any more (someone may have removed it)"
                            .into(),
                    )
                })?;
            if n.codings[i].coder != me {
                return Err(ClientError::BadInput(
                    "only the member who coded a passage can remove that coding".into(),
                ));
            }
            n.codings.remove(i);
            Ok(())
        })
    }

    /// Merge the theme `from` into `into`: every note tagged with `from`
    /// and every passage coded with it move to `into`, one attributed
    /// change per note; then `from` stays in the codebook, archived and
    /// marked merged (so a coding made offline with it still reads, and
    /// merging again moves it). Its sub-themes move under `into`.
    /// Returns how many notes changed. Atomic: all or nothing.
    pub fn merge_theme(&mut self, from: &str, into: &str) -> Result<usize> {
        let workspace = self.workspace()?;
        let (Some(source), Some(target)) = (workspace.theme(from), workspace.theme(into)) else {
            let missing = if workspace.theme(from).is_none() {
                from
            } else {
                into
            };
            return Err(ValidationError::UnknownTheme(missing.to_string()).into());
        };
        if from == into {
            return Err(ClientError::BadInput(
                "a theme cannot be merged into itself".into(),
            ));
        }
        if target.archived {
            return Err(ClientError::BadInput(format!(
                "the theme '{into}' is archived; merge into a theme in use"
            )));
        }
        let grandparent = source.parent.clone();
        let notes = query::notes_using(self.store().conn(), from)?;
        let (from, into) = (from.to_string(), into.to_string());
        self.batch(|nb| {
            for id in &notes {
                nb.edit_note(*id, |n| {
                    for t in n.themes.iter_mut().filter(|t| **t == from) {
                        t.clone_from(&into);
                    }
                    let mut seen = std::collections::HashSet::new();
                    n.themes.retain(|t| seen.insert(t.clone()));
                    for c in n.codings.iter_mut().filter(|c| c.theme == from) {
                        c.theme.clone_from(&into);
                    }
                    // A passage the same coder gave both themes is now
                    // coded twice with one: keep it once.
                    let mut kept = std::collections::HashSet::new();
                    n.codings.retain(|c| {
                        kept.insert((c.theme.clone(), c.coder, c.start.clone(), c.end.clone()))
                    });
                    Ok(())
                })?;
            }
            nb.edit_workspace(|w| {
                for t in &mut w.codebook {
                    if t.code == from {
                        t.archived = true;
                        t.merged_into = Some(into.clone());
                    } else if t.parent.as_deref() == Some(from.as_str()) {
                        t.parent = if t.code == into {
                            grandparent.clone()
                        } else {
                            Some(into.clone())
                        };
                    }
                }
                Ok(())
            })
        })?;
        Ok(notes.len())
    }

    /// Archive a theme (kept for what uses it, no longer offered), or
    /// bring it back.
    pub fn archive_theme(&mut self, code: &str, archived: bool) -> Result<()> {
        self.edit_workspace(|w| {
            let t = w
                .codebook
                .iter_mut()
                .find(|t| t.code == code)
                .ok_or_else(|| ValidationError::UnknownTheme(code.to_string()))?;
            if !archived && t.merged_into.is_some() {
                return Err(ClientError::BadInput(format!(
                    "the theme '{code}' was merged into another; it stays archived"
                )));
            }
            t.archived = archived;
            Ok(())
        })
    }

    /// A page of coded passages across the team.
    pub fn passages(&self, filter: &PassageFilter, page: Page) -> Result<PassagePage> {
        query::passages(self.store().office_conn()?, filter, page)
    }

    /// Every theme in use, with its notes and passages.
    pub fn theme_uses(&self) -> Result<Vec<ThemeUse>> {
        query::theme_uses(self.store().office_conn()?)
    }

    /// How far two coders agree, per theme, over the notes both coded.
    pub fn agreement(&self, first: MemberId, second: MemberId) -> Result<Agreement> {
        if first == second {
            return Err(ClientError::BadInput(
                "choose two different coders to compare".into(),
            ));
        }
        query::agreement(self.store().conn(), first, second)
    }

    fn note(&mut self, id: RecordId) -> Result<Note> {
        match self.record(id)? {
            Record::Note(n) => Ok(*n),
            other => Err(ClientError::wrong_kind(id, "note", &other)),
        }
    }
}
