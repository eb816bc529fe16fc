"""Bulk uploads (docs/uploads.md): a CSV file sent in chunks over several WebSocket
connections, resumable, then learned (or forgotten) by the server as one change.

``Client.upload(path, project, ...)`` does every step; ``Client.upload_async`` is the same
coroutine for a program that runs its own event loop. The REST pieces (announce, status,
list, delete, finalize, job state) are ``Client`` methods.

On a cluster the node that took the announce holds the upload and the replies name it
(``"node"``): the upload's status, chunks and finalize go to that node (``Client.at``), so
that a client given the URL of a load balancer in front of the nodes reaches it. A resume
behind a balancer takes that node (``node=``; ``UploadError.node`` says it).
"""

from __future__ import annotations

import asyncio
import os
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple

from .reply import SymscoreError

if TYPE_CHECKING:
    from .client import Client

DEFAULT_CONNECTIONS = 3
DEFAULT_CHUNK_SIZE = 1 << 20
DEFAULT_WINDOW = 4


def chunk_message(position: int, data: bytes) -> bytes:
    """The binary message of a chunk: 8-byte big-endian position, then the bytes."""
    if position < 0 or position > (1 << 63) - 1 - len(data):
        raise ValueError("chunk position out of range: %d" % position)
    return struct.pack(">Q", position) + data


def cut(ranges: List[Tuple[int, int]], chunk_size: int) -> Iterator[Tuple[int, int]]:
    """The chunks ``[from, to)`` of at most ``chunk_size`` bytes that cover ``ranges``."""
    if chunk_size <= 0:
        raise ValueError("chunk_size must be > 0")
    for lo, hi in ranges:
        for pos in range(lo, hi, chunk_size):
            yield pos, min(pos + chunk_size, hi)


@dataclass
class UploadProgress:
    """How far an upload got: ``phase`` "sending" (``received`` bytes of ``size`` on the server)
    or "learning" (``job``: the finalize job's state, with ``fraction`` 0 to 1)."""

    phase: str
    upload_id: str
    received: int
    size: int
    job: Optional[Dict[str, Any]] = None

    @property
    def fraction(self) -> float:
        if self.phase == "learning" and self.job is not None:
            return float(self.job.get("fraction", 0.0))
        return self.received / self.size if self.size else 1.0


@dataclass
class UploadResult:
    """What an upload did: its id, the finalize job's id, the rows applied and skipped, and the
    bytes this call sent (a resume sends only what was missing)."""

    upload_id: str
    job_id: str
    rows_applied: int
    rows_skipped: int
    sent: int


class UploadError(SymscoreError):
    """An upload that failed. ``upload_id`` names it (None when the announce failed);
    ``node`` is the URL of the cluster node that holds it when the server named one (else
    None); ``finalizing`` False: stopped while sending, resume it (``resume=upload_id,
    node=node``); True: the server could not learn the file (``cause`` is the job's error,
    e.g. a bad cell with its line and column), nothing was learned, and it may be finalized
    again (the same way)."""

    def __init__(self, message: str, upload_id: Optional[str], finalizing: bool,
                 cause: Optional[SymscoreError] = None, node: Optional[str] = None) -> None:
        super().__init__(message, reply=cause.reply if cause is not None else None,
                         http_code=cause.http_code if cause is not None else 0,
                         close_code=cause.close_code if cause is not None else None)
        self.upload_id = upload_id
        self.node = node
        self.finalizing = finalizing


