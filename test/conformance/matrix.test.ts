// The conformance matrix, first half of the dialect sets (default, then every other one); the
// second half is matrix-2.test.ts, so the two run side by side. The cases are in cases.ts.
import { dialectShard } from "../harness/dialects";
import { describeMatrix } from "./cases";

describeMatrix(dialectShard(0, 2));
