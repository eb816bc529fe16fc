"""Cluster node URLs (docs/uploads.md).

On a cluster the node that took an upload's announce holds the upload and names itself in
the upload's replies: ``"node"``, its ``cluster.advertise_url``, a ``ws://`` or ``wss://``
scheme and host. Behind a load balancer the upload's status, chunks, finalize and deletion
must go to that node (``Client.at``), not through the balancer.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse

_REST_SCHEME = {"ws": "http", "http": "http", "wss": "https", "https": "https"}
_DEFAULT_PORT = {"http": 80, "https": 443}
_NAME = re.compile(r"[A-Za-z0-9._-]+\Z")  # a DNS name or an IPv4 address
_PRINTABLE = re.compile(r"[!-~]*\Z")  # printable ASCII, no space


def _show(s: str) -> str:
    """``s`` quoted for an error message, at most 64 characters of it."""
    return repr(s) if len(s) <= 64 else repr(s[:64]) + "..."


def node_base_url(node: str) -> str:
    """The base URL of REST calls to the node at ``node``: ``http://host[:port]`` for a
    ``ws://`` or ``http://`` node, ``https://host[:port]`` for ``wss://`` or ``https://``,
    without a path (a default port is left out).

    ``node`` is a scheme and a host (a DNS name, an IPv4 address or a bracketed IPv6 one)
    with an optional port, nothing else: a path other than "/", a query, a fragment, user
    information, spaces, control or non-ASCII characters raise ValueError saying what is
    wrong."""
    if not isinstance(node, str):
        raise ValueError("node URL must be a string, not %s" % type(node).__name__)
    if not _PRINTABLE.match(node):
        raise ValueError("node URL %s: has a space, a control or a non-ASCII character" % _show(node))
    try:
        u = urllib.parse.urlsplit(node)
        port = u.port
    except ValueError as e:
        raise ValueError("node URL %s: %s" % (_show(node), e)) from None
    scheme = _REST_SCHEME.get(u.scheme)
    if scheme is None:
        raise ValueError("node URL %s: want ws://, wss://, http:// or https://" % _show(node))
    host = u.hostname
    if not host:
        raise ValueError("node URL %s has no host" % _show(node))
    if "@" in u.netloc or u.query or u.fragment or "?" in node or "#" in node or u.path not in ("", "/"):
        raise ValueError("node URL %s: want a scheme and a host only" % _show(node))
    if u.netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValueError("node URL %s: bad IPv6 address" % _show(node)) from None
        host = "[%s]" % host
    elif not _NAME.match(host):
        raise ValueError("node URL %s: bad host name" % _show(node))
    if port == 0:
        raise ValueError("node URL %s: port 0" % _show(node))
    if port is None or port == _DEFAULT_PORT[scheme]:
        return "%s://%s" % (scheme, host)
    return "%s://%s:%d" % (scheme, host, port)
