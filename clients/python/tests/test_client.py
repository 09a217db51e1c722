"""Tests for the Python client against a real `rewardsmith serve`.

test/server/python-client.e2e.test.ts starts the server with tests/spec.yaml and runs
`python3 -m unittest discover -s clients/python/tests` with REWARDSMITH_TEST_URL and
REWARDSMITH_TEST_TOKEN set; without them these tests are skipped.
"""

import importlib.util
import json
import os
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rewardsmith_client import RewardsmithClient, RewardsmithError, compute_score, compute_score_batch, make_trl_reward  # noqa: E402

URL = os.environ.get("REWARDSMITH_TEST_URL")
TOKEN = os.environ.get("REWARDSMITH_TEST_TOKEN")
VERL_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rewardsmith_client", "verl.py")

GOOD = "<answer>42</answer>"
BAD = "<answer>41</answer>"


@unittest.skipUnless(URL, "REWARDSMITH_TEST_URL is not set (run through npm test)")
class AgainstServer(unittest.TestCase):
    def setUp(self):
        self.client = RewardsmithClient(URL, TOKEN)

    def tearDown(self):
        self.client.close()

    def test_health_and_ready(self):
        self.assertEqual(self.client.health(), {"status": "ok"})
        ready = self.client.ready()
        self.assertEqual(ready["rewards"], ["correct", "format"])
        self.assertEqual(self.client.null_reward, -1.0)

    def test_score_keeps_order_and_reports_status(self):
        results = self.client.score([
            {"id": "a", "completion": GOOD, "solution": "42"},
            {"id": "b", "completion": BAD, "solution": "42"},
            {"id": "c", "completion": GOOD},
        ])
        self.assertEqual([(r["id"], r["reward"], r["status"]) for r in results], [("a", 1, "ok"), ("b", 0, "ok"), ("c", None, "unscorable")])
        self.assertIn("reference", results[2]["reason"])

    def test_many_calls_reuse_the_connection(self):
        for _ in range(50):
            self.assertEqual(self.client.score([{"completion": GOOD, "solution": "42"}])[0]["reward"], 1)

    def test_nan_in_a_dataset_column_is_sent_as_null(self):
        # pandas and datasets give missing floats as NaN, which JSON cannot carry.
        results = self.client.score([
            {"completion": GOOD, "solution": "42", "difficulty": float("nan"), "weights": [1.0, float("inf")]},
            {"completion": GOOD, "solution": float("nan")},
        ])
        self.assertEqual([(r["reward"], r["status"]) for r in results], [(1, "ok"), (None, "unscorable")])

    def test_get_reward_openrlhf(self):
        out = self.client.get_reward(["Q:" + GOOD, "Q:" + BAD], ["Q:", "Q:"], ["42", "42"])
        self.assertEqual(out["rewards"], [1, 0])
        self.assertEqual(out["extra_logs"]["status_ok"], [1, 1])

    def test_errors_carry_the_status_and_the_servers_message(self):
        with self.assertRaises(RewardsmithError) as bad:
            self.client.score([{"completion": GOOD}, {"completion": 5}])
        self.assertEqual(bad.exception.status, 400)
        self.assertIn("records[1]", bad.exception.message)
        with self.assertRaises(RewardsmithError) as unauthorized:
            RewardsmithClient(URL, "wrong-token").score([{"completion": GOOD}])
        self.assertEqual(unauthorized.exception.status, 401)
        with self.assertRaises(RewardsmithError) as unreachable:
            RewardsmithClient("http://127.0.0.1:9", TOKEN, max_retries=0).health()
        self.assertEqual(unreachable.exception.status, 0)

    def test_verl_compute_score(self):
        kwargs = dict(url=URL, token=TOKEN, reference_field="solution")
        good = compute_score("gsm8k", GOOD, "42", {"index": 3}, **kwargs)
        self.assertEqual(good, {"score": 1.0, "ok": 1.0, "reward_correct": 1.0, "reward_format": 1.0})
        wrong_format = compute_score("gsm8k", "42", "42", None, **kwargs)
        self.assertEqual(wrong_format["score"], 0.0)
        unscorable = compute_score("gsm8k", GOOD, None, None, **kwargs)
        self.assertEqual(unscorable["score"], -1.0, "a record that is not ok gets the spec's null_reward")
        self.assertEqual(unscorable["ok"], 0.0)
        batch = compute_score_batch(["a", "b"], [GOOD, BAD], ["42", "42"], None, **kwargs)
        self.assertEqual([b["score"] for b in batch], [1.0, 0.0])
        self.assertEqual(set(batch[0]), set(good), "every result has the same keys, as verl needs")

    def test_verl_loads_the_file_by_path(self):
        spec = importlib.util.spec_from_file_location("custom_module", VERL_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.assertEqual(module.compute_score("x", GOOD, "42", url=URL, token=TOKEN, reference_field="solution")["score"], 1.0)

    def test_trl_reward_function(self):
        reward = make_trl_reward(URL, TOKEN, name="answer_reward")
        self.assertEqual(reward.__name__, "answer_reward")
        prompts = [[{"role": "user", "content": "6*7?"}]] * 3
        completions = [[{"role": "assistant", "content": GOOD}], [{"role": "assistant", "content": BAD}], [{"role": "assistant", "content": GOOD}]]
        out = reward(prompts=prompts, completions=completions, solution=["42", "42", None], completion_ids=[[1], [2], [3]], trainer_state=object())
        self.assertEqual(out, [1, 0, None])
        self.assertEqual(make_trl_reward(URL, TOKEN, null_reward=0.0)(prompts=["p"], completions=[GOOD], solution=[None]), [0.0])


class Retries(unittest.TestCase):
    """The client retries 429/503 as Retry-After says (a stub server, no rewardsmith needed)."""

    def test_retries_overload_then_succeeds(self):
        calls = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                calls.append(self.headers.get("Authorization"))
                if len(calls) < 3:
                    body, status = b'{"message": "busy"}', 429
                else:
                    body, status = json.dumps({"results": [{"reward": 1, "status": "ok"}]}).encode(), 200
                self.send_response(status)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}"
            self.assertEqual(RewardsmithClient(url, "t").score([{"completion": "x"}]), [{"reward": 1, "status": "ok"}])
            self.assertEqual(calls, ["Bearer t"] * 3)
            calls.clear()
            with self.assertRaises(RewardsmithError) as busy:
                RewardsmithClient(url, max_retries=1).score([{"completion": "x"}])
            self.assertEqual(busy.exception.status, 429)
            self.assertEqual(busy.exception.message, "busy")
        finally:
            server.shutdown()
            server.server_close()

    def test_an_answer_sent_before_the_body_is_read_is_reported(self):
        # A body over --body-limit: the server answers 413 and closes without reading the rest.
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = b'{"statusCode": 413, "message": "the request body is larger than this server accepts"}'
                self.send_response(413)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}"
            with self.assertRaises(RewardsmithError) as big:
                RewardsmithClient(url).score([{"completion": "x" * 20_000_000}])
            self.assertEqual(big.exception.status, 413)
            self.assertIn("larger than this server accepts", big.exception.message)
        finally:
            server.shutdown()
            server.server_close()


class VerlKeys(unittest.TestCase):
    """verl gathers each key of the results into one column: every result must carry the same keys."""

    def test_a_record_without_components_still_has_every_reward_key(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                self.reply({"status": "ready", "rewards": ["correct", "format"], "null_reward": -1, "workers": 1})

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                ok = {"reward": 1, "status": "ok", "components": {"correct": {"reward": 1, "status": "ok"}, "format": {"reward": 1, "status": "ok"}}}
                timed_out = {"reward": None, "status": "error", "reason": "not scored within the server's per-request timeout (30000 ms)"}
                self.reply({"results": [ok, timed_out]})

            def reply(self, obj):
                body = json.dumps(obj).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}"
            out = compute_score_batch(["a", "b"], [GOOD, GOOD], ["42", "42"], None, url=url)
            self.assertEqual(out[1], {"score": -1.0, "ok": 0.0, "reward_correct": -1.0, "reward_format": -1.0})
            self.assertEqual(set(out[0]), set(out[1]))
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    unittest.main()
