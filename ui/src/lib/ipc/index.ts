// The only module that imports @tauri-apps/*: typed wrappers over the app's
// commands and events. Errors arrive as {code, message} (CommandError).
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { writeText } from '@tauri-apps/plugin-clipboard-manager';
import { openUrl } from '@tauri-apps/plugin-opener';
import type { AppInfo } from './bindings/AppInfo';
import type { Checklist } from './bindings/Checklist';
import type { CommandError } from './bindings/CommandError';
import type { Item } from './bindings/Item';
import type { Launch } from './bindings/Launch';
import type { NewLaunchInput } from './bindings/NewLaunchInput';
import type { Summary } from './bindings/Summary';
import type { Actor } from './bindings/Actor';
import type { Contact } from './bindings/Contact';
import type { ContactInput } from './bindings/ContactInput';
import type { ImportSummary } from './bindings/ImportSummary';
import type { Escalation } from './bindings/Escalation';
import type { Level } from './bindings/Level';
import type { LevelInput } from './bindings/LevelInput';
import type { Tier } from './bindings/Tier';
import type { TierInput } from './bindings/TierInput';
import type { CallSheet } from './bindings/CallSheet';
import type { Callee } from './bindings/Callee';
import type { Incident } from './bindings/Incident';
import type { IncidentDetail } from './bindings/IncidentDetail';
import type { IncidentInput } from './bindings/IncidentInput';
import type { IncidentChange } from './bindings/IncidentChange';
import type { IncidentState } from './bindings/IncidentState';
import type { Decision } from './bindings/Decision';
import type { Filter } from './bindings/Filter';
import type { ItemDetail } from './bindings/ItemDetail';
import type { ItemEdit } from './bindings/ItemEdit';
import type { Me } from './bindings/Me';
import type { NewItem } from './bindings/NewItem';
import type { NewSection } from './bindings/NewSection';
import type { Placement } from './bindings/Placement';
import type { RehearsalRequest } from './bindings/RehearsalRequest';
import type { Role } from './bindings/Role';
import type { StatusChange } from './bindings/StatusChange';
import type { Timeline } from './bindings/Timeline';
import type { Query as RecordQuery } from './bindings/Query';
import type { Facets } from './bindings/Facets';
import type { KindCount } from './bindings/KindCount';
import type { Exported } from './bindings/Exported';
import type { Written } from './bindings/Written';
import type { ReportFormat } from './bindings/ReportFormat';
import type { ReportWritten } from './bindings/ReportWritten';
import type { ReviewInfo } from './bindings/ReviewInfo';
import type { Checkpoint } from './bindings/Checkpoint';
import type { Verification } from './bindings/Verification';
import type { Event as AuditEvent } from './bindings/Event';
import type { Verdict } from './bindings/Verdict';
import type { HealthOverview } from './bindings/HealthOverview';
import type { MonitorHistory } from './bindings/MonitorHistory';
import type { Environment } from './bindings/Environment';
import type { Monitor } from './bindings/Monitor';
import type { MonitorInput } from './bindings/MonitorInput';
import type { Credential } from './bindings/Credential';
import type { CredentialInput } from './bindings/CredentialInput';
import type { KeychainStatus } from './bindings/KeychainStatus';
import type { Alert } from './bindings/Alert';
import type { Window as MaintenanceWindow } from './bindings/Window';
import type { WindowInput } from './bindings/WindowInput';
import type { EnvironmentMetrics } from './bindings/EnvironmentMetrics';
import type { Kpi } from './bindings/Kpi';
import type { KpiInput } from './bindings/KpiInput';
import type { DeployOverview } from './bindings/DeployOverview';
import type { Trigger } from './bindings/Trigger';
import type { TriggerInput } from './bindings/TriggerInput';
import type { Request as RunRequest } from './bindings/Request';
import type { Run } from './bindings/Run';
import type { RunFilter } from './bindings/RunFilter';
import type { LineBatch } from './bindings/LineBatch';
import type { LogProgress } from './bindings/LogProgress';
import type { LogSearch } from './bindings/LogSearch';
import type { SweepResult } from './bindings/SweepResult';
import type { Training } from './bindings/Training';
import type { Session as TrainingSession } from './bindings/Session';
import type { SessionInput } from './bindings/SessionInput';
import type { Mark } from './bindings/Mark';
import type { TrainingImport } from './bindings/TrainingImport';
import type { Audience } from './bindings/Audience';
import type { UpdatesOverview } from './bindings/UpdatesOverview';
import type { Update as StakeholderUpdate } from './bindings/Update';
import type { Channel as ChatChannel } from './bindings/Channel';
import type { ChannelKind } from './bindings/ChannelKind';
import type { PhaseCadence } from './bindings/PhaseCadence';
import type { UpdateDue } from './bindings/UpdateDue';
import type { Backups } from './bindings/Backups';
import type { Backup } from './bindings/Backup';
import type { StoreSummary } from './bindings/StoreSummary';
import type { Restored } from './bindings/Restored';
import type { Risk } from './bindings/Risk';
import type { RiskInput } from './bindings/RiskInput';
import type { FeedbackOverview } from './bindings/FeedbackOverview';
import type { Feedback } from './bindings/Feedback';
import type { FeedbackInput } from './bindings/FeedbackInput';
import type { FeedbackImport } from './bindings/FeedbackImport';
import type { FeedbackStatus } from './bindings/FeedbackStatus';

