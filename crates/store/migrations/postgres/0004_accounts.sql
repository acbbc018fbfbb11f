-- Accounts, sessions, roles, API tokens and the mail outbox. Secrets are never stored: tokens
-- and session ids as their SHA-256 (hex), passwords as argon2id PHC strings.
CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    verified_at     BIGINT,
    site_organizer  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL
);

-- Single-use links sent by mail: e-mail verification and password reset.
CREATE TABLE user_tokens (
    hash        TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

CREATE TABLE login_sessions (
    hash        TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);

-- A role in an edition: event NULL means the whole edition; tracks '*' or slugs joined by ','.
CREATE TABLE memberships (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    event       TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL CHECK (role IN ('organizer', 'co-chair', 'reviewer', 'speaker', 'attendee')),
    tracks      TEXT NOT NULL DEFAULT '',
    UNIQUE (user_id, edition_id, event, role)
);

CREATE TABLE api_tokens (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hash          TEXT NOT NULL UNIQUE,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edition_id    BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    event         TEXT NOT NULL DEFAULT '',
    access        TEXT NOT NULL CHECK (access IN ('read', 'write')),
    label         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);

-- Failed logins, counted per account and per address over a window, on every replica alike.
CREATE TABLE login_failures (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

-- Mail to send. 'sending' is written before the SMTP transaction starts, so a crash between
-- sending and marking leaves a trace, and such a message is never sent again by itself.
CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
