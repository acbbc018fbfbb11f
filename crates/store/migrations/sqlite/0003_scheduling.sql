-- Sessions an organizer fixed where they are, and the timetables the optimizer proposed.
CREATE TABLE session_pins (
    session_id  INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    pinned_at   INTEGER NOT NULL
);

-- A proposal is immutable and read whole: its placements and figures are JSON.
CREATE TABLE proposals (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number > 0),
    created_at  INTEGER NOT NULL,
    body        TEXT NOT NULL,
    applied_at  INTEGER,
    UNIQUE (edition_id, number)
);
