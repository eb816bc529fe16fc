"""A loopback WebSocket server speaking just enough of symscore's protocol to test sessions.

Verifies framed messages (header length, Content-MD5, signature over the serviceURL rebuilt
from the Host header and path, strictly increasing dates), refuses replayed learn signatures,
accepts session frames after an authenticated message, answers canned learn/predict replies,
optionally in fragments, and closes with 1008 after an authentication failure.
"""

import asyncio
import json
import re

import websockets

from symscore_client import Signer, content_md5

DATE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d;\d{9}$")


def _path(ws):
    return ws.path if hasattr(ws, "path") else ws.request.path


def _host(ws):
    headers = ws.request_headers if hasattr(ws, "request_headers") else ws.request.headers
    return headers["Host"]


def _env(status, msg, values=None):
    return json.dumps({"statusCode": status, "statusString": msg, "values": values or {}},
                      ensure_ascii=False, separators=(",", ":"))


class MockServer:
    def __init__(self, cid, secret):
        self.verifier = Signer(cid, secret)
        self.secret = secret
        self.fragment_chars = 0
        self.drop_after = 0
        self.framed = 0
        self.bare = 0
        self.problems = []
        self.seen = set()
        self.server = None
        self.port = None
        self.pid = None
        self.requests = []  # subscription client messages
        self.version = 0

    async def start(self):
        self.server = await websockets.serve(self.handler, "127.0.0.1", 0, compression=None,
                                             max_size=64 << 20)
        self.port = next(iter(self.server.sockets)).getsockname()[1]
        return self

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()

    async def reply(self, ws, text):
        if _path(ws).endswith("/subscribe"):  # a subscription's refusals are error messages
            text = json.dumps(dict({"type": "error"}, **json.loads(text)))
        n = self.fragment_chars
        if n:
            await ws.send([text[i:i + n] for i in range(0, len(text), n)])
        else:
            await ws.send(text)

    async def handler(self, ws):
        path, host = _path(ws), _host(ws)
        authenticated, last_date, count = False, None, 0
        async for text in ws:
            count += 1
            if self.drop_after and count >= self.drop_after:
                ws.transport.abort()
                return
            if text.startswith("{"):
                self.bare += 1
                if not authenticated:
                    await self.reply(ws, _env("BAD_REQUEST", "session frame before an authenticated message"))
                    await ws.close(code=1008, reason="authentication failed")
                    return
                payload = text
            else:
                self.framed += 1
                n, rest = text.split(",", 1)
                raw = rest.encode("utf-8")
                hdr = json.loads(raw[:int(n)].decode("utf-8"))
                payload = raw[int(n):].decode("utf-8")
                date, md5, sig, cid = hdr["headers"]
                keys = hdr["extraKeys"]
                if md5 != content_md5(payload):
                    await self.reply(ws, _env("BAD_REQUEST", "content MD5 mismatch"))
                    await ws.close(code=1008, reason="authentication failed")
                    return
                sts = self.verifier.ws_string_to_sign(date, md5, payload, "ws://%s%s" % (host, path), keys)
                if cid != self.verifier.cid or sig != self.verifier.sign(sts):
                    await self.reply(ws, _env("UNAUTHORIZED", "bad signature",
                                              {"stringToSign": sts.replace(self.secret, "SECRETKEY")}))
                    await ws.close(code=1008, reason="authentication failed")
                    return
                if not DATE_RE.match(date):
                    self.problems.append("date format " + date)
                if last_date is not None and date <= last_date:
                    self.problems.append("date not increasing: %s then %s" % (last_date, date))
                last_date = date
                if path.endswith("/subscribe") and not authenticated:
                    self.pid = keys[0]
                    await ws.send(json.dumps({"type": "names", "names": ["x", "y", "k$a"], "initial": True}))
                if not path.endswith("/predict") and not path.endswith("/subscribe"):
                    if sig in self.seen:
                        await self.reply(ws, _env("CONFLICT", "replayed request"))
                        continue
                    self.seen.add(sig)
                authenticated = True
            if path.endswith("/subscribe"):
                if not await self.subscription(ws, json.loads(payload)):
                    return
                continue
            df = json.loads(payload)
            if "bad" in df["attributeNames"]:
                await self.reply(ws, _env("BAD_REQUEST", 'row 0, column "bad": "x" is not a number'))
                continue
            rows = df["data"]
            if path.endswith("/predict"):
                preds = [{"res": r[0], "prob": "0.5", "normZ": None, "text": "é€😀"} for r in rows]
                await self.reply(ws, _env("OK", "OK", {"KSVSMap": {"values": preds}}))
            else:
                await self.reply(ws, _env("OK", "OK", {"first": rows[0][0] if rows else None}))


    async def subscription(self, ws, msg):
        """Answers a subscription's client message: subscribed and one data message per name (a
        name "bad" is refused), unsubscribed; "gone" in the names sends closed and closes with
        1000. Returns False once closed."""
        self.requests.append(msg)
        if not msg:
            return True
        names, pairs = msg.get("names", []), msg.get("pairs", [])
        if "bad" in names:
            await ws.send(json.dumps({"type": "error", "statusCode": "BAD_REQUEST", "statusString": "names[0] bad"}))
            return True
        if msg["type"] == "unsubscribe":
            await ws.send(json.dumps({"type": "unsubscribed", "names": names, "pairs": pairs}))
            return True
        if "gone" in names:
            await ws.send(json.dumps({"type": "closed", "reason": "project deleted"}))
            await ws.close(code=1000, reason="project deleted")
            return False
        pending = [n for n in names if n not in ("x", "y", "k$a", "*", "$project", "$log", "$models")]
        await ws.send(json.dumps({"type": "subscribed", "names": names, "pairs": pairs, "pending": pending}))
        for n in names:
            if n not in pending:
                self.version += 1
                await ws.send(json.dumps({"type": "data", "name": n, "version": self.version,
                                          "time": "2025-11-16T20:11:50.294669Z",
                                          "values": {"count": 3, "mean": 1.5, "variance": None}}))
        return True


def run(coro):
    return asyncio.run(coro)
