"""The backup page warns what the file holds before a leader downloads it."""

from __future__ import annotations

from tests.support.factories import make_leader


def test_the_backup_page_says_the_file_holds_password_hashes_and_private_drafts(run_page, db):
    at = run_page("views/backup.py", actor=make_leader(db))
    assert not at.exception
    warning = at.warning[0].value
    assert "비밀번호 해시" in warning and "비공개 회고" in warning
    labels = [d.proto.label for d in at.get("download_button")]
    assert "JSON 백업 내려받기" in labels  # the warning comes with, not instead of, the downloads
