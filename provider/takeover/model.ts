// What the adopt command found in an account, as the renderer needs it: one entry per object with
// its import id and the inputs of its declaration, references to other adopted objects kept as
// references (rendered `zone.id`), so the written program wires them as Outputs.

/** Another adopted object's `id`, by the variable that holds it. */
export class Ref {
  constructor(readonly variable: string) {}
}

/** TypeScript text written as it is (a file read for a PEM the API never gives back). */
export class Expr {
  constructor(readonly code: string) {}
}

export type Value = string | number | boolean | Ref | Expr | Value[] | { [key: string]: Value };

/** The native kinds the command adopts, in declaration order (an object only refers to earlier ones). */
export const ADOPTED_KINDS = [
  "Bucket",
  "BucketCredential",
  "DnsZone",
  "DnsRecord",
  "Certificate",
  "ImportedCertificate",
  "CdnResource",
  "CdnCustomDomain",
] as const;
export type AdoptedKind = (typeof ADOPTED_KINDS)[number];

export interface Adopted {
  kind: AdoptedKind;
  logicalName: string;
  variable: string;
  /** The id `pulumi import` takes for this kind (README, "Import"). */
  importId: string;
  inputs: Record<string, Value>;
  /** Comment lines written above the declaration (what to do by hand, and why). */
  notes: string[];
}

/** Something in the account the program does not declare, and why. */
export interface Skipped {
  what: string;
  why: string;
}

export interface AdoptedAccount {
  objects: Adopted[];
  skipped: Skipped[];
}

/** Files an ImportedCertificate's PEM is read from, relative to the program folder. */
export function certificateFiles(logicalName: string): { certificate: string; privateKey: string } {
  return { certificate: `certs/${logicalName}.crt`, privateKey: `certs/${logicalName}.key` };
}
