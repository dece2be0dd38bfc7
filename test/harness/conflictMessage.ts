// A 409's message has one sentence for the case only the user can judge (the holder is this very
// resource, made by an interrupted create: provider/conflict.ts interruptedAdvice), which says how
// to adopt or remove it. The rest of the message must never advise removing the holder.

const INTERRUPTED = /If no resource of this stack has the id .*? which creates it anew\./s;

/** The message without its interrupted-create sentence (which must be there). */
export function outsideInterruptedAdvice(message: string): string {
  if (!INTERRUPTED.test(message)) throw new Error(`no interrupted-create advice in: ${message}`);
  return message.replace(INTERRUPTED, "");
}
