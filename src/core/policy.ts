/** What happens to a component whose status is not ok: fail the record, count it as 0, or leave it out. */
export const NON_OK_POLICIES = ["propagate", "zero", "skip"] as const;
export type NonOkPolicy = (typeof NON_OK_POLICIES)[number];

/**
 * How one component of a spec counts: its weight and its non-ok policies. A validated spec's
 * rewards (`Spec.rewards`) are exactly this shape, so combine and normalize take them as they are.
 */
export interface ComponentPolicy {
  name: string;
  weight: number;
  onError: NonOkPolicy;
  onUnscorable: NonOkPolicy;
}
