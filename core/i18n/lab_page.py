"""Model Lab page strings ("lab.page.*"): the Lab page, run history, Compare, presets.

Kept apart from `lab.py` (the engine's strings) so the two can be edited independently.
"""

KO = {
    "lab.page.title_field": "제목",
    "lab.page.notes_field": "메모",
    "lab.page.run_not_found": "저장된 실행 #{run_id}을(를) 찾을 수 없습니다.",
}

EN = {
    "lab.page.title_field": "Title",
    "lab.page.notes_field": "Notes",
    "lab.page.run_not_found": "Stored run #{run_id} was not found.",
}
