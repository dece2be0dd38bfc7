// What `pulumi preview --diff` lists of a folder's manifest (`files`, one line per file, which the
// CLI shows as a line diff): the files added, changed and removed between the old inputs and the
// new ones. The real CLI's display of it is checked end to end (manifestLinesInDiff in cli.ts).
import { decodeFiles } from "../../provider/sync/manifest";

export function manifestChanges(olds: unknown, news: unknown): { added: string[]; changed: string[]; removed: string[] } {
  const before = decodeFiles(olds as string);
  const after = decodeFiles(news as string);
  const sorted = (files: string[]) => files.sort();
  return {
    added: sorted(Object.keys(after).filter((file) => !(file in before))),
    changed: sorted(Object.keys(after).filter((file) => file in before && before[file] !== after[file])),
    removed: sorted(Object.keys(before).filter((file) => !(file in after))),
  };
}
