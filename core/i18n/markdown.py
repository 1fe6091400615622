"""Strings of the user-Markdown renderer (Korean and English)."""

KO: dict[str, str] = {}
EN: dict[str, str] = {}
