// A kind keyed by a unique name the program may leave out (a bucket): the name is generated once
// (naming.ts: derived from the URN) and kept across runs, unless a change replaces the object, which
// then needs a new name so both can exist until the old one is deleted. The generated name is kept
// apart from `name`, which a refresh sets to whatever the object is called now: renamed outside the
// stack, it is renamed back.
import { autoname, type AutoNaming } from "./naming";
import { changedProperties, replacementsOf, type PropertyMap, type ResourceDefinition } from "./resource";

/** The internal inputs this keeps (the definition's `internalInputs`). */
export const GENERATED_NAME_INPUTS = ["__autoname", "__generatedName", "__nameFromUrn"];

/** For `refine`: sets `name` when the program gave none, as above. */
export function keepGeneratedName(definition: ResourceDefinition, inputs: PropertyMap, olds: PropertyMap, naming?: AutoNaming): void {
  if (inputs.name !== undefined) {
    inputs.__autoname = false;
    return;
  }
  const generated = typeof olds.__generatedName === "string" ? olds.__generatedName : olds.name;
  const kept = olds.__autoname === true && typeof generated === "string" ? generated : undefined;
  const replacing =
    kept !== undefined && replacementsOf(definition, changedProperties(definition, olds, { ...inputs, name: kept })).length > 0;
  autoname(inputs, olds, naming, kept, replacing);
  inputs.__generatedName = inputs.name;
}
