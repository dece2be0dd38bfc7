#!/usr/bin/env node
// Starts The Cloud's native plugin. Pulumi runs it as `pulumi-resource-thecloud <args>`: the
// executable of the package's plugin folder, or the package's bin found on PATH. The engine's
// address is the last argument (logging and tracing flags may come first).
import { serve } from "../../provider/plugin/server";
import { thecloud } from "./backend";

const last = process.argv[process.argv.length - 1];
const engineAddress = process.argv.length > 2 && !last.startsWith("-") ? last : undefined;

serve(thecloud, engineAddress).catch((err: unknown) => {
  console.error(`pulumi-resource-thecloud could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
