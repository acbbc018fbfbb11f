-- Accounts, sessions, roles, API tokens and the mail outbox. Secrets are never stored: tokens
-- and session ids as their SHA-256 (hex), passwords as argon2id PHC strings.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    verified_at     INTEGER,
    site_organizer  INTEGER NOT NULL DEFAULT 0 CHECK (site_organizer IN (0, 1)),
    created_at      INTEGER NOT NULL
);

-- Single-use links sent by mail: e-mail verification and password reset.
CREATE TABLE user_tokens (
    hash        TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

CREATE TABLE login_sessions (
    hash        TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);

-- A role in an edition: event NULL means the whole edition; tracks '*' or slugs joined by ','.
CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    event       TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL CHECK (role IN ('organizer', 'co-chair', 'reviewer', 'speaker', 'attendee')),
    tracks      TEXT NOT NULL DEFAULT '',
    UNIQUE (user_id, edition_id, event, role)
);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    hash          TEXT NOT NULL UNIQUE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    event         TEXT NOT NULL DEFAULT '',
    access        TEXT NOT NULL CHECK (access IN ('read', 'write')),
    label         TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);

-- Failed logins, counted per account and per address over a window, on every replica alike.
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

-- Mail to send. 'sending' is written before the SMTP transaction starts, so a crash between
-- sending and marking leaves a trace, and such a message is never sent again by itself.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
