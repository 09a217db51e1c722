import type { z } from "zod";
import type { RewardType } from "./reward.ts";

/** The reward types a spec can name. Built-ins are added by `src/rewards/index.ts`; users may add their own. */
export class RewardRegistry {
  private readonly types = new Map<string, RewardType>();

  register<S extends z.ZodType>(type: RewardType<S>): this {
    if (this.types.has(type.type)) throw new Error(`reward type "${type.type}" is already registered`);
    this.types.set(type.type, type as unknown as RewardType);
    return this;
  }

  get(type: string): RewardType | undefined {
    return this.types.get(type);
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }
}
