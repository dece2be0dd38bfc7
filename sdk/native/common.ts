// What every class of the native SDK shares (the classes themselves are generated).
import { nativeCommon } from "../nativeCommon";

export const { resourceInputs, resourceOptions, invokeOptions } = nativeCommon("pulumi-mamutecloud");
