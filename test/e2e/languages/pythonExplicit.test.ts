// examples/python-explicit through the real CLI: the Python host runs __main__.py in the example's
// virtualenv, made as its README says (python3 -m venv venv; pip install -r requirements.txt, which
// installs `pulumi` from PyPI and the generated SDK from sdk/python).
import { explicitLifecycle, preparePython } from "./explicit";

explicitLifecycle({ example: "python-explicit", prepare: preparePython });
