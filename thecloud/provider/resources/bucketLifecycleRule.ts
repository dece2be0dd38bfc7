// BucketLifecycleRule: `/storage/buckets/{bucket}/lifecycle`. A rule expires the objects under a
// prefix some days after they were written. The reference has no route that updates or reads one
// rule, so every change replaces it and a read finds it in its bucket's list. Its id is
// `<bucket>/<rule id>`, which is what an import takes. Rules have no unique key, so a create whose
// answer was lost adopts only a rule of its prefix and days that was not in the list taken before it.
import { z } from "zod";
import { createAdopting } from "../../../provider/adopt";
import type { ApiClient } from "../../../provider/client";
import { joinChildId, splitChildId } from "../../../provider/childId";
import { unlessGone } from "../../../provider/gone";
import { defineResource, present, type PropertyMap } from "../../../provider/resource";
import { bucketName, bucketPath } from "./bucket";

const ruleResponse = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  prefix: z.string().optional(),
  expiration_days: z.number().optional(),
  created_at: z.string().optional(),
});
type ApiRule = z.infer<typeof ruleResponse>;

const rulesPath = (bucket: string) => `${bucketPath(bucket)}/lifecycle`;

function rules(client: ApiClient, bucket: string): Promise<ApiRule[]> {
  return client.listAll({ operation: `list the lifecycle rules of bucket "${bucket}"`, path: rulesPath(bucket), item: ruleResponse });
}

function outputsOf(bucket: string, rule: ApiRule): PropertyMap {
  return present({ bucket, ruleId: rule.id, prefix: rule.prefix, expirationDays: rule.expiration_days, createdAt: rule.created_at });
}

const sameRule = (prefix: string, days: number) => (rule: ApiRule) =>
  (rule.prefix ?? "") === prefix && (rule.expiration_days === undefined || rule.expiration_days === days);

export const bucketLifecycleRule = defineResource({
  kind: "BucketLifecycleRule",
  description: "Expires a bucket's objects under a prefix some days after they were written. Every change replaces the rule.",
  inputs: {
    bucket: { description: "The bucket's name.", schema: bucketName, required: true, replaceOnChange: true },
    prefix: {
      description: 'Objects whose key starts with this (e.g. `logs/`); `""` for every object of the bucket.',
      schema: z.string().max(1024, "must be at most 1024 characters"),
      default: "",
      replaceOnChange: true,
    },
    expirationDays: {
      description: "Days after an object was written that it expires: a whole number from 1 to 3650.",
      schema: z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(3650, "must be at most 3650 days"),
      required: true,
      replaceOnChange: true,
    },
  },
  outputs: {
    ruleId: { description: "The API's id of the rule within its bucket.", schema: z.string() },
    createdAt: { description: "When the rule was created, ISO 8601 (when the API says).", schema: z.string(), required: false },
  },

  async create(ctx, inputs) {
    const client = ctx.client();
    const { bucket, prefix, expirationDays } = inputs;
    // No unique key: what a lost create made is a rule of this prefix and days that was not there before.
    const before = new Set((await rules(client, bucket)).map((rule) => rule.id));
    const created = await createAdopting({
      client,
      key: { bucket, prefix, expirationDays: String(expirationDays) },
      what: `a lifecycle rule for "${prefix}" on bucket "${bucket}"`,
      idOf: (rule) => rule.id,
      newSinceBefore: true,
      excluded: async () => [...before],
      create: () =>
        client.call({
          operation: `create a lifecycle rule for "${prefix}" on bucket "${bucket}"`,
          method: "POST",
          path: rulesPath(bucket),
          body: { prefix, expiration_days: expirationDays },
          response: ruleResponse,
        }),
      lookup: async () => (await rules(client, bucket)).filter((rule) => !before.has(rule.id) && sameRule(prefix, expirationDays)(rule)),
      createdAt: (rule) => rule.created_at,
      conflict: (_found, cause) => cause ?? new Error(`bucket "${bucket}" refused the lifecycle rule`),
    });
    return { id: joinChildId(bucket, created.id), outs: outputsOf(bucket, { prefix, expiration_days: expirationDays, ...created }) };
  },

  async read(ctx, id) {
    const [bucket, ruleId] = splitChildId(id, "BucketLifecycleRule", "<bucket>/<rule id>", "site-logs/3");
    const found = await unlessGone(async () => (await rules(ctx.client(), bucket)).find((rule) => rule.id === ruleId));
    return found ? outputsOf(bucket, found) : undefined;
  },

  async delete(ctx, id) {
    const [bucket, ruleId] = splitChildId(id, "BucketLifecycleRule", "<bucket>/<rule id>", "site-logs/3");
    await unlessGone(() =>
      ctx.client().call({
        operation: `delete lifecycle rule ${ruleId} of bucket "${bucket}"`,
        method: "DELETE",
        path: `${rulesPath(bucket)}/${encodeURIComponent(ruleId)}`,
      }),
    );
  },

  async findPending(ctx, trace) {
    const { bucket, prefix, expirationDays } = trace.key;
    const excluded = new Set(trace.excluded ?? []);
    const found = await unlessGone(async () =>
      (await rules(ctx.client(), bucket)).filter((rule) => !excluded.has(rule.id) && sameRule(prefix, Number(expirationDays))(rule)),
    );
    if (!found || found.length === 0) return undefined;
    if (found.length > 1)
      throw new Error(
        `${found.length} lifecycle rules for "${prefix}" appeared on bucket "${bucket}"; delete the extra ones, then refresh`,
      );
    return { id: joinChildId(bucket, found[0].id), outs: outputsOf(bucket, found[0]) };
  },
});
