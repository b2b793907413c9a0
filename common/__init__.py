"""Helpers that belong to no domain, shared by people and tours."""
