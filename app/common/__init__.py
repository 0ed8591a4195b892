"""Pieces every feature shares: database plumbing, permissions, audit log, rendering."""
