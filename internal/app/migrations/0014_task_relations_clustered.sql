-- only: sqlite
-- The tables keyed by their primary key alone become WITHOUT ROWID on
-- SQLite: a row then lives in its key's B-tree instead of a rowid table
-- plus a separate index on the key, one page less for every task created
-- or edited. PostgreSQL keeps its tables.
CREATE TABLE task_leaders_c (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    sort_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, user_id)
) WITHOUT ROWID;
INSERT INTO task_leaders_c (task_id, user_id, sort_order) SELECT task_id, user_id, sort_order FROM task_leaders;
DROP TABLE task_leaders;
ALTER TABLE task_leaders_c RENAME TO task_leaders;
CREATE INDEX task_leaders_user ON task_leaders (user_id, task_id);

CREATE TABLE task_co_units_c (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, unit_id)
) WITHOUT ROWID;
INSERT INTO task_co_units_c (task_id, unit_id, unit_path, sort_order) SELECT task_id, unit_id, unit_path, sort_order FROM task_co_units;
DROP TABLE task_co_units;
ALTER TABLE task_co_units_c RENAME TO task_co_units;
CREATE INDEX task_co_units_unit ON task_co_units (unit_id);
CREATE INDEX task_co_units_path ON task_co_units (unit_path, task_id);

CREATE TABLE task_tags_c (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (task_id, tag)
) WITHOUT ROWID;
INSERT INTO task_tags_c (task_id, tag) SELECT task_id, tag FROM task_tags;
DROP TABLE task_tags;
ALTER TABLE task_tags_c RENAME TO task_tags;
CREATE INDEX task_tags_tag ON task_tags (tag, task_id);

CREATE TABLE task_light_reasons_c (
    task_id BIGINT PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
    reason TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO task_light_reasons_c (task_id, reason) SELECT task_id, reason FROM task_light_reasons;
DROP TABLE task_light_reasons;
ALTER TABLE task_light_reasons_c RENAME TO task_light_reasons;

CREATE TABLE number_seqs_c (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (name, year)
) WITHOUT ROWID;
INSERT INTO number_seqs_c (name, year, last) SELECT name, year, last FROM number_seqs;
DROP TABLE number_seqs;
ALTER TABLE number_seqs_c RENAME TO number_seqs;
