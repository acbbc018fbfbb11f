-- The call for papers and its review, per event. Instants are seconds since the epoch; pages
-- show and read them in the edition's zone.
CREATE TABLE cfps (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id              BIGINT NOT NULL UNIQUE REFERENCES events(id) ON DELETE CASCADE,
    opens_at              BIGINT NOT NULL,
    closes_at             BIGINT NOT NULL CHECK (closes_at > opens_at),
    per_speaker           BIGINT NOT NULL CHECK (per_speaker > 0),
    blind                 BOOLEAN NOT NULL,
    reviews_per_proposal  BIGINT NOT NULL CHECK (reviews_per_proposal > 0),
    reviewer_cap          BIGINT NOT NULL CHECK (reviewer_cap > 0),
    description           TEXT NOT NULL,
    updated_at            BIGINT NOT NULL
);

CREATE TABLE cfp_session_types (
    cfp_id    BIGINT NOT NULL REFERENCES cfps(id) ON DELETE CASCADE,
    slug      TEXT NOT NULL,
    name      TEXT NOT NULL,
    minutes   BIGINT NOT NULL CHECK (minutes > 0),
    position  BIGINT NOT NULL,
    PRIMARY KEY (cfp_id, slug)
);

CREATE TABLE cfp_tracks (
    cfp_id    BIGINT NOT NULL REFERENCES cfps(id) ON DELETE CASCADE,
    slug      TEXT NOT NULL,
    name      TEXT NOT NULL,
    position  BIGINT NOT NULL,
    PRIMARY KEY (cfp_id, slug)
);

-- Review criteria: each scored 0..max_score, weighted into a proposal's score.
CREATE TABLE cfp_criteria (
    cfp_id     BIGINT NOT NULL REFERENCES cfps(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    name       TEXT NOT NULL,
    weight     DOUBLE PRECISION NOT NULL CHECK (weight > 0),
    max_score  BIGINT NOT NULL CHECK (max_score > 0),
    PRIMARY KEY (cfp_id, position)
);

-- Questions asked of every proposal, or of some session types or tracks ('' = all).
CREATE TABLE cfp_questions (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cfp_id         BIGINT NOT NULL REFERENCES cfps(id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    prompt         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('text', 'choice', 'number', 'boolean')),
    choices        TEXT NOT NULL,
    required       BOOLEAN NOT NULL,
    session_types  TEXT NOT NULL,
    tracks         TEXT NOT NULL,
    UNIQUE (cfp_id, position)
);

-- How a speaker appears to organizers, to the public once confirmed, and (unless the review is
-- blind) to reviewers. One per account.
CREATE TABLE speaker_profiles (
    user_id      BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    affiliation  TEXT NOT NULL,
    job_role     TEXT NOT NULL,
    bio          TEXT NOT NULL,
    pronouns     TEXT NOT NULL,
    photo_url    TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- A proposal. `code` names it in URLs and mail; `session_guid` is the work-in-progress session a
-- confirmed proposal became; `forwarded_from` is the rejected proposal of a partner event it
-- was imported from.
CREATE TABLE submissions (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cfp_id          BIGINT NOT NULL REFERENCES cfps(id) ON DELETE CASCADE,
    code            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    abstract        TEXT NOT NULL,
    notes           TEXT NOT NULL,
    session_type    TEXT NOT NULL,
    track           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'waitlisted',
                        'rejected', 'confirmed', 'withdrawn', 'canceled')),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    session_guid    TEXT,
    forwarded_from  BIGINT REFERENCES submissions(id) ON DELETE SET NULL
);
CREATE INDEX submissions_cfp ON submissions (cfp_id, status);

CREATE TABLE submission_speakers (
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    PRIMARY KEY (submission_id, user_id)
);
CREATE INDEX submission_speakers_user ON submission_speakers (user_id);

-- A co-speaker invited by e-mail; the link's secret is stored as its SHA-256.
CREATE TABLE speaker_invitations (
    hash           TEXT PRIMARY KEY,
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    invited_by     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    accepted_at    BIGINT,
    UNIQUE (submission_id, email)
);

CREATE TABLE submission_answers (
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    question_id    BIGINT NOT NULL REFERENCES cfp_questions(id) ON DELETE CASCADE,
    value          TEXT NOT NULL,
    PRIMARY KEY (submission_id, question_id)
);

-- Every change of state, by whom: the proposal's history.
CREATE TABLE submission_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    at             BIGINT NOT NULL,
    user_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    action         TEXT NOT NULL,
    from_status    TEXT NOT NULL,
    to_status      TEXT NOT NULL
);
CREATE INDEX submission_log_submission ON submission_log (submission_id);

-- Pairs of proposals whose texts are nearly the same (the same talk sent twice), for co-chairs.
CREATE TABLE near_duplicates (
    first_id    BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    second_id   BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    similarity  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
);

CREATE TABLE bids (
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    reviewer_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    bid            TEXT NOT NULL CHECK (bid IN ('eager', 'willing', 'not_willing', 'conflict')),
    at             BIGINT NOT NULL,
    PRIMARY KEY (submission_id, reviewer_id)
);
CREATE INDEX bids_reviewer ON bids (reviewer_id);

-- A conflict declared between a reviewer and a speaker, by either of them.
CREATE TABLE declared_conflicts (
    edition_id   BIGINT NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    reviewer_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    speaker_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    declared_by  TEXT NOT NULL CHECK (declared_by IN ('reviewer', 'speaker')),
    severity     TEXT NOT NULL CHECK (severity IN ('hard', 'soft')),
    at           BIGINT NOT NULL,
    PRIMARY KEY (edition_id, reviewer_id, speaker_id, declared_by)
);

-- Who reviews what. `run` is the assignment run that made it; later runs keep earlier rows.
CREATE TABLE review_assignments (
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    reviewer_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    run            BIGINT NOT NULL,
    assigned_at    BIGINT NOT NULL,
    PRIMARY KEY (submission_id, reviewer_id)
);
CREATE INDEX review_assignments_reviewer ON review_assignments (reviewer_id);

-- A review: one score per criterion (JSON array, in criteria order) and their weighted total.
CREATE TABLE reviews (
    submission_id      BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    reviewer_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scores             TEXT NOT NULL,
    total              DOUBLE PRECISION NOT NULL,
    committee_comment  TEXT NOT NULL,
    speaker_comment    TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (submission_id, reviewer_id)
);
CREATE INDEX reviews_reviewer ON reviews (reviewer_id);

-- Decision mails as organizers edited them (minijinja); without a row the built-in text is used.
CREATE TABLE mail_templates (
    cfp_id      BIGINT NOT NULL REFERENCES cfps(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('accepted', 'rejected', 'waitlisted', 'reminder')),
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (cfp_id, kind)
);

-- Events that offer rejected talks of this one a second chance (the main conference names its
-- b-side).
CREATE TABLE partner_events (
    event_id    BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    partner_id  BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, partner_id),
    CHECK (event_id <> partner_id)
);

-- A speaker's agreement to forward a rejected proposal to a partner event. The partner sees it
-- once every speaker agreed; `imported_as` is the proposal it became there.
CREATE TABLE forward_consents (
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    partner_id     BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agreed_at      BIGINT NOT NULL,
    PRIMARY KEY (submission_id, partner_id, user_id)
);

CREATE TABLE forward_imports (
    submission_id  BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    partner_id     BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    imported_as    BIGINT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    imported_at    BIGINT NOT NULL,
    PRIMARY KEY (submission_id, partner_id)
);
