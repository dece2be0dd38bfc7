#!/usr/bin/env node
// Starts Shardlyn's native plugin. Pulumi runs it as `pulumi-resource-shardlyn <args>`: the
// executable of the package's plugin folder, or the package's bin found on PATH.
import { runPlugin } from "../../provider/plugin/server";
import { shardlyn } from "./backend";

runPlugin(shardlyn);
