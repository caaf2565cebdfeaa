import { describe, expect, it } from 'vitest';
import type { Risk } from '../ipc';
import { levelOf, riskGrid } from './risks';

function risk(key: string, likelihood: number, impact: number, status: Risk['status'] = 'open'): Risk {
  return {
    id: key,
    number: 1,
    key,
    title: key,
    category: 'technical',
    likelihood,
    impact,
    score: likelihood * impact,
    level: levelOf(likelihood * impact),
    proactive: '',
    reactive: '',
    owner_id: null,
    owner: null,
    status,
    links: [],
  };
}

describe('risk grid', () => {
  it('puts likelihood 5 on top and impact 5 on the right, leaving closed risks out', () => {
    const grid = riskGrid([risk('RSK-1', 5, 5), risk('RSK-2', 1, 1), risk('RSK-3', 3, 4), risk('RSK-4', 3, 4, 'closed')]);
    expect(grid).toHaveLength(5);
    expect(grid[0][4]).toMatchObject({ likelihood: 5, impact: 5, level: 'critical' });
    expect(grid[0][4].risks.map((r) => r.key)).toEqual(['RSK-1']);
    expect(grid[4][0].risks.map((r) => r.key)).toEqual(['RSK-2']);
    expect(grid[2][3].risks.map((r) => r.key)).toEqual(['RSK-3']);
    expect(grid[2][3].level).toBe('high');
  });

  it('names levels as the core does', () => {
    expect([4, 5, 9, 10, 16, 17, 25].map(levelOf)).toEqual(['low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });
});
