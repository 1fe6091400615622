"""Shared strings: app frame, navigation, sign-in, members, backup, generic errors."""

KO = {
    "app.title": "스터디 대시보드",
    "app.tagline": "딥러닝 스터디를 위한 커리큘럼 · 논문 리뷰 · 모델 실험실",
    "nav.public": "둘러보기",
    "nav.member": "스터디",
    "nav.leader": "스터디장",
    "nav.home": "홈",
    "nav.members": "멤버 관리",
    "nav.backup": "백업",
    "nav.setup": "처음 설정",
    "lang.label": "언어",
    "common.save": "저장",
    "common.cancel": "취소",
    "common.delete": "삭제",
    "common.edit": "수정",
    "common.saved": "저장했습니다.",
    "common.yes": "예",
    "common.no": "아니요",
    "common.none": "없음",
    "common.guest": "게스트",
    "common.error.generic": "처리 중 문제가 생겼습니다.",
    "common.error.permission": "이 작업을 할 권한이 없습니다.",
    "common.error.not_found": "찾을 수 없습니다.",
    "common.error.invalid": "입력을 확인해 주세요: {field} — {reason}",
    "common.error.stale": "다른 사람이 먼저 저장했습니다. 최신 내용을 확인한 뒤 다시 저장해 주세요. 입력한 내용은 그대로 남아 있습니다.",
    "common.error.required": "필수 항목입니다.",
    "common.error.too_long": "{max}자 이하로 입력해 주세요.",
    "common.error.bad_url": "http:// 또는 https:// 로 시작하는 주소를 입력해 주세요.",
    "common.error.db_url": "데이터베이스 설정(DATABASE_URL 또는 [connections.study] url)이 올바르지 않습니다: {detail}",
    "common.error.db_unreachable": "데이터베이스에 연결할 수 없습니다({detail}). DATABASE_URL 설정을 확인해 주세요.",
    "common.auth.failed": "아이디 또는 비밀번호가 올바르지 않습니다.",
    "common.auth.locked": "로그인 실패가 너무 많습니다. {seconds}초 후에 다시 시도해 주세요.",
    "auth.sign_in": "로그인",
    "auth.sign_out": "로그아웃",
    "auth.username": "아이디",
    "auth.password": "비밀번호",
    "auth.password_again": "비밀번호 확인",
    "auth.signed_in_as": "{name} 님 ({role})",
    "auth.browse_as_guest": "로그인하지 않아도 공개 페이지를 볼 수 있습니다.",
    "role.leader": "스터디장",
    "role.member": "멤버",
    "setup.title": "처음 설정: 스터디장 계정 만들기",
    "setup.intro": "아직 스터디장 계정이 없습니다. 첫 스터디장 계정을 만들면 바로 로그인됩니다. 기본 비밀번호는 없습니다.",
    "setup.create": "스터디장 계정 만들기",
    "setup.done": "스터디장 계정을 만들었습니다.",
    "setup.already": "이미 스터디장 계정이 있습니다.",
    "members.error.username": "아이디는 영문, 숫자, '.', '_', '-' 로 3~32자여야 합니다.",
    "members.error.display_name": "이름을 입력해 주세요(최대 50자).",
    "members.error.password_short": "비밀번호는 8자 이상이어야 합니다.",
    "members.error.password_mismatch": "두 비밀번호가 다릅니다.",
    "members.error.duplicate": "이미 있는 아이디입니다: {username}",
    "members.error.last_leader": "활성 스터디장이 한 명은 있어야 합니다.",
    "members.error.self_deactivate": "자기 자신은 비활성화할 수 없습니다.",
    "members.title": "멤버 관리",
    "members.add": "멤버 추가",
    "members.display_name": "이름",
    "members.role": "역할",
    "members.active": "활성",
    "members.added": "{name} 님을 추가했습니다.",
    "members.list": "멤버 목록",
    "members.edit": "멤버 수정",
    "members.pick": "수정할 멤버",
    "members.reset_password": "비밀번호 재설정",
    "members.new_password": "새 비밀번호",
    "members.password_reset_done": "비밀번호를 재설정했습니다.",
    "members.updated": "멤버 정보를 저장했습니다.",
    "members.no_password": "(비밀번호 없음: 재설정하면 로그인할 수 있습니다)",
    "backup.title": "백업과 복원",
    "backup.intro": "전체 데이터를 한 파일로 내려받고, 빈 데이터베이스에 복원합니다.",
    "backup.download_json": "JSON 백업 내려받기",
    "backup.download_sqlite": "SQLite 파일 내려받기",
    "backup.restore": "백업 복원",
    "backup.upload": "백업 파일 (.json 또는 .sqlite)",
    "backup.restored": "{rows}개 행을 복원했습니다.",
    "backup.error.not_empty": "복원은 빈 데이터베이스에만 할 수 있습니다. 새 데이터베이스를 준비해 주세요.",
    "backup.error.malformed": "백업 파일을 읽을 수 없습니다: {detail}",
    "backup.error.foreign": "이 앱의 백업 파일이 아닙니다.",
    "backup.error.too_large": "파일이 너무 큽니다(최대 {max_mb}MB).",
    "backup.error.version": "백업의 스키마 버전({found})이 지금 버전({expected})과 다릅니다.",
    "home.title": "이번 주",
    "home.welcome": "{name} 님, 반가워요!",
    "home.guest_welcome": "스터디 대시보드에 오신 것을 환영합니다.",
    "home.links": "바로 가기",
    "home.empty": "아직 등록된 내용이 없습니다.",
    "common.error.upload_too_large": "파일이 너무 큽니다(최대 {max_kb}KB).",
    "common.error.not_text": "텍스트 파일(UTF-8)만 올릴 수 있습니다.",
}

