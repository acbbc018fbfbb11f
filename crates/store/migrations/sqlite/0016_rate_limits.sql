-- Rate limits that hold across replicas: one counter per key (what, and whose account or
-- address) and fixed window, counted in the database every replica shares.
CREATE TABLE rate_counts (
    key           TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counts_window ON rate_counts (window_start);
