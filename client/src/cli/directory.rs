//! The directory's subcommands: organisations, services, locations, and
//! the whole directory in and out (HSDS).

use crate::{DirectoryFilter, LocationInput, Notebook, ResourceInput, ServiceInput};
use carnet_core::{ItemId, RecordId};

use super::args::*;
use super::output::*;
use super::records::read_json;

pub(super) fn run_resource(nb: &mut Notebook, cmd: ResourceCommand) -> anyhow::Result<()> {
    match cmd {
        ResourceCommand::Add {
            name_fr,
            name_en,
            description_fr,
            description_en,
            needs,
            languages,
            phones,
            email,
            website,
        } => {
            let services = if needs.is_empty() && languages.is_empty() {
                Vec::new()
            } else {
                vec![ServiceInput {
                    name_fr: name_fr.clone(),
                    name_en: name_en.clone(),
                    needs,
                    languages,
                    ..ServiceInput::default()
                }]
            };
            let id = nb.save_resource(
                None,
                ResourceInput {
                    name_fr,
                    name_en,
                    description_fr: description_fr.unwrap_or_default(),
                    description_en: description_en.unwrap_or_default(),
                    website,
                    phones,
                    email,
                    services,
                    locations: Vec::new(),
                },
            )?;
            println!("{id}");
        }
        ResourceCommand::List {
            need,
            language,
            sector,
            words,
            unverified,
            all,
            json,
        } => {
            let list = nb.directory(&DirectoryFilter {
                need,
                language,
                sector,
                words,
                unverified_months: unverified,
                include_retired: all,
            })?;
            if json {
                print_json(&list)?;
            } else {
                for r in list {
                    println!(
                        "{}  {}{}  verified {}",
                        r.id,
                        r.name,
                        if r.retired { " (retired)" } else { "" },
                        r.last_verified.map_or("never".into(), |d| d.to_iso())
                    );
                }
            }
        }
        ResourceCommand::Edit { id, file } => {
            let id: RecordId = parse_id(&id)?;
            nb.save_resource(Some(id), read_json(&file)?)?;
        }
        ResourceCommand::Show { id } => {
            let r = nb.resource(parse_id(&id)?)?;
            print_json(&ResourceInput::from(&r))?;
        }
        ResourceCommand::Verify { id } => nb.verify_resource(parse_id(&id)?)?,
        ResourceCommand::Retire { id, undo } => nb.retire_resource(parse_id(&id)?, !undo)?,
        ResourceCommand::Service(cmd) => run_service(nb, cmd)?,
        ResourceCommand::Location(LocationCommand::Add {
            organisation,
            name,
            address,
            sector,
        }) => {
            let saved = add_to(nb, &organisation, |form| {
                form.locations.push(LocationInput {
                    name,
                    address,
                    sector,
                    ..LocationInput::default()
                })
            })?;
            if let Some(l) = saved.locations.last() {
                println!("{}", l.id);
            }
        }
    }
    Ok(())
}

/// Change an organisation's form and save it; the organisation as saved.
fn add_to(
    nb: &mut Notebook,
    organisation: &str,
    change: impl FnOnce(&mut ResourceInput),
) -> anyhow::Result<carnet_core::record::Resource> {
    let org: RecordId = parse_id(organisation)?;
    let mut form = ResourceInput::from(&nb.resource(org)?);
    change(&mut form);
    nb.save_resource(Some(org), form)?;
    Ok(nb.resource(org)?)
}

fn run_service(nb: &mut Notebook, cmd: ServiceCommand) -> anyhow::Result<()> {
    match cmd {
        ServiceCommand::Add {
            organisation,
            name_fr,
            name_en,
            needs,
            languages,
            eligibility,
            fees,
            hours,
            how_to_apply,
        } => {
            let saved = add_to(nb, &organisation, |form| {
                form.services.push(ServiceInput {
                    name_fr,
                    name_en,
                    needs,
                    languages,
                    eligibility,
                    fees,
                    hours,
                    how_to_apply,
                    ..ServiceInput::default()
                })
            })?;
            if let Some(s) = saved.services.last() {
                println!("{}", s.id);
            }
        }
        ServiceCommand::Retire {
            organisation,
            service,
            undo,
        } => {
            let org: RecordId = parse_id(&organisation)?;
            let service: ItemId = parse_id(&service)?;
            let mut form = ResourceInput::from(&nb.resource(org)?);
            let Some(s) = form.services.iter_mut().find(|s| s.id == Some(service)) else {
                anyhow::bail!("the organisation {org} has no service {service}");
            };
            s.retired = !undo;
            nb.save_resource(Some(org), form)?;
        }
    }
    Ok(())
}

pub(super) fn run_directory(nb: &mut Notebook, cmd: DirectoryCommand) -> anyhow::Result<()> {
    match cmd {
        DirectoryCommand::Import {
            format: DirectoryFormat::Hsds,
            path,
            json,
        } => {
            let report = nb.import_hsds(&path)?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "{} organisation(s) added, {} updated, {} service(s) read, {} row(s) left out",
                    report.added,
                    report.updated,
                    report.services,
                    report.rejected.len()
                );
                for r in &report.rejected {
                    eprintln!("{}:{}: {}", r.file, r.line, r.reason);
                }
            }
        }
        DirectoryCommand::Export {
            format: DirectoryFormat::Hsds,
            out,
        } => {
            let n = nb.export_hsds(&out)?;
            eprintln!("{n} organisation(s) written to {}", out.display());
        }
    }
    Ok(())
}
