"""Accounts: members, roles, passwords and remembered sign-ins."""
