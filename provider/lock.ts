// A process-wide lock per key. A CDN resource's custom domains are one list on the resource, so
// every change to it is a read-modify-write; two of them at once would each write back a list
// without the other's change. The provider host is one process per stack operation, so a lock
// here serializes every change this `pulumi up` makes to one resource's list. async-lock keeps a
// FIFO queue per key and drops the key when the queue empties.
import AsyncLock from "async-lock";

const locks = new AsyncLock({ maxPending: Infinity });

/** Runs `work` when no other work holds `key`, in the order asked. */
export function withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  return locks.acquire(key, work);
}
