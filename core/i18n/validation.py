"""Shared validation messages (Korean and English)."""

KO: dict[str, str] = {}
EN: dict[str, str] = {}
