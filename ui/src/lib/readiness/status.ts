/** How an item's status is about to change: a tick, or a change that needs a reason. */
export type StatusMode = 'tick' | 'reopen' | 'block' | 'na';
