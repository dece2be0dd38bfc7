import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

/** What the API says about any certificate, requested or imported. */
export const certificateFactOutputs = [
  "deleteTimeout",
  "status",
  "issuer",
  "serialNumber",
  "notBefore",
  "notAfter",
  "fingerprint",
  "issuedAt",
  "createdAt",
] as const;

/** The outputs `Certificate` and `ImportedCertificate` share. */
export abstract class CertificateResource extends MamuteResource {
  /** How long deleting waits while custom domains still use the certificate. */
  declare readonly deleteTimeout: pulumi.Output<string>;
  /** `pending_validation`, `issued` or `expired`, as the API last reported it. */
  declare readonly status: pulumi.Output<string>;
  /** The issuer's distinguished name, once issued. */
  declare readonly issuer: pulumi.Output<string | undefined>;
  /** Upper-case hex, once issued. */
  declare readonly serialNumber: pulumi.Output<string | undefined>;
  declare readonly notBefore: pulumi.Output<string | undefined>;
  /** Expiry (ISO 8601), once issued. */
  declare readonly notAfter: pulumi.Output<string | undefined>;
  /** SHA-256 fingerprint, upper-case hex pairs joined by `:`, once issued. */
  declare readonly fingerprint: pulumi.Output<string | undefined>;
  declare readonly issuedAt: pulumi.Output<string | undefined>;
  declare readonly createdAt: pulumi.Output<string>;
}
