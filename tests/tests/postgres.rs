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
            "device_heads",
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
