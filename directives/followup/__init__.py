"""The follow-up engine: what reminders are owed (schedule), and sending them exactly once (delivery)."""
