-- A town's or a department's ledger reads its scope from the path indexes
-- with the filters inside each branch (safety.scopeAnd). Holding the
-- filtered columns, the indexes answer the filters themselves and the
-- table is read only for the rows that pass (SQLite defers the row seek).
DROP INDEX safety_hazards_town_path;
DROP INDEX safety_hazards_sup_path;
CREATE INDEX safety_hazards_town_path ON safety_hazards (town_path, status, level, industry, campaign_id, supervised, found_on);
CREATE INDEX safety_hazards_sup_path ON safety_hazards (supervising_path, status, level, industry, campaign_id, supervised, found_on);
-- The safety home's major hazards, soonest deadline first: walked in
-- deadline order within the 2% that are major. PostgreSQL's generic plan
-- cannot tell 重大 is rare and walked every hazard by deadline (88 ms).
CREATE INDEX safety_hazards_major ON safety_hazards (level, deadline, id);
