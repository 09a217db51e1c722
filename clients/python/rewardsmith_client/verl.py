"""verl custom reward function backed by a rewardsmith service.

verl config (reward_manager=naive or prime, one call per sample):
    custom_reward_function.path=/path/to/clients/python/rewardsmith_client/verl.py
    custom_reward_function.name=compute_score
    +custom_reward_function.reward_kwargs.url=http://127.0.0.1:8000
For reward_manager=batch use name=compute_score_batch (one HTTP request per batch: much faster).
The URL and token may also come from REWARDSMITH_URL / REWARDSMITH_TOKEN.

Each result is a dict: `score` (the reward; the spec's null_reward when the record is not ok),
`ok` (1.0 or 0.0) and `reward_<name>` for every reward of the spec. verl logs these extra keys.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

try:
    from rewardsmith_client.client import RewardsmithClient
except ImportError:  # verl loads this file by path; make the package importable from its folder
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from rewardsmith_client.client import RewardsmithClient

__all__ = ["compute_score", "compute_score_batch"]

_clients: Dict[Tuple[str, Optional[str]], RewardsmithClient] = {}


def _client(url: Optional[str], token: Optional[str]) -> RewardsmithClient:
    url = url or os.environ.get("REWARDSMITH_URL")
    if not url:
        raise ValueError("rewardsmith: pass url=... (reward_kwargs) or set REWARDSMITH_URL")
    token = token if token is not None else os.environ.get("REWARDSMITH_TOKEN") or None
    key = (url, token)
    if key not in _clients:
        _clients[key] = RewardsmithClient(url, token)
    return _clients[key]


def _record(data_source: Any, solution_str: str, ground_truth: Any, extra_info: Any, completion_field: str, reference_field: str) -> Dict[str, Any]:
    record: Dict[str, Any] = {completion_field: solution_str, reference_field: ground_truth, "data_source": data_source}
    if extra_info is not None:
        record["extra_info"] = extra_info
    return record


def _as_verl(result: Dict[str, Any], client: RewardsmithClient) -> Dict[str, Any]:
    # Every result carries every reward's key: verl collects each key into one column per batch,
    # and a record without components (e.g. not scored within the server's timeout) would shorten it.
    null_reward = client.null_reward
    ok = result.get("status") == "ok" and result.get("reward") is not None
    out: Dict[str, Any] = {"score": float(result["reward"]) if ok else null_reward, "ok": 1.0 if ok else 0.0}
    components = result.get("components") or {}
    for name in client.reward_names:
        component = components.get(name) or {}
        good = component.get("status") == "ok" and component.get("reward") is not None
        out[f"reward_{name}"] = float(component["reward"]) if good else null_reward
    return out


def compute_score(
    data_source: Any,
    solution_str: str,
    ground_truth: Any,
    extra_info: Any = None,
    url: Optional[str] = None,
    token: Optional[str] = None,
    completion_field: str = "completion",
    reference_field: str = "reference",
    **_ignored: Any,
) -> Dict[str, Any]:
    """verl's `compute_score(data_source, solution_str, ground_truth, extra_info)` for one sample."""
    client = _client(url, token)
    [result] = client.score([_record(data_source, solution_str, ground_truth, extra_info, completion_field, reference_field)])
    return _as_verl(result, client)


def compute_score_batch(
    data_sources: Sequence[Any],
    solution_strs: Sequence[str],
    ground_truths: Sequence[Any],
    extra_infos: Optional[Sequence[Any]] = None,
    url: Optional[str] = None,
    token: Optional[str] = None,
    completion_field: str = "completion",
    reference_field: str = "reference",
    **_ignored: Any,
) -> List[Dict[str, Any]]:
    """verl's batch reward manager signature: one request for the whole batch."""
    client = _client(url, token)
    infos = extra_infos if extra_infos is not None else [None] * len(solution_strs)
    records = [_record(d, s, g, e, completion_field, reference_field) for d, s, g, e in zip(data_sources, solution_strs, ground_truths, infos)]
    return [_as_verl(r, client) for r in client.score(records)]
