import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import type { Comment } from "../bindings/carnet";
import CommentThread from "./CommentThread.svelte";
import { app } from "../lib/app.svelte";
import { setLang } from "../lib/locale.svelte";

afterEach(() => cleanup());

const comment = (id: string, author: string, text: string, over: Partial<Comment> = {}): Comment => ({
  id,
  author,
  at: "2026-11-20T10:00:00Z",
  text,
  reply_to: null,
  mentions: [],
  edited_at: null,
  deleted: false,
  ...over,
});

describe("a note's conversation", () => {
  it("offers edit and delete on one's own comments only, asks before deleting, and answers a comment", async () => {
    setLang("fr");
    app.info = { member_id: "m-aline" } as unknown as typeof app.info;
    app.workspace = {
      members: [
        { id: "m-aline", name: "Aline" },
        { id: "m-jean", name: "Jean" },
      ],
      codebook: [],
    } as unknown as typeof app.workspace;
    const onadd = vi.fn(async () => {});
    const onedit = vi.fn(async () => {});
    const ondelete = vi.fn(async () => {});
    render(CommentThread, {
      comments: [
        comment("c1", "m-jean", "@Aline tu as vu?", { mentions: ["m-aline"] }),
        comment("c2", "m-aline", "Oui, je relis.", { reply_to: "c1" }),
        comment("c3", "m-jean", "", { deleted: true }),
      ],
      onadd,
      onedit,
      ondelete,
    });
    // Jean's comment: a reply, no edit; mine: edit and delete.
    expect(screen.getAllByRole("button", { name: "Modifier" }).length).toBe(1);
    expect(screen.getAllByRole("button", { name: "Supprimer" }).length).toBe(1);
    expect(screen.getByText("Commentaire supprimé.")).toBeTruthy();
    const mention = screen.getByText("@Aline");
    expect(mention.tagName).toBe("MARK");
    expect(mention.classList.contains("me")).toBe(true);

    await fireEvent.click(screen.getByRole("button", { name: "Supprimer" }));
    expect(ondelete).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole("button", { name: "Oui, supprimer" }));
    await vi.waitFor(() => expect(ondelete).toHaveBeenCalledWith("c2"));

    await fireEvent.click(screen.getByRole("button", { name: "Modifier" }));
    await fireEvent.input(screen.getByLabelText("Modifier"), { target: { value: "Oui, relu." } });
    await fireEvent.click(screen.getByRole("button", { name: "Enregistrer" }));
    await vi.waitFor(() => expect(onedit).toHaveBeenCalledWith("c2", "Oui, relu."));

    await fireEvent.click(screen.getAllByRole("button", { name: "Répondre" })[0]);
    await fireEvent.input(screen.getByPlaceholderText("Votre réponse"), { target: { value: "Merci" } });
    await fireEvent.submit(screen.getByPlaceholderText("Votre réponse").closest("form")!);
    await vi.waitFor(() => expect(onadd).toHaveBeenCalledWith("Merci", "c1"));
  });
});
