-- Scheduler: one row per registered job holds its next due instant and the
-- lease that lets one replica run it at a time; job_runs is the run log
-- (kept 90 days by the scheduler itself).
CREATE TABLE jobs (
    name TEXT PRIMARY KEY,             -- stable key given at registration
    title TEXT NOT NULL DEFAULT '',
    schedule TEXT NOT NULL DEFAULT '', -- the schedule's spec at the last registration ("daily 09:00")
    next_run_at {{ts}} NOT NULL,       -- the next due instant (the asOf of the next run)
    retry_at {{ts}},                   -- after a failure: not retried before this (backoff)
    failures INTEGER NOT NULL DEFAULT 0, -- consecutive failures
    lease_owner TEXT NOT NULL DEFAULT '', -- replica and run holding the lease
    lease_until {{ts}},                -- the lease lapses here unless renewed
    last_as_of {{ts}},
    last_started_at {{ts}},
    last_finished_at {{ts}},
    last_status TEXT NOT NULL DEFAULT '', -- '' (never run) | running | ok | error
    last_error TEXT NOT NULL DEFAULT '',
    last_duration_ms BIGINT NOT NULL DEFAULT 0,
    runs BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE job_runs (
    id {{id}},
    name TEXT NOT NULL,
    as_of {{ts}} NOT NULL,
    started_at {{ts}} NOT NULL,
    finished_at {{ts}},
    status TEXT NOT NULL,              -- running | ok | error
    error TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    owner TEXT NOT NULL DEFAULT '',
    manual BOOLEAN NOT NULL DEFAULT FALSE,
    triggered_by TEXT NOT NULL DEFAULT '' -- who pressed 立即运行
);
CREATE INDEX job_runs_name ON job_runs (name, id);
CREATE INDEX job_runs_started ON job_runs (started_at);
