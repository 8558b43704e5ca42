"""Reply and forward subject prefixes, one entry per language, as data.

``subject.py`` strips these from the front of a subject (RFC 5256 section 2.1
``subj-refwd``, extended to the prefixes localized mail clients write). The
code that applies them knows no language; add a prefix here, with where it
comes from, and nothing else changes. Matching is case-insensitive and a
prefix only counts when a colon (ASCII or full-width) follows it, optionally
after a counter (``Re[2]:``, ``Re(2):``, ``Re^2:``) or a list tag.
"""

from __future__ import annotations

REPLY_PREFIXES: tuple[str, ...] = (
    "re",  # RFC 5256 subj-refwd; English and most clients
    "aw",  # German Outlook: Antwort
    "antw",  # Dutch: Antwoord
    "sv",  # Swedish, Danish, Norwegian: Svar
    "vs",  # Finnish: Vastaus
    "odp",  # Polish, Czech: Odpowiedz / Odpoved
    "res",  # Portuguese (Brazil): Resposta
    "r",  # Italian Outlook: Risposta
    "rif",  # Italian: Riferimento
    "réf",  # French: Référence
    "ref",  # French without accent
    "ynt",  # Turkish: Yanit
    "vá",  # Hungarian: Válasz
    "atb",  # Latvian: Atbilde
    "ats",  # Lithuanian: Atsakymas
    "bls",  # Indonesian: Balas
    "απ",  # Greek: Απάντηση
    "σχετ",  # Greek: Σχετικά
    "отв",  # Russian: Ответ (short)
    "ответ",  # Russian: Ответ
    "השב",  # Hebrew
    "回复",  # Chinese (simplified) Outlook / Foxmail
    "答复",  # Chinese (simplified) Outlook
    "回覆",  # Chinese (traditional)
    "返信",  # Japanese
    "회신",  # Korean
)

FORWARD_PREFIXES: tuple[str, ...] = (
    "fw",  # RFC 5256 subj-refwd; Outlook
    "fwd",  # RFC 5256 subj-refwd; most clients
    "wg",  # German Outlook: Weitergeleitet
    "doorst",  # Dutch: Doorgestuurd
    "vs",  # Danish, Norwegian: Videresendt
    "vb",  # Swedish: Vidarebefordrat
    "vl",  # Finnish: Välitetty
    "fs",  # Icelandic, Swedish (older clients): Framsend
    "tr",  # French: Transféré
    "rv",  # Spanish: Reenviado
    "enc",  # Portuguese: Encaminhado
    "pd",  # Polish: Przekazane dalej
    "i",  # Italian Outlook: Inoltrato
    "ilt",  # Turkish: Iletildi
    "továbbítás",  # Hungarian
    "pārs",  # Latvian: Pārsūtīts
    "pers",  # Lithuanian: Persiųsta
    "trs",  # Indonesian: Teruskan
    "πρθ",  # Greek: Προώθηση
    "пересл",  # Russian: Переслано
    "הועבר",  # Hebrew
    "转发",  # Chinese (simplified)
    "轉寄",  # Chinese (traditional)
    "轉發",  # Chinese (traditional)
    "転送",  # Japanese
    "전달",  # Korean
)

ALL_PREFIXES: tuple[str, ...] = tuple(
    sorted(set(REPLY_PREFIXES + FORWARD_PREFIXES), key=lambda p: (-len(p), p))
)
