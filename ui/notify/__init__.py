"""Notification screens: the sidebar bell, the inbox page, preferences on the account page, and the
leaders' delivery problems."""
