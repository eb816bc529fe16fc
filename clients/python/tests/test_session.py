"""Tests of WebSocket sessions against a loopback mock server (tests/mock_ws.py)."""

import asyncio
import socket
import unittest

from context import SECRET

try:
    import websockets  # noqa: F401
except ImportError:  # pragma: no cover - reported as skipped
    websockets = None

from symscore_client import Client, DataFrame, SymscoreError

if websockets is not None:
    from mock_ws import MockServer


def frame(first, rows):
    df = DataFrame(["x", "y"], ["C", "B"])
    for i in range(rows):
        df.add_row([first if i == 0 else str(i), "1"])
    return df


@unittest.skipIf(websockets is None, "websockets is not installed")
class SessionTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        # The test loop runs in debug mode; large messages legitimately take > 100 ms to encode.
        asyncio.get_running_loop().slow_callback_duration = 10
        self.mock = await MockServer("c1", SECRET).start()
        self.url = "http://127.0.0.1:%d" % self.mock.port

    async def asyncTearDown(self):
        await self.mock.stop()

    def client(self, secret=SECRET, session_frames=False):
        return Client(self.url, "c1", secret, session_frames=session_frames, timeout=10)

    async def test_pipelined_learn_in_order(self):
        async with self.client().learn_session("p1") as s:
            self.assertEqual("ws://127.0.0.1:%d/symetry/ws/learn" % self.mock.port, s.service_url)
            futs = [await s.send(frame("v%d" % i, 2)) for i in range(300)]
            self.assertGreater(s.in_flight, 0)
            replies = [await f for f in futs]
            self.assertEqual(["v%d" % i for i in range(300)], [r.values["first"] for r in replies])
            self.assertEqual(0, s.in_flight)
        self.assertEqual((300, 0), (self.mock.framed, self.mock.bare))
        self.assertEqual([], self.mock.problems)

    async def test_await_opener(self):
        s = await self.client().learn_session("p1")
        r = await s.request(frame("one", 1))
        self.assertEqual("one", r.values["first"])
        await s.close()

    async def test_session_frames(self):
        async with self.client(session_frames=True).learn_session("p1") as s:
            futs = [await s.send(frame("v%d" % i, 1)) for i in range(20)]
            self.assertEqual(["v%d" % i for i in range(20)], [(await f).values["first"] for f in futs])
        self.assertEqual((1, 19), (self.mock.framed, self.mock.bare))

    async def test_fragmented_replies(self):
        self.mock.fragment_chars = 7
        async with self.client().predict_session("p1", "m1") as s:
            futs = [await s.send(frame("r%d" % i, 3)) for i in range(50)]
            for i, f in enumerate(futs):
                p = (await f).predictions()
                self.assertEqual(3, len(p))
                self.assertEqual("r%d" % i, p[0]["res"])
                self.assertEqual("é€😀", p[2]["text"])
                self.assertIsNone(p[1]["normZ"])

    async def test_large_message_and_reply(self):
        async with self.client().predict_session("p1", "m1") as s:
            p = (await s.request(frame("big", 20000))).predictions()
            self.assertEqual(20000, len(p))
            self.assertEqual("19999", p[-1]["res"])

    async def test_error_reply_leaves_session_open(self):
        async with self.client().learn_session("p1") as s:
            f1 = await s.send(DataFrame(["bad"], ["C"], [["x"]]))
            f2 = await s.send(frame("after", 1))
            with self.assertRaises(SymscoreError) as cm:
                await f1
            self.assertEqual("BAD_REQUEST", cm.exception.status)
            self.assertEqual(400, cm.exception.http_code)
            self.assertEqual('row 0, column "bad": "x" is not a number', cm.exception.status_string)
            self.assertEqual("after", (await f2).values["first"])
            self.assertTrue(s.is_open)

    async def test_bad_signature_then_1008(self):
        s = await self.client(secret="AAAAAAAAAAAAAAAAAAAAAA==").learn_session("p1")
        futs = [await s.send(frame("v%d" % i, 1)) for i in range(5)]
        with self.assertRaises(SymscoreError) as cm:
            await futs[0]
        e = cm.exception
        self.assertEqual(("UNAUTHORIZED", 401), (e.status, e.http_code))
        self.assertIn("\nSECRETKEY\n", e.string_to_sign)
        self.assertIn("\nws://127.0.0.1:%d/symetry/ws/learn\np1\n" % self.mock.port, e.string_to_sign)
        for f in futs[1:]:
            with self.assertRaises(SymscoreError) as cm:
                await asyncio.wait_for(f, 10)
            self.assertIsNone(cm.exception.status)
            self.assertEqual(1008, cm.exception.close_code)
        self.assertFalse(s.is_open)
        later = await s.send(frame("x", 1))
        with self.assertRaises(SymscoreError):
            await later
        await s.close()

    async def test_close_waits_for_replies(self):
        s = await self.client().learn_session("p1")
        futs = [await s.send(frame("v%d" % i, 1)) for i in range(100)]
        await s.close()
        self.assertTrue(all(f.done() and f.exception() is None for f in futs))
        after = await s.send(frame("x", 1))
        with self.assertRaises(SymscoreError):
            await after

    async def test_dropped_connection_fails_pending(self):
        self.mock.drop_after = 3
        s = await self.client().learn_session("p1")
        futs = [await s.send(frame("v%d" % i, 1)) for i in range(10)]
        self.assertEqual("v1", (await futs[1]).values["first"])
        failed = 0
        for f in futs[2:]:
            try:
                await asyncio.wait_for(f, 10)
            except SymscoreError:
                failed += 1
        self.assertEqual(8, failed)
        await s.close()

    async def test_session_at_a_node(self):
        # A client of an unreachable balancer URL with a base path; at() dials the node, at
        # the root, and signs for the URL it dials (the mock verifies it).
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        lb = Client("http://127.0.0.1:%d/prefix" % port, "c1", SECRET, timeout=10)
        async with lb.at("ws://127.0.0.1:%d" % self.mock.port).upload_session("U1") as s:
            self.assertEqual("ws://127.0.0.1:%d/symetry/ws/upload" % self.mock.port, s.service_url)
            self.assertEqual(["U1"], s.extra_keys)
        async with lb.at("http://127.0.0.1:%d/" % self.mock.port).learn_session("p1") as s:
            self.assertEqual("first", (await s.request(frame("first", 1))).values["first"])
        self.assertEqual((1, 0), (self.mock.framed, self.mock.bare))
        self.assertEqual([], self.mock.problems)

    async def test_connection_refused(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        c = Client("http://127.0.0.1:%d" % port, "c1", SECRET)
        with self.assertRaises(SymscoreError) as cm:
            await c.learn_session("p1")
        self.assertIsNone(cm.exception.status)


if __name__ == "__main__":
    unittest.main()
