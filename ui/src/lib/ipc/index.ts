// The only module that imports @tauri-apps/*: typed wrappers over the app's
// commands and events. Errors arrive as {code, message} (CommandError).
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AppInfo } from './bindings/AppInfo';
import type { Checklist } from './bindings/Checklist';
import type { CommandError } from './bindings/CommandError';
import type { Item } from './bindings/Item';
import type { Launch } from './bindings/Launch';
import type { NewLaunchInput } from './bindings/NewLaunchInput';
import type { Summary } from './bindings/Summary';
import type { Actor } from './bindings/Actor';

export type { AppInfo, Checklist, CommandError, Item, Launch, NewLaunchInput, Summary, Actor };
export type { Phase } from './bindings/Phase';
export type { Section } from './bindings/Section';
export type { Progress } from './bindings/Progress';
export type { Status } from './bindings/Status';

/** A failed command, carrying the code the UI may branch on. */
export class IpcError extends Error {
  readonly code: CommandError['code'];
  constructor(error: CommandError) {
    super(error.message);
    this.code = error.code;
  }
}

function asCommandError(raw: unknown): CommandError {
  if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
    return raw as CommandError;
  }
  // Tauri itself rejects with a string, e.g. when a command is not granted.
  return { code: 'internal', message: String(raw) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw new IpcError(asCommandError(raw));
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>('app_info'),
  listLaunches: () => call<Launch[]>('list_launches'),
  timeZones: () => call<string[]>('time_zones'),
  createLaunch: (input: NewLaunchInput) => call<Launch>('create_launch', { input }),
  launchSummary: (launchId: string) => call<Summary>('launch_summary', { launchId }),
  launchChecklist: (launchId: string) => call<Checklist>('launch_checklist', { launchId }),
  tickItem: (launchId: string, key: string, note: string | null) =>
    call<Item>('tick_item', { launchId, key, note }),
  untickItem: (launchId: string, key: string, reason: string) =>
    call<Item>('untick_item', { launchId, key, reason }),
  setProfile: (name: string | null, role: string | null) => call<Actor>('set_profile', { name, role }),
};

/** Calls `handler` whenever another program changed the store. */
export function onStoreChanged(handler: () => void): Promise<UnlistenFn> {
  return listen('store-changed', () => handler());
}

/** The message to show for any thrown value, as a sentence. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
