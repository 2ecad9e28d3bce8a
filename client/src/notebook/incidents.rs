//! The register of confidentiality incidents (Law 25): entries made and
//! updated by coordinators, and the register written as CSV and PDF for
//! the Commission d'accès à l'information. The fields are the
//! regulation's (see [`carnet_core::record::Incident`]).

use std::path::Path;

use carnet_core::record::{Incident, Record};
use carnet_core::vocab::Lang;
use carnet_core::{Day, RecordId, RecordKind};
use serde::{Deserialize, Serialize};

use super::Notebook;
use crate::error::{ClientError, Result};
use crate::pdf::{render, write_whole, Layout, Words, MARGIN, MUTED, TEXT_COLOUR};
use crate::transfer::{write_table, ExportFormat};

/// What a coordinator fills in for an incident (every field but who
/// opened it and when).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentInput {
    /// A short name.
    pub title: String,
    /// The information concerned.
    #[serde(default)]
    pub information: String,
    /// Why it can't be described, when it can't.
    #[serde(default)]
    pub information_unknown_reason: Option<String>,
    /// The circumstances.
    #[serde(default)]
    pub circumstances: String,
    /// When it happened (or the period's start).
    pub occurred_from: Day,
    /// The period's end.
    #[serde(default)]
    pub occurred_to: Option<Day>,
    /// The date or period is approximate.
    #[serde(default)]
    pub occurred_approximate: bool,
    /// When the team became aware of it.
    pub aware_on: Day,
    /// Persons concerned.
    #[serde(default)]
    pub persons_concerned: u32,
    /// That number is an estimate.
    #[serde(default)]
    pub persons_estimated: bool,
    /// How sensitive the information is.
    #[serde(default)]
    pub sensitivity: String,
    /// Misuses anticipated.
    #[serde(default)]
    pub misuse: String,
    /// Consequences anticipated.
    #[serde(default)]
    pub consequences: String,
    /// How likely a misuse is.
    #[serde(default)]
    pub likelihood: String,
    /// There is a risk of serious injury.
    #[serde(default)]
    pub serious_risk: bool,
    /// Notice to the Commission.
    #[serde(default)]
    pub commission_notified_on: Option<Day>,
    /// Notice to the persons concerned.
    #[serde(default)]
    pub persons_notified_on: Option<Day>,
    /// A public notice and why.
    #[serde(default)]
    pub public_notice: Option<String>,
    /// Measures taken.
    #[serde(default)]
    pub measures: String,
    /// The device concerned.
    #[serde(default)]
    pub device: Option<String>,
}

/// An entry of the register, as its screen lists and edits it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncidentEntry {
    /// The record's id.
    pub id: RecordId,
    /// The entry.
    pub incident: Incident,
    /// What the regulation asks that is still empty (field names).
    pub missing: Vec<String>,
}

impl IncidentInput {
    fn apply(self, i: &mut Incident) {
        let text = |s: String| s.trim().to_string();
        let opt = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        i.title = text(self.title);
        i.information = text(self.information);
        i.information_unknown_reason = opt(self.information_unknown_reason);
        i.circumstances = text(self.circumstances);
        i.occurred_from = self.occurred_from;
        i.occurred_to = self.occurred_to;
        i.occurred_approximate = self.occurred_approximate;
        i.aware_on = self.aware_on;
        i.persons_concerned = self.persons_concerned;
        i.persons_estimated = self.persons_estimated;
        i.sensitivity = text(self.sensitivity);
        i.misuse = text(self.misuse);
        i.consequences = text(self.consequences);
        i.likelihood = text(self.likelihood);
        i.serious_risk = self.serious_risk;
        i.commission_notified_on = self.commission_notified_on;
        i.persons_notified_on = self.persons_notified_on;
        i.public_notice = opt(self.public_notice);
        i.measures = text(self.measures);
        i.device = opt(self.device);
    }
}

