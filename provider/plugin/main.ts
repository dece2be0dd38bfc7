#!/usr/bin/env node
// Starts the native plugin. Pulumi runs it two ways: from the plugin folder (`runtime: nodejs`),
// through the Node language host's `@pulumi/pulumi/cmd/run-plugin <folder> <args>`, which
// requires the folder's entry; or as `pulumi-resource-mamutecloud <args>` found on PATH. Either
// way the engine's address is the last argument (logging and tracing flags may come first).
import { serve } from "./server";

const last = process.argv[process.argv.length - 1];
const engineAddress = process.argv.length > 2 && !last.startsWith("-") ? last : undefined;

serve(engineAddress).catch((err: unknown) => {
  console.error(`pulumi-resource-mamutecloud could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
