-- only: sqlite
-- The trail's sequence becomes the table's rowid on SQLite. "BIGINT PRIMARY
-- KEY" is not a rowid alias there, so every audit entry (one per write in
-- the whole system) went into the table and into a separate unique index on
-- seq; now it goes into the table alone. PostgreSQL keeps its primary key.
CREATE TABLE audit_log_rowid (
    seq INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    user_id BIGINT,
    username TEXT NOT NULL DEFAULT '',
    unit_id BIGINT,
    ip TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_log_rowid (seq, at, user_id, username, unit_id, ip, action, object_type, object_id, summary, before_json, after_json, prev_hash, hash)
SELECT seq, at, user_id, username, unit_id, ip, action, object_type, object_id, summary, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq;
DROP TABLE audit_log;
ALTER TABLE audit_log_rowid RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_unit ON audit_log (unit_id, seq);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_action ON audit_log (action, seq);
