"""Notifications: an in-app inbox and outbound channels (Discord, Slack, e-mail) per member.

Services record a notice in the same transaction as the change that caused it (`sources.py`, a
rolled-back write sends nothing); the outbox (`outbox.py`) keeps each delivery until a sender
(`sender.py`, run off the page's thread by web/notify_jobs.py) claims and sends it once; the
periodic check (`schedule.py`) records the time-based notices. No Streamlit here.
"""
