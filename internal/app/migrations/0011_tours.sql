-- Observation tours (项目观摩): a day's route through key projects, the
-- judges who score them on a scoring sheet, and the ranked results.
-- Scores are kept in tenths of a point (27.5 → 275) so they stay exact
-- integers on both databases.

CREATE TABLE tours (
    id {{id}},
    name TEXT NOT NULL,
    tour_on TEXT NOT NULL,                     -- the day of the tour, YYYY-MM-DD
    route TEXT NOT NULL DEFAULT '',            -- the route in words (集合点, 路线说明)
    status TEXT NOT NULL DEFAULT 'draft',      -- draft | open | closed
    drop_min_judges INTEGER NOT NULL DEFAULT 5, -- drop the highest and lowest total from this many judges on
    note TEXT NOT NULL DEFAULT '',
    opened_at {{ts}},
    closed_at {{ts}},
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX tours_day ON tours (tour_on, id);
CREATE INDEX tours_status ON tours (status, tour_on);

-- The scoring sheet (评分表): criteria in order with their maximum points.
CREATE TABLE tour_criteria (
    tour_id BIGINT NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,                      -- 1, 2, …: order on the sheet
    name TEXT NOT NULL,
    max_points INTEGER NOT NULL,
    PRIMARY KEY (tour_id, seq)
);

-- The stops in route order: the projects visited, with the tour's findings
-- on each (体量偏小, 形象进度差, 建设缓慢 … as tags, and words).
CREATE TABLE tour_stops (
    tour_id BIGINT NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    seq INTEGER NOT NULL,
    finding_tags TEXT NOT NULL DEFAULT '',     -- comma-separated tags
    findings TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tour_id, project_id)
);
CREATE UNIQUE INDEX tour_stops_seq ON tour_stops (tour_id, seq);
CREATE INDEX tour_stops_project ON tour_stops (project_id);

CREATE TABLE tour_judges (
    tour_id BIGINT NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tour_id, user_id)
);
CREATE INDEX tour_judges_user ON tour_judges (user_id, tour_id);

-- One score sheet per judge and project: the points per criterion in the
-- sheet's order (tenths, comma-separated) and their total.
CREATE TABLE tour_scores (
    tour_id BIGINT NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    judge_id BIGINT NOT NULL REFERENCES users(id),
    points TEXT NOT NULL,                      -- "275,260,180,150"
    total INTEGER NOT NULL,                    -- tenths
    status TEXT NOT NULL DEFAULT 'draft',      -- draft | submitted
    comment TEXT NOT NULL DEFAULT '',
    submitted_at {{ts}},
    updated_at {{ts}} NOT NULL,
    PRIMARY KEY (tour_id, project_id, judge_id)
);
CREATE INDEX tour_scores_judge ON tour_scores (judge_id, tour_id);

-- The tour's history in words: open, close, reopen (with the reason).
CREATE TABLE tour_events (
    id {{id}},
    tour_id BIGINT NOT NULL REFERENCES tours(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- create | open | close | reopen
    note TEXT NOT NULL DEFAULT '',
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL DEFAULT '',
    at {{ts}} NOT NULL
);
CREATE INDEX tour_events_tour ON tour_events (tour_id, at);
