-- A read-only link to an attendee's agenda: a secret token the owner can show, share and
-- revoke. At most one live link per attendee; a revoked token is never reused or readable.
CREATE TABLE agenda_shares (
    id           INTEGER PRIMARY KEY,
    attendee_id  INTEGER NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
    token        TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE UNIQUE INDEX agenda_shares_live ON agenda_shares (attendee_id) WHERE revoked_at IS NULL;
