-- Unconference boards, one per edition: the block of slots and rooms its topics are planned
-- into, the cut-off for proposals and votes, and whether it is open.
CREATE TABLE unconf_boards (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL UNIQUE REFERENCES editions(id) ON DELETE CASCADE,
    event_slug  TEXT NOT NULL,
    minutes     INTEGER NOT NULL,
    cutoff      INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    opened_at   INTEGER NOT NULL
);

CREATE TABLE unconf_slots (
    board_id   INTEGER NOT NULL REFERENCES unconf_boards(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    starts_at  INTEGER NOT NULL,
    PRIMARY KEY (board_id, position)
);

CREATE TABLE unconf_rooms (
    board_id   INTEGER NOT NULL REFERENCES unconf_boards(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    room_slug  TEXT NOT NULL,
    capacity   INTEGER NOT NULL,
    PRIMARY KEY (board_id, position)
);

-- A merged topic keeps its row (its session, if it had one, is taken out at the next plan).
CREATE TABLE unconf_topics (
    id           INTEGER PRIMARY KEY,
    board_id     INTEGER NOT NULL REFERENCES unconf_boards(id) ON DELETE CASCADE,
    proposer_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    proposed_at  INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('open', 'hidden', 'merged')),
    merged_into  INTEGER REFERENCES unconf_topics(id)
);
CREATE INDEX unconf_topics_board ON unconf_topics (board_id);

CREATE TABLE unconf_votes (
    topic_id  INTEGER NOT NULL REFERENCES unconf_topics(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, user_id)
);
