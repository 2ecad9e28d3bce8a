//! Tests of the store: formats, migrations, batches, plans.
use super::*;

fn meta_keys(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT key FROM meta WHERE key LIKE 'test-%' ORDER BY key")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

fn put(w: &Write<'_>, key: &str) {
    w.execute(
        "INSERT INTO meta (key, value) VALUES (?1, 'x')",
        [key.to_string()],
    )
    .expect("insert");
}

#[test]
fn a_write_left_unfinished_in_a_batch_rolls_the_whole_batch_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::create(dir.path(), &Default::default()).expect("create");

    store.begin_batch().expect("begin");
    for key in ["test-a", "test-b"] {
        let w = store.transaction().expect("write");
        put(&w, key);
        w.commit().expect("commit part");
    }
    assert!(store.end_batch(true).expect("end"), "a clean batch commits");
    assert_eq!(meta_keys(&store), ["test-a", "test-b"]);

    store.begin_batch().expect("begin");
    {
        let w = store.transaction().expect("write");
        put(&w, "test-c");
        w.commit().expect("commit part");
    }
    put(&store.transaction().expect("write"), "test-d");
    assert!(
        !store.end_batch(true).expect("end"),
        "a spoiled batch rolls back"
    );
    assert_eq!(
        meta_keys(&store),
        ["test-a", "test-b"],
        "nothing of a spoiled batch is kept, not even its finished parts"
    );

    // Outside a batch, a write is its own savepoint.
    put(&store.transaction().expect("write"), "test-e");
    let w = store.transaction().expect("write");
    put(&w, "test-f");
    w.commit().expect("commit");
    assert_eq!(meta_keys(&store), ["test-a", "test-b", "test-f"]);
}

fn plan(store: &Store, sql: &str) -> String {
    let mut stmt = store
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("plan");
    stmt.query_map([], |r| r.get::<_, String>(3))
        .expect("rows")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows")
        .join("; ")
}

fn demo_doc(seed: u64) -> RecordDoc {
    use carnet_core::demo::DemoGenerator;
    use carnet_core::{Actor, Codebook, MemberId};
    let member = MemberId::from_uuid(uuid::Uuid::from_u128(1));
    let at = Timestamp::from_millis(1_700_000_000_000);
    let (id, record) = DemoGenerator::new(seed, at, vec![member]).next_record();
    RecordDoc::create(
        id,
        &record,
        &Codebook::any(),
        &Actor::new(member, [1; 8]),
        at,
    )
    .expect("doc")
}

#[test]
fn a_notebook_of_the_first_format_is_brought_to_this_one_on_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A notebook of the first format, with a record and a chunk: no
    // sync-status indexes, and the snapshots in `records`.
    let mut doc = demo_doc(3);
    {
        let conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        conn.execute_batch(schema::CREATE).expect("format 1");
        conn.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = 1;",
            schema::APPLICATION_ID
        ))
        .expect("format 1");
        conn.execute(
            "INSERT INTO records (id, kind, snapshot, chunk_count, updated_at) VALUES (?1, ?2, ?3, 1, 0)",
            params![doc.id().to_string(), doc.kind().code(), doc.save()],
        )
        .expect("record");
        conn.execute(
            "INSERT INTO chunks (record_rowid, seq, bytes) VALUES (?1, 0, x'')",
            [conn.last_insert_rowid()],
        )
        .expect("chunk");
    }
    let store = Store::open(dir.path(), &Default::default()).expect("open");
    // The first statement after the migration may be a checkpoint.
    store.checkpoint().expect("checkpoint");
    let version: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, schema::FORMAT_VERSION);
    let indexes: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
             AND name IN ('records_waiting', 'records_rejected')",
            [],
            |r| r.get(0),
        )
        .expect("indexes");
    assert_eq!(indexes, 2);
    // The record kept its snapshot and its chunk.
    let stored = store.load(doc.id()).expect("load").expect("the record");
    assert_eq!(stored.snapshot, doc.save());
    assert_eq!(stored.chunks, vec![Vec::<u8>::new()]);
    let columns: Vec<String> = store
        .conn()
        .prepare("SELECT name FROM pragma_table_info('records')")
        .expect("columns")
        .query_map([], |r| r.get(0))
        .expect("columns")
        .collect::<rusqlite::Result<_>>()
        .expect("columns");
    assert!(!columns.iter().any(|c| c == "snapshot"), "{columns:?}");
    drop(store);
    // Opening again changes nothing.
    let store = Store::open(dir.path(), &Default::default()).expect("open again");
    assert!(store.load(doc.id()).expect("load").is_some());
    drop(store);

    // A newer format is refused, not rewritten.
    let newer = schema::FORMAT_VERSION + 1;
    super::keys::raw_connection(dir.path(), &Default::default())
        .expect("open")
        .execute_batch(&format!("PRAGMA user_version = {newer};"))
        .expect("upgrade");
    assert!(matches!(
        Store::open(dir.path(), &Default::default()),
        Err(ClientError::NewerFormat(v)) if v == newer
    ));
}

