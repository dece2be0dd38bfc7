// StaticSite for every language: what the native plugin's Construct runs for
// `mamutecloud:index:StaticSite` (schema.json's component, provider/staticSiteInterface.ts). It is
// the TypeScript SDK's own component class, made of the native resource classes, so a site declared
// in YAML, Python, Go or Java is the one a TypeScript program declares: the same checks, names,
// children under the component and outputs. Hand-written, beside the generated classes.
import * as pulumi from "@pulumi/pulumi";
import { staticSiteComponent } from "../../provider/staticSiteInterface";
import { StaticSite, type SiteResources, type StaticSiteArgs } from "../staticSite";
import * as native from "./index";

/** StaticSite made of the native plugin's resources (`mamutecloud:index:Bucket`, …). */
export class NativeStaticSite extends StaticSite {
  // The native classes take the same args and give the same outputs as the dynamic ones (both are
  // generated from the definitions); their TypeScript types are separate declarations, hence the cast.
  protected static override readonly resources = native as unknown as SiteResources;
}
/** Options the component reads when it runs (see `readInProgram`). */
const READ_IN_PROGRAM = Object.entries(staticSiteComponent.inputs).flatMap(([key, input]) => (input.readInProgram ? [key] : []));

/** Construct's answer for a StaticSite: the component made in this process, and its outputs. */
export function constructStaticSite(
  name: string,
  inputs: pulumi.Inputs,
  options: pulumi.ComponentResourceOptions,
): { urn: pulumi.Output<string>; state: pulumi.Inputs } {
  // A language that sends such an option as a value not known yet cannot have it read: say so.
  const domain = (inputs.domain ?? {}) as Record<string, unknown>;
  const unread = [
    ...READ_IN_PROGRAM.filter((key) => pulumi.Output.isInstance(inputs[key])),
    ...["name", "zoneDomain", "externalDns"].filter((key) => pulumi.Output.isInstance(domain[key])).map((key) => `domain.${key}`),
  ];
  if (unread.length) {
    throw new Error(
      `StaticSite ${name}: ${unread.join(", ")} must be known when the program runs (a folder, a host name), ` +
        "not the output of another resource.",
    );
  }
  // Construct answers the program only once every child is created, dnsRecords with the rest, and
  // a requested certificate's validation waits for the records the program would make from them.
  if (domain.externalDns === true && domain.certificateId === undefined) {
    throw new Error(
      `StaticSite ${name}: domain.externalDns with a certificate the site requests works in TypeScript programs only (where ` +
        "the site runs in the program): here the plugin builds the site, and its outputs, dnsRecords among them, reach the " +
        "program only once all its resources exist, the certificate's validation among them, which waits for the validation " +
        "record you would create from dnsRecords. Request the certificate in the program instead: a Certificate, your DNS " +
        "provider's record from its validationRecords, a CertificateValidation, and its certificateId as domain.certificateId " +
        "(dnsRecords then lists the CNAME alone).",
    );
  }
  const site = new NativeStaticSite(name, inputs as StaticSiteArgs, options);
  const outputs = site as unknown as Record<string, pulumi.Output<unknown>>;
  return { urn: site.urn, state: Object.fromEntries(Object.keys(staticSiteComponent.outputs).map((key) => [key, outputs[key]])) };
}
