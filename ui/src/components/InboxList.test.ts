import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { InboxDetail, InboxItem } from "../bindings/carnet";
import InboxList from "./InboxList.svelte";
import { app } from "../lib/app.svelte";
import { setLang } from "../lib/locale.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const item = (id: string, over: Partial<InboxItem> = {}): InboxItem => ({
  id,
  kind: "note",
  title: `Note ${id}`,
  method: null,
  sector: null,
  last_at: "2026-11-20T14:00:00Z",
  received_at: "2026-11-20T15:00:00Z",
  changes: 2,
  mention: false,
  seen: false,
  by: [
    {
      author: "m-jean",
      changes: 2,
      first_at: "2026-11-20T14:00:00Z",
      last_at: "2026-11-20T14:00:00Z",
      created: false,
      fields: ["body"],
      words_added: 4,
      text_removed: false,
      comments_added: 0,
      codings_added: 0,
      themes_coded: [],
      statuses: [],
    },
  ],
  ...over,
});

describe("the inbox", () => {
  it("lists what others changed, opens a record with its words named, and marks it seen", async () => {
    setLang("fr");
    app.workspace = {
      name: "Pôle",
      default_language: "fr",
      members: [
        { id: "m-aline", name: "Aline" },
        { id: "m-jean", name: "Jean" },
      ],
      codebook: [],
    } as unknown as typeof app.workspace;
    app.info = { persons: true, member_id: "m-aline" } as unknown as typeof app.info;
    app.places = [{ id: "p1", name: "Parc", kind: "park", sector: "Nord" }] as unknown as typeof app.places;
    app.vocab = {
      methods: [{ code: "workshop", fr: "Atelier créatif", en: "Creative workshop" }],
      referral_statuses: [{ code: "accepted", fr: "Acceptée", en: "Accepted" }],
      review: [],
      place_kinds: [],
      barriers: [],
      needs: [],
      age_groups: [],
    } as unknown as typeof app.vocab;
    const calls: [string, unknown][] = [];
    const items = [
      item("n1", { mention: true, method: "workshop" }),
      item("n2"),
      item("p1", { kind: "person", title: "MN-0777", by: [{ ...item("x").by[0], author: "m-nadia", statuses: ["accepted"], fields: ["referrals.status", "referrals.history"], words_added: 0 }] }),
      item("w1", { kind: "workspace", title: "Pôle", by: [{ ...item("x").by[0], fields: ["members"], words_added: 0 }] }),
    ];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "inbox") return { total: items.length, items };
      if (cmd === "inbox_item")
        return {
          item: items[0],
          texts: [
            {
              path: "body",
              spans: [
                { text: "Les mères parlent du parc", kind: "kept", author: null },
                { text: " et de l'école", kind: "added", author: "m-jean" },
                { text: ".", kind: "kept", author: null },
              ],
            },
          ],
          fields: [{ path: "title", context: null, before: "Atelier", after: "Atelier du mardi" }],
          record: {},
        } as unknown as InboxDetail;
      if (cmd === "mark_seen") return 1;
      if (cmd === "review_counts") return { conflicted: 0, unseen: 1, mentions: 0 };
    });
    render(InboxList);
    const first = await screen.findByText("Note n1");
    expect(screen.getByText("4 fiches changées")).toBeTruthy();
    expect(screen.getByText(/Un commentaire vous mentionne/)).toBeTruthy();
    expect(screen.getAllByText(/Jean a ajouté 4 mots/).length).toBe(2);
    expect(screen.getByText(/a passé une référence à/)).toBeTruthy();
    await fireEvent.click(first.closest("button")!);
    const ins = await screen.findByText((_, el) => el?.tagName === "INS" && el.textContent?.startsWith(" et de l'école") === true);
    expect(ins.getAttribute("title")).toBe("ajouté par Jean");
    expect(ins.textContent).toContain("(ajouté par Jean)");
    expect(screen.getByText("Atelier du mardi")).toBeTruthy();
    await vi.waitFor(() => expect(calls.some(([c, a]) => c === "mark_seen" && JSON.stringify(a).includes("n1"))).toBe(true));
  });
});
