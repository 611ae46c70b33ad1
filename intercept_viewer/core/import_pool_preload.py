"""Imported once by the import pool's fork server, so every worker process starts warm.

Loading the importers and the pymorphy3 dictionaries takes about a second; done here, in the
server, each forked worker shares them instead of loading its own.
"""

from __future__ import annotations

import intercept_viewer.core.importers.registry  # noqa: F401  (every importer and its libraries)
from intercept_viewer.core import wordforms

for _lang in ("ru", "uk"):
    wordforms._analyzer(_lang)
wordforms.normalize_texts(["warm up the stemmer"], "en")
