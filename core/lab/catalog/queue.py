"""Strings of the Lab's job queue back ends and of pausing a run (core/lab/jobs/pg*.py,
core/lab/jobs/control.py, ui/lab/jobs.py)."""

KO = {
    "lab.job.worker_lost": "이 실행을 학습하던 워커가 {seconds}초 넘게 응답하지 않아 실패로 처리했습니다(워커가 종료되었거나 데이터베이스 연결이 끊겼습니다). 다시 실행해 주세요.",
    "lab.job.worker_shutdown": "학습 워커가 종료되어 실행이 멈췄습니다. 다시 실행해 주세요.",
    "lab.job.step_n": "한 번에 1~{limit} 스텝까지 진행할 수 있습니다.",
    "lab.job.pause": "일시 정지",
    "lab.job.resume": "계속",
    "lab.job.step_button": "{n} 스텝",
    "lab.job.step_help": "{n} 스텝 학습한 뒤 다시 멈춥니다.",
    "lab.job.pause_help": "다음 스텝 전에 멈춥니다. 슬롯은 그대로 유지됩니다(단축키: 스페이스).",
    "lab.job.paused_at": "스텝 {step}에서 일시 정지됨",
}

EN = {
    "lab.job.worker_lost": "The worker training this run stopped answering for over {seconds} s (it ended, or lost the database), so the run failed. Start it again.",
    "lab.job.worker_shutdown": "The training worker was shut down, so the run stopped. Start it again.",
    "lab.job.step_n": "A run can be stepped by 1 to {limit} steps at a time.",
    "lab.job.pause": "Pause",
    "lab.job.resume": "Resume",
    "lab.job.step_button": "Step {n}",
    "lab.job.step_help": "Train {n} steps, then pause again.",
    "lab.job.pause_help": "Holds the run before its next step; it keeps its slot (shortcut: space).",
    "lab.job.paused_at": "Paused at step {step}",
}
