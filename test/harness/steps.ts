// Assertions about engine steps that lifecycle tests share.
import { expect } from "@jest/globals";
import { HostCallError, type Props } from "./providerHost";
import type { Engine } from "./engine";

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
