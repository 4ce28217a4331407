"""The curation's pure parts."""
