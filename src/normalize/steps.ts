/** Step-reward aggregation and credit assignment; the pure helpers live with the `steps` reward type. */
export * from "../rewards/steps/aggregate.ts";
