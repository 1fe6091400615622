"""Strings of the search page and its results (Korean and English)."""

KO = {
    "search.nav": "검색",
    "search.title": "검색",
    "search.intro": '주차, 노트, 질문과 답변, 리뷰, 회고를 한 번에 찾습니다. 조사가 붙은 말("어텐션을")과 '
    '한영 용어("포지셔널" = "위치 인코딩" = "positional encoding")도 찾습니다.',
    "search.query": "검색어",
    "search.placeholder": "예: 어텐션, 위치 인코딩, LSTM 기울기",
    "search.kinds": "찾을 곳",
    "search.kind.week": "주차",
    "search.kind.note": "노트",
    "search.kind.question": "질문",
    "search.kind.review": "리뷰",
    "search.kind.retro": "회고",
    "search.count": "{n}건",
    "search.more": "상위 {n}건만 보여 줍니다. 검색어를 더 붙여 좁혀 보세요.",
    "search.none": "찾은 것이 없습니다.",
    "search.via_answer": "답변에서 찾음",
    "search.by": "{name}의 회고",
    "search.guest_note": "로그인하면 리뷰와 읽을 수 있는 회고도 찾습니다.",
    "search.reviews_note": "다른 사람의 리뷰는 같은 논문에 내 리뷰를 제출한 뒤에 나타납니다.",
    "search.unavailable": "이 화면에서는 열 수 없습니다",
}

EN = {
    "search.nav": "Search",
    "search.title": "Search",
    "search.intro": "Weeks, notes, questions and answers, reviews and retrospectives in one place. Korean words "
    'with particles ("어텐션을") and Korean/English terms ("포지셔널" = "위치 인코딩" = "positional encoding") '
    "are found too.",
    "search.query": "Search for",
    "search.placeholder": "e.g. attention, positional encoding, LSTM gradient",
    "search.kinds": "Look in",
    "search.kind.week": "Week",
    "search.kind.note": "Note",
    "search.kind.question": "Question",
    "search.kind.review": "Review",
    "search.kind.retro": "Retrospective",
    "search.count": "{n} result(s)",
    "search.more": "Showing the top {n} only. Add a word to narrow the search.",
    "search.none": "Nothing found.",
    "search.via_answer": "found in an answer",
    "search.by": "{name}'s retrospective",
    "search.guest_note": "Sign in to search reviews and the retrospectives you may read as well.",
    "search.reviews_note": "Others' reviews of a paper appear once you have submitted your own review of it.",
    "search.unavailable": "cannot be opened from here",
}
