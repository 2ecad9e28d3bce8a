import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Privacy from "./Privacy.svelte";
import { setLang } from "../lib/locale.svelte";
import type { DeviceInfo, IncidentInput } from "../bindings/carnet";

afterEach(() => {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
});

const lostLaptop: DeviceInfo = {
  id: "0190a000-0000-7000-8000-000000000042",
  name: "Portable de Jean",
  member: "Jean",
  role: "worker",
  persons: true,
  created_at: "2026-10-01T12:00:00Z",
  last_seen: "2026-12-01T15:30:00Z",
  revoked_at: null,
} as unknown as DeviceInfo;

const review = {
  policy: { inactive_person_months: 24, closed_referral_years: null },
  persons: [
    { id: "0190a000-0000-7000-8000-000000000101", pseudonym: "MN-0101", last_activity: "2023-05-01T10:00:00Z" },
    { id: "0190a000-0000-7000-8000-000000000102", pseudonym: "MN-0102", last_activity: "2024-01-01T10:00:00Z" },
  ],
  referrals: [],
};

describe("the privacy screen", () => {
  it("opens an incident prefilled for a lost device, saves it and offers to revoke the device", async () => {
    setLang("en");
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "incidents") return [];
      if (cmd === "retention_review") return review;
      if (cmd === "create_incident") return "0190a000-0000-7000-8000-000000000900";
    });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    render(Privacy, { lost: lostLaptop });
    const title = (await screen.findByLabelText("Title")) as HTMLInputElement;
    expect(title.value).toBe("Lost or stolen device: Portable de Jean");
    const circumstances = screen.getByLabelText("Circumstances of the incident") as HTMLTextAreaElement;
    expect(circumstances.value).toContain("of Jean was lost or stolen");
    expect(circumstances.value).toContain("Last sync:");
    await fireEvent.input(screen.getByLabelText("Number of persons concerned"), { target: { value: "35" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save the incident" }));
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === "create_incident")).toBe(true));
    const input = (calls.find((c) => c.cmd === "create_incident")!.args as { input: IncidentInput }).input;
    expect(input.device).toBe("Portable de Jean");
    expect(input.persons_concerned).toBe(35);
    expect(await screen.findByText("Incident saved.")).toBeTruthy();

    await fireEvent.click(screen.getByRole("button", { name: "Revoke this device now" }));
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === "revoke")).toBe(true));
    expect((calls.find((c) => c.cmd === "revoke")!.args as { device: string }).device).toBe(lostLaptop.id);
    expect(await screen.findByText("The device is revoked.")).toBeTruthy();
  });

  it("refuses an incident without a title and saves nothing", async () => {
    setLang("fr");
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "incidents") return [];
      if (cmd === "retention_review") return { ...review, persons: [] };
    });
    render(Privacy, {});
    await fireEvent.click(await screen.findByRole("button", { name: "Inscrire un incident" }));
    await fireEvent.click(screen.getByRole("button", { name: "Enregistrer l'incident" }));
    expect(screen.getByText("Donnez un titre à l'incident.")).toBeTruthy();
    expect(calls).not.toContain("create_incident");
    expect(screen.getByText("Rien à effacer selon la politique.")).toBeTruthy();
  });

  it("erases the persons kept checked, with one reason, after confirmation", async () => {
    setLang("en");
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "incidents") return [];
      if (cmd === "retention_review") return review;
      if (cmd === "apply_retention") return { persons: 1, referrals: 0 };
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(true);
    render(Privacy, {});
    const first = await screen.findByRole("checkbox", { name: /MN-0101/ });
    expect((first as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByRole("checkbox", { name: /MN-0102/ }));
    await fireEvent.input(screen.getByLabelText("Reason (kept with each erasure)"), { target: { value: "Politique 2026" } });
    await fireEvent.click(screen.getByRole("button", { name: "Erase the selection" }));
    expect(confirm).toHaveBeenCalled();
    await vi.waitFor(() => expect(calls.some((c) => c.cmd === "apply_retention")).toBe(true));
    const args = calls.find((c) => c.cmd === "apply_retention")!.args as { persons: string[]; referrals: string[]; reason: string };
    expect(args.persons).toEqual(["0190a000-0000-7000-8000-000000000101"]);
    expect(args.referrals).toEqual([]);
    expect(args.reason).toBe("Politique 2026");
    expect(await screen.findByText("Erased: 1 person(s), 0 referral(s).")).toBeTruthy();
  });
});
