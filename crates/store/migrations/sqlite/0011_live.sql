-- Q&A per session. Every change is numbered in the room's log (`last_seq`), written in the
-- transaction that makes it, so a client that reconnects asks for what followed the last
-- number it saw and misses nothing.
CREATE TABLE qa_rooms (
    id            INTEGER PRIMARY KEY,
    edition_id    INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    session_guid  TEXT NOT NULL,
    premoderated  INTEGER NOT NULL,
    paused        INTEGER NOT NULL,
    backstage     TEXT NOT NULL,
    last_seq      INTEGER NOT NULL,
    UNIQUE (edition_id, session_guid)
);

CREATE TABLE questions (
    id           INTEGER PRIMARY KEY,
    room_id      INTEGER NOT NULL REFERENCES qa_rooms(id) ON DELETE CASCADE,
    asker_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    anonymous    INTEGER NOT NULL,
    text         TEXT NOT NULL,
    asked_at     INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'dismissed', 'answered', 'retracted')),
    pinned       INTEGER NOT NULL,
    highlighted  INTEGER NOT NULL,
    votes        INTEGER NOT NULL
);
CREATE INDEX questions_room ON questions (room_id);

CREATE TABLE question_votes (
    question_id  INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (question_id, user_id)
);

-- What changed, in order: a question (its id) or the room itself (no id).
CREATE TABLE live_log (
    room_id      INTEGER NOT NULL REFERENCES qa_rooms(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    question_id  INTEGER REFERENCES questions(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    PRIMARY KEY (room_id, seq)
);
