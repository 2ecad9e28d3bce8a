//! A person's data, for them (Québec's Law 25: access and portability).
//!
//! Everything the notebook holds about one person: their record, their
//! consents with every answer, their referrals with statuses, follow-ups
//! and notes, the exports already made for them, and the notes linked to
//! them. Of a linked note, only the paragraphs that name the person
//! (pseudonym or name) are given, with the names of anyone else replaced
//! by "[…]": a note about a group is not the group's data to hand out.
//!
//! Written as JSON (schema `docs/schemas/person-export.schema.json`, its
//! `$id` in [`SCHEMA`]) and as a PDF in the person's language. Making one
//! is recorded in the person's file ([`Person::disclosures`]), so the
//! team sees who handed out what and when.

use std::path::{Path, PathBuf};

use carnet_core::record::{Disclosure, Person, Record};
use carnet_core::vocab::{Lang, Vocabulary};
use carnet_core::{Day, RecordId, Timestamp};
use serde::Serialize;

use crate::error::{ClientError, Result};
use crate::notebook::Notebook;
use crate::pdf::{render, write_whole, Layout, Words, MARGIN, MUTED, TEXT_COLOUR};

/// The export's schema, as its `schema` field names it.
pub const SCHEMA: &str = "https://carnet.example/schemas/person-export/1";

/// What stands for someone else's name in a passage.
const ELIDED: &str = "[…]";

/// Everything Carnet holds about one person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonExport {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// When it was made.
    pub made_at: Timestamp,
    /// Who made it.
    pub made_by: String,
    /// The team (or the personal notebook's name).
    pub team: String,
    /// The person's record.
    pub person: ExportedPerson,
    /// Every answer about consent, oldest first.
    pub consents: Vec<ExportedConsent>,
    /// Referrals, oldest first.
    pub referrals: Vec<ExportedReferral>,
    /// Notes linked to the person, oldest first, with the passages that
    /// name them.
    pub notes: Vec<LinkedNote>,
    /// Earlier exports made for the person.
    pub disclosures: Vec<ExportedDisclosure>,
}

/// The person's own fields.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedPerson {
    /// The record's id.
    pub id: RecordId,
    /// The pseudonym the team uses.
    pub pseudonym: String,
    /// Name, if kept with consent.
    pub name: Option<String>,
    /// Phone, if kept with consent.
    pub phone: Option<String>,
    /// Address, if kept with consent.
    pub address: Option<String>,
    /// Languages spoken (ISO 639 codes).
    pub languages: Vec<String>,
    /// Age group (code and label).
    pub age_group: Option<Term>,
    /// Sector of the territory.
    pub sector: Option<String>,
    /// Needs identified.
    pub needs: Vec<Term>,
    /// The team's notes about the follow-up.
    pub notes: String,
    /// When the file was opened.
    pub created_at: Timestamp,
    /// By whom.
    pub created_by: String,
}

/// A vocabulary value: its stable code and its label in the export's
/// language.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// Stable code.
    pub code: &'static str,
    /// Label.
    pub label: &'static str,
}

impl Term {
    fn of<V: Vocabulary>(v: V, lang: Lang) -> Self {
        Self {
            code: v.code(),
            label: v.label(lang),
        }
    }
}

/// One answer about consent.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedConsent {
    /// What for.
    pub purpose: Term,
    /// Given (true) or withdrawn (false).
    pub given: bool,
    /// When.
    pub at: Timestamp,
    /// How.
    pub how: Term,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A referral made for the person.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedReferral {
    /// The service.
    pub service: String,
    /// The need it answers.
    pub need: Term,
    /// When it was made.
    pub made_at: Timestamp,
    /// Its status now.
    pub status: Term,
    /// Whether the organisation may know who the person is.
    pub identity_shared: bool,
    /// Every status change, oldest first.
    pub history: Vec<ExportedStatus>,
    /// Follow-ups planned.
    pub follow_ups: Vec<ExportedFollowUp>,
    /// How it ended, in words.
    pub outcome: Option<String>,
    /// How it ended for the person (service received, or not and why).
    pub result: Option<Term>,
}

