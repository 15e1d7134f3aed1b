-- Forest fire prevention (森林防灭火): fire-danger warnings, letters to
-- households (致全区人民群众的一封信, 森林防火戒严令, …) with signed
-- receipts, and a per-village counter of households reached so coverage
-- over 300,000 households reads in a few milliseconds.

CREATE TABLE fire_warnings (
    id {{id}},
    level INTEGER NOT NULL,                    -- 1–5: 3 yellow, 4 orange, 5 red
    valid_from {{ts}} NOT NULL,
    valid_to {{ts}} NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    district_wide BOOLEAN NOT NULL DEFAULT FALSE,
    issued_by BIGINT REFERENCES users(id),
    issued_by_name TEXT NOT NULL DEFAULT '',
    ended_at {{ts}},                           -- ended early by hand
    ended_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
-- The banner asks "what is valid now" on every page load.
CREATE INDEX fire_warnings_valid ON fire_warnings (valid_to, valid_from);

-- The towns a warning covers (none when district_wide).
CREATE TABLE fire_warning_towns (
    warning_id BIGINT NOT NULL REFERENCES fire_warnings(id) ON DELETE CASCADE,
    town_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (warning_id, town_id)
);

-- A letter campaign: the document (text and/or a file) and where it goes.
CREATE TABLE fire_letters (
    id {{id}},
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    file_id BIGINT REFERENCES files(id),
    starts_on TEXT NOT NULL,                   -- YYYY-MM-DD
    ends_on TEXT NOT NULL,
    district_wide BOOLEAN NOT NULL DEFAULT TRUE,
    unit_id BIGINT NOT NULL REFERENCES units(id), -- issuing unit
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX fire_letters_period ON fire_letters (ends_on, starts_on);

CREATE TABLE fire_letter_towns (
    letter_id BIGINT NOT NULL REFERENCES fire_letters(id) ON DELETE CASCADE,
    town_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (letter_id, town_id)
);

-- A batch: a signed paper sheet scanned once, then the households ticked on it.
CREATE TABLE fire_receipt_batches (
    id {{id}},
    letter_id BIGINT NOT NULL REFERENCES fire_letters(id),
    village_id BIGINT NOT NULL REFERENCES units(id),
    file_id BIGINT NOT NULL REFERENCES files(id),
    households INTEGER NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX fire_receipt_batches_letter ON fire_receipt_batches (letter_id, village_id);

-- One delivery per household and letter, with its receipt: a signature
-- drawn on the phone, a photo of the slip, or a line on a scanned sheet.
-- village/town are copied from the household at delivery so coverage and
-- scope need no join; households are not referenced by a foreign key so a
-- household merged away later keeps its history here.
CREATE TABLE fire_deliveries (
    id {{id}},
    letter_id BIGINT NOT NULL REFERENCES fire_letters(id),
    household_id BIGINT NOT NULL,
    village_id BIGINT NOT NULL REFERENCES units(id),
    village_path TEXT NOT NULL,
    town_id BIGINT NOT NULL,
    method TEXT NOT NULL,                      -- signature | photo | sheet
    file_id BIGINT REFERENCES files(id),       -- the signature PNG or the photo (sheet: the batch's scan)
    batch_id BIGINT REFERENCES fire_receipt_batches(id),
    signer TEXT NOT NULL DEFAULT '',           -- who signed, when not the head of household
    delivered_on TEXT NOT NULL,                -- YYYY-MM-DD
    client_key TEXT,                           -- the phone's UUID: a retry returns the stored row
    recorded_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX fire_deliveries_household ON fire_deliveries (letter_id, household_id);
CREATE UNIQUE INDEX fire_deliveries_client_key ON fire_deliveries (client_key);
CREATE INDEX fire_deliveries_village ON fire_deliveries (letter_id, village_id, created_at);

-- Households reached per letter and village, kept in the delivery's
-- transaction (coverage reads this, not 300,000 receipts).
CREATE TABLE fire_coverage (
    letter_id BIGINT NOT NULL REFERENCES fire_letters(id) ON DELETE CASCADE,
    village_id BIGINT NOT NULL REFERENCES units(id),
    town_id BIGINT NOT NULL,
    reached INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (letter_id, village_id)
);
