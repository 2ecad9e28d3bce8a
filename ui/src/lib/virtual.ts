// Windowing for the journal: only the rows in view (plus a margin) are
// in the DOM, and only the pages of the projection they fall on are
// fetched, so 100,000 notes scroll like 100.

export type Range = { start: number; end: number };

/** The rows to render for a scroll position (`end` exclusive). */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): Range {
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const count = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start: Math.min(start, end), end };
}

/** The page numbers (of `pageSize` rows) a range falls on. */
export function pagesFor(range: Range, pageSize: number): number[] {
  if (range.end <= range.start) return [];
  const first = Math.floor(range.start / pageSize);
  const last = Math.floor((range.end - 1) / pageSize);
  const out: number[] = [];
  for (let p = first; p <= last; p++) out.push(p);
  return out;
}

/** Pages of rows fetched on demand, each fetched once, the oldest dropped beyond `keep`. */
export class PageCache<T> {
  private pages = new Map<number, T[]>();
  private inflight = new Map<number, Promise<void>>();
  private generation = 0;

  constructor(
    private readonly fetch: (offset: number, limit: number) => Promise<T[]>,
    readonly pageSize = 100,
    private readonly keep = 50,
  ) {}

  /** Forget everything (the filter changed). */
  reset(): void {
    this.pages.clear();
    this.inflight.clear();
    this.generation++;
  }

  /** The row at `index`, if its page is loaded. */
  get(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Load the pages of `range`; resolves when they are in. */
  async ensure(range: Range): Promise<void> {
    const gen = this.generation;
    await Promise.all(
      pagesFor(range, this.pageSize).map((p) => {
        if (this.pages.has(p)) return Promise.resolve();
        let pending = this.inflight.get(p);
        if (!pending) {
          pending = this.fetch(p * this.pageSize, this.pageSize).then((rows) => {
            if (gen !== this.generation) return;
            this.pages.set(p, rows);
            this.inflight.delete(p);
            while (this.pages.size > this.keep) {
              const oldest = this.pages.keys().next().value as number;
              this.pages.delete(oldest);
            }
          }, (e: unknown) => {
            this.inflight.delete(p);
            throw e;
          });
          this.inflight.set(p, pending);
        }
        return pending;
      }),
    );
  }
}
