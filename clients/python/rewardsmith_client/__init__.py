"""Python client for the rewardsmith reward service, with verl and TRL adapters (standard library only)."""

from .client import RewardsmithClient, RewardsmithError
from .trl import make_trl_reward
from .verl import compute_score, compute_score_batch

__all__ = ["RewardsmithClient", "RewardsmithError", "compute_score", "compute_score_batch", "make_trl_reward"]
__version__ = "0.1.0"
