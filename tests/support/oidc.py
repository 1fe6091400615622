"""A local OpenID Connect provider for tests (oidc-provider-mock, on 127.0.0.1, never the
network) and the .streamlit/secrets.toml [auth] section that points the app's st.login at it.

The provider accepts any client id and secret and shows a page with one button per predefined
user (its `sub`); a `sub` typed into its form signs in with {"email": sub} and no
`email_verified`, i.e. an unverified e-mail.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

PROVIDER = "mock"  # the [auth.<name>] section, and the name on the sign-in button ("Mock")


@contextmanager
def mock_provider(users: Mapping[str, Mapping[str, object]]) -> Iterator[str]:
    """Run the provider with `users` ({sub: claims}) on a free 127.0.0.1 port; yield its URL."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    provider = app(user_claims=[User(sub=sub, claims=dict(claims)) for sub, claims in users.items()])
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def auth_secrets(provider_url: str, app_url: str, name: str = PROVIDER) -> str:
    """The secrets.toml text that turns sign-in with the group's accounts on for `app_url`."""
    return (
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f"[auth.{name}]\n"
        'client_id = "study-dashboard"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n'
    )