/// The register's items an entry leaves empty, by field name.
pub fn missing(i: &Incident) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |empty: bool, field: &str| {
        if empty {
            out.push(field.to_string());
        }
    };
    need(
        i.information.is_empty() && i.information_unknown_reason.is_none(),
        "information",
    );
    need(i.circumstances.is_empty(), "circumstances");
    need(
        i.persons_concerned == 0 && !i.persons_estimated,
        "persons_concerned",
    );
    need(i.sensitivity.is_empty(), "sensitivity");
    need(i.misuse.is_empty(), "misuse");
    need(i.consequences.is_empty(), "consequences");
    need(i.likelihood.is_empty(), "likelihood");
    need(
        i.serious_risk && i.commission_notified_on.is_none(),
        "commission_notified_on",
    );
    need(
        i.serious_risk && i.persons_notified_on.is_none(),
        "persons_notified_on",
    );
    need(i.measures.is_empty(), "measures");
    out
}

impl Notebook {
    fn may_keep_register(&self) -> Result<()> {
        match self.access()?.write_refusal(RecordKind::Incident) {
            None => Ok(()),
            Some(why) => Err(ClientError::Forbidden(why)),
        }
    }

    /// Open an entry of the register (coordinators only).
    pub fn create_incident(&mut self, input: IncidentInput) -> Result<RecordId> {
        self.may_keep_register()?;
        let now = self.now();
        let mut i = Incident::new("", input.occurred_from, input.aware_on, self.member(), now);
        input.apply(&mut i);
        let id = RecordId::generate(self.env.ids.as_ref(), now);
        self.create_record(id, Record::Incident(Box::new(i)))
    }

    /// Change an entry of the register: every field as given.
    pub fn update_incident(&mut self, id: RecordId, input: IncidentInput) -> Result<()> {
        self.may_keep_register()?;
        self.edit_kind(
            id,
            "incident",
            |r| match r {
                Record::Incident(i) => Some(i.as_mut()),
                _ => None,
            },
            |i| {
                input.apply(i);
                Ok(())
            },
        )
    }

    /// The register, newest incident first.
    pub fn incidents(&mut self) -> Result<Vec<IncidentEntry>> {
        self.may_keep_register()?;
        let ids: Vec<RecordId> = crate::queries::records::ids(self.store.conn())?
            .into_iter()
            .filter(|(_, k)| *k == RecordKind::Incident)
            .map(|(id, _)| id)
            .collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Record::Incident(i) = self.record(id)? {
                out.push(IncidentEntry {
                    id,
                    missing: missing(&i),
                    incident: *i,
                });
            }
        }
        out.sort_by(|a, b| {
            b.incident
                .aware_on
                .cmp(&a.incident.aware_on)
                .then(b.incident.created_at.cmp(&a.incident.created_at))
        });
        Ok(out)
    }

    /// Write the register to `out` as CSV (one row per incident, a column
    /// per item of the regulation, headers in `lang`).
    pub fn register_csv(&mut self, out: &Path, lang: Lang) -> Result<usize> {
        let entries = self.incidents()?;
        let w = Words { lang };
        let columns: Vec<String> = COLUMNS.iter().map(|(fr, en)| w.t(fr, en)).collect();
        let rows: Vec<Vec<String>> = entries.iter().map(|e| row(&e.incident, &w)).collect();
        write_table(out, ExportFormat::Csv, &columns, &rows)
    }

    /// Write the register to `out` as a PDF in `lang`: one section per
    /// incident, every item of the regulation in it. Returns the pages.
    pub fn register_pdf(&mut self, out: &Path, lang: Lang) -> Result<u32> {
        let entries = self.incidents()?;
        let team = self.workspace()?.name;
        let w = Words { lang };
        let title = w.t(
            "Registre des incidents de confidentialité",
            "Register of confidentiality incidents",
        );
        let mut l = Layout::new()?;
        l.y = MARGIN + 20.0;
        l.para(&title, 20.0, true, TEXT_COLOUR, 0.0);
        l.para(&team, 13.0, false, TEXT_COLOUR, 0.0);
        l.para(
            &w.t(
                &format!(
                    "Tenu selon l'article 3.2 de la Loi sur la protection des renseignements personnels dans le secteur privé et le Règlement sur les incidents de confidentialité. {} incident(s), en date du {}.",
                    entries.len(),
                    w.day(self.now().day())
                ),
                &format!(
                    "Kept under section 3.2 of the Act respecting the protection of personal information in the private sector and the Regulation respecting confidentiality incidents. {} incident(s), as of {}.",
                    entries.len(),
                    w.day(self.now().day())
                ),
            ),
            9.5,
            false,
            MUTED,
            0.0,
        );
        if entries.is_empty() {
            l.para(
                &w.t("Aucun incident inscrit.", "No incident recorded."),
                11.0,
                false,
                TEXT_COLOUR,
                0.0,
            );
        }
        for e in &entries {
            l.room(120.0);
            l.heading(&e.incident.title, 14.0);
            let values = row(&e.incident, &w);
            for ((fr, en), value) in COLUMNS.iter().zip(values).skip(1) {
                l.room(28.0);
                l.para(&w.t(fr, en), 9.0, true, MUTED, 0.0);
                let shown = if value.is_empty() {
                    "—".to_string()
                } else {
                    value
                };
                l.para(&shown, 10.0, false, TEXT_COLOUR, 10.0);
            }
        }
        let (bytes, pages) = render(l, &w, &format!("{title} · {team}"))?;
        write_whole(out, &bytes)?;
        Ok(pages)
    }
}

