//! `SELECT COUNT(*) FROM (<query> LIMIT n)`: a count that stops after `n` rows, computed by the
//! database (SQL has no "count up to"; Diesel has no subquery in `FROM`). The rows are never
//! sent to the application: counting 10,001 index entries costs a fraction of a millisecond,
//! loading their ids into a vector many times that.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::BigInt;
use diesel::{QueryResult, RunQueryDsl};

/// The number of rows `inner` returns; `inner` carries its own `LIMIT`.
#[derive(Debug, Clone)]
pub struct CountOf<Q>(pub Q);

impl<Q> Query for CountOf<Q> {
    type SqlType = BigInt;
}

impl<Q> QueryId for CountOf<Q> {
    type QueryId = ();
    // The inner query is boxed: its SQL differs with each filter, so no statement is cached.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> QueryFragment<DB> for CountOf<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("SELECT COUNT(*) FROM (");
        self.0.walk_ast(out.reborrow())?;
        // PostgreSQL requires the derived table to be named.
        out.push_sql(") AS bounded");
        Ok(())
    }
}

impl<Q, Conn> RunQueryDsl<Conn> for CountOf<Q> {}
