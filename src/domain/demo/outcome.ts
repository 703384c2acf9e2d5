import type { Temperature } from '../scoring/model.js';
import type { DemoDecision } from './plan.js';

/**
 * Chances of a win and a loss at the decision, by the temperature just before it. Hearth's demo
 * numbers, chosen so that conversion (won / decided) rises cold < warm < hot as a working model
 * should show — about 0.07, 0.29 and 0.54 — while most cold leads stay open. A lead that was hot
 * once and cooled counts as warm.
 */
export const DEMO_OUTCOME_CHANCES: Readonly<Record<Temperature, { won: number; lost: number }>> = {
  hot: { won: 0.35, lost: 0.3 },
  warm: { won: 0.12, lost: 0.3 },
  cool: { won: 0.03, lost: 0.3 },
  cold: { won: 0.02, lost: 0.25 },
};

export type DemoOutcome =
  | { readonly status: 'customer'; readonly value: number }
  | { readonly status: 'lost'; readonly reason: string }
  | null;

/**
 * What happens to a lead at its decision: won, lost, or still open (null), from its plan's draw.
 *
 * @example decideOutcome('hot', true, { draw: 0.1, … }) // { status: 'customer', value: … }
 */
export function decideOutcome(
  temperature: Temperature,
  wasHot: boolean,
  decision: DemoDecision,
): DemoOutcome {
  const chances = DEMO_OUTCOME_CHANCES[wasHot && temperature !== 'hot' ? 'warm' : temperature];
  if (decision.draw < chances.won) return { status: 'customer', value: decision.value };
  if (decision.draw < chances.won + chances.lost) return { status: 'lost', reason: decision.reason };
  return null;
}
