import { describe, expect, it } from "vitest";
import { asUiError, describeError } from "./errors";

describe("errors as sentences", () => {
  it("says what to do next for the kinds it knows, in both languages", () => {
    const offline = { kind: "offline", message: "connection refused (os error 111)" };
    expect(describeError("fr", offline)).toContain("Vérifiez l'adresse");
    expect(describeError("en", offline)).toContain("Check the address");
    expect(describeError("fr", offline)).not.toContain("os error");
  });
  it("says in French why a message naming a person was not sent, without the English", () => {
    const named = { kind: "names-person", message: "the message names the person (their name or phone)" };
    expect(describeError("fr", named)).toContain("désignez-la par son pseudonyme");
    expect(describeError("fr", named)).not.toContain("the message");
    expect(describeError("en", named)).toContain("use their pseudonym");
  });
  it("keeps the shell's sentence inside a general one for other kinds", () => {
    const e = { kind: "damaged", message: "the note 0192 could not be read" };
    expect(describeError("en", e)).toBe("Something did not work: the note 0192 could not be read");
  });
  it("accepts thrown errors and strings", () => {
    expect(asUiError(new Error("boom"))).toEqual({ kind: "internal", message: "boom" });
    expect(asUiError("nope")).toEqual({ kind: "internal", message: "nope" });
    expect(describeError("fr", { kind: "invalid", message: "title is required" })).toContain("title is required");
  });
});
