// What a resource kind declares, and the generic check/diff that follow from the declaration.
// A resource module lists its input properties (zod schema that validates a known value and
// returns the API's canonical form, default, replace-on-change, secret) and its extra outputs;
// the same table drives `check`, `diff` and schema.json, so they cannot disagree.
// Over 400 lines as one file on purpose: the table's types (InputsOf, StateOf), defineResource and
// the check and diff they drive are read together; what they call is in properties.ts and unknown.ts.
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { ApiClient } from "./client";
import type { AutoNaming } from "./naming";
import type { PendingCreate } from "./pending";
import type { ClientConfig } from "./config";
import type { PropertyMap } from "./properties";

import { UNKNOWN } from "./unknown";

export { UNKNOWN };

/**
 * Written into every resource's outputs; bump it when the shape of state changes, and give the
 * kinds whose state changed an `upgrade`. 2: DnsRecord MX priorities moved into the values.
 * 3: SyncedFolder's manifest left the outputs (a digest and a compressed index stand in for it).
 */
export const STATE_VERSION = 3;

export type { PropertyMap } from "./properties";
export { ResourceInitError } from "./initError";

export interface InputProperty {
  description: string;
  /** Validates a known value and returns its canonical form; its messages are the check failures. */
  schema: z.ZodType;
  required?: boolean;
  default?: string | number | boolean;
  replaceOnChange?: boolean;
  secret?: boolean;
  /**
   * When omitted, the provider chooses the value at check (auto-naming, a folder's manifest read
   * from its `path`), so create and update always have it and the output is always set.
   */
  computed?: boolean;
  /**
   * With `computed`: when omitted, the API chooses the value at create, not check (CdnResource's
   * generated distribution domain), so create and update may receive it unset. Types only.
   */
  computedByApi?: boolean;
  /** Still accepted, but superseded: what to use instead (schema.json's `deprecationMessage`). */
  deprecated?: string;
  /**
   * Kept in the state's inputs only, not echoed into the outputs: a large value the definition
   * condenses into outputs of its own, so state holds it once. diff, update and delete never see
   * it in the old state (the host hands them old outputs); read must return it, as it becomes the
   * refreshed inputs.
   */
  inputOnly?: boolean;
  /**
   * The canonical values `schema` returns, when they are a few words: the dynamic SDK types the
   * property as their literal union and exports it as `name` (e.g. `StorageClass`).
   */
  union?: { name: string; values: readonly string[] };
  /** What the output holds, when it says more than `description` (the input's doc): the SDKs' output docs. */
  outputDescription?: string;
  /**
   * The dynamic SDK accepts an Input that resolves to undefined (unset): a program passes an
   * optional value through (SiteReleases' `release`, from StaticSite's `atomic.release`).
   */
  undefinedAccepted?: boolean;
  /** As OutputProperty's `typedAsSet`, for the input's output (filled in by check, not promised by schema.json). */
  typedAsSet?: boolean;
}