export type {
  AppInfo,
  Checklist,
  CommandError,
  Item,
  Launch,
  NewLaunchInput,
  Summary,
  Actor,
  Contact,
  ContactInput,
  ImportSummary,
  Escalation,
  Level,
  LevelInput,
  Tier,
  TierInput,
  CallSheet,
  Callee,
  Incident,
  IncidentDetail,
  IncidentInput,
  IncidentChange,
  IncidentState,
  Decision,
  Filter,
  ItemDetail,
  ItemEdit,
  Me,
  NewItem,
  NewSection,
  Placement,
  RehearsalRequest,
  Role,
  StatusChange,
  Timeline,
  Verdict,
};
export type { Signoff } from './bindings/Signoff';
export type { DecisionState } from './bindings/DecisionState';
export type { RuleState } from './bindings/RuleState';
export type { Link } from './bindings/Link';
export type { Comment } from './bindings/Comment';
export type { Event } from './bindings/Event';
export type { ReportFormat, ReportWritten, ReviewInfo };
export type { Due } from './bindings/Due';
export type { TimelineDay } from './bindings/TimelineDay';
export type { Phase } from './bindings/Phase';
export type { Section } from './bindings/Section';
export type { Progress } from './bindings/Progress';
export type { Status } from './bindings/Status';
export type {
  HealthOverview,
  MonitorHistory,
  Environment,
  Monitor,
  MonitorInput,
  Credential,
  CredentialInput,
  KeychainStatus,
  Alert,
  MaintenanceWindow,
  WindowInput,
  EnvironmentMetrics,
  Kpi,
  KpiInput,
};
export type { DeployOverview, Trigger, TriggerInput, RunRequest, Run, RunFilter, LineBatch, LogProgress, LogSearch, SweepResult };
export type { Training, TrainingSession, SessionInput, Mark, TrainingImport, Audience };
export type { UpdatesOverview, StakeholderUpdate, ChatChannel, ChannelKind, PhaseCadence, UpdateDue };
export type { Risk, RiskInput };
export type { RecordQuery, Facets, KindCount, Exported, Checkpoint, Verification, Written };
export type { Backups, Backup, StoreSummary, Restored };
export type { FeedbackOverview, Feedback, FeedbackInput, FeedbackImport, FeedbackStatus };
export type { FeedbackKind } from './bindings/FeedbackKind';
export type { FeedbackStats } from './bindings/FeedbackStats';
export type { RiskLink } from './bindings/RiskLink';
export type { LinkKind } from './bindings/LinkKind';
export type { Category as RiskCategory } from './bindings/Category';
export type { RiskStatus } from './bindings/RiskStatus';
export type { Attendee } from './bindings/Attendee';
export type { Completion } from './bindings/Completion';
export type { DeployEnvironment } from './bindings/DeployEnvironment';
export type { TriggerView } from './bindings/TriggerView';
export type { TriggerSpec } from './bindings/TriggerSpec';
export type { CommandSpec } from './bindings/CommandSpec';
export type { WebhookSpec } from './bindings/WebhookSpec';
export type { Poll } from './bindings/Poll';
export type { Gate } from './bindings/Gate';
export type { Advice } from './bindings/Advice';
export type { Action } from './bindings/Action';
export type { RunState } from './bindings/RunState';
export type { Validation } from './bindings/Validation';
export type { CheckedMonitor } from './bindings/CheckedMonitor';
export type { KpiSource } from './bindings/KpiSource';
export type { KpiValue } from './bindings/KpiValue';
export type { EnvironmentView } from './bindings/EnvironmentView';
export type { MonitorView } from './bindings/MonitorView';
export type { MonitorState } from './bindings/MonitorState';
export type { Component } from './bindings/Component';
export type { Measurement } from './bindings/Measurement';
export type { Point } from './bindings/Point';
export type { StoredResult } from './bindings/StoredResult';
export type { SuccessMetric } from './bindings/SuccessMetric';
export type { Format } from './bindings/Format';
export type { CredentialKind } from './bindings/CredentialKind';
export type { KeychainState } from './bindings/KeychainState';

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
  createLaunch: (input: NewLaunchInput, templatePath: string | null = null) =>
    call<Launch>('create_launch', { input, templatePath }),
  rescheduleLaunch: (launchId: string, goLiveLocal: string, timeZone: string) =>
    call<Launch>('reschedule_launch', { launchId, goLiveLocal, timeZone }),
  createRehearsal: (launchId: string, request: RehearsalRequest) =>
    call<Launch>('create_rehearsal', { launchId, request }),
  setProfile: (name: string | null, role: string | null) => call<Actor>('set_profile', { name, role }),

  launchSummary: (launchId: string) => call<Summary>('launch_summary', { launchId }),
  launchChecklist: (launchId: string, filter: Filter | null = null) =>
    call<Checklist>('launch_checklist', { launchId, filter }),
  launchMe: (launchId: string) => call<Me>('launch_me', { launchId }),
  launchTimeline: (launchId: string, filter: Filter | null = null) =>
    call<Timeline>('launch_timeline', { launchId, filter }),
  itemDetail: (launchId: string, key: string) => call<ItemDetail>('item_detail', { launchId, key }),
  tickItem: (launchId: string, key: string, note: string | null) =>
    call<Item>('tick_item', { launchId, key, note }),
  changeItemStatus: (launchId: string, key: string, to: StatusChange, reason: string) =>
    call<Item>('change_item_status', { launchId, key, to, reason }),
  commentItem: (launchId: string, key: string, body: string) =>
    call<ItemDetail>('comment_item', { launchId, key, body }),
  addItemLink: (launchId: string, key: string, url: string, label: string | null) =>
    call<ItemDetail>('add_item_link', { launchId, key, url, label }),
  removeItemLink: (launchId: string, key: string, url: string) =>
    call<ItemDetail>('remove_item_link', { launchId, key, url }),

  launchRoles: (launchId: string) => call<Role[]>('launch_roles', { launchId }),
  addItem: (launchId: string, item: NewItem) => call<Item>('add_item', { launchId, item }),
  editItem: (launchId: string, key: string, edit: ItemEdit) => call<Item>('edit_item', { launchId, key, edit }),
  moveItem: (launchId: string, key: string, section: string | null, placement: Placement, dueDay: number | null) =>
    call<Item>('move_item', { launchId, key, section, placement, dueDay }),
  removeItem: (launchId: string, key: string, confirm: boolean) =>
    call<null>('remove_item', { launchId, key, confirm }),
  addSection: (launchId: string, section: NewSection) => call<string>('add_section', { launchId, section }),
  editSection: (launchId: string, key: string, title: string) => call<null>('edit_section', { launchId, key, title }),
  moveSection: (launchId: string, key: string, phase: string | null, placement: Placement) =>
    call<null>('move_section', { launchId, key, phase, placement }),
  removeSection: (launchId: string, key: string) => call<null>('remove_section', { launchId, key }),

  listContacts: (launchId: string) => call<Contact[]>('list_contacts', { launchId }),
  saveContact: (launchId: string, id: string | null, input: ContactInput) =>
    call<Contact>('save_contact', { launchId, id, input }),
  removeContact: (launchId: string, id: string) => call<null>('remove_contact', { launchId, id }),
  /** Imports a .vcf or .csv file, all or nothing. */
  importContacts: (launchId: string, path: string) => call<ImportSummary>('import_contacts', { launchId, path }),
  /** Writes the directory to a .vcf or .csv file; resolves to how many contacts. */
  exportContacts: (launchId: string, path: string) => call<number>('export_contacts', { launchId, path }),
  escalation: (launchId: string) => call<Escalation>('escalation', { launchId }),
  saveLevel: (launchId: string, level: number, input: LevelInput) => call<Level>('save_level', { launchId, level, input }),
  saveTier: (launchId: string, tier: number, input: TierInput) => call<Tier>('save_tier', { launchId, tier, input }),
  /** Who to call now for something at `level` since `since` (RFC 3339; default now). */
  callSheet: (launchId: string, level: number, since: string | null = null) =>
    call<CallSheet>('call_sheet', { launchId, level, since }),
  listIncidents: (launchId: string) => call<Incident[]>('list_incidents', { launchId }),
  incidentDetail: (launchId: string, incident: string) => call<IncidentDetail>('incident_detail', { launchId, incident }),
  openIncident: (launchId: string, input: IncidentInput) => call<Incident>('open_incident', { launchId, input }),
  changeIncident: (launchId: string, incident: string, change: IncidentChange) =>
    call<Incident>('change_incident', { launchId, incident, change }),

  trainingOverview: (launchId: string) => call<Training>('training_overview', { launchId }),
  /** Schedules a session, or saves `session`'s new state (a moved one is a reschedule). */
  saveTrainingSession: (launchId: string, session: string | null, input: SessionInput) =>
    call<TrainingSession>('save_training_session', { launchId, session, input }),
  removeTrainingSession: (launchId: string, session: string) =>
    call<null>('remove_training_session', { launchId, session }),
  markAttendance: (launchId: string, session: string, contact: string, mark: Mark) =>
    call<TrainingSession>('mark_attendance', { launchId, session, contact, mark }),
  /** Writes one session (or all with null) to an .ics file; resolves to how many. */
  exportTrainingIcs: (launchId: string, session: string | null, path: string) =>
    call<number>('export_training_ics', { launchId, session, path }),
  importTrainingIcs: (launchId: string, path: string, audience: Audience) =>
    call<TrainingImport>('import_training_ics', { launchId, path, audience }),

  updatesOverview: (launchId: string) => call<UpdatesOverview>('updates_overview', { launchId }),
  draftUpdate: (launchId: string) => call<string>('draft_update', { launchId }),
  /** Sends to `channel`, or with null records an update copied to send by hand. */
  sendUpdate: (launchId: string, channel: string | null, body: string) =>
    call<StakeholderUpdate>('send_update', { launchId, channel, body }),
  /** The URL goes to the OS keychain; it is never sent back. */
  addUpdateChannel: (launchId: string, name: string, kind: ChannelKind, url: string) =>
    call<ChatChannel>('add_update_channel', { launchId, name, kind, url }),
  removeUpdateChannel: (launchId: string, channel: string) => call<null>('remove_update_channel', { launchId, channel }),
  setUpdateCadence: (launchId: string, phase: string, everyMinutes: number | null) =>
    call<PhaseCadence>('set_update_cadence', { launchId, phase, everyMinutes }),

  listBackups: () => call<Backups>('list_backups'),
  /** A copy of the store now, into the backups folder. */
  createBackup: () => call<Backup>('create_backup'),
  setBackupKeep: (count: number) => call<null>('set_backup_keep', { count }),
  /** What a file holds, checked as a restore checks it; nothing changes. */
  checkBackup: (path: string) => call<StoreSummary>('check_backup', { path }),
  /** Replaces the store with the copy at `path` (the store as it was is saved first). */
  restoreBackup: (path: string) => call<Restored>('restore_backup', { path }),

  listRisks: (launchId: string) => call<Risk[]>('list_risks', { launchId }),
  /** Adds a risk, or saves `risk`'s new state. */
  saveRisk: (launchId: string, risk: string | null, input: RiskInput) => call<Risk>('save_risk', { launchId, risk, input }),
  removeRisk: (launchId: string, risk: string) => call<null>('remove_risk', { launchId, risk }),

  feedbackOverview: (launchId: string) => call<FeedbackOverview>('feedback_overview', { launchId }),
  /** Logs feedback, or saves `entry`'s new state. */
  saveFeedback: (launchId: string, entry: string | null, input: FeedbackInput) =>
    call<Feedback>('save_feedback', { launchId, entry, input }),
  setFeedbackStatus: (launchId: string, entry: string, status: FeedbackStatus, resolution: string) =>
    call<Feedback>('set_feedback_status', { launchId, entry, status, resolution }),
  importFeedback: (launchId: string, path: string) => call<FeedbackImport>('import_feedback', { launchId, path }),

  launchDecision: (launchId: string) => call<Decision>('launch_decision', { launchId }),
  signOff: (launchId: string, role: string, verdict: Verdict, comment: string | null) =>
    call<Decision>('sign_off', { launchId, role, verdict, comment }),

  healthOverview: (launchId: string) => call<HealthOverview>('health_overview', { launchId }),
  monitorHistory: (monitorId: string, hours: number) => call<MonitorHistory>('monitor_history', { monitorId, hours }),
  saveEnvironment: (launchId: string, id: string | null, name: string, production: boolean) =>
    call<Environment>('save_environment', { launchId, id, name, production }),
  removeEnvironment: (launchId: string, id: string) => call<null>('remove_environment', { launchId, id }),
  saveMonitor: (launchId: string, id: string | null, input: MonitorInput) =>
    call<Monitor>('save_monitor', { launchId, id, input }),
  removeMonitor: (launchId: string, id: string) => call<null>('remove_monitor', { launchId, id }),
  /** The secret goes to the OS keychain; it never comes back to the window. */
  addCredential: (input: CredentialInput, secret: string) => call<Credential>('add_credential', { input, secret }),
  setCredentialSecret: (id: string, secret: string) => call<null>('set_credential_secret', { id, secret }),
  removeCredential: (id: string) => call<null>('remove_credential', { id }),
  keychainStatus: () => call<KeychainStatus>('keychain_status'),
  acknowledgeAlert: (launchId: string, id: string, note: string) =>
    call<Alert>('acknowledge_alert', { launchId, id, note }),
  addMaintenance: (launchId: string, input: WindowInput) =>
    call<MaintenanceWindow>('add_maintenance', { launchId, input }),
  removeMaintenance: (launchId: string, id: string) => call<null>('remove_maintenance', { launchId, id }),
  successMetrics: (launchId: string, hours: number) =>
    call<EnvironmentMetrics[]>('success_metrics', { launchId, hours }),
  importMonitors: (launchId: string, path: string) => call<string>('import_monitors', { launchId, path }),
  probeNow: () => call<null>('probe_now'),
  setRawRetention: (days: number) => call<number>('set_raw_retention', { days }),
  startDemo: () => call<Launch>('start_demo'),
  listKpis: (launchId: string) => call<Kpi[]>('list_kpis', { launchId }),
  saveKpi: (launchId: string, id: string | null, input: KpiInput) => call<Kpi>('save_kpi', { launchId, id, input }),
  removeKpi: (launchId: string, id: string) => call<null>('remove_kpi', { launchId, id }),
  recordKpi: (launchId: string, id: string, value: number, note: string) =>
    call<Kpi>('record_kpi', { launchId, id, value, note }),

  deployOverview: (launchId: string, filter: RunFilter | null = null) =>
    call<DeployOverview>('deploy_overview', { launchId, filter }),
  saveTrigger: (launchId: string, id: string | null, input: TriggerInput) =>
    call<Trigger>('save_trigger', { launchId, id, input }),
  removeTrigger: (launchId: string, id: string) => call<null>('remove_trigger', { launchId, id }),
  /** Resolves once the run holds its environment's lock; it goes on in the background. */
  startRun: (launchId: string, request: RunRequest) => call<Run>('start_run', { launchId, request }),
  /** Reports a run's stored line count as it grows, until it ends (or `stop` is called). */
  followRun: (runId: string, onProgress: (progress: LogProgress) => void) => {
    const channel = new Channel<LogProgress>();
    channel.onmessage = onProgress;
    const done = call<null>('follow_run', { runId, onProgress: channel });
    return {
      done,
      stop: () => {
        channel.onmessage = () => {};
      },
    };
  },
  /** At most `count` of a run's lines from sequence `fromSeq` (lines are numbered from 1). */
  runLines: (runId: string, fromSeq: number, count: number) => call<LineBatch>('run_lines', { runId, fromSeq, count }),
  searchRunLog: (runId: string, query: string) => call<LogSearch>('search_run_log', { runId, query }),
  /** Puts the whole log on the clipboard; resolves to its line count. */
  copyRunLog: (runId: string) => call<number>('copy_run_log', { runId }),
  saveRunLog: (runId: string, path: string) => call<string>('save_run_log', { runId, path }),
  cancelRun: (launchId: string, runId: string) => call<Run>('cancel_run', { launchId, runId }),
  checkEnvironment: (launchId: string, environmentId: string) =>
    call<SweepResult>('check_environment', { launchId, environmentId }),
  setRollbackWatch: (minutes: number) => call<null>('set_rollback_watch', { minutes }),

  /** A page of the launch's trail (oldest first), filtered. */
  recordEvents: (launchId: string, query: RecordQuery) => call<AuditEvent[]>('record_events', { launchId, query }),
  recordFacets: (launchId: string) => call<Facets>('record_facets', { launchId }),
  verifyChain: () => call<Verification>('verify_chain'),
  /** Writes the launch's signed bundle (the key is in the OS keychain). */
  exportBundle: (launchId: string, path: string) => call<Exported>('export_bundle', { launchId, path }),
  /** Closes the launch after its plan's last day; read-only from then on. */
  closeLaunch: (launchId: string) => call<Launch>('close_launch', { launchId }),
  /** Every table of the launch as one JSON document. */
  exportFullJson: (launchId: string, path: string) => call<Written>('export_full_json', { launchId, path }),
  /** Every table of the launch as CSV files in the folder `path`. */
  exportCsv: (launchId: string, path: string) => call<Written>('export_csv', { launchId, path }),
  /** The launch's report (HTML or Markdown) at `path`; health figures from `from` to `until` (YYYY-MM-DD, null: go-live, now). */
  exportReport: (launchId: string, path: string, format: ReportFormat, from: string | null, until: string | null) =>
    call<ReportWritten>('export_report', { launchId, path, format, from, until }),
  /** Opens the exported record at `path` read-only in a window of its own. */
  openRecord: (path: string) => call<void>('open_record', { path }),

  exportTemplate: (launchId: string, path: string) => call<string>('export_template', { launchId, path }),
  checklistMarkdown: (launchId: string, filter: Filter | null, path: string | null) =>
    call<string>('checklist_markdown', { launchId, filter, path }),
};

