// What the sync indicator says for a state of the background sync.

import type { SyncState } from "../bindings/carnet";
import { formatTime, translate, type Lang } from "./i18n";

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
