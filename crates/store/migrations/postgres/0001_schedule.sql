-- Editions, their events, rooms, tracks, speakers and sessions: the work-in-progress schedule.
CREATE TABLE editions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    venue       TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('main', 'co-located')),
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    position    BIGINT NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE rooms (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    area        TEXT,
    capacity    BIGINT CHECK (capacity >= 0),
    position    BIGINT NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE tracks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    position    BIGINT NOT NULL,
    UNIQUE (edition_id, slug)
);

CREATE TABLE speakers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    affiliation TEXT,
    role        TEXT,
    bio         TEXT NOT NULL,
    UNIQUE (edition_id, slug)
);

-- A session dropped from the schedule stays, canceled, so bookmarks of it can say so.
CREATE TABLE sessions (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id       BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    guid             TEXT NOT NULL,
    source_uid       TEXT,
    event_id         BIGINT REFERENCES events(id) ON DELETE SET NULL,
    state            TEXT NOT NULL CHECK (state IN ('scheduled', 'canceled')),
    title            TEXT NOT NULL,
    abstract         TEXT NOT NULL,
    session_type     TEXT NOT NULL,
    track_id         BIGINT REFERENCES tracks(id) ON DELETE SET NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes >= 0),
    url              TEXT,
    position         BIGINT NOT NULL,
    UNIQUE (edition_id, guid)
);

CREATE TABLE session_speakers (
    session_id  BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    speaker_id  BIGINT NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    PRIMARY KEY (session_id, speaker_id)
);
CREATE INDEX session_speakers_speaker ON session_speakers (speaker_id);

CREATE TABLE slots (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    room_id     BIGINT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL CHECK (ends_at >= starts_at)
);
CREATE INDEX slots_session ON slots (session_id);

-- A release is immutable: the whole schedule and its changelog, as JSON.
CREATE TABLE releases (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    number      BIGINT NOT NULL CHECK (number > 0),
    released_at BIGINT NOT NULL,
    schedule    TEXT NOT NULL,
    changes     TEXT NOT NULL,
    UNIQUE (edition_id, number)
);

CREATE TABLE attendees (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    handle      TEXT NOT NULL,
    UNIQUE (edition_id, handle)
);

CREATE TABLE bookmarks (
    attendee_id BIGINT NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
    session_id  BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (attendee_id, session_id)
);
CREATE INDEX bookmarks_session ON bookmarks (session_id);
