"""The search page (views/search.py) and the result list the curriculum page's search box shares."""
