-- The unit list's default order (level, then sort order) without a sort step.
CREATE INDEX units_depth_order ON units (depth, sort_order, id);
