-- Unconference boards, one per edition: the block of slots and rooms its topics are planned
-- into, the cut-off for proposals and votes, and whether it is open.
CREATE TABLE unconf_boards (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL UNIQUE REFERENCES editions(id) ON DELETE CASCADE,
    event_slug  TEXT NOT NULL,
    minutes     BIGINT NOT NULL,
    cutoff      BIGINT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    opened_at   BIGINT NOT NULL
);

CREATE TABLE unconf_slots (
    board_id   BIGINT NOT NULL REFERENCES unconf_boards(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    starts_at  BIGINT NOT NULL,
    PRIMARY KEY (board_id, position)
);

CREATE TABLE unconf_rooms (
    board_id   BIGINT NOT NULL REFERENCES unconf_boards(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    room_slug  TEXT NOT NULL,
    capacity   BIGINT NOT NULL,
    PRIMARY KEY (board_id, position)
);

-- A merged topic keeps its row (its session, if it had one, is taken out at the next plan).
CREATE TABLE unconf_topics (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    board_id     BIGINT NOT NULL REFERENCES unconf_boards(id) ON DELETE CASCADE,
    proposer_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    proposed_at  BIGINT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('open', 'hidden', 'merged')),
    merged_into  BIGINT REFERENCES unconf_topics(id)
);
CREATE INDEX unconf_topics_board ON unconf_topics (board_id);

CREATE TABLE unconf_votes (
    topic_id  BIGINT NOT NULL REFERENCES unconf_topics(id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, user_id)
);
