"""The group's time zone setting (Korean and English)."""

KO: dict[str, str] = {
    "tz.zone": "모임 시간대",
    "tz.heading": "모임 시간대",
    "tz.help": "모든 화면과 내보내기의 시각이 이 시간대로 보이고, 날짜 기본값(오늘)도 이 시간대로 정해집니다. 저장은 UTC로 합니다.",
    "tz.now": "지금 모임 시각: {now} ({zone})",
    "tz.save": "시간대 저장",
    "tz.saved": "모임 시간대를 {zone}(으)로 바꿨습니다.",
    "tz.error.unknown_zone": "알 수 없는 시간대입니다. 'Asia/Seoul' 같은 IANA 이름을 고르세요.",
}

EN: dict[str, str] = {
    "tz.zone": "Group time zone",
    "tz.heading": "Group time zone",
    "tz.help": "Every time on screen and in exports is shown in this zone, and date defaults (today) follow it. Times are stored in UTC.",
    "tz.now": "Group time now: {now} ({zone})",
    "tz.save": "Save time zone",
    "tz.saved": "Group time zone set to {zone}.",
    "tz.error.unknown_zone": "Unknown time zone: choose an IANA name such as 'Asia/Seoul'.",
}
