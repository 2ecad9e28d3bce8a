// Autosave: edits are saved a moment after typing stops, one save at a
// time, the latest value always wins. The status says "saved" only once
// the save command has returned, that is once SQLite has committed it.

export type SaveStatus = "idle" | "pending" | "saving" | "saved" | "error";

/** Every autosaver in use, so locking can save what was typed first. */
const live = new Set<{ flush(): Promise<void> }>();

/** Save everything pending in every autosaver in use (before locking). */
export async function flushAll(): Promise<void> {
  await Promise.all([...live].map((a) => a.flush()));
}

export class Autosaver<T> {
  status: SaveStatus = "idle";
  error: unknown = null;
  private next: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly save: (value: T) => Promise<void>,
    private readonly onStatus: (status: SaveStatus, error: unknown) => void = () => {},
    private readonly delayMs = 400,
  ) {
    live.add(this);
  }

  /** No longer in use (its screen closed): after a last flush. */
  dispose(): void {
    live.delete(this);
  }

  /** A new value to save soon. */
  change(value: T): void {
    this.next = { value };
    this.set("pending", null);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, this.delayMs);
  }

  /** Save what is pending now (on blur, on leaving the screen). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.run();
  }

  /** Whether something is not yet on disk. */
  get dirty(): boolean {
    return this.next !== null || this.running !== null;
  }

  private async run(): Promise<void> {
    while (this.running) await this.running;
    const item = this.next;
    if (!item) return;
    this.next = null;
    this.set("saving", null);
    this.running = this.save(item.value).then(
      () => {
        this.running = null;
        if (this.next === null && this.timer === null) this.set("saved", null);
      },
      (e: unknown) => {
        this.running = null;
        // Keep the unsaved value so the next change or flush retries it.
        if (this.next === null) this.next = item;
        this.set("error", e);
      },
    );
    await this.running;
  }

  private set(status: SaveStatus, error: unknown): void {
    this.status = status;
    this.error = error;
    this.onStatus(status, error);
  }
}
