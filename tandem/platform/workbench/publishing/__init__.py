"""Publishing the current run's pairs: the tandems become active and everyone is told."""
