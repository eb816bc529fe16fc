"""Signing of symscore messages (PROTOCOL.md 1.2 and 2).

WebSocket string to sign::

    contentMD5 \\n secret \\n symDate \\n cid \\n payload \\n serviceURL \\n (extraKey \\n)*

REST string to sign::

    method \\n contentMD5 \\n secret \\n symDate \\n cid \\n [body \\n] resource \\n [rawQuery \\n]

(contentMD5 is empty when there is no body). Signature: Base64 of HMAC-SHA256 keyed with the
Base64-decoded secret; contentMD5: Base64 of the MD5 of the UTF-8 bytes.

A string to sign contains the secret: never log one.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
import threading
import time
from typing import Callable, Iterable, NamedTuple, Optional, Sequence, Union

class RestHeaders(NamedTuple):
    """The signed REST header values: sym-date, Content-MD5, Authorization."""

    date: str
    content_md5: str
    signature: str

_EPOCH = datetime.datetime(1970, 1, 1)
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_quote(s: str) -> str:
    """Returns ``s`` as a JSON string literal.

    Escapes ``"``, ``\\`` and control characters (named escapes where JSON has them, else
    lower-case ``\\u00XX``); everything else, non-ASCII included, is kept as is. Lone surrogates
    are escaped so the text always encodes to UTF-8. Byte-identical to the Java client's writer.
    """
    out = json.dumps(s, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), out)


def format_date(epoch_ns: int) -> str:
    """``yyyy-MM-dd HH:mm:ss;nnnnnnnnn`` in UTC for nanoseconds since the Unix epoch."""
    sec, nano = divmod(epoch_ns, 1_000_000_000)
    t = _EPOCH + datetime.timedelta(seconds=sec)
    return "%04d-%02d-%02d %02d:%02d:%02d;%09d" % (
        t.year, t.month, t.day, t.hour, t.minute, t.second, nano)


def content_md5(body: Union[str, bytes]) -> str:
    """Base64 of the MD5 of ``body`` (str: its UTF-8 bytes)."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return base64.b64encode(hashlib.md5(body).digest()).decode("ascii")


class Signer:
    """Signs messages for one customer.

    ``next_date()`` hands out dates with nanoseconds that strictly increase across all callers
    of one Signer, even when the clock stands still or steps back, so no two messages share a
    signature (the server refuses a replayed learn or forget). Share one Signer per customer
    within a process. Thread-safe.
    """

    def __init__(self, cid: str, secret: str, clock_ns: Callable[[], int] = time.time_ns) -> None:
        if not cid:
            raise ValueError("customer id is empty")
        try:
            key = base64.b64decode(secret, validate=True)
        except (ValueError, TypeError) as e:
            raise ValueError("secret is not Base64") from e
        if not key:
            raise ValueError("secret is empty")
        self._cid = cid
        self._secret = secret
        self._key = key
        self._clock_ns = clock_ns
        self._lock = threading.Lock()  # guards _last_ns
        self._last_ns: Optional[int] = None

    @property
    def cid(self) -> str:
        """The customer id."""
        return self._cid

    def next_date(self) -> str:
        """A date for the next message: the clock, or 1 ns after the last date handed out."""
        now = self._clock_ns()
        with self._lock:
            if self._last_ns is not None and now <= self._last_ns:
                now = self._last_ns + 1
            self._last_ns = now
        return format_date(now)

    def sign(self, string_to_sign: str) -> str:
        """Base64 of HMAC-SHA256 of the UTF-8 bytes of ``string_to_sign``."""
        mac = hmac.new(self._key, string_to_sign.encode("utf-8"), hashlib.sha256)
        return base64.b64encode(mac.digest()).decode("ascii")

    def ws_string_to_sign(self, date: str, md5: str, payload: str, service_url: str,
                          extra_keys: Iterable[str]) -> str:
        """The WebSocket string to sign. Contains the secret."""
        head = "\n".join([md5, self._secret, date, self._cid, payload, service_url]) + "\n"
        return head + "".join(k + "\n" for k in extra_keys)

    def rest_string_to_sign(self, method: str, date: str, md5: str, body: Optional[str], resource: str,
                            raw_query: Optional[str]) -> str:
        """The REST string to sign; ``body`` and ``raw_query`` may be None or empty."""
        parts = [method, md5, self._secret, date, self._cid]
        if body:
            parts.append(body)
        parts.append(resource)
        if raw_query:
            parts.append(raw_query)
        return "\n".join(parts) + "\n"

    def ws_header(self, date: str, payload: str, service_url: str, extra_keys: Sequence[str]) -> str:
        """The signed header ``{"headers":[date,md5,signature,cid],"extraKeys":[...]}``."""
        md5 = content_md5(payload)
        sig = self.sign(self.ws_string_to_sign(date, md5, payload, service_url, extra_keys))
        heads = ",".join(json_quote(v) for v in (date, md5, sig, self._cid))
        keys = ",".join(json_quote(k) for k in extra_keys)
        return '{"headers":[' + heads + '],"extraKeys":[' + keys + "]}"

    def frame(self, payload: str, service_url: str, extra_keys: Iterable[str], date: Optional[str] = None) -> str:
        """One whole WebSocket message ``<N>,<header><payload>``; N counts header bytes."""
        header = self.ws_header(date or self.next_date(), payload, service_url, list(extra_keys))
        return "%d,%s%s" % (len(header.encode("utf-8")), header, payload)

    def sign_rest(self, method: str, resource: str, raw_query: Optional[str] = None, body: Optional[str] = None,
                  date: Optional[str] = None) -> RestHeaders:
        """Signs a REST request; ``body`` None or empty means no body. Returns RestHeaders."""
        date = date or self.next_date()
        md5 = content_md5(body) if body else ""
        sig = self.sign(self.rest_string_to_sign(method, date, md5, body, resource, raw_query))
        return RestHeaders(date, md5, sig)
