import type { OutputRecord, Sample } from "../core/types.ts";
import type { GetRewardRequest } from "./requests.ts";

/** OpenRLHF's remote reward response: numbers only, one per query; extra_logs values are per-query too. */
export interface GetRewardResponse {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number[]>;
}

export const NOT_PREFIX_REASON = "the prompt is not a prefix of the query, so the response cannot be separated from it";

/**
 * Turn an OpenRLHF request into samples. OpenRLHF sends `query` = prompt + response (chat template
 * applied); the response is what follows the prompt. When the prompt is not a prefix of the query
 * the response cannot be recovered reliably: that query is not scored (unscorable, counted in
 * `extra_logs.prompt_not_prefix`) rather than scored on text that includes the prompt.
 * Entries of `samples` are undefined exactly where `notPrefix` is true.
 */
export function openrlhfSamples(req: GetRewardRequest): { samples: Array<Sample | undefined>; notPrefix: boolean[] } {
  const n = req.query.length;
  const samples = new Array<Sample | undefined>(n).fill(undefined);
  const notPrefix = new Array<boolean>(n).fill(false);
  for (let i = 0; i < n; i++) {
    const query = req.query[i];
    const prompt = req.prompts?.[i];
    if (prompt !== undefined && !query.startsWith(prompt)) {
      notPrefix[i] = true;
      continue;
    }
    const sample: Sample = { id: i, completion: prompt === undefined ? query : query.slice(prompt.length) };
    if (prompt !== undefined) sample.prompt = prompt;
    const label = req.labels?.[i];
    if (label !== undefined && label !== null) sample.reference = label;
    const meta = req.metas?.[i];
    if (meta) sample.meta = meta;
    samples[i] = sample;
  }
  return { samples, notPrefix };
}

/**
 * Build the response: the shaped reward where the spec shapes, else the reward; a non-ok record gets `nullReward`. `extra_logs` holds per-query 0/1 status
 * indicators (their mean is the fraction OpenRLHF logs) and each component's reward.
 */
export function openrlhfResponse(records: OutputRecord[], notPrefix: boolean[], rewardNames: string[], nullReward: number): GetRewardResponse {
  const n = records.length;
  const rewards = new Array<number>(n);
  const logs: Record<string, number[]> = {
    status_ok: new Array<number>(n),
    status_unscorable: new Array<number>(n),
    status_error: new Array<number>(n),
    prompt_not_prefix: notPrefix.map(Number),
  };
  const components = rewardNames.map((name) => (logs[`reward_${name}`] = new Array<number>(n)));
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const reward = r.shaped_reward !== undefined ? r.shaped_reward : r.reward;
    rewards[i] = r.status === "ok" && reward !== null ? reward : nullReward;
    logs.status_ok[i] = r.status === "ok" ? 1 : 0;
    logs.status_unscorable[i] = r.status === "unscorable" ? 1 : 0;
    logs.status_error[i] = r.status === "error" ? 1 : 0;
    for (let j = 0; j < rewardNames.length; j++) {
      const c = r.components?.[rewardNames[j]];
      components[j][i] = c && c.status === "ok" && c.reward !== null ? c.reward : nullReward;
    }
  }
  return { rewards, scores: rewards.slice(), extra_logs: logs };
}