export interface OutputProperty {
  description: string;
  /** Only its type is used (for schema.json). */
  schema: z.ZodType;
  secret?: boolean;
  /** Always set once the resource exists (schema `required`). Default true. */
  required?: boolean;
  /**
   * Set by create and kept, but never by a read by id (an import, a `get<Kind>` lookup): required in
   * the resource's schema, left out of its lookup's result (a secret the API shows only once).
   */
  setByCreate?: boolean;
  /**
   * The dynamic SDK's type says always set although `required` is false: what the 0.1 classes
   * declared, kept so that programs written against them still compile (the API may leave it out).
   */
  typedAsSet?: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface Context {
  client(): ApiClient;
  /**
   * The provider configuration, for work that needs no API credential (the S3 data plane).
   * Optional so a test context of a client alone still fits; the provider always sets it.
   */
  config?(): ClientConfig;
}

/**
 * How `get<Kind>` (an invoke of the native plugin) finds one existing object: its arguments, and
 * the resource id they denote. The object is then read as an import reads it.
 */
export interface Lookup {
  description: string;
  args: Record<string, InputProperty>;
  /** The id of the one object the (validated) args denote; throws an error naming what was not found. */
  find(ctx: Context, args: PropertyMap): Promise<string>;
}

/** Keys the provider keeps for itself beside the declared properties (`__autoname`, `__version`, …). */
export type InternalKeys = { [key: `__${string}`]: unknown };

type AlwaysSet<P> = P extends { computedByApi: true }
  ? false
  : P extends { required: true } | { default: string | number | boolean } | { computed: true }
    ? true
    : false;

/**
 * The inputs create and update receive for an inputs table: each the canonical value its schema
 * returns, always there when required, defaulted or computed (check has run), else optional.
 */
export type InputsOf<T extends Record<string, InputProperty>> = {
  [K in keyof T as AlwaysSet<T[K]> extends true ? K : never]: z.output<T[K]["schema"]>;
} & {
  [K in keyof T as AlwaysSet<T[K]> extends true ? never : K]?: z.output<T[K]["schema"]>;
};

/** An outputs table's values; any may be missing from a state (an answer that did not carry it). */
export type OutputsOf<T extends Record<string, OutputProperty>> = { [K in keyof T]?: z.output<T[K]["schema"]> };

/**
 * A state (old outputs) as read, update and delete receive it: what the inputs and outputs
 * declare, each possibly missing (state written by an older version, an answer that left it out).
 */
export type StateOf<I, O> = Partial<I> & Partial<O> & InternalKeys;

/**
 * A definition whose create, read, update and delete receive typed properties, inferred from its
 * own tables: `defineResource({ kind, inputs: {…}, outputs: {…}, create(ctx, inputs) {…} })`.
 */
export function defineResource<const TI extends Record<string, InputProperty>, const TO extends Record<string, OutputProperty>>(
  definition: ResourceDefinition<InputsOf<TI>, OutputsOf<TO>> & { inputs: TI; outputs: TO },
): ResourceDefinition<InputsOf<TI>, OutputsOf<TO>> {
  return definition;
}

/**
 * A lookup whose `find` receives its args typed from its own table, as create's inputs are (the
 * args are validated first: required ones are there, defaults filled in).
 */
export function defineLookup<const TA extends Record<string, InputProperty>>(lookup: {
  description: string;
  args: TA;
  find(ctx: Context, args: InputsOf<TA>): Promise<string>;
}): Lookup {
  return lookup;
}

/**
 * One resource kind. `I` and `O` type the properties create, read, update and delete receive
 * (defineResource infers them from the tables); untyped, they are property bags.
 */
export interface ResourceDefinition<I extends object = PropertyMap, O extends object = PropertyMap> {
  /** SDK class name, the `type` of the dynamic resource, and the native type `<package>:index:<kind>`. */
  kind: string;
  description: string;
  inputs: Record<string, InputProperty>;
  /** Outputs beyond the inputs (every input is echoed as an output). */
  outputs: Record<string, OutputProperty>;
  /**
   * Rules across properties, and the values of `computed` inputs the program left out: defaults
   * that depend on old state (auto-naming) or on other inputs (a folder's manifest, read from its
   * `path`). Runs after each property was validated (a property that failed is absent from
   * `inputs`, with its failure in `failures`); values may still be UNKNOWN and must then be left
   * alone, and a value computed from an unknown one is UNKNOWN.
   */
  refine?(inputs: PropertyMap, olds: PropertyMap, failures: CheckFailure[], naming?: AutoNaming): void;
  /** Keys `refine` adds to the inputs for itself (e.g. `__autoname`); kept as inputs after a refresh. */
  internalInputs?: readonly string[];
  /**
   * State (old outputs) written by an older version of the package, `version` its `__version`,
   * brought to the current shape before diff, update, read and delete see it.
   */
  upgrade?(state: PropertyMap, version: number): PropertyMap;
  /** Equality for diff where canonical forms alone do not decide (e.g. relative vs absolute names). */
  same?: Record<string, (old: unknown, next: unknown, olds: PropertyMap, news: PropertyMap) => boolean>;
  /**
   * Replacements decided across properties, beyond `replaceOnChange` (e.g. an origin that changes
   * kind, while changes within one kind update in place). Names the properties that force it.
   */
  replaces?(olds: PropertyMap, news: PropertyMap): string[];
  /** When a replacement must delete first: the new object would collide with the old one. */
  deleteBeforeReplace?(olds: PropertyMap, news: PropertyMap): boolean;
  create(ctx: Context, inputs: I & InternalKeys): Promise<{ id: string; outs: PropertyMap }>;
  /** The object as it is now, or undefined when it is gone. */
  read(ctx: Context, id: string, state: StateOf<I, O>): Promise<PropertyMap | undefined>;
  update?(ctx: Context, id: string, olds: StateOf<I, O>, news: I & InternalKeys): Promise<PropertyMap>;
  delete(ctx: Context, id: string, state: StateOf<I, O>): Promise<void>;
  /**
   * What a create that left a trace (pending.ts) made: its id and outputs, or undefined when it
   * made nothing. Throws when it cannot tell which object it was.
   */
  findPending(ctx: Context, trace: PendingCreate, state: StateOf<I, O>): Promise<{ id: string; outs: PropertyMap } | undefined>;
  /** `get<Kind>` in the native plugin's schema and SDK. */
  lookup?: Lookup;
  /**
   * A kind the API cannot create (it lives elsewhere, e.g. a DNS zone at another provider): only
   * its `get<Kind>` is served, with no resource in the schema or the SDK. Its create and delete throw.
   */
  lookupOnly?: boolean;
  /**
   * Inputs the SDK classes compute in the program instead of taking them from the user
   * (SyncedFolder's manifest, read from the local folder): left out of both SDKs' args; the
   * native class fills them by calling `helper`, an export of sdk/native/helpers.ts. (Programs
   * without these classes leave them out too; the definition's `refine` computes them then.)
   */
  /**
   * The dynamic SDK's classes take their args as required although no single input is (a rule
   * across inputs asks for one, e.g. CdnResource's origin), as the 0.1 classes did.
   */
  argsRequired?: boolean;
  computedByClass?: {
    inputs: string[];
    helper: string;
    /**
     * The dynamic SDK's counterpart of `helper`: an export of sdk/folder.ts called as
     * `(kind, name, args)` that returns the resource's props.
     */
    dynamicHelper: string;
    /** Inputs the dynamic class reads when the program runs: plain values, not Inputs. */
    readInProgram: string[];
  };
}

/**
 * Outputs read from an API answer without the fields the answer did not carry. The API documents
 * almost no answer, so a field the provider only copies to outputs may be missing: absent from a
 * create's outputs, and kept from state by a read or an update (which merge over it), never a
 * failure and never a diff.
 */
export function present<T extends PropertyMap>(props: T): Partial<T> {
  // Typed as what it was given, each property possibly missing (Object.fromEntries cannot say so).
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The fields an answer set to null: the API says there is none (a certificate not issued yet, no
 * certificate attached), so the output is cleared (an explicit undefined, which a read's merge
 * over state keeps and the handler then drops) rather than kept from state.
 */
export function cleared(props: Record<string, unknown>): PropertyMap {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([, value]) => value === null)
      .map(([key]) => [key, undefined]),
  );
}

