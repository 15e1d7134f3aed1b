-- Supervision (督查督办): where tasks come from, the tasks, and everything
-- that happens to them. Business dates are TEXT "YYYY-MM-DD".

-- A task's source: a meeting (调度会, 常务会议, 专题会议), a leader's
-- instruction (领导批示) or an annual key work plan (年度重点工作).
CREATE TABLE task_sources (
    id {{id}},
    kind TEXT NOT NULL,            -- meeting | instruction | plan
    meeting_kind TEXT NOT NULL DEFAULT '', -- dispatch | executive | topic (meetings)
    title TEXT NOT NULL,           -- meeting name, instruction subject, plan name
    held_on TEXT,                  -- meeting date, instruction date
    year INTEGER NOT NULL,
    chair TEXT NOT NULL DEFAULT '',            -- meetings
    leader_id BIGINT REFERENCES users(id),    -- instructions: the leader who wrote it
    body TEXT NOT NULL DEFAULT '',             -- minutes, instruction text, plan summary
    document TEXT NOT NULL DEFAULT '',         -- the document the instruction was written on
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX task_sources_kind ON task_sources (kind, held_on);

CREATE TABLE tasks (
    id {{id}},
    parent_id BIGINT REFERENCES tasks(id),     -- subtasks split by the lead unit
    source_id BIGINT REFERENCES task_sources(id),
    number TEXT NOT NULL DEFAULT '',           -- 示督〔2026〕12号; subtasks: parent's number + "-2"
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,            -- per year among top-level tasks; subtasks: the parent's
    sub_seq INTEGER NOT NULL DEFAULT 0,        -- subtasks: n of "-n" among the parent's subtasks
    title TEXT NOT NULL,
    requirements TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,                        -- once | periodic | longterm
    report_cycle TEXT NOT NULL DEFAULT '',     -- week | fortnight | month | '' (none)
    lead_unit_id BIGINT NOT NULL REFERENCES units(id),
    lead_unit_path {{bintext}} NOT NULL,       -- copy of units.path: scope filters without a join
    responsible_name TEXT NOT NULL DEFAULT '',
    responsible_phone TEXT NOT NULL DEFAULT '',
    start_on TEXT NOT NULL,
    deadline TEXT,                             -- NULL for long-term work
    due_key TEXT NOT NULL DEFAULT '9999-12-31', -- the deadline, or 9999-12-31 without one: sorts and ranges on one index, NULL-free on both databases
    status TEXT NOT NULL,                      -- draft | issued | signed | in_progress | requested | returned | closed
    progress INTEGER NOT NULL DEFAULT 0,       -- 0..100: last report, or rolled up from subtasks
    light TEXT NOT NULL DEFAULT 'none',        -- green | yellow | red | none (draft, closed)
    light_since {{ts}},
    sign_due TEXT,                             -- last working day to sign for it
    issued_at {{ts}},
    signed_at {{ts}},
    requested_at {{ts}},
    closed_at {{ts}},
    closed_on_time BOOLEAN,
    last_report_at {{ts}},
    last_cycle_end TEXT,                       -- cycle_end of the latest report: missing-report check without a scan
    overdue BOOLEAN NOT NULL DEFAULT FALSE,    -- set with the light: past the deadline and not closed
    report_missing BOOLEAN NOT NULL DEFAULT FALSE, -- set with the light: the last completed cycle went unreported
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX tasks_number ON tasks (number) WHERE number <> '';
-- The ledger shows top-level tasks by default, sorted by number or
-- deadline: these partial indexes count and page the common filters in
-- order without touching the table, on both databases (PostgreSQL does not
-- take "parent_id IS NULL" as fixing a leading index column). They end in
-- id, the sorts' tie-break, and parent_id, so SQLite counts from them alone;
-- the light and status ones carry the number, status, light and kind too, to
-- filter and sort a page by them from the index alone.
CREATE INDEX tasks_top_number ON tasks (year, seq, sub_seq, id, parent_id) WHERE parent_id IS NULL;
CREATE INDEX tasks_top_due ON tasks (due_key, id, parent_id) WHERE parent_id IS NULL;
CREATE INDEX tasks_top_light ON tasks (light, due_key, id, parent_id, year, seq, sub_seq, status, kind) WHERE parent_id IS NULL;
CREATE INDEX tasks_top_status ON tasks (status, due_key, id, parent_id, year, seq, sub_seq, light, kind) WHERE parent_id IS NULL;
-- A search (q, LIKE '%…%' on title or number) scans this narrow copy of the
-- top-level rows instead of the table, and sorts the matches from it.
CREATE INDEX tasks_top_search ON tasks (title, number, year, seq, sub_seq, due_key, light, id, parent_id) WHERE parent_id IS NULL;
CREATE INDEX tasks_parent ON tasks (parent_id, sub_seq) WHERE parent_id IS NOT NULL;
CREATE INDEX tasks_source ON tasks (source_id);
CREATE INDEX tasks_unit ON tasks (lead_unit_path, status);
CREATE INDEX tasks_overdue ON tasks (due_key, id) WHERE overdue = TRUE;
CREATE INDEX tasks_missing ON tasks (due_key, id) WHERE report_missing = TRUE;
-- The supervision home counts everything by lead unit in one pass over this
-- index alone, in lead-unit order (no sort for the GROUP BY).
CREATE INDEX tasks_home ON tasks (lead_unit_id, status, light, overdue, report_missing, closed_on_time, due_key, lead_unit_path,
    parent_id) WHERE parent_id IS NULL;

-- The words of each light ("节点'主体完工'已逾期3个工作日"), kept apart from
-- tasks: they change every day as working days are counted, and updating
-- this table touches one index instead of the dozen on tasks. No row: no
-- reason (green, draft, closed).
CREATE TABLE task_light_reasons (
    task_id BIGINT PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
    reason TEXT NOT NULL
);

-- Lead leaders (牵头领导), co-units (配合单位) and tags.
CREATE TABLE task_leaders (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    sort_order INTEGER NOT NULL DEFAULT 0,     -- the first leader owns coordination items
    PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_leaders_user ON task_leaders (user_id, task_id);

CREATE TABLE task_co_units (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    unit_path {{bintext}} NOT NULL,            -- copy of units.path: co-unit scope without a join
    sort_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, unit_id)
);
CREATE INDEX task_co_units_unit ON task_co_units (unit_id);
CREATE INDEX task_co_units_path ON task_co_units (unit_path, task_id);

CREATE TABLE task_tags (
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (task_id, tag)
);
CREATE INDEX task_tags_tag ON task_tags (tag, task_id);

-- Milestones (节点) with a weight; done_on is the actual date.
CREATE TABLE task_milestones (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    due_on TEXT NOT NULL,
    weight INTEGER NOT NULL DEFAULT 1,
    done_on TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX task_milestones_task ON task_milestones (task_id, sort_order);
CREATE INDEX task_milestones_due ON task_milestones (due_on) WHERE done_on IS NULL;

-- Progress reports (进展反馈), one per task and cycle; a second submission
-- in the same cycle replaces the first until the cycle closes.
CREATE TABLE task_reports (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    cycle_start TEXT NOT NULL,
    cycle_end TEXT NOT NULL,
    content TEXT NOT NULL,
    percent INTEGER NOT NULL,
    problems TEXT NOT NULL DEFAULT '',
    file_ids TEXT NOT NULL DEFAULT '',         -- "12,15": attachments of the task
    unit_id BIGINT NOT NULL REFERENCES units(id),
    reported_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX task_reports_cycle ON task_reports (task_id, cycle_end);
CREATE INDEX task_reports_time ON task_reports (created_at);

-- Problems a unit needs a leader to coordinate (需协调解决的问题).
CREATE TABLE task_coordination (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    report_id BIGINT REFERENCES task_reports(id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    owner_id BIGINT REFERENCES users(id),      -- the leader or person who answers
    due_on TEXT,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users(id),
    answered_at {{ts}},
    status TEXT NOT NULL DEFAULT 'open',       -- open | answered
    created_at {{ts}} NOT NULL
);
CREATE INDEX task_coordination_task ON task_coordination (task_id);
CREATE INDEX task_coordination_owner ON task_coordination (owner_id, status);
CREATE INDEX task_coordination_status ON task_coordination (status, due_on);
CREATE INDEX task_coordination_report ON task_coordination (report_id);

-- Extension requests (延期申请) and their decisions.
CREATE TABLE task_extensions (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    old_deadline TEXT NOT NULL,
    new_deadline TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',    -- pending | approved | refused
    requested_by BIGINT REFERENCES users(id),
    requested_at {{ts}} NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at {{ts}},
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX task_extensions_task ON task_extensions (task_id);
CREATE INDEX task_extensions_pending ON task_extensions (status);

-- Completion requests (申请办结) with their evidence, and how each ended:
-- closed (销号) or returned (退回) with the reason.
CREATE TABLE task_completions (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    summary TEXT NOT NULL,
    file_ids TEXT NOT NULL DEFAULT '',
    requested_by BIGINT REFERENCES users(id),
    requested_at {{ts}} NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',          -- '' (pending) | closed | returned
    decided_by BIGINT REFERENCES users(id),
    decided_at {{ts}},
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX task_completions_task ON task_completions (task_id);

-- Supervision actions: reminders (催办, automatic or by hand), supervision
-- notices (督办单, numbered, printable as Word) and interview records (约谈).
CREATE TABLE task_actions (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- remind | notice | interview
    number TEXT NOT NULL DEFAULT '',           -- 督办〔2026〕3号 for notices
    auto BOOLEAN NOT NULL DEFAULT FALSE,
    content TEXT NOT NULL,
    interviewee TEXT NOT NULL DEFAULT '',      -- interviews: who was interviewed
    held_on TEXT,                              -- interviews: date
    problem TEXT NOT NULL DEFAULT '',          -- notices: why (the light's reason when issued)
    reply_by TEXT,                             -- notices: the unit answers by this day
    doc TEXT NOT NULL DEFAULT '',              -- notices: the document's fields as issued (JSON)
    dedup_key TEXT,                            -- automatic reminders: once per task, light and day
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX task_actions_task ON task_actions (task_id, created_at);
CREATE UNIQUE INDEX task_actions_dedup ON task_actions (dedup_key);

-- The timeline: every transition and action, in words, for the task page.
CREATE TABLE task_events (
    id {{id}},
    task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- create, issue, sign, report, remind, notice, interview, request, close, return, extension, light …
    summary TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL DEFAULT '',
    at {{ts}} NOT NULL
);
CREATE INDEX task_events_task ON task_events (task_id, at);

-- Number sequences: 示督〔2026〕12号, 督办〔2026〕3号 — per name and year.
CREATE TABLE number_seqs (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (name, year)
);

-- One row per day and lead unit with the counts, written by the daily
-- stats job, for the trend chart on the supervision home; per unit so a
-- town's home page shows its own trend.
CREATE TABLE task_daily_stats (
    day TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    unit_path {{bintext}} NOT NULL,
    open_total INTEGER NOT NULL,
    green INTEGER NOT NULL,
    yellow INTEGER NOT NULL,
    red INTEGER NOT NULL,
    closed_total INTEGER NOT NULL,
    closed_on_time INTEGER NOT NULL,
    PRIMARY KEY (day, unit_id)
);
CREATE INDEX task_daily_stats_path ON task_daily_stats (unit_path, day);
