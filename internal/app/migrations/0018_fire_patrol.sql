-- Forest fire prevention in the field (internal/fire/patrol): village
-- broadcasts (村村响), patrol squads and patrols with their routes and
-- findings, key fire villages (重点防火村) with patrol posts (公益岗位), fire
-- reports (火情) with a response timeline, responsibility checks on towns.
-- Every row carries the path of the unit it belongs to (a village, or a town)
-- so scope is a range on an index without a join. Records a phone creates
-- carry a client_key (UNIQUE, NULL for desktop entries): a resend returns the
-- stored record. Routes are of patrol staff on duty only, never of citizens.

CREATE TABLE fire_broadcasts (
    id {{id}},
    village_id BIGINT NOT NULL REFERENCES units(id),
    unit_path {{bintext}} NOT NULL,            -- the village's path
    town_id BIGINT REFERENCES units(id),
    on_day TEXT NOT NULL,                      -- YYYY-MM-DD
    times TEXT NOT NULL,                       -- "07:30,12:00,18:30": when it was broadcast
    times_count INTEGER NOT NULL,              -- how many times (against the warning's broadcasts per day)
    content TEXT NOT NULL,
    client_key TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX fire_broadcasts_key ON fire_broadcasts (client_key);
CREATE INDEX fire_broadcasts_scope ON fire_broadcasts (unit_path, on_day);
CREATE INDEX fire_broadcasts_day ON fire_broadcasts (on_day, town_id);

-- Squads (骑巡小分队 …): members are users or typed names (JSON), the area
-- is a list of towns and villages.
CREATE TABLE fire_squads (
    id {{id}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT '',             -- 摩托车+小红旗 骑巡, 步巡 …
    unit_id BIGINT NOT NULL REFERENCES units(id), -- the town or village that runs it
    unit_path {{bintext}} NOT NULL,
    members TEXT NOT NULL DEFAULT '[]',        -- [{"user_id":1,"name":"…"}]
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX fire_squads_scope ON fire_squads (unit_path);
CREATE TABLE fire_squad_areas (
    squad_id BIGINT NOT NULL REFERENCES fire_squads(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (squad_id, unit_id)
);

-- Key fire villages and their lights (job fire.posts).
CREATE TABLE fire_villages (
    village_id BIGINT PRIMARY KEY REFERENCES units(id),
    unit_path {{bintext}} NOT NULL,
    town_id BIGINT REFERENCES units(id),
    note TEXT NOT NULL DEFAULT '',
    light TEXT NOT NULL DEFAULT 'green',       -- green | red
    light_reason TEXT NOT NULL DEFAULT '',
    light_at {{ts}},
    reminded_on TEXT,                          -- the day the town was last reminded (once a day)
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX fire_villages_scope ON fire_villages (unit_path);
CREATE INDEX fire_villages_light ON fire_villages (light, town_id);

-- Patrol posts (公益岗位) in a key village: patrollers (JSON names/users)
-- against a minimum.
CREATE TABLE fire_posts (
    id {{id}},
    village_id BIGINT NOT NULL REFERENCES fire_villages(village_id),
    unit_path {{bintext}} NOT NULL,
    name TEXT NOT NULL,
    patrollers TEXT NOT NULL DEFAULT '[]',
    patroller_count INTEGER NOT NULL DEFAULT 0,
    min_patrollers INTEGER NOT NULL DEFAULT 2,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX fire_posts_village ON fire_posts (village_id);
CREATE INDEX fire_posts_scope ON fire_posts (unit_path);

-- Patrols: by a squad or a post; the route is the points the phone sent
-- (or a GPX file); distance kept up to date as points arrive.
CREATE TABLE fire_patrols (
    id {{id}},
    squad_id BIGINT REFERENCES fire_squads(id),
    post_id BIGINT REFERENCES fire_posts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id), -- village (or town) patrolled
    unit_path {{bintext}} NOT NULL,
    town_id BIGINT REFERENCES units(id),
    on_day TEXT NOT NULL,                      -- the day it started (Shanghai)
    started_at {{ts}} NOT NULL,
    ended_at {{ts}},
    point_count INTEGER NOT NULL DEFAULT 0,
    distance_m DOUBLE PRECISION NOT NULL DEFAULT 0,
    last_lat DOUBLE PRECISION,                 -- the last point, so a batch extends the distance without reading the route
    last_lng DOUBLE PRECISION,
    last_at {{ts}},
    note TEXT NOT NULL DEFAULT '',
    client_key TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX fire_patrols_key ON fire_patrols (client_key);
CREATE INDEX fire_patrols_scope ON fire_patrols (unit_path, on_day);
CREATE INDEX fire_patrols_day ON fire_patrols (on_day, town_id, unit_id);
CREATE INDEX fire_patrols_started ON fire_patrols (started_at, id);

CREATE TABLE fire_patrol_points (
    patrol_id BIGINT NOT NULL REFERENCES fire_patrols(id) ON DELETE CASCADE,
    at {{ts}} NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lng DOUBLE PRECISION NOT NULL,
    accuracy DOUBLE PRECISION
);
CREATE INDEX fire_patrol_points_patrol ON fire_patrol_points (patrol_id, at);

-- One row per batch of points a phone sent: a resent batch is recognised.
CREATE TABLE fire_point_batches (
    client_key TEXT PRIMARY KEY,
    patrol_id BIGINT NOT NULL REFERENCES fire_patrols(id) ON DELETE CASCADE,
    points INTEGER NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);

CREATE TABLE fire_findings (
    id {{id}},
    patrol_id BIGINT NOT NULL REFERENCES fire_patrols(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- fire_source | open_burning | grave_sweeping | other
    note TEXT NOT NULL DEFAULT '',
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    photo_ids TEXT NOT NULL DEFAULT '[]',
    client_key TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX fire_findings_key ON fire_findings (client_key);
CREATE INDEX fire_findings_patrol ON fire_findings (patrol_id, created_at);

-- Fire reports (火情) and their response timeline.
CREATE TABLE fire_reports (
    id {{id}},
    occurred_at {{ts}} NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id), -- village, or town when the village is unknown
    unit_path {{bintext}} NOT NULL,
    town_id BIGINT REFERENCES units(id),
    place TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lng DOUBLE PRECISION,
    cause TEXT NOT NULL DEFAULT '',
    area_ha DOUBLE PRECISION NOT NULL DEFAULT 0,  -- area burned, hectares (公顷)
    losses TEXT NOT NULL DEFAULT '',              -- casualties and losses
    stage TEXT NOT NULL DEFAULT 'reported',       -- the timeline's latest entry
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX fire_reports_scope ON fire_reports (unit_path, occurred_at);
CREATE INDEX fire_reports_time ON fire_reports (occurred_at, id);

CREATE TABLE fire_report_events (
    id {{id}},
    report_id BIGINT NOT NULL REFERENCES fire_reports(id) ON DELETE CASCADE,
    at {{ts}} NOT NULL,
    kind TEXT NOT NULL,                        -- reported | dispatched | arrived | controlled | out
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX fire_report_events_report ON fire_report_events (report_id, at, id);

-- Responsibility checks (责任落实检查) by the natural-resources branch on a town.
CREATE TABLE fire_checks (
    id {{id}},
    town_id BIGINT NOT NULL REFERENCES units(id),
    unit_path {{bintext}} NOT NULL,
    checked_on TEXT NOT NULL,
    checker TEXT NOT NULL DEFAULT '',          -- 自然资源分局 …
    items TEXT NOT NULL,                       -- what was checked
    findings TEXT NOT NULL DEFAULT '',
    fix_by TEXT,                               -- deadline to fix
    fixed_on TEXT,
    fixed_note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX fire_checks_scope ON fire_checks (unit_path, checked_on);
CREATE INDEX fire_checks_day ON fire_checks (checked_on, id);
