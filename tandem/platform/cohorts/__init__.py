"""The board's cohorts: creating and editing them, quotas, the lifecycle, the nominations across organisations."""
