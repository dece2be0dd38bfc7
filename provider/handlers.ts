// Turns a resource definition into the object the dynamic provider host calls. Outputs echo the
// inputs (the host hands diff, update and delete the old outputs, never the old inputs) except the
// `inputOnly` ones, carry the state version, and every error leaves redacted.
import type * as pulumi from "@pulumi/pulumi";
import { parsePendingId } from "./pending";
import { redactError } from "./redact";
import {
  ResourceInitError,
  STATE_VERSION,
  checkInputs,
  diffInputs,
  inputsOf,
  upgradeState,
  withoutInputOnly,
  type Context,
  type PropertyMap,
  type ResourceDefinition,
} from "./resource";

type DynamicProvider = Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;

/** Drops the serialized shim the host adds to every property bag. */
function own(props: PropertyMap | undefined): PropertyMap {
  const { __provider: _shim, ...rest } = props ?? {};
  return rest;
}

/** The host cannot send `undefined` (protobuf Struct): an absent value is an absent key. */
function defined(props: PropertyMap): PropertyMap {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
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

export function dynamicProvider(definition: ResourceDefinition, ctx: Context): DynamicProvider {
  /** Old outputs in the current shape, whichever version of the package wrote them. */
  const stateOf = (props: PropertyMap | undefined) => upgradeState(definition, own(props));
  const outputsOf = (props: PropertyMap) => defined({ ...withoutInputOnly(definition, props), __version: STATE_VERSION });
  return {
    check: guard(async (olds: PropertyMap, news: PropertyMap) => checkInputs(definition, own(olds), own(news))),

    diff: guard(async (id: string, olds: PropertyMap, news: PropertyMap) => {
      // A trace of a create whose outcome is unknown: an update could not give it a real id, a
      // replacement can. Delete first: the delete removes what that attempt made, if anything,
      // and the new object may need the same unique key.
      if (parsePendingId(id)) return { changes: true, replaces: ["id"], deleteBeforeReplace: true };
      return diffInputs(definition, stateOf(olds), own(news));
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
      const state = stateOf(props);
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
      const outs = { ...state, ...current };
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
  } as DynamicProvider;
}
