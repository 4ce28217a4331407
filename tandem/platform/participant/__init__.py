"""participant area."""