/// The register's columns, in French and English, in the regulation's
/// order.
const COLUMNS: &[(&str, &str)] = &[
    ("Incident", "Incident"),
    ("Renseignements visés", "Information concerned"),
    (
        "Raison pour laquelle les renseignements ne peuvent être décrits",
        "Why the information cannot be described",
    ),
    ("Circonstances", "Circumstances"),
    (
        "Date ou période de l'incident",
        "Date or period of the incident",
    ),
    (
        "Date de la prise de connaissance",
        "Date the team became aware",
    ),
    (
        "Nombre de personnes concernées",
        "Number of persons concerned",
    ),
    (
        "Sensibilité des renseignements",
        "Sensitivity of the information",
    ),
    ("Utilisations malveillantes possibles", "Possible misuses"),
    ("Conséquences appréhendées", "Anticipated consequences"),
    (
        "Probabilité d'une utilisation malveillante",
        "Likelihood of misuse",
    ),
    ("Risque de préjudice sérieux", "Risk of serious injury"),
    (
        "Avis à la Commission d'accès à l'information",
        "Notice to the Commission d'accès à l'information",
    ),
    (
        "Avis aux personnes concernées",
        "Notice to the persons concerned",
    ),
    ("Avis public et raison", "Public notice and why"),
    (
        "Mesures prises pour diminuer le risque",
        "Measures taken to reduce the risk",
    ),
    ("Appareil concerné", "Device concerned"),
];

/// One incident's values, in [`COLUMNS`]' order.
fn row(i: &Incident, w: &Words) -> Vec<String> {
    let day = |d: Option<Day>| d.map(|d| d.to_iso()).unwrap_or_default();
    let yes_no = |b: bool| w.t(if b { "oui" } else { "non" }, if b { "yes" } else { "no" });
    let mut period = i.occurred_from.to_iso();
    if let Some(to) = i.occurred_to {
        period = w.t(
            &format!("du {period} au {}", to.to_iso()),
            &format!("{period} to {}", to.to_iso()),
        );
    }
    if i.occurred_approximate {
        period = w.t(
            &format!("{period} (approximatif)"),
            &format!("{period} (approximate)"),
        );
    }
    let mut count = i.persons_concerned.to_string();
    if i.persons_estimated {
        count = w.t(&format!("environ {count}"), &format!("about {count}"));
    }
    vec![
        i.title.clone(),
        i.information.clone(),
        i.information_unknown_reason.clone().unwrap_or_default(),
        i.circumstances.clone(),
        period,
        i.aware_on.to_iso(),
        count,
        i.sensitivity.clone(),
        i.misuse.clone(),
        i.consequences.clone(),
        i.likelihood.clone(),
        yes_no(i.serious_risk),
        day(i.commission_notified_on),
        day(i.persons_notified_on),
        i.public_notice.clone().unwrap_or_default(),
        i.measures.clone(),
        i.device.clone().unwrap_or_default(),
    ]
}
