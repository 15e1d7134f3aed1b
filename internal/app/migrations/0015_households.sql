-- Households (户) by village, in the shared registry: the fire module's
-- letters are delivered to them and the citizens' module will visit them.
-- village_path is a copy of the village's units.path so scope needs no
-- join; town_id is the village's town for the town filter and coverage.
-- ID card numbers are never stored (rosters bring them; the import skips them).
CREATE TABLE households (
    id {{id}},
    village_id BIGINT NOT NULL REFERENCES units(id),
    village_path {{bintext}} NOT NULL,
    town_id BIGINT NOT NULL,
    code TEXT NOT NULL,                        -- 户号: unique within the village; "<village code>-0001" when not given
    head_name TEXT NOT NULL,                   -- 户主
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',            -- masked on read unless users.phone
    people INTEGER NOT NULL DEFAULT 1,
    note TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,      -- moved away or merged: inactive, kept for history
    dup_key TEXT NOT NULL,                     -- head name + address without spaces: the duplicate rule
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX households_code ON households (village_id, code);
-- One active household per village, head and address: the database holds
-- the duplicate rule even against two writers at once.
CREATE UNIQUE INDEX households_dup ON households (village_id, dup_key) WHERE active;
-- Scope (a subtree range on village_path, a village as one path) and the
-- default order (village, then code) from one index; active, head and
-- address ride along so a page of active households stops after 20 index
-- entries and a search (LIKE '%…%') scans the index, not the table.
CREATE INDEX households_village_path ON households (village_path, code, active, head_name, address);
CREATE INDEX households_town ON households (town_id);
-- Active households per village counted from the index alone, for readers
-- that group the households themselves (household_counts is the fast way).
CREATE INDEX households_active_village ON households (active, village_id);

-- Households per village, kept in the transaction of every household write
-- (create, edit, import; RecountHouseholds after bulk loads): the fire
-- module's coverage and the lists' totals read these few hundred rows
-- instead of counting 300,000 households.
CREATE TABLE household_counts (
    village_id BIGINT PRIMARY KEY REFERENCES units(id),
    village_path {{bintext}} NOT NULL,
    town_id BIGINT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    inactive INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX household_counts_path ON household_counts (village_path);
