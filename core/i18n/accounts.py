"""Sign-in, lock-out and account strings (Korean and English)."""

KO: dict[str, str] = {
    "account.nav": "내 계정",
    "account.title": "내 계정",
    "account.who": "{name} ({username}) · {role}",
    "account.guest": "로그인하면 자기 비밀번호를 바꿀 수 있습니다.",
    "account.password.heading": "비밀번호 바꾸기",
    "account.password.help": "비밀번호를 바꾸면 이 브라우저를 뺀 다른 모든 기기와 브라우저에서 로그아웃됩니다.",
    "account.password.current": "현재 비밀번호",
    "account.password.new": "새 비밀번호",
    "account.password.again": "새 비밀번호 확인",
    "account.password.submit": "비밀번호 바꾸기",
    "account.password.done": "비밀번호를 바꿨습니다. 다른 기기와 브라우저에서는 로그아웃되었습니다.",
    "account.password.same": "새 비밀번호가 지금 비밀번호와 같습니다.",
    "account.reset.self_note": "내 비밀번호를 재설정하면 이 브라우저를 뺀 다른 곳에서 로그아웃됩니다.",
    "account.reset.others_note": "재설정하면 이 멤버는 모든 기기와 브라우저에서 로그아웃됩니다.",
}

EN: dict[str, str] = {
    "account.nav": "My account",
    "account.title": "My account",
    "account.who": "{name} ({username}) · {role}",
    "account.guest": "Sign in to change your own password.",
    "account.password.heading": "Change password",
    "account.password.help": "Changing your password signs you out on every other device and browser.",
    "account.password.current": "Current password",
    "account.password.new": "New password",
    "account.password.again": "Repeat new password",
    "account.password.submit": "Change password",
    "account.password.done": "Password changed. Your other devices and browsers are signed out.",
    "account.password.same": "The new password is the same as the current one.",
    "account.reset.self_note": "Resetting your own password signs you out everywhere but this browser.",
    "account.reset.others_note": "Resetting signs this member out on every device and browser.",
}
