-- Periodic reporting (报送): obligations say which units report what and
-- how often; submissions are one per obligation, unit and cycle. The daily
-- zero report (零报告) is one obligation (source 'zero'). Business dates are
-- TEXT "YYYY-MM-DD"; a cycle is identified by its due date.

CREATE TABLE report_obligations (
    id {{id}},
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',           -- '' by hand, 'zero' for the zero report, a module key for obligations other modules create
    frequency TEXT NOT NULL,                   -- daily | weekly | monthly | custom
    cutoff TEXT NOT NULL,                      -- "17:00", Asia/Shanghai, on the due date
    weekday INTEGER NOT NULL DEFAULT 0,        -- weekly: 1 Monday .. 7 Sunday
    month_day INTEGER NOT NULL DEFAULT 0,      -- monthly: 1..31, clamped to the month's end
    custom_dates TEXT NOT NULL DEFAULT '[]',   -- custom: JSON array of due dates, ascending
    workdays_only BOOLEAN NOT NULL DEFAULT TRUE, -- daily: only working days are due
    active_from TEXT NOT NULL,
    active_to TEXT,
    remind_before_minutes INTEGER NOT NULL DEFAULT 120,
    form_json TEXT NOT NULL,                   -- JSON array of form fields
    allow_nothing BOOLEAN NOT NULL DEFAULT FALSE, -- "nothing to report" is an answer (zero report)
    selector_json TEXT NOT NULL DEFAULT '',    -- how the unit list was chosen: {"root_unit_id","kinds"}
    owner_unit_id BIGINT NOT NULL REFERENCES units(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX report_obligations_active ON report_obligations (active, source);

-- The resolved list of units that report; added_on is the day a unit joined
-- an existing obligation (NULL: from the start), so it is not counted
-- missing for cycles before it had to report.
CREATE TABLE report_obligation_units (
    obligation_id BIGINT NOT NULL REFERENCES report_obligations(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    added_on TEXT,
    PRIMARY KEY (obligation_id, unit_id)
);
CREATE INDEX report_obligation_units_unit ON report_obligation_units (unit_id, obligation_id);

-- One row per obligation, cycle (due date) and unit: a submission (on_time
-- or late, submitted_at set) or a placeholder the cut-off job wrote for a
-- unit with nothing in (missing, submitted_at NULL); a late submission
-- fills the placeholder.
CREATE TABLE report_submissions (
    id {{id}},
    obligation_id BIGINT NOT NULL REFERENCES report_obligations(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    due_on TEXT NOT NULL,
    cycle_start TEXT NOT NULL,
    status TEXT NOT NULL,                      -- on_time | late | missing
    no_matters BOOLEAN NOT NULL DEFAULT FALSE, -- "nothing to report" (无需报告事项)
    values_json TEXT NOT NULL DEFAULT '{}',
    submitted_by BIGINT REFERENCES users(id),
    submitted_by_name TEXT NOT NULL DEFAULT '',
    submitted_at {{ts}},
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX report_submissions_cycle ON report_submissions (obligation_id, due_on, unit_id);
CREATE INDEX report_submissions_unit ON report_submissions (unit_id, obligation_id, due_on);
-- Covers the status views (matrix, counts): no table lookup per row.
CREATE INDEX report_submissions_status ON report_submissions (obligation_id, due_on, unit_id, status);

-- Which scheduled steps ran for a cycle (remind before the cut-off, close
-- after it), so the jobs, run every few minutes, do each step once.
CREATE TABLE report_cycle_runs (
    obligation_id BIGINT NOT NULL REFERENCES report_obligations(id) ON DELETE CASCADE,
    due_on TEXT NOT NULL,
    step TEXT NOT NULL,                        -- remind | close
    done_at {{ts}} NOT NULL,
    units INTEGER NOT NULL DEFAULT 0,          -- units reminded / marked missing
    PRIMARY KEY (obligation_id, due_on, step)
);
