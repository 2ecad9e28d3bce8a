// Errors as sentences: the shell sends `{kind, message}` where `kind` is
// the Rust `ErrorKind` (generated into the bindings). Every kind is listed
// below with the sentence it gets, so a kind added, renamed or removed in
// Rust fails the type check here. Kinds without a sentence of their own
// keep the shell's message inside a general sentence. Never a raw code or
// a trace.

import type { ErrorKind, UiError } from "../bindings/carnet";
import { translate, type Lang } from "./i18n";
import type { MessageKey } from "./messages";

export type { UiError };

const sentences: Record<ErrorKind, MessageKey | null> = {
  "no-notebook": null,
  "already-exists": "error.already-exists",
  "not-found": "error.not-found",
  "wrong-kind": null,
  invalid: "error.invalid",
  "bad-input": "error.invalid",
  "not-joined": null,
  "unknown-token": "error.unauthorized",
  revoked: "error.unauthorized",
  forbidden: "error.forbidden",
  "invalid-code": "error.invitation",
  "expired-code": "error.invitation",
  "used-code": "error.invitation",
  "too-large": null,
  "too-many-attempts": "error.too-many-attempts",
  offline: "error.offline",
  "certificate-refused": "error.certificate",
  locked: "error.locked",
  "wrong-passphrase": "error.wrong-passphrase",
  "no-secret-store": "error.no-secret-store",
  "names-person": "error.names-person",
  "protocol-version": "error.protocol-version",
  "bad-answer": null,
  "bad-request": null,
  "unsupported-media-type": null,
  "bad-record": null,
  "not-a-notebook": null,
  "newer-format": null,
  corrupt: null,
  damaged: null,
  storage: "error.storage",
  io: "error.storage",
  "rolled-back": null,
  cancelled: "error.cancelled",
  internal: null,
  unknown: null,
};

/** Whether a string is one of the kinds the shell sends. */
export function isErrorKind(kind: unknown): kind is ErrorKind {
  return typeof kind === "string" && Object.prototype.hasOwnProperty.call(sentences, kind);
}

/** Whatever a command rejected with, as `{kind, message}`. */
export function asUiError(e: unknown): UiError {
  if (e && typeof e === "object" && "kind" in e && "message" in e) {
    const o = e as { kind: unknown; message: unknown };
    return { kind: isErrorKind(o.kind) ? o.kind : "unknown", message: String(o.message) };
  }
  if (e instanceof Error) return { kind: "internal", message: e.message };
  return { kind: "internal", message: String(e) };
}

/** The sentence shown for an error. */
export function describeError(lang: Lang, e: unknown): string {
  const err = asUiError(e);
  const key = sentences[err.kind];
  if (key) return translate(lang, key, { message: err.message });
  return translate(lang, "error.generic", { message: err.message });
}