/// One status change.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedStatus {
    /// The status.
    pub status: Term,
    /// When.
    pub at: Timestamp,
    /// By whom.
    pub by: String,
    /// Why.
    pub note: Option<String>,
}

/// A planned follow-up.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedFollowUp {
    /// When it is due.
    pub due: Day,
    /// Done yet.
    pub done: bool,
    /// What.
    pub note: Option<String>,
}

/// A note linked to the person.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedNote {
    /// The note's id.
    pub id: RecordId,
    /// Its title, others' names elided.
    pub title: String,
    /// When what it describes happened.
    pub occurred_at: Timestamp,
    /// How it was gathered.
    pub method: Term,
    /// Its paragraphs that name the person, others' names elided.
    pub passages: Vec<String>,
}

/// An earlier export.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedDisclosure {
    /// When.
    pub at: Timestamp,
    /// By whom.
    pub by: String,
    /// What was made.
    pub what: String,
}

/// Where an export was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PersonExportFiles {
    /// The JSON file.
    pub json: PathBuf,
    /// The PDF.
    pub pdf: PathBuf,
    /// Notes linked to the person.
    pub notes: u32,
    /// The PDF's pages.
    pub pages: u32,
}

/// The language a person's PDF is in: the first of French or English
/// they speak, else `fallback`.
pub fn language_of(person: &Person, fallback: Lang) -> Lang {
    person
        .languages
        .iter()
        .find_map(|l| match l.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        })
        .unwrap_or(fallback)
}

impl Notebook {
    /// Everything the notebook holds about a person, labels in `lang`.
    pub fn person_export(&mut self, id: RecordId, lang: Lang) -> Result<PersonExport> {
        let person = self.person_record(id)?;
        self.export_of(id, person, lang)
    }

    fn person_record(&mut self, id: RecordId) -> Result<Person> {
        match self.record(id)? {
            Record::Person(p) => Ok(*p),
            other => Err(ClientError::wrong_kind(id, "person", &other)),
        }
    }

    /// [`Notebook::person_export`] of a person already read.
    fn export_of(&mut self, id: RecordId, person: Person, lang: Lang) -> Result<PersonExport> {
        let names = crate::queries::records::member_names(self.store().conn())?;
        let who = |m: &carnet_core::MemberId| {
            names
                .get(&m.to_string())
                .cloned()
                .unwrap_or_else(|| m.to_string())
        };
        let notes = self.linked_notes(id, &person, lang)?;
        let referrals = self.referrals_of(&person, id)?;
        let identity = person.identity.clone().unwrap_or_default();
        Ok(PersonExport {
            schema: SCHEMA,
            made_at: self.now(),
            made_by: self.member_name().to_string(),
            team: self.workspace()?.name,
            person: ExportedPerson {
                id,
                pseudonym: person.pseudonym.clone(),
                name: identity.name,
                phone: identity.phone,
                address: identity.address,
                languages: person.languages.clone(),
                age_group: person.age_group.map(|a| Term::of(a, lang)),
                sector: person.sector.clone(),
                needs: person.needs.iter().map(|n| Term::of(*n, lang)).collect(),
                notes: person.notes.as_str().to_string(),
                created_at: person.created_at,
                created_by: who(&person.author),
            },
            consents: {
                let mut c: Vec<_> = person.consents.iter().collect();
                c.sort_by_key(|c| c.at);
                c.into_iter()
                    .map(|c| ExportedConsent {
                        purpose: Term::of(c.purpose, lang),
                        given: c.given,
                        at: c.at,
                        how: Term::of(c.how, lang),
                        recorded_by: who(&c.recorded_by),
                    })
                    .collect()
            },
            referrals: referrals
                .iter()
                .map(|r| ExportedReferral {
                    service: r.service.clone(),
                    need: Term::of(r.need, lang),
                    made_at: r.made_at,
                    status: Term::of(r.status, lang),
                    identity_shared: r.share_identity,
                    history: r
                        .history
                        .iter()
                        .map(|h| ExportedStatus {
                            status: Term::of(h.status, lang),
                            at: h.at,
                            by: who(&h.by),
                            note: h.note.clone(),
                        })
                        .collect(),
                    follow_ups: r
                        .follow_ups
                        .iter()
                        .map(|f| ExportedFollowUp {
                            due: f.due,
                            done: f.done,
                            note: f.note.clone(),
                        })
                        .collect(),
                    outcome: r.outcome.clone(),
                    result: r.result.map(|o| Term::of(o, lang)),
                })
                .collect(),
            notes,
            disclosures: person
                .disclosures
                .iter()
                .map(|d| ExportedDisclosure {
                    at: d.at,
                    by: who(&d.by),
                    what: d.what.clone(),
                })
                .collect(),
        })
    }

