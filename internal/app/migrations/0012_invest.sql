-- Investment attraction (招商引资): leads followed from 线索 to 投产, annual
-- targets per investment team (招商专班) and unit split by month, and the
-- funds in place (到位资金) reported per team and month. Business dates are
-- TEXT "YYYY-MM-DD"; money is integer yuan.

CREATE TABLE invest_leads (
    id {{id}},
    code TEXT NOT NULL DEFAULT '',             -- the team's own number (imports match on it); '' when none
    company TEXT NOT NULL,
    chain_id BIGINT REFERENCES industrial_chains(id),
    source TEXT NOT NULL DEFAULT '',           -- 以商招商, 展会, 中介, 驻外招商 …
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',    -- masked unless auth.ViewPhone
    planned_amount BIGINT NOT NULL DEFAULT 0,  -- planned (after signing: signed) investment, yuan
    quality TEXT NOT NULL DEFAULT 'B',         -- A | B | C
    team_id BIGINT NOT NULL REFERENCES units(id), -- owner team (专班) or unit
    team_path {{bintext}} NOT NULL,            -- copy of units.path: scope without a join
    town_id BIGINT REFERENCES units(id),       -- the town it lands in (落地乡镇), counts for the town's targets
    owner_id BIGINT REFERENCES users(id),      -- the person following it
    next_action TEXT NOT NULL DEFAULT '',
    next_action_on TEXT,
    stage TEXT NOT NULL,                       -- clue | contact | visit | negotiate | signed | registered | started | producing
    stage_rank INTEGER NOT NULL,               -- 0..7, the stage's place in the funnel
    stage_on TEXT NOT NULL,                    -- the day it entered its stage
    active_on TEXT NOT NULL,                   -- the last day something happened (move, note, next action): idle from here
    signed_on TEXT,                            -- first reached 签约 (targets: signed in the period)
    started_on TEXT,                           -- first reached 开工 (targets: started in the period)
    target_start_on TEXT,                      -- planned start, for the reverse schedule
    light TEXT NOT NULL DEFAULT 'green',       -- green | yellow | red | none (投产 or converted)
    light_reason TEXT NOT NULL DEFAULT '',
    project_id BIGINT REFERENCES projects(id), -- once converted (转为重点项目)
    converted_at {{ts}},
    notes TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX invest_leads_code ON invest_leads (team_id, code) WHERE code <> '';
CREATE UNIQUE INDEX invest_leads_project ON invest_leads (project_id) WHERE project_id IS NOT NULL;
-- The funnel counts by stage within a scope from this index alone.
CREATE INDEX invest_leads_scope ON invest_leads (team_path, stage_rank, planned_amount, chain_id, light);
-- The list's filters, in its default order (latest change first).
CREATE INDEX invest_leads_stage ON invest_leads (stage_rank, updated_at, id);
CREATE INDEX invest_leads_light ON invest_leads (light, updated_at, id);
-- The district-wide funnel groups from this one in order, without a sort.
CREATE INDEX invest_leads_chain ON invest_leads (chain_id, stage_rank, light, planned_amount);
CREATE INDEX invest_leads_team ON invest_leads (team_id, chain_id, stage_rank, light, planned_amount);
CREATE INDEX invest_leads_updated ON invest_leads (updated_at, id);
-- Targets' actuals: signed and started per team and town within a year,
-- grouped in index order (skip-scanned by date) without a sort.
CREATE INDEX invest_leads_signed ON invest_leads (team_id, town_id, signed_on, planned_amount) WHERE signed_on IS NOT NULL;
CREATE INDEX invest_leads_started ON invest_leads (team_id, town_id, started_on) WHERE started_on IS NOT NULL;
CREATE INDEX invest_leads_idle ON invest_leads (stage_rank, active_on) WHERE light <> 'none';

-- Every move between stages and every note, for the lead's timeline and the
-- project's route map (路线图).
CREATE TABLE invest_lead_events (
    id {{id}},
    lead_id BIGINT NOT NULL REFERENCES invest_leads(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- create | move | note | convert | edit
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage TEXT NOT NULL DEFAULT '',
    on_day TEXT NOT NULL,                      -- the business day of the move
    note TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',           -- moving backwards: why
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL DEFAULT '',
    at {{ts}} NOT NULL
);
CREATE INDEX invest_lead_events_lead ON invest_lead_events (lead_id, at, id);

-- The reverse-scheduled plan (倒排工期) the conversion made: node, offset
-- from the target start in working days, planned date.
CREATE TABLE invest_lead_plan (
    lead_id BIGINT NOT NULL REFERENCES invest_leads(id) ON DELETE CASCADE,
    sort_order INTEGER NOT NULL,
    name TEXT NOT NULL,
    offset_days INTEGER NOT NULL,              -- working days before (negative) the target start
    planned_on TEXT NOT NULL,
    PRIMARY KEY (lead_id, sort_order)
);

-- Annual targets per unit (专班, town, or the district) and metric, split by
-- month: months = twelve comma-separated amounts, '' for an even split.
CREATE TABLE invest_targets (
    id {{id}},
    year INTEGER NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    unit_path {{bintext}} NOT NULL,
    metric TEXT NOT NULL,                      -- signed_count | signed_amount | big_count | started_count | funds
    annual BIGINT NOT NULL,
    months TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX invest_targets_key ON invest_targets (year, unit_id, metric);
CREATE INDEX invest_targets_path ON invest_targets (year, unit_path);

-- Funds in place (到位资金) reported by hand per unit and month, yuan.
CREATE TABLE invest_funds (
    id {{id}},
    unit_id BIGINT NOT NULL REFERENCES units(id),
    unit_path {{bintext}} NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    amount BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    reported_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX invest_funds_key ON invest_funds (unit_id, year, month);
CREATE INDEX invest_funds_year ON invest_funds (year, unit_path);
