// Pulumi's package metaschema (a copy in test/fixtures), compiled once per test file: what every
// schema.json this repository generates or serves must satisfy.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { REPO_ROOT } from "./providerHost";

export const METASCHEMA_PATH = path.join(REPO_ROOT, "test", "fixtures", "pulumi-package-metaschema.json");

let compiled: ValidateFunction | undefined;

/** The metaschema's validator. */
export function packageValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv); // the metaschema uses "regex" and "uri-reference"
    compiled = ajv.compile(JSON.parse(fs.readFileSync(METASCHEMA_PATH, "utf8")));
  }
  return compiled;
}

/** What the metaschema finds wrong with `schema`: [] when it is valid. */
export function schemaErrors(schema: unknown): unknown[] {
  const validate = packageValidator();
  return validate(schema) ? [] : (validate.errors ?? ["invalid"]);
}
