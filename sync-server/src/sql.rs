//! The SQL both of the server's databases understand: statements written
//! once, with `$1`-style parameters (PostgreSQL's, and a named parameter
//! to SQLite, bound by its name), run through [`Sql`] on a transaction
//! of either. Values cross as [`Value`]s and rows come back as [`Row`]s,
//! so the store and the account operations hold no driver's types.
//!
//! What differs between the two stays with each: SQLite's file, pragmas
//! and schema in `db`, PostgreSQL's pool, schema and retries in `pg`.

use crate::error::ServerError;

/// Which database a statement goes to (for the few statements that
/// differ, such as row locks SQLite has no need of).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: one writer at a time, the whole database locked.
    Sqlite,
    /// PostgreSQL: transactions run side by side, rows are locked.
    Postgres,
}

impl Dialect {
    /// A row lock to end a `SELECT` with (`" FOR UPDATE"`, `" FOR
    /// SHARE"`) on PostgreSQL; nothing on SQLite, whose write transaction
    /// already holds the whole database.
    pub fn locking(self, clause: &'static str) -> &'static str {
        match self {
            Dialect::Postgres => clause,
            Dialect::Sqlite => "",
        }
    }
}

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL's NULL.
    Null,
    /// An integer (INTEGER in SQLite, BIGINT or INTEGER in PostgreSQL).
    Int(i64),
    /// A boolean (0 or 1 in SQLite).
    Bool(bool),
    /// Text.
    Text(String),
    /// Bytes (BLOB, BYTEA).
    Bytes(Vec<u8>),
    /// A list of texts, bound as PostgreSQL's `TEXT[]` (`= ANY($n)`).
    TextList(Vec<String>),
    /// A list of byte strings, bound as PostgreSQL's `BYTEA[]`.
    BytesList(Vec<Vec<u8>>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Self::Bytes(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Self::Bytes(v.to_vec())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// The values of a statement's parameters, `$1` first.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => {
        &[$($crate::sql::Value::from($v)),*][..]
    };
}

/// A row read back.
#[derive(Debug, Clone, Default)]
pub struct Row(pub Vec<Value>);

fn shape(i: usize, wanted: &str, got: &Value) -> ServerError {
    ServerError::Internal(format!(
        "a stored column ({i}) holds {got:?} where {wanted} was expected"
    ))
}

impl Row {
    fn at(&self, i: usize) -> Result<&Value, ServerError> {
        self.0
            .get(i)
            .ok_or_else(|| ServerError::Internal(format!("a row has no column {i}")))
    }

    /// An integer column.
    pub fn int(&self, i: usize) -> Result<i64, ServerError> {
        match self.at(i)? {
            Value::Int(v) => Ok(*v),
            other => Err(shape(i, "an integer", other)),
        }
    }

    /// An integer column that may be NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, ServerError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    /// A boolean column (an integer in SQLite).
    pub fn boolean(&self, i: usize) -> Result<bool, ServerError> {
        match self.at(i)? {
            Value::Bool(v) => Ok(*v),
            Value::Int(v) => Ok(*v != 0),
            other => Err(shape(i, "a boolean", other)),
        }
    }

    /// A text column.
    pub fn text(&self, i: usize) -> Result<String, ServerError> {
        match self.at(i)? {
            Value::Text(v) => Ok(v.clone()),
            other => Err(shape(i, "text", other)),
        }
    }

    /// A text column that may be NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, ServerError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    /// A bytes column.
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, ServerError> {
        match self.at(i)? {
            Value::Bytes(v) => Ok(v.clone()),
            other => Err(shape(i, "bytes", other)),
        }
    }

    /// A bytes column that may be NULL.
    pub fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, ServerError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            _ => self.bytes(i).map(Some),
        }
    }

    /// Take a bytes column out of the row (no copy).
    pub fn take_bytes(&mut self, i: usize) -> Result<Vec<u8>, ServerError> {
        match self.0.get_mut(i) {
            Some(Value::Bytes(v)) => Ok(std::mem::take(v)),
            Some(other) => Err(shape(i, "bytes", other)),
            None => Err(ServerError::Internal(format!("a row has no column {i}"))),
        }
    }
}

