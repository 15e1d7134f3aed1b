-- Foundation: organisation, users, sessions, tokens, audit trail, files, imports.

CREATE TABLE units (
    id {{id}},
    parent_id BIGINT REFERENCES units(id),
    path {{bintext}} NOT NULL,     -- "/1/5/23/": ancestors and itself; subtree scope is a bytewise range
    depth INTEGER NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX units_code ON units (code);
CREATE INDEX units_path ON units (path);
CREATE INDEX units_parent ON units (parent_id, sort_order);
CREATE INDEX units_kind ON units (kind, sort_order);

CREATE TABLE unit_groups (
    id {{id}},
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX unit_groups_code ON unit_groups (code);

CREATE TABLE unit_group_members (
    group_id BIGINT NOT NULL REFERENCES unit_groups(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (group_id, unit_id)
);
CREATE INDEX unit_group_members_unit ON unit_group_members (unit_id);

CREATE TABLE users (
    id {{id}},
    username TEXT NOT NULL,
    real_name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    unit_id BIGINT NOT NULL REFERENCES units(id),
    position TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL,           -- comma-separated role codes
    password_hash TEXT NOT NULL DEFAULT '',
    must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    last_login_at {{ts}},
    password_changed_at {{ts}},
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);
CREATE INDEX users_unit ON users (unit_id);

-- Task force (专班) members come from many units.
CREATE TABLE unit_members (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (unit_id, user_id)
);
CREATE INDEX unit_members_user ON unit_members (user_id);

-- Failed sign-ins by the name typed, so unknown names lock the same way as
-- real ones and the answer never tells whether a user exists.
CREATE TABLE login_failures (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until {{ts}},
    last_failure_at {{ts}} NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,      -- sha256 of the cookie value
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    last_seen_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL     -- absolute limit
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id {{id}},
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    expires_at {{ts}},
    last_used_at {{ts}},
    revoked_at {{ts}}
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

-- Append-only, hash-chained audit trail. audit_head holds the last seq and
-- hash; every write locks it, so the chain has no forks.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at {{ts}} NOT NULL,
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
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);
CREATE INDEX audit_log_unit ON audit_log (unit_id, seq);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_action ON audit_log (action, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE files (
    id {{id}},
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    has_thumb BOOLEAN NOT NULL DEFAULT FALSE,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    uploaded_by BIGINT REFERENCES users(id),          -- NULL when an API token uploaded it
    uploaded_by_token BIGINT REFERENCES api_tokens(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX files_object ON files (object_type, object_id);

CREATE TABLE import_jobs (
    id {{id}},
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    header_row INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    errors_json TEXT NOT NULL DEFAULT '[]',
    user_id BIGINT REFERENCES users(id),              -- NULL when an API token started it
    token_id BIGINT REFERENCES api_tokens(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    created_at {{ts}} NOT NULL,
    finished_at {{ts}}
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at {{ts}} NOT NULL
);
