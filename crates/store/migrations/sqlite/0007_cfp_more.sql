-- Organizers invite people into an edition's team by e-mail: the link's secret is stored as its
-- SHA-256; accepting it (signed in as the invited address) grants the role.
CREATE TABLE team_invitations (
    hash         TEXT PRIMARY KEY,
    edition_id   INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    event        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('organizer', 'co-chair', 'reviewer')),
    tracks       TEXT NOT NULL DEFAULT '',
    invited_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER
);
CREATE INDEX team_invitations_edition ON team_invitations (edition_id);
