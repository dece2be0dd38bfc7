// Assertions about engine steps that lifecycle tests share.
import { expect } from "@jest/globals";
import { HostCallError, type Props } from "./providerHost";
import type { Engine } from "./engine";
import type { Emulator } from "./emulator";

/** Runs a step that must fail through the host, and returns its error (with any init failure). */
export async function failing(step: Promise<unknown>): Promise<HostCallError> {
  const err = await step.then(
    () => {
      throw new Error("expected the step to fail");
    },
    (failure: unknown) => failure,
  );
  expect(err).toBeInstanceOf(HostCallError);
  return err as HostCallError;
}

/** `pulumi refresh`, then the same program again: the resource is still there and nothing changes. */
export async function expectNoChangeAfterRefresh(engine: Engine, kind: string, name: string, args: Props): Promise<void> {
  expect(await engine.refresh(name)).toBe(true);
  const step = await engine.up(kind, name, args);
  expect(step.op).toBe("same");
  expect(step.diff?.changes).toBe("none");
}

/**
 * Starts `step`, whose create (route `create`) is held 300 ms and then loses its answer; resolves
 * once the create has reached the API, so a test can act while it is held. The step's error is
 * wrapped (an async function would otherwise wait for it).
 */
export async function startHeldLostCreate(
  emu: Emulator,
  create: string,
  step: () => Promise<unknown>,
): Promise<{ outcome: Promise<HostCallError> }> {
  emu.setFaults({
    seed: 4,
    rules: [
      { route: create, fault: "delay", delayMs: 300, times: 1 },
      { route: create, fault: "lost_response", times: 1 },
    ],
  });
  emu.resetRequests();
  const outcome = failing(step());
  while (!emu.requests().routes[create]) await new Promise((resolve) => setTimeout(resolve, 10));
  return { outcome };
}

/**
 * Runs `step` with its create's answer lost (see startHeldLostCreate); while the create is held,
 * its lookups (route `lookup`) start answering 500 for every attempt of the client, so the create's
 * outcome stays unknown. A list taken before the create still passes. Returns the step's error.
 */
export async function loseCreateAndItsLookups(
  emu: Emulator,
  step: () => Promise<unknown>,
  create: string,
  lookup: string,
): Promise<HostCallError> {
  const { outcome } = await startHeldLostCreate(emu, create, step);
  emu.setFaults({ seed: 4, rules: [{ route: lookup, fault: "status", status: 500, times: 6 }] });
  try {
    return await outcome;
  } finally {
    emu.clearFaults();
  }
}
