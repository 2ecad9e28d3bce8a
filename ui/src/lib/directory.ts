// The directory's screen logic that needs no window: phones typed one per
// line (or separated by semicolons), and how long ago an organisation was
// verified.

/** Phone numbers typed one per line or separated by semicolons, each once. */
export function parseLines(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\n;]/)) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/**
 * Whole months from `day` (YYYY-MM-DD) to `today`, or null when never
 * verified: a month counts once its day of the month is reached.
 */
export function monthsSince(day: string | null, today: Date): number | null {
  if (!day) return null;
  const [y, m, d] = day.split("-").map(Number);
  let months = (today.getFullYear() - y) * 12 + (today.getMonth() + 1 - m);
  if (today.getDate() < d) months -= 1;
  return Math.max(0, months);
}

/** Whether an organisation is due for verification after `limit` months. */
export function stale(day: string | null, today: Date, limit: number): boolean {
  const months = monthsSince(day, today);
  return months === null || months >= limit;
}
