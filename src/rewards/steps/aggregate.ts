/** The step aggregates moved to rewards/shared/steps.ts so the prm type can use them too. */
export * from "../shared/steps.ts";
