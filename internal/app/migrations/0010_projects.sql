-- Key projects (重点项目): the ledger, the liaison task force, milestones,
-- monthly reports with photos, coordination items and the time-sequence
-- (时序进度). Business dates are TEXT "YYYY-MM-DD", months TEXT "YYYY-MM",
-- money integer yuan.

CREATE TABLE projects (
    id {{id}},
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    town_id BIGINT NOT NULL REFERENCES units(id),
    town_path {{bintext}} NOT NULL,            -- copy of units.path: scope filters without a join
    unit_id BIGINT NOT NULL REFERENCES units(id), -- responsible unit (责任单位)
    unit_path {{bintext}} NOT NULL,
    category TEXT NOT NULL DEFAULT '',         -- 产业项目 | 基础设施 | 社会民生 | 生态环保 (settings)
    chain_id BIGINT NULL REFERENCES industrial_chains(id),
    phase TEXT NOT NULL DEFAULT 'prep',        -- prep | new | continued | completed | producing
    enterprise_id BIGINT NULL REFERENCES enterprises(id),
    owner_name TEXT NOT NULL DEFAULT '',       -- the owner as written when no registry entry is linked
    leader_user_id BIGINT NULL REFERENCES users(id), -- 包联领导
    lead_id BIGINT NULL,                       -- the investment lead it came from (invest module)
    address TEXT NOT NULL DEFAULT '',
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    total_investment BIGINT NOT NULL,          -- yuan
    year_plan_investment BIGINT NOT NULL DEFAULT 0, -- this year's plan, yuan
    plan_year INTEGER NOT NULL DEFAULT 0,      -- the year year_plan_investment and month_plan are for
    month_plan TEXT NOT NULL DEFAULT '',       -- '' (even split) or JSON array of 12 yuan amounts
    start_on TEXT,                             -- construction period
    end_on TEXT,
    contact_name TEXT NOT NULL DEFAULT '',     -- on-site contact
    contact_phone TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    invest_cum BIGINT NOT NULL DEFAULT 0,      -- cumulative completed investment (latest report)
    year_actual BIGINT NOT NULL DEFAULT 0,     -- completed this plan year (sum of the year's reports)
    year_planned BIGINT NOT NULL DEFAULT 0,    -- planned cumulative to the last closed month
    pace TEXT NOT NULL DEFAULT 'normal',       -- ahead | normal | behind
    light TEXT NOT NULL DEFAULT 'green',       -- green | yellow | red
    light_reason TEXT NOT NULL DEFAULT '',
    light_since {{ts}},
    last_report_month TEXT NOT NULL DEFAULT '',
    report_missing BOOLEAN NOT NULL DEFAULT FALSE,
    started BOOLEAN NOT NULL DEFAULT FALSE,    -- the 开工 node has an actual date (or phase past new)
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX projects_town ON projects (town_path, id);
CREATE INDEX projects_unit ON projects (unit_path, id);
CREATE INDEX projects_light ON projects (light, id);
CREATE INDEX projects_phase ON projects (phase, id);
CREATE INDEX projects_pace ON projects (pace, id);
CREATE INDEX projects_leader ON projects (leader_user_id, id);
CREATE INDEX projects_chain ON projects (chain_id, id);
CREATE INDEX projects_category ON projects (category, id);
CREATE INDEX projects_size ON projects (total_investment, id);
CREATE INDEX projects_lead ON projects (lead_id);
CREATE INDEX projects_enterprise ON projects (enterprise_id);
-- The battle map counts and ranks every project by phase, light and size
-- from this index alone.
CREATE INDEX projects_board ON projects (phase, light, pace, total_investment, id);

-- The years' lists a project is on (a project can be on several).
CREATE TABLE project_years (
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    PRIMARY KEY (project_id, year)
);
CREATE INDEX project_years_year ON project_years (year, project_id);

-- The liaison task force (包联专班): people from several units.
CREATE TABLE project_members (
    id {{id}},
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id),
    unit_id BIGINT REFERENCES units(id),
    name TEXT NOT NULL DEFAULT '',
    duty TEXT NOT NULL DEFAULT '',             -- 组长, 成员, 联络员 …
    phone TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX project_members_project ON project_members (project_id, sort_order);
CREATE INDEX project_members_user ON project_members (user_id, project_id);

-- Milestones (节点): planned and actual dates.
CREATE TABLE project_milestones (
    id {{id}},
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    planned_on TEXT,
    actual_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, sort_order);
CREATE INDEX project_milestones_due ON project_milestones (planned_on) WHERE actual_on IS NULL;

-- Monthly reports (月报): one per project and month; the due date follows
-- the reporting engine's monthly cycle (settings projects.report_day).
CREATE TABLE project_reports (
    id {{id}},
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    month TEXT NOT NULL,                       -- "2026-05"
    due_on TEXT NOT NULL,
    invest_month BIGINT NOT NULL DEFAULT 0,
    invest_cum BIGINT NOT NULL DEFAULT 0,
    progress_text TEXT NOT NULL DEFAULT '',    -- 形象进度
    problems TEXT NOT NULL DEFAULT '',
    next_plan TEXT NOT NULL DEFAULT '',
    unit_id BIGINT REFERENCES units(id),
    submitted_by BIGINT REFERENCES users(id),
    submitted_by_name TEXT NOT NULL DEFAULT '',
    submitted_at {{ts}},
    late BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX project_reports_month ON project_reports (project_id, month);
CREATE INDEX project_reports_by_month ON project_reports (month, project_id);

-- Photos of a report with what their EXIF says.
CREATE TABLE project_photos (
    file_id BIGINT PRIMARY KEY REFERENCES files(id),
    report_id BIGINT REFERENCES project_reports(id) ON DELETE CASCADE, -- NULL: uploaded, not yet in a report
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    taken_at {{ts}},
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    outside_month BOOLEAN NOT NULL DEFAULT FALSE,
    caption TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL
);
CREATE INDEX project_photos_project ON project_photos (project_id, report_id);
CREATE INDEX project_photos_report ON project_photos (report_id);

-- Problems to coordinate (协调事项), each tracked to an answer.
CREATE TABLE project_coordination (
    id {{id}},
    project_id BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    report_id BIGINT REFERENCES project_reports(id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    owner_id BIGINT REFERENCES users(id),
    owner_unit_id BIGINT REFERENCES units(id),
    due_on TEXT,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users(id),
    answered_at {{ts}},
    status TEXT NOT NULL DEFAULT 'open',       -- open | answered
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX project_coordination_project ON project_coordination (project_id, status);
CREATE INDEX project_coordination_owner ON project_coordination (owner_id, status);
CREATE INDEX project_coordination_status ON project_coordination (status, due_on);
