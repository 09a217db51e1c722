"""TRL reward function backed by a rewardsmith service (GRPOTrainer / RLOOTrainer `reward_funcs`)."""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from .client import RewardsmithClient

__all__ = ["make_trl_reward"]

# Keyword arguments TRL passes that are not dataset columns.
_TRL_INTERNAL = frozenset({"completion_ids", "trainer_state", "log_extra", "log_metric", "environments"})


def make_trl_reward(
    url: str,
    token: Optional[str] = None,
    *,
    name: str = "rewardsmith",
    prompt_field: str = "prompt",
    completion_field: str = "completion",
    null_reward: Optional[float] = None,
    timeout: float = 120.0,
) -> Callable[..., List[Optional[float]]]:
    """A callable with TRL's signature `(prompts, completions, **kwargs) -> list[float | None]`.

    Each completion becomes one record: the prompt, the completion (text or chat messages) and
    every dataset column TRL passes in `kwargs` (so the spec's `fields` can name e.g. `solution`
    as the reference). A record that is not ok yields `null_reward`; the default None is TRL's
    "no reward for this sample" (ignored when TRL sums the reward functions).
    """
    client = RewardsmithClient(url, token, timeout=timeout)

    def reward(prompts: Optional[List[Any]] = None, completions: Optional[List[Any]] = None, **kwargs: Any) -> List[Optional[float]]:
        if completions is None:
            raise TypeError("rewardsmith TRL reward: completions are required")
        n = len(completions)
        columns = {k: v for k, v in kwargs.items() if k not in _TRL_INTERNAL and _is_column(v, n)}
        records = []
        for i in range(n):
            record = {k: v[i] for k, v in columns.items()}
            if prompts is not None:
                record[prompt_field] = prompts[i]
            record[completion_field] = completions[i]
            records.append(record)
        return [r["reward"] if r.get("status") == "ok" else null_reward for r in client.score(records)]

    reward.__name__ = name
    reward.__qualname__ = name
    return reward


def _is_column(value: Any, n: int) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, (str, bytes, dict)) and len(value) == n
