"""Tests of the REST client against a loopback HTTP server that verifies every signature."""

import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from context import SECRET

from symscore_client import Client, MLContext, DataFrame, Signer, Status, SymscoreError, content_md5, enc

OK = '{"statusCode":"OK","statusString":"OK","values":{}}'


def _routes(state, method, route, query):
    """Returns (code, body, headers) for a verified request."""
    if route == "POST /projects":
        if "pid=exists" in query:
            return 409, '{"statusCode":"CONFLICT","statusString":"project exists","values":{}}', {}
        return 201, '{"statusCode":"CREATED","statusString":"CREATED","values":{}}', {}
    if route == "GET /projects/list":
        return 200, '{"statusCode":"OK","statusString":"OK","values":{"stringList":{"values":["a b","p1"]}}}', {}
    if route == "GET /projects/p1/info":
        return 200, '{"statusCode":"OK","statusString":"OK","values":{"smlInfo":{"pid":"p1","rows":150}}}', {}
    if route == "POST /projects/p1/build":
        if "modelid=taken" in query and "replace=true" not in query:
            return 409, ('{"statusCode":"CONFLICT","statusString":"model \\"taken\\" of project \\"p1\\" exists; '
                         'build with replace=true to replace it","values":{}}'), {}
        job = "8" if "modelid=bad" in query else "7"
        return 202, '{"statusCode":"ACCEPTED","statusString":"ACCEPTED","values":{}}', {
            "Location": "/symetry/rest/c1/jobs/" + job, "sym-job-id": job}
    if route == "GET /jobs/7":
        state["polls"] += 1
        if state["polls"] < 3:
            return 202, '{"statusCode":"ACCEPTED","statusString":"Job still running","values":{}}', {}
        return 200, '{"statusCode":"OK","statusString":"Job is finished","values":{}}', {}
    if route == "GET /jobs/8":
        return 400, '{"statusCode":"BAD_REQUEST","statusString":"singular matrix","values":{}}', {}
    if route == "GET /projects/p1/models/m1":
        return 200, '{"statusCode":"OK","statusString":"OK","values":{"modelInfo":{"modelType":"lda"}}}', {}
    if route == "POST /projects/p1/predict/m1":
        return 200, ('{"statusCode":"OK","statusString":"OK","values":{"KSVSMap":{"values":'
                     '[{"res":"1","prob":"0.97"}]}}}'), {}
    if route == "POST /projects/p1/explore":
        return 200, ('{"statusCode":"OK","statusString":"OK","values":{"KSVDMap":{"values":'
                     '[{"count":150,"mean":5.843333333333334},{"count":150,"variance":null}]}}}'), {}
    if route in ("DELETE /projects/p1", "POST /projects/p1/learn", "GET /projects/p1/freeze",
                 "GET /projects/p1/merge"):
        return 200, OK, {}
    return 404, "404 page not found", {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_one(self):
        state = self.server.state
        path, _, query = self.path.partition("?")
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8") if n else ""
        state["seen"].append((self.command, path, query or None, body, self.headers.get("Content-Type")))
        md5 = self.headers.get("Content-MD5")
        verifier = state["verifier"]
        if md5 is None or md5 != (content_md5(body) if body else ""):
            return self.respond(400, '{"statusCode":"BAD_REQUEST","statusString":"Content-MD5 mismatch"}', {})
        sts = verifier.rest_string_to_sign(self.command, self.headers.get("sym-date"), md5, body, path, query)
        if self.headers.get("Authorization") != verifier.sign(sts):
            env = {"statusCode": "UNAUTHORIZED", "statusString": "bad signature",
                   "values": {"stringToSign": sts.replace(SECRET, "SECRETKEY")}}
            return self.respond(401, json.dumps(env), {})
        code, text, headers = _routes(state, self.command, self.command + " " + path.replace("/symetry/rest/c1", ""), query)
        return self.respond(code, text, headers)

    def respond(self, code, text, headers):
        b = text.encode("utf-8")
        self.send_response(code)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    do_GET = do_POST = do_DELETE = handle_one


class RestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        cls.srv.state = {"seen": [], "polls": 0, "verifier": Signer("c1", SECRET)}
        cls.thread = threading.Thread(target=cls.srv.serve_forever, daemon=True)
        cls.thread.start()
        cls.base = "http://127.0.0.1:%d" % cls.srv.server_address[1]
        cls.c = Client(cls.base, "c1", SECRET, job_timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.srv.shutdown()
        cls.srv.server_close()

    def last(self):
        return self.srv.state["seen"][-1]

    def test_create_project(self):
        r = self.c.create_project("p1", "partition", {"partitionSplit": "species"})
        self.assertEqual((Status.CREATED, 201), (r.status, r.http_code))
        method, path, query, body, ctype = self.last()
        self.assertEqual(("POST", "/symetry/rest/c1/projects", "pid=p1&type=partition"), (method, path, query))
        self.assertEqual('{"partitionSplit":"species"}', body)
        self.assertEqual("application/json", ctype)
        self.c.create_project("p2")
        self.assertEqual(("pid=p2&type=cpu", "{}"), self.last()[2:4])

    def test_conflict(self):
        with self.assertRaises(SymscoreError) as cm:
            self.c.create_project("exists")
        self.assertEqual(("CONFLICT", 409), (cm.exception.status, cm.exception.http_code))

    def test_list_and_info(self):
        self.assertEqual(["a b", "p1"], self.c.list_projects())
        self.assertEqual({"pid": "p1", "rows": 150}, self.c.project_info("p1"))
        self.assertEqual(("GET", "/symetry/rest/c1/projects/p1/info", None, ""), self.last()[:4])

    def test_build_polls_until_finished(self):
        self.srv.state["polls"] = 0
        ctx = MLContext(target_names=["Iris_virginica"], input_names=["a", "b"])
        r = self.c.build("p1", "lda", "m1", ctx)
        self.assertEqual("Job is finished", r.status_string)
        self.assertEqual(3, self.srv.state["polls"])
        post = self.srv.state["seen"][-4]
        self.assertEqual(("POST", "algo=lda&modelid=m1", ctx.to_json()), (post[0], post[2], post[3]))

    def test_build_existing_id_conflict_then_replace(self):
        ctx = MLContext(target_names=["Iris_virginica"], input_names=["a", "b"])
        with self.assertRaises(SymscoreError) as cm:
            self.c.build("p1", "lda", "taken", ctx)
        self.assertEqual(("CONFLICT", 409), (cm.exception.status, cm.exception.http_code))
        self.assertIn("replace=true", cm.exception.status_string)
        self.srv.state["polls"] = 0
        r = self.c.build("p1", "lda", "taken", ctx, replace=True)
        self.assertEqual("Job is finished", r.status_string)
        self.assertEqual("algo=lda&modelid=taken&replace=true", self.srv.state["seen"][-4][2])

    def test_failed_build(self):
        with self.assertRaises(SymscoreError) as cm:
            self.c.build("p1", "lda", "bad", MLContext(targets=[1]))
        self.assertEqual(("BAD_REQUEST", "singular matrix"), (cm.exception.status, cm.exception.status_string))

    def test_model_predict_explore(self):
        self.assertEqual("lda", self.c.model_info("p1", "m1")["modelType"])
        df = DataFrame(["a"], ["C"], [["1"]])
        self.assertEqual([{"res": "1", "prob": "0.97"}], self.c.predict("p1", "m1", df, impute=True))
        self.assertEqual(("impute=true", df.to_json()), self.last()[2:4])
        self.c.predict("p1", "m1", df)
        self.assertIsNone(self.last()[2])
        x = self.c.explore("p1", "uni", [MLContext(inputs=[0]), MLContext(inputs=[1])])
        self.assertEqual([{"count": 150.0, "mean": 5.843333333333334}, {"count": 150.0, "variance": None}], x)
        self.assertEqual(("metric=uni", '{"values":[{"inputAttributes":["0"],"extraParameters":{}},'
                                        '{"inputAttributes":["1"],"extraParameters":{}}]}'), self.last()[2:4])

    def test_learn_freeze_merge_delete(self):
        self.c.learn("p1", DataFrame(["a"], ["C"], [["1"]]))
        self.c.freeze("p1")
        self.c.merge("p1", "other one")
        self.assertEqual("otherProjectName=other%20one", self.last()[2])
        self.assertEqual(Status.OK, self.c.delete_project("p1").status)
        self.assertEqual(("DELETE", "/symetry/rest/c1/projects/p1"), self.last()[:2])

    def test_not_an_envelope(self):
        with self.assertRaises(SymscoreError) as cm:
            self.c.call("GET", "/nowhere")
        self.assertEqual((None, 404), (cm.exception.status, cm.exception.http_code))

    def test_encoded_path_signed_as_sent(self):
        with self.assertRaises(SymscoreError) as cm:
            self.c.project_info("a b/c")
        self.assertEqual(404, cm.exception.http_code)  # 404, not 401: the signature matched
        self.assertEqual("/symetry/rest/c1/projects/a%20b%2Fc/info", self.last()[1])
        self.assertEqual("a-._~Z9%20%2F%C3%A9%26%3D", enc("a-._~Z9 /é&="))

    def test_wrong_secret(self):
        bad = Client(self.base, "c1", "AAAAAAAAAAAAAAAAAAAAAA==")
        with self.assertRaises(SymscoreError) as cm:
            bad.project_info("p1")
        e = cm.exception
        self.assertEqual(("UNAUTHORIZED", 401), (e.status, e.http_code))
        self.assertTrue(e.string_to_sign.startswith("GET\n\nSECRETKEY\n"))

    def test_base_url_with_trailing_slash(self):
        Client(self.base + "/", "c1", SECRET).delete_project("p1")
        self.assertEqual("/symetry/rest/c1/projects/p1", self.last()[1])

    def test_connection_refused(self):
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with self.assertRaises(SymscoreError) as cm:
            Client("http://127.0.0.1:%d" % port, "c1", SECRET).list_projects()
        self.assertIsNone(cm.exception.status)


if __name__ == "__main__":
    unittest.main()
