// Small, hand-written data shaped exactly like the Rust types (the bindings
// make the compiler check that).
import type { Checklist, Decision, Item, Launch, Progress, Summary } from '../lib/ipc';

export const launch: Launch = {
  id: '0193a000-0000-7000-8000-000000000001',
  name: 'Arxos platform',
  platform: 'Arxos',
  go_live_local: '2026-12-07T09:00:00',
  time_zone: 'Europe/Berlin',
  template_name: 'Standard go-live plan',
  template_version: 1,
  created_at: '2026-11-30T08:00:00.000Z',
  created_by: 'ana',
  rehearsal_of: null,
  rehearsal_of_name: null,
  closed_at: null,
  closed_by: null,
};

export function item(key: string, overrides: Partial<Item> = {}): Item {
  return {
    key,
    title: `Title of ${key}`,
    description: '',
    phase_key: 'pre',
    section_key: 'pre-infra',
    section_title: 'Infrastructure validation',
    owner_role: 'tech',
    owner_name: 'Technical lead',
    assignee: null,
    due_day: -5,
    due_date: '2026-12-02',
    gate: false,
    status: 'open',
    status_note: null,
    status_by: null,
    status_at: null,
    links: [],
    comments: 0,
    rule: null,
    overdue: false,
    due_today: false,
    ...overrides,
  };
}

function progress(items: Item[]): Progress {
  const done = items.filter((i) => i.status === 'done').length;
  return {
    total: items.length,
    done,
    settled: done,
    blocked: items.filter((i) => i.status === 'blocked').length,
    overdue: items.filter((i) => i.overdue).length,
    percent: items.length ? Math.floor((done * 100) / items.length) : 100,
  };
}

export function checklist(): Checklist {
  const infra = [
    item('PRE-01', { title: 'Verify all production servers are properly configured', overdue: true, due_day: -7, due_date: '2026-11-30' }),
    item('PRE-02', {
      title: 'Confirm load balancer and CDN settings',
      status: 'done',
      status_by: 'ana',
      status_at: '2026-12-01T09:30:00.000Z',
      status_note: 'LB config reviewed',
    }),
    item('PRE-03', { title: 'Validate database connections and performance', due_today: true }),
  ];
  const day0 = [item('DAY-01', { title: 'Pre-deployment health checks passed', phase_key: 'day0', section_key: 'day0-checklist', section_title: 'Go-live day checklist', due_day: 0, due_date: '2026-12-07', gate: true })];
  return {
    launch,
    total: infra.length + day0.length,
    shown: infra.length + day0.length,
    outline: [
      { key: 'pre', name: 'Pre-go-live preparation', first_day: -7, last_day: 0, sections: [{ key: 'pre-infra', title: 'Infrastructure validation' }] },
      { key: 'day0', name: 'Go-live day', first_day: 0, last_day: 0, sections: [{ key: 'day0-checklist', title: 'Go-live day checklist' }] },
    ],
    today: '2026-12-02',
    day_number: -5,
    phases: [
      {
        key: 'pre',
        name: 'Pre-go-live preparation',
        description: '',
        first_day: -7,
        last_day: 0,
        first_date: '2026-11-30',
        last_date: '2026-12-07',
        progress: progress(infra),
        sections: [{ key: 'pre-infra', title: 'Infrastructure validation', items: infra }],
      },
      {
        key: 'day0',
        name: 'Go-live day',
        description: '',
        first_day: 0,
        last_day: 0,
        first_date: '2026-12-07',
        last_date: '2026-12-07',
        progress: progress(day0),
        sections: [{ key: 'day0-checklist', title: 'Go-live day checklist', items: day0 }],
      },
    ],
  };
}

export function summary(overrides: Partial<Summary> = {}): Summary {
  const list = checklist();
  const all = list.phases.flatMap((p) => p.sections.flatMap((s) => s.items));
  return {
    launch,
    now: '2026-12-02T10:00:00.000Z',
    today: '2026-12-02',
    day_number: -5,
    go_live_at: '2026-12-07T08:00:00.000Z',
    seconds_to_go_live: 5 * 86400 - 7200,
    phases: list.phases.map((p) => ({ key: p.key, name: p.name, first_day: p.first_day, last_day: p.last_day, progress: p.progress })),
    overall: progress(all),
    gate: progress(all.filter((i) => i.gate)),
    overdue: all.filter((i) => i.overdue),
    due_today: all.filter((i) => i.due_today),
    blocked: all.filter((i) => i.status === 'blocked'),
    decision: decision(),
    stakeholder_update: {
      phase: 'Pre-go-live preparation',
      every_minutes: null,
      last_sent_at: null,
      due_at: null,
      overdue: false,
      minutes: null,
      label: 'Stakeholder updates start Go-live day (09:00, every 15 min)',
    },
    ...overrides,
  };
}

export function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    state: 'pending',
    signoffs: [
      { role_key: 'pm', role_name: 'Project manager', verdict: 'go', comment: 'ready', signed_by: 'ana', signed_at: '2026-12-06T10:00:00.000Z', stale_reason: null },
      { role_key: 'tech', role_name: 'Technical lead', verdict: null, comment: null, signed_by: null, signed_at: null, stale_reason: null },
    ],
    gate_items: [{ key: 'DAY-01', title: 'Pre-deployment health checks passed', status: 'open', satisfied: false, rule_summary: null }],
    missing: ['Technical lead has not signed off', 'DAY-01 Pre-deployment health checks passed is not done'],
    ...overrides,
  };
}
