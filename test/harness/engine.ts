// A scripted stand-in for the Pulumi engine, driving a real provider host in the engine's order:
// Check(old inputs, new inputs) → Diff(old outputs, checked inputs) → Create / Update / replace
// (create-then-delete, or delete-then-create when the provider asks) → Read on refresh → Delete.
// It keeps a state per resource like a stack does. Small on purpose: the order is the point.
// Init failures follow pulumi/pulumi's pkg/resource/deploy: a resource whose create (or update)
// failed to initialise stays in state with its id, outputs and reasons; on the next up an Update is
// forced even when Diff reports no change (step_generator.go, "hasInitErrors"), a replacement still
// replaces; a refresh takes the id Read returns and clears the reasons (step.go, RefreshStep).
import * as pulumi from "@pulumi/pulumi";
import { resourceProps } from "../../sdk/resource";
import { HostCallError, type CheckResult, type DiffResult, type Props, type ProviderHost } from "./providerHost";

export const UNKNOWN = pulumi.runtime.unknownValue as string;

export interface ResourceState {
  kind: string;
  name: string;
  id: string;
  inputs: Props;
  outputs: Props;
  /** Set while the resource's create or update failed to initialise it. */
  initErrors?: string[];
}

export type Operation = "create" | "update" | "replace" | "same";

export interface Step {
  op: Operation;
  check: CheckResult;
  diff?: DiffResult;
  /** For replacements: the order the engine used. */
  order?: Array<"create" | "delete">;
}

export class CheckFailedError extends Error {
  constructor(readonly failures: CheckResult["failures"]) {
    super(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
}

let shimText: Promise<string> | undefined;

/** The `__provider` value, serialized the way `dynamic.Resource` does it. */
export function serializedShim(): Promise<string> {
  shimText ??= (async () => {
    const shim = require("../../sdk/shim");
    const serialized = await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true });
    return serialized.text;
  })();
  return shimText;
}

export interface UpOptions {
  /**
   * Hold back the delete of a resource replaced create-first until `finishReplacements`, as the
   * engine does: it deletes replaced resources only after every dependent has been updated.
   */
  deferDelete?: boolean;
}

export class Engine {
  readonly state = new Map<string, ResourceState>();
  /** Resources replaced create-first whose delete is held back: in the checkpoint, as the engine keeps them. */
  readonly pendingDeletes: ResourceState[] = [];

  constructor(
    readonly host: ProviderHost,
    /** The serialized shim for the dynamic host; none for a native plugin. */
    private readonly provider: string | undefined,
  ) {}

  static async create(host: ProviderHost): Promise<Engine> {
    return new Engine(host, host.native ? undefined : await serializedShim());
  }

  /** What the SDK class sends for these args (undefined outputs are dropped on the wire). */
  props(kind: string, name: string, args: Props): Props {
    if (this.provider === undefined) return { ...args };
    return { ...resourceProps(kind, name, args, [], this.host.urn(kind, name)), __provider: this.provider };
  }

  /**
   * The engine's import (the `import` resource option, or `pulumi import` then the generated
   * program): Read with the id and no properties, Check the program's inputs against the inputs
   * read, Diff them against the outputs read. The resource enters the state as read.
   */
  async import(
    kind: string,
    name: string,
    id: string,
    args: Props,
  ): Promise<{ read: ResourceState; diff: DiffResult; check: CheckResult }> {
    const read = await this.host.read(kind, name, id, {});
    if (read.id === "" || read.inputs === undefined) throw new Error(`import of ${kind} ${id}: the provider found nothing`);
    const check = await this.host.check(kind, name, read.inputs, this.props(kind, name, args));
    if (check.failures.length) throw new CheckFailedError(check.failures);
    const diff = await this.host.diff(kind, name, read.id, read.properties, check.inputs);
    const state = { kind, name, id: read.id, inputs: read.inputs, outputs: read.properties };
    this.state.set(name, state);
    return { read: state, diff, check };
  }

  async check(kind: string, name: string, args: Props): Promise<CheckResult> {
    const old = this.state.get(name);
    return this.host.check(kind, name, old?.inputs ?? {}, this.props(kind, name, args));
  }

  /** `pulumi preview` for one resource: check and diff, nothing applied. */
  async preview(kind: string, name: string, args: Props): Promise<Step> {
    const check = await this.check(kind, name, args);
    if (check.failures.length) throw new CheckFailedError(check.failures);
    const old = this.state.get(name);
    if (!old) return { op: "create", check };
    const diff = await this.host.diff(kind, name, old.id, old.outputs, check.inputs);
    return { op: operationOf(diff), check, diff };
  }

