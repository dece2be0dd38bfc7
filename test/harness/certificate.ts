// The certificate examples/imported-certificate's README makes: a self-signed one for www.example.com,
// by its openssl command, into `<dir>/certs/site.key` and `site.crt`. Returns the certificate's PEM.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export function makeSiteCertificate(dir: string): string {
  fs.mkdirSync(path.join(dir, "certs"), { recursive: true });
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "90"],
      ...["-subj", "/CN=www.example.com", "-addext", "subjectAltName=DNS:www.example.com"],
      ...["-keyout", "certs/site.key", "-out", "certs/site.crt"],
    ],
    { cwd: dir, stdio: "ignore" },
  );
  return fs.readFileSync(path.join(dir, "certs", "site.crt"), "utf8");
}
