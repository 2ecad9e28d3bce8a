//! The server's PostgreSQL database against a real PostgreSQL (the
//! throwaway cluster `scripts/with-postgres.sh` starts for the test
//! command): the schema's migrations applied once, also by instances
//! starting at once; a newer schema refused; a bad or unreachable address
//! said in words, its password never.

mod common;

use carnet_sync_server::pg::{self, PgOptions};

use common::{cluster, fresh_database};

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn the_schema_is_migrated_once_even_by_instances_starting_together() {
    let url = fresh_database("migrate");
    let rt = multi_thread();
    rt.block_on(async {
        // Three instances start at once on an empty database.
        let (a, b, c) = tokio::join!(
            pg::connect(&url, PgOptions::default()),
            pg::connect(&url, PgOptions::default()),
            pg::connect(&url, PgOptions::default()),
        );
        let pool = a.expect("first");
        b.expect("second");
        c.expect("third");
        let applied = pg::applied(&pool).await.expect("versions");
        assert_eq!(applied, (1..=pg::newest_schema()).collect::<Vec<_>>());
        // Every table is there, empty.
        let client = pool.get().await.expect("connection");
        for table in [
            "teams",
            "members",
            "invitations",
            "devices",
            "records",
            "chunks",
            "tombstones",
            "device_credit",
            "erased_changes",
        ] {
            let n: i64 = client
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"))
                .get(0);
            assert_eq!(n, 0, "{table}");
        }
        // Started again: nothing applied twice.
        let again = pg::connect(&url, PgOptions::default())
            .await
            .expect("again");
        assert_eq!(
            pg::applied(&again).await.expect("versions"),
            applied,
            "no migration applied twice"
        );
        // A database a newer server wrote is refused, in words.
        client
            .execute("INSERT INTO carnet_schema (version) VALUES (999)", &[])
            .await
            .expect("a newer schema");
        let newer = pg::connect(&url, PgOptions::default())
            .await
            .expect_err("a newer schema is refused");
        assert!(newer.to_string().contains("newer Carnet server"), "{newer}");
    });
}

#[test]
fn a_bad_or_unreachable_address_is_said_in_words_without_its_password() {
    let rt = multi_thread();
    rt.block_on(async {
        let bad = pg::connect("mysql://nobody@somewhere", PgOptions::default())
            .await
            .expect_err("not PostgreSQL");
        assert!(
            bad.to_string().contains("not a PostgreSQL address"),
            "{bad}"
        );
        // A port nothing listens on (the cluster's, plus one, is free in
        // practice; the answer must be quick and in words either way).
        let admin = cluster();
        let port: u16 = admin
            .rsplit_once(':')
            .and_then(|(_, rest)| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .expect("a port");
        let url = format!(
            "postgres://carnet:s3cret-word@127.0.0.1:{}/carnet",
            port + 1
        );
        let started = std::time::Instant::now();
        let unreachable = pg::connect(&url, PgOptions::default())
            .await
            .expect_err("nothing listens there");
        let said = unreachable.to_string();
        assert!(
            said.contains("could not reach PostgreSQL at 127.0.0.1:"),
            "{said}"
        );
        assert!(
            !said.contains("s3cret-word"),
            "the password is never said: {said}"
        );
        assert!(started.elapsed().as_secs() < 15, "it does not hang");
    });
}

/// `migrate --from DIR --to URL --key-file FILE`, its output read as it
/// comes; `stop_at`: kill it once it says it copied a batch of that table.
fn migrate(
    from: &std::path::Path,
    to: &str,
    key: &std::path::Path,
    stop_at: Option<&str>,
) -> (bool, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(common::server_bin())
        .arg("migrate")
        .arg("--from")
        .arg(from)
        .args(["--to", to])
        .arg("--key-file")
        .arg(key)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("migrate");
    let mut said = String::new();
    let out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    for line in out.lines() {
        let line = line.expect("a line");
        said.push_str(&line);
        said.push('\n');
        if stop_at.is_some_and(|t| line.starts_with(&format!("{t}:"))) {
            let _ = child.kill();
            break;
        }
    }
    let status = child.wait().expect("wait");
    if let Some(mut err) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut err, &mut said);
    }
    (status.success(), said)
}

