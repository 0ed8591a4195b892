"""Notifications and the scheduler that sends reminders and rebuilds aggregates."""
