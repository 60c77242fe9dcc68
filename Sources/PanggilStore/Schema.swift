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

                -- The CHECKs keep rows written by other programs readable: Panggil refuses bad rows
                -- when they are written rather than failing when it reads them.
                CREATE TABLE tickets (
                    id          INTEGER PRIMARY KEY AUTOINCREMENT,
                    public_code TEXT    NOT NULL UNIQUE,
                    prefix      TEXT    NOT NULL,  -- service at issue: numbering and the printed label
                    number      INTEGER NOT NULL CHECK (typeof(number) = 'integer' AND number > 0),
                    day         TEXT    NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                    service     TEXT    NOT NULL,  -- the queue it is in now
                    priority    INTEGER NOT NULL CHECK (priority IN (0, 1)),
                    state       TEXT    NOT NULL CHECK (state IN ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled')),
                    counter     INTEGER CHECK (counter IS NULL OR typeof(counter) = 'integer'),
                    issued_at   INTEGER NOT NULL CHECK (typeof(issued_at) = 'integer'),  -- ms since 1970, UTC
                    queued_at   INTEGER NOT NULL CHECK (typeof(queued_at) = 'integer'),
                    called_at   INTEGER CHECK (called_at IS NULL OR typeof(called_at) = 'integer'),
                    started_at  INTEGER CHECK (started_at IS NULL OR typeof(started_at) = 'integer'),
                    finished_at INTEGER CHECK (finished_at IS NULL OR typeof(finished_at) = 'integer'),
                    recalls     INTEGER NOT NULL DEFAULT 0 CHECK (typeof(recalls) = 'integer'),
                    transfers   INTEGER NOT NULL DEFAULT 0 CHECK (typeof(transfers) = 'integer'),
                    UNIQUE (prefix, day, number)
                );
                CREATE INDEX tickets_queue ON tickets (state, day, service, priority, queued_at, id);

                CREATE TABLE counters (
                    number         INTEGER PRIMARY KEY,
                    state          TEXT    NOT NULL CHECK (state IN ('open', 'paused', 'closed')),
                    ticket_id      INTEGER REFERENCES tickets (id),
                    regular_streak INTEGER NOT NULL DEFAULT 0 CHECK (typeof(regular_streak) = 'integer')
                );

                CREATE TABLE events (
                    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
                    at        INTEGER NOT NULL CHECK (typeof(at) = 'integer'),  -- ms since 1970, UTC
                    day       TEXT    NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                    type      TEXT    NOT NULL CHECK (type IN (
                        'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.started', 'ticket.completed',
                        'ticket.no_show', 'ticket.requeued', 'ticket.transferred', 'ticket.cancelled',
                        'counter.changed')),
                    actor     TEXT    NOT NULL,
                    ticket_id INTEGER CHECK (ticket_id IS NULL OR typeof(ticket_id) = 'integer'),
                    counter   INTEGER CHECK (counter IS NULL OR typeof(counter) = 'integer'),
                    data      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
                    -- A ticket event carries what displays show without another lookup. (`IS`, not `=`:
                    -- a CHECK that evaluates to NULL passes.)
                    CHECK (ticket_id IS NULL OR (
                        json_type(data, '$.prefix') IS 'text' AND json_type(data, '$.number') IS 'integer'
                        AND json_type(data, '$.service') IS 'text' AND json_type(data, '$.ticket_day') IS 'text')),
                    CHECK (type != 'counter.changed' OR (
                        typeof(counter) = 'integer'
                        AND coalesce(json_extract(data, '$.counter_state'), '') IN ('open', 'paused', 'closed')))
                );
                CREATE INDEX events_day_type ON events (day, type);

                -- Each database numbers its events from its own random starting point (a multiple of
                -- 10^9 below 2^53, so JavaScript reads it exactly). A display that comes back with an
                -- event id from another database, after a reset or a restore, is then recognised as a
                -- stranger and gets a fresh snapshot instead of a wrong replay.
                INSERT INTO sqlite_sequence (name, seq)
                VALUES ('events', (1 + abs(random() % 8999999)) * 1000000000);
                INSERT INTO meta (key, value) SELECT 'seq_base', seq FROM sqlite_sequence WHERE name = 'events';

                -- The log is append-only: history is never rewritten.
                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                """)
        }
        migrator.registerMigration("v2: announcement and broadcast events") { db in
            // SQLite cannot change a CHECK in place: the log is copied into a table with the wider type
            // list and renamed, keeping every row, the sequence (and with it the random base that
            // identifies this database) and the append-only triggers. The broadcast types are admitted
            // now so that adding broadcasts needs no second copy of the log.
            try db.execute(sql: """
                CREATE TEMP TABLE carried_sequence AS SELECT seq FROM sqlite_sequence WHERE name = 'events';
                DROP TRIGGER events_append_only_update;
                DROP TRIGGER events_append_only_delete;

                CREATE TABLE events_v2 (
                    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
                    at        INTEGER NOT NULL CHECK (typeof(at) = 'integer'),  -- ms since 1970, UTC
                    day       TEXT    NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                    type      TEXT    NOT NULL CHECK (type IN (
                        'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.started', 'ticket.completed',
                        'ticket.no_show', 'ticket.requeued', 'ticket.transferred', 'ticket.cancelled',
                        'counter.changed', 'announcement.started', 'announcement.finished',
                        'broadcast.started', 'broadcast.ended')),
                    actor     TEXT    NOT NULL,
                    ticket_id INTEGER CHECK (ticket_id IS NULL OR typeof(ticket_id) = 'integer'),
                    counter   INTEGER CHECK (counter IS NULL OR typeof(counter) = 'integer'),
                    data      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
                    CHECK (ticket_id IS NULL OR (
                        json_type(data, '$.prefix') IS 'text' AND json_type(data, '$.number') IS 'integer'
                        AND json_type(data, '$.service') IS 'text' AND json_type(data, '$.ticket_day') IS 'text')),
                    CHECK (type != 'counter.changed' OR (
                        typeof(counter) = 'integer'
                        AND coalesce(json_extract(data, '$.counter_state'), '') IN ('open', 'paused', 'closed'))),
                    -- An announcement names what it announces (the event that asked for it) and its zone;
                    -- its end says how it ended.
                    CHECK (type NOT IN ('announcement.started', 'announcement.finished') OR (
                        json_type(data, '$.announcement') IS 'integer' AND json_type(data, '$.zone') IS 'text')),
                    CHECK (type != 'announcement.finished' OR coalesce(json_extract(data, '$.outcome'), '')
                        IN ('played', 'failed', 'dropped', 'interrupted', 'skipped'))
                );
                INSERT INTO events_v2 (seq, at, day, type, actor, ticket_id, counter, data)
                    SELECT seq, at, day, type, actor, ticket_id, counter, data FROM events;
                DROP TABLE events;
                ALTER TABLE events_v2 RENAME TO events;
                DELETE FROM sqlite_sequence WHERE name IN ('events', 'events_v2');
                INSERT INTO sqlite_sequence (name, seq) SELECT 'events', seq FROM temp.carried_sequence;
                DROP TABLE temp.carried_sequence;
                CREATE INDEX events_day_type ON events (day, type);

                CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                """)
        }
        migrator.registerMigration("v3: broadcasts") { db in
            // The broadcasts now active (and those ended, for reports); their start and end are also
            // `broadcast.*` events in the log, written in the same transaction.
            try db.execute(sql: """
                CREATE TABLE broadcasts (
                    id         INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind       TEXT    NOT NULL CHECK (kind IN ('notice', 'emergency')),
                    text       TEXT    NOT NULL CHECK (length(trim(text)) BETWEEN 1 AND 500),
                    zones      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(zones) AND json_type(zones) = 'array'),
                    started_at INTEGER NOT NULL CHECK (typeof(started_at) = 'integer'),  -- ms since 1970, UTC
                    started_by TEXT    NOT NULL,
                    ended_at   INTEGER CHECK (ended_at IS NULL OR typeof(ended_at) = 'integer'),
                    ended_by   TEXT
                );
                CREATE INDEX broadcasts_active ON broadcasts (ended_at);
                """)
        }
        migrator.registerMigration("v4: users, devices and sessions") { db in
            // Passwords as bcrypt hashes; device and session tokens as SHA-256 hashes (they are long
            // random strings, so a fast hash is enough and lets a request find its row).
            try db.execute(sql: """
                CREATE TABLE users (
                    name          TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
                    role          TEXT    NOT NULL CHECK (role IN ('admin', 'supervisor', 'staff')),
                    password_hash TEXT    NOT NULL,
                    counters      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(counters) AND json_type(counters) = 'array'),
                    created_at    INTEGER NOT NULL CHECK (typeof(created_at) = 'integer')
                );
                CREATE TABLE devices (
                    id         INTEGER PRIMARY KEY AUTOINCREMENT,
                    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
                    kind       TEXT    NOT NULL CHECK (kind IN ('kiosk', 'integration')),
                    token_hash TEXT    NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL CHECK (typeof(created_at) = 'integer'),
                    revoked_at INTEGER CHECK (revoked_at IS NULL OR typeof(revoked_at) = 'integer')
                );
                CREATE UNIQUE INDEX devices_active_name ON devices (name) WHERE revoked_at IS NULL;
                CREATE TABLE sessions (
                    token_hash TEXT    PRIMARY KEY,
                    user       TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v5: broadcast windows") { db in
            // A broadcast can be posted ahead (`scheduled` = 1 until the server starts it), end by itself
            // (`until`), be said once on the loudspeakers (`spoken`), carry an English text, and name
            // the part of the schedule that posted it (`occasion`); `started_event` is its `broadcast.started`; `services` are those a break stops.
            try db.execute(sql: """
                ALTER TABLE broadcasts ADD COLUMN text_en TEXT CHECK (text_en IS NULL OR length(trim(text_en)) BETWEEN 1 AND 500);
                ALTER TABLE broadcasts ADD COLUMN until INTEGER CHECK (until IS NULL OR (typeof(until) = 'integer' AND until > started_at));
                ALTER TABLE broadcasts ADD COLUMN spoken INTEGER NOT NULL DEFAULT 0 CHECK (spoken IN (0, 1));
                ALTER TABLE broadcasts ADD COLUMN occasion TEXT CHECK (occasion IS NULL OR occasion IN ('break', 'closing'));
                ALTER TABLE broadcasts ADD COLUMN scheduled INTEGER NOT NULL DEFAULT 0 CHECK (scheduled IN (0, 1));
                ALTER TABLE broadcasts ADD COLUMN started_event INTEGER;
                ALTER TABLE broadcasts ADD COLUMN services TEXT NOT NULL DEFAULT '[]'
                    CHECK (json_valid(services) AND json_type(services) = 'array');
                """)
        }
        migrator.registerMigration("v6: event retention") { db in
            // The log stays append-only, with one deliberate exception: the days before
            // `retained_since` may be deleted, and that mark only ever moves forward. Until a site
            // sets a retention, the mark is before every day and nothing can be deleted.
            try db.execute(sql: """
                INSERT INTO meta (key, value) VALUES ('retained_since', '0000-00-00');
                DROP TRIGGER events_append_only_delete;
                CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                WHEN OLD.day >= (SELECT value FROM meta WHERE key = 'retained_since')
                BEGIN SELECT RAISE(ABORT, 'events are append-only (only days before retained_since may be pruned)'); END;
                CREATE TRIGGER meta_retained_since_forward BEFORE UPDATE ON meta
                WHEN OLD.key = 'retained_since' AND (NEW.key != OLD.key OR NEW.value < OLD.value)
                BEGIN SELECT RAISE(ABORT, 'retained_since only moves forward'); END;
                CREATE TRIGGER meta_retained_since_kept BEFORE DELETE ON meta
                WHEN OLD.key = 'retained_since'
                BEGIN SELECT RAISE(ABORT, 'retained_since only moves forward'); END;
                """)
        }
        return migrator
    }
}
