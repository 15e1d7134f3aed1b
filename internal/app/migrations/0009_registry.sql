-- Shared registry (基础台账): industrial chains (产业链) and enterprises
-- (企业名录, including places without a credit code such as shops or
-- scenic spots). Other modules (key projects, tours, investment
-- attraction, work safety) reference these tables.

-- Industrial chains the district organises its investment work by; the
-- demo fills five (新能源电池, 绿色食品, 先进装备制造, 文旅康养, 数字经济).
CREATE TABLE industrial_chains (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX industrial_chains_order ON industrial_chains (sort_order, id);

CREATE TABLE enterprises (
    id {{id}},
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,           -- 统一社会信用代码 (18 chars), or 'NB' + digits for places without one
    has_credit_code BOOLEAN NOT NULL DEFAULT TRUE,
    kind TEXT NOT NULL DEFAULT 'enterprise',    -- enterprise | place
    industry TEXT NOT NULL DEFAULT '',          -- code from the registry.industries setting
    town_id BIGINT NULL REFERENCES units(id),   -- the town (镇街) it lies in
    town_path {{bintext}} NOT NULL DEFAULT '',  -- copy of the town's units.path ('' without one): scope without a join
    address TEXT NOT NULL DEFAULT '',
    legal_person TEXT,
    contact_name TEXT,
    contact_phone TEXT,                         -- masked in lists unless users.phone
    supervising_unit_id BIGINT NULL REFERENCES units(id), -- 行业主管部门
    supervising_path {{bintext}} NOT NULL DEFAULT '',     -- copy of its units.path ('' without one)
    risk_level TEXT NOT NULL DEFAULT '',        -- '' | low | medium | high | major (work safety)
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
-- The list sorts by name by default; a search (LIKE '%…%' on name or code)
-- scans this narrow index instead of the table.
CREATE INDEX enterprises_name ON enterprises (name, credit_code, id);
CREATE INDEX enterprises_updated ON enterprises (updated_at, id);
CREATE INDEX enterprises_risk ON enterprises (risk_level, name);
CREATE INDEX enterprises_town ON enterprises (town_id, name);
CREATE INDEX enterprises_industry ON enterprises (industry, name);
CREATE INDEX enterprises_town_path ON enterprises (town_path);
CREATE INDEX enterprises_supervising_path ON enterprises (supervising_path);
