"""Curriculum: weeks, materials, notes (and their import), seminars, attendance, Q&A,
retrospectives, search and export."""
