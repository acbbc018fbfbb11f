-- Seats for sessions with limited places, and their waitlists. A book is one session's list;
-- `next_position` numbers arrivals, so the line's order is the order people joined it.
CREATE TABLE seat_books (
    id             INTEGER PRIMARY KEY,
    edition_id     INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    session_guid   TEXT NOT NULL,
    event          TEXT NOT NULL,
    title          TEXT NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity >= 0),
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL CHECK (ends_at >= starts_at),
    next_position  INTEGER NOT NULL,
    UNIQUE (edition_id, session_guid)
);

CREATE TABLE seats (
    book_id        INTEGER NOT NULL REFERENCES seat_books(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state          TEXT NOT NULL CHECK (state IN ('held', 'waiting', 'offered')),
    position       INTEGER NOT NULL,
    offered_until  INTEGER,
    checked_in_at  INTEGER,
    PRIMARY KEY (book_id, user_id)
);
CREATE INDEX seats_user ON seats (user_id);
CREATE INDEX seats_offers ON seats (state, offered_until);

-- Every seat offered, once: the key refuses a second promotion of the same offer.
CREATE TABLE seat_offers (
    book_id        INTEGER NOT NULL REFERENCES seat_books(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    offered_until  INTEGER NOT NULL,
    offered_at     INTEGER NOT NULL,
    PRIMARY KEY (book_id, user_id, offered_until)
);

-- An event's rules for seats ('' = every event of the edition).
CREATE TABLE seat_rules (
    edition_id     INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    event          TEXT NOT NULL,
    claim_minutes  INTEGER NOT NULL CHECK (claim_minutes > 0),
    per_day        INTEGER CHECK (per_day > 0),
    PRIMARY KEY (edition_id, event)
);
