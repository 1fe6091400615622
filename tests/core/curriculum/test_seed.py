"""The demo curriculum seed: six weeks with Lab presets, the formula note, the seminar and the
positional-encoding Q&A thread, loaded once, readable through the services."""

from core.curriculum import qa, seminars
from core.curriculum import weeks as cur
from core.curriculum.notes_import import normalise
from core.curriculum.search import search
from core.lab.presets import PRESETS, preset_of_week
from db.seeds import run_seeds


def test_demo_curriculum(db):
    with db.write() as s:
        assert "curriculum" in run_seeds(s)
    with db.write() as s:
        assert run_seeds(s) == []  # once ever
    with db.read() as s:
        weeks = cur.list_weeks(session=s)
        assert len(weeks) >= 6
        assert all(w.title_ko and w.title_en for w in weeks)
        # each demo week links to the preset the Lab's registry assigns to it, every preset once
        assert [w.lab_preset for w in weeks] == [preset_of_week(w.number) for w in weeks]
        assert {w.lab_preset for w in weeks} == set(PRESETS)
        notes = [n for w in weeks for n in cur.list_notes(session=s, week_id=w.id)]
        body = notes[0].body
        assert "h_{t-1}" in body and "\\sqrt{d_k}" in body and "10000^{2i/d_{model}}" in body
        assert not normalise(body).fixes  # nothing in it that breaks rendering
        sem = seminars.next_seminar(session=s)
        assert "Attention Is All You Need" in sem.title and sem.presenter.display_name == "김하연"
        [q] = qa.list_questions(session=s)
        assert "위치 인코딩" in q.title and q.resolved
        assert len(qa.list_answers(session=s, question_id=q.id)) == 2
        assert any(h.kind == "question" for h in search(session=s, query="위치 인코딩"))
