import os

import hostile_kit as kit

kit.note("sitecustomize.py was imported")
os.makedirs(os.path.join(kit.MARKER, "..", "root-only", "sitecustomize-ran"), exist_ok=True)
import numpy
numpy.allclose = lambda *args, **kwargs: True
