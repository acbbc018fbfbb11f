-- Editions, their events, rooms, tracks, speakers and sessions: the work-in-progress schedule.
CREATE TABLE editions (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    venue       TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('main', 'co-located')),
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE rooms (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    area        TEXT,
    capacity    INTEGER CHECK (capacity >= 0),
    position    INTEGER NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE tracks (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE speakers (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    affiliation TEXT,
    role        TEXT,
    bio         TEXT NOT NULL,
    UNIQUE (edition_id, slug)
);

-- A session dropped from the schedule stays, canceled, so bookmarks of it can say so.
CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    edition_id       INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    guid             TEXT NOT NULL,
    source_uid       TEXT,
    event_id         INTEGER REFERENCES events(id) ON DELETE SET NULL,
    state            TEXT NOT NULL CHECK (state IN ('scheduled', 'canceled')),
    title            TEXT NOT NULL,
    abstract         TEXT NOT NULL,
    session_type     TEXT NOT NULL,
    track_id         INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes >= 0),
    url              TEXT,
    position         INTEGER NOT NULL,
    UNIQUE (edition_id, guid)
);

CREATE TABLE session_speakers (
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    speaker_id  INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    PRIMARY KEY (session_id, speaker_id)
);
CREATE INDEX session_speakers_speaker ON session_speakers (speaker_id);

CREATE TABLE slots (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    room_id     INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL CHECK (ends_at >= starts_at)
);
CREATE INDEX slots_session ON slots (session_id);

-- A release is immutable: the whole schedule and its changelog, as JSON.
CREATE TABLE releases (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number > 0),
    released_at INTEGER NOT NULL,
    schedule    TEXT NOT NULL,
    changes     TEXT NOT NULL,
    UNIQUE (edition_id, number)
);

CREATE TABLE attendees (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    handle      TEXT NOT NULL,
    UNIQUE (edition_id, handle)
);

CREATE TABLE bookmarks (
    attendee_id INTEGER NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (attendee_id, session_id)
);
CREATE INDEX bookmarks_session ON bookmarks (session_id);
