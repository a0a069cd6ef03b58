"""The Gradio web page: chat, email drafts and the guidance library, over the `Coach` API.

Modules: `service` (the library behind the page, no gradio), `render` (results -> markdown),
`failures` (what a user sees when something fails), `events` (queue settings), one module per
tab (`chat`, `draft`, `guidance`: build the layout, then wire its events), `api` (the named
endpoints for gradio_client) and `app` (assembles the page; `main` serves it).
"""

import os

# Before gradio is imported (any submodule imports this package first): gradio reads it at
# import time, and the app must stay offline.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
