"""Which pages exist and who may open them: the one owner of page specs, keyed by url_path
("home", "curriculum", "write-review", "lab", ...). Other modules link to a page by that key
(`ui.shell.links.page_link`), never by its file. A page's screen is handed to st.navigation only
for those allowed to open it, which is what enforces page access (the core services enforce the
actions themselves). For everyone else the same url_path runs a hidden notice ("sign in to open
...") instead: Streamlit keys a page by its url_path, so once the visitor signs in, the rerun of
that URL (query string included) opens the real screen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.accounts.members import Actor
from ui.shell.i18n import t

ROOT = Path(__file__).resolve().parents[2]
FAVICON = ROOT / "static" / "favicon.png"  # served by Streamlit itself: no request leaves the app
ACCESS_ORDER = {"public": 0, "member": 1, "leader": 2}


@dataclass(frozen=True)
class PageSpec:
    """A page file with its title key, icon, URL path (its key) and who may open it."""

    path: str
    title_key: str
    icon: str
    url_path: str
    access: str = "public"  # public | member | leader
    default: bool = False

    @property
    def file(self) -> str:
        """The screen script's absolute path (what st.Page and st.page_link resolve)."""
        return str(ROOT / self.path)


PAGES: list[PageSpec] = [
    PageSpec("views/home.py", "nav.home", ":material/home:", "home", default=True),
    # curriculum
    PageSpec("views/curriculum.py", "cur.nav.weeks", ":material/menu_book:", "curriculum"),
    PageSpec("views/seminars.py", "cur.nav.seminars", ":material/co_present:", "seminars"),
    PageSpec("views/qa.py", "cur.nav.qa", ":material/forum:", "qa"),
    PageSpec("views/search.py", "search.nav", ":material/search:", "search"),
    PageSpec("views/retros.py", "cur.nav.retros", ":material/self_improvement:", "retros", access="member"),
    # paper reviews
    PageSpec("views/papers.py", "rev.nav.papers", ":material/article:", "papers", access="member"),
    PageSpec(
        "views/review_write.py", "rev.nav.write", ":material/edit_note:", "write-review", access="member"
    ),
    PageSpec("views/reviews.py", "rev.nav.reviews", ":material/rate_review:", "reviews", access="member"),
    PageSpec(
        "views/templates.py",
        "rev.nav.templates",
        ":material/dashboard_customize:",
        "review-templates",
        access="leader",
    ),
    PageSpec(
        "views/assignments.py",
        "rev.nav.assignments",
        ":material/assignment:",
        "review-assignments",
        access="leader",
    ),
    # model lab
    PageSpec("views/lab.py", "lab.page.title", ":material/science:", "lab"),
    PageSpec("views/room.py", "lab.room.nav", ":material/meeting_room:", "room"),
    # my account
    PageSpec("views/inbox.py", "notify.nav", ":material/notifications:", "inbox", access="member"),
    PageSpec("views/account.py", "account.nav", ":material/account_circle:", "account", access="member"),
    # group administration
    PageSpec("views/members.py", "nav.members", ":material/group:", "members", access="leader"),
    PageSpec("views/backup.py", "nav.backup", ":material/backup:", "backup", access="leader"),
]

SETUP_PAGE = PageSpec("views/setup.py", "nav.setup", ":material/rocket_launch:", "setup", default=True)
HOME = "home"
_BY_KEY = {spec.url_path: spec for spec in (*PAGES, SETUP_PAGE)}


def page_spec(key: str) -> PageSpec:
    """The page whose url_path is `key` (KeyError for a key no page has: a typo, not a role)."""
    return _BY_KEY[key]


def allowed(spec: PageSpec, actor: Actor | None) -> bool:
    """May `actor` (None = guest) open this page?"""
    level = 0 if actor is None else (2 if actor.is_leader else 1)
    return ACCESS_ORDER[spec.access] <= level


def _page(spec: PageSpec) -> st.Page:
    return st.Page(
        spec.file, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path, default=spec.default
    )


def locked_notice(spec: PageSpec, actor: Actor | None) -> None:
    """What a page's URL shows to someone who may not open it: why, and the way to Home."""
    title = t(spec.title_key)
    if actor is None:
        st.info(t("nav.locked.sign_in", page=title), icon=":material/login:")
    else:
        st.warning(t("nav.locked.leader", page=title), icon=":material/lock:")
    st.page_link(page_spec(HOME).file, label=t("nav.locked.home"), icon=page_spec(HOME).icon)


def _locked_page(spec: PageSpec, actor: Actor | None) -> st.Page:
    return st.Page(
        lambda: locked_notice(spec, actor),
        title=t(spec.title_key),
        icon=spec.icon,
        url_path=spec.url_path,
        visibility="hidden",
    )


def navigation(actor: Actor | None, *, setup: bool):
    """Build st.navigation for this actor: sections public / member / leader, every page listed
    (expanded: Streamlit's own "View N more" is English and hid the leader pages), and a hidden
    notice under the URL of each page this actor may not open."""
    if setup:
        return st.navigation([_page(SETUP_PAGE)])
    sections: dict[str, list] = {}
    locked = []
    for spec in PAGES:
        if allowed(spec, actor):
            sections.setdefault(t(f"nav.{spec.access}"), []).append(_page(spec))
        else:
            locked.append(_locked_page(spec, actor))
    if locked:  # hidden pages draw no entry; an empty section header would not show either
        sections.setdefault(t("nav.public"), []).extend(locked)
    return st.navigation(sections, expanded=True)


def open_page(actor: Actor | None, *, setup: bool) -> st.Page:
    """Resolve this run's page and name the browser tab after it, in the session's language."""
    page = navigation(actor, setup=setup)
    st.set_page_config(page_title=t("app.page_title", page=page.title, app=t("app.title")))
    return page
