// `pulumi import` through the real CLI and the native plugin: objects made in the dashboard (here,
// with the API) are imported into a Pulumi YAML stack from one import file; the program the CLI
// generates for them, put in the project, previews no change, and the stack then owns them
// (destroy deletes them). Kinds left out here: ImportedCertificate (the API never gives the PEM back,
// so its generated program needs the user's files), CdnCustomDomain and CertificateValidation
// (covered by the plugin's own import tests, test/plugin/).
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { api } from "../harness/emulator";
import { fullInventory } from "../harness/stack";
import { linkPackage, useCliProject } from "./harness";

const fixture = useCliProject("yaml", ({ project }) => linkPackage(project));

async function made(method: string, route: string, body?: unknown): Promise<any> {
  const answer = await api(fixture.emu, method, route, body);
  expect(answer.status).toBeLessThan(300);
  return answer.body;
}

test("objects made outside Pulumi: imported from one file, the generated program previews no change, destroy removes them", async () => {
  const { emu, project } = fixture;
  const before = await fullInventory(emu);
  const bucket = await made("POST", "/object-storage/buckets", { name: "imported-media", storage_class: "Standard" });
  const credential = await made("POST", `/object-storage/buckets/${bucket.id}/credentials`);
  const zone = await made("POST", "/dns/zones", { domain: "imported.example" });
  const record = await made("POST", `/dns/zones/${zone.id}/records`, { name: "www", type: "A", values: ["192.0.2.7"], ttl: 300 });
  const cdn = await made("POST", "/cdn/resource", { name: "imported-cdn", origin_group: { type: "storage", bucket_id: bucket.id } });
  const certificate = await made("POST", "/cdn/ssl-certificate", { domain_name: "www.imported.example" });

  // The program starts with nothing but the plugin; the import file names each object.
  const programFile = path.join(project.dir, "Pulumi.yaml");
  const program = yaml.load(fs.readFileSync(programFile, "utf8")) as Record<string, any>;
  fs.writeFileSync(programFile, yaml.dump({ name: program.name, runtime: program.runtime, packages: program.packages }));
  const resources = [
    { type: "mamutecloud:index:Bucket", name: "media", id: bucket.id },
    { type: "mamutecloud:index:BucketCredential", name: "uploader", id: `${bucket.id}/${credential.access_key_id}` },
    { type: "mamutecloud:index:DnsZone", name: "zone", id: zone.id },
    { type: "mamutecloud:index:DnsRecord", name: "www", id: `${zone.id}/${record.id}` },
    { type: "mamutecloud:index:CdnResource", name: "cdn", id: String(cdn.id) },
    { type: "mamutecloud:index:Certificate", name: "certificate", id: String(certificate.id) },
  ];
  fs.writeFileSync(path.join(project.dir, "import.json"), JSON.stringify({ resources }));
  await project.run(["import", "--file", "import.json", "--yes", "--protect=false", "--out", "generated.yaml", "--stack", project.stack]);

  const imported = await project.resources();
  expect(
    imported
      .filter((resource) => resource.type.startsWith("mamutecloud:index:"))
      .map((resource) => [resource.name, resource.id])
      .sort(),
  ).toEqual(resources.map((resource) => [resource.name, resource.id]).sort());
  // The secret the API showed once is not known to the import, and is not invented.
  expect(imported.find((resource) => resource.name === "uploader")!.outputs.secretAccessKey).toBeUndefined();

  const generated = yaml.load(fs.readFileSync(path.join(project.dir, "generated.yaml"), "utf8")) as Record<string, any>;
  expect(Object.keys(generated.resources).sort()).toEqual(resources.map((resource) => resource.name).sort());
  fs.writeFileSync(
    programFile,
    yaml.dump({ name: program.name, runtime: program.runtime, packages: program.packages, resources: generated.resources }),
  );
  await project.expectNoChanges();

  await project.destroy();
  expect(await fullInventory(emu)).toEqual(before);
}, 300_000);
