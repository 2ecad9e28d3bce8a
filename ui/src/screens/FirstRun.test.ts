import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import FirstRun from "./FirstRun.svelte";
import { setLang } from "../lib/locale.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("first run", () => {
  it("asks for a name before starting, in the chosen language", async () => {
    setLang("en");
    const calls: string[] = [];
    mockIPC((cmd) => void calls.push(cmd));
    render(FirstRun, { onstarted: () => {} });
    await fireEvent.click(screen.getByRole("button", { name: "Start" }));
    expect(screen.getByText("This field is required.")).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it("starts the demo with the name given", async () => {
    setLang("fr");
    const started = vi.fn();
    mockIPC((cmd, args) => {
      if (cmd === "start_demo") return { has_notebook: true, member_name: (args as { member: string }).member };
    });
    render(FirstRun, { onstarted: started });
    await fireEvent.input(screen.getByLabelText("Votre nom"), { target: { value: "Aline" } });
    await fireEvent.click(screen.getByRole("button", { name: "Commencer" }));
    await vi.waitFor(() => expect(started).toHaveBeenCalled());
    expect(started.mock.calls[0][0].member_name).toBe("Aline");
  });

  it("seals the notebook with a passphrase when one is chosen, long enough and typed twice", async () => {
    setLang("en");
    const calls: { cmd: string; passphrase: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, passphrase: (args as { passphrase?: unknown }).passphrase });
      if (cmd === "start_demo") return { has_notebook: true, member_name: "Aline" };
    });
    const started = vi.fn();
    render(FirstRun, { onstarted: started });
    await fireEvent.input(screen.getByLabelText("Your name"), { target: { value: "Aline" } });
    await fireEvent.click(screen.getByRole("radio", { name: /Choose a passphrase/ }));
    await fireEvent.input(screen.getByLabelText(/^Passphrase \(at least 8 characters\)/), { target: { value: "court" } });
    await fireEvent.click(screen.getByRole("button", { name: "Start" }));
    expect(screen.getByText(/At least 8 characters/)).toBeTruthy();
    await fireEvent.input(screen.getByLabelText(/^Passphrase \(at least 8 characters\)/), { target: { value: "le parc au printemps" } });
    await fireEvent.input(screen.getByLabelText(/^The same, once more/), { target: { value: "le parc en hiver" } });
    await fireEvent.click(screen.getByRole("button", { name: "Start" }));
    expect(screen.getByText("The two passphrases are not the same.")).toBeTruthy();
    expect(calls).toEqual([]);
    await fireEvent.input(screen.getByLabelText(/^The same, once more/), { target: { value: "le parc au printemps" } });
    await fireEvent.click(screen.getByRole("button", { name: "Start" }));
    await vi.waitFor(() => expect(started).toHaveBeenCalled());
    expect(calls).toEqual([{ cmd: "start_demo", passphrase: "le parc au printemps" }]);
  });

  it("shows a refused invitation as a sentence saying what to do", async () => {
    setLang("fr");
    mockIPC((cmd) => {
      if (cmd === "join_team") throw { kind: "used-code", message: "used-code: this code was already used" };
    });
    render(FirstRun, { onstarted: () => {} });
    await fireEvent.click(screen.getByLabelText(/Rejoindre une équipe/));
    await fireEvent.input(screen.getByLabelText("Votre nom"), { target: { value: "Jean" } });
    await fireEvent.input(screen.getByLabelText("Adresse du serveur"), { target: { value: "http://127.0.0.1:7800" } });
    await fireEvent.input(screen.getByLabelText("Code d'invitation"), { target: { value: "ABCD-EFGH" } });
    await fireEvent.click(screen.getByRole("button", { name: "Commencer" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Demandez-en un nouveau");
    expect(alert.textContent).not.toContain("used-code");
  });
});
