// Comments as a conversation: each comment with the replies under it, in
// the order they were written, and the `@name` mentions in a comment's
// words, to show them.

import type { Comment, Member } from "../bindings/carnet";

export type Threaded = { comment: Comment; depth: number };

/** Comments in conversation order: each top comment, then its replies (and theirs), oldest first; depth capped for display. */
export function thread(comments: readonly Comment[], maxDepth = 3): Threaded[] {
  const byTime = [...comments].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const ids = new Set(byTime.map((c) => c.id));
  const children = new Map<string, Comment[]>();
  const tops: Comment[] = [];
  for (const c of byTime) {
    // A reply whose comment is not on the note (never the case in
    // Carnet's own data) stands at the top.
    if (c.reply_to && ids.has(c.reply_to) && c.reply_to !== c.id) {
      const list = children.get(c.reply_to) ?? [];
      list.push(c);
      children.set(c.reply_to, list);
    } else tops.push(c);
  }
  const out: Threaded[] = [];
  const seen = new Set<string>();
  const visit = (c: Comment, depth: number) => {
    if (seen.has(c.id)) return;
    seen.add(c.id);
    out.push({ comment: c, depth: Math.min(depth, maxDepth) });
    for (const r of children.get(c.id) ?? []) visit(r, depth + 1);
  };
  for (const c of tops) visit(c, 0);
  // Replies caught in a loop of answers (impossible from the app) still show.
  for (const c of byTime) visit(c, 0);
  return out;
}

export type Piece = { text: string; member?: string };

/** A comment's words with each `@name` of a member it mentions picked out. */
export function mentionPieces(text: string, mentions: readonly string[], members: readonly Member[]): Piece[] {
  const names = members
    .filter((m) => mentions.includes(m.id))
    .flatMap((m) => {
      const first = m.name.split(/[ -]/)[0];
      return first && first !== m.name ? [{ id: m.id, name: m.name }, { id: m.id, name: first }] : [{ id: m.id, name: m.name }];
    })
    .sort((a, b) => b.name.length - a.name.length);
  const out: Piece[] = [];
  let rest = text;
  let plain = "";
  while (rest.length > 0) {
    const at = rest.indexOf("@");
    if (at < 0) {
      plain += rest;
      break;
    }
    plain += rest.slice(0, at);
    rest = rest.slice(at);
    const hit = names.find(
      (n) =>
        rest.slice(1, 1 + n.name.length).localeCompare(n.name, undefined, { sensitivity: "base" }) === 0 &&
        !/[\p{L}\p{N}]/u.test(rest.charAt(1 + n.name.length)),
    );
    if (hit) {
      if (plain) out.push({ text: plain });
      plain = "";
      out.push({ text: rest.slice(0, 1 + hit.name.length), member: hit.id });
      rest = rest.slice(1 + hit.name.length);
    } else {
      plain += "@";
      rest = rest.slice(1);
    }
  }
  if (plain) out.push({ text: plain });
  return out;
}
