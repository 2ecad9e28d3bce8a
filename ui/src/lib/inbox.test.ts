import { describe, expect, it } from "vitest";
import type { Comment, MemberChanges, Vocabularies, Workspace } from "../bindings/carnet";
import { contrast } from "./contrast";
import { fieldLine, joinList, memberColour, memberSentence, PALETTE, textLabel } from "./inbox";
import { mentionPieces, thread } from "./comments";

const changes = (over: Partial<MemberChanges>): MemberChanges => ({
  author: "m-jean",
  changes: 1,
  first_at: "2026-11-20T14:00:00Z",
  last_at: "2026-11-20T14:00:00Z",
  created: false,
  fields: [],
  words_added: 0,
  text_removed: false,
  comments_added: 0,
  statuses: [],
  codings_added: 0,
  themes_coded: [],
  ...over,
});

const vocab = {
  referral_statuses: [{ code: "accepted", fr: "Acceptée", en: "Accepted" }],
  barriers: [{ code: "transport", fr: "Transport", en: "Transportation" }],
  needs: [],
  review: [],
  methods: [],
  place_kinds: [],
  age_groups: [],
} as unknown as Vocabularies;

const workspace = {
  name: "Pôle",
  members: [
    { id: "m-aline", name: "Aline Tremblay" },
    { id: "m-jean", name: "Jean" },
  ],
  codebook: [{ code: "isolement", label_fr: "Isolement", label_en: "Isolation", colour: "#888888", parent: null }],
} as unknown as Workspace;

describe("what each member did, in a sentence", () => {
  it("says words, comments, statuses and the other fields, in both languages", () => {
    const m = changes({ words_added: 3, comments_added: 1, statuses: ["accepted"], fields: ["body", "comments", "title", "referrals.status"] });
    expect(memberSentence("fr", m, "Jean", "note", vocab)).toBe(
      "Jean a ajouté 3 mots, a écrit un commentaire, a passé une référence à «\u00a0Acceptée\u00a0» et a modifié\u00a0: Titre",
    );
    expect(memberSentence("en", m, "Jean", "note", vocab)).toBe(
      "Jean added 3 words, wrote a comment, moved a referral to “Accepted” and changed: Title",
    );
  });
  it("says a creation, a removal, and something when nothing else is known", () => {
    expect(memberSentence("fr", changes({ created: true }), "Nadia", "person", vocab)).toBe("Nadia a créé cette fiche de personne");
    const workspace = {
      name: "Pôle",
      default_language: "french",
      codebook: [{ code: "isolement", label_fr: "Isolement social", label_en: "Social isolation" }],
      sectors: [],
      members: [],
    } as unknown as Workspace;
    const coded = changes({ words_added: 3, codings_added: 1, themes_coded: ["isolement"], fields: ["body", "codings"] });
    expect(memberSentence("fr", coded, "Jean", "note", vocab, workspace)).toBe("Jean a ajouté 3 mots et a codé un passage «\u00a0Isolement social\u00a0»");
    expect(memberSentence("en", coded, "Jean", "note", vocab, workspace)).toBe("Jean added 3 words and coded a passage “Social isolation”");
    expect(memberSentence("en", changes({ text_removed: true, fields: ["body"] }), "Nadia", "note", vocab)).toBe("Nadia removed some text");
    expect(memberSentence("en", changes({ words_added: 1 }), "Nadia", "note", vocab)).toBe("Nadia added 1 word");
    expect(memberSentence("fr", changes({}), "Nadia", "note", vocab)).toBe("Nadia a fait une modification");
  });
  it("joins as each language does", () => {
    expect(joinList("fr", ["a", "b", "c"])).toBe("a, b et c");
    expect(joinList("en", ["a", "b"])).toBe("a and b");
    expect(joinList("en", ["a"])).toBe("a");
  });
});

describe("the changes shown", () => {
  it("gives each member a colour of their own that dark text reads on", () => {
    expect(memberColour(workspace, "m-aline")).not.toBe(memberColour(workspace, "m-jean"));
    for (const c of PALETTE) expect(contrast(c, "#1a1a1a")).toBeGreaterThan(12);
  });
  it("names texts and fields, with values as labels", () => {
    expect(textLabel("fr", "comments.2.text")).toBe("Commentaire");
    expect(textLabel("en", "body")).toBe("Observation");
    const themes = fieldLine("fr", { path: "themes", context: null, before: "", after: "isolement" }, vocab, workspace);
    expect(themes).toEqual({ label: "Thèmes", before: "(rien)", after: "Isolement" });
    const status = fieldLine("en", { path: "referrals.status", context: "Food bank", before: "", after: "accepted" }, vocab, workspace);
    expect(status.label).toBe("Referral to Food bank — A referral's status");
    expect(status.after).toBe("Accepted");
  });
});

const comment = (id: string, at: string, reply_to: string | null = null, text = "x"): Comment => ({
  id,
  author: "m-jean",
  at,
  text,
  reply_to,
  mentions: [],
  edited_at: null,
  deleted: false,
});

describe("comments as a conversation", () => {
  it("puts each reply under the comment it answers, in the order written", () => {
    const c = [
      comment("c3", "2026-11-20T10:03:00Z", "c1"),
      comment("c1", "2026-11-20T10:01:00Z"),
      comment("c2", "2026-11-20T10:02:00Z"),
      comment("c4", "2026-11-20T10:04:00Z", "c3"),
      comment("c5", "2026-11-20T10:05:00Z", "gone"),
    ];
    expect(thread(c).map((x) => `${x.comment.id}:${x.depth}`)).toEqual(["c1:0", "c3:1", "c4:2", "c2:0", "c5:0"]);
  });
  it("picks out the members a comment mentions, by full or first name, whatever the case", () => {
    const pieces = mentionPieces("Merci @aline tremblay et @Jean!", ["m-aline", "m-jean"], workspace.members);
    expect(pieces).toEqual([
      { text: "Merci " },
      { text: "@aline tremblay", member: "m-aline" },
      { text: " et " },
      { text: "@Jean", member: "m-jean" },
      { text: "!" },
    ]);
    expect(mentionPieces("courriel@exemple @Aline", ["m-aline"], workspace.members)).toEqual([
      { text: "courriel@exemple " },
      { text: "@Aline", member: "m-aline" },
    ]);
    expect(mentionPieces("@Jeanne", ["m-jean"], workspace.members)).toEqual([{ text: "@Jeanne" }]);
  });
});
