"""The search index: entries as a table, and over it each engine's full-text index.

SQLite: an FTS5 table with the entries table as its external content, kept in step by
triggers, with a one-character prefix index for single-character queries. PostgreSQL: a
stored tsvector of the terms ('simple': no stemming, no stop words) under a GIN index.
Rebuilding the entries table on SQLite (an AlterField that remakes it) would drop the
triggers: a later migration doing that must create them again.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    """CREATE VIRTUAL TABLE tours_searchentry_fts USING fts5(
        terms, content='tours_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='1')""",
    """CREATE TRIGGER tours_searchentry_ai AFTER INSERT ON tours_searchentry BEGIN
        INSERT INTO tours_searchentry_fts(rowid, terms) VALUES (new.id, new.terms);
    END""",
    """CREATE TRIGGER tours_searchentry_ad AFTER DELETE ON tours_searchentry BEGIN
        INSERT INTO tours_searchentry_fts(tours_searchentry_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms);
    END""",
    """CREATE TRIGGER tours_searchentry_au AFTER UPDATE ON tours_searchentry BEGIN
        INSERT INTO tours_searchentry_fts(tours_searchentry_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms);
        INSERT INTO tours_searchentry_fts(rowid, terms) VALUES (new.id, new.terms);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS tours_searchentry_au",
    "DROP TRIGGER IF EXISTS tours_searchentry_ad",
    "DROP TRIGGER IF EXISTS tours_searchentry_ai",
    "DROP TABLE IF EXISTS tours_searchentry_fts",
]
POSTGRESQL = [
    """ALTER TABLE tours_searchentry ADD COLUMN vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED""",
    "CREATE INDEX tours_searchentry_vector_gin ON tours_searchentry USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS tours_searchentry_vector_gin",
    "ALTER TABLE tours_searchentry DROP COLUMN IF EXISTS vector",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('tours', '0003_review'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('kind', models.PositiveSmallIntegerField(verbose_name='kind')),
                ('object_id', models.PositiveBigIntegerField(verbose_name='record')),
                ('terms', models.TextField(verbose_name='index terms')),
                ('trip', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tours.trip', verbose_name='trip')),
            ],
            options={
                'verbose_name': 'search index entry',
                'verbose_name_plural': 'search index entries',
                'ordering': ['id'],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
