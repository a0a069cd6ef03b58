"""Guidance documents the tests ingest (besides the shipped corpus)."""

JOURNAL_DOC = """---
title: Keeping a Mentoring Journal
publisher: Test Guidance
source_kind: guide
---

## Why keep a mentoring journal

Keep a mentoring journal: after each conversation with your mentor, write down the advice she
gave, the decisions you made because of it, and the questions you want to raise next time.
Rereading the mentoring journal before a meeting keeps your questions short and specific.
"""
