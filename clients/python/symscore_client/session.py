"""WebSocket sessions for learn, forget and predict (asyncio, ``websockets`` >= 10)."""

from __future__ import annotations

import asyncio
import collections
import ssl
from typing import Any, Callable, Deque, Dict, Iterable, Optional, Union

import websockets

from .dataframe import DataFrame
from .reply import Reply, SymscoreError
from .signer import Signer


def _close_code(exc: BaseException) -> Optional[int]:
    rcvd = getattr(exc, "rcvd", None)
    return rcvd.code if rcvd is not None else None


async def _dial(dial_url: str, timeout: float, max_size: int, ssl_context: Optional[ssl.SSLContext] = None) -> Any:
    """Opens a WebSocket connection (no compression), failures as SymscoreError. A
    ``wss://`` URL uses ``ssl_context`` (default: the system's authorities)."""
    kwargs: Dict[str, Any] = {}
    if ssl_context is not None and dial_url.startswith("wss://"):
        kwargs["ssl"] = ssl_context
    try:
        return await asyncio.wait_for(
            websockets.connect(dial_url, compression=None, max_size=max_size, **kwargs), timeout)  # type: ignore[attr-defined]
    except asyncio.TimeoutError:
        raise SymscoreError("cannot connect to %s: timed out" % dial_url) from None
    except (OSError, websockets.exceptions.WebSocketException) as e:  # type: ignore[attr-defined]
        code = getattr(e, "status_code", None) or getattr(getattr(e, "response", None), "status_code", 0)
        raise SymscoreError("cannot connect to %s: %s" % (dial_url, e), http_code=code or 0) from e


