-- What each automatic assignment run did: how many pairs it added and which proposals it
-- could not fill, and why (JSON `[[code, missing, reason], ...]`), for the co-chairs.
CREATE TABLE review_runs (
    cfp_id   INTEGER NOT NULL REFERENCES cfps(id) ON DELETE CASCADE,
    run      INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    added    INTEGER NOT NULL,
    short    TEXT NOT NULL,
    PRIMARY KEY (cfp_id, run)
);

-- The one-click link in an acceptance mail: single use, stored as its SHA-256.
CREATE TABLE confirm_tokens (
    hash           TEXT PRIMARY KEY,
    submission_id  INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
);
CREATE INDEX confirm_tokens_submission ON confirm_tokens (submission_id);
CREATE INDEX review_assignments_submission ON review_assignments (submission_id, reviewer_id);
