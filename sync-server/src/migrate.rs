//! Moving a server from its SQLite file to PostgreSQL (`carnet-sync-server
//! migrate --from DATA_DIR --to postgres://…`): every table copied as it
//! is (teams, members, invitations, devices and their token hashes,
//! records, chunks, the feed's positions, tombstones, what each device is
//! credited with), so devices carry on against the new server without
//! joining again and without being sent whole records they hold; the key
//! invitation codes are hashed with goes to the new server's key file.
//!
//! The copy goes table by table, in batches, each batch committed; a row
//! already there is written again from the source. A migration that was
//! interrupted is simply run again: it ends with the source's rows, all
//! of them. (Stop the SQLite server first: rows it changes or erases while
//! the copy runs are not followed.)

use crate::db::Database;
use crate::error::ServerError;
use crate::sql::{Row, Sql, Value};

/// One table to copy: its columns, the ones of its primary key (first),
/// and those PostgreSQL keeps as booleans (SQLite keeps 0 and 1).
struct Table {
    name: &'static str,
    key: &'static [&'static str],
    columns: &'static [&'static str],
    booleans: &'static [&'static str],
}

/// In the order their references need.
const TABLES: &[Table] = &[
    Table {
        name: "teams",
        key: &["id"],
        columns: &["name", "workspace_id", "feed_seq", "created_at"],
        booleans: &[],
    },
    Table {
        name: "members",
        key: &["id"],
        columns: &[
            "team",
            "name",
            "role",
            "persons",
            "organisation",
            "created_at",
        ],
        booleans: &["persons"],
    },
    Table {
        name: "invitations",
        key: &["code_hash"],
        columns: &[
            "team",
            "role",
            "persons",
            "member",
            "organisation",
            "created_at",
            "expires_at",
            "used_at",
        ],
        booleans: &["persons"],
    },
    Table {
        name: "devices",
        key: &["id"],
        columns: &[
            "team",
            "member",
            "name",
            "token_hash",
            "created_at",
            "revoked_at",
            "last_seen",
            "credited_answer",
            "pending_answer",
            "answers",
        ],
        booleans: &[],
    },
    Table {
        name: "records",
        key: &["team", "id"],
        columns: &[
            "kind",
            "snapshot",
            "chunk_count",
            "heads",
            "snapshot_heads",
            "seq",
            "scope",
        ],
        booleans: &[],
    },
    Table {
        name: "chunks",
        key: &["team", "id", "n"],
        columns: &["bytes", "heads_after"],
        booleans: &[],
    },
    Table {
        name: "tombstones",
        key: &["team", "id"],
        columns: &["kind", "erased_by", "erased_at", "reason", "seq", "scope"],
        booleans: &[],
    },
    Table {
        name: "device_credit",
        key: &["device", "record"],
        columns: &["heads", "answer"],
        booleans: &[],
    },
    Table {
        name: "erased_changes",
        key: &["team", "hash"],
        columns: &[],
        booleans: &[],
    },
];

/// Rows read and written at once.
pub const BATCH: usize = 500;

/// Rows per `INSERT` (PostgreSQL takes at most 65,535 parameters).
const ROWS_PER_INSERT: usize = 100;

impl Table {
    fn all(&self) -> Vec<&'static str> {
        self.key
            .iter()
            .chain(self.columns.iter())
            .copied()
            .collect()
    }

    /// The next batch after `after` (the last key read), in key order.
    fn select(&self, after: Option<&[Value]>) -> (String, Vec<Value>) {
        let cols = self.all().join(", ");
        let key = self.key.join(", ");
        match after {
            None => (
                format!(
                    "SELECT {cols} FROM {} ORDER BY {key} LIMIT {BATCH}",
                    self.name
                ),
                Vec::new(),
            ),
            Some(last) => {
                let marks: Vec<String> = (1..=last.len()).map(|i| format!("${i}")).collect();
                (
                    format!(
                        "SELECT {cols} FROM {} WHERE ({key}) > ({}) ORDER BY {key} LIMIT {BATCH}",
                        self.name,
                        marks.join(", ")
                    ),
                    last.to_vec(),
                )
            }
        }
    }

    /// An upsert of `rows` rows.
    fn insert(&self, rows: usize) -> String {
        let all = self.all();
        let width = all.len();
        let values: Vec<String> = (0..rows)
            .map(|r| {
                let marks: Vec<String> =
                    (1..=width).map(|c| format!("${}", r * width + c)).collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let on_conflict = if self.columns.is_empty() {
            "DO NOTHING".to_string()
        } else {
            format!(
                "DO UPDATE SET {}",
                self.columns
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({}) {on_conflict}",
            self.name,
            all.join(", "),
            values.join(", "),
            self.key.join(", ")
        )
    }

    /// A row's values as PostgreSQL takes them.
    fn values(&self, row: Row) -> Vec<Value> {
        self.all()
            .into_iter()
            .zip(row.0)
            .map(|(column, v)| match v {
                Value::Int(i) if self.booleans.contains(&column) => Value::Bool(i != 0),
                other => other,
            })
            .collect()
    }
}

/// What was copied, by table.
pub type Copied = Vec<(&'static str, usize)>;

/// Copy every table of `from` (a SQLite server's database) into `to` (a
/// PostgreSQL one), batch by batch; `progress` is told after each batch
/// is committed (the table and the rows copied of it so far).
pub fn copy(
    from: &Database,
    to: &Database,
    mut progress: impl FnMut(&str, usize),
) -> Result<Copied, ServerError> {
    let mut copied = Vec::new();
    for table in TABLES {
        let mut after: Option<Vec<Value>> = None;
        let mut done = 0usize;
        loop {
            let (sql, args) = table.select(after.as_deref());
            let rows = from.write(|tx| tx.rows(&sql, &args))?;
            let Some(last) = rows.last() else { break };
            after = Some(last.0[..table.key.len()].to_vec());
            let n = rows.len();
            let values: Vec<Vec<Value>> = rows.into_iter().map(|r| table.values(r)).collect();
            to.write(|tx| insert(tx, table, &values))?;
            done += n;
            progress(table.name, done);
            if n < BATCH {
                break;
            }
        }
        copied.push((table.name, done));
    }
    Ok(copied)
}

fn insert(tx: &dyn Sql, table: &Table, rows: &[Vec<Value>]) -> Result<(), ServerError> {
    for group in rows.chunks(ROWS_PER_INSERT) {
        let args: Vec<Value> = group.iter().flatten().cloned().collect();
        tx.exec(&table.insert(group.len()), &args)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_follow_the_key_and_upserts_name_every_column() {
        let records = &TABLES[4];
        let (sql, args) = records.select(Some(&[Value::from("t"), Value::from("r")]));
        assert!(
            sql.contains("WHERE (team, id) > ($1, $2) ORDER BY team, id"),
            "{sql}"
        );
        assert_eq!(args.len(), 2);
        let insert = records.insert(2);
        assert!(
            insert.contains("($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10,"),
            "{insert}"
        );
        assert!(insert.ends_with("scope = excluded.scope"), "{insert}");
        let members = &TABLES[1];
        let row = Row(vec![
            Value::from("m"),
            Value::from("t"),
            Value::from("Aline"),
            Value::from("worker"),
            Value::Int(1),
            Value::Null,
            Value::Int(5),
        ]);
        assert_eq!(members.values(row)[4], Value::Bool(true));
        assert!(TABLES[8].insert(1).ends_with("DO NOTHING"));
    }
}
