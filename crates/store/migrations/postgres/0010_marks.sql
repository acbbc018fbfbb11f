-- An account's agenda: an attendee row of the edition tied to the account, so its bookmarks
-- count with everyone's (the optimizer's interest); the demo's crowd has no accounts.
ALTER TABLE attendees ADD COLUMN user_id BIGINT REFERENCES users(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX attendees_user ON attendees (edition_id, user_id);

-- What an attendee marks on a session, each field with when it was set (milliseconds, as the
-- device saw it): the latest change of a field wins. `interested` mirrors a bookmarks row.
CREATE TABLE marks (
    attendee_id     BIGINT NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
    session_id      BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    interested      BOOLEAN NOT NULL,
    interested_at   BIGINT NOT NULL,
    priority        TEXT NOT NULL CHECK (priority IN ('', 'first', 'backup')),
    priority_at     BIGINT NOT NULL,
    attended        BOOLEAN NOT NULL,
    attended_at     BIGINT NOT NULL,
    watch_later     BOOLEAN NOT NULL,
    watch_later_at  BIGINT NOT NULL,
    note            TEXT NOT NULL,
    note_at         BIGINT NOT NULL,
    PRIMARY KEY (attendee_id, session_id)
);

-- Changes applied, by the id the device gave them: a change sent twice applies once.
CREATE TABLE applied_changes (
    attendee_id  BIGINT NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
    change_id    TEXT NOT NULL,
    applied_at   BIGINT NOT NULL,
    PRIMARY KEY (attendee_id, change_id)
);

-- Notes another device's later note replaced, or that arrived after a later one: kept.
CREATE TABLE kept_notes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attendee_id  BIGINT NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
    session_id   BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    note         TEXT NOT NULL,
    kept_at      BIGINT NOT NULL
);
CREATE INDEX kept_notes_attendee ON kept_notes (attendee_id, session_id);
