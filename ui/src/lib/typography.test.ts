// Every message in both languages, past each language's typography: in
// French a non-breaking space before ":" ";" "?" "!" and inside « »; in
// English none of that, and no French quotes; in both, a dash with a space
// on each side and a space after a sentence's full stop.
import { describe, expect, it } from "vitest";
import { en, fr, type Message } from "./messages";

const forms = (m: Message): string[] => (typeof m === "string" ? [m] : Object.values(m).filter((x): x is string => !!x));
const all = (catalog: Record<string, Message>) =>
  Object.entries(catalog).flatMap(([key, m]) => forms(m).map((text) => ({ key, text })));
const NB = "[\\u00a0\\u202f]";

function frenchFaults(text: string): string[] {
  const faults: string[] = [];
  // A high sign after an ordinary space, or glued to the word before it
  // (a clock time "9:30" and a shortcut "Ctrl+N" aside).
  if (/ [:;?!»]/.test(text)) faults.push("ordinary space before : ; ? ! or »");
  if (/[\p{L}\p{N})}][;?!»]/u.test(text) || /[\p{L})}]:(?!\/\/)/u.test(text)) faults.push("no space before : ; ? ! or »");
  if (/« /.test(text) || /«(?![\u00a0\u202f])/.test(text)) faults.push("« without a non-breaking space after it");
  if (new RegExp(`${NB}{2,}`).test(text)) faults.push("two spaces");
  return faults;
}

function englishFaults(text: string): string[] {
  const faults: string[] = [];
  if (/[«»]/.test(text)) faults.push("French quotes in English");
  if (/[ \u00a0\u202f][:;?!]/.test(text)) faults.push("space before : ; ? or !");
  return faults;
}

function commonFaults(text: string): string[] {
  const faults: string[] = [];
  if (/\S—|—\S/.test(text.replace(/[\u00a0\u202f]/g, " "))) faults.push("a dash without a space on each side");
  if (/\.\p{L}/u.test(text.replace(/\{[^}]*\}/g, "x").replace(/\b(e\.g\.|i\.e\.|ex\.|a\.m\.|p\.m\.)/g, ""))) faults.push("no space after a full stop");
  if (/ {2,}/.test(text)) faults.push("two spaces");
  return faults;
}

describe("typography", () => {
  it("follows French rules in every French message", () => {
    const bad = all(fr).flatMap(({ key, text }) => [...frenchFaults(text), ...commonFaults(text)].map((f) => `${key}: ${f} in "${text}"`));
    if (bad.length > 0) console.log(bad.join("\n"));
    expect(bad).toEqual([]);
  });

  it("follows English rules in every English message", () => {
    const bad = all(en).flatMap(({ key, text }) => [...englishFaults(text), ...commonFaults(text)].map((f) => `${key}: ${f} in "${text}"`));
    if (bad.length > 0) console.log(bad.join("\n"));
    expect(bad).toEqual([]);
  });

  it("catches the faults it looks for", () => {
    expect(frenchFaults("Statut : ouvert")).not.toEqual([]);
    expect(frenchFaults("quartier: ouvert")).not.toEqual([]);
    expect(frenchFaults("« texte »")).not.toEqual([]);
    expect(frenchFaults("Statut\u00a0: ouvert, à 9:30, «\u00a0oui\u00a0»")).toEqual([]);
    expect(englishFaults("Status : open")).not.toEqual([]);
    expect(englishFaults("« yes »")).not.toEqual([]);
    expect(commonFaults("interprète.— une mère")).not.toEqual([]);
    expect(commonFaults("une mère — 30 ans. Elle")).toEqual([]);
  });
});