/** The desktop around the window: the system browser, file pickers, the clipboard. */
export const desktop = {
  /** Opens an evidence link in the system browser (http, https and mailto only). */
  openLink: async (url: string) => {
    try {
      await openUrl(url);
    } catch (raw) {
      throw new IpcError({ code: 'invalid_input', message: `Could not open ${url}: ${String(raw)}` });
    }
  },
  /** Asks where to save a file; null when cancelled. */
  saveFile: (title: string, defaultName: string, extension: string, kind: string) =>
    call<string | null>('pick_file', { request: { mode: 'save', title, default_name: defaultName, extension, kind } }),
  /** Asks for a file to open; null when cancelled. */
  openFile: (title: string, extension: string, kind: string) =>
    call<string | null>('pick_file', { request: { mode: 'open', title, default_name: null, extension, kind } }),
  copyText: (text: string) => writeText(text),
};

/** The filter that shows every item. */
export function emptyFilter(): Filter {
  return { phase: null, section: null, owner: null, status: null, due: null, text: null, mine: false };
}


/** Calls `handler` when File → Open record… is chosen in the window's menu. */
export function onMenuOpenRecord(handler: () => void): Promise<UnlistenFn> {
  return listen('menu-open-record', () => handler());
}

/** Calls `handler` whenever another program changed the store. */
export function onStoreChanged(handler: () => void): Promise<UnlistenFn> {
  return listen('store-changed', () => handler());
}

/** Calls `handler` after the app took a copy of the store by itself (the day's copy). */
export function onBackupsChanged(handler: () => void): Promise<UnlistenFn> {
  return listen('backups-changed', () => handler());
}

/** Calls `handler` after the app stored new probe results or alert changes. */
export function onHealthChanged(handler: () => void): Promise<UnlistenFn> {
  return listen('health-changed', () => handler());
}

/** Calls `handler` when a run the app started (or an automatic rollback) started or ended. */
export function onDeployChanged(handler: () => void): Promise<UnlistenFn> {
  return listen('deploy-changed', () => handler());
}

/** The message to show for any thrown value, as a sentence. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
