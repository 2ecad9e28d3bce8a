// What every screen shares: the app's info, the vocabularies, the team's
// workspace and places, the current screen, and the error banner.

import * as api from "../bindings/carnet";
import type { AppInfo, PlaceSummary, Vocabularies, Workspace } from "../bindings/carnet";
import { describeError } from "./errors";
import { sortBy } from "./collate";
import { locale } from "./locale.svelte";
import type { MessageKey } from "./messages";
import type { FilterForm } from "./filters";

export type Screen =
  | { name: "journal"; preset?: Partial<FilterForm> }
  | { name: "capture" }
  | { name: "note"; id: string }
  | { name: "settings" }
  | { name: "persons" }
  | { name: "person"; id: string }
  | { name: "referrals" }
  | { name: "directory" }
  | { name: "review" }
  /** A partner organisation's referrals. */
  | { name: "received" }
  /** The register of incidents and the retention review (coordinators);
   * `lost` prefills an incident for a lost device. */
  | { name: "privacy"; lost?: api.DeviceInfo };

export const app = $state<{
  info: AppInfo | null;
  vocab: Vocabularies | null;
  workspace: Workspace | null;
  places: PlaceSummary[];
  screen: Screen;
  error: string | null;
  /** Bumped on each "new note", so the capture screen starts afresh. */
  captureSeq: number;
  /** What waits for review (the navigation's badge). */
  counts: api.ReviewCounts;
  /** A coding to show once its note opens (from the passage view). */
  passageFocus: string | null;
}>({
  info: null,
  vocab: null,
  workspace: null,
  places: [],
  screen: { name: "journal" },
  error: null,
  captureSeq: 0,
  counts: { conflicted: 0, unseen: 0, mentions: 0, to_review: 0 },
  passageFocus: null,
});

/** Ask again what waits for review (after a sync, a settling). */
export async function refreshCounts(): Promise<void> {
  try {
    app.counts = await api.reviewCounts();
  } catch {
    // The badge keeps its last count; errors surface on actions.
  }
}

/** Show an error as a sentence in the banner. */
export function showError(e: unknown): void {
  app.error = describeError(locale.lang, e);
}

/** The screen as remembered in preferences (`journal`, `settings`, `note:ID`). */
export function screenKey(s: Screen): string {
  return s.name === "note" || s.name === "person" ? `${s.name}:${s.id}` : s.name;
}

export function screenFromKey(key: string | null | undefined, persons = true): Screen {
  if (partner()) return key === "settings" ? { name: key } : { name: "received" };
  if (key === "settings" || key === "capture" || key === "directory" || key === "review") return { name: key };
  if (key === "privacy") return { name: key };
  if (persons && (key === "persons" || key === "referrals")) return { name: key };
  if (key && key.startsWith("note:")) return { name: "note", id: key.slice(5) };
  if (persons && key && key.startsWith("person:")) return { name: "person", id: key.slice(7) };
  return { name: "journal" };
}

/** Go to a screen and remember it. */
export function go(screen: Screen): void {
  if (screen.name === "capture") app.captureSeq++;
  app.screen = screen;
  remember(screen);
}

/** Remember a screen without leaving the current one (a new note got its id). */
export function remember(screen: Screen): void {
  const info = app.info;
  if (!info) return;
  info.preferences.last_screen = screenKey(screen);
  api.setPreferences({ ...info.preferences }).catch(showError);
}

/** Load what the screens share (after start or a team change). */
export async function loadTeam(): Promise<void> {
  const [vocab, workspace, places] = await Promise.all([api.vocabularies(), api.workspace(), api.places()]);
  app.vocab = vocab;
  app.workspace = workspace;
  // In the language's order: "École…" among the E, not after Z.
  app.places = sortBy(locale.lang, places, (p) => p.name);
}

/** Whether this device only reads (an observer): its screens offer no edits the server would refuse. */
export function readOnly(): boolean {
  return app.info?.joined === true && (app.info.role === "observer" || app.info.role === "partner");
}

/** Whether this device answers for a partner organisation: it sees only
 * the referrals addressed to it, and the team's screens are not offered. */
export function partner(): boolean {
  return app.info?.joined === true && app.info.role === "partner";
}

/** A member's display name. */
export function memberName(id: string | null | undefined): string | null {
  if (!id) return null;
  return app.workspace?.members.find((m) => m.id === id)?.name ?? null;
}

/** The message naming a kind of record ("Note", "Personne", "Équipe"…). */
export const KIND_LABEL: Record<api.RecordKind, MessageKey> = {
  note: "review.kind.note",
  person: "review.kind.person",
  resource: "review.kind.resource",
  place: "review.kind.place",
  workspace: "review.kind.workspace",
  incident: "review.kind.incident",
  referral: "review.kind.referral",
};

/** Whether this member keeps the register and the retention policy: a
 * coordinator, or the owner of a personal notebook. */
export function coordinates(): boolean {
  return app.info?.joined !== true || app.info.role === "coordinator";
}

/** Whether a record of `kind` has a screen to open (a place has none). */
export function canOpen(kind: api.RecordKind): boolean {
  return kind !== "place" && ((kind !== "person" && kind !== "referral") || app.info?.persons === true);
}

/** Go to the screen that shows a record: its note or person page, the directory, the team. */
export function openRecord(kind: api.RecordKind, id: string): void {
  if (kind === "note") go({ name: "note", id });
  else if (kind === "person" && app.info?.persons) go({ name: "person", id });
  else if (kind === "resource") go({ name: "directory" });
  else if (kind === "workspace") go({ name: "settings" });
  else if (kind === "incident") go({ name: "privacy" });
  else if (kind === "referral" && app.info?.persons) {
    // A referral shows on its person's page.
    api.referralPerson(id).then((person) => go({ name: "person", id: person }), showError);
  }
}

/** The sectors of the territory the places name, in the language's order (the filters' choices). */
export function sectorsInUse(): string[] {
  return sortBy(locale.lang, [...new Set(app.places.map((p) => p.sector).filter((s): s is string => !!s))], (s) => s);
}
