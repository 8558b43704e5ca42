"""Exporters: threads and emails out as JSON, JSONL, CSV, tables, trees, Markdown, mbox, HTML.

Input is a :class:`~mailarchive.model.Document` (or, for streaming JSONL, an
iterable of :class:`~mailarchive.model.Email`); output is text or bytes in one
of the formats below. Every exporter is deterministic: the same Document gives
the same bytes. Nothing here imports click.

- :mod:`.jsonout`  -- the JSON contract (JMAP names), JSON and JSON Lines
- :mod:`.schema`   -- the JSON Schema shipped in ``schema.json``
- :mod:`.table`    -- tabulate listings of emails and threads
- :mod:`.tree`     -- threads drawn as indented trees (``threads --format tree``, ``show``)
- :mod:`.csvout`   -- one CSV row per message
- :mod:`.markdown` -- a thread as a readable conversation
- :mod:`.mboxout`  -- mboxrd, real messages byte for byte, embedded ones synthesized
- :mod:`.html`     -- a static, self-contained, browsable archive
- :mod:`.stats`    -- counts for ``mailarchive stats``
"""
