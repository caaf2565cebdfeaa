// Risks view helpers: the likelihood × impact grid and the words for 1–5.
import type { Risk } from '../ipc';

export const LIKELIHOOD = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'];
export const IMPACT = ['Negligible', 'Minor', 'Moderate', 'Major', 'Severe'];

/** The level of a score, as the core names it. */
export function levelOf(score: number): 'low' | 'medium' | 'high' | 'critical' {
  if (score <= 4) return 'low';
  if (score <= 9) return 'medium';
  if (score <= 16) return 'high';
  return 'critical';
}

export interface GridCell {
  likelihood: number;
  impact: number;
  level: ReturnType<typeof levelOf>;
  risks: Risk[];
}

/** Rows likelihood 5 (top) to 1, columns impact 1 to 5; closed risks left out. */
export function riskGrid(risks: Risk[]): GridCell[][] {
  const rows: GridCell[][] = [];
  for (let likelihood = 5; likelihood >= 1; likelihood--) {
    const row: GridCell[] = [];
    for (let impact = 1; impact <= 5; impact++) {
      row.push({
        likelihood,
        impact,
        level: levelOf(likelihood * impact),
        risks: risks.filter((r) => r.status !== 'closed' && r.likelihood === likelihood && r.impact === impact),
      });
    }
    rows.push(row);
  }
  return rows;
}