#[test]
fn a_cached_statement_is_planned_once_whatever_is_bound_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::create(dir.path(), &Default::default()).expect("create");
    let at = Timestamp::from_millis(1_700_000_000_000);
    let mut rowids = Vec::new();
    for seed in 0..3 {
        let w = store.transaction().expect("write");
        rowids.push(write::insert(&w, &mut demo_doc(seed), at).expect("insert"));
        w.commit().expect("commit");
    }
    for round in 0..4 {
        for rowid in &rowids {
            let w = store.transaction().expect("write");
            write::append_or_compact(&w, *rowid, &[round], at, || None).expect("append");
            w.commit().expect("commit");
        }
    }
    // Without the planner's stability guarantee, rusqlite's clearing
    // of the bindings made SQLite parse and plan this statement again
    // at every use.
    let reprepared = store
        .conn()
        .prepare_cached(write::APPEND_CHUNK)
        .expect("cached")
        .get_status(rusqlite::StatementStatus::RePrepare);
    assert_eq!(reprepared, 0);
}

#[test]
fn a_batch_commits_without_checkpointing_and_checkpoint_catches_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::create(dir.path(), &Default::default()).expect("create");
    let pragma = |store: &Store, name: &str| -> i64 {
        store
            .conn()
            .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .expect(name)
    };
    let db_size = || {
        std::fs::metadata(dir.path().join(DB_FILE))
            .expect("db")
            .len()
    };
    store.checkpoint().expect("start from an empty log");
    let before = db_size();

    // 4 MB of rows, more than SQLite's usual checkpoint threshold.
    store.begin_batch().expect("begin");
    let blob = vec![7u8; 1000];
    for k in 0..4000 {
        let w = store.transaction().expect("write");
        w.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            params![format!("test-{k}"), blob],
        )
        .expect("insert");
        w.commit().expect("commit part");
    }
    assert!(store.end_batch(true).expect("end"));
    assert_eq!(db_size(), before, "the batch stayed in the log");
    // Nor does an ordinary write after it checkpoint.
    let w = store.transaction().expect("write");
    put(&w, "test-after");
    w.commit().expect("commit");
    assert_eq!(db_size(), before);

    let log = store.checkpoint().expect("checkpoint");
    assert!(log > 1000, "the log held the batch ({log} pages)");
    assert!(db_size() > before + 4_000_000, "the file holds it now");
    assert_eq!(pragma(&store, "wal_autocheckpoint"), AUTOCHECKPOINT_PAGES);
    let rows: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM meta WHERE key LIKE 'test-%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(rows, 4001);
}

#[test]
fn the_sync_status_reads_small_indexes_not_the_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::create(dir.path(), &Default::default()).expect("create");
    // Only the index (its entries are the records waiting).
    let waiting = plan(&store, crate::sync::store::COUNT_WAITING);
    assert_eq!(
        waiting, "SCAN records USING COVERING INDEX records_waiting",
        "{waiting}"
    );
    // Only the refused records' rows.
    let rejected = plan(&store, crate::sync::store::LIST_REJECTED);
    assert_eq!(
        rejected, "SCAN records USING INDEX records_rejected",
        "{rejected}"
    );
}
