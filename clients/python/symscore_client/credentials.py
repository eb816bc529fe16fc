"""Where a client finds the server and its customer, as the symscore command does."""

from __future__ import annotations

import json
import os
from typing import Mapping, NamedTuple, Optional

DEFAULT_URL = "http://127.0.0.1:8080"
DEV_CUSTOMER_FILE = "dev-customer.json"


class Credentials(NamedTuple):
    """The server's base URL, the customer id and its Base64 secret, and the PEM file of the
    certificate authority to trust for an https:// server (None: the system's)."""

    url: str
    cid: str
    secret: str
    ca_file: Optional[str] = None

    def __repr__(self) -> str:
        return "Credentials(url=%r, cid=%r, secret='****', ca_file=%r)" % (self.url, self.cid, self.ca_file)


def credentials_from_environment(env: Optional[Mapping[str, str]] = None) -> Credentials:
    """Resolves the credentials as the symscore command does.

    The URL is ``SYMSCORE_URL`` (default ``http://127.0.0.1:8080``); the customer is
    ``SYMSCORE_CID`` and ``SYMSCORE_SECRET``, else the development customer file that
    ``symscore serve`` writes in its data directory (``SYMSCORE_DATA_DIR``, default ``./var``):
    ``dev-customer.json``, ``{"id": "dev", "secret": "..."}``. ``SYMSCORE_CA_FILE`` names the PEM
    file of the authority to trust for an https:// server whose certificate a private authority
    signed. Raises ValueError when only one of the customer id and the secret is given, or when
    neither is and the file cannot be read.
    """
    env = os.environ if env is None else env
    url = env.get("SYMSCORE_URL") or DEFAULT_URL
    ca_file = env.get("SYMSCORE_CA_FILE") or None
    cid, secret = env.get("SYMSCORE_CID") or "", env.get("SYMSCORE_SECRET") or ""
    if cid and secret:
        return Credentials(url, cid, secret, ca_file)
    if cid or secret:
        raise ValueError("SYMSCORE_CID and SYMSCORE_SECRET go together: give both, or neither to use "
                         "the development customer")
    path = os.path.join(env.get("SYMSCORE_DATA_DIR") or "./var", DEV_CUSTOMER_FILE)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise ValueError("no credentials: set SYMSCORE_CID and SYMSCORE_SECRET, or SYMSCORE_DATA_DIR where "
                         "symscore serve keeps its development customer (%s does not exist)" % path) from None
    try:
        d = json.loads(text)
    except ValueError:
        d = None
    if isinstance(d, dict) and isinstance(d.get("id"), str) and isinstance(d.get("secret"), str) \
            and d["id"] and d["secret"]:
        return Credentials(url, d["id"], d["secret"], ca_file)
    raise ValueError('development customer file %s is not {"id":...,"secret":...}' % path)
