// One Tab stop for a group of buttons (a radio group, a set of chips):
// the arrow keys move between them, Home and End go to the ends. The
// group's current item takes the Tab stop (`tabindex` 0), the others -1.

/** The index the key moves to from `index` among `count` items, or null for a key that does not move. */
export function moveIndex(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case "ArrowRight":
    case "ArrowDown":
      return (index + 1) % count;
    case "ArrowLeft":
    case "ArrowUp":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

/**
 * A keydown handler for a group: moves the focus among its `selector`
 * items and, for a radio group, calls `choose` with the item reached.
 */
export function rove(e: KeyboardEvent, selector: string, choose?: (el: HTMLElement) => void): void {
  const group = e.currentTarget as HTMLElement;
  const items = [...group.querySelectorAll<HTMLElement>(selector)];
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next = moveIndex(e.key, Math.max(0, at), items.length);
  if (next === null) return;
  e.preventDefault();
  items[next].focus();
  choose?.(items[next]);
}
