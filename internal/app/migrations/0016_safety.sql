-- Work safety (安全生产): campaigns with checklists per industry,
-- inspections, hazards to closure, extension requests, suspension orders.
-- Business dates are TEXT "YYYY-MM-DD"; funds 万元 as a double.

CREATE TABLE safety_campaigns (
    id {{id}},
    name TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    industries TEXT NOT NULL DEFAULT '',     -- comma list of registry industry codes; '' = all
    unit_ids TEXT NOT NULL DEFAULT '',       -- comma list of participating units; '' = all
    description TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX safety_campaigns_dates ON safety_campaigns (ends_on, starts_on);

CREATE TABLE safety_checklist_items (
    id {{id}},
    campaign_id BIGINT NOT NULL REFERENCES safety_campaigns(id),
    industry TEXT NOT NULL DEFAULT '',       -- '' = every industry
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    basis TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE     -- replaced items stay for old answers
);
CREATE INDEX safety_checklist_campaign ON safety_checklist_items (campaign_id, industry, seq);

CREATE TABLE safety_inspections (
    id {{id}},
    client_key TEXT NULL UNIQUE,             -- phone-made UUID: a resend returns the stored row
    campaign_id BIGINT NULL REFERENCES safety_campaigns(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    town_path {{bintext}} NOT NULL DEFAULT '',
    supervising_path {{bintext}} NOT NULL DEFAULT '',
    inspected_on TEXT NOT NULL,
    inspectors TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    passed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    na INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX safety_inspections_enterprise ON safety_inspections (enterprise_id, inspected_on);
CREATE INDEX safety_inspections_campaign ON safety_inspections (campaign_id, enterprise_id);
CREATE INDEX safety_inspections_date ON safety_inspections (inspected_on, id);

CREATE TABLE safety_answers (
    inspection_id BIGINT NOT NULL REFERENCES safety_inspections(id),
    item_id BIGINT NOT NULL REFERENCES safety_checklist_items(id),
    result TEXT NOT NULL,                    -- pass | fail | na
    note TEXT NOT NULL DEFAULT '',
    hazard_id BIGINT NULL,
    PRIMARY KEY (inspection_id, item_id)
);

CREATE TABLE safety_hazards (
    id {{id}},
    client_key TEXT NULL UNIQUE,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    -- copies of the enterprise's classification when filed: the ledger
    -- filters and the scope without joins
    industry TEXT NOT NULL DEFAULT '',
    town_id BIGINT NULL REFERENCES units(id),
    town_path {{bintext}} NOT NULL DEFAULT '',
    supervising_unit_id BIGINT NULL REFERENCES units(id),
    supervising_path {{bintext}} NOT NULL DEFAULT '',
    campaign_id BIGINT NULL REFERENCES safety_campaigns(id),
    inspection_id BIGINT NULL REFERENCES safety_inspections(id),
    description TEXT NOT NULL,
    level TEXT NOT NULL DEFAULT 'general',   -- general | major
    found_on TEXT NOT NULL,
    found_by TEXT NOT NULL DEFAULT '',
    found_by_user BIGINT REFERENCES users(id),
    responsible_person TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL,
    funds DOUBLE PRECISION NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | rectifying | verifying | closed
    -- open: 1 while pending or rectifying (what can be overdue)
    open BOOLEAN NOT NULL DEFAULT TRUE,
    rejections INTEGER NOT NULL DEFAULT 0,
    plan TEXT NOT NULL DEFAULT '',           -- JSON PlanInput of a major hazard
    plan_by BIGINT REFERENCES users(id),
    plan_at {{ts}},
    supervised BOOLEAN NOT NULL DEFAULT FALSE,
    notice_number TEXT NOT NULL DEFAULT '',
    submitted_by BIGINT REFERENCES users(id),
    submitted_at {{ts}},
    verified_by BIGINT REFERENCES users(id),
    closed_at {{ts}},
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
-- The ledger sorts by found_on by default and filters on these.
CREATE INDEX safety_hazards_found ON safety_hazards (found_on, id);
CREATE INDEX safety_hazards_status ON safety_hazards (status, found_on, id);
CREATE INDEX safety_hazards_open ON safety_hazards (open, deadline);
CREATE INDEX safety_hazards_enterprise ON safety_hazards (enterprise_id, found_on);
CREATE INDEX safety_hazards_campaign ON safety_hazards (campaign_id, found_on, id);
CREATE INDEX safety_hazards_town ON safety_hazards (town_id, found_on, id);
CREATE INDEX safety_hazards_supervising ON safety_hazards (supervising_unit_id, found_on, id);
CREATE INDEX safety_hazards_industry ON safety_hazards (industry, found_on, id);
CREATE INDEX safety_hazards_level ON safety_hazards (level, status, found_on);
CREATE INDEX safety_hazards_town_path ON safety_hazards (town_path, found_on);
CREATE INDEX safety_hazards_sup_path ON safety_hazards (supervising_path, found_on);
CREATE INDEX safety_hazards_deadline ON safety_hazards (deadline, id);
CREATE INDEX safety_hazards_updated ON safety_hazards (updated_at, id);
CREATE INDEX safety_hazards_inspection ON safety_hazards (inspection_id);
-- The home's figures (found / fixed / major / overdue by industry, town and
-- department) read these indexes alone, in their order: of all hazards (the
-- scope's paths included, for a town's or department's home), and of one
-- campaign's.
CREATE INDEX safety_hazards_stats ON safety_hazards (industry, town_id, supervising_unit_id, status, level, open, deadline,
    town_path, supervising_path);
CREATE INDEX safety_hazards_campaign_stats ON safety_hazards (campaign_id, industry, town_id, supervising_unit_id, status, level, open, deadline);
CREATE INDEX safety_hazards_supervised ON safety_hazards (supervised, found_on, id);

-- Photos and evidence (files rows, owner "safety_hazard" / "safety_inspection").
CREATE TABLE safety_files (
    owner_type TEXT NOT NULL,                -- hazard | inspection
    owner_id BIGINT NOT NULL,
    file_id BIGINT NOT NULL REFERENCES files(id),
    kind TEXT NOT NULL,                      -- before | after | evidence | inspection
    PRIMARY KEY (owner_type, owner_id, file_id)
);

CREATE TABLE safety_hazard_events (
    id {{id}},
    hazard_id BIGINT NOT NULL REFERENCES safety_hazards(id),
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    user_id BIGINT REFERENCES users(id),
    at {{ts}} NOT NULL
);
CREATE INDEX safety_hazard_events_hazard ON safety_hazard_events (hazard_id, at);

CREATE TABLE safety_extensions (
    id {{id}},
    hazard_id BIGINT NOT NULL REFERENCES safety_hazards(id),
    old_deadline TEXT NOT NULL,
    new_deadline TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',  -- pending | approved | refused
    requested_by BIGINT REFERENCES users(id),
    requested_at {{ts}} NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at {{ts}},
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX safety_extensions_hazard ON safety_extensions (hazard_id, requested_at);
CREATE INDEX safety_extensions_status ON safety_extensions (status, requested_at);

-- 挂牌督办 notice numbers: one sequence per year.
CREATE TABLE safety_notice_seq (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE safety_suspensions (
    id {{id}},
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    town_path {{bintext}} NOT NULL DEFAULT '',
    supervising_path {{bintext}} NOT NULL DEFAULT '',
    hazard_id BIGINT NULL REFERENCES safety_hazards(id),
    doc_number TEXT NOT NULL DEFAULT '',
    reasons TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',   -- active | lifted
    verified_on TEXT,
    verification TEXT NOT NULL DEFAULT '',
    issued_by BIGINT REFERENCES users(id),
    lifted_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX safety_suspensions_enterprise ON safety_suspensions (enterprise_id, starts_on);
CREATE INDEX safety_suspensions_status ON safety_suspensions (status, starts_on);

-- Reminder and escalation dedup: one per hazard, kind and day.
CREATE TABLE safety_reminders (
    hazard_id BIGINT NOT NULL REFERENCES safety_hazards(id),
    kind TEXT NOT NULL,                      -- remind | escalate
    day TEXT NOT NULL,
    PRIMARY KEY (hazard_id, kind, day)
);

-- What the registry does not hold but work safety counts per enterprise or
-- place: 三客一危 vehicles, amusement rides, special equipment, capacity.
CREATE TABLE safety_profiles (
    enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises(id),
    passenger_buses INTEGER NOT NULL DEFAULT 0,  -- 班线客车
    charter_buses INTEGER NOT NULL DEFAULT 0,    -- 旅游包车
    rural_buses INTEGER NOT NULL DEFAULT 0,      -- 农村客运车辆
    hazmat_trucks INTEGER NOT NULL DEFAULT 0,    -- 危险货物运输车辆
    rides INTEGER NOT NULL DEFAULT 0,            -- 大型游乐设施
    special_equipment INTEGER NOT NULL DEFAULT 0, -- 电梯、锅炉、压力容器等特种设备（台）
    max_visitors INTEGER NOT NULL DEFAULT 0,     -- 最大承载量（人）
    note TEXT NOT NULL DEFAULT '',
    updated_by BIGINT REFERENCES users(id),
    updated_at {{ts}} NOT NULL
);
