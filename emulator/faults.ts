// Fault injection for tests of retries and of creates whose answer was lost. Decisions come from a
// seeded PRNG drawn once per matching rule, in request arrival order, so the same request sequence
// meets the same faults on every run.
import { PLANE_NAMES, type PlaneName } from "./plane";
import { ControlConfigError, asObject, optionalChoice, optionalNumber, optionalText, spell, type Spelling } from "./control-config";

export type FaultKind = "status" | "delay" | "drop" | "lost_response";

export interface FaultRule<Plane extends string = PlaneName> {
  /** Match: all given conditions must hold. */
  plane?: Plane;
  method?: string;
  /** A route key: `POST /object-storage/buckets`, `S3 PutObject`. */
  route?: string;
  fault: FaultKind;
  /** `status`: the status to answer (400-599). */
  status?: number;
  /** `status`: seconds for a `Retry-After` header. */
  retryAfter?: number;
  /** `delay`: milliseconds to wait before running the request. */
  delayMs?: number;
  /** Chance (0-1, default 1) that a matching request gets the fault. */
  rate?: number;
  /** Stop after this many injections. */
  times?: number;
}

export interface FaultConfig<Plane extends string = PlaneName> {
  /** PRNG seed (a 32-bit integer, default 0). */
  seed?: number;
  rules: FaultRule<Plane>[];
}

export interface FaultReport<Plane extends string = PlaneName> {
  seed: number;
  rules: Array<FaultRule<Plane> & { injected: number }>;
}

export type FaultAction = { kind: "status"; status: number; retryAfter?: number } | { kind: "drop" } | { kind: "lost_response" };

export interface FaultDecision {
  /** Total of the `delay` rules that fired. */
  delayMs: number;
  /** The first non-delay rule that fired, if any. */
  action?: FaultAction;
}

const FAULT_KINDS: readonly FaultKind[] = ["status", "delay", "drop", "lost_response"];
/** A lost response only makes sense where the request changed something. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "DELETE", "PATCH"]);
const MAX_DELAY_MS = 120_000;

/** mulberry32: tiny, fast, and good enough to spread faults; uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readRule<Plane extends string>(value: unknown, index: number, spelling: Spelling, planes: readonly Plane[]): FaultRule<Plane> {
  const at = (name: string) => `rules[${index}].${spell(name, spelling)}`;
  const raw = asObject(value, `rules[${index}]`);
  const get = (name: string) => raw[spell(name, spelling)];
  const fault = optionalChoice(get("fault"), at("fault"), FAULT_KINDS);
  if (!fault) throw new ControlConfigError(at("fault"), `is required (${FAULT_KINDS.join(", ")})`);
  const rule: FaultRule<Plane> = { fault };

  const plane = optionalChoice(get("plane"), at("plane"), planes);
  if (plane) rule.plane = plane;
  const method = optionalText(get("method"), at("method"))?.toUpperCase();
  if (method) rule.method = method;
  const route = optionalText(get("route"), at("route"));
  if (route) rule.route = route;
  const rate = optionalNumber(get("rate"), at("rate"), { min: 0, max: 1 });
  if (rate !== undefined) rule.rate = rate;
  const times = optionalNumber(get("times"), at("times"), { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });
  if (times !== undefined) rule.times = times;

  if (fault === "status") {
    const status = optionalNumber(get("status"), at("status"), { min: 400, max: 599, integer: true });
    if (status === undefined) throw new ControlConfigError(at("status"), "is required for a status fault (400-599)");
    rule.status = status;
    const retryAfter = optionalNumber(get("retryAfter"), at("retryAfter"), { min: 0, max: 86400, integer: true });
    if (retryAfter !== undefined) rule.retryAfter = retryAfter;
  }
  if (fault === "delay") {
    const delayMs = optionalNumber(get("delayMs"), at("delayMs"), { min: 0, max: MAX_DELAY_MS, integer: true });
    if (delayMs === undefined) throw new ControlConfigError(at("delayMs"), `is required for a delay fault (0-${MAX_DELAY_MS})`);
    rule.delayMs = delayMs;
  }
  if (fault === "lost_response" && method && !MUTATING_METHODS.has(method)) {
    throw new ControlConfigError(at("method"), `lost_response only applies to ${[...MUTATING_METHODS].join(", ")}`);
  }
  return rule;
}

/**
 * Checks a configuration given from code (camelCase) or over HTTP (snake_case); `planes` are the
 * names a rule's `plane` may take (MamuteCloud's three by default).
 */
export function readFaultConfig(value: unknown, spelling: Spelling): Required<FaultConfig>;
export function readFaultConfig<Plane extends string>(
  value: unknown,
  spelling: Spelling,
  planes: readonly Plane[],
): Required<FaultConfig<Plane>>;
export function readFaultConfig(
  value: unknown,
  spelling: Spelling,
  planes: readonly string[] = PLANE_NAMES,
): Required<FaultConfig<string>> {
  const raw = asObject(value, "faults");
  const seed = optionalNumber(raw.seed, "seed", { min: -(2 ** 31), max: 2 ** 32 - 1, integer: true }) ?? 0;
  if (!Array.isArray(raw.rules)) throw new ControlConfigError("rules", "must be a list of fault rules");
  return { seed, rules: raw.rules.map((rule, index) => readRule(rule, index, spelling, planes)) };
}

/** A report in the HTTP spelling, for `GET /_emulator/faults`. */
export function faultReportJson(report: FaultReport<string>): unknown {
  return {
    seed: report.seed,
    rules: report.rules.map((rule) => Object.fromEntries(Object.entries(rule).map(([name, value]) => [spell(name, "snake"), value]))),
  };
}

export class FaultInjector<Plane extends string = PlaneName> {
  private seed = 0;
  private random = mulberry32(0);
  private rules: Array<{ rule: FaultRule<Plane>; injected: number }> = [];

  /** Replaces the rules, restarts the PRNG from the seed and zeroes the injection counts. */
  set(config: Required<FaultConfig<Plane>>): void {
    this.seed = config.seed;
    this.random = mulberry32(config.seed);
    this.rules = config.rules.map((rule) => ({ rule, injected: 0 }));
  }

  clear(): void {
    this.set({ seed: 0, rules: [] });
  }

  report(): FaultReport<Plane> {
    return { seed: this.seed, rules: this.rules.map(({ rule, injected }) => ({ ...rule, injected })) };
  }

  /** Rules in order; the first non-delay rule that fires wins, delays that fire add up. */
  decide(plane: Plane, method: string, routeKey: string): FaultDecision {
    let delayMs = 0;
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.times !== undefined && entry.injected >= rule.times) continue;
      if (rule.plane !== undefined && rule.plane !== plane) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.route !== undefined && rule.route !== routeKey) continue;
      if (rule.fault === "lost_response" && !MUTATING_METHODS.has(method)) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      entry.injected++;
      switch (rule.fault) {
        case "delay":
          delayMs += rule.delayMs ?? 0;
          continue;
        case "status":
          return { delayMs, action: { kind: "status", status: rule.status ?? 503, retryAfter: rule.retryAfter } };
        case "drop":
          return { delayMs, action: { kind: "drop" } };
        case "lost_response":
          return { delayMs, action: { kind: "lost_response" } };
      }
    }
    return { delayMs };
  }
}