export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/** State without `__version` was written before versions existed, which is version 1. */
export function upgradeState(definition: ResourceDefinition, state: PropertyMap): PropertyMap {
  const version = typeof state.__version === "number" ? state.__version : 1;
  return definition.upgrade && version < STATE_VERSION ? definition.upgrade(state, version) : state;
}

/** Properties (inputs or outputs) declared secret: the engine must keep them encrypted. */
export function secretProperties(definition: ResourceDefinition): string[] {
  return [...Object.entries(definition.inputs), ...Object.entries(definition.outputs)]
    .filter(([, spec]) => spec.secret)
    .map(([key]) => key);
}

/** Keys the provider keeps for itself in inputs and outputs (`__autoname`, `__version`, …). */
export function isInternal(key: string): boolean {
  return key.startsWith("__");
}

function reasonOf(error: z.ZodError): string {
  const messages = error.issues.map((issue) => (issue.path.length ? `item ${issue.path.join(".")}: ${issue.message}` : issue.message));
  return [...new Set(messages)].join("; ");
}

/** Validates `values` against property specs: the canonical values, and a failure per bad property. */
export function checkProperties(
  specs: Record<string, InputProperty>,
  values: PropertyMap,
): { checked: PropertyMap; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const checked: PropertyMap = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = values[key];
    if (value === undefined || value === null) {
      if (spec.default !== undefined) checked[key] = spec.default;
      else if (spec.required) failures.push({ property: key, reason: "is required" });
      continue;
    }
    if (isUnknown(value)) {
      checked[key] = value;
      continue;
    }
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) checked[key] = parsed.data;
    else failures.push({ property: key, reason: reasonOf(parsed.error) });
  }
  return { checked, failures };
}

