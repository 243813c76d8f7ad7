/**
 * The staged rollout engine of the deploy action: provider-agnostic.
 *
 * - strategy.ts: rollout inputs → a validated {@link RolloutPlan}
 * - traffic.ts: traffic arithmetic and validation
 * - health.ts: health rules over live signals, check counting
 * - machine.ts: phases, status record, the pure `decide`
 * - providers.ts: the provider interfaces and `apply`
 * - run.ts: ticks, status stores, `runRollout`, `rollbackOnCancel`
 * - timeline.ts: the `timeline` output and time accounting
 */
export * from './strategy.js';
export * from './traffic.js';
export * from './health.js';
export * from './machine.js';
export * from './providers.js';
export * from './run.js';
export * from './timeline.js';
