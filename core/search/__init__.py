"""Search across weeks, notes, Q&A, reviews and retrospectives: the index (`index.py`, kept in step
on every write), query reading with Korean particles and the glossary (`terms.py`, `glossary.py`),
ranked results with safe highlighted snippets (`query.py`, `snippet.py`), plain text from
Markdown (`text.py`). Who may see a hit is decided by its feature's own rules (reviews:
core/reviews/queries.py; retrospectives: core/curriculum/retros.py)."""
