"""The three templates every group starts with (written for this app): a Korean AI-club review,
a conference-style review, and a quick three-pass reading note."""

from __future__ import annotations


def _f(key, type_, ko, en, help_ko="", help_en="", required=False, **extra) -> dict:
    return {
        "key": key,
        "type": type_,
        "label_ko": ko,
        "label_en": en,
        "help_ko": help_ko,
        "help_en": help_en,
        "required": required,
        **extra,
    }


def _points(*labels: tuple[str, str], start: int = 1) -> list[dict]:
    return [{"value": start + i, "label_ko": ko, "label_en": en} for i, (ko, en) in enumerate(labels)]


CONFIDENCE_5 = _points(
    ("추측에 가까움", "Mostly guessing"),
    ("잘 모르는 부분이 많음", "Unsure about much of it"),
    ("대체로 이해함", "Fairly confident"),
    ("자세히 확인함", "Checked carefully"),
    ("전문 분야라 확신함", "My own field: certain"),
)

AI_CLUB = {
    "name_ko": "AI 동아리 논문 리뷰",
    "name_en": "AI club paper review",
    "description_ko": "매주 발표 전에 쓰는 기본 리뷰. 세 줄 요약부터 토론 질문까지.",
    "description_en": "The weekly review written before the session: from a three-line summary to discussion questions.",
    "fields": [
        _f(
            "tldr",
            "long_text",
            "세 줄 요약",
            "Three-line summary",
            "논문을 처음 보는 사람에게 세 문장으로 설명해 보세요.",
            "Explain the paper to a newcomer in three sentences.",
            True,
        ),
        _f(
            "problem",
            "long_text",
            "문제 정의",
            "Problem",
            "무엇을 풀려고 하나요? 기존 방법은 왜 부족했나요?",
            "What problem is tackled, and why did earlier work fall short?",
            True,
        ),
        _f(
            "contributions",
            "long_text",
            "핵심 기여",
            "Key contributions",
            "저자가 새로 보여준 것을 항목으로 적어 보세요.",
            "List what the authors newly show.",
            True,
        ),
        _f(
            "method",
            "long_text",
            "방법",
            "Method",
            "핵심 아이디어와 구조. 수식은 $...$ 로 쓸 수 있어요.",
            "The core idea and architecture. Write maths as $...$.",
            True,
        ),
        _f(
            "results",
            "long_text",
            "실험 결과",
            "Results",
            "어떤 데이터셋·지표에서 무엇과 비교했나요?",
            "Which datasets and metrics, compared against what?",
        ),
        _f(
            "limitations",
            "long_text",
            "한계",
            "Limitations",
            "가정, 실험의 빈틈, 재현이 어려운 점.",
            "Assumptions, gaps in the experiments, what is hard to reproduce.",
        ),
        _f(
            "insights",
            "long_text",
            "인사이트 / 적용",
            "Insights / applications",
            "우리 프로젝트나 다른 분야에 어떻게 써볼 수 있을까요?",
            "How could we use this in our projects or elsewhere?",
        ),
        _f(
            "questions",
            "long_text",
            "토론 질문",
            "Discussion questions",
            "스터디 시간에 같이 이야기할 질문 두세 개.",
            "Two or three questions to discuss in the session.",
            True,
        ),
        _f(
            "difficulty",
            "rating",
            "난이도",
            "Difficulty",
            "이 논문을 읽기가 얼마나 어려웠나요?",
            "How hard was the paper to read?",
            True,
            scale_min=1,
            scale_max=5,
            points=_points(
                ("입문자도 가능", "Beginner-friendly"),
                ("조금 어려움", "Some effort"),
                ("보통", "Moderate"),
                ("어려움", "Hard"),
                ("매우 어려움", "Very hard"),
            ),
        ),
        _f(
            "confidence",
            "rating",
            "이해도 확신",
            "Confidence",
            "내 요약이 얼마나 정확하다고 생각하나요?",
            "How sure are you of your reading?",
            True,
            scale_min=1,
            scale_max=5,
            points=CONFIDENCE_5,
        ),
        _f(
            "tags",
            "tags",
            "태그",
            "Tags",
            "쉼표로 구분 (예: attention, NLP)",
            "Comma-separated (e.g. attention, NLP)",
        ),
    ],
}

