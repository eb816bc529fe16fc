"""Live subscriptions to a project's statistics (asyncio, ``websockets`` >= 10)."""

from __future__ import annotations

import asyncio
import json
import ssl
from typing import Any, Dict, Iterable, Optional, Sequence

import websockets

from .reply import Reply, SymscoreError
from .session import _close_code, _dial
from .signer import Signer


def _request(typ: str, names: Iterable[str], pairs: Iterable[Sequence[str]]) -> str:
    return json.dumps({"type": typ, "names": list(names), "pairs": [list(p) for p in pairs]},
                      ensure_ascii=False, separators=(",", ":"))


class Subscription:
    """One WebSocket connection to ``/symetry/ws/subscribe`` watching one project
    (docs/subscribe.md). An async iterator of the server's messages, in order, each a dict as
    the server sent it (``{"type": "data", "name": "x", "version": 7, "values": {...}}``; a
    value that is not finite is None)::

        async with client.subscribe("iris", ["sepal_length", "$project"]) as sub:
            async for m in sub:
                if m["type"] == "data":
                    print(m["name"], m["version"], m["values"]["mean"])

    The first message is the project's attribute names (``"names"``, ``initial`` true). The
    first message sent is framed and signed; ``subscribe`` and ``unsubscribe`` send bare ones,
    whose answers (``subscribed``, ``unsubscribed``, or an ``error`` message, after which the
    subscription goes on) come through the iterator. Iteration ends after a ``closed`` message
    (the project was deleted) or ``close()``; a failure raises SymscoreError. ``websockets``
    pings the server, so a quiet project's connection is not closed as idle. Use from one event
    loop.
    """

    def __init__(self, ws: Any, signer: Signer, service_url: str, pid: str, first: Dict[str, Any],
                 timeout: float) -> None:
        self._ws = ws
        self._signer = signer
        self.service_url = service_url
        self.pid = pid
        self._first: Optional[Dict[str, Any]] = first
        self._timeout = timeout
        self._lock = asyncio.Lock()  # one writer at a time
        self._closing = False

    @classmethod
    async def connect(cls, dial_url: str, signer: Signer, service_url: str, pid: str,
                      names: Iterable[str] = (), pairs: Iterable[Sequence[str]] = (),
                      timeout: float = 30.0, max_size: int = 64 << 20,
                      ssl_context: Optional[ssl.SSLContext] = None) -> "Subscription":
        """Connects, sends the first message (signed; subscribing to ``names`` and ``pairs``)
        and waits for its answer: the names message, or a refusal raised as SymscoreError. A
        ``wss://`` URL uses ``ssl_context`` (default: the system's authorities)."""
        names, pairs = list(names), [tuple(p) for p in pairs]
        ws = await _dial(dial_url, timeout, max_size, ssl_context)
        payload = _request("subscribe", names, pairs) if names or pairs else "{}"
        try:
            await ws.send(signer.frame(payload, service_url, [pid]))
            text = await asyncio.wait_for(ws.recv(), timeout)
            first = _parse(text)
        except asyncio.TimeoutError:
            await ws.close()
            raise SymscoreError("%s: no answer within %ss" % (dial_url, timeout)) from None
        except websockets.exceptions.ConnectionClosed as e:  # type: ignore[attr-defined]
            raise SymscoreError("connection closed by server: %s" % e, close_code=_close_code(e)) from None
        if first.get("type") == "error":
            await ws.close()
            raise SymscoreError.from_reply(Reply.parse(text))
        return cls(ws, signer, service_url, pid, first, timeout)

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> Dict[str, Any]:
        if self._first is not None:
            m, self._first = self._first, None
            return m
        if self._closing:
            raise StopAsyncIteration
        try:
            text = await self._ws.recv()
        except websockets.exceptions.ConnectionClosedOK:  # type: ignore[attr-defined]
            raise StopAsyncIteration from None
        except websockets.exceptions.ConnectionClosed as e:  # type: ignore[attr-defined]
            if self._closing:
                raise StopAsyncIteration from None
            code = _close_code(e)
            raise SymscoreError("connection closed by server with status %s" % code
                                if code is not None else "connection lost: %s" % e, close_code=code) from None
        if not isinstance(text, str):
            await self._ws.close(code=1003)
            raise SymscoreError("unexpected binary message from server")
        return _parse(text)

    async def subscribe(self, names: Iterable[str] = (), pairs: Iterable[Sequence[str]] = ()) -> None:
        """Watches ``names`` (attributes, "*", "$project", "$models", "$log") and ``pairs`` too;
        the answer and the first values come through the iterator."""
        await self._send(_request("subscribe", names, pairs))

    async def unsubscribe(self, names: Iterable[str] = (), pairs: Iterable[Sequence[str]] = ()) -> None:
        """Stops watching ``names`` and ``pairs``; nothing of them comes after the answer."""
        await self._send(_request("unsubscribe", names, pairs))

    async def close(self) -> None:
        """Closes the connection with status 1000; iteration then ends."""
        self._closing = True
        try:
            await asyncio.wait_for(self._ws.close(), self._timeout)
        except Exception:  # noqa: BLE001 - closing either way
            pass

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _send(self, payload: str) -> None:
        async with self._lock:
            try:
                await self._ws.send(payload)
            except websockets.exceptions.ConnectionClosed as e:  # type: ignore[attr-defined]
                raise SymscoreError("connection closed: %s" % e, close_code=_close_code(e)) from None


def _parse(text: str) -> Dict[str, Any]:
    if not isinstance(text, str):
        raise SymscoreError("unexpected binary message from server")
    try:
        m = json.loads(text)
    except ValueError as e:
        raise SymscoreError("a subscription message is not JSON: %s: %s" % (e, text[:200])) from None
    if not isinstance(m, dict) or "type" not in m:
        raise SymscoreError("a subscription message has no type: %s" % text[:200])
    return m

