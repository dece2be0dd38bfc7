// Secrets must never reach state in plain text, logs, errors or the host's stderr. Every error
// that leaves the provider passes through `redact`: it masks values the provider knows to be
// secret (the API key, the JWT, S3 secrets it has seen) and anything shaped like one: private keys,
// JWTs, secret-named fields, and the key shapes each cloud registers (`registerSecretPattern`).

const known = new Set<string>();

/** Remembers a secret value so that any later message containing it is masked. */
export function registerSecret(value: string | undefined | null): void {
  // Very short values would mask ordinary words; real secrets are long.
  if (typeof value === "string" && value.length >= 8) known.add(value);
}

const patterns: Array<[RegExp, string]> = [
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, "[redacted private key]"],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, "[redacted jwt]"],
  [/("?(?:secret_access_key|secretAccessKey|private_key|privateKey|api_key|apiKey)"?\s*[:=]\s*"?)[^"\s,}]{8,}/g, "$1[redacted]"],
];

/**
 * A shape of secret a cloud issues (its API keys' prefix), masked in every message from then on. A
 * cloud's configuration module registers its own when it loads, so nothing that resolves its
 * settings can leak one.
 */
export function registerSecretPattern(pattern: RegExp, replacement: string): void {
  if (!pattern.global) throw new Error("registerSecretPattern: the pattern must be global (/…/g)");
  if (!patterns.some(([known]) => known.source === pattern.source)) patterns.push([pattern, replacement]);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts an error's message and stack in place (keeping its class and fields such as `id`). */
export function redactError<E>(error: E): E {
  if (error instanceof Error) {
    error.message = redact(error.message);
    if (error.stack) error.stack = redact(error.stack);
  }
  return error;
}
