-- What schedule interchange formats carry beyond the first import: a day that changes after
-- midnight, subtitles, descriptions apart from abstracts, languages, recording opt-outs, and
-- slots whose room is not known yet.
ALTER TABLE editions ADD COLUMN day_change TEXT NOT NULL DEFAULT '00:00:00';
ALTER TABLE sessions ADD COLUMN subtitle TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN language TEXT;
ALTER TABLE sessions ADD COLUMN do_not_record INTEGER NOT NULL DEFAULT 0 CHECK (do_not_record IN (0, 1));

-- SQLite cannot drop NOT NULL from a column: the table is rebuilt.
CREATE TABLE slots_next (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    room_id     INTEGER REFERENCES rooms(id) ON DELETE SET NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL CHECK (ends_at >= starts_at)
);
INSERT INTO slots_next (id, session_id, room_id, starts_at, ends_at)
    SELECT id, session_id, room_id, starts_at, ends_at FROM slots;
DROP TABLE slots;
ALTER TABLE slots_next RENAME TO slots;
CREATE INDEX slots_session ON slots (session_id);
