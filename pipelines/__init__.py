"""Item pipelines, one concern each: validate → normalise → classify → store."""
