"""Personal data: the registry of every table's personal data (export, erasure and retention build on it)."""
