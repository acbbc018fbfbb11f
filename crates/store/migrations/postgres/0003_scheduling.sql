-- Sessions an organizer fixed where they are, and the timetables the optimizer proposed.
CREATE TABLE session_pins (
    session_id  BIGINT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    pinned_at   BIGINT NOT NULL
);

-- A proposal is immutable and read whole: its placements and figures are JSON.
CREATE TABLE proposals (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    edition_id  BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    number      BIGINT NOT NULL CHECK (number > 0),
    created_at  BIGINT NOT NULL,
    body        TEXT NOT NULL,
    applied_at  BIGINT,
    UNIQUE (edition_id, number)
);