#[test]
fn a_server_moves_to_postgresql_and_its_devices_carry_on_without_joining_again() {
    use carnet_client::NoteInput;
    let mut old = common::TestServer::start_sqlite();
    let (team, code) = old.create_team("Pôle Nord", "Aline");
    let mut aline = common::Device::join(&old, &code, "Aline", 11);
    let mut jean = common::Device::join(&old, &old.invite(&team, "worker", true), "Jean", 12);
    aline.nb.fill_demo(2000, 5, |_| {}).expect("demo");
    aline.sync().expect("sync");
    jean.sync().expect("sync");
    // An invitation made on the old server, not used yet.
    let waiting = old.invite(&team, "worker", false);
    let records = old.count("SELECT COUNT(*) FROM records", &[]);
    assert!(records > 1500, "several batches of records: {records}");
    old.kill();

    let url = common::fresh_database("moved");
    let data = tempfile::tempdir().expect("dir");
    let key = data.path().join("server.key");
    // Interrupted while copying records: part of them are there.
    let (ok, said) = migrate(&old.data, &url, &key, Some("records"));
    assert!(!ok, "killed: {said}");
    let new = common::TestServer::attach_postgres(&url, data, &old.listen());
    let partial = new.count("SELECT COUNT(*) FROM records", &[]);
    assert!(
        partial > 0 && partial < records,
        "interrupted mid-copy: {partial} of {records}"
    );
    // Run again: it ends with every row.
    let (ok, said) = migrate(&old.data, &url, &key, None);
    assert!(ok, "{said}");
    assert!(said.contains(&format!("{records} records")), "{said}");
    for table in [
        "teams",
        "members",
        "invitations",
        "devices",
        "chunks",
        "device_credit",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(new.count(&sql, &[]), old.count(&sql, &[]), "{table}");
    }
    assert_eq!(new.count("SELECT COUNT(*) FROM records", &[]), records);
    // A second key for the same database is refused, in words.
    let other = tempfile::tempdir().expect("dir");
    std::fs::write(other.path().join("k"), [7u8; 32]).expect("key");
    let (ok, said) = migrate(&old.data, &url, &other.path().join("k"), None);
    assert!(!ok && said.contains("already holds another key"), "{said}");

    // The devices carry on, same address, same tokens: nothing whole is
    // sent again (their credit is still good), and what they write next
    // reaches each other.
    let before = aline.state();
    let summary = aline.sync().expect("Aline syncs with the new server");
    assert_eq!(summary.received, 0, "nothing sent again: {summary:?}");
    assert!(summary.bytes_received < 10_000, "{summary:?}");
    assert_eq!(aline.state(), before);
    let id = jean
        .nb
        .create_note(NoteInput {
            title: "Après le déménagement".into(),
            ..NoteInput::default()
        })
        .expect("note");
    jean.sync().expect("Jean syncs with the new server");
    aline.sync().expect("sync");
    assert!(aline.state().contains_key(&id.to_string()));
    assert_eq!(aline.state(), jean.state());
    // The old server's invitation still joins (the key moved with it).
    let mut omar = common::Device::join(&new, &waiting, "Omar", 13);
    assert_eq!(
        omar.state().len(),
        aline.state().len() - {
            // Omar has no access to persons.
            new.count(
                "SELECT COUNT(*) FROM records WHERE kind IN ('person', 'referral')",
                &[],
            ) as usize
        }
    );
}

/// A fresh PostgreSQL database opened as a server opens it, with the
/// runtime its connections live on and the directory of its key.
fn a_database(
    name: &str,
) -> (
    tokio::runtime::Runtime,
    tempfile::TempDir,
    carnet_sync_server::db::Database,
) {
    a_database_with(name, PgOptions::default())
}

/// [`a_database`], its pool made with `options`.
fn a_database_with(
    name: &str,
    options: PgOptions,
) -> (
    tokio::runtime::Runtime,
    tempfile::TempDir,
    carnet_sync_server::db::Database,
) {
    let rt = multi_thread();
    let keys = tempfile::tempdir().expect("dir");
    let url = fresh_database(name);
    let database = rt
        .block_on(carnet_sync_server::db::Database::postgres(
            &url,
            &keys.path().join("key"),
            options,
        ))
        .expect("database");
    (rt, keys, database)
}

