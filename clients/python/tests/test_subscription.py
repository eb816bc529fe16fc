"""Tests of live subscriptions against a loopback mock server (tests/mock_ws.py)."""

import asyncio
import unittest

from context import SECRET

try:
    import websockets  # noqa: F401
except ImportError:  # pragma: no cover - reported as skipped
    websockets = None

from symscore_client import Client, SymscoreError

if websockets is not None:
    from mock_ws import MockServer


@unittest.skipIf(websockets is None, "websockets is not installed")
class SubscriptionTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.mock = await MockServer("c1", SECRET).start()
        self.url = "http://127.0.0.1:%d" % self.mock.port

    async def asyncTearDown(self):
        await self.mock.stop()

    def client(self, secret=SECRET):
        return Client(self.url, "c1", secret, timeout=10)

    async def test_iterates_messages_in_order(self):
        async with self.client().subscribe("p1", ["x", "z"], [("x", "y")]) as sub:
            self.assertEqual("ws://127.0.0.1:%d/symetry/ws/subscribe" % self.mock.port, sub.service_url)
            it = sub.__aiter__()
            names = await it.__anext__()
            self.assertEqual({"type": "names", "names": ["x", "y", "k$a"], "initial": True}, names)
            ack = await it.__anext__()
            self.assertEqual(("subscribed", ["z"], [["x", "y"]]), (ack["type"], ack["pending"], ack["pairs"]))
            data = await it.__anext__()
            self.assertEqual(("data", "x", 1, None), (data["type"], data["name"], data["version"],
                                                      data["values"]["variance"]))
            await sub.subscribe(["y"])
            self.assertEqual("subscribed", (await it.__anext__())["type"])
            self.assertEqual("y", (await it.__anext__())["name"])
            await sub.unsubscribe(["x"], [["x", "y"]])
            self.assertEqual(("unsubscribed", ["x"]), ((m := await it.__anext__())["type"], m["names"]))
            await sub.subscribe(["bad"])
            self.assertEqual(("error", "BAD_REQUEST"), ((m := await it.__anext__())["type"], m["statusCode"]))
        self.assertEqual("p1", self.mock.pid)
        self.assertEqual(({"type": "subscribe", "names": ["x", "z"], "pairs": [["x", "y"]]},
                          {"type": "unsubscribe", "names": ["x"], "pairs": [["x", "y"]]}),
                         (self.mock.requests[0], self.mock.requests[2]))
        self.assertEqual((1, 3), (self.mock.framed, self.mock.bare))  # only the first is signed
        self.assertEqual([], self.mock.problems)

    async def test_first_message_without_names_is_empty(self):
        sub = await self.client().subscribe("p1")
        self.assertEqual("names", (await sub.__anext__())["type"])
        await sub.close()
        with self.assertRaises(StopAsyncIteration):
            await sub.__anext__()
        self.assertEqual([{}], self.mock.requests)

    async def test_iteration_ends_after_closed(self):
        got = []
        async with self.client().subscribe("p1", ["x"]) as sub:
            await sub.subscribe(["gone"])
            async for m in sub:
                got.append(m["type"])
        self.assertEqual(["names", "subscribed", "data", "closed"], got)

    async def test_bad_secret_raises(self):
        with self.assertRaises(SymscoreError) as cm:
            await self.client(secret="c2VjcmV0LW9mLW5vYm9keS0xMjM0NQ==").subscribe("p1", ["x"])
        self.assertEqual("UNAUTHORIZED", cm.exception.status)
        self.assertIn("SECRETKEY", cm.exception.string_to_sign)


if __name__ == "__main__":
    unittest.main()
