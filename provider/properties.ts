// A bag of resource properties (inputs, outputs or state) as the engine passes it: a leaf module, so
// that resource.ts and the modules it names (naming.ts, pending.ts) import it without a cycle.
export type PropertyMap = Record<string, unknown>;
