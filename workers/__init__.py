"""Background jobs (RQ): ids in, database out."""
