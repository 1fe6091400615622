"""Seminar room: a leader opens a room with a short code, participants join with a nickname, and
everyone's Lab runs show live on one chart and a leaderboard (for the projector)."""

from ui.lab.room import render

render()