/// Rename the workspace held in `doc`, as a session of its own.
fn rename(doc: &mut carnet_core::RecordDoc, to: &str, session: u8) {
    use carnet_core::{Actor, Codebook, CoreError, MemberId, Record, Timestamp};
    let member: MemberId = "00000000-0000-0000-0000-000000000000"
        .parse()
        .expect("an id");
    let actor = Actor::new(member, [session; 8]);
    doc.edit(&actor, Timestamp::now(), &Codebook::any(), |r| {
        if let Record::Workspace(w) = r {
            w.name = to.into();
        }
        Ok::<_, CoreError>(())
    })
    .expect("edit");
}

#[test]
fn a_locked_document_kept_by_one_instance_catches_up_with_what_another_stored() {
    use carnet_core::sync::server::ServerStore;
    use carnet_core::{Record, RecordId, Timestamp};
    use carnet_sync_server::db;
    use carnet_sync_server::store::{DocCache, TeamStore};
    let (_rt, _keys, database) = a_database("catch_up");
    let team = db::create_team(&database, "Pôle Nord", "Coordination", 72, Timestamp::now())
        .expect("team")
        .team;
    let id: RecordId = database
        .write(|tx| {
            tx.one(
                "SELECT id FROM records WHERE team = $1 AND kind = 'workspace'",
                &[team.as_str().into()],
            )?
            .text(0)
        })
        .expect("workspace")
        .parse()
        .expect("id");
    let (kept, kept_there) = (DocCache::default(), DocCache::default());
    let name_of = |doc: &carnet_core::RecordDoc| match doc.record().expect("record") {
        Record::Workspace(w) => w.name,
        other => panic!("not a workspace: {other:?}"),
    };
    // This instance keeps the workspace decoded; the other renames it,
    // `edits` times, one stored chunk each.
    let other_renames = |to: &str, edits: u8| {
        for k in 0..edits {
            database
                .write(|tx| {
                    let mut store =
                        TeamStore::new(tx, &team, "", Timestamp::now()).with_cache(&kept_there);
                    let mut doc = store.load(id)?.expect("stored");
                    let before = doc.heads();
                    rename(
                        &mut doc,
                        &format!("{to}{}", if k + 1 == edits { "" } else { "…" }),
                        10 + k,
                    );
                    let changes = doc.changes_since(&before);
                    store.append(&mut doc, &changes)?;
                    store.release(doc);
                    store.finish()
                })
                .expect("renamed");
        }
        // Its snapshot made unreadable: only the chunks after what this
        // instance holds can bring its document up to date.
        database
            .write(|tx| {
                tx.exec(
                    "UPDATE records SET snapshot = '\\x00'::BYTEA WHERE team = $1 AND id = $2",
                    &[team.as_str().into(), id.to_string().into()],
                )
            })
            .expect("damaged");
    };
    let locked_and_loaded = || {
        database
            .write(|tx| {
                let mut store = TeamStore::new(tx, &team, "", Timestamp::now()).with_cache(&kept);
                store.lock(&[id])?;
                let mut doc = store.load(id)?.expect("caught up");
                let stored = tx
                    .one(
                        "SELECT heads FROM records WHERE team = $1 AND id = $2",
                        &[team.as_str().into(), id.to_string().into()],
                    )?
                    .bytes(0)?;
                assert_eq!(carnet_core::sync::encode_heads(&doc.heads()), stored);
                let name = name_of(&doc);
                store.release(doc);
                store.finish()?;
                Ok(name)
            })
            .expect("loaded")
    };
    assert_eq!(locked_and_loaded(), "Pôle Nord", "kept here");
    // Behind the snapshot's heads: every chunk applies.
    other_renames("Pôle Sud", 2);
    assert_eq!(locked_and_loaded(), "Pôle Sud");
    // Behind a chunk's heads: those after it apply.
    other_renames("Pôle Est", 3);
    assert_eq!(locked_and_loaded(), "Pôle Est");
    assert_eq!(kept.len(), 1, "kept again");
}

