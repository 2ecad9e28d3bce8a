//! A partner organisation's device pulls the referrals addressed to it
//! from a large team, against a real server on loopback.
//!
//! `cargo bench -p carnet-tests --bench partner` fills a team of 100,000
//! records (`CARNET_BENCH_RECORDS=N` for another size) with 2,000
//! referrals addressed to one organisation among them, then times a fresh
//! partner device joining and pulling what it may see: its referrals, its
//! organisation and the team's workspace. The server reads only those
//! (its feed is read by the scope's index). Under `cargo test` (no
//! `--bench` argument) it runs a small smoke mode.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use carnet_client::{ReferralInput, ResourceInput, ServiceInput};
use carnet_core::record::Record;
use carnet_core::vocab::NeedCategory;
use common::{Device, TestServer};

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (records, referrals) = if full { (100_000, 2_000) } else { (400, 40) };
    let records = std::env::var("CARNET_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > referrals)
        .unwrap_or(records);
    println!(
        "carnet partner benchmark: {records}-record team, {referrals} referrals to one organisation{}",
        if full { "" } else { " (smoke mode)" }
    );
    let server = TestServer::start();
    let (team, code) = server.create_team("Benchmark", "Coordination");
    let mut origin = Device::join(&server, &code, "Coordination", 1);
    let t = Instant::now();
    // The organisation, the persons referred and their referrals, then
    // the rest of the team's records.
    let org = origin
        .nb
        .save_resource(
            None,
            ResourceInput {
                name_fr: "Carrefour d'entraide".into(),
                services: vec![ServiceInput {
                    name_fr: "Comptoir alimentaire".into(),
                    needs: vec![NeedCategory::FoodInsecurity],
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .expect("organisation");
    let Record::Resource(resource) = origin.nb.record(org).expect("resource") else {
        panic!("a resource")
    };
    let service = resource.services[0].id;
    origin
        .nb
        .batch(|nb| {
            for i in 0..referrals {
                let person = nb.create_person(carnet_client::PersonInput {
                    pseudonym: format!("P-{i:05}"),
                    ..Default::default()
                })?;
                nb.add_referral(
                    person,
                    ReferralInput {
                        service: String::new(),
                        resource_id: None,
                        service_id: Some(service),
                        need: NeedCategory::FoodInsecurity,
                        note: Some("Besoin de dépannage alimentaire".into()),
                        status: None,
                        share_identity: false,
                    },
                )?;
            }
            Ok(())
        })
        .expect("referrals");
    let made = 2 + 2 * referrals;
    origin
        .nb
        .fill_demo(records.saturating_sub(made), 42, |_| {})
        .expect("demo");
    let pushed = origin.sync().expect("initial push");
    println!(
        "setup: {records} records made and pushed in {:.1} s, {} rounds",
        t.elapsed().as_secs_f64(),
        pushed.rounds
    );

    let partner_code = server.partner_invite(&team, org);
    let t = Instant::now();
    let partner = Device::join(&server, &partner_code, "Partenaire", 2);
    let took = t.elapsed();
    let held = partner.nb.record_ids().expect("ids").len();
    let inbox = {
        let mut partner = partner;
        let t = Instant::now();
        let n = partner.nb.addressed_referrals().expect("inbox").len();
        (n, t.elapsed())
    };
    assert_eq!(inbox.0, referrals, "the partner holds its referrals");
    assert_eq!(
        held,
        referrals + 2,
        "its referrals, its organisation, the workspace"
    );
    println!(
        "partner joins and pulls its {referrals} referrals ({held} records) from {records}: {:.2} s",
        took.as_secs_f64()
    );
    println!(
        "partner's inbox of {} referrals listed in {:.0} ms",
        inbox.0,
        inbox.1.as_secs_f64() * 1000.0
    );
}
