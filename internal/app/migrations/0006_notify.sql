-- Notifications: the in-app inbox, outbound webhook channels (group robots
-- of DingTalk, WeCom, Feishu, or a generic JSON receiver) and the outbox of
-- deliveries with their retries, which is also the delivery log.

-- One row per recipient of a message; read_at NULL while unread.
CREATE TABLE notifications (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,            -- "task.remind", "report.due" …
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '', -- SPA path such as "/tasks/12"
    object_type TEXT NOT NULL DEFAULT '',
    object_id TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    read_at {{ts}}
);
-- The unread count and the unread filter.
CREATE INDEX notifications_user_unread ON notifications (user_id, read_at, created_at);
-- The inbox, newest first.
CREATE INDEX notifications_user_time ON notifications (user_id, created_at);

-- Keys of messages already sent: a job re-run after a crash finds its key
-- here and sends nothing twice.
CREATE TABLE notify_dedup (
    key TEXT PRIMARY KEY,
    created_at {{ts}} NOT NULL
);

CREATE TABLE notify_channels (
    id {{id}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL,            -- dingtalk | wecom | feishu | webhook
    url TEXT NOT NULL,
    secret TEXT NOT NULL DEFAULT '', -- signing secret; never returned by the API
    unit_id BIGINT REFERENCES units(id), -- NULL: the whole district
    kinds TEXT NOT NULL DEFAULT '', -- comma list of message-kind prefixes; '' = all
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX notify_channels_name ON notify_channels (name);

-- The outbox. A delivery goes to a channel, or by SMS to a user (channel_id
-- NULL, user_id set; the phone is read when it is sent). status: pending
-- (not tried yet), failed (tried, will be retried at next_attempt_at), sent,
-- dead (gave up). A worker claims a row by moving next_attempt_at past the
-- send timeout and counting the attempt in one conditional UPDATE.
CREATE TABLE notify_deliveries (
    id {{id}},
    channel_id BIGINT REFERENCES notify_channels(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    object_type TEXT NOT NULL DEFAULT '',
    object_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{ts}} NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    response_status INTEGER NOT NULL DEFAULT 0,
    response_body TEXT NOT NULL DEFAULT '', -- truncated
    created_at {{ts}} NOT NULL,
    sent_at {{ts}}
);
CREATE INDEX notify_deliveries_due ON notify_deliveries (status, next_attempt_at);
CREATE INDEX notify_deliveries_channel ON notify_deliveries (channel_id, id);
