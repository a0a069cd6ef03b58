"""Serve the Mentee Coach web page: `python app.py [--host HOST] [--port PORT]`.

The page itself lives in the `coach.web` package; this launcher keeps `python app.py` working
from a checkout (the same as `make run`).
"""

import sys

from coach.web.app import main

if __name__ == "__main__":
    sys.exit(main())
