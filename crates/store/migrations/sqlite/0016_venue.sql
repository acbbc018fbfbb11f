-- The venue during the event: door staff per edition, how full each session's room is (with
-- its history, for the organizers' figures), presence of people who opt in, contact requests
-- to presenters, and a rate limiter every replica shares.
CREATE TABLE door_staff (
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (edition_id, user_id)
);

CREATE TABLE room_fill (
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    session_guid  TEXT NOT NULL,
    people        INTEGER NOT NULL CHECK (people >= 0),
    mark          TEXT NOT NULL CHECK (mark IN ('none', 'filling', 'full')),
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (edition_id, session_guid)
);

CREATE TABLE fill_log (
    id            INTEGER PRIMARY KEY,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    session_guid  TEXT NOT NULL,
    at            INTEGER NOT NULL,
    people        INTEGER NOT NULL CHECK (people >= 0),
    mark          TEXT NOT NULL CHECK (mark IN ('none', 'filling', 'full')),
    by_user       INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX fill_log_session ON fill_log (edition_id, session_guid, id);

-- Off unless the person says so; `seen_at` is the last heartbeat or signed-in page.
CREATE TABLE presence_settings (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    visible     INTEGER NOT NULL,
    PRIMARY KEY (user_id, edition_id)
);
CREATE TABLE presence_seen (
    user_id  INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    seen_at  INTEGER NOT NULL
);

CREATE TABLE contact_requests (
    id            INTEGER PRIMARY KEY,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    session_guid  TEXT NOT NULL,
    presenter_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sender_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    sent_at       INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('new', 'answered', 'ignored')),
    answer        TEXT NOT NULL,
    answered_at   INTEGER
);
CREATE INDEX contact_requests_presenter ON contact_requests (presenter_id, edition_id);
CREATE INDEX contact_requests_sender ON contact_requests (sender_id, edition_id);

-- One row per counted attempt: `action` names what is limited, `subject` who (an account or
-- an address), so one table serves every limit.
CREATE TABLE rate_hits (
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX rate_hits_subject ON rate_hits (action, subject, at);
