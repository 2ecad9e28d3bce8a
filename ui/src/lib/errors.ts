// Errors as sentences: the shell sends `{kind, message}`; kinds the UI
// knows become a sentence that says what to do next, others keep the
// shell's message inside a general sentence. Never a raw code or a trace.

import { translate, type Lang } from "./i18n";
import type { MessageKey } from "./messages";

export type UiError = { kind: string; message: string };

const known: Record<string, MessageKey> = {
  offline: "error.offline",
  invitation: "error.invitation",
  unauthorized: "error.unauthorized",
  forbidden: "error.forbidden",
  invalid: "error.invalid",
  "bad-input": "error.invalid",
  "already-exists": "error.already-exists",
  "not-found": "error.not-found",
  storage: "error.storage",
  io: "error.storage",
  "protocol-version": "error.protocol-version",
};

/** Whatever a command rejected with, as `{kind, message}`. */
export function asUiError(e: unknown): UiError {
  if (e && typeof e === "object" && "kind" in e && "message" in e) {
    const o = e as { kind: unknown; message: unknown };
    return { kind: String(o.kind), message: String(o.message) };
  }
  if (e instanceof Error) return { kind: "internal", message: e.message };
  return { kind: "internal", message: String(e) };
}

/** The sentence shown for an error. */
export function describeError(lang: Lang, e: unknown): string {
  const err = asUiError(e);
  const key = known[err.kind];
  if (key) return translate(lang, key, { message: err.message });
  return translate(lang, "error.generic", { message: err.message });
}
