import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import Dashboard from './Dashboard.svelte';
import { summary } from '../../test/fixtures';

describe('Dashboard', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('counts down to Day 0 and shows the day', () => {
    render(Dashboard, { summary: summary(), onopenitem: vi.fn() });
    const countdown = screen.getByTestId('countdown');
    expect(countdown.textContent).toContain('4d 22h 00m');
    expect(countdown.textContent).toContain('Day -5');
    expect(screen.getByText(/Arxos · go-live Mon, 7 Dec 2026, 09:00 Europe\/Berlin/)).toBeTruthy();
  });

  it('shows "Day +3" once go-live has passed', () => {
    vi.setSystemTime(new Date('2026-12-10T10:00:00Z'));
    render(Dashboard, { summary: summary({ day_number: 3, seconds_to_go_live: -3 * 86400 }), onopenitem: vi.fn() });
    const countdown = screen.getByTestId('countdown');
    expect(countdown.textContent).toContain('Since go-live');
    expect(countdown.textContent).toContain('Day +3');
  });

  it('shows readiness per phase with counts', () => {
    render(Dashboard, { summary: summary(), onopenitem: vi.fn() });
    const pre = screen.getByTestId('phase-row-pre');
    expect(pre.textContent).toContain('Pre-go-live preparation');
    expect(pre.textContent).toContain('1 / 3');
    expect(within(pre).getByText('1 overdue')).toBeTruthy();
    const bar = within(pre).getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('33');
    expect(screen.getByTestId('gate').textContent).toContain('0 / 1');
  });

  it('lists overdue and due-today items and opens one on click', async () => {
    const onopenitem = vi.fn();
    render(Dashboard, { summary: summary(), onopenitem });
    const overdue = screen.getByTestId('overdue');
    expect(overdue.textContent).toContain('PRE-01');
    expect(overdue.textContent).toContain('Verify all production servers');
    expect(screen.getByTestId('due-today').textContent).toContain('PRE-03');
    await fireEvent.click(within(overdue).getByRole('button'));
    expect(onopenitem).toHaveBeenCalledWith(expect.objectContaining({ key: 'PRE-01' }));
  });

  it('says so when nothing is overdue', () => {
    render(Dashboard, { summary: summary({ overdue: [], due_today: [] }), onopenitem: vi.fn() });
    expect(screen.getByText('Nothing is overdue.')).toBeTruthy();
    expect(screen.getByText('Nothing else is due today.')).toBeTruthy();
  });

  it('shows when the next stakeholder update is due, and an overdue one as overdue', async () => {
    const onupdates = vi.fn();
    const { unmount } = render(Dashboard, { summary: summary(), onopenitem: vi.fn(), onupdates });
    const strip = screen.getByTestId('dashboard-update');
    expect(strip.textContent).toContain('Stakeholder updates start Go-live day');
    expect(strip.dataset.overdue).toBe('false');
    await fireEvent.click(screen.getByTestId('dashboard-draft-update'));
    expect(onupdates).toHaveBeenCalled();
    unmount();
    render(Dashboard, {
      summary: summary({
        stakeholder_update: {
          phase: 'Go-live day',
          every_minutes: 15,
          last_sent_at: '2026-12-07T08:01:00.000Z',
          due_at: '2026-12-07T08:16:00.000Z',
          overdue: true,
          minutes: -7,
          label: 'Stakeholder update overdue by 7 min (due 09:16)',
        },
      }),
      onopenitem: vi.fn(),
    });
    const overdue = screen.getByTestId('dashboard-update');
    expect(overdue.dataset.overdue).toBe('true');
    expect(within(overdue).getByText('Overdue')).toBeTruthy();
    expect(overdue.textContent).toContain('overdue by 7 min (due 09:16)');
  });
});