/** Properties a bag holds that `specs` does not declare (internal `__` keys aside). */
export function unknownProperties(what: string, specs: Record<string, InputProperty>, values: PropertyMap): CheckFailure[] {
  return Object.entries(values)
    .filter(([key, value]) => !isInternal(key) && !(key in specs) && value !== undefined && value !== null)
    .map(([key]) => ({ property: key, reason: `${what} has no property "${key}"; known: ${Object.keys(specs).join(", ")}` }));
}

/** Validates and canonicalises `news`, leaving unknown values for the real run. No network. */
export function checkInputs(
  definition: ResourceDefinition,
  olds: PropertyMap,
  news: PropertyMap,
  /** How auto-names are made: random unless the caller knows the URN (naming.ts). */
  naming?: AutoNaming,
): { inputs: PropertyMap; failures: CheckFailure[] } {
  const internal = Object.fromEntries(Object.entries(news).filter(([key]) => isInternal(key)));
  const { checked, failures } = checkProperties(definition.inputs, news);
  const inputs: PropertyMap = { ...internal, ...checked };
  failures.unshift(...unknownProperties(definition.kind, definition.inputs, news));
  definition.refine?.(inputs, olds, failures, naming);
  return { inputs, failures };
}

/** Key order is not compared: nested objects that crossed the engine's wire come back with sorted keys. */
function deepEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

/** Input properties whose value in `news` differs from `olds` (olds may be old outputs or old inputs). */
export function changedProperties(definition: ResourceDefinition, olds: PropertyMap, news: PropertyMap): string[] {
  const changed: string[] = [];
  for (const key of Object.keys(definition.inputs)) {
    const old = olds[key];
    const next = news[key];
    if (isUnknown(next)) {
      changed.push(key);
      continue;
    }
    const same = definition.same?.[key];
    if (same ? !same(old, next, olds, news) : !deepEqual(old ?? null, next ?? null)) changed.push(key);
  }
  return changed;
}

export function replacementsOf(definition: ResourceDefinition, changed: string[]): string[] {
  return changed.filter((key) => definition.inputs[key].replaceOnChange);
}

export interface DiffOutcome {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface DetailedDiff extends DiffOutcome {
  /** The input properties that differ (the native plugin's detailed diff). */
  changed: string[];
}

/** Pure: compares old outputs with checked new inputs. */
export function diffInputs(definition: ResourceDefinition, olds: PropertyMap, news: PropertyMap): DiffOutcome {
  const { changed: _changed, ...outcome } = diffDetailed(definition, olds, news);
  return outcome;
}

export function diffDetailed(definition: ResourceDefinition, olds: PropertyMap, news: PropertyMap): DetailedDiff {
  const differ = changedProperties(definition, olds, news);
  const replaces = [...new Set([...replacementsOf(definition, differ), ...(definition.replaces?.(olds, news) ?? [])])];
  // A replacement decided across properties may name one whose value did not change (an expired token's expiry).
  const changed = [...new Set([...differ, ...replaces])];
  return {
    changes: changed.length > 0,
    changed,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && (definition.deleteBeforeReplace?.(olds, news) ?? false),
  };
}

/** What the outputs keep of these properties: all but the `inputOnly` inputs. */
export function withoutInputOnly(definition: ResourceDefinition, props: PropertyMap): PropertyMap {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !definition.inputs[key]?.inputOnly));
}

/** Internal keys every SDK class sends as inputs. */
const SDK_INPUTS = ["__kind", "__logicalName"];

/** The inputs part of a state: declared inputs, and the internal keys that are inputs. */
export function inputsOf(definition: ResourceDefinition, state: PropertyMap): PropertyMap {
  const internal = new Set([...SDK_INPUTS, ...(definition.internalInputs ?? [])]);
  const inputs: PropertyMap = {};
  for (const [key, value] of Object.entries(state)) {
    if (key in definition.inputs || internal.has(key)) inputs[key] = value;
  }
  return inputs;
}
