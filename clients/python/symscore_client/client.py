"""The symscore client: signed REST calls (synchronous) and WebSocket sessions (asyncio)."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import ssl
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, Generator, Iterable, List, Mapping, Optional, Sequence, TypeVar, Generic, Protocol
import urllib.error
import urllib.parse
import urllib.request

from .node import node_base_url
from .paths import FORGET, LEARN, PREDICT, SUBSCRIBE, UPLOAD
from .reply import Reply, SymscoreError
from .signer import Signer
from .dataframe import DataFrame, MLContext

if TYPE_CHECKING:
    from .session import Session
    from .subscription import Subscription
    from .upload import UploadResult


def enc(s: str) -> str:
    """Percent-encodes a path segment or query value: all but A-Z a-z 0-9 - . _ ~."""
    return urllib.parse.quote(s, safe="")


class _Closable(Protocol):
    async def close(self) -> None: ...


S = TypeVar("S", bound=_Closable)


class SessionOpener(Generic[S]):
    """What ``Client.learn_session``, ``subscribe`` and friends return: await it, or use
    ``async with`` (which closes it)."""

    def __init__(self, connect: Callable[[], Awaitable[S]]) -> None:
        self._connect: Callable[[], Awaitable[S]] = connect
        self._session: Optional[S] = None

    def __await__(self) -> Generator[Any, None, S]:
        async def run() -> S:
            return await self._connect()

        return run().__await__()

    async def __aenter__(self) -> S:
        s = await self._connect()
        self._session = s
        return s

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()


class Client:
    """A symscore client for one customer.

    REST methods block until the server answered and raise SymscoreError for a reply whose
    status is not OK, CREATED or ACCEPTED and for transport failures. ``build`` submits a build
    job and polls it until it finishes. Sessions (``learn_session`` ...) are asyncio objects.
    Thread-safe for REST calls; one client (one Signer) per customer per process.

    ``session_frames=True``: WebSocket sessions sign only their first message and send later
    ones bare (faster; refused by servers that require every frame signed).

    On a cluster, ``at(node)`` is a client of one node (the one an upload's replies name).

    TLS: an ``https://`` URL makes REST calls over HTTPS and sessions over ``wss://``, with
    ``ssl_context`` (default: ``ssl.create_default_context()``, the system's authorities), or
    with ``ca_file``, the PEM file of a private authority to trust instead (as
    ``curl --cacert`` does).
    """

    def __init__(self, url: str, cid: str, secret: str, session_frames: bool = False, timeout: float = 30.0,
                 job_timeout: float = 300.0, clock_ns: Optional[Callable[[], int]] = None,
                 max_reply_bytes: int = 64 << 20, ssl_context: Optional[ssl.SSLContext] = None,
                 ca_file: Optional[str] = None) -> None:
        self.signer = Signer(cid, secret, clock_ns) if clock_ns else Signer(cid, secret)
        self._session_frames = session_frames
        self._timeout = timeout
        self._job_timeout = job_timeout
        self._max_reply = max_reply_bytes
        if ca_file:
            if ssl_context is not None:
                raise ValueError("give ssl_context or ca_file, not both")
            ssl_context = ssl.create_default_context(cafile=ca_file)
        self._tls = ssl_context  # the TLS settings of https:// and wss:// (None: the defaults)
        self._target(url)

    def _target(self, url: str) -> None:
        """Points the client at ``url`` (http:// or https://, a host, an optional base path)."""
        u = urllib.parse.urlsplit(url)
        scheme = u.scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError("url must start with http:// or https://: %s" % url)
        if not u.hostname:
            raise ValueError("url has no host: %s" % url)
        port = u.port
        host = u.hostname if ":" not in u.hostname else "[%s]" % u.hostname
        default = port is None or (scheme, port) in (("http", 80), ("https", 443))
        self._scheme = scheme
        self._authority = host if default else "%s:%s" % (host, port)
        self._base_path = u.path.rstrip("/")
        self._ssl: Optional[ssl.SSLContext] = self._tls if scheme == "https" else None
        # No proxies from the environment: requests go where the URL says.
        handlers: List[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if self._ssl is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self._ssl))
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def base_url(self) -> str:
        """The URL the client's requests go to: ``http(s)://host[:port][/base path]``."""
        return "%s://%s%s" % (self._scheme, self._authority, self._base_path)

    def at(self, node: Optional[str]) -> "Client":
        """A client of the cluster node at ``node`` with this client's customer, signer and
        options (timeouts, session frames, TLS settings): ``node`` is a scheme (ws, wss, http
        or https) and a host, as an upload's replies name the node that holds it (``"node"``,
        docs/uploads.md). Its requests go to that host at the root, over http (ws) or https
        (wss), sessions over ws or wss, each signed for the URL it dials. An empty or None
        ``node`` returns this client; a malformed one raises ValueError. This client is left
        as it is."""
        if not node:
            return self
        base = node_base_url(node)
        c = copy.copy(self)
        c._target(base)
        return c

    @classmethod
    def from_environment(cls, env: Optional[Mapping[str, str]] = None, **kwargs: Any) -> "Client":
        """A client of the server and customer the environment names, as the symscore command
        finds them (``credentials_from_environment``); ``kwargs`` go to the constructor."""
        from .credentials import credentials_from_environment

        c = credentials_from_environment(env)
        if c.ca_file and "ssl_context" not in kwargs and "ca_file" not in kwargs:
            kwargs["ca_file"] = c.ca_file
        return cls(c.url, c.cid, c.secret, **kwargs)

    # ---- WebSocket ----

    def open_session(self, path: str, *extra_keys: str) -> "SessionOpener[Session]":
        """A SessionOpener for ``path`` (LEARN, FORGET or PREDICT) with extra keys."""
        ws = "wss" if self._scheme == "https" else "ws"
        url = "%s://%s%s%s" % (ws, self._authority, self._base_path, path)

        def connect() -> Awaitable["Session"]:
            from .session import Session  # needs websockets; REST alone does not

            return Session.connect(url, self.signer, url, extra_keys, self._session_frames,
                                   self._timeout, self._max_reply, self._ssl)

        return SessionOpener(connect)

    def learn_session(self, pid: str) -> "SessionOpener[Session]":
        """A learn session for project ``pid``: ``async with client.learn_session(p) as s``."""
        return self.open_session(LEARN, pid)

    def forget_session(self, pid: str) -> "SessionOpener[Session]":
        """A forget session for project ``pid``."""
        return self.open_session(FORGET, pid)

    def predict_session(self, pid: str, model_id: str) -> "SessionOpener[Session]":
        """A predict session for model ``model_id`` of project ``pid``."""
        return self.open_session(PREDICT, pid, model_id)

    def subscribe(self, pid: str, names: Iterable[str] = (), pairs: Iterable[Sequence[str]] = ()) -> "SessionOpener[Subscription]":
        """A live subscription to project ``pid`` watching ``names`` (attributes, "*", "$project",
        "$models", "$log") and ``pairs`` (docs/subscribe.md): ``async with client.subscribe(p,
        ["*"]) as sub: async for m in sub: ...`` (see Subscription)."""
        ws = "wss" if self._scheme == "https" else "ws"
        url = "%s://%s%s%s" % (ws, self._authority, self._base_path, SUBSCRIBE)
        names, pairs = list(names), [tuple(p) for p in pairs]

        def connect() -> Awaitable["Subscription"]:
            from .subscription import Subscription  # needs websockets

            return Subscription.connect(url, self.signer, url, pid, names, pairs, self._timeout, self._max_reply,
                                        self._ssl)

        return SessionOpener(connect)

    def upload_session(self, upload_id: str) -> "SessionOpener[Session]":
        """A connection to upload ``upload_id``'s chunks: ``await s.request("{}")`` binds it, then
        ``await s.send_binary(upload.chunk_message(position, data))`` sends chunks."""
        return self.open_session(UPLOAD, upload_id)

    # ---- REST: uploads (docs/uploads.md) ----

    def announce_upload(self, pid: str, name: str, size: int, format: str = "csv") -> Dict[str, Any]:  # noqa: A002 - the wire name
        """Announces a file of ``size`` bytes for project ``pid``: ``values`` {uploadId, chunkSize,
        expires}."""
        body = json.dumps({"pid": pid, "name": name, "size": size, "format": format}, ensure_ascii=False,
                          separators=(",", ":"))
        return self.call("POST", "/uploads", None, body).values

    def upload_status(self, upload_id: str) -> Dict[str, Any]:
        """An upload's status: uploadId, pid, name, size, received, complete, missing
        ([[from, to], ...], at most 100), state, expires, job (rowsApplied/rowsSkipped once done,
        error once failed)."""
        return self.call("GET", "/uploads/" + enc(upload_id)).values

    def list_uploads(self) -> List[Dict[str, Any]]:
        """The customer's uploads, each as ``upload_status``."""
        return list(self.call("GET", "/uploads").values.get("uploads", []))

    def delete_upload(self, upload_id: str) -> Reply:
        """Discards an upload and its file."""
        return self.call("DELETE", "/uploads/" + enc(upload_id))

    def finalize_upload(self, upload_id: str, forget: bool = False, types: Optional[str] = None,
                        error_handling: int = 0) -> str:
        """Starts the job that learns (or forgets) the uploaded file as one change; returns the
        job's Location. An incomplete upload raises CONFLICT with ``values["missing"]``."""
        body: Dict[str, Any] = {"op": "forget" if forget else "learn", "errorHandling": error_handling}
        if types:
            body["types"] = types
        r = self.call("POST", "/uploads/%s/finalize" % enc(upload_id), None,
                      json.dumps(body, separators=(",", ":")))
        loc = r.header("Location")
        if not loc:
            job = r.header("sym-job-id")
            if not job:
                raise SymscoreError("finalize accepted without Location or sym-job-id", http_code=r.http_code)
            loc = self._rest_path("/jobs/" + enc(job))
        return loc

    def job_status(self, location: str) -> Dict[str, Any]:
        """A job's state once: {"running": bool, and while a finalize runs "bytes", "rows",
        "fraction", "phase"; once it is done "rowsApplied", "rowsSkipped"}. A failed job raises
        its status (e.g. BAD_REQUEST with the bad cell's line and column)."""
        u = urllib.parse.urlsplit(location)
        r = self._send("GET", u.path, u.query or None, None)
        out: Dict[str, Any] = {"running": r.http_code == 202}
        out.update(r.values.get("progress") or {})
        for k in ("rowsApplied", "rowsSkipped"):
            if k in r.values:
                out[k] = r.values[k]
        if not out["running"]:
            out["fraction"] = 1.0
        return out

    def upload(self, path: str, project: str, **kwargs: Any) -> "UploadResult":
        """Learns (``forget=True``: forgets) the CSV file at ``path`` into ``project`` as one change:
        announces it (or resumes upload ``resume=ID``, sending only what it misses), sends it in
        chunks of ``chunk_size`` bytes over ``connections`` WebSocket connections, finalizes it
        (``types``, ``error_handling``) and waits for the job, calling ``progress`` (when given)
        with an UploadProgress as chunks are acknowledged and as the job learns. Raises
        UploadError (``upload_id``, ``node``, ``finalizing``) on failure. Runs its own event
        loop: from a coroutine, await ``upload_async`` instead.

        On a cluster, everything after the announce goes to the node the announce names
        (``at``), past a load balancer that might send it to another node. To resume an
        upload behind a balancer, give the node that holds it too (``node=URL``, as
        UploadError.node says); empty or None: this client's URL."""
        return asyncio.run(self.upload_async(path, project, **kwargs))

    async def upload_async(self, path: str, project: str, **kwargs: Any) -> "UploadResult":
        """``upload`` as a coroutine."""
        from .upload import run_upload

        return await run_upload(self, path, project, **kwargs)

    # ---- REST: projects ----

    def create_project(self, pid: str, type: str = "cpu", params: Optional[Mapping[str, str]] = None) -> Reply:  # noqa: A002 - the wire name
        """Creates project ``pid`` ("cpu" or "partition") with a flat string map of parameters."""
        q = "pid=%s&type=%s" % (enc(pid), enc(type))
        return self.call("POST", "/projects", q, json.dumps(params or {}, ensure_ascii=False,
                                                              separators=(",", ":")))

    def delete_project(self, pid: str) -> Reply:
        """Deletes project ``pid`` and its models."""
        return self.call("DELETE", "/projects/" + enc(pid))

    def list_projects(self) -> List[str]:
        """The customer's project ids."""
        return self.call("GET", "/projects/list").string_list()

    def project_info(self, pid: str) -> Dict[str, Any]:
        """``values.smlInfo`` of project ``pid``."""
        return self.call("GET", "/projects/%s/info" % enc(pid)).object("smlInfo")

    def learn(self, pid: str, df: DataFrame) -> Reply:
        """Learns a DataFrame over REST."""
        return self.call("POST", "/projects/%s/learn" % enc(pid), None, df.to_json())

    def forget(self, pid: str, df: DataFrame) -> Reply:
        """Forgets a DataFrame over REST."""
        return self.call("POST", "/projects/%s/forget" % enc(pid), None, df.to_json())

    def freeze(self, pid: str, frozen: bool = True) -> Reply:
        """Freezes (refuses learn and forget) or unfreezes project ``pid``."""
        return self.call("GET", "/projects/%s/%s" % (enc(pid), "freeze" if frozen else "unfreeze"))

    def merge(self, pid: str, other: str) -> Reply:
        """Folds project ``other``'s statistics into project ``pid``."""
        return self.call("GET", "/projects/%s/merge" % enc(pid), "otherProjectName=" + enc(other))

    # ---- REST: models ----

    def build(self, pid: str, algo: str, model_id: str, ctx: MLContext, replace: bool = False) -> Reply:
        """Builds a model and waits for the job; a failed build raises its status and reason.

        A model id the project has already is refused (CONFLICT, 409) unless ``replace``,
        which replaces that model (``replace=true``).
        """
        q = "algo=%s&modelid=%s" % (enc(algo), enc(model_id))
        if replace:
            q += "&replace=true"
        r = self.call("POST", "/projects/%s/build" % enc(pid), q, ctx.to_json())
        if r.http_code != 202:
            return r  # built synchronously
        loc = r.header("Location")
        if not loc:
            job = r.header("sym-job-id")
            if not job:
                raise SymscoreError("build accepted without Location or sym-job-id", http_code=202)
            loc = self._rest_path("/jobs/" + enc(job))
        return self.await_job(loc)

    def await_job(self, location: str) -> Reply:
        """Polls a job (its Location path or URL) until it is no longer running."""
        u = urllib.parse.urlsplit(location)
        deadline = time.monotonic() + self._job_timeout
        pause = 0.001
        while True:
            r = self._send("GET", u.path, u.query or None, None)
            if r.http_code != 202:
                return r
            if time.monotonic() > deadline:
                raise SymscoreError("job %s still running after %ss" % (location, self._job_timeout),
                                    http_code=202)
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def model_info(self, pid: str, model_id: str) -> Dict[str, Any]:
        """``values.modelInfo`` of a model."""
        return self.call("GET", "/projects/%s/models/%s" % (enc(pid), enc(model_id))).object("modelInfo")

    def delete_model(self, pid: str, model_id: str) -> Reply:
        """Deletes a model."""
        return self.call("DELETE", "/projects/%s/models/%s" % (enc(pid), enc(model_id)))

    def predict(self, pid: str, model_id: str, df: DataFrame, impute: bool = False) -> List[Dict[str, Optional[str]]]:
        """Scores every row of ``df`` over REST: one dict per row (KSVSMap)."""
        return self.call("POST", "/projects/%s/predict/%s" % (enc(pid), enc(model_id)),
                         "impute=true" if impute else None, df.to_json()).predictions()

    def explore(self, pid: str, metric: str, ctxs: Iterable[MLContext]) -> List[Dict[str, Optional[float]]]:
        """Explores with ``metric`` (uni, bi, anova, ...): one dict per MLContext (KSVDMap)."""
        body = '{"values":[' + ",".join(c.to_json() for c in ctxs) + "]}"
        return self.call("POST", "/projects/%s/explore" % enc(pid), "metric=" + enc(metric),
                         body).statistics()

    # ---- REST: plumbing ----

    def call(self, method: str, path: str, raw_query: Optional[str] = None, body: Optional[str] = None) -> Reply:
        """One signed request to ``/symetry/rest/{cid}<path>``; ``raw_query`` already encoded."""
        return self._send(method, self._rest_path(path), raw_query, body)

    def _rest_path(self, path: str) -> str:
        return "%s/symetry/rest/%s%s" % (self._base_path, enc(self.signer.cid), path)

    def _send(self, method: str, resource: str, raw_query: Optional[str], body: Optional[str]) -> Reply:
        h = self.signer.sign_rest(method, resource, raw_query, body)
        url = "%s://%s%s%s" % (self._scheme, self._authority, resource,
                               "?" + raw_query if raw_query else "")
        headers = {
            "Authorization": h.signature,
            "sym-date": h.date,
            "Content-MD5": h.content_md5,
            "Content-Type": "application/json",
            "sym-client": "symscore-python",
        }
        data = body.encode("utf-8") if body else None
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self._opener.open(req, timeout=self._timeout) as resp:
                code, hdrs, raw = resp.status, resp.headers, resp.read(self._max_reply + 1)
        except urllib.error.HTTPError as e:
            code, hdrs, raw = e.code, e.headers, e.read(self._max_reply + 1)
        except (urllib.error.URLError, OSError) as e:
            raise SymscoreError("%s %s: %s" % (method, resource, e)) from e
        if len(raw) > self._max_reply:
            raise SymscoreError("%s %s: reply longer than %d bytes" % (method, resource, self._max_reply),
                                http_code=code)
        text = raw.decode("utf-8", errors="replace")
        try:
            r = Reply.parse(text, code, dict(hdrs.items()) if hdrs else None)
        except SymscoreError as e:
            cut = text if len(text) <= 200 else text[:200] + "..."
            raise SymscoreError("%s %s: HTTP %d, %s: %s" % (method, resource, code, e, cut),
                                http_code=code) from None
        if not r.ok:
            raise SymscoreError.from_reply(r)
        return r
