// What every class of The Cloud's SDK shares (the classes themselves are generated).
import { nativeCommon } from "../../sdk/nativeCommon";

export const { resourceInputs, resourceOptions, invokeOptions } = nativeCommon("pulumi-thecloud");
