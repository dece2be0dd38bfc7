// examples/python through the real CLI: a StaticSite in Python, the generated SDK's component class
// (the plugin constructs it), in the example's virtualenv made as its README says.
import { preparePython } from "./explicit";
import { siteLifecycle } from "./site";

siteLifecycle({ example: "python", prepare: preparePython });