async def run_upload(client: "Client", path: str, project: str, *, forget: bool = False,
                     types: Optional[str] = None, error_handling: int = 0, resume: Optional[str] = None,
                     node: Optional[str] = None, name: Optional[str] = None, connections: int = DEFAULT_CONNECTIONS,
                     chunk_size: int = DEFAULT_CHUNK_SIZE, window: int = DEFAULT_WINDOW,
                     job_poll: float = 0.25,
                     progress: Optional[Callable[[UploadProgress], None]] = None) -> UploadResult:
    """The upload coroutine behind ``Client.upload_async`` (see ``Client.upload``)."""
    size = os.path.getsize(path)
    mtime = os.path.getmtime(path)
    if size == 0:
        raise ValueError("%s is empty" % path)
    if node and not resume:
        raise ValueError("node names where the upload to resume is held: give resume too")
    holder = client.at(node)  # a malformed node raises ValueError before anything is sent
    loop = asyncio.get_running_loop()

    def rest(fn: Callable[..., Any], *args: Any) -> Any:
        return loop.run_in_executor(None, fn, *args)

    upload_id = resume
    node = node or None
    try:
        if upload_id is None:
            a = await rest(client.announce_upload, project, name or os.path.basename(path), size)
            upload_id = a["uploadId"]
            holder, node = _follow(client, a)
        else:
            st = await rest(holder.upload_status, upload_id)
            if node is None:  # the node that answered may name itself: the rest goes there
                holder, node = _follow(client, st)
            if st["size"] != size:
                raise SymscoreError("the upload is of %d bytes, the file of %d: not the same file" % (st["size"], size))
            if st["pid"] != project:
                raise SymscoreError("the upload is for project %r, not %r" % (st["pid"], project))
            if st["state"] not in ("receiving", "failed"):
                raise SymscoreError("the upload is %s: there is nothing to resume" % st["state"])
    except SymscoreError as e:
        raise UploadError("upload %s: %s" % (upload_id, e) if upload_id else str(e), upload_id, False, e,
                          node) from e
    assert upload_id is not None
    uid: str = upload_id
    got = [0]

    def report(received: int) -> None:
        if received > got[0] or got[0] == 0:
            got[0] = max(got[0], received)
            if progress is not None:
                progress(UploadProgress("sending", uid, got[0], size))

    sent = 0
    try:
        for _ in range(1 << 20):
            st = await rest(holder.upload_status, upload_id)
            report(st["received"])
            if st["complete"]:
                break
            missing = [(int(a), int(b)) for a, b in st["missing"]]
            if not missing:
                raise SymscoreError("the server reports the upload incomplete but misses nothing")
            sent += await _send(holder, upload_id, path, missing, connections, chunk_size, window, report)
        if os.path.getsize(path) != size or os.path.getmtime(path) != mtime:
            raise SymscoreError("%s changed while it was sent; delete the upload and start again" % path)
        location = await rest(holder.finalize_upload, upload_id, forget, types, error_handling)
    except SymscoreError as e:
        raise UploadError("upload %s: %s" % (upload_id, e), upload_id, False, e, node) from e
    job_id = location.rstrip("/").rsplit("/", 1)[-1]
    try:
        while True:
            job = await rest(holder.job_status, location)
            if progress is not None:
                progress(UploadProgress("learning", upload_id, size, size, job))
            if not job["running"]:
                break
            await asyncio.sleep(job_poll)
    except SymscoreError as e:
        raise UploadError("upload %s: %s" % (upload_id, e), upload_id, True, e, node) from e
    return UploadResult(upload_id, job_id, int(job.get("rowsApplied", 0)), int(job.get("rowsSkipped", 0)), sent)


def _follow(client: "Client", reply: Dict[str, Any]) -> Tuple["Client", Optional[str]]:
    """The client of the node an upload's announce or status reply names, and that node's
    URL (None when the reply names none: the client itself). A node URL the client cannot
    use raises SymscoreError."""
    node = reply.get("node") or None
    if node is None:
        return client, None
    try:
        return client.at(node), node
    except ValueError as e:
        raise SymscoreError("the reply names a node this client cannot reach: %s" % e) from None


async def _send(client: "Client", upload_id: str, path: str, missing: List[Tuple[int, int]], connections: int,
                chunk_size: int, window: int, report: Callable[[int], None]) -> int:
    """Sends the missing ranges over ``connections`` connections; returns the bytes sent."""
    chunks = list(cut(missing, chunk_size))
    queue: "asyncio.Queue[Tuple[int, int]]" = asyncio.Queue()
    for c in chunks:
        queue.put_nowait(c)
    total = [0]

    async def worker() -> None:
        async with client.upload_session(upload_id) as s:
            await s.request("{}")  # the signed first message binds the upload
            pending: List[Tuple[asyncio.Future[Any], int]] = []

            async def wait_oldest() -> None:
                fut, n = pending.pop(0)
                r = await fut
                total[0] += n
                report(int(r.values.get("received", 0)))

            with open(path, "rb") as f:
                while not queue.empty():
                    lo, hi = queue.get_nowait()
                    while len(pending) >= window:
                        await wait_oldest()
                    f.seek(lo)
                    data = f.read(hi - lo)
                    if len(data) != hi - lo:
                        raise SymscoreError("%s: cannot read bytes %d-%d" % (path, lo, hi))
                    pending.append((await s.send_binary(chunk_message(lo, data)), hi - lo))
                while pending:
                    await wait_oldest()

    tasks = [asyncio.ensure_future(worker()) for _ in range(max(1, min(connections, len(chunks))))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return total[0]
