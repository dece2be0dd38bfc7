#!/usr/bin/env node
// Starts MamuteCloud's native plugin. Pulumi runs it as `pulumi-resource-mamutecloud <args>`: the
// executable of the plugin folder (plugin/ in the package) or the package's bin found on PATH.
import { mamutecloud } from "../mamutecloud/backend";
import { runPlugin } from "./server";

runPlugin(mamutecloud);
