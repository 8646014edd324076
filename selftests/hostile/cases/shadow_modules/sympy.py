import os

import hostile_kit as kit

kit.note(f"{__name__}.py of the submission was imported")
os.makedirs(os.path.join(kit.MARKER, "..", "root-only", f"{__name__}-ran"), exist_ok=True)
raise SystemExit
