// The conformance matrix's dialect sets: the emulator's default, each dialect alone, and `all`
// (see emulator/README.md, "What the documentation leaves open"). A test file runs its cases
// against each with `describe.each(DIALECTS)`, one emulator and one provider host per set, and
// checks the outcomes through the emulator's state, which no dialect changes.
import { DIALECT_NAMES, type DialectName } from "../../emulator";
import type { Engine } from "./engine";
import { api, type ApiAnswer, type Emulator } from "./emulator";
import { startLifecycle, type Lifecycle } from "./lifecycle";

export interface DialectSet {
  /** What the matrix calls it: `default`, a dialect's name, or `all`. */
  name: string;
  /** What `startEmulator({ dialect })` is given. */
  dialect: readonly string[];
  /** Under it, certificates and CDN deploys end in a failure word instead of becoming ready. */
  readyNever: boolean;
}

const set = (name: string, dialect: readonly string[]): DialectSet => ({ name, dialect, readyNever: dialect.includes("status-failures") });

/** The sets the matrix runs against, in this order. */
export const DIALECTS: readonly DialectSet[] = [
  set("default", []),
  ...DIALECT_NAMES.map((name: DialectName) => set(name, [name])),
  set("all", ["all"]),
];

/**
 * DIALECTS in `count` files' shares (every `count`-th set from `index`), so jest's two workers
 * run the matrix side by side: most of its time is spent waiting on child processes, not CPU.
 */
export function dialectShard(index: number, count: number): DialectSet[] {
  return DIALECTS.filter((_, position) => position % count === index);
}

/**
 * An emulator speaking the set's dialect, without deploy or validation delays, and the real provider host configured
 * for it with the stack configuration a user would give: nothing dialect-specific, because the
 * provider must cope with what the documents leave open by itself.
 */
export async function startDialectLifecycle(dialectSet: DialectSet): Promise<Lifecycle> {
  // No delays: every wait ends at its first look (a failure word too), so the matrix stays quick.
  return startLifecycle({}, { emulator: { dialect: dialectSet.dialect, cdnDeployDelayMs: 0, sslValidationDelayMs: 0 } });
}

/**
 * A management API call in the emulator's default dialect, whatever the one in force: for a
 * test's own setup (a foreign object the stack must not adopt), which must not depend on the
 * dialect under test. Throws unless it answers 2xx.
 */
export async function apiAsDefault<T = any>(emu: Emulator, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const dialect = emu.dialect();
  emu.setDialect([]);
  try {
    const answer = await api<T>(emu, method, path, body);
    if (answer.status < 200 || answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  } finally {
    emu.setDialect([...dialect]);
  }
}

/**
 * Every object the emulator holds, named as the provider names its resource ids, read from the
 * state (so the same in every dialect): buckets, `<bucket>/<access key>` credentials, zones,
 * `<zone>/<record>` records (without a zone's own NS), certificates, CDN resources and
 * `<resource>/<custom domain>` custom domains.
 */
export function emulatorObjects(emu: Emulator): string[] {
  const { state } = emu;
  const ids: string[] = [...state.buckets.keys(), ...state.zones.keys(), ...state.certificates.keys()];
  for (const credential of state.credentials.values()) ids.push(`${credential.bucketId}/${credential.accessKeyId}`);
  for (const record of state.records.values()) if (!record.managed) ids.push(`${record.zoneId}/${record.id}`);
  for (const resource of state.cdnResources.values()) {
    ids.push(resource.id);
    for (const domain of resource.customDomains) ids.push(`${resource.id}/${domain.id}`);
  }
  return ids.sort();
}

/** Objects on the emulator that neither the stack's state nor the test (`foreign`) knows. */
export function orphans(emu: Emulator, engine: Engine, foreign: ReadonlySet<string>): string[] {
  const known = new Set([...engine.state.values(), ...engine.pendingDeletes].map((resource) => resource.id));
  return emulatorObjects(emu).filter((id) => !known.has(id) && !foreign.has(id));
}

/** The ids in the stack's state that are the test's own objects: adopted, though nobody asked. */
export function adoptedForeign(engine: Engine, foreign: ReadonlySet<string>): string[] {
  return [...engine.state.values()].map((resource) => resource.id).filter((id) => foreign.has(id));
}
