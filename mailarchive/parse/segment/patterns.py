"""The pattern table: every header label, banner and attribution the segmenter knows.

This module is data only. The code that applies it (``headers``,
``segmenter``) knows no language: adding a client or a language means adding
an entry here, commented with the client and language it comes from.

Every regular expression here is applied to one line (or to two joined lines
for wrapped attributions, see ``thresholds.MAX_ATTRIBUTION_LINES``), is
anchored, and uses only bounded quantifiers with no nesting, so matching
stays linear in the line length whatever the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Field(StrEnum):
    """The header fields an embedded header block can carry."""

    FROM = "from"
    SENDER = "sender"  # Lotus "Sent by:"
    DATE = "date"
    TO = "to"
    CC = "cc"
    BCC = "bcc"
    SUBJECT = "subject"
    REPLY_TO = "reply-to"
    MESSAGE_ID = "message-id"  # raw headers pasted whole
    IN_REPLY_TO = "in-reply-to"
    OTHER = "other"  # recognised but not kept (Importance, Attachments, ...)


@dataclass(frozen=True, slots=True)
class Label:
    """One header label as a mail client writes it."""

    text: str
    field: Field
    languages: frozenset[str]  # ISO 639-1 codes this label is used in


def _l(text: str, field: Field, *languages: str) -> Label:
    return Label(text, field, frozenset(languages))


# Header labels. A label shared by several languages lists them all, so the
# language of a block is the intersection over its labels.
LABELS: tuple[Label, ...] = (
    # --- From ---
    _l(
        "From", Field.FROM, "en"
    ),  # every English client (Gmail, Outlook, Apple, Thunderbird, Yahoo)
    _l("Von", Field.FROM, "de"),  # Outlook/Gmail/Thunderbird German
    _l("De", Field.FROM, "fr", "es", "pt"),  # Outlook/Gmail French, Spanish, Portuguese
    _l("Da", Field.FROM, "it"),  # Outlook/Gmail Italian
    _l("Van", Field.FROM, "nl"),  # Outlook/Gmail Dutch
    _l("Från", Field.FROM, "sv"),  # Outlook/Gmail Swedish
    _l("Fra", Field.FROM, "da", "no"),  # Outlook/Gmail Danish and Norwegian
    _l("Od", Field.FROM, "pl"),  # Outlook/Gmail Polish
    _l("Nadawca", Field.FROM, "pl"),  # Thunderbird Polish
    _l("От", Field.FROM, "ru"),  # Outlook/Gmail/Yandex Russian
    _l("От кого", Field.FROM, "ru"),  # Mail.ru Russian
    _l("差出人", Field.FROM, "ja"),  # Outlook/Gmail Japanese
    _l("发件人", Field.FROM, "zh"),  # Outlook/Gmail/QQ Mail simplified Chinese
    _l("寄件者", Field.FROM, "zh"),  # Outlook traditional Chinese
    # --- Sent / Date ---
    _l("Sent", Field.DATE, "en"),  # Outlook English
    _l("Date", Field.DATE, "en", "fr"),  # Gmail/Apple/Thunderbird English; Thunderbird French
    _l("Gesendet", Field.DATE, "de"),  # Outlook German
    _l("Datum", Field.DATE, "de", "nl", "sv"),  # Gmail/Apple German, Dutch, Swedish
    _l("Envoyé", Field.DATE, "fr"),  # Outlook French
    _l("Enviado", Field.DATE, "es", "pt"),  # Outlook Spanish, Portuguese
    _l("Enviado el", Field.DATE, "es"),  # Outlook.com Spanish
    _l("Fecha", Field.DATE, "es"),  # Gmail Spanish
    _l("Data", Field.DATE, "it", "pt", "pl"),  # Gmail Italian, Portuguese, Polish
    _l("Inviato", Field.DATE, "it"),  # Outlook Italian
    _l("Verzonden", Field.DATE, "nl"),  # Outlook Dutch
    _l("Skickat", Field.DATE, "sv"),  # Outlook Swedish
    _l("Sendt", Field.DATE, "da", "no"),  # Outlook Danish, Norwegian
    _l("Dato", Field.DATE, "da", "no"),  # Gmail Danish, Norwegian
    _l("Wysłano", Field.DATE, "pl"),  # Outlook Polish
    _l("Отправлено", Field.DATE, "ru"),  # Outlook Russian
    _l("Дата", Field.DATE, "ru"),  # Gmail/Thunderbird Russian
    _l("送信日時", Field.DATE, "ja"),  # Outlook Japanese
    _l("日付", Field.DATE, "ja"),  # Gmail Japanese
    _l("发送时间", Field.DATE, "zh"),  # Outlook/QQ simplified Chinese
    _l("日期", Field.DATE, "zh"),  # Gmail simplified Chinese
    _l("寄件日期", Field.DATE, "zh"),  # Outlook traditional Chinese
    # --- To ---
    _l("To", Field.TO, "en"),  # English clients
    _l("An", Field.TO, "de"),  # German
    _l("À", Field.TO, "fr"),  # Outlook/Gmail French
    _l("A", Field.TO, "fr", "it", "es"),  # French without accent (old Outlook), Italian, Spanish
    _l("Pour", Field.TO, "fr"),  # Thunderbird French
    _l("Para", Field.TO, "es", "pt"),  # Spanish, Portuguese
    _l("Aan", Field.TO, "nl"),  # Dutch
    _l("Till", Field.TO, "sv"),  # Swedish
    _l("Til", Field.TO, "da", "no"),  # Danish, Norwegian
    _l("Do", Field.TO, "pl"),  # Polish
    _l("Adresat", Field.TO, "pl"),  # Thunderbird Polish
    _l("Кому", Field.TO, "ru"),  # Russian
    _l("宛先", Field.TO, "ja"),  # Japanese
    _l("收件人", Field.TO, "zh"),  # simplified Chinese
    _l("收件者", Field.TO, "zh"),  # traditional Chinese
    # --- Cc ---
    _l("Cc", Field.CC, "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "pl"),  # most
    _l("CC", Field.CC, "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no", "pl"),  # Outlook
    _l("cc", Field.CC, "en"),  # Lotus Notes, Thunderbird
    _l("Kopie", Field.CC, "de"),  # Outlook German
    _l("Kopia", Field.CC, "pl", "sv"),  # Outlook Polish, Swedish
    _l("Копия", Field.CC, "ru"),  # Russian
    _l("抄送", Field.CC, "zh"),  # simplified Chinese
    _l("副本", Field.CC, "zh"),  # traditional Chinese
    _l("CC", Field.CC, "ja"),  # Japanese Outlook keeps the Latin label
    # --- Bcc ---
    _l("Bcc", Field.BCC, "en"),  # English
    _l("Blindkopie", Field.BCC, "de"),  # German
    _l("Cci", Field.BCC, "fr"),  # French
    _l("CCO", Field.BCC, "es", "pt"),  # Spanish, Portuguese
    # --- Subject ---
    _l("Subject", Field.SUBJECT, "en"),  # English
    _l("Betreff", Field.SUBJECT, "de"),  # German
    _l("Objet", Field.SUBJECT, "fr"),  # Outlook/Gmail French
    _l("Sujet", Field.SUBJECT, "fr"),  # Thunderbird French
    _l("Asunto", Field.SUBJECT, "es"),  # Spanish
    _l("Oggetto", Field.SUBJECT, "it"),  # Italian
    _l("Assunto", Field.SUBJECT, "pt"),  # Portuguese
    _l("Onderwerp", Field.SUBJECT, "nl"),  # Dutch
    _l("Ämne", Field.SUBJECT, "sv"),  # Swedish
    _l("Emne", Field.SUBJECT, "da", "no"),  # Danish, Norwegian
    _l("Temat", Field.SUBJECT, "pl"),  # Polish
    _l("Тема", Field.SUBJECT, "ru"),  # Russian
    _l("件名", Field.SUBJECT, "ja"),  # Japanese
    _l("主题", Field.SUBJECT, "zh"),  # simplified Chinese
    _l("主旨", Field.SUBJECT, "zh"),  # traditional Chinese
    # --- Reply-To ---
    _l("Reply-To", Field.REPLY_TO, "en"),  # Thunderbird English
    _l("Répondre à", Field.REPLY_TO, "fr"),  # Outlook for Mac French
    _l("Antwort an", Field.REPLY_TO, "de"),  # Thunderbird German
    # --- raw RFC 5322 headers pasted whole (any client, "show original") ---
    _l("Message-ID", Field.MESSAGE_ID, "en"),  # RFC 5322 section 3.6.4
    _l("Message-Id", Field.MESSAGE_ID, "en"),  # RFC 5322, common spelling
    _l("In-Reply-To", Field.IN_REPLY_TO, "en"),  # RFC 5322 section 3.6.4
    # --- Lotus Notes ---
    _l("Sent by", Field.SENDER, "en"),  # Lotus Notes English
    # --- recognised, not kept ---
    _l("Importance", Field.OTHER, "en", "fr"),  # Outlook
    _l("Priority", Field.OTHER, "en"),  # Outlook
    _l("Attachments", Field.OTHER, "en"),  # Outlook
    _l("Anlagen", Field.OTHER, "de"),  # Outlook German
    _l("Wichtigkeit", Field.OTHER, "de"),  # Outlook German
    _l("Pièces jointes", Field.OTHER, "fr"),  # Outlook French
)

# Fields that, together with a From field, count as evidence of a header block.
EVIDENCE_FIELDS = frozenset({Field.DATE, Field.TO, Field.CC, Field.SUBJECT, Field.REPLY_TO})


class BannerKind(StrEnum):
    """What a banner announces."""

    FORWARD = "forward"  # the rest is a forwarded message
    ORIGINAL = "original"  # the rest is the message replied to (or forwarded: see the subject)


@dataclass(frozen=True, slots=True)
class Banner:
    """A line that announces an embedded message."""

    regex: re.Pattern[str]
    kind: BannerKind
    style: str  # export headerStyle
    language: str


def _b(pattern: str, kind: BannerKind, style: str, language: str, *, exact: bool = False) -> Banner:
    # Banners may be followed on the same line by a flattened header block
    # (HTML-to-text output); the regex matches the banner at the line start only.
    flags = 0 if exact else re.IGNORECASE
    return Banner(re.compile(pattern, flags), kind, style, language)


_D = r"[-=]{2,40}[ \t]{0,4}"  # the dash run around Gmail/Outlook/Thunderbird banners
_E = r"[ \t]{0,4}[-=]{2,40}"

FWD, ORIG = BannerKind.FORWARD, BannerKind.ORIGINAL

BANNERS: tuple[Banner, ...] = (
    # Thunderbird: exactly eight dashes and a capital "Message" (tried before Gmail's)
    _b(r"-{8} Forwarded Message -{8}", FWD, "thunderbird", "en", exact=True),  # Thunderbird en
    _b(r"-{8} Original Message -{8}", ORIG, "thunderbird", "en", exact=True),  # Thunderbird en
    _b(r"-{8} Message transf[ée]r[ée] -{8}", FWD, "thunderbird", "fr", exact=True),  # Thunderb. fr
    _b(r"-{8} Weitergeleitete Nachricht -{8}", FWD, "thunderbird", "de", exact=True),  # Th. de
    # Yahoo Mail: five dashes
    _b(r"-{5} Forwarded Message -{5}", FWD, "yahoo", "en", exact=True),  # Yahoo English
    _b(r"-{5} Original Message -{5}", ORIG, "yahoo", "en", exact=True),  # Yahoo, Outlook Express en
    # Gmail "---------- Forwarded message ---------" and Thunderbird/Yahoo
    # "-------- Forwarded Message --------" / "----- Forwarded Message -----"
    _b(_D + r"Forwarded message" + _E, FWD, "gmail", "en"),  # Gmail/Thunderbird/Yahoo English
    _b(_D + r"Weitergeleitete Nachricht" + _E, FWD, "gmail", "de"),  # Gmail/Thunderbird German
    _b(_D + r"Message transf[ée]r[ée]" + _E, FWD, "gmail", "fr"),  # Gmail/Thunderbird French
    _b(_D + r"Mensaje reenviado" + _E, FWD, "gmail", "es"),  # Gmail Spanish
    _b(_D + r"Messaggio inoltrato" + _E, FWD, "gmail", "it"),  # Gmail Italian
    _b(_D + r"Mensagem encaminhada" + _E, FWD, "gmail", "pt"),  # Gmail Portuguese
    _b(_D + r"Doorgestuurd bericht" + _E, FWD, "gmail", "nl"),  # Gmail Dutch
    _b(_D + r"Vidarebefordrat meddelande" + _E, FWD, "gmail", "sv"),  # Gmail Swedish
    _b(_D + r"Videresendt (?:meddelelse|melding)" + _E, FWD, "gmail", "da"),  # Gmail Danish/Norw.
    _b(_D + r"Wiadomość przekazana dalej" + _E, FWD, "gmail", "pl"),  # Gmail Polish
    _b(_D + r"Пересылаемое сообщение" + _E, FWD, "gmail", "ru"),  # Gmail Russian
    _b(_D + r"Пересланное сообщение" + _E, FWD, "gmail", "ru"),  # Thunderbird Russian
    _b(_D + r"転送されたメッセージ" + _E, FWD, "gmail", "ja"),  # Gmail Japanese
    _b(_D + r"转发的邮件" + _E, FWD, "gmail", "zh"),  # Gmail simplified Chinese
    _b(
        _D + r"Forwarded by .{1,200}?" + _E, FWD, "lotus", "en"
    ),  # Lotus Notes "Forwarded by X on D"
    # Outlook "-----Original Message-----" and Thunderbird "-------- Original Message --------"
    _b(_D + r"Original Message" + _E, ORIG, "outlook", "en"),  # Outlook/Thunderbird English
    _b(_D + r"Urspr[üu]ngliche Nachricht" + _E, ORIG, "outlook", "de"),  # Outlook German
    _b(_D + r"Message d'origine" + _E, ORIG, "outlook", "fr"),  # Outlook French
    _b(_D + r"Mensaje original" + _E, ORIG, "outlook", "es"),  # Outlook Spanish
    _b(_D + r"Messaggio originale" + _E, ORIG, "outlook", "it"),  # Outlook Italian
    _b(_D + r"Mensagem original" + _E, ORIG, "outlook", "pt"),  # Outlook Portuguese
    _b(_D + r"Oorspronkelijk bericht" + _E, ORIG, "outlook", "nl"),  # Outlook Dutch
    _b(_D + r"Ursprungligt meddelande" + _E, ORIG, "outlook", "sv"),  # Outlook Swedish
    _b(_D + r"Oprindelig meddelelse" + _E, ORIG, "outlook", "da"),  # Outlook Danish
    _b(_D + r"Opprinnelig melding" + _E, ORIG, "outlook", "no"),  # Outlook Norwegian
    _b(_D + r"(?:Oryginalna wiadomość|Wiadomość oryginalna)" + _E, ORIG, "outlook", "pl"),  # Polish
    _b(_D + r"Исходное сообщение" + _E, ORIG, "outlook", "ru"),  # Outlook Russian
    _b(_D + r"元のメッセージ" + _E, ORIG, "outlook", "ja"),  # Outlook Japanese
    _b(_D + r"原始邮件" + _E, ORIG, "outlook", "zh"),  # Outlook/QQ simplified Chinese
    # Apple Mail "Begin forwarded message:" and its localized forms
    _b(r"Begin forwarded message:", FWD, "apple", "en"),  # Apple Mail English
    _b(r"Forwarded message:", FWD, "apple", "en"),  # Apple Mail / Sparrow English
    _b(r"Anfang der weitergeleiteten (?:Nachricht|E-Mail):", FWD, "apple", "de"),  # Apple German
    _b(r"D[ée]but du message r[ée]exp[ée]di[ée][ \t]?:", FWD, "apple", "fr"),  # Apple French
    _b(r"Inicio del mensaje reenviado:", FWD, "apple", "es"),  # Apple Spanish
    _b(r"Inizio messaggio inoltrato:", FWD, "apple", "it"),  # Apple Italian
    _b(r"In[íi]cio da mensagem reencaminhada:", FWD, "apple", "pt"),  # Apple Portuguese
    _b(r"Begin doorgestuurd bericht:", FWD, "apple", "nl"),  # Apple Dutch
    _b(r"Vidarebefordrat mejl:", FWD, "apple", "sv"),  # Apple Swedish
    _b(r"Start på videresendt (?:besked|melding):", FWD, "apple", "da"),  # Apple Danish/Norwegian
    _b(r"Początek przekazywanej wiadomości:", FWD, "apple", "pl"),  # Apple Polish
    _b(r"Начало переадресованного сообщения:", FWD, "apple", "ru"),  # Apple Russian
    _b(r"転送されたメール:", FWD, "apple", "ja"),  # Apple Japanese
    _b(r"以下为转发的邮件[：:]", FWD, "apple", "zh"),  # Apple simplified Chinese
)

# A rule line that Outlook puts right above its header block, with no banner
# text ("________________________________" in Outlook 2010+ plain text).
OUTLOOK_RULE = re.compile(r"[ \t]{0,8}_{10,200}[ \t]{0,8}")  # Outlook 2007+ (all languages)
# A plain dash rule used the same way by some Outlook/Exchange web clients.
DASH_RULE = re.compile(r"[ \t]{0,8}-{10,200}[ \t]{0,8}")  # Outlook Web / Exchange


@dataclass(frozen=True, slots=True)
class Attribution:
    """A reply attribution line ("On DATE, NAME wrote:")."""

    regex: re.Pattern[str]  # groups: ``date`` and ``from``, or ``both`` (split by heuristics)
    style: str
    language: str


def _a(pattern: str, language: str, style: str = "on-wrote") -> Attribution:
    return Attribution(re.compile(pattern), style, language)


_T = r".{1,240}?"  # a bounded, lazy run inside one (joined) attribution line

ATTRIBUTIONS: tuple[Attribution, ...] = (
    # Gmail/Apple/Thunderbird English: "On Tue, Mar 1, 2011 at 6:02 PM, Name <a@b> wrote:"
    _a(r"^(?:-{2,5} ?)?On (?P<both>" + _T + r")[ \t]?wrote:[ \t]?$", "en"),
    # Yahoo English: "--- On Mon, 1/2/12, Name <a@b> wrote:"
    # (covered by the optional dash prefix above)
    # Gmail/Apple German: "Am 24.02.2015 um 22:48 schrieb Name <a@b>:"
    _a(r"^Am (?P<date>" + _T + r"),? schrieb (?P<from>" + _T + r")[ \t]?:[ \t]?$", "de"),
    # Gmail/Apple French: "Le 6 janv. 2014 à 19:50, Name <a@b> a écrit :"
    _a(r"^Le (?P<both>" + _T + r") a [ée]crit[ \t]?:[ \t]?$", "fr"),
    # Gmail/Apple Spanish: "El 11/07/2012 06:13 p.m., Name escribió:"
    _a(r"^El (?P<both>" + _T + r") escribi[óo][ \t]?:[ \t]?$", "es"),
    # Gmail Italian: "Il giorno ven 16 feb 2018 alle ore 09:34 Name <a@b> ha scritto:"
    _a(r"^Il (?:giorno )?(?P<both>" + _T + r") ha scritto[ \t]?:[ \t]?$", "it"),
    # Gmail/Apple Portuguese: "Em qui, 24 de jan de 2019 às 14:31, Name <a@b> escreveu:"
    _a(r"^Em (?P<both>" + _T + r") escreveu[ \t]?:[ \t]?$", "pt"),
    # Gmail/Apple Dutch: "Op 16 feb. 2018 om 09:34 schreef Name <a@b>:"
    _a(r"^Op (?P<date>" + _T + r") schreef (?P<from>" + _T + r")[ \t]?:[ \t]?$", "nl"),
    # Thunderbird Dutch: "Op 16-02-18 09:34, Name wrote/heeft ... geschreven:"
    _a(r"^Op (?P<both>" + _T + r") het volgende geschreven[ \t]?:[ \t]?$", "nl"),
    # Gmail/Apple Swedish, Danish, Norwegian: "Den 24 februari 2015 22:48 skrev Name <a@b>:"
    _a(r"^Den (?P<date>" + _T + r") skrev (?P<from>" + _T + r")[ \t]?:[ \t]?$", "sv"),
    # Gmail Danish/Norwegian without "Den": "fre. 16. feb. 2018 kl. 09:34 skrev Name <a@b>:"
    _a(
        r"^(?P<date>[^:\n]{1,80}?\bkl\. " + _T + r") skrev (?P<from>" + _T + r")[ \t]?:[ \t]?$",
        "da",
    ),
    # Gmail Polish: "pt., 16 lut 2018 o 09:34 Name <a@b> napisał(a):"
    _a(r"^(?:W dniu )?(?P<both>" + _T + r") napisał(?:\(a\)|a)?[ \t]?:[ \t]?$", "pl"),
    # Gmail/Thunderbird Russian: "пт, 16 февр. 2018 г. в 09:34, Name <a@b>:" / "... пишет:"
    _a(r"^(?P<both>" + _T + r") (?:пишет|написал(?:\(а\)|а)?)[ \t]?:[ \t]?$", "ru"),
    _a(r"^(?P<date>[^\n<>]{1,80}? г\. в \d{1,2}:\d{2}), (?P<from>" + _T + r")[ \t]?:[ \t]?$", "ru"),
    # Gmail Japanese: "2018年2月16日(金) 9:34 Name <a@b>:"
    _a(
        r"^(?P<date>\d{4}年\d{1,2}月\d{1,2}日[^\n<>]{0,40}?\d{1,2}:\d{2}) (?P<from>"
        + _T
        + r")[ \t]?[:：][ \t]?$",
        "ja",
    ),
    # Gmail simplified Chinese: "Name <a@b> 于2018年2月16日周五 上午9:34写道："
    _a(r"^(?P<from>" + _T + r") ?于 ?(?P<date>" + _T + r") ?写道[ \t]?[:：][ \t]?$", "zh"),
    # Old Gmail: "2009/5/12 John Doe <john@doe.example>"
    _a(
        r"^(?P<date>\d{4}/\d{1,2}/\d{1,2}) "
        r"(?P<from>[^\n<>]{1,120}? <[^\s<>@]{1,64}@[^\s<>]{1,200}>)$",
        "en",
        "gmail",
    ),
)

# Lotus Notes reply header: "John Doe/ACME@ACME on 02/16/2018 09:34 AM" (or the
# name and date on two lines), followed by To/cc/Subject fields.
LOTUS_NAME_ON_DATE = re.compile(
    r"^(?P<from>[^\s:<>][^:<>\n]{0,120}?) on (?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4}"
    r"(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?)$"
)  # Lotus Notes English
# The same on two lines: a hierarchical Notes name ("Jane Roe/Sales/ACME@ACME"),
# then the date alone.
LOTUS_NAME_LINE = re.compile(r"^(?P<from>[^\s:<>][^:<>\n]{0,80}?/[^:<>\n]{1,80})$")  # Lotus Notes
LOTUS_DATE_LINE = re.compile(
    r"^(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?)$"
)  # Lotus Notes

# Signature separators. The RFC 3676 section 4.3 delimiter is "-- "; clients
# and people also write "--" and "__".
SIGNATURE_DELIMITER = re.compile(r"^(?:-- ?|_{2,80})[ \t]?$")  # RFC 3676; Mailman footer rule

# Mobile sign-offs that are signatures, not prose (email_reply_parser).
MOBILE_SIGNATURE = re.compile(
    r"^(?:Sent from my(?: [\w'’&+-]{1,24}){1,4}"  # English mobile clients ("Sent from my iPhone")
    r"|Sent from (?:Mail for Windows|Yahoo Mail|Outlook|Samsung|BlackBerry)[\w .-]{0,40}"  # English
    r"|Get Outlook for (?:iOS|Android).{0,20}"  # Outlook mobile English
    r"|Von meinem .{1,40} gesendet"  # German iOS/Android
    r"|Envoyé de mon .{1,40}"  # French iOS
    r"|Enviado desde mi .{1,40}"  # Spanish iOS
    r"|Inviato da(?:l mio)? .{1,40}"  # Italian iOS
    r"|Enviado do meu .{1,40}"  # Portuguese iOS
    r"|Verzonden met mijn .{1,40}"  # Dutch iOS
    r"|Skickat från min .{1,40}"  # Swedish iOS
    r"|Sendt fra min .{1,40}"  # Danish/Norwegian iOS
    r"|Wysłane z mojego .{1,40}"  # Polish iOS
    r"|Отправлено с (?:моего )?.{1,40}"  # Russian iOS
    r"|iPhoneから送信"  # Japanese iOS
    r"|发自我的.{1,20})$"  # Chinese iOS
)

# First tokens of lines that look like shell commands: a block of ">" lines
# made only of these is a shell prompt transcript, not a quote.
SHELL_WORDS = frozenset(
    {
        "ls", "cd", "cat", "echo", "sudo", "git", "python", "python3", "pip", "make", "grep",
        "rm", "cp", "mv", "mkdir", "export", "ssh", "curl", "wget", "docker", "kubectl", "npm",
        "yarn", "cargo", "go", "java", "gcc", "tar", "chmod", "chown", "find", "sed", "awk",
        "ps", "kill", "top", "apt", "apt-get", "yum", "brew", "systemctl", "service", "vim",
        "nano", "less", "more", "head", "tail", "touch", "which", "env", "source", "print",
        "import", "def", "for", "while", "if",
    }
)  # fmt: skip

# Words inside dates written by mail clients that the date parser does not
# know; removed (with the language they belong to) before a date is read.
# ``dates.sentAtRaw`` keeps the date as written.
DATE_NOISE: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    # Swedish/Danish/Norwegian "kl." (klockan/klokken): "fre 16 feb. 2018 kl. 09:34"
    (frozenset({"sv", "da", "no"}), re.compile(r"(?<!\w)kl\.?(?=\s)")),
    # Italian Gmail "alle ore", Spanish "a las", Portuguese "às" are read as they are
)

# Separators between the emails of a pasted text dump (one whole line each).
DUMP_SEPARATORS: tuple[re.Pattern[str], ...] = (
    # a rule of =, *, # or ~ (exhibits, forum exports, mbox-to-text tools)
    re.compile(r"[ \t]{0,8}[=*#~]{5,200}[ \t]{0,8}"),
    # a titled rule: "=== Message 3 ===", "*** Email 2 of 5 ***"
    re.compile(r"[ \t]{0,8}[=*#~]{3,20}[ \t]{0,4}[^=*#~\n]{1,80}?[ \t]{0,4}[=*#~]{3,20}[ \t]{0,8}"),
    # a numbered banner: "Message 2 of 5", "Email #3" (English)
    re.compile(
        r"(?:Message|E-?mail|Mail)[ \t]{0,4}#?[ \t]{0,2}\d{1,6}"
        r"(?:[ \t]{0,4}(?:of|/)[ \t]{0,4}\d{1,6})?:?"
    ),
    # the same in German, French, Spanish, Italian, Portuguese, Dutch
    re.compile(
        r"(?:Nachricht|Courriel|Mensaje|Messaggio|Mensagem|Bericht)[ \t]{0,4}(?:Nr\.|n[°º]|#)?"
        r"[ \t]{0,2}\d{1,6}(?:[ \t]{0,4}(?:von|sur|de|di|van|/)[ \t]{0,4}\d{1,6})?:?"
    ),
)
