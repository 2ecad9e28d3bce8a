// What the sync indicator says for a state of the background sync.

import type { SyncProgress, SyncState } from "../bindings/carnet";
import { formatNumber, formatTime, translate, type Lang } from "./i18n";

export function syncLabel(lang: Lang, s: SyncState): string {
  switch (s.state) {
    case "personal":
      return translate(lang, "sync.personal");
    case "syncing":
      return s.received > 0
        ? translate(lang, "sync.syncing.progress", { count: s.received })
        : translate(lang, "sync.syncing");
    case "synced":
      return translate(lang, "sync.synced", { time: formatTime(lang, s.at) });
    case "offline":
      return translate(lang, "sync.offline");
    case "failed":
      return translate(lang, "sync.failed");
  }
}

/** A size in bytes, in the language's units ("2,4 Mo", "2.4 MB"). */
export function formatBytes(lang: Lang, bytes: number): string {
  const units = lang === "fr" ? ["o", "ko", "Mo", "Go"] : ["B", "KB", "MB", "GB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const text = u === 0 ? formatNumber(lang, v) : formatNumber(lang, v, v < 10 ? 1 : 0);
  return `${text}${lang === "fr" ? "\u00a0" : " "}${units[u]}`;
}

/** What the first sync of a join says after each round, and its bar (none while the total is unknown). */
export function joinProgress(lang: Lang, p: SyncProgress): { label: string; value: number; max: number | null } {
  const bytes = formatBytes(lang, p.bytes_received);
  if (p.remaining !== null && p.more) {
    const max = p.received + p.remaining;
    return {
      label: translate(lang, "first.progress.of", { count: p.received, total: max, bytes, left: p.remaining }),
      value: p.received,
      max,
    };
  }
  return { label: translate(lang, "first.progress", { count: p.received, bytes }), value: p.received, max: null };
}
