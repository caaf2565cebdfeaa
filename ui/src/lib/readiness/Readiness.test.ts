import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import Readiness from './Readiness.svelte';
import { AppModel } from '../app.svelte';
import { checklist, item } from '../../test/fixtures';

function setup() {
  const onchanged = vi.fn();
  const data = checklist();
  const app = new AppModel();
  app.roles = [
    { key: 'pm', name: 'Project manager', signoff: true },
    { key: 'tech', name: 'Technical lead', signoff: true },
  ];
  app.checklist = data;
  render(Readiness, { app, checklist: data, onchanged });
  return { onchanged, data, app };
}

describe('Readiness', () => {
  it('shows phases, sections and items with key, owner, due day and state in words', () => {
    setup();
    expect(screen.getByRole('heading', { name: 'Pre-go-live preparation' })).toBeTruthy();
    expect(within(screen.getByTestId('section-pre-infra')).getByText('Infrastructure validation')).toBeTruthy();
    const pre01 = screen.getByTestId('item-PRE-01');
    expect(pre01.textContent).toContain('PRE-01');
    expect(pre01.textContent).toContain('Technical lead');
    expect(pre01.textContent).toContain('Day -7');
    expect(within(pre01).getByText('Overdue')).toBeTruthy();
    expect(within(screen.getByTestId('item-PRE-03')).getByText('Due today')).toBeTruthy();
    const pre02 = screen.getByTestId('item-PRE-02');
    expect(within(pre02).getByText('Done')).toBeTruthy();
    expect(pre02.textContent).toContain('Ticked by ana');
    expect(pre02.textContent).toContain('LB config reviewed');
    expect(within(screen.getByTestId('item-DAY-01')).getByText('Go gate')).toBeTruthy();
  });

  it('ticks an item with a note through the tick_item command', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    const ticked = item('PRE-01', { status: 'done', status_by: 'ana', status_at: '2026-12-02T10:00:00.000Z', status_note: 'servers checked' });
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      return ticked;
    });
    const { onchanged, data } = setup();
    await fireEvent.click(screen.getByTestId('toggle-PRE-01'));
    const dialog = screen.getByTestId('note-dialog');
    expect(dialog.textContent).toContain('Tick PRE-01');
    await fireEvent.input(screen.getByTestId('note-text'), { target: { value: 'servers checked' } });
    await fireEvent.click(screen.getByTestId('note-confirm'));
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalledWith(ticked));
    expect(calls).toEqual([{ cmd: 'tick_item', args: { launchId: data.launch.id, key: 'PRE-01', note: 'servers checked' } }]);
    expect(screen.queryByTestId('note-dialog')).toBeNull();
  });

  it('refuses to reopen without a reason and never calls the command', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return null;
    });
    setup();
    await fireEvent.click(screen.getByTestId('toggle-PRE-02'));
    expect(screen.getByTestId('note-dialog').textContent).toContain('Reopen PRE-02');
    await fireEvent.click(screen.getByTestId('note-confirm'));
    expect(screen.getByRole('alert').textContent).toContain('A reason is required');
    expect(calls).toEqual([]);
  });

  it('shows the error of a refused tick in words and keeps the dialog open', async () => {
    mockIPC(() => {
      throw { code: 'conflict', message: 'PRE-01 is already done (ticked by ben at 2026-12-02T09:00:00.000Z)' };
    });
    const { onchanged } = setup();
    await fireEvent.click(screen.getByTestId('toggle-PRE-01'));
    await fireEvent.click(screen.getByTestId('note-confirm'));
    const error = await screen.findByTestId('note-error');
    expect(error.textContent).toContain('already done (ticked by ben');
    expect(screen.getByTestId('note-dialog')).toBeTruthy();
    expect(onchanged).not.toHaveBeenCalled();
  });

  it('moves with j/k and opens the dialog with x', async () => {
    setup();
    const first = screen.getByTestId('toggle-PRE-01');
    first.focus();
    await fireEvent.focus(first);
    await fireEvent.keyDown(first, { key: 'j' });
    expect(document.activeElement).toBe(screen.getByTestId('toggle-PRE-02'));
    await fireEvent.keyDown(document.activeElement!, { key: 'j' });
    await fireEvent.keyDown(document.activeElement!, { key: 'k' });
    expect(document.activeElement).toBe(screen.getByTestId('toggle-PRE-02'));
    await fireEvent.keyDown(document.activeElement!, { key: 'x' });
    expect(screen.getByTestId('note-dialog').textContent).toContain('Reopen PRE-02');
  });

  it('asks the core for the filtered checklist when a filter changes', async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    const { data } = setup();
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: args as Record<string, unknown> });
      if (cmd === 'list_launches') return [data.launch];
      if (cmd === 'launch_checklist') return data;
      if (cmd === 'list_contacts' || cmd === 'launch_roles') return [];
      return null;
    });
    await fireEvent.change(screen.getByTestId('filter-phase'), { target: { value: 'day0' } });
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === 'launch_checklist')).toBe(true));
    const request = calls.find((c) => c.cmd === 'launch_checklist');
    expect(request?.args.filter).toEqual({ phase: 'day0', section: null, owner: null, status: null, due: null, text: null, mine: false });
  });

  it('blocks an item from its panel only with a reason', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    const blocked = item('PRE-01', { status: 'blocked', status_by: 'ana', status_at: '2026-12-02T10:00:00.000Z', status_note: 'waiting for NET-214' });
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'item_detail') return { item: item('PRE-01'), comments: [], history: [] };
      return blocked;
    });
    const { onchanged, data } = setup();
    await fireEvent.click(screen.getByTestId('open-PRE-01'));
    expect(screen.getByTestId('item-panel').textContent).toContain('Verify all production servers');
    await fireEvent.click(screen.getByTestId('panel-block'));
    expect(screen.getByTestId('note-dialog').textContent).toContain('Block PRE-01');
    await fireEvent.click(screen.getByTestId('note-confirm'));
    expect(screen.getByRole('alert').textContent).toContain('A reason is required');
    await fireEvent.input(screen.getByTestId('note-text'), { target: { value: 'waiting for NET-214' } });
    await fireEvent.click(screen.getByTestId('note-confirm'));
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalledWith(blocked));
    expect(calls.filter((c) => c.cmd === 'change_item_status')).toEqual([
      { cmd: 'change_item_status', args: { launchId: data.launch.id, key: 'PRE-01', to: 'block', reason: 'waiting for NET-214' } },
    ]);
  });

  it('shows blocked and not-applicable items in words with their reason', () => {
    const data = checklist();
    data.phases[0].sections[0].items[0] = item('PRE-01', { status: 'blocked', status_by: 'ben', status_at: '2026-12-02T10:00:00.000Z', status_note: 'no data yet' });
    data.phases[0].sections[0].items[2] = item('PRE-03', { status: 'na', status_by: 'ben', status_at: '2026-12-02T10:00:00.000Z', status_note: 'no database' });
    const app = new AppModel();
    render(Readiness, { app, checklist: data, onchanged: vi.fn() });
    const pre01 = screen.getByTestId('item-PRE-01');
    expect(within(pre01).getByText('Blocked')).toBeTruthy();
    expect(pre01.textContent).toContain('no data yet');
    expect(within(screen.getByTestId('item-PRE-03')).getByText('N/A')).toBeTruthy();
  });
});
