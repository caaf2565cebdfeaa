// The window's state: which launch is open and its latest data. Views read
// it; every change goes through ipc and then reloads what it affects.
import {
  emptyFilter,
  ipc,
  messageOf,
  onHealthChanged,
  onStoreChanged,
  type AppInfo,
  type HealthOverview,
  type Incident,
  type KeychainStatus,
  type Checklist,
  type Contact,
  type Filter,
  type Item,
  type Launch,
  type Me,
  type Role,
  type Summary,
  type Timeline,
} from './ipc';
import { share } from './share';

export type View = 'dashboard' | 'readiness' | 'timeline' | 'decision' | 'health' | 'deploy' | 'incidents' | 'people' | 'training' | 'updates' | 'risks' | 'feedback' | 'record';

export class AppModel {
  info = $state<AppInfo | null>(null);
  launches = $state<Launch[]>([]);
  launchId = $state<string | null>(null);
  // Raw state replaced whole on every reload, sharing unchanged parts (see
  // share.ts): views re-render what changed, never deep-proxy 1,000 items.
  summary = $state.raw<Summary | null>(null);
  checklist = $state.raw<Checklist | null>(null);
  timeline = $state.raw<Timeline | null>(null);
  roles = $state.raw<Role[]>([]);
  contacts = $state.raw<Contact[]>([]);
  me = $state.raw<Me | null>(null);
  health = $state.raw<HealthOverview | null>(null);
  /** The launch's incidents, open ones first. */
  incidents = $state.raw<Incident[]>([]);
  /** Bumped whenever new probe results were stored, so charts reload. */
  healthVersion = $state(0);
  keychain = $state.raw<KeychainStatus | null>(null);
  checkingKeychain = $state(false);
  /** What the Readiness and Timeline views show. */
  filter = $state<Filter>(emptyFilter());
  view = $state<View>('dashboard');
  /** The incident the Incidents view shows (set when one is opened elsewhere). */
  incident = $state<string | null>(null);
  /** The run the Deploy view shows (set when one is opened elsewhere, e.g. the Record). */
  run = $state<string | null>(null);
  creating = $state(false);
  /** The store could not be opened: nothing else works. */
  fatal = $state<string | null>(null);
  /** A refresh failed; shown as a banner, the last data stays visible. */
  problem = $state<string | null>(null);
  started = $state(false);

  launch = $derived(this.launches.find((l) => l.id === this.launchId) ?? null);
  /** Set when this window shows an exported record for review. */
  review = $derived(this.info?.review ?? null);
  /** Nothing of the open launch may change: a reviewed record or a closed launch. */
  readOnly = $derived(Boolean(this.info?.review) || Boolean(this.launch?.closed_at));

  async start(): Promise<void> {
    try {
      this.info = await ipc.appInfo();
      await this.refresh();
      await onStoreChanged(() => this.refreshSoon());
      await onHealthChanged(() => void this.refreshHealth());
    } catch (error) {
      this.fatal = messageOf(error);
    } finally {
      this.started = true;
    }
    // After first paint: the round trip may take up to 5 s on a locked keychain.
    void this.checkKeychain();
  }

  async checkKeychain(): Promise<void> {
    this.checkingKeychain = true;
    try {
      this.keychain = await ipc.keychainStatus();
    } catch (error) {
      this.keychain = { state: 'unavailable', message: messageOf(error), detail: '' };
    } finally {
      this.checkingKeychain = false;
    }
  }

  private lastRefresh = 0;
  private queuedRefresh: ReturnType<typeof setTimeout> | null = null;

  /** Another process changed the store. A running deploy commits its lines
   * many times a second, so reload at most every 1.5 s. */
  refreshSoon(): void {
    if (this.queuedRefresh) return;
    const wait = Math.max(0, 1500 - (Date.now() - this.lastRefresh));
    this.queuedRefresh = setTimeout(() => {
      this.queuedRefresh = null;
      this.lastRefresh = Date.now();
      void this.refresh();
    }, wait);
  }

  /** Reloads the open launch's health (after new probe results). */
  async refreshHealth(): Promise<void> {
    const id = this.launchId;
    if (!id) return;
    try {
      this.health = share(this.health, await ipc.healthOverview(id));
      this.healthVersion += 1;
    } catch (error) {
      this.problem = `Could not load production health: ${messageOf(error)}`;
    }
  }

  /** Reloads who the user is (after the profile changed). */
  async reloadInfo(): Promise<void> {
    try {
      this.info = await ipc.appInfo();
      await this.refresh();
    } catch (error) {
      this.problem = `Could not reload your profile: ${messageOf(error)}`;
    }
  }

  /** Reloads launches and the open launch's data. */
  async refresh(): Promise<void> {
    try {
      this.launches = await ipc.listLaunches();
      if (!this.launchId || !this.launches.some((l) => l.id === this.launchId)) {
        this.launchId = this.launches[0]?.id ?? null;
      }
      const id = this.launchId;
      if (id) {
        const filter = $state.snapshot(this.filter);
        const [summary, checklist, roles, contacts, me, timeline, health, incidents] = await Promise.all([
          ipc.launchSummary(id),
          ipc.launchChecklist(id, filter),
          ipc.launchRoles(id),
          ipc.listContacts(id),
          ipc.launchMe(id),
          this.view === 'timeline' ? ipc.launchTimeline(id, filter) : Promise.resolve(null),
          ipc.healthOverview(id),
          ipc.listIncidents(id),
        ]);
        this.incidents = share(this.incidents, incidents);
        this.health = share(this.health, health);
        this.summary = share(this.summary, summary);
        this.checklist = share(this.checklist, checklist);
        this.roles = share(this.roles, roles);
        this.contacts = share(this.contacts, contacts);
        this.me = share(this.me, me);
        this.timeline = share(this.timeline, timeline);
      } else {
        this.summary = null;
        this.checklist = null;
        this.timeline = null;
        this.roles = [];
        this.contacts = [];
        this.me = null;
        this.health = null;
        this.incidents = [];
      }
      this.problem = null;
    } catch (error) {
      this.problem = `Could not load the launch: ${messageOf(error)}`;
    }
  }

  async open(launchId: string): Promise<void> {
    this.launchId = launchId;
    this.filter = emptyFilter();
    await this.refresh();
  }

  async show(view: View): Promise<void> {
    this.creating = false;
    this.view = view;
    if (view === 'timeline') await this.refresh();
  }

  async setFilter(filter: Filter): Promise<void> {
    this.filter = filter;
    await this.refresh();
  }

  async created(launch: Launch): Promise<void> {
    this.creating = false;
    this.launchId = launch.id;
    this.filter = emptyFilter();
    this.view = 'dashboard';
    await this.refresh();
  }

  /** Puts a changed item in place at once, then reloads the totals. */
  async itemChanged(item: Item): Promise<void> {
    const checklist = this.checklist;
    if (checklist) {
      this.checklist = {
        ...checklist,
        phases: checklist.phases.map((phase) =>
          phase.sections.some((s) => s.items.some((i) => i.key === item.key))
            ? {
                ...phase,
                sections: phase.sections.map((section) =>
                  section.items.some((i) => i.key === item.key)
                    ? { ...section, items: section.items.map((i) => (i.key === item.key ? item : i)) }
                    : section,
                ),
              }
            : phase,
        ),
      };
    }
    await this.refresh();
  }
}
