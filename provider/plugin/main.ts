#!/usr/bin/env node
// Starts the native plugin. Pulumi runs it as `pulumi-resource-mamutecloud <args>`: the executable
// of the plugin folder (plugin/ in the package) or the package's bin found on PATH. The engine's
// address is the last argument (logging and tracing flags may come first).
import { mamutecloud } from "../mamutecloud/backend";
import { serve } from "./server";

const last = process.argv[process.argv.length - 1];
const engineAddress = process.argv.length > 2 && !last.startsWith("-") ? last : undefined;

serve(mamutecloud, engineAddress).catch((err: unknown) => {
  console.error(`pulumi-resource-mamutecloud could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
