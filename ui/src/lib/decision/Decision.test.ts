import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import Decision from './Decision.svelte';
import { decision, launch } from '../../test/fixtures';

describe('Decision', () => {
  it('shows the state, what is missing, and who signed', () => {
    render(Decision, { decision: decision(), launch, onchanged: vi.fn() });
    expect(screen.getByTestId('decision-state').textContent).toContain('PENDING');
    expect(screen.getByTestId('decision-missing').textContent).toContain('Technical lead has not signed off');
    const pm = screen.getByTestId('signoff-pm');
    expect(pm.textContent).toContain('Go');
    expect(pm.textContent).toContain('“ready”');
    expect(screen.getByTestId('signoff-tech').textContent).toContain('Not signed');
  });

  it('flags a go that needs re-confirmation, with the reason', () => {
    const stale = decision();
    stale.signoffs[0].stale_reason = 'PRE-29 Performance benchmarks met was reopened by ben';
    render(Decision, { decision: stale, launch, onchanged: vi.fn() });
    expect(screen.getByTestId('stale-pm').textContent).toContain('Needs re-confirmation');
    expect(screen.getByTestId('signoff-pm').textContent).toContain('PRE-29 Performance benchmarks met was reopened by ben');
    expect(screen.getByTestId('go-pm').textContent).toContain('Re-confirm go');
  });

  it('refuses a no-go without a reason, then signs it through sign_off', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      return decision({ state: 'no_go' });
    });
    const onchanged = vi.fn();
    render(Decision, { decision: decision(), launch, onchanged });
    await fireEvent.click(screen.getByTestId('nogo-tech'));
    await fireEvent.click(screen.getByTestId('signoff-confirm'));
    expect(screen.getByTestId('signoff-error').textContent).toContain('A no-go needs a reason');
    expect(calls).toEqual([]);
    await fireEvent.input(screen.getByTestId('signoff-comment'), { target: { value: 'p95 is 2.4 s' } });
    await fireEvent.click(screen.getByTestId('signoff-confirm'));
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalled());
    expect(calls).toEqual([{ cmd: 'sign_off', args: { launchId: launch.id, role: 'tech', verdict: 'no_go', comment: 'p95 is 2.4 s' } }]);
  });
});