EN = {
    "app.title": "Study Dashboard",
    "app.tagline": "Curriculum, paper reviews and a Model Lab for deep-learning study groups",
    "nav.public": "Explore",
    "nav.member": "Study",
    "nav.leader": "Leader",
    "nav.home": "Home",
    "nav.members": "Members",
    "nav.backup": "Backup",
    "nav.setup": "First-time setup",
    "lang.label": "Language",
    "common.save": "Save",
    "common.cancel": "Cancel",
    "common.delete": "Delete",
    "common.edit": "Edit",
    "common.saved": "Saved.",
    "common.yes": "Yes",
    "common.no": "No",
    "common.none": "None",
    "common.guest": "Guest",
    "common.error.generic": "Something went wrong.",
    "common.error.permission": "You do not have permission to do this.",
    "common.error.not_found": "Not found.",
    "common.error.invalid": "Please check your input: {field} — {reason}",
    "common.error.stale": "Someone else saved first. Review the newer version, then save again. Your own text is kept.",
    "common.error.required": "This field is required.",
    "common.error.too_long": "Use at most {max} characters.",
    "common.error.bad_url": "Enter an address starting with http:// or https://.",
    "common.error.db_url": "The database setting (DATABASE_URL or [connections.study] url) is invalid: {detail}",
    "common.error.db_unreachable": "Cannot connect to the database ({detail}). Check the DATABASE_URL setting.",
    "common.auth.failed": "Wrong username or password.",
    "common.auth.locked": "Too many failed sign-ins. Try again in {seconds} seconds.",
    "auth.sign_in": "Sign in",
    "auth.sign_out": "Sign out",
    "auth.username": "Username",
    "auth.password": "Password",
    "auth.password_again": "Repeat password",
    "auth.signed_in_as": "{name} ({role})",
    "auth.browse_as_guest": "You can browse public pages without signing in.",
    "role.leader": "Leader",
    "role.member": "Member",
    "setup.title": "First-time setup: create the leader account",
    "setup.intro": "There is no leader account yet. Create the first one and you are signed in. There is no default password.",
    "setup.create": "Create leader account",
    "setup.done": "Leader account created.",
    "setup.already": "A leader account already exists.",
    "members.error.username": "Usernames are 3-32 letters, digits, '.', '_' or '-'.",
    "members.error.display_name": "Enter a name (at most 50 characters).",
    "members.error.password_short": "Passwords need at least 8 characters.",
    "members.error.password_mismatch": "The two passwords differ.",
    "members.error.duplicate": "That username is taken: {username}",
    "members.error.last_leader": "At least one active leader must remain.",
    "members.error.self_deactivate": "You cannot deactivate yourself.",
    "members.title": "Members",
    "members.add": "Add member",
    "members.display_name": "Name",
    "members.role": "Role",
    "members.active": "Active",
    "members.added": "Added {name}.",
    "members.list": "All members",
    "members.edit": "Edit member",
    "members.pick": "Member to edit",
    "members.reset_password": "Reset password",
    "members.new_password": "New password",
    "members.password_reset_done": "Password reset.",
    "members.updated": "Member saved.",
    "members.no_password": "(no password yet: reset it to let them sign in)",
    "backup.title": "Backup and restore",
    "backup.intro": "Download all data as one file, and restore it into an empty database.",
    "backup.download_json": "Download JSON backup",
    "backup.download_sqlite": "Download SQLite file",
    "backup.restore": "Restore backup",
    "backup.upload": "Backup file (.json or .sqlite)",
    "backup.restored": "Restored {rows} rows.",
    "backup.error.not_empty": "Restore only works into an empty database. Prepare a new one first.",
    "backup.error.malformed": "Cannot read the backup file: {detail}",
    "backup.error.foreign": "This is not a backup of this app.",
    "backup.error.too_large": "The file is too large (at most {max_mb} MB).",
    "backup.error.version": "The backup's schema version ({found}) differs from this app's ({expected}).",
    "home.title": "This week",
    "home.welcome": "Welcome, {name}!",
    "home.guest_welcome": "Welcome to the Study Dashboard.",
    "home.links": "Go to",
    "home.empty": "Nothing here yet.",
    "common.error.upload_too_large": "The file is too large (at most {max_kb} KB).",
    "common.error.not_text": "Only text files (UTF-8) can be uploaded.",
}

