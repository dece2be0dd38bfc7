// Conditional requests (RFC 7232 as S3 applies them): `If-Match` / `If-Unmodified-Since` fail with
// 412, `If-None-Match` / `If-Modified-Since` answer 304 on reads. The same rules serve the
// `x-amz-copy-source-if-*` headers of a copy, where every failure is a 412.
import type { StoredObject } from "../state";
import { unquoteEtag } from "./context";

export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

export type ConditionOutcome = { ok: true } | { ok: false; status: 304 | 412; condition: string };

/** `*` matches any existing object; otherwise a comma-separated list of (weak or strong) ETags. */
export function etagMatches(list: string, etag: string): boolean {
  return list.split(",").some((candidate) => {
    const value = candidate.trim();
    return value === "*" || unquoteEtag(value) === etag;
  });
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** HTTP dates have whole seconds, so a modification time is compared at that precision. */
function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

export function evaluateConditions(conditions: Conditions, object: StoredObject, notModifiedStatus: 304 | 412): ConditionOutcome {
  const modified = seconds(object.lastModified);
  if (conditions.ifMatch !== undefined) {
    if (!etagMatches(conditions.ifMatch, object.etag)) return { ok: false, status: 412, condition: "If-Match" };
  } else {
    const since = parseHttpDate(conditions.ifUnmodifiedSince);
    if (since !== undefined && modified > since) return { ok: false, status: 412, condition: "If-Unmodified-Since" };
  }
  if (conditions.ifNoneMatch !== undefined) {
    if (etagMatches(conditions.ifNoneMatch, object.etag)) return { ok: false, status: notModifiedStatus, condition: "If-None-Match" };
  } else {
    const since = parseHttpDate(conditions.ifModifiedSince);
    if (since !== undefined && modified <= since) return { ok: false, status: notModifiedStatus, condition: "If-Modified-Since" };
  }
  return { ok: true };
}
