// Every screen's keyboard shortcuts, for the help overlay (`?`). Keys are
// written as the keyboard labels them; what they do is a message.

import type { MessageKey } from "./messages";
import type { Screen } from "./app.svelte";

export type Shortcut = { keys: string[]; does: MessageKey };

const everywhere: Shortcut[] = [
  { keys: ["Ctrl", "N"], does: "keys.new" },
  { keys: ["Ctrl", "F"], does: "keys.search" },
  { keys: ["?"], does: "keys.help" },
  { keys: ["Échap"], does: "keys.close" },
];

const byScreen: Partial<Record<Screen["name"], Shortcut[]>> = {
  journal: [
    { keys: ["↑", "↓"], does: "keys.journal.rows" },
    { keys: ["Entrée"], does: "keys.journal.open" },
  ],
  capture: [
    { keys: ["←", "→"], does: "keys.note.method" },
    { keys: ["←", "→", "Espace"], does: "keys.note.chips" },
    { keys: ["Ctrl", "S"], does: "keys.note.save" },
    { keys: ["Entrée"], does: "keys.note.entry" },
  ],
  referrals: [{ keys: ["↑", "↓"], does: "keys.board.status" }],
  review: [
    { keys: ["→", "J"], does: "keys.queue.next" },
    { keys: ["←", "K"], does: "keys.queue.previous" },
    { keys: ["R"], does: "keys.queue.reviewed" },
    { keys: ["C"], does: "keys.queue.changes" },
    { keys: ["M"], does: "keys.queue.comment" },
  ],
};
byScreen.note = byScreen.capture;

/** The shortcuts of a screen, its own first. */
export function shortcutsFor(screen: Screen["name"], readOnly: boolean): Shortcut[] {
  const own = byScreen[screen] ?? [];
  return [...own, ...everywhere].filter((s) => !(readOnly && s.does === "keys.new"));
}

/** Whether a key press is the help key, and not a "?" typed into a field. */
export function isHelpKey(e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null;
  const typing = !!target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  return (e.key === "?" && !typing && !e.ctrlKey && !e.metaKey) || e.key === "F1";
}

export type QueueAction = "next" | "previous" | "reviewed" | "changes" | "comment";

/** What a key does in the review queue (none while typing, or with a modifier). */
export function queueAction(e: KeyboardEvent): QueueAction | null {
  const target = e.target as HTMLElement | null;
  const typing = !!target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case "ArrowRight":
    case "j":
    case "J":
      return "next";
    case "ArrowLeft":
    case "k":
    case "K":
      return "previous";
    case "r":
    case "R":
      return "reviewed";
    case "c":
    case "C":
      return "changes";
    case "m":
    case "M":
      return "comment";
    default:
      return null;
  }
}
