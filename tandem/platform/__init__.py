"""The club-wide core: app factory, configuration, database, identity, board, cohorts, showcase."""
