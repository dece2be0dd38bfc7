// Turns a resource definition into the object the dynamic provider host calls. Outputs echo the
// inputs (the host hands diff, update and delete the old outputs, never the old inputs) except the
// `inputOnly` ones, carry the state version, and every error leaves redacted.
import type * as pulumi from "@pulumi/pulumi";
import { accountOf, namingFor } from "./naming";
import { parsePendingId } from "./pending";
import { redactError } from "./redact";
import {
  ResourceInitError,
  STATE_VERSION,
  checkInputs,
  diffDetailed,
  inputsOf,
  upgradeState,
  withoutInputOnly,
  type CheckFailure,
  type Context,
  type DetailedDiff,
  type PropertyMap,
  type ResourceDefinition,
} from "./resource";

/**
 * The operations of one resource kind, in the dynamic provider's shape (the dynamic host calls
 * them through the shim) and with the details the native plugin needs (which properties changed).
 */
export interface KindOperations {
  check(olds: PropertyMap, news: PropertyMap): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }>;
  diff(id: string, olds: PropertyMap, news: PropertyMap): Promise<DetailedDiff>;
  create(props: PropertyMap): Promise<{ id: string; outs: PropertyMap }>;
  read(id: string, props: PropertyMap): Promise<{ id: string; props: PropertyMap; inputs?: PropertyMap }>;
  update(id: string, olds: PropertyMap, news: PropertyMap): Promise<{ outs: PropertyMap }>;
  delete(id: string, props: PropertyMap): Promise<void>;
}

// Checked here, so a change of either shape fails the build.
type DynamicProvider = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;
const _fitsTheDynamicHost = (operations: KindOperations): DynamicProvider => operations;

/** Drops the serialized shim the host adds to every property bag. */
function own(props: PropertyMap | undefined): PropertyMap {
  const { __provider: _shim, ...rest } = props ?? {};
  return rest;
}

/** The host cannot send `undefined` (protobuf Struct): an absent value is an absent key. */
function defined(props: PropertyMap): PropertyMap {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
}

function defaultsOf(definition: ResourceDefinition): PropertyMap {
  return Object.fromEntries(
    Object.entries(definition.inputs)
      .filter(([, spec]) => spec.default !== undefined)
      .map(([key, spec]) => [key, spec.default]),
  );
}

function guard<A extends unknown[], R>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await run(...args);
    } catch (err) {
      throw redactError(err);
    }
  };
}

export function dynamicProvider(definition: ResourceDefinition, ctx: Context): KindOperations {
  /** Old outputs in the current shape, whichever version of the package wrote them. */
  const stateOf = (props: PropertyMap | undefined) => upgradeState(definition, own(props));
  // `__urn` serves naming at check; the engine knows the URN, so state need not hold it twice.
  const outputsOf = (props: PropertyMap) => {
    const { __urn: _urn, ...rest } = withoutInputOnly(definition, props);
    return defined({ ...rest, __version: STATE_VERSION });
  };
  const account = () => {
    try {
      return ctx.config ? accountOf(ctx.config()) : undefined;
    } catch {
      return undefined; // no credential yet (a preview without one): names stay random
    }
  };
  return {
    check: guard(async (olds: PropertyMap, news: PropertyMap) =>
      checkInputs(definition, own(olds), own(news), namingFor(news.__urn, account)),
    ),

    diff: guard(async (id: string, olds: PropertyMap, news: PropertyMap) => {
      // A trace of a create whose outcome is unknown: an update could not give it a real id, a
      // replacement can. Delete first: the delete removes what that attempt made, if anything,
      // and the new object may need the same unique key.
      if (parsePendingId(id)) return { changes: true, changed: ["id"], replaces: ["id"], deleteBeforeReplace: true };
      return diffDetailed(definition, stateOf(olds), own(news));
    }),

    create: guard(async (props: PropertyMap) => {
      const inputs = own(props);
      try {
        const { id, outs } = await definition.create(ctx, inputs);
        return { id, outs: outputsOf({ ...inputs, ...outs }) };
      } catch (err) {
        // The engine keeps an init failure's properties as the outputs that read and delete get
        // later, and the host adds the serialized shim only to successful answers: without it here,
        // a refresh or destroy before the next up cannot even load the provider.
        if (err instanceof ResourceInitError) {
          const properties = { ...outputsOf({ ...inputs, ...err.properties }), __provider: props.__provider };
          throw new ResourceInitError(err.message, err.id, properties, err.reasons);
        }
        throw err;
      }
    }),

    read: guard(async (id: string, props: PropertyMap) => {
      // No state at all: an import (or `.get()`), which knows only the id. Inputs the API does not
      // hold start at their defaults, so the engine's following check and diff see no change.
      const importing = Object.keys(own(props)).length === 0;
      const state = importing ? {} : stateOf(props);
      const trace = parsePendingId(id);
      if (trace) {
        // Refresh adopts what the attempt made (the engine takes a new id from Read), or drops it.
        const found = await definition.findPending(ctx, trace, state);
        if (found === undefined) return { id: "", props: {} };
        const outs = { ...state, ...found.outs };
        return { id: found.id, props: outputsOf(outs), inputs: inputsOf(definition, defined(outs)) };
      }
      const current = await definition.read(ctx, id, state);
      // An empty id tells the engine the object is gone; it drops it from state.
      if (current === undefined) return { id: "", props: {} };
      const base = importing ? defaultsOf(definition) : state;
      const outs = { ...base, ...current };
      return { id, props: outputsOf(outs), inputs: inputsOf(definition, defined(outs)) };
    }),

    update: guard(async (id: string, olds: PropertyMap, news: PropertyMap) => {
      if (parsePendingId(id)) {
        // diff always replaces a trace; an engine that updates it anyway gets a way out.
        throw new Error(`${definition.kind} was left unfinished by an earlier create; run \`pulumi refresh\`, then \`pulumi up\`.`);
      }
      const inputs = own(news);
      const state = stateOf(olds);
      const outs = definition.update ? await definition.update(ctx, id, state, inputs) : {};
      // Old outputs carry over (computed values), but not inputs the user has since removed.
      const carried = Object.fromEntries(Object.entries(state).filter(([key]) => !(key in definition.inputs)));
      return { outs: outputsOf({ ...carried, ...inputs, ...outs }) };
    }),

    delete: guard(async (id: string, props: PropertyMap) => {
      const state = stateOf(props);
      const trace = parsePendingId(id);
      if (!trace) return definition.delete(ctx, id, state);
      const found = await definition.findPending(ctx, trace, state);
      if (found !== undefined) await definition.delete(ctx, found.id, { ...state, ...found.outs });
    }),
  };
}
