// One read shared by the operations that need it at once. An API with no route that reads one object
// (refresh reads it from its kind's list) and a tight rate limit (a few requests a minute) would
// spend a request per resource on the same list: a refresh of six API keys, six lists. Reads of the
// same list that start while one is in flight, or shortly after it answered, share its answer.
// Whatever changes the list (a create, a delete) forgets it first, so a read never misses an
// object this process has made.

interface Entry {
  at: number;
  answer: Promise<unknown>;
}

const shared = new WeakMap<object, Map<string, Entry>>();

/** `load()`'s answer, shared per `owner` (a client) and `key` (the list's route) for `freshMs` after it answers. */
export function sharedRead<T>(owner: object, key: string, load: () => Promise<T>, freshMs = 2000): Promise<T> {
  let entries = shared.get(owner);
  if (!entries) shared.set(owner, (entries = new Map()));
  const known = entries.get(key);
  if (known && Date.now() - known.at <= freshMs) return known.answer as Promise<T>;
  const entry: Entry = { at: Infinity, answer: load() };
  entries.set(key, entry);
  entry.answer.then(
    () => (entry.at = Date.now()),
    () => entries.get(key) === entry && entries.delete(key),
  );
  return entry.answer as Promise<T>;
}

/** Forgets the shared answer of `key`: the list is about to change. */
export function forgetShared(owner: object, key: string): void {
  shared.get(owner)?.delete(key);
}
