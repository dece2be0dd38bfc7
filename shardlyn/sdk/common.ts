// What every class of Shardlyn's SDK shares (the classes themselves are generated).
import { nativeCommon } from "../../sdk/nativeCommon";

export const { resourceInputs, resourceOptions, invokeOptions } = nativeCommon("pulumi-shardlyn");
