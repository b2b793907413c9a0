"""The full-text index on each database engine, behind one small interface.

SQLite: an FTS5 table over `tours_searchentry.terms` (external content, kept in step by
triggers), with a one-character prefix index for single-character queries.
PostgreSQL: a stored `tsvector` of the same terms (`simple` configuration: no stemming,
no stop words) under a GIN index. Both are created by migration 0003.

Each answers with entry keys in descending order, i.e. newest records first within a
kind; key ranges select a kind and its public part (`documents.id_range`).
"""

from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import connection

from .documents import PRIVATE_BIT, id_range
from .text import Query

FTS_TABLE = "tours_searchentry_fts"

# The triggers of migration 0003 that copy each insert and delete into the FTS5 table.
SQLITE_TRIGGERS = {
    "tours_searchentry_ai": f"""CREATE TRIGGER tours_searchentry_ai
        AFTER INSERT ON tours_searchentry BEGIN
        INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (new.id, new.terms); END""",
    "tours_searchentry_ad": f"""CREATE TRIGGER tours_searchentry_ad
        AFTER DELETE ON tours_searchentry BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, terms)
        VALUES ('delete', old.id, old.terms); END""",
}


class Backend:
    #: SQL selecting `{column}` of the entries that match, within a key range.
    matching: str
    #: The entry key's column.
    key: str
    #: A condition keeping entries of the trips `{trips}` selects (a subquery of trip ids).
    within_trips: str

    def expression(self, query: Query) -> str:
        raise NotImplementedError

    def _select(self, query, kind, public_only, *, column=None, within=None):
        """The matching entries of one kind; `within` (a Trip queryset) keeps its trips'."""
        low, high = id_range(kind, public_only=public_only)
        sql = self.matching.format(column=column or self.key)
        params = [self.expression(query), low, high]
        if within is not None:
            try:
                trips, trip_params = within.order_by().values("pk").query.sql_with_params()
            except EmptyResultSet:  # .none(): no trips at all
                sql += " AND 1 = 0"
            else:
                sql += self.within_trips.format(trips=trips)
                params += trip_params
        return sql, params

    def counts(
        self, query: Query, kinds, *, public_only: bool, cap: int, within=None
    ) -> dict[int, int]:
        """Matches per kind, counting at most `cap + 1` of each (one round trip)."""
        parts, params = [], []
        for kind in kinds:
            sql, args = self._select(query, kind, public_only, within=within)
            parts.append(f"SELECT {int(kind)}, (SELECT count(*) FROM ({sql} LIMIT %s) AS m)")
            params += [*args, cap + 1]
        return dict(self._fetch(" UNION ALL ".join(parts), params))

    def ids(self, query, kind, *, public_only, offset=0, limit=20, within=None) -> list[int]:
        """Keys of matching records of one kind, newest first."""
        sql, params = self._select(query, kind, public_only, within=within)
        rows = self._fetch(
            f"{sql} ORDER BY {self.key} DESC LIMIT %s OFFSET %s", [*params, limit, offset]
        )
        return [key & (PRIVATE_BIT - 1) for (key,) in rows]

    def top_ids(self, query, kinds, *, public_only, limit, within=None) -> dict[int, list[int]]:
        """The newest `limit` matches of each kind, in one round trip."""
        parts, params = [], []
        for kind in kinds:
            sql, args = self._select(
                query, kind, public_only, column=f"{self.key} AS k", within=within
            )
            parts.append(
                f"SELECT {int(kind)} AS kind, k FROM "
                f"({sql} ORDER BY {self.key} DESC LIMIT %s) AS m{int(kind)}"
            )
            params += [*args, limit]
        found = {kind: [] for kind in kinds}
        for kind, key in self._fetch(" UNION ALL ".join(parts), params):
            found[kind].append(key & (PRIVATE_BIT - 1))
        for keys in found.values():
            keys.sort(reverse=True)
        return found

    def object_ids_sql(self, query, kind, *, public_only) -> tuple[str, list]:
        """A subquery of matching records' own keys, for `pk__in=RawSQL(...)`."""
        return self._select(query, kind, public_only, column=f"{self.key} & {PRIVATE_BIT - 1}")

    @contextmanager
    def bulk_load(self):
        """Around a rebuild inside a transaction: index maintenance may wait for the end."""
        yield

    def _execute(self, *statements):
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def _fetch(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class SQLiteBackend(Backend):
    key = "rowid"
    within_trips = " AND rowid IN (SELECT id FROM tours_searchentry WHERE trip_id IN ({trips}))"
    matching = (
        f"SELECT {{column}} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid BETWEEN %s AND %s"
    )

    def expression(self, query):
        # FTS5 strings in double quotes: whatever they hold is a token, never an operator.
        phrases = []
        for term in query.terms:
            quoted = '"' + " ".join(term.tokens) + '"'
            phrases.append(f"{quoted}*" if term.is_prefix else quoted)
        return " AND ".join(phrases)

    @contextmanager
    def bulk_load(self):
        # Row-by-row trigger work grows with the index (10 minutes for 300,000 entries);
        # one 'rebuild' from the entries table at the end takes seconds, given a page
        # cache big enough for the index being merged (the default is 2 MB).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (cache_size,) = cursor.fetchone()
        self._execute(
            "PRAGMA cache_size = -262144",  # KiB: 256 MB, for this connection only
            *(f"DROP TRIGGER {name}" for name in SQLITE_TRIGGERS),
        )
        try:
            yield
            self._execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            self._execute(*SQLITE_TRIGGERS.values())
        finally:
            self._execute(f"PRAGMA cache_size = {int(cache_size)}")


class PostgresBackend(Backend):
    key = "id"
    within_trips = " AND trip_id IN ({trips})"
    matching = (
        "SELECT {column} FROM tours_searchentry "
        "WHERE vector @@ to_tsquery('simple', %s) AND id BETWEEN %s AND %s"
    )

    def expression(self, query):
        # Tokens hold only letters, digits and Han characters, so quoting them is enough.
        phrases = []
        for term in query.terms:
            lexemes = [f"'{token}'" for token in term.tokens]
            phrase = " <-> ".join(lexemes)
            phrases.append(f"{phrase}:*" if term.is_prefix else f"({phrase})")
        return " & ".join(phrases)

    @contextmanager
    def bulk_load(self):
        # Building a GIN index once is much cheaper than updating it entry by entry.
        self._execute("DROP INDEX tours_searchentry_vector_gin")
        yield
        self._execute(
            "CREATE INDEX tours_searchentry_vector_gin ON tours_searchentry USING gin (vector)",
            # Fresh statistics at once, rather than plans guessed until autovacuum comes by.
            "ANALYZE tours_searchentry",
        )


def get_backend() -> Backend:
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    if connection.vendor == "postgresql":
        return PostgresBackend()
    raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {connection.vendor}.")
