"""Tests of an upload following the cluster node that holds it, against two loopback REST
servers: "front" (a load balancer's node, which holds no upload) and "holder" (the node the
announce names). The file is complete at once, so no chunks are sent (the chunks' WebSocket
to the node runs against live nodes behind a balancer in the Go tests of cmd/symscore:
TestPythonUploadThroughBalancer)."""

import json
import os
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from context import SECRET

from symscore_client import Client, Signer, UploadError, content_md5

DATA = b"a,b\n1,2\n3,4\n5,6\n"
NOT_HERE = '{"statusCode":"BAD_REQUEST","statusString":"cannot find upload U1","values":{}}'


def _env(status, values):
    return json.dumps({"statusCode": status, "statusString": status, "values": values})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_one(self):
        st = self.server.state
        path, _, query = self.path.partition("?")
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8") if n else ""
        md5 = content_md5(body) if body else ""
        sts = st["verifier"].rest_string_to_sign(self.command, self.headers.get("sym-date"), md5, body, path, query)
        if self.headers.get("Authorization") != st["verifier"].sign(sts):
            return self.respond(401, _env("UNAUTHORIZED", {}), {})
        route = self.command + " " + path.replace("/symetry/rest/c1", "")
        st["seen"].append(route)
        return self.respond(*st["routes"](route))

    def respond(self, code, text, headers):
        b = text.encode("utf-8")
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    do_GET = do_POST = do_DELETE = handle_one


class UploadFollowsNodeTest(unittest.TestCase):
    def setUp(self):
        self.servers = []
        self.front = self.start(self.front_routes)
        self.holder = self.start(self.holder_routes)
        self.node = "ws://127.0.0.1:%d" % self.holder.server_address[1]
        self.announced_node = self.node
        self.front_names_node = False
        self.refuse_finalize = False
        fd, self.path = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(fd, "wb") as f:
            f.write(DATA)
        self.c = Client("http://127.0.0.1:%d" % self.front.server_address[1], "c1", SECRET, timeout=10)

    def tearDown(self):
        os.remove(self.path)
        for s in self.servers:
            s.shutdown()
            s.server_close()

    def start(self, routes):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        srv.state = {"seen": [], "verifier": Signer("c1", SECRET), "routes": routes}
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        self.servers.append(srv)
        return srv

    def status(self):
        return {"uploadId": "U1", "pid": "p", "name": "f.csv", "size": len(DATA), "received": len(DATA),
                "complete": True, "missing": [], "state": "receiving", "node": self.node, "nodeId": "b"}

    def front_routes(self, route):
        if route == "POST /uploads":
            return 201, _env("CREATED", {"uploadId": "U1", "chunkSize": 1 << 20, "node": self.announced_node,
                                         "nodeId": "b"}), {}
        if route == "GET /uploads/U1" and self.front_names_node:  # the balancer chose the holder
            return 200, _env("OK", self.status()), {}
        return 400, NOT_HERE, {}

    def holder_routes(self, route):
        if route == "GET /uploads/U1":
            return 200, _env("OK", self.status()), {}
        if route == "POST /uploads/U1/finalize":
            if self.refuse_finalize:
                return 409, _env("CONFLICT", {"missing": [[0, 4]]}), {}
            return 202, _env("ACCEPTED", {}), {"Location": "/symetry/rest/c1/jobs/J1", "sym-job-id": "J1"}
        if route == "GET /jobs/J1":
            return 200, _env("OK", {"rowsApplied": 3, "rowsSkipped": 0}), {}
        return 404, "404 page not found", {}

    def seen(self):
        return self.front.state["seen"], self.holder.state["seen"]

    def test_new_upload_goes_to_the_announced_node(self):
        res = self.c.upload(self.path, "p", job_poll=0.01)
        self.assertEqual(("U1", "J1", 3, 0, 0), (res.upload_id, res.job_id, res.rows_applied, res.rows_skipped, res.sent))
        self.assertEqual((["POST /uploads"], ["GET /uploads/U1", "POST /uploads/U1/finalize", "GET /jobs/J1"]),
                         self.seen())

    def test_no_node_named_stays_on_the_client(self):
        self.announced_node = ""
        with self.assertRaises(UploadError) as cm:
            self.c.upload(self.path, "p")
        e = cm.exception
        self.assertEqual(("U1", None, False), (e.upload_id, e.node, e.finalizing))
        self.assertIn("cannot find upload", str(e))
        self.assertEqual((["POST /uploads", "GET /uploads/U1"], []), self.seen())

    def test_resume_with_the_node(self):
        res = self.c.upload(self.path, "p", resume="U1", node=self.node, job_poll=0.01)
        self.assertEqual(("U1", 3), (res.upload_id, res.rows_applied))
        self.assertEqual([], self.seen()[0])
        self.assertEqual("GET /uploads/U1", self.seen()[1][0])

    def test_resume_without_the_node_follows_the_status(self):
        self.front_names_node = True
        res = self.c.upload(self.path, "p", resume="U1", job_poll=0.01)
        self.assertEqual(3, res.rows_applied)
        self.assertEqual((["GET /uploads/U1"], ["GET /uploads/U1", "POST /uploads/U1/finalize", "GET /jobs/J1"]),
                         self.seen())

    def test_the_error_names_the_node(self):
        self.refuse_finalize = True
        with self.assertRaises(UploadError) as cm:
            self.c.upload(self.path, "p")
        e = cm.exception
        self.assertEqual(("U1", self.node, False, "CONFLICT"), (e.upload_id, e.node, e.finalizing, e.status))
        with self.assertRaises(UploadError) as cm:
            self.c.upload(self.path, "p", resume="U1", node=self.node)
        self.assertEqual(self.node, cm.exception.node)

    def test_a_bad_node_in_the_announce(self):
        self.announced_node = "ftp://node-b"
        with self.assertRaises(UploadError) as cm:
            self.c.upload(self.path, "p")
        e = cm.exception
        self.assertEqual(("U1", None, False), (e.upload_id, e.node, e.finalizing))
        self.assertIn("the reply names a node this client cannot reach: node URL 'ftp://node-b'", str(e))
        self.assertEqual((["POST /uploads"], []), self.seen())

    def test_bad_arguments_send_nothing(self):
        with self.assertRaisesRegex(ValueError, "give resume too"):
            self.c.upload(self.path, "p", node=self.node)
        with self.assertRaisesRegex(ValueError, "a scheme and a host only"):
            self.c.upload(self.path, "p", resume="U1", node=self.node + "/x")
        self.assertEqual(([], []), self.seen())


if __name__ == "__main__":
    unittest.main()
