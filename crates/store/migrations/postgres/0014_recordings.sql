-- What is published of a session after it ran: its video (with where the talk starts in it,
-- for a talk inside a day-long livestream), slides and captions. Changes without a release.
CREATE TABLE recordings (
    session_id  BIGINT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    url         TEXT,
    start_offset BIGINT NOT NULL CHECK (start_offset >= 0),
    slides      TEXT,
    captions    TEXT,
    updated_at  BIGINT NOT NULL
);

-- Bumped by every import of an edition's recordings, so that servers re-render its pages.
CREATE TABLE recording_versions (
    edition_id  BIGINT PRIMARY KEY REFERENCES editions(id) ON DELETE CASCADE,
    version     BIGINT NOT NULL
);

-- How far an account got in a session's recording, as its devices last said (device time in
-- milliseconds: the latest wins, whatever order the saves arrive in).
CREATE TABLE watch_positions (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id  BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL CHECK (position >= 0),
    duration    BIGINT CHECK (duration >= 0),
    finished    BOOLEAN NOT NULL,
    said_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, session_id)
);
CREATE INDEX watch_positions_recent ON watch_positions (user_id, said_at);
