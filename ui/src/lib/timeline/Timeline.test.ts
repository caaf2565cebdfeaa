import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import Timeline from './Timeline.svelte';
import { item, launch } from '../../test/fixtures';

describe('Timeline', () => {
  it('marks today and labels overdue items in words', async () => {
    const late = item('PRE-01', { overdue: true, due_day: -7, due_date: '2026-11-30' });
    const onopenitem = vi.fn();
    render(Timeline, {
      timeline: {
        today: '2026-12-02',
        day_number: -5,
        days: [
          { day: -7, date: '2026-11-30', is_today: false, phase_key: 'pre', items: [late], overdue: 1 },
          { day: -5, date: '2026-12-02', is_today: true, phase_key: 'pre', items: [], overdue: 0 },
          { day: 0, date: '2026-12-07', is_today: false, phase_key: 'day0', items: [], overdue: 0 },
        ],
      },
      launch,
      filtered: false,
      onopenitem,
    });
    const today = screen.getByTestId('day--5');
    expect(today.getAttribute('data-today')).toBe('yes');
    expect(within(today).getByText('Today')).toBeTruthy();
    const chip = screen.getByTestId('chip-PRE-01');
    expect(chip.textContent).toContain('Overdue');
    expect(within(screen.getByTestId('day-0')).getByText('Go-live')).toBeTruthy();
    await fireEvent.click(chip);
    expect(onopenitem).toHaveBeenCalledWith(late);
  });
});
