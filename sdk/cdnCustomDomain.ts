import type * as pulumi from "@pulumi/pulumi";
import { MamuteResource } from "./resource";

export interface CdnCustomDomainArgs {
  /** Id of the CDN resource (a `CdnResource`'s `id`). Changing it moves the domain (detach, then attach). */
  resourceId: pulumi.Input<string>;
  /** `www.example.com`, or a wildcard `*.example.com`. Changes in place. */
  domainName: pulumi.Input<string>;
  /** Up to 10 more names served the same way, e.g. the apex. Order and repeats do not matter. */
  additionalDomains?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * An issued certificate covering every name, for HTTPS (a `Certificate`'s or
   * `ImportedCertificate`'s `id`; depend on its `CertificateValidation`). Changes in place.
   */
  certificateId?: pulumi.Input<string>;
  /** Whether the edge serves the domain. Default true. */
  active?: pulumi.Input<boolean>;
  /** How long a change waits for the domain's state and the deployment, e.g. `"30m"` (the default). */
  activationTimeout?: pulumi.Input<string>;
}

const outputs = [
  "resourceId",
  "domainName",
  "additionalDomains",
  "certificateId",
  "active",
  "activationTimeout",
  "customDomainId",
  "status",
  "cnameTarget",
  "createdAt",
] as const;

/**
 * A custom domain attached to a `CdnResource`. Its `id` is `<resourceId>/<customDomainId>`. Point
 * the domain's CNAME at `cnameTarget`. Any number of them can be declared on one resource: changes
 * to the resource's list are made one at a time, so none is lost.
 */
export class CdnCustomDomain extends MamuteResource {
  declare readonly resourceId: pulumi.Output<string>;
  declare readonly domainName: pulumi.Output<string>;
  declare readonly additionalDomains: pulumi.Output<string[]>;
  declare readonly certificateId: pulumi.Output<string | undefined>;
  declare readonly active: pulumi.Output<boolean>;
  declare readonly activationTimeout: pulumi.Output<string>;
  declare readonly customDomainId: pulumi.Output<string>;
  /** `pending`, `active` or `inactive`, as last reported. */
  declare readonly status: pulumi.Output<string>;
  /** Where the domain's CNAME must point: the resource's distribution domain. */
  declare readonly cnameTarget: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: CdnCustomDomainArgs, opts?: pulumi.CustomResourceOptions) {
    super("CdnCustomDomain", name, args, outputs, opts);
  }
}
