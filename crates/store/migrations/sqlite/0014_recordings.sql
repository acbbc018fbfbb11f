-- What is published of a session after it ran: its video (with where the talk starts in it,
-- for a talk inside a day-long livestream), slides and captions. Changes without a release.
CREATE TABLE recordings (
    session_id  INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    url         TEXT,
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    slides      TEXT,
    captions    TEXT,
    updated_at  INTEGER NOT NULL
);

-- Bumped by every import of an edition's recordings, so that servers re-render its pages.
CREATE TABLE recording_versions (
    edition_id  INTEGER PRIMARY KEY REFERENCES editions(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL
);

-- How far an account got in a session's recording, as its devices last said (device time in
-- milliseconds: the latest wins, whatever order the saves arrive in).
CREATE TABLE watch_positions (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    duration    INTEGER CHECK (duration >= 0),
    finished    INTEGER NOT NULL CHECK (finished IN (0, 1)),
    said_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX watch_positions_recent ON watch_positions (user_id, said_at);