  /** `pulumi up` for one resource. */
  async up(kind: string, name: string, args: Props, options: UpOptions = {}): Promise<Step> {
    return this.apply(kind, name, this.props(kind, name, args), options);
  }

  /** The deletes held back by `deferDelete`, newest first (dependents before what they depend on). */
  async finishReplacements(): Promise<void> {
    while (this.pendingDeletes.length) {
      const old = this.pendingDeletes.at(-1)!;
      await this.host.delete(old.kind, old.name, old.id, old.outputs);
      this.pendingDeletes.pop();
    }
  }

  /**
   * The next `pulumi up` after this one's host died: a new host, the checkpoint as it was (every
   * step that finished, the deletes still pending); a step cut short left nothing in it.
   */
  resumeWith(host: ProviderHost): Engine {
    const next = new Engine(host, this.provider);
    for (const [name, state] of this.state) next.state.set(name, state);
    next.pendingDeletes.push(...this.pendingDeletes);
    return next;
  }

  /** `pulumi up` for one resource whose props are exactly what an SDK class registered. */
  async apply(kind: string, name: string, props: Props, options: UpOptions = {}): Promise<Step> {
    const old = this.state.get(name);
    const check = await this.host.check(kind, name, old?.inputs ?? {}, props);
    if (check.failures.length) throw new CheckFailedError(check.failures);
    if (!old) {
      await this.createInto(kind, name, check.inputs);
      return { op: "create", check };
    }
    const diff = await this.host.diff(kind, name, old.id, old.outputs, check.inputs);
    const op = operationOf(diff);
    if (op === "same" && !old.initErrors?.length) {
      this.state.set(name, { ...old, inputs: check.inputs });
      return { op, check, diff };
    }
    if (op === "same" || op === "update") {
      try {
        const { properties } = await this.host.update(kind, name, old.id, old.outputs, check.inputs);
        this.state.set(name, { kind, name, id: old.id, inputs: check.inputs, outputs: properties });
      } catch (err) {
        if (err instanceof HostCallError && err.initFailed) {
          const { properties, reasons } = err.initFailed;
          this.state.set(name, { ...old, inputs: check.inputs, outputs: properties, initErrors: reasons });
        }
        throw err;
      }
      return { op: "update", check, diff };
    }
    const order: Array<"create" | "delete"> = [];
    if (diff.deleteBeforeReplace) {
      await this.host.delete(kind, name, old.id, old.outputs);
      this.state.delete(name);
      order.push("delete");
      await this.createInto(kind, name, check.inputs);
      order.push("create");
    } else {
      await this.createInto(kind, name, check.inputs);
      order.push("create");
      if (options.deferDelete) {
        this.pendingDeletes.push(old);
        return { op, check, diff, order };
      }
      await this.host.delete(kind, name, old.id, old.outputs);
      order.push("delete");
    }
    return { op, check, diff, order };
  }

  /** `pulumi refresh` for one resource: returns false when the provider reports it gone. */
  async refresh(name: string): Promise<boolean> {
    const old = this.mustGet(name);
    const read = await this.host.read(old.kind, name, old.id, old.outputs);
    if (read.id === "") {
      this.state.delete(name);
      return false;
    }
    this.state.set(name, { kind: old.kind, name, id: read.id, outputs: read.properties, inputs: read.inputs ?? old.inputs });
    return true;
  }

  /** `pulumi destroy` for one resource. */
  async destroy(name: string): Promise<void> {
    const old = this.mustGet(name);
    await this.host.delete(old.kind, name, old.id, old.outputs);
    this.state.delete(name);
  }

  get(name: string): ResourceState {
    return this.mustGet(name);
  }

  private async createInto(kind: string, name: string, inputs: Props): Promise<void> {
    try {
      const { id, properties } = await this.host.create(kind, name, inputs);
      this.state.set(name, { kind, name, id, inputs, outputs: properties });
    } catch (err) {
      // As the engine does: an object that was made but failed to initialise stays in state.
      if (err instanceof HostCallError && err.initFailed) {
        const { id, properties, reasons } = err.initFailed;
        this.state.set(name, { kind, name, id, inputs, outputs: properties, initErrors: reasons });
      }
      throw err;
    }
  }

  private mustGet(name: string): ResourceState {
    const state = this.state.get(name);
    if (!state) throw new Error(`no resource named ${name} in state`);
    return state;
  }
}

export function operationOf(diff: DiffResult): Operation {
  if (diff.changes === "none") return "same";
  return diff.replaces.length ? "replace" : "update";
}
