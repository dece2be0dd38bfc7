#!/usr/bin/env node
// Starts The Cloud's native plugin. Pulumi runs it as `pulumi-resource-thecloud <args>`: the
// executable of the package's plugin folder, or the package's bin found on PATH.
import { runPlugin } from "../../provider/plugin/server";
import { thecloud } from "./backend";

runPlugin(thecloud);