    /// The notes linked to a person, with the paragraphs naming them.
    fn linked_notes(
        &mut self,
        id: RecordId,
        person: &Person,
        lang: Lang,
    ) -> Result<Vec<LinkedNote>> {
        let ids: Vec<RecordId> = crate::queries::persons::linked_notes(self.store().conn(), id)?
            .into_iter()
            .map(|n| n.id)
            .collect();
        // Everyone else's names, longest first so that a name holding
        // another is replaced whole.
        let mut others: Vec<String> = crate::queries::persons::pseudonyms(self.store().conn())?
            .into_iter()
            .filter(|p| p != &person.pseudonym)
            .collect();
        let own: Vec<String> = std::iter::once(person.pseudonym.clone())
            .chain(person.identity.as_ref().and_then(|i| i.name.clone()))
            .filter(|n| !n.trim().is_empty())
            .collect();
        let mut notes = Vec::with_capacity(ids.len());
        for note_id in ids {
            let Record::Note(note) = self.record(note_id)? else {
                continue;
            };
            for other in note.persons.iter().filter(|p| **p != id) {
                if let Ok(Record::Person(p)) = self.record(*other) {
                    others.extend(p.identity.and_then(|i| i.name));
                }
            }
            notes.push((note_id, note));
        }
        // Once for every note: each name elided once, none that the
        // person's own names hold.
        others.retain(|o| !o.trim().is_empty() && !own.iter().any(|n| n.contains(o.as_str())));
        others.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        others.dedup();
        let elide = |text: &str| {
            others
                .iter()
                .fold(text.to_string(), |t, o| t.replace(o.as_str(), ELIDED))
        };
        let own_folded: Vec<String> = own.iter().map(|n| carnet_core::fold::fold(n)).collect();
        let mut out = Vec::with_capacity(notes.len());
        for (note_id, note) in notes {
            let passages = note
                .body
                .as_str()
                .split('\n')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .filter(|p| {
                    let folded = carnet_core::fold::fold(p);
                    own_folded.iter().any(|n| folded.contains(n.as_str()))
                })
                .map(elide)
                .collect();
            out.push(LinkedNote {
                id: note_id,
                title: elide(&note.title),
                occurred_at: note.occurred_at,
                method: Term::of(note.method, lang),
                passages,
            });
        }
        out.sort_by_key(|n| n.occurred_at);
        Ok(out)
    }

    /// Write a person's data as JSON and a PDF in `lang` (by default the
    /// person's language) into `dir`, and record it in their file.
    pub fn export_person(
        &mut self,
        id: RecordId,
        lang: Option<Lang>,
        dir: &Path,
    ) -> Result<PersonExportFiles> {
        let person = self.person_record(id)?;
        if let Some(why) = self
            .access()?
            .write_refusal(carnet_core::RecordKind::Person)
        {
            return Err(ClientError::Forbidden(format!(
                "only a coordinator or a member with access to persons can export a person's data: {why}"
            )));
        }
        let lang = lang.unwrap_or_else(|| language_of(&person, Lang::Fr));
        let data = self.export_of(id, person, lang)?;
        std::fs::create_dir_all(dir).map_err(ClientError::io(format!(
            "could not create {}",
            dir.display()
        )))?;
        let stem = format!(
            "{}-{}",
            data.person
                .pseudonym
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect::<String>(),
            data.made_at.day().to_iso()
        );
        let json_path = dir.join(format!("{stem}.json"));
        let pdf_path = dir.join(format!("{stem}.pdf"));
        let json = serde_json::to_vec_pretty(&data)
            .map_err(|e| ClientError::Internal(format!("the export could not be written: {e}")))?;
        write_whole(&json_path, &json)?;
        let (pdf, pages) = person_pdf(&data, lang)?;
        write_whole(&pdf_path, &pdf)?;
        let (item, at, by) = (self.new_item(), self.now(), self.member());
        self.edit_person(id, |p| {
            p.disclosures.push(Disclosure {
                id: item,
                at,
                by,
                what: "json+pdf".into(),
            });
            Ok(())
        })?;
        Ok(PersonExportFiles {
            json: json_path,
            pdf: pdf_path,
            notes: data.notes.len() as u32,
            pages,
        })
    }
}

