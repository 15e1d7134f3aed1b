-- only: postgres
-- As 0022 for hazards.
CREATE INDEX households_grams ON households USING gin (string_to_array(grams, ' '));
