"""Every st.session_state key of the search page, defined once."""

QUERY = "search_q"  # the search box; ?q= fills it on the first visit
KINDS = "search_kinds"  # which kinds of hit to show
URL_PARAM = "q"