/// The readable copy of a person's data.
fn person_pdf(d: &PersonExport, lang: Lang) -> Result<(Vec<u8>, u32)> {
    let w = Words { lang };
    let mut l = Layout::new()?;
    let title = w.t("Vos renseignements", "Your information");
    l.y = MARGIN + 20.0;
    l.para(&title, 24.0, true, TEXT_COLOUR, 0.0);
    l.para(&d.team, 14.0, false, TEXT_COLOUR, 0.0);
    l.para(
        &w.t(
            &format!(
                "Tout ce que l'équipe conserve à votre sujet dans Carnet, en date du {}, remis par {}.",
                w.day(d.made_at.day()),
                d.made_by
            ),
            &format!(
                "Everything the team keeps about you in Carnet, as of {}, handed out by {}.",
                w.day(d.made_at.day()),
                d.made_by
            ),
        ),
        10.0,
        false,
        MUTED,
        0.0,
    );
    let p = &d.person;
    let field = |l: &mut Layout, label: String, value: &str| {
        if !value.trim().is_empty() {
            l.para(&format!("{label} {value}"), 10.0, false, TEXT_COLOUR, 0.0);
        }
    };
    l.heading(&w.t("Votre dossier", "Your file"), 15.0);
    field(&mut l, w.t("Pseudonyme :", "Pseudonym:"), &p.pseudonym);
    field(
        &mut l,
        w.t("Nom :", "Name:"),
        p.name.as_deref().unwrap_or(""),
    );
    field(
        &mut l,
        w.t("Téléphone :", "Phone:"),
        p.phone.as_deref().unwrap_or(""),
    );
    field(
        &mut l,
        w.t("Adresse :", "Address:"),
        p.address.as_deref().unwrap_or(""),
    );
    field(
        &mut l,
        w.t("Langues :", "Languages:"),
        &p.languages.join(", "),
    );
    field(
        &mut l,
        w.t("Groupe d'âge :", "Age group:"),
        p.age_group.as_ref().map_or("", |t| t.label),
    );
    field(
        &mut l,
        w.t("Secteur :", "Sector:"),
        p.sector.as_deref().unwrap_or(""),
    );
    field(
        &mut l,
        w.t("Besoins :", "Needs:"),
        &p.needs
            .iter()
            .map(|n| n.label)
            .collect::<Vec<_>>()
            .join(", "),
    );
    field(
        &mut l,
        w.t("Dossier ouvert le", "File opened on"),
        &format!("{} ({})", w.day(p.created_at.day()), p.created_by),
    );
    if !p.notes.trim().is_empty() {
        l.para(
            &w.t("Notes de suivi :", "Follow-up notes:"),
            10.0,
            true,
            TEXT_COLOUR,
            0.0,
        );
        l.para(&p.notes, 10.0, false, TEXT_COLOUR, 12.0);
    }

    l.heading(&w.t("Vos consentements", "Your consents"), 15.0);
    if d.consents.is_empty() {
        l.para(
            &w.t("Aucun consentement inscrit.", "No consent recorded."),
            10.0,
            false,
            MUTED,
            0.0,
        );
    }
    for c in &d.consents {
        let answer = match (c.given, lang) {
            (true, Lang::Fr) => "donné",
            (false, Lang::Fr) => "retiré ou refusé",
            (true, Lang::En) => "given",
            (false, Lang::En) => "withdrawn or refused",
        };
        l.para(
            &w.t(
                &format!(
                    "{} : {answer} le {} ({}, inscrit par {})",
                    c.purpose.label,
                    w.day(c.at.day()),
                    c.how.label,
                    c.recorded_by
                ),
                &format!(
                    "{}: {answer} on {} ({}, recorded by {})",
                    c.purpose.label,
                    w.day(c.at.day()),
                    c.how.label,
                    c.recorded_by
                ),
            ),
            10.0,
            false,
            TEXT_COLOUR,
            0.0,
        );
    }

    l.heading(&w.t("Vos références", "Your referrals"), 15.0);
    if d.referrals.is_empty() {
        l.para(
            &w.t("Aucune référence.", "No referral."),
            10.0,
            false,
            MUTED,
            0.0,
        );
    }
    for r in &d.referrals {
        l.room(50.0);
        l.para(&r.service, 11.0, true, TEXT_COLOUR, 0.0);
        l.para(
            &w.t(
                &format!(
                    "{} · faite le {} · {}{}",
                    r.need.label,
                    w.day(r.made_at.day()),
                    r.status.label,
                    if r.identity_shared {
                        " · votre identité est communiquée à l'organisme"
                    } else {
                        ""
                    }
                ),
                &format!(
                    "{} · made on {} · {}{}",
                    r.need.label,
                    w.day(r.made_at.day()),
                    r.status.label,
                    if r.identity_shared {
                        " · your identity is shared with the organisation"
                    } else {
                        ""
                    }
                ),
            ),
            9.5,
            false,
            MUTED,
            0.0,
        );
        for h in &r.history {
            let note = h
                .note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default();
            l.para(
                &format!(
                    "{} · {} · {}{note}",
                    w.day(h.at.day()),
                    h.status.label,
                    h.by
                ),
                9.5,
                false,
                TEXT_COLOUR,
                12.0,
            );
        }
        for f in &r.follow_ups {
            let done = match (f.done, lang) {
                (true, Lang::Fr) => "fait",
                (false, Lang::Fr) => "prévu",
                (true, Lang::En) => "done",
                (false, Lang::En) => "planned",
            };
            let note = f
                .note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default();
            l.para(
                &format!(
                    "{} {} ({done}){note}",
                    w.t("Suivi", "Follow-up"),
                    w.day(f.due)
                ),
                9.5,
                false,
                TEXT_COLOUR,
                12.0,
            );
        }
        if let Some(o) = &r.result {
            l.para(
                &format!("{} {}", w.t("Issue :", "How it ended:"), o.label),
                9.5,
                false,
                TEXT_COLOUR,
                12.0,
            );
        }
        if let Some(o) = &r.outcome {
            l.para(
                &format!("{} {o}", w.t("Résultat :", "Outcome:")),
                9.5,
                false,
                TEXT_COLOUR,
                12.0,
            );
        }
    }

    l.heading(
        &w.t("Les notes qui vous concernent", "Notes about you"),
        15.0,
    );
    if d.notes.is_empty() {
        l.para(
            &w.t(
                "Aucune note n'est liée à vous.",
                "No note is linked to you.",
            ),
            10.0,
            false,
            MUTED,
            0.0,
        );
    } else {
        l.para(
            &w.t(
                "De chaque note liée à vous, les passages qui vous nomment ; le nom des autres personnes est remplacé par […].",
                "Of each note linked to you, the passages that name you; other people's names are replaced by […].",
            ),
            9.0,
            false,
            MUTED,
            0.0,
        );
    }
    for n in &d.notes {
        l.room(40.0);
        l.para(
            &format!(
                "{} · {} · {}",
                n.title,
                n.method.label,
                w.day(n.occurred_at.day())
            ),
            10.0,
            true,
            TEXT_COLOUR,
            0.0,
        );
        for passage in &n.passages {
            l.para(passage, 9.5, false, TEXT_COLOUR, 12.0);
        }
    }

    if !d.disclosures.is_empty() {
        l.heading(
            &w.t("Copies déjà remises", "Copies already handed out"),
            15.0,
        );
        for x in &d.disclosures {
            l.para(
                &format!("{} · {}", w.day(x.at.day()), x.by),
                9.5,
                false,
                TEXT_COLOUR,
                0.0,
            );
        }
    }
    render(l, &w, &format!("{title} · {}", p.pseudonym))
}
