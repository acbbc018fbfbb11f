-- Whether an event lets an attendee hold seats at overlapping times (1) or not (0, the rule
-- until an organizer says otherwise).
ALTER TABLE seat_rules ADD COLUMN overlaps_allowed BIGINT NOT NULL DEFAULT 0
    CHECK (overlaps_allowed IN (0, 1));
