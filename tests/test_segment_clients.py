# ruff: noqa: E501  (the table rows are real message texts, kept on one line each)
"""Per client and language: a real-shaped example and what the segmenter reads from it.

One row per client and language; each row names where the format comes from.
Every row checks the embedded message's kind, header style, label language,
sender, subject, date, its text, and the parent's authored text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from mailarchive.model import (
    BodyPart,
    BodyValue,
    Content,
    DerivationKind,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
)
from mailarchive.parse.segment import split_email

FWD, REPLY = DerivationKind.FORWARD, DerivationKind.REPLY_QUOTE


@dataclass(frozen=True)
class Case:
    text: str
    kind: DerivationKind
    style: str
    language: str | None
    sender: tuple[str | None, str | None] | None
    subject: str | None
    sent_at: str | None  # ISO 8601 as read
    child_text: str  # the embedded message's authored text
    authored: str = "Top text."  # the parent's authored text


def email_of(text: str, subject: str | None = None) -> Email:
    return Email(
        id="eparent",
        source=SourceRef(SourceKind.EML, path="m.eml"),
        subject=subject,
        text_body=(BodyPart("1", "text/plain", len(text)),),
        body_values={"1": BodyValue(text)},
        content=Content(authored=text),
    )


CASES = {
    # Gmail, English: dashed banner, one field per line
    "gmail-en": Case(
        "Top text.\n\n---------- Forwarded message ---------\nFrom: Jane Roe <jane@example.com>\n"
        "Date: Fri, Feb 16, 2018 at 9:34 AM\nSubject: Budget\nTo: John Doe <john@example.com>\n\n"
        "Numbers attached.\n",
        FWD,
        "gmail",
        "en",
        ("Jane Roe", "jane@example.com"),
        "Budget",
        "2018-02-16T09:34:00",
        "Numbers attached.",
    ),
    # Gmail, German
    "gmail-de": Case(
        "Top text.\n\n---------- Weitergeleitete Nachricht ---------\nVon: Jana Rot <jana@example.de>\n"
        "Date: Fr., 16. Feb. 2018 um 09:34 Uhr\nSubject: Haushalt\nTo: Hans <hans@example.de>\n\n"
        "Zahlen anbei.\n",
        FWD,
        "gmail",
        "de",
        ("Jana Rot", "jana@example.de"),
        "Haushalt",
        "2018-02-16T09:34:00",
        "Zahlen anbei.",
    ),
    # Gmail, French
    "gmail-fr": Case(
        "Top text.\n\n---------- Forwarded message ---------\nDe : Jeanne Roux <jeanne@example.fr>\n"
        "Date: ven. 16 févr. 2018 à 09:34\nSubject: Budget\nTo: Jean <jean@example.fr>\n\n"
        "Chiffres joints.\n",
        FWD,
        "gmail",
        "fr",
        ("Jeanne Roux", "jeanne@example.fr"),
        "Budget",
        "2018-02-16T09:34:00",
        "Chiffres joints.",
    ),
    # Gmail, Spanish
    "gmail-es": Case(
        "Top text.\n\n---------- Mensaje reenviado ---------\nDe: Juana Rojo <juana@example.es>\n"
        "Date: vie, 16 feb 2018 a las 9:34\nSubject: Presupuesto\nTo: Juan <juan@example.es>\n\n"
        "Cifras adjuntas.\n",
        FWD,
        "gmail",
        "es",
        ("Juana Rojo", "juana@example.es"),
        "Presupuesto",
        "2018-02-16T09:34:00",
        "Cifras adjuntas.",
    ),
    # Gmail, Italian (only From and the banner are localized)
    "gmail-it": Case(
        "Top text.\n\n---------- Messaggio inoltrato ---------\nDa: Giulia Rossi <giulia@example.it>\nDate: ven 16 feb 2018 alle ore 09:34\nSubject: Bilancio\nTo: Marco <marco@example.it>\n\nCifre in allegato.\n",
        FWD,
        "gmail",
        "it",
        ("Giulia Rossi", "giulia@example.it"),
        "Bilancio",
        "2018-02-16T09:34:00",
        "Cifre in allegato.",
    ),
    # Gmail, Portuguese
    "gmail-pt": Case(
        "Top text.\n\n---------- Mensagem encaminhada ---------\nDe: Joana Rocha <joana@example.pt>\nDate: sex., 16 de fev. de 2018 às 09:34\nSubject: Orçamento\nTo: João <joao@example.pt>\n\nNúmeros em anexo.\n",
        FWD,
        "gmail",
        "pt",
        ("Joana Rocha", "joana@example.pt"),
        "Orçamento",
        "2018-02-16T09:34:00",
        "Números em anexo.",
    ),
    # Gmail, Dutch
    "gmail-nl": Case(
        "Top text.\n\n---------- Doorgestuurd bericht ---------\nVan: Jan Rood <jan@example.nl>\nDate: vr 16 feb. 2018 om 09:34\nSubject: Begroting\nTo: Piet <piet@example.nl>\n\nCijfers bijgevoegd.\n",
        FWD,
        "gmail",
        "nl",
        ("Jan Rood", "jan@example.nl"),
        "Begroting",
        "2018-02-16T09:34:00",
        "Cijfers bijgevoegd.",
    ),
    # Gmail, Swedish
    "gmail-sv": Case(
        "Top text.\n\n---------- Vidarebefordrat meddelande ---------\nFrån: Anna Röd <anna@example.se>\nDate: fre 16 feb. 2018 kl 09:34\nSubject: Budget\nTo: Per <per@example.se>\n\nSiffror bifogade.\n",
        FWD,
        "gmail",
        "sv",
        ("Anna Röd", "anna@example.se"),
        "Budget",
        "2018-02-16T09:34:00",
        "Siffror bifogade.",
    ),
    # Gmail, Polish
    "gmail-pl": Case(
        "Top text.\n\n---------- Wiadomość przekazana dalej ---------\nOd: Anna Nowak <anna@example.pl>\nDate: pt., 16 lut 2018 o 09:34\nSubject: Budżet\nTo: Jan <jan@example.pl>\n\nLiczby w załączniku.\n",
        FWD,
        "gmail",
        "pl",
        ("Anna Nowak", "anna@example.pl"),
        "Budżet",
        "2018-02-16T09:34:00",
        "Liczby w załączniku.",
    ),
    # Gmail, Russian
    "gmail-ru": Case(
        "Top text.\n\n---------- Пересылаемое сообщение ---------\nОт: Анна Иванова <anna@example.ru>\nDate: пт, 16 февр. 2018 г. в 09:34\nSubject: Бюджет\nTo: Иван <ivan@example.ru>\n\nЦифры во вложении.\n",
        FWD,
        "gmail",
        "ru",
        ("Анна Иванова", "anna@example.ru"),
        "Бюджет",
        "2018-02-16T09:34:00",
        "Цифры во вложении.",
    ),
    # Gmail, Japanese
    "gmail-ja": Case(
        "Top text.\n\n---------- 転送されたメッセージ ---------\nFrom: 山田 花子 <hanako@example.jp>\nDate: 2018年2月16日(金) 9:34\nSubject: 予算\nTo: 鈴木 <suzuki@example.jp>\n\n数字を添付します。\n",
        FWD,
        "gmail",
        "ja",
        ("山田 花子", "hanako@example.jp"),
        "予算",
        "2018-02-16T09:34:00",
        "数字を添付します。",
    ),
    # Gmail, simplified Chinese
    "gmail-zh": Case(
        "Top text.\n\n---------- 转发的邮件 ---------\n发件人： 王芳 <fang@example.cn>\nDate: 2018年2月16日周五 上午9:34\nSubject: 预算\nTo: 李雷 <lei@example.cn>\n\n数字见附件。\n",
        FWD,
        "gmail",
        "zh",
        ("王芳", "fang@example.cn"),
        "预算",
        "2018-02-16T09:34:00",
        "数字见附件。",
    ),
    # Outlook, English: "-----Original Message-----"
    "outlook-en": Case(
        "Top text.\n\n-----Original Message-----\nFrom: Jane Roe [mailto:jane@example.com]\n"
        "Sent: Friday, February 16, 2018 9:34 AM\nTo: John Doe\nCc: Doe, Jim; Roe, Ann\n"
        "Subject: Budget\n\nNumbers attached.\n",
        REPLY,
        "outlook",
        "en",
        ("Jane Roe", "jane@example.com"),
        "Budget",
        "2018-02-16T09:34:00",
        "Numbers attached.",
    ),
    # Outlook 2010+, English: underscore rule, no blank line after the header block
    "outlook-rule-en": Case(
        "Top text.\n________________________________________\nFrom: CRM <crm@example.com>\n"
        "Sent: Friday, 23 March 2012 17:08\nTo: John S. Greene\nSubject: [contact:106] Greene\n"
        "A new comment has been added.\n",
        REPLY,
        "outlook",
        "en",
        ("CRM", "crm@example.com"),
        "[contact:106] Greene",
        "2012-03-23T17:08:00",
        "A new comment has been added.",
    ),
    # Outlook, German
    "outlook-de": Case(
        "Top text.\n\n-----Ursprüngliche Nachricht-----\nVon: Jana Rot [mailto:jana@example.de]\n"
        "Gesendet: Freitag, 16. Februar 2018 09:34\nAn: Hans Schmidt\nBetreff: Haushalt\n\n"
        "Zahlen anbei.\n",
        REPLY,
        "outlook",
        "de",
        ("Jana Rot", "jana@example.de"),
        "Haushalt",
        "2018-02-16T09:34:00",
        "Zahlen anbei.",
    ),
    # Outlook, French (space before the colon)
    "outlook-fr": Case(
        "Top text.\n\n-----Message d'origine-----\nDe : Jeanne Roux [mailto:jeanne@example.fr]\n"
        "Envoyé : vendredi 16 février 2018 09:34\nÀ : Jean Dupont\nObjet : Budget\n\n"
        "Chiffres joints.\n",
        REPLY,
        "outlook",
        "fr",
        ("Jeanne Roux", "jeanne@example.fr"),
        "Budget",
        "2018-02-16T09:34:00",
        "Chiffres joints.",
    ),
    # Outlook, Dutch
    "outlook-nl": Case(
        "Top text.\n\n-----Oorspronkelijk bericht-----\nVan: Jan Rood <jan@example.nl>\n"
        "Verzonden: vrijdag 16 februari 2018 09:34\nAan: Piet\nOnderwerp: Begroting\n\n"
        "Cijfers bijgevoegd.\n",
        REPLY,
        "outlook",
        "nl",
        ("Jan Rood", "jan@example.nl"),
        "Begroting",
        "2018-02-16T09:34:00",
        "Cijfers bijgevoegd.",
    ),
    # Outlook, Spanish
    "outlook-es": Case(
        "Top text.\n\n-----Mensaje original-----\nDe: Juana Rojo [mailto:juana@example.es]\n"
        "Enviado: viernes, 16 de febrero de 2018 9:34\nPara: Juan\nAsunto: Presupuesto\n\n"
        "Cifras adjuntas.\n",
        REPLY,
        "outlook",
        "es",
        ("Juana Rojo", "juana@example.es"),
        "Presupuesto",
        "2018-02-16T09:34:00",
        "Cifras adjuntas.",
    ),
    # Outlook, Italian
    "outlook-it": Case(
        "Top text.\n\n-----Messaggio originale-----\nDa: Giulia Rossi [mailto:giulia@example.it]\n"
        "Inviato: venerdì 16 febbraio 2018 09:34\nA: Marco\nOggetto: Bilancio\n\n"
        "Cifre in allegato.\n",
        REPLY,
        "outlook",
        "it",
        ("Giulia Rossi", "giulia@example.it"),
        "Bilancio",
        "2018-02-16T09:34:00",
        "Cifre in allegato.",
    ),
    # Outlook, Portuguese
    "outlook-pt": Case(
        "Top text.\n\n-----Mensagem original-----\nDe: Joana Rocha [mailto:joana@example.pt]\n"
        "Enviado: sexta-feira, 16 de fevereiro de 2018 09:34\nPara: João\nAssunto: Orçamento\n\n"
        "Números em anexo.\n",
        REPLY,
        "outlook",
        "pt",
        ("Joana Rocha", "joana@example.pt"),
        "Orçamento",
        "2018-02-16T09:34:00",
        "Números em anexo.",
    ),
    # Outlook, Swedish
    "outlook-sv": Case(
        "Top text.\n\n-----Ursprungligt meddelande-----\nFrån: Anna Röd <anna@example.se>\n"
        "Skickat: den 16 februari 2018 09:34\nTill: Per\nÄmne: Budget\n\nSiffror bifogade.\n",
        REPLY,
        "outlook",
        "sv",
        ("Anna Röd", "anna@example.se"),
        "Budget",
        "2018-02-16T09:34:00",
        "Siffror bifogade.",
    ),
    # Outlook, Danish
    "outlook-da": Case(
        "Top text.\n\n-----Oprindelig meddelelse-----\nFra: Hanne Rød <hanne@example.dk>\n"
        "Sendt: 16. februar 2018 09:34\nTil: Peter\nEmne: Budget\n\nTal vedhæftet.\n",
        REPLY,
        "outlook",
        "da",
        ("Hanne Rød", "hanne@example.dk"),
        "Budget",
        "2018-02-16T09:34:00",
        "Tal vedhæftet.",
    ),
    # Outlook, Norwegian
    "outlook-no": Case(
        "Top text.\n\n-----Opprinnelig melding-----\nFra: Kari Rød <kari@example.no>\n"
        "Sendt: 16. februar 2018 09:34\nTil: Ola\nEmne: Budsjett\n\nTall vedlagt.\n",
        REPLY,
        "outlook",
        "no",
        ("Kari Rød", "kari@example.no"),
        "Budsjett",
        "2018-02-16T09:34:00",
        "Tall vedlagt.",
    ),
    # Outlook, Polish
    "outlook-pl": Case(
        "Top text.\n\n-----Oryginalna wiadomość-----\nOd: Anna Nowak <anna@example.pl>\n"
        "Wysłano: piątek, 16 lutego 2018 09:34\nDo: Jan Kowalski\nTemat: Budżet\n\n"
        "Liczby w załączniku.\n",
        REPLY,
        "outlook",
        "pl",
        ("Anna Nowak", "anna@example.pl"),
        "Budżet",
        "2018-02-16T09:34:00",
        "Liczby w załączniku.",
    ),
    # Outlook, Russian
    "outlook-ru": Case(
        "Top text.\n\n-----Исходное сообщение-----\nОт: Анна Иванова <anna@example.ru>\n"
        "Отправлено: 16 февраля 2018 г. 9:34\nКому: Иван\nТема: Бюджет\n\nЦифры во вложении.\n",
        REPLY,
        "outlook",
        "ru",
        ("Анна Иванова", "anna@example.ru"),
        "Бюджет",
        "2018-02-16T09:34:00",
        "Цифры во вложении.",
    ),
    # Outlook, Japanese (header block after a rule, full-width colons)
    "outlook-ja": Case(
        "Top text.\n\n________________________________\n差出人: 山田 花子 <hanako@example.jp>\n"
        "送信日時: 2018年2月16日 9:34\n宛先: 鈴木 一郎\n件名: 予算\n\n数字を添付します。\n",
        REPLY,
        "outlook",
        "ja",
        ("山田 花子", "hanako@example.jp"),
        "予算",
        "2018-02-16T09:34:00",
        "数字を添付します。",
    ),
    # Outlook / QQ Mail, simplified Chinese
    "outlook-zh": Case(
        "Top text.\n\n------------------ 原始邮件 ------------------\n发件人: 王芳 <fang@example.cn>\n"
        "发送时间: 2018年2月16日 9:34\n收件人: 李雷\n主题: 预算\n\n数字见附件。\n",
        REPLY,
        "outlook",
        "zh",
        ("王芳", "fang@example.cn"),
        "预算",
        "2018-02-16T09:34:00",
        "数字见附件。",
    ),
    # Outlook with HTML-to-text bold markers
    "outlook-bold-en": Case(
        "Top text.\n\n*From:* Kim via Site [mailto:noreply@site.com]\n*Sent:* Monday, January 15, "
        "2018 2:15 AM\n*To:* user@example.com\n*Subject:* You have a new message!\n\nHello.\n",
        REPLY,
        "outlook",
        "en",
        ("Kim via Site", "noreply@site.com"),
        "You have a new message!",
        "2018-01-15T02:15:00",
        "Hello.",
    ),
    # Apple Mail, English: banner and a ">"-quoted header block
    "apple-en": Case(
        "Top text.\n\nBegin forwarded message:\n\n> From: Jane Roe <jane@example.com>\n"
        "> Subject: Budget\n> Date: 16 February 2018 at 09:34:00 GMT+1\n> To: John <john@example.com>\n"
        ">\n> Numbers attached.\n",
        FWD,
        "apple",
        "en",
        ("Jane Roe", "jane@example.com"),
        "Budget",
        "2018-02-16T09:34:00+01:00",
        "Numbers attached.",
    ),
    # Apple Mail, French
    "apple-fr": Case(
        'Top text.\n\nDébut du message réexpédié :\n\nDe: "Jeanne Roux" <jeanne@example.fr>\n'
        "Date: 16 février 2018 09:34:00 UTC+1\nÀ: Jean <jean@example.fr>\nObjet: Budget\n\n"
        "Chiffres joints.\n",
        FWD,
        "apple",
        "fr",
        ("Jeanne Roux", "jeanne@example.fr"),
        "Budget",
        "2018-02-16T09:34:00+01:00",
        "Chiffres joints.",
    ),
    # Apple Mail, German
    "apple-de": Case(
        "Top text.\n\nAnfang der weitergeleiteten Nachricht:\n\nVon: Jana Rot <jana@example.de>\n"
        "Betreff: Haushalt\nDatum: 16. Februar 2018 um 09:34:00 MEZ\nAn: Hans <hans@example.de>\n\n"
        "Zahlen anbei.\n",
        FWD,
        "apple",
        "de",
        ("Jana Rot", "jana@example.de"),
        "Haushalt",
        "2018-02-16T09:34:00+01:00",
        "Zahlen anbei.",
    ),
    # Thunderbird, English: Subject first
    "thunderbird-en": Case(
        "Top text.\n\n-------- Forwarded Message --------\nSubject: \tBudget\nDate: \tFri, 16 Feb 2018 "
        "09:34:00 +0100\nFrom: \tJane Roe <jane@example.com>\nTo: \tJohn <john@example.com>\n\n"
        "Numbers attached.\n",
        FWD,
        "thunderbird",
        "en",
        ("Jane Roe", "jane@example.com"),
        "Budget",
        "2018-02-16T09:34:00+01:00",
        "Numbers attached.",
    ),
    # Thunderbird, French
    "thunderbird-fr": Case(
        "Top text.\n\n-------- Message transféré --------\nSujet :\tBudget\nDate :\tFri, 16 Feb 2018 "
        "09:34:00 +0100\nDe :\tJeanne Roux <jeanne@example.fr>\nPour :\tJean <jean@example.fr>\n\n"
        "Chiffres joints.\n",
        FWD,
        "thunderbird",
        "fr",
        ("Jeanne Roux", "jeanne@example.fr"),
        "Budget",
        "2018-02-16T09:34:00+01:00",
        "Chiffres joints.",
    ),
    # Yahoo Mail, English
    "yahoo-en": Case(
        "Top text.\n\n----- Forwarded Message -----\nFrom: Jane Roe <jane@yahoo.com>\nTo: John "
        "<john@example.com>\nSent: Friday, February 16, 2018 9:34 AM\nSubject: Budget\n\n"
        "Numbers attached.\n",
        FWD,
        "yahoo",
        "en",
        ("Jane Roe", "jane@yahoo.com"),
        "Budget",
        "2018-02-16T09:34:00",
        "Numbers attached.",
    ),
    # Lotus Notes, English: "Name on DATE" then To/cc/Subject
    "lotus-en": Case(
        "Top text.\n\nJane Roe/Sales/ACME on 02/16/2018 09:34 AM\nTo: John Doe/Sales/ACME@ACME\n"
        "cc: \nSubject: Budget\n\nNumbers attached.\n",
        REPLY,
        "lotus",
        "en",
        ("Jane Roe", None),
        "Budget",
        "2018-02-16T09:34:00",
        "Numbers attached.",
    ),
    # Lotus Notes, English: hierarchical name and date on two lines
    "lotus-two-lines-en": Case(
        "Top text.\n\nJane Roe/Sales/ACME@ACME\n02/16/2018 09:34 AM\nTo: John Doe/Sales/ACME@ACME\n"
        "cc: \nSubject: Budget\n\nNumbers attached.\n",
        REPLY,
        "lotus",
        "en",
        ("Jane Roe", None),
        "Budget",
        "2018-02-16T09:34:00",
        "Numbers attached.",
    ),
    # Lotus Notes forward banner
    "lotus-forward-en": Case(
        "Top text.\n\n----- Forwarded by John Doe/Sales/ACME on 02/16/2018 10:00 AM -----\n\n"
        "From: Jane Roe <jane@example.com>\nTo: John Doe <john@example.com>\nDate: 02/16/2018 09:34 AM\n"
        "Subject: Budget\n\nNumbers attached.\n",
        FWD,
        "lotus",
        "en",
        ("Jane Roe", "jane@example.com"),
        "Budget",
        "2018-02-16T09:34:00",
        "Numbers attached.",
    ),
    # Gmail reply attribution, English
    "on-wrote-en": Case(
        "Top text.\n\nOn Fri, Feb 16, 2018 at 9:34 AM, Jane Roe <jane@example.com> wrote:\n\n"
        "> Numbers attached.\n> See you.\n",
        REPLY,
        "on-wrote",
        "en",
        ("Jane Roe", "jane@example.com"),
        None,
        "2018-02-16T09:34:00",
        "Numbers attached.\nSee you.",
    ),
    # Gmail reply attribution wrapped over two lines
    "on-wrote-wrapped-en": Case(
        "Top text.\n\nOn Fri, Feb 16, 2018 at 9:34 AM, Jane Roe\n<jane@example.com> wrote:\n\n"
        "> Numbers attached.\n> See you.\n",
        REPLY,
        "on-wrote",
        "en",
        ("Jane Roe", "jane@example.com"),
        None,
        "2018-02-16T09:34:00",
        "Numbers attached.\nSee you.",
    ),
    # Gmail/Apple reply attribution, German
    "on-wrote-de": Case(
        "Top text.\n\nAm 16.02.2018 um 09:34 schrieb Jana Rot <jana@example.de>:\n\n"
        "> Zahlen anbei.\n> Bis bald.\n",
        REPLY,
        "on-wrote",
        "de",
        ("Jana Rot", "jana@example.de"),
        None,
        "2018-02-16T09:34:00",
        "Zahlen anbei.\nBis bald.",
    ),
    # Gmail reply attribution, French
    "on-wrote-fr": Case(
        "Top text.\n\nLe 16 févr. 2018 à 09:34, Jeanne Roux <jeanne@example.fr> a écrit :\n\n"
        "> Chiffres joints.\n> À bientôt.\n",
        REPLY,
        "on-wrote",
        "fr",
        ("Jeanne Roux", "jeanne@example.fr"),
        None,
        "2018-02-16T09:34:00",
        "Chiffres joints.\nÀ bientôt.",
    ),
    # Gmail reply attribution, Spanish
    "on-wrote-es": Case(
        "Top text.\n\nEl 16/02/2018 09:34, Juana Rojo <juana@example.es> escribió:\n\n"
        "> Cifras adjuntas.\n> Hasta luego.\n",
        REPLY,
        "on-wrote",
        "es",
        ("Juana Rojo", "juana@example.es"),
        None,
        "2018-02-16T09:34:00",
        "Cifras adjuntas.\nHasta luego.",
    ),
    # Gmail reply attribution, Italian
    "on-wrote-it": Case(
        "Top text.\n\nIl giorno ven 16 feb 2018 alle ore 09:34 Giulia Rossi <giulia@example.it> "
        "ha scritto:\n\n> Cifre in allegato.\n> A presto.\n",
        REPLY,
        "on-wrote",
        "it",
        ("Giulia Rossi", "giulia@example.it"),
        None,
        "2018-02-16T09:34:00",
        "Cifre in allegato.\nA presto.",
    ),
    # Gmail reply attribution, Portuguese
    "on-wrote-pt": Case(
        "Top text.\n\nEm sex, 16 de fev de 2018 às 09:34, Joana Rocha <joana@example.pt> escreveu:\n\n"
        "> Números em anexo.\n> Até logo.\n",
        REPLY,
        "on-wrote",
        "pt",
        ("Joana Rocha", "joana@example.pt"),
        None,
        "2018-02-16T09:34:00",
        "Números em anexo.\nAté logo.",
    ),
    # Gmail reply attribution, Dutch
    "on-wrote-nl": Case(
        "Top text.\n\nOp vr 16 feb. 2018 om 09:34 schreef Jan Rood <jan@example.nl>:\n\n"
        "> Cijfers bijgevoegd.\n> Tot ziens.\n",
        REPLY,
        "on-wrote",
        "nl",
        ("Jan Rood", "jan@example.nl"),
        None,
        "2018-02-16T09:34:00",
        "Cijfers bijgevoegd.\nTot ziens.",
    ),
    # Gmail reply attribution, Swedish
    "on-wrote-sv": Case(
        "Top text.\n\nDen 16 februari 2018 09:34 skrev Anna Röd <anna@example.se>:\n\n"
        "> Siffror bifogade.\n> Hej då.\n",
        REPLY,
        "on-wrote",
        "sv",
        ("Anna Röd", "anna@example.se"),
        None,
        "2018-02-16T09:34:00",
        "Siffror bifogade.\nHej då.",
    ),
    # Gmail reply attribution, Polish
    "on-wrote-pl": Case(
        "Top text.\n\npt., 16 lut 2018 o 09:34 Anna Nowak <anna@example.pl> napisał(a):\n\n"
        "> Liczby w załączniku.\n> Do zobaczenia.\n",
        REPLY,
        "on-wrote",
        "pl",
        ("Anna Nowak", "anna@example.pl"),
        None,
        "2018-02-16T09:34:00",
        "Liczby w załączniku.\nDo zobaczenia.",
    ),
    # Gmail reply attribution, Russian
    "on-wrote-ru": Case(
        "Top text.\n\nпт, 16 февр. 2018 г. в 09:34, Анна Иванова <anna@example.ru>:\n\n"
        "> Цифры во вложении.\n> До встречи.\n",
        REPLY,
        "on-wrote",
        "ru",
        ("Анна Иванова", "anna@example.ru"),
        None,
        "2018-02-16T09:34:00",
        "Цифры во вложении.\nДо встречи.",
    ),
    # Gmail reply attribution, Japanese
    "on-wrote-ja": Case(
        "Top text.\n\n2018年2月16日(金) 9:34 山田 花子 <hanako@example.jp>:\n\n"
        "> 数字を添付します。\n> よろしく。\n",
        REPLY,
        "on-wrote",
        "ja",
        ("山田 花子", "hanako@example.jp"),
        None,
        "2018-02-16T09:34:00",
        "数字を添付します。\nよろしく。",
    ),
    # Gmail reply attribution, simplified Chinese
    "on-wrote-zh": Case(
        "Top text.\n\n王芳 <fang@example.cn> 于2018年2月16日周五 上午9:34写道：\n\n"
        "> 数字见附件。\n> 谢谢。\n",
        REPLY,
        "on-wrote",
        "zh",
        ("王芳", "fang@example.cn"),
        None,
        "2018-02-16T09:34:00",
        "数字见附件。\n谢谢。",
    ),
    # Plain ">" quote with no attribution (any client)
    "quote-prefix": Case(
        "Top text.\n\n> first quoted line\n> second quoted line\n",
        REPLY,
        "quote-prefix",
        None,
        None,
        None,
        None,
        "first quoted line\nsecond quoted line",
    ),
    # Flattened header block (HTML to text joined the lines)
    "flattened-en": Case(
        "Top text.\n\n---------- Forwarded message ---------- From: Jane Roe Date: Fri, Feb 16, 2018 "
        "at 9:34 AM Subject: Budget To: John Doe Cc: Ann Lee , Bo Chen\nNumbers attached.\n",
        FWD,
        "flattened",
        "en",
        ("Jane Roe", None),
        "Budget",
        "2018-02-16T09:34:00",
        "Numbers attached.",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_client_example(name: str) -> None:
    case = CASES[name]
    records = split_email(email_of(case.text))
    assert len(records) == 2, [r.derivation for r in records]
    top, child = records
    assert top.content.authored == case.authored
    assert top.content.embedded == (child.id,)
    d = child.derivation
    assert d is not None
    assert (d.kind, d.header_style, d.language) == (case.kind, case.style, case.language)
    if case.sender is None:
        assert child.from_ is None
    else:
        assert child.from_ == (EmailAddress(*case.sender),)
    assert child.subject == case.subject
    got = child.sent_at.isoformat() if child.sent_at else None
    assert got == case.sent_at, child.dates
    assert child.content.authored == case.child_text
    assert d.span is not None
    assert case.text[d.span.start : d.span.end].strip()
    assert child.content.authored.splitlines()[0] in case.text[d.span.start : d.span.end]


def test_outlook_semicolon_list_keeps_last_first_together() -> None:
    child = split_email(email_of(CASES["outlook-en"].text))[1]
    assert child.cc == (EmailAddress("Doe, Jim", None), EmailAddress("Roe, Ann", None))


def test_original_message_under_a_forward_subject_is_a_forward() -> None:
    records = split_email(email_of(CASES["outlook-en"].text, subject="FW: Budget"))
    assert records[1].derivation is not None
    assert records[1].derivation.kind is FWD


def test_nested_forward_inside_reply_quote() -> None:
    text = (
        "Looks fine.\n\nOn Fri, Feb 16, 2018 at 10:00 AM, John Doe <john@example.com> wrote:\n"
        "> Forwarding this.\n>\n> ---------- Forwarded message ---------\n"
        "> From: Jane Roe <jane@example.com>\n> Date: Fri, Feb 16, 2018 at 9:34 AM\n"
        "> Subject: Budget\n> To: John Doe <john@example.com>\n>\n> Numbers attached.\n"
    )
    top, reply, fwd = split_email(email_of(text))
    assert top.content.authored == "Looks fine."
    assert reply.derivation is not None and reply.derivation.depth == 1
    assert reply.content.authored == "Forwarding this."
    assert reply.content.embedded == (fwd.id,)
    assert fwd.derivation is not None
    assert fwd.derivation.depth == 2 and fwd.derivation.parent_email_id == reply.id
    assert fwd.from_ == (EmailAddress("Jane Roe", "jane@example.com"),)
    assert fwd.content.authored == "Numbers attached."
    # the span is in the parent's own body value
    assert fwd.derivation.span is not None
    inner = reply.body_values["1"].value
    assert inner[fwd.derivation.span.start :].startswith("---------- Forwarded message")


def test_ambiguous_day_month_is_recorded() -> None:
    text = (
        "Top text.\n\n-----Original Message-----\nFrom: Jane Roe <jane@example.com>\n"
        "Sent: 05/04/2001 10:00\nTo: John\nSubject: Dates\n\nBody.\n"
    )
    child = split_email(email_of(text))[1]
    assert child.dates.ambiguous is True
    assert child.dates.sent_at_raw == "05/04/2001 10:00"


def test_date_in_another_language_than_the_labels() -> None:
    # 3GPP mailing list: English Outlook labels over a Swedish date
    text = (
        "Top text.\n\n-----Original Message-----\nFrom: Milan <milan@example.ca>\n"
        "Sent: den 26 augusti 2021 20:42\nTo: Tomas\nSubject: EVS\n\nBody.\n"
    )
    child = split_email(email_of(text))[1]
    assert child.derivation is not None and child.derivation.language == "en"
    assert child.sent_at is not None and child.sent_at.isoformat() == "2021-08-26T20:42:00"
    assert child.dates.sent_at_raw == "den 26 augusti 2021 20:42"
