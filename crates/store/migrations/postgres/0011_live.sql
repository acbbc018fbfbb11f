-- Q&A per session. Every change is numbered in the room's log (`last_seq`), written in the
-- transaction that makes it, so a client that reconnects asks for what followed the last
-- number it saw and misses nothing.
CREATE TABLE qa_rooms (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id    BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    session_guid  TEXT NOT NULL,
    premoderated  BOOLEAN NOT NULL,
    paused        BOOLEAN NOT NULL,
    backstage     TEXT NOT NULL,
    last_seq      BIGINT NOT NULL,
    UNIQUE (edition_id, session_guid)
);

CREATE TABLE questions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id      BIGINT NOT NULL REFERENCES qa_rooms(id) ON DELETE CASCADE,
    asker_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    anonymous    BOOLEAN NOT NULL,
    text         TEXT NOT NULL,
    asked_at     BIGINT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'dismissed', 'answered', 'retracted')),
    pinned       BOOLEAN NOT NULL,
    highlighted  BOOLEAN NOT NULL,
    votes        BIGINT NOT NULL
);
CREATE INDEX questions_room ON questions (room_id);

CREATE TABLE question_votes (
    question_id  BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (question_id, user_id)
);

-- What changed, in order: a question (its id) or the room itself (no id).
CREATE TABLE live_log (
    room_id      BIGINT NOT NULL REFERENCES qa_rooms(id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    question_id  BIGINT REFERENCES questions(id) ON DELETE CASCADE,
    at           BIGINT NOT NULL,
    PRIMARY KEY (room_id, seq)
);
