"""Demo curriculum: six weeks from MLP/CNN/RNN basics to the Transformer, materials, a note with
the key formulas, a seminar on "Attention Is All You Need" and a peer Q&A thread on positional
encoding. Written for this app (Korean text, English titles); each week links to the Model Lab
preset that demonstrates it (the registry, core/lab/presets.py, names the week of each preset)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.lab.presets import preset_of_week
from db.base import utcnow
from db.models.curriculum import Answer, Material, Note, Question, Retro, Seminar, Week
from db.seeds.members import demo_member

ORDER = 10

WEEKS = [
    (
        "신경망 기초: MLP, CNN, RNN",
        "Neural network basics: MLP, CNN, RNN",
        "basics, mlp, cnn, rnn",
        "- 다층 퍼셉트론이 비선형 함수를 근사하는 방식을 설명할 수 있다.\n- 합성곱이 이미지의 지역 패턴을 잡는 이유를 이해한다.\n- RNN이 이전 은닉 상태를 다음 계산에 넘기는 구조를 그려 본다.",
        "처음 딥러닝을 접하는 멤버를 위해 한 주를 기초에 썼습니다. MLP는 층을 쌓아 표현력을 얻고, CNN은 같은 필터를 위치마다 재사용해 파라미터를 아끼며, RNN은 시퀀스를 한 토큰씩 읽으면서 은닉 상태에 지난 정보를 요약합니다.",
    ),
    (
        "긴 의존성과 LSTM, GRU",
        "Long-term dependencies: LSTM and GRU",
        "rnn, lstm, gru",
        "- 기울기 소실/폭발이 긴 시퀀스에서 생기는 이유를 식으로 확인한다.\n- LSTM의 forget / input / output 게이트 역할을 구분한다.\n- GRU가 게이트 두 개로 같은 문제를 푸는 방법을 비교한다.",
        "바닐라 RNN은 같은 가중치를 여러 번 곱하기 때문에 멀리 떨어진 입력의 영향이 빠르게 사라집니다. LSTM은 셀 상태라는 별도의 통로와 게이트로 무엇을 잊고 무엇을 남길지 학습하고, GRU는 셀 상태 없이 reset / update 게이트로 더 가볍게 같은 일을 합니다. 실험실의 기억(recall) 과제에서 차이를 직접 볼 수 있습니다.",
    ),
    (
        "seq2seq와 어텐션의 등장",
        "Seq2seq and the rise of attention",
        "seq2seq, attention",
        "- 인코더-디코더 구조에서 컨텍스트 벡터 하나가 병목이 되는 이유를 이해한다.\n- 디코더가 매 시점 입력 전체를 다시 보는 어텐션의 아이디어를 익힌다.",
        "seq2seq는 인코더의 마지막 은닉 상태 하나에 문장 전체를 담아 디코더에 넘깁니다. 문장이 길어질수록 정보가 새어 나가므로, 디코더가 출력할 때마다 인코더의 모든 시점을 가중합으로 다시 참고하도록 한 것이 어텐션입니다.",
    ),
    (
        "어텐션과 Q/K/V, 멀티 헤드",
        "Attention, Q/K/V and multi-head attention",
        "attention, transformer, qkv",
        "- 쿼리·키·밸류가 각각 무엇을 뜻하는지 예로 설명한다.\n- scaled dot-product attention 식을 손으로 따라가 본다.\n- 헤드를 여러 개 두는 이유를 말할 수 있다.",
        "쿼리는 지금 찾고 싶은 것, 키는 후보들의 색인, 밸류는 실제로 가져올 내용입니다. 쿼리와 키의 내적을 $\\sqrt{d_k}$로 나눈 뒤 softmax를 씌우면 가중치가 되고, 그 가중치로 밸류를 섞습니다. 헤드를 여러 개 두면 단어들이 서로 다른 관점에서 관계를 맺을 수 있습니다.",
    ),
    (
        "트랜스포머: 위치 인코딩, 마스크, 잔차와 LayerNorm",
        "The Transformer: positional encoding, masks, residuals",
        "transformer, positional encoding, mask, layernorm",
        "- 순서 정보가 없는 셀프 어텐션에 위치를 알려 주는 방법을 이해한다.\n- 디코더의 마스크가 미래 토큰을 가리는 방식을 확인한다.\n- 각 블록의 잔차 연결과 LayerNorm이 학습을 돕는 이유를 정리한다.",
        "트랜스포머 블록은 멀티 헤드 어텐션과 두 층짜리 피드포워드로 이루어지고, 각 부분마다 $\\mathrm{LayerNorm}(x + \\mathrm{Sublayer}(x))$ 형태의 잔차 연결이 붙습니다. 셀프 어텐션은 순서를 모르므로 사인/코사인 위치 인코딩을 임베딩에 더해 줍니다.",
    ),
    (
        "논문 세미나: Attention Is All You Need",
        "Paper seminar: Attention Is All You Need",
        "paper, transformer, translation",
        "- 논문의 구조(인코더 6층, 디코더 6층, 세 종류의 어텐션)를 한 장으로 요약한다.\n- 영어→한국어처럼 어순이 바뀌는 번역에서 크로스 어텐션이 무엇을 보는지 확인한다.",
        '지금까지 배운 내용을 논문으로 묶어 보는 주간입니다. 인코더 셀프 어텐션, 마스크드 디코더 셀프 어텐션, 인코더-디코더 어텐션이 각각 어디에 쓰이는지 발표로 정리하고, 실험실의 장난감 번역 과제로 "I love cats" → "나는 고양이를 좋아해"에서 어순이 바뀌는 모습을 봅니다.',
    ),
]

FORMULA_NOTE = r"""RNN, 어텐션, 위치 인코딩에서 자주 쓰는 식을 한곳에 모았습니다.