/// Statements run inside one transaction of either database.
pub trait Sql {
    /// Which database this is.
    fn dialect(&self) -> Dialect;
    /// The rows a statement returns.
    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, ServerError>;
    /// Run a statement; how many rows it changed.
    fn exec(&self, sql: &str, args: &[Value]) -> Result<u64, ServerError>;
    /// Commit what the transaction did so far and go on in a new one
    /// (begun with the next statement), so that the rows it locked are
    /// free for others (PostgreSQL, where rounds run side by side).
    /// SQLite: nothing (one writer at a time; a commit would cost a sync
    /// to disk for nothing).
    fn commit_so_far(&self) -> Result<(), ServerError> {
        Ok(())
    }
    /// Run statements in order and return each one's rows; with
    /// `commit`, then [`Sql::commit_so_far`]. PostgreSQL sends them all
    /// before it reads any answer (one round trip for all of them, made
    /// while the round may hold rows others wait for); a statement that
    /// fails leaves the transaction's later statements undone and the
    /// error is returned, with nothing committed. SQLite runs them one
    /// after the other.
    fn batch(
        &self,
        statements: &[(String, Vec<Value>)],
        commit: bool,
    ) -> Result<Vec<Vec<Row>>, ServerError> {
        let mut out = Vec::with_capacity(statements.len());
        for (sql, args) in statements {
            out.push(self.rows(sql, args)?);
        }
        if commit {
            self.commit_so_far()?;
        }
        Ok(out)
    }
    /// The first row a statement returns, if any.
    fn row(&self, sql: &str, args: &[Value]) -> Result<Option<Row>, ServerError> {
        Ok(self.rows(sql, args)?.into_iter().next())
    }
    /// The row a statement must return.
    fn one(&self, sql: &str, args: &[Value]) -> Result<Row, ServerError> {
        self.row(sql, args)?
            .ok_or_else(|| ServerError::Internal("a statement returned no row".into()))
    }
}

fn bind(stmt: &mut rusqlite::Statement<'_>, args: &[Value]) -> Result<(), ServerError> {
    use rusqlite::types::ToSqlOutput;
    for (i, value) in args.iter().enumerate() {
        let Some(index) = stmt.parameter_index(&format!("${}", i + 1))? else {
            // A value the statement does not use.
            continue;
        };
        let out = match value {
            Value::Null => ToSqlOutput::from(rusqlite::types::Null),
            Value::Int(v) => ToSqlOutput::from(*v),
            Value::Bool(v) => ToSqlOutput::from(*v),
            Value::Text(v) => ToSqlOutput::from(v.as_str()),
            Value::Bytes(v) => ToSqlOutput::from(v.as_slice()),
            Value::TextList(_) | Value::BytesList(_) => {
                return Err(ServerError::Internal(
                    "a list of values is bound to PostgreSQL only".into(),
                ))
            }
        };
        stmt.raw_bind_parameter(index, out)?;
    }
    Ok(())
}

fn sqlite_value(v: rusqlite::types::ValueRef<'_>) -> Result<Value, ServerError> {
    use rusqlite::types::ValueRef;
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Text(t) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|_| ServerError::Internal("a stored text is not UTF-8".into()))?
                .to_string(),
        ),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
        ValueRef::Real(_) => {
            return Err(ServerError::Internal(
                "a stored column holds a real number".into(),
            ))
        }
    })
}

/// SQLite: a connection (a transaction is one, dereferenced). Statements
/// are prepared once per connection and kept.
impl Sql for rusqlite::Connection {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn rows(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, ServerError> {
        let mut stmt = self.prepare_cached(sql)?;
        bind(&mut stmt, args)?;
        let width = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(sqlite_value(row.get_ref(i)?)?);
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn exec(&self, sql: &str, args: &[Value]) -> Result<u64, ServerError> {
        let mut stmt = self.prepare_cached(sql)?;
        bind(&mut stmt, args)?;
        Ok(stmt.raw_execute()? as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_binds_parameters_by_their_number_whatever_their_order() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT, c BLOB, d INTEGER)")
            .expect("table");
        conn.exec(
            "INSERT INTO t (b, a, c, d) VALUES ($2, $1, $3, $4)",
            args![7i64, "sept", vec![1u8, 2], true],
        )
        .expect("insert");
        let row = conn
            .one(
                "SELECT a, b, c, d, NULL FROM t WHERE b = $2 AND a = $1",
                args![7i64, "sept"],
            )
            .expect("row");
        assert_eq!(row.int(0).expect("a"), 7);
        assert_eq!(row.text(1).expect("b"), "sept");
        assert_eq!(row.bytes(2).expect("c"), vec![1, 2]);
        assert!(row.boolean(3).expect("d"));
        assert_eq!(row.opt_text(4).expect("null"), None);
        assert!(row.text(0).is_err(), "an integer is not text");
        assert_eq!(
            conn.exec("UPDATE t SET a = $1", args![8i64])
                .expect("update"),
            1
        );
    }
}
