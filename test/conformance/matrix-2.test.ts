// The conformance matrix, second half of the dialect sets (see matrix.test.ts); the cases are in cases.ts.
import { dialectShard } from "../harness/dialects";
import { describeMatrix } from "./cases";

describeMatrix(dialectShard(1, 2));
