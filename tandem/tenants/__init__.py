"""Member organisations: tenant resolution and scoping, the organisation admin area."""