**RNN의 점화식** — 은닉 상태가 이전 상태와 현재 입력으로 갱신됩니다.

$$
h_t = \tanh\left(W_{hh} h_{t-1} + W_{xh} x_t + b_h\right), \qquad y_t = W_{hy} h_t + b_y
$$

같은 $W_{hh}$가 시점마다 곱해지므로, 먼 과거의 기울기는 $W_{hh}$의 고윳값에 따라 사라지거나 폭발합니다.

**Scaled dot-product attention**

$$
\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right) V
$$

$\sqrt{d_k}$로 나누지 않으면 차원이 클 때 내적 값이 커져 softmax가 한쪽으로 쏠리고 기울기가 작아집니다.

**사인/코사인 위치 인코딩**

$$
PE_{(pos,\,2i)} = \sin\left(\frac{pos}{10000^{2i/d_{model}}}\right), \qquad
PE_{(pos,\,2i+1)} = \cos\left(\frac{pos}{10000^{2i/d_{model}}}\right)
$$

위치마다 정해진 벡터를 임베딩에 **더하기** 때문에 차원이 늘지 않습니다.
"""

MATERIALS = {
    1: [("lecture", "CS231n: Convolutional Neural Networks", "https://cs231n.github.io/", "CNN 복습용")],
    2: [
        (
            "link",
            "Understanding LSTM Networks",
            "https://colah.github.io/posts/2015-08-Understanding-LSTMs/",
            "게이트 그림이 가장 알기 쉬운 글",
        )
    ],
    3: [
        (
            "paper",
            "Neural Machine Translation by Jointly Learning to Align and Translate",
            "https://arxiv.org/abs/1409.0473",
            "어텐션을 처음 제안한 논문",
        )
    ],
    4: [("link", "The Illustrated Transformer", "https://jalammar.github.io/illustrated-transformer/", "")],
    5: [
        (
            "code",
            "The Annotated Transformer",
            "https://nlp.seas.harvard.edu/annotated-transformer/",
            "코드와 함께 읽기",
        )
    ],
    6: [("paper", "Attention Is All You Need", "https://arxiv.org/abs/1706.03762", "세미나 논문")],
}


def is_empty(session: Session) -> bool:
    """No curriculum weeks yet."""
    return session.scalar(select(func.count()).select_from(Week)) == 0


def _next_thursday_evening(today: date) -> datetime:
    # 19:00 in Seoul (10:00 UTC) on the next Thursday, so Home has a seminar to show.
    days = (3 - today.weekday()) % 7 or 7
    return datetime.combine(today + timedelta(days=days), time(10, 0), tzinfo=utcnow().tzinfo)


def seed(session: Session) -> None:
    """Add the demo weeks, materials, note, seminar, Q&A thread and one shared retrospective."""
    hayeon, minjun = demo_member(session, "demo.hayeon"), demo_member(session, "demo.minjun")
    seoyeon, jiho = demo_member(session, "demo.seoyeon"), demo_member(session, "demo.jiho")
    weeks = []
    for n, (ko, en, tags, goals, summary) in enumerate(WEEKS, start=1):
        tag_list = [x.strip().lower() for x in tags.split(",")]
        week = Week(
            number=n,
            title_ko=ko,
            title_en=en,
            lab_preset=preset_of_week(n),
            goals=goals,
            summary=summary,
            tags="," + ",".join(tag_list) + ",",
        )
        session.add(week)
        weeks.append(week)
    session.flush()
    for n, items in MATERIALS.items():
        for kind, title, url, note in items:
            session.add(Material(week_id=weeks[n - 1].id, kind=kind, title=title, url=url, note=note))
    if minjun is not None:
        session.add(
            Note(
                week_id=weeks[4].id,
                author_id=minjun.id,
                title="핵심 수식 정리: RNN, 어텐션, 위치 인코딩",
                body=FORMULA_NOTE,
            )
        )
    seminar = Seminar(
        title="Attention Is All You Need 논문 발표",
        starts_at=_next_thursday_evening(utcnow().date()),
        duration_min=90,
        place="공학관 301호",
        presenter_id=hayeon.id if hayeon else None,
        paper_title="Attention Is All You Need (Vaswani et al., 2017)",
        paper_url="https://arxiv.org/abs/1706.03762",
        week_id=weeks[5].id,
        description="RNN 없이 어텐션만으로 번역 모델을 만든 논문을 함께 읽습니다. 세 종류의 어텐션과 "
        "위치 인코딩을 중심으로 발표하고, 끝나고 실험실에서 번역 과제의 어텐션 지도를 봅니다.",
    )
    session.add(seminar)
    if seoyeon is not None and jiho is not None and hayeon is not None:
        question = Question(
            week_id=weeks[4].id,
            author_id=seoyeon.id,
            title="위치 인코딩은 임베딩에 그냥 더하는 건가요?",
            body="임베딩이 4차원이라면 첫 번째 단어의 벡터 $(0.2, -1.1, 0.5, 0.3)$ 에 같은 길이의 "
            "사인/코사인 값 벡터를 성분별로 더하는 것으로 이해했는데 맞을까요?",
            resolved=True,
        )
        session.add(question)
        session.flush()
        session.add(
            Answer(
                question_id=question.id,
                author_id=jiho.id,
                accepted=True,
                body="네, 맞아요. 위치 $pos$마다 $d_{model}$ 길이의 벡터 $PE_{pos}$ 가 정해져 있고 "
                "$x_{pos} + PE_{pos}$ 처럼 더합니다. 그래서 차원은 그대로예요.",
            )
        )
        session.add(
            Answer(
                question_id=question.id,
                author_id=hayeon.id,
                body="덧붙이면, 사인 함수 대신 위치 임베딩을 학습시켜도 성능이 비슷했다고 논문에 나옵니다. "
                "다만 사인 방식은 학습 때보다 긴 문장에도 그대로 쓸 수 있다는 장점이 있어요.",
            )
        )
        session.add(
            Retro(
                week_id=weeks[1].id,
                author_id=jiho.id,
                visibility="group",
                body="LSTM 게이트를 식으로만 볼 때는 헷갈렸는데, 실험실에서 RNN과 LSTM의 recall 정확도 "
                "차이를 보고 나니 왜 셀 상태가 필요한지 감이 왔다. 다음 주에는 GRU와 파라미터 수를 비교해 보자.",
            )
        )
    session.flush()
