"""The Gradio web page: chat, email drafts and the guidance library, over the `Coach` API.

Modules: `service` (the library behind the page, no gradio), `render` (results -> markdown),
`failures` (what a user sees when something fails), `events` (queue settings), one module per
tab (`chat`, `mentors`, `draft`, `guidance`, `gaps`: build the layout, then wire its events),
`api` (the named endpoints for gradio_client), `openai_api` (`/v1`), `page` (assembles the page),
`server` (listens at once: `/v1` and a "starting" page until the page is ready) and `app`
(`python app.py`: serves it all).
"""

import os

# Before gradio is imported (any submodule imports this package first): gradio reads it at
# import time, and the app must stay offline.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

TITLE = "Mentee Coach"  # here, not in `page`: the launcher names the app before gradio loads
