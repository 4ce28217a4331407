"""The organisation admin's nominations: one by one with a form, or many from a CSV file; withdrawing."""
