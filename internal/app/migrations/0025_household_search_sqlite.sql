-- only: sqlite
-- As 0021 for hazards: an external-content FTS5 table kept by triggers.
CREATE VIRTUAL TABLE household_search USING fts5(grams, content='households', content_rowid='id', detail='full');
CREATE TRIGGER households_search_ai AFTER INSERT ON households WHEN new.grams IS NOT NULL BEGIN INSERT INTO household_search (rowid, grams) VALUES (new.id, new.grams); END;
CREATE TRIGGER households_search_ad AFTER DELETE ON households WHEN old.grams IS NOT NULL BEGIN INSERT INTO household_search (household_search, rowid, grams) VALUES ('delete', old.id, old.grams); END;
CREATE TRIGGER households_search_au AFTER UPDATE OF grams ON households BEGIN INSERT INTO household_search (household_search, rowid, grams) SELECT 'delete', old.id, old.grams WHERE old.grams IS NOT NULL; INSERT INTO household_search (rowid, grams) SELECT new.id, new.grams WHERE new.grams IS NOT NULL; END;
