// File → Open record… and the Record view's button: pick a bundle, and the
// app opens it read-only in a window of its own.
import { desktop, ipc } from '../ipc';

/** Asks for a bundle and opens it; false when the pick was cancelled. */
export async function openRecordFile(): Promise<boolean> {
  const path = await desktop.openFile('Open an exported record', 'golive', 'golive record bundle');
  if (!path) return false;
  await ipc.openRecord(path);
  return true;
}
