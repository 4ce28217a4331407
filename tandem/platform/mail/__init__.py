"""Mail: the outbox, rendering in the recipient's language, SMTP delivery, and the jobs that send."""