#[test]
fn statements_sent_together_commit_all_or_nothing_and_in_their_order() {
    use carnet_sync_server::sql::Value;
    let (_rt, _keys, database) = a_database("batch");
    let insert = |n: i64| -> (String, Vec<Value>) {
        (
            "INSERT INTO carnet_batch_probe (n) VALUES ($1) RETURNING n".into(),
            vec![Value::Int(n)],
        )
    };
    let count = || {
        database
            .write(|tx| {
                tx.one("SELECT count(*) FROM carnet_batch_probe", &[])?
                    .int(0)
            })
            .expect("count")
    };
    database
        .write(|tx| {
            tx.exec(
                "CREATE TABLE carnet_batch_probe (n BIGINT PRIMARY KEY, at BIGSERIAL)",
                &[],
            )
        })
        .expect("table");
    // More statements than are sent at once, each answered in its
    // order, and committed with the rest of the transaction.
    let answers = database
        .write(|tx| {
            let statements: Vec<_> = (1..=40).map(insert).collect();
            let answers = tx.batch(&statements, true)?;
            // Written after the commit, in a transaction of its own.
            tx.exec("INSERT INTO carnet_batch_probe (n) VALUES (100)", &[])?;
            Ok(answers)
        })
        .expect("written");
    let firsts: Vec<i64> = answers
        .iter()
        .map(|rows| rows[0].int(0).expect("n"))
        .collect();
    assert_eq!(firsts, (1..=40).collect::<Vec<_>>());
    assert_eq!(count(), 41);
    // They reached the database in their order.
    let order: Vec<i64> = database
        .write(|tx| {
            tx.rows(
                "SELECT n FROM carnet_batch_probe WHERE n <= 40 ORDER BY at",
                &[],
            )?
            .iter()
            .map(|r| r.int(0))
            .collect()
        })
        .expect("order");
    assert_eq!(order, (1..=40).collect::<Vec<_>>());
    // A statement that fails among them: the error is its own, and
    // nothing of the batch is committed, not even what came before it.
    let failed = database.write(|tx| {
        tx.batch(&[insert(200), insert(1), insert(201)], true)?;
        Ok(())
    });
    assert!(failed.is_err(), "a duplicate key is an error");
    assert_eq!(count(), 41, "nothing of the failed batch stayed");
}

#[test]
fn a_transaction_ended_by_an_error_or_a_panic_leaves_nothing_open_on_its_connection() {
    use carnet_sync_server::error::ServerError;
    // One connection, so that every transaction below runs on the one
    // the one before it used.
    let (_rt, _keys, database) = a_database_with(
        "ended",
        PgOptions {
            max_connections: 1,
            ..PgOptions::default()
        },
    );
    let insert = |tx: &dyn carnet_sync_server::sql::Sql, n: i64| {
        tx.exec(
            "INSERT INTO carnet_end_probe (n) VALUES ($1)",
            &[carnet_sync_server::sql::Value::Int(n)],
        )
    };
    let held = || -> Vec<i64> {
        database
            .read(|tx| {
                tx.rows("SELECT n FROM carnet_end_probe ORDER BY n", &[])?
                    .iter()
                    .map(|r| r.int(0))
                    .collect()
            })
            .expect("rows")
    };
    database
        .write(|tx| tx.exec("CREATE TABLE carnet_end_probe (n BIGINT PRIMARY KEY)", &[]))
        .expect("table");
    // A statement that fails: what came before it is rolled back.
    let failed = database.write(|tx| {
        insert(tx, 1)?;
        tx.rows("SELECT 1 / 0", &[])
    });
    assert!(
        matches!(failed, Err(ServerError::Internal(_))),
        "{failed:?}"
    );
    assert_eq!(held(), Vec::<i64>::new());
    // What was committed along the way stays; what followed does not.
    let failed = database.write(|tx| {
        insert(tx, 2)?;
        tx.commit_so_far()?;
        insert(tx, 3)?;
        tx.rows("SELECT 1 / 0", &[])
    });
    assert!(failed.is_err());
    assert_eq!(held(), vec![2]);
    // A panic in the middle of a transaction: its connection goes back to
    // the pool with nothing open, so the next transaction on it commits
    // only its own row.
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = database.write(|tx| -> Result<(), ServerError> {
            insert(tx, 4)?;
            panic!("a round that panics");
        });
    }));
    assert!(panicked.is_err());
    database.write(|tx| insert(tx, 5)).expect("the next one");
    assert_eq!(
        held(),
        vec![2, 5],
        "the panicked round's row is not committed"
    );
    // A commit that is the batch's last statement ends the transaction:
    // the transaction's own commit then has nothing to do.
    database
        .write(|tx| {
            tx.batch(
                &[(
                    "INSERT INTO carnet_end_probe (n) VALUES (6)".to_string(),
                    vec![],
                )],
                true,
            )
        })
        .expect("a batch with its commit");
    assert_eq!(held(), vec![2, 5, 6]);
}
