"""Factories and helpers shared by tests (no test module imports another)."""
