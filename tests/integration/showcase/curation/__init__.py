"""The board's curation, the symposium's programme, the organisations' approval and settings."""
