-- An attendee's choices about schedule changes: mail me about them, and the release whose
-- changes they last saw (the agenda's banner shows what came after it).
CREATE TABLE change_prefs (
    attendee_id   BIGINT PRIMARY KEY REFERENCES attendees(id) ON DELETE CASCADE,
    change_mails  BOOLEAN NOT NULL DEFAULT FALSE,
    seen_release  BIGINT NOT NULL DEFAULT 0
);

-- One change mail per attendee and release, written with the outbox row it queues: a release
-- mailed again, or by two processes at once, mails each attendee once.
CREATE TABLE change_mails (
    attendee_id     BIGINT NOT NULL REFERENCES attendees(id) ON DELETE CASCADE,
    release_number  BIGINT NOT NULL,
    queued_at       BIGINT NOT NULL,
    PRIMARY KEY (attendee_id, release_number)
);

-- Releases whose change mails are all queued; the sweep takes up the others (a process that
-- stopped between a release and its mails).
CREATE TABLE change_mailings (
    edition_id      BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    release_number  BIGINT NOT NULL,
    done_at         BIGINT NOT NULL,
    PRIMARY KEY (edition_id, release_number)
);
-- Releases made before change mails existed are not mailed about now.
INSERT INTO change_mailings (edition_id, release_number, done_at)
    SELECT edition_id, number, released_at FROM releases;

-- An attendee's private calendar feed: one secret per attendee and edition. Looked up by its
-- SHA-256; the secret itself is kept so its owner can see the address again (the feed shows
-- nothing a copy of the database does not already hold). Replacing or deleting the row is
-- revoking the address.
CREATE TABLE calendar_feeds (
    attendee_id  BIGINT PRIMARY KEY REFERENCES attendees(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);
