"""HTTP client for a `rewardsmith serve` reward service. Standard library only (Python >= 3.9)."""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
import urllib.parse
from typing import Any, Dict, List, Optional, Sequence

__all__ = ["RewardsmithClient", "RewardsmithError"]

_RETRY_STATUSES = (429, 503)
_STALE_CONNECTION = (http.client.RemoteDisconnected, http.client.CannotSendRequest, ConnectionResetError, BrokenPipeError)


class RewardsmithError(Exception):
    """The service refused a request or could not be reached. `status` is the HTTP status (0: no response)."""

    def __init__(self, status: int, message: str):
        super().__init__(f"rewardsmith: HTTP {status}: {message}" if status else f"rewardsmith: {message}")
        self.status = status
        self.message = message


class RewardsmithClient:
    """Talks to a reward service. Thread-safe: each thread keeps its own keep-alive connection.

    `score(records)` returns one output record per input record, in order, each with
    `reward` (None unless `status` is "ok"), `status`, and usually `reason` and `components`.
    Requests answered with 429 or 503 are retried up to `max_retries` times, waiting as the
    server's Retry-After header says.
    """

    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 120.0, max_retries: int = 5):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"expected an http(s) URL such as http://127.0.0.1:8000, found {url!r}")
        self._https = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port
        self._prefix = parsed.path.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._max_retries = max_retries
        self._local = threading.local()
        self._ready: Optional[Dict[str, Any]] = None

    def score(self, records: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """Score input records (dicts with completion, reference, prompt ... as the spec names them)."""
        return self._request("POST", "/v1/score", {"records": list(records)})["results"]

    def get_reward(self, query: Sequence[str], prompts: Optional[Sequence[str]] = None, labels: Optional[Sequence[Any]] = None) -> Dict[str, Any]:
        """OpenRLHF's protocol: `query` = prompt + response; returns {rewards, scores, extra_logs}."""
        body: Dict[str, Any] = {"query": list(query)}
        if prompts is not None:
            body["prompts"] = list(prompts)
        if labels is not None:
            body["labels"] = list(labels)
        return self._request("POST", "/get_reward", body)

    def health(self) -> Dict[str, Any]:
        return self._request("GET", "/health")

    def ready(self) -> Dict[str, Any]:
        """{status, rewards (the spec's reward names), null_reward, workers}."""
        return self._request("GET", "/ready")

    @property
    def null_reward(self) -> float:
        """The spec's stand-in reward for records that are not ok (asked once from /ready)."""
        return float(self._spec_info()["null_reward"])

    @property
    def reward_names(self) -> List[str]:
        """The names of the spec's rewards (asked once from /ready)."""
        return list(self._spec_info()["rewards"])

    def _spec_info(self) -> Dict[str, Any]:
        if self._ready is None:
            self._ready = self.ready()
        return self._ready

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __enter__(self) -> "RewardsmithClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self._timeout)
            self._local.conn = conn
        return conn

    def _request(self, method: str, path: str, body: Any = None) -> Dict[str, Any]:
        payload = None if body is None else _encode(body)
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        attempt = 0
        while True:
            status, response_headers, data = self._send(method, self._prefix + path, payload, headers)
            if status in _RETRY_STATUSES and attempt < self._max_retries:
                attempt += 1
                time.sleep(_retry_after(response_headers.get("retry-after"), attempt))
                continue
            try:
                parsed = json.loads(data.decode("utf-8")) if data else {}
            except ValueError:
                parsed = None
            if status != 200:
                message = parsed.get("message") if isinstance(parsed, dict) else None
                raise RewardsmithError(status, message or data.decode("utf-8", "replace")[:500])
            if not isinstance(parsed, dict):
                raise RewardsmithError(status, "the response is not a JSON object")
            return parsed

    def _send(self, method: str, path: str, payload: Optional[bytes], headers: Dict[str, str]):
        # A kept-alive connection the server has closed fails on first use: reconnect once.
        for reuse in (True, False):
            conn = self._connection()
            try:
                try:
                    conn.request(method, path, body=payload, headers=headers)
                except (BrokenPipeError, ConnectionResetError):
                    # The server may answer before reading the whole body (413 over --body-limit) and
                    # close the connection: read that answer; a dead connection raises below instead.
                    pass
                response = conn.getresponse()
                data = response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.close()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, data
            except _STALE_CONNECTION as err:
                self.close()
                if not reuse:
                    raise RewardsmithError(0, f"connection to {self._host} failed: {err}") from err
            except (OSError, http.client.HTTPException) as err:
                self.close()
                raise RewardsmithError(0, f"request to {self._host}:{self._port} failed: {err!r}") from err
        raise AssertionError("unreachable")


def _retry_after(header: Optional[str], attempt: int) -> float:
    try:
        return max(0.0, float(header)) if header is not None else min(2.0 ** attempt * 0.1, 5.0)
    except ValueError:
        return 1.0


def _encode(body: Any) -> bytes:
    try:
        text = json.dumps(body, default=_jsonable, allow_nan=False)
    except ValueError as err:
        if "Out of range float" not in str(err):
            raise
        # JSON has no NaN or infinity (pandas' missing values in dataset columns): send them as null.
        text = json.dumps(_finite(body), default=_jsonable, allow_nan=False)
    return text.encode("utf-8")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    """numpy scalars/arrays and other array-likes that trainers pass in dataset columns."""
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    if hasattr(value, "item"):
        return _finite(value.item())
    if isinstance(value, (set, tuple)):
        return _finite(list(value))
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")