class Session:
    """One WebSocket connection to a symscore endpoint, bound to its extra keys.

    Pipelining: ``await send(df)`` writes the message and returns a future of its reply without
    waiting for it; many messages can be in flight and replies resolve their futures in the
    order the messages were sent. A future resolves to an OK Reply, or raises SymscoreError for
    an error reply (``status``, ``status_string``, ``values`` such as ``stringToSign``) or when
    the connection fails or closes (``close_code``; after an authentication failure the server
    closes with 1008 and every later message fails). An error reply other than an
    authentication failure leaves the session usable.

    Every message is signed and framed unless the session uses session frames: then only the
    first one is, later ones are the bare payload. Fragmented replies are reassembled by
    ``websockets``. Use from one event loop; concurrent senders are ordered by a lock.
    """

    def __init__(self, ws: Any, signer: Signer, service_url: str, extra_keys: Iterable[str], session_frames: bool,
                 timeout: float) -> None:
        self._ws = ws
        self._signer = signer
        self.service_url = service_url
        self.extra_keys = list(extra_keys)
        self._session_frames = session_frames
        self._timeout = timeout
        self._lock = asyncio.Lock()  # orders (pending.append, ws.send) pairs
        self._pending: Deque["asyncio.Future[Reply]"] = collections.deque()
        self._framed_sent = False
        self._failure: Optional[SymscoreError] = None
        self._closing = False
        self._reader = asyncio.ensure_future(self._read_loop())

    @classmethod
    async def connect(cls, dial_url: str, signer: Signer, service_url: str, extra_keys: Iterable[str],
                      session_frames: bool = False, timeout: float = 30.0, max_size: int = 64 << 20,
                      ssl_context: Optional[ssl.SSLContext] = None) -> "Session":
        """Connects to ``dial_url``; ``service_url`` is what the signatures cover. A ``wss://``
        URL uses ``ssl_context`` (default: the system's authorities)."""
        ws = await _dial(dial_url, timeout, max_size, ssl_context)
        return cls(ws, signer, service_url, extra_keys, session_frames, timeout)

    @property
    def in_flight(self) -> int:
        """Messages sent whose reply has not arrived yet."""
        return len(self._pending)

    @property
    def is_open(self) -> bool:
        """True until the connection fails or is closed."""
        return self._failure is None and not self._closing

    async def send(self, payload: Union[DataFrame, str]) -> "asyncio.Future[Reply]":
        """Sends one message (a DataFrame or its JSON) and returns the future of its reply."""
        text = payload.to_json() if isinstance(payload, DataFrame) else payload

        def message() -> Union[str, bytes]:
            if self._framed_sent and self._session_frames:
                return text
            self._framed_sent = True
            return self._signer.frame(text, self.service_url, self.extra_keys)

        return await self._enqueue(message)

    async def send_binary(self, data: bytes) -> "asyncio.Future[Reply]":
        """Sends one binary message as it is (an upload chunk: ``upload.chunk_message``) and
        returns the future of its reply, pipelined as ``send``."""
        return await self._enqueue(lambda: data)

    async def _enqueue(self, message: Callable[[], Union[str, bytes]]) -> "asyncio.Future[Reply]":
        """Sends ``message()`` under the lock, its future queued for the reply; a failure to
        send ends the session."""
        fut = asyncio.get_running_loop().create_future()
        async with self._lock:
            if self._failure is not None:
                fut.set_exception(self._failure.copy())
                return fut
            if self._closing:
                fut.set_exception(SymscoreError("session is closed"))
                return fut
            msg = message()
            self._pending.append(fut)
            try:
                await self._ws.send(msg)
            except websockets.exceptions.ConnectionClosed as e:  # type: ignore[attr-defined]
                self._fail(SymscoreError("connection closed: %s" % e, close_code=_close_code(e)))
            except Exception as e:  # noqa: BLE001 - any send failure ends the session
                self._fail(SymscoreError("cannot send: %r" % e))
        return fut

    async def request(self, payload: Union[DataFrame, str]) -> Reply:
        """Sends one message and waits for its reply; raises SymscoreError on errors."""
        fut = await self.send(payload)
        try:
            return await asyncio.wait_for(fut, self._timeout)
        except asyncio.TimeoutError:
            raise SymscoreError("no reply within %ss" % self._timeout) from None

    async def close(self) -> None:
        """Waits (up to the timeout) for replies in flight, then closes with status 1000."""
        self._closing = True
        if self._pending:
            await asyncio.wait([self._pending[-1]], timeout=self._timeout)
        try:
            await asyncio.wait_for(self._ws.close(), self._timeout)
        except Exception:  # noqa: BLE001 - closing: outcome reported through the futures
            pass
        try:
            await asyncio.wait_for(self._reader, self._timeout)
        except Exception:  # noqa: BLE001
            self._reader.cancel()
        self._fail(SymscoreError("session is closed", close_code=1000))

    async def __aenter__(self) -> "Session":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _fail(self, err: SymscoreError) -> None:
        if self._failure is None:
            self._failure = err
        while self._pending:
            fut = self._pending.popleft()
            if not fut.done():
                fut.set_exception(err.copy())

    def _deliver(self, text: str) -> bool:
        if not self._pending:
            self._fail(SymscoreError("reply received with no message in flight"))
            return False
        fut = self._pending.popleft()
        if fut.done():  # cancelled by the caller: the reply is still consumed in order
            return True
        try:
            r = Reply.parse(text)
        except SymscoreError as e:
            fut.set_exception(e)
            return True
        if r.ok:
            fut.set_result(r)
        else:
            fut.set_exception(SymscoreError.from_reply(r))
        return True

    async def _read_loop(self) -> None:
        try:
            async for msg in self._ws:
                if not isinstance(msg, str):
                    self._fail(SymscoreError("unexpected binary message from server"))
                    await self._ws.close(code=1003)
                    return
                if not self._deliver(msg):
                    await self._ws.close(code=1002)
                    return
            code = self._ws.close_code
            reason = getattr(self._ws, "close_reason", "") or ""
            self._fail(SymscoreError("connection closed by server with status %s%s"
                                     % (code, " (%s)" % reason if reason else ""), close_code=code))
        except websockets.exceptions.ConnectionClosed as e:  # type: ignore[attr-defined]
            code = _close_code(e)
            self._fail(SymscoreError("connection closed by server with status %s" % code
                                     if code is not None else "connection lost: %s" % e,
                                     close_code=code))
        except Exception as e:  # noqa: BLE001 - the reader must fail the futures, not die silently
            self._fail(SymscoreError("connection failed: %r" % e))