KO["common.error.invalid_choice"] = "허용되지 않은 값입니다."
EN["common.error.invalid_choice"] = "That value is not allowed."
KO["backup.error.not_sqlite"] = (
    "SQLite 파일 백업은 SQLite 데이터베이스에서만 쓸 수 있습니다. JSON 백업을 내려받으세요."
)
EN["backup.error.not_sqlite"] = (
    "A SQLite file copy needs a SQLite database; download the JSON backup instead."
)
KO["backup.restore_hint"] = (
    "복원은 아직 계정이 없는 새 데이터베이스의 처음 설정 화면에서, 또는 서버에서 `python -m core.backup restore 파일`로 할 수 있습니다."
)
EN["backup.restore_hint"] = (
    "Restore from the first-time setup screen of a new database (no accounts yet), or on the server with `python -m core.backup restore FILE`."
)
KO["links.lab_unavailable"] = "모델 실험실에서 볼 수 있습니다."
EN["links.lab_unavailable"] = "available in the Model Lab."

KO["common.error.repeat"] = "방금 같은 내용이 저장되었습니다. 같은 내용을 두 번 저장하지 않았습니다."
EN["common.error.repeat"] = "The same entry was just saved; it was not saved a second time."
KO["common.error.concurrent"] = (
    "다른 사용자가 같은 항목을 방금 동시에 저장했습니다. 입력한 내용은 그대로 있으니 화면을 확인하고 다시 저장해 주세요."
)
EN["common.error.concurrent"] = (
    "Someone saved the same item at the same moment. What you entered is kept: check the page and save again."
)
KO["common.error.nul_char"] = (
    "텍스트에 저장할 수 없는 NUL 문자(\\x00)가 들어 있습니다. 그 문자를 지우고 다시 시도해 주세요."
)
EN["common.error.nul_char"] = (
    "The text contains a NUL character (\\x00), which cannot be stored. Remove it and try again."
)

# --- the shell: browser tab, locked page URLs, Streamlit's own widget texts ----------------------
KO["app.page_title"] = "{page} · {app}"
EN["app.page_title"] = "{page} · {app}"
KO["nav.locked.sign_in"] = (
    "'{page}' 페이지는 로그인해야 열 수 있습니다. 사이드바에서 로그인하면 이 페이지로 바로 이어집니다."
)
EN["nav.locked.sign_in"] = "Sign in to open '{page}'. Use the sign-in box in the sidebar and this page opens."
KO["nav.locked.leader"] = "'{page}' 페이지는 스터디장만 열 수 있습니다."
EN["nav.locked.leader"] = "Only study leaders can open '{page}'."
KO["nav.locked.home"] = "홈으로"
EN["nav.locked.home"] = "Go to Home"
KO["widget.pick_one"] = "선택하세요"
EN["widget.pick_one"] = "Choose an option"
KO["widget.pick_many"] = "하나 이상 선택하세요"
EN["widget.pick_many"] = "Choose one or more"
KO["widget.upload.button"] = "파일 선택"
EN["widget.upload.button"] = "Browse files"
KO["widget.upload.limit"] = "파일당 최대 {size}"
EN["widget.upload.limit"] = "Up to {size} per file"
KO["widget.upload.limit_types"] = "파일당 최대 {size} · {types}"
EN["widget.upload.limit_types"] = "Up to {size} per file · {types}"
KO["backup.sensitive"] = (
    "백업 파일에는 모든 멤버의 비밀번호 해시, 제출 전 초안, 비공개 회고, 로그인 세션 정보가 들어 있습니다. "
    "비밀번호처럼 다루세요: 암호화된 곳에 보관하고 채팅이나 공유 드라이브에 올리지 마세요."
)
EN["backup.sensitive"] = (
    "A backup holds every member's password hash, unsubmitted drafts, private retrospectives and sign-in "
    "sessions. Treat it like a password: keep it encrypted and never post it in a chat or a shared drive."
)
