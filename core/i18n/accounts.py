"""Sign-in, lock-out and account strings (Korean and English)."""

KO: dict[str, str] = {}
EN: dict[str, str] = {}
