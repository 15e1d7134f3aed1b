-- only: postgres
-- The pairs as an array in a GIN index: a search asks for the rows holding
-- all of the query's pairs (@>), then checks the text itself.
CREATE INDEX safety_hazards_grams ON safety_hazards USING gin (string_to_array(grams, ' '));