CONFERENCE = {
    "name_ko": "학회식 리뷰",
    "name_en": "Conference-style review",
    "description_ko": "학회 심사 양식을 본뜬 리뷰. 강점·약점과 점수로 논문을 평가합니다.",
    "description_en": "Modelled on conference reviewing: strengths, weaknesses and scores.",
    "fields": [
        _f(
            "summary",
            "long_text",
            "요약",
            "Summary",
            "저자의 주장과 근거를 중립적으로 요약하세요.",
            "Summarise the claims and evidence neutrally.",
            True,
        ),
        _f("strengths", "long_text", "강점", "Strengths", required=True),
        _f("weaknesses", "long_text", "약점", "Weaknesses", required=True),
        _f("questions", "long_text", "저자에게 묻고 싶은 질문", "Questions for the authors"),
        _f("limitations", "long_text", "한계와 사회적 영향", "Limitations and societal impact"),
        *[
            _f(
                k,
                "rating",
                ko,
                en,
                required=True,
                scale_min=1,
                scale_max=4,
                points=_points(("부족", "Poor"), ("보통", "Fair"), ("좋음", "Good"), ("탁월", "Excellent")),
            )
            for k, ko, en in (
                ("soundness", "타당성", "Soundness"),
                ("presentation", "표현", "Presentation"),
                ("contribution", "기여도", "Contribution"),
            )
        ],
        _f(
            "overall",
            "rating",
            "종합 점수",
            "Overall",
            "10점 척도: 6점 이상이면 채택 쪽입니다.",
            "1-10: 6 and above lean towards acceptance.",
            True,
            scale_min=1,
            scale_max=10,
            points=_points(
                ("명백한 결함", "Trivial or wrong"),
                ("강한 거절", "Strong reject"),
                ("거절", "Reject"),
                ("거절 쪽 경계", "Borderline reject"),
                ("약한 거절", "Weak reject"),
                ("약한 채택", "Weak accept"),
                ("채택", "Accept"),
                ("강한 채택", "Strong accept"),
                ("매우 뛰어남", "Very strong accept"),
                ("획기적", "Award quality"),
            ),
        ),
        _f(
            "confidence",
            "rating",
            "확신도",
            "Confidence",
            required=True,
            scale_min=1,
            scale_max=5,
            points=CONFIDENCE_5,
        ),
        _f("tags", "tags", "태그", "Tags"),
    ],
}

THREE_PASS = {
    "name_ko": "3단계 빠른 읽기 노트",
    "name_en": "Three-pass reading note",
    "description_ko": "훑어보기 → 내용 파악 → 재구성의 세 번 읽기로 빠르게 남기는 노트.",
    "description_en": "A quick note in three passes: skim, grasp the content, rebuild it.",
    "fields": [
        _f(
            "category",
            "single_select",
            "논문 종류",
            "Kind of paper",
            required=True,
            choices=[
                {"value": "method", "label_ko": "새 방법", "label_en": "New method"},
                {"value": "analysis", "label_ko": "분석", "label_en": "Analysis"},
                {"value": "system", "label_ko": "시스템", "label_en": "System"},
                {"value": "survey", "label_ko": "서베이", "label_en": "Survey"},
                {"value": "benchmark", "label_ko": "벤치마크·데이터셋", "label_en": "Benchmark / dataset"},
            ],
        ),
        _f(
            "pass1",
            "long_text",
            "1단계: 훑어보기 (5분)",
            "Pass 1: skim (5 min)",
            "제목·초록·그림·결론만 보고: 무엇에 관한 논문인가요?",
            "Title, abstract, figures, conclusion only: what is it about?",
            True,
        ),
        _f(
            "pass2",
            "long_text",
            "2단계: 내용 파악",
            "Pass 2: grasp the content",
            "주요 그림과 실험을 따라가며 핵심 근거를 정리하세요.",
            "Follow the main figures and experiments; note the key evidence.",
        ),
        _f(
            "pass3",
            "long_text",
            "3단계: 재구성",
            "Pass 3: rebuild it",
            "내가 저자라면 어떻게 했을지, 숨은 가정은 무엇인지.",
            "How would you have done it? Which assumptions are hidden?",
        ),
        _f("read_more", "checkbox", "더 깊이 읽을 가치가 있음", "Worth a deeper read"),
        _f("code_url", "url", "코드 / 데모 링크", "Code / demo link"),
        _f("tags", "tags", "태그", "Tags"),
    ],
}

DEFAULT_TEMPLATES = (AI_CLUB, CONFERENCE, THREE_PASS)
