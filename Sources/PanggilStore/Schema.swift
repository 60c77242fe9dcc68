import GRDB

/// The store's schema. `docs/store.md` documents it for integrators who write tickets and events
/// from their own programs; changes here are new migrations, never edits of old ones.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key   TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                -- Tells a resuming display whether its last event id belongs to this database.
                INSERT INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));

                CREATE TABLE tickets (
                    id          INTEGER PRIMARY KEY AUTOINCREMENT,
                    public_code TEXT    NOT NULL UNIQUE,
                    prefix      TEXT    NOT NULL,  -- service at issue: numbering and the printed label
                    number      INTEGER NOT NULL,
                    day         TEXT    NOT NULL,  -- local day of issue, YYYY-MM-DD
                    service     TEXT    NOT NULL,  -- the queue it is in now
                    priority    INTEGER NOT NULL CHECK (priority IN (0, 1)),
                    state       TEXT    NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')),
                    counter     INTEGER,
                    issued_at   INTEGER NOT NULL,  -- milliseconds since 1970, UTC
                    queued_at   INTEGER NOT NULL,
                    called_at   INTEGER,
                    started_at  INTEGER,
                    finished_at INTEGER,
                    recalls     INTEGER NOT NULL DEFAULT 0,
                    transfers   INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (prefix, day, number)
                );
                CREATE INDEX tickets_queue ON tickets (state, day, service, priority, queued_at, id);

                CREATE TABLE counters (
                    number         INTEGER PRIMARY KEY,
                    state          TEXT    NOT NULL CHECK (state IN ('open', 'paused', 'closed')),
                    ticket_id      INTEGER REFERENCES tickets (id),
                    regular_streak INTEGER NOT NULL DEFAULT 0
                );

                CREATE TABLE events (
                    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
                    at        INTEGER NOT NULL,  -- milliseconds since 1970, UTC
                    day       TEXT    NOT NULL,  -- local day of `at`
                    type      TEXT    NOT NULL,
                    actor     TEXT    NOT NULL,
                    ticket_id INTEGER,
                    counter   INTEGER,
                    data      TEXT    NOT NULL DEFAULT '{}'
                );
                CREATE INDEX events_day_type ON events (day, type);

                -- The log is append-only: history is never rewritten.
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                """)
        }
        return migrator
    }
}
