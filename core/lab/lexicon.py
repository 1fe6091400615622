"""The shipped toy English -> Korean grammar behind the `translate` task.

English is SVO ("the dog eats bread"), Korean is SOV with particles ("개는 빵을 먹어"): the
subject takes the topic particle 은/는 (or the subject particle 이/가 in intransitive sentences,
where 나/너 become 내가/네가), the object takes 을/를, and the verb moves to the end with a
present (-아/어) or past (-았/었어) ending. Words are whole tokens, so an attention map shows the
verb jumping from position 2 in English to the last position in Korean.
"""

from __future__ import annotations

from functools import cache

# (english, topic form 은/는, subject form 이/가, third person singular?)
SUBJECTS = [
    ("i", "나는", "내가", False),
    ("you", "너는", "네가", False),
    ("we", "우리는", "우리가", False),
    ("they", "그들은", "그들이", False),
    ("he", "그는", "그가", True),
    ("she", "그녀는", "그녀가", True),
    ("the cat", "고양이는", "고양이가", True),
    ("the dog", "개는", "개가", True),
    ("the teacher", "선생님은", "선생님이", True),
    ("my friend", "내 친구는", "내 친구가", True),
]

# (english, korean with 을/를, category)
OBJECTS = [
    ("cats", "고양이를", "animal"),
    ("dogs", "개를", "animal"),
    ("books", "책을", "text"),
    ("letters", "편지를", "text"),
    ("music", "음악을", "art"),
    ("flowers", "꽃을", "thing"),
    ("apples", "사과를", "food"),
    ("bread", "빵을", "food"),
    ("rice", "밥을", "food"),
    ("water", "물을", "drink"),
    ("milk", "우유를", "drink"),
    ("coffee", "커피를", "drink"),
]
_ALL = {c for _, _, c in OBJECTS}

# (base, 3rd singular, past, korean present, korean past, object categories it takes)
TRANSITIVE = [
    ("love", "loves", "loved", "좋아해", "좋아했어", _ALL),
    ("hate", "hates", "hated", "싫어해", "싫어했어", _ALL),
    ("want", "wants", "wanted", "원해", "원했어", _ALL),
    ("see", "sees", "saw", "봐", "봤어", _ALL),
    ("buy", "buys", "bought", "사", "샀어", _ALL - {"art"}),
    ("eat", "eats", "ate", "먹어", "먹었어", {"food"}),
    ("drink", "drinks", "drank", "마셔", "마셨어", {"drink"}),
    ("write", "writes", "wrote", "써", "썼어", {"text"}),
]

# (base, 3rd singular, past, korean present, korean past)
INTRANSITIVE = [
    ("sleep", "sleeps", "slept", "자", "잤어"),
    ("run", "runs", "ran", "달려", "달렸어"),
    ("laugh", "laughs", "laughed", "웃어", "웃었어"),
    ("come", "comes", "came", "와", "왔어"),
]


@cache
def translation_pairs() -> list[tuple[str, str]]:
    """Every (english, korean) sentence pair of the grammar, in a fixed order (~1.4k pairs)."""
    pairs: list[tuple[str, str]] = []
    for en_s, topic, subj, third in SUBJECTS:
        for past in (False, True):
            for base, s3, pst, ko_now, ko_past, cats in TRANSITIVE:
                verb = pst if past else (s3 if third else base)
                ko_verb = ko_past if past else ko_now
                for en_o, ko_o, cat in OBJECTS:
                    if cat in cats:
                        pairs.append((f"{en_s} {verb} {en_o}", f"{topic} {ko_o} {ko_verb}"))
            for base, s3, pst, ko_now, ko_past in INTRANSITIVE:
                verb = pst if past else (s3 if third else base)
                pairs.append((f"{en_s} {verb}", f"{subj} {ko_past if past else ko_now}"))
    return pairs
