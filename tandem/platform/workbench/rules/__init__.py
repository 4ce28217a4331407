"""The cohort's matching rules: weights and threshold, never-together, mentor capacity; comparing runs."""
