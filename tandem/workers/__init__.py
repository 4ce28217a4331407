"""RQ: queues, jobs (mail outbox, reminders, matching), worker entry point."""
