"""The body of a reminder's message, stored once it is rendered.

A reminder's body is its template rendered: the template's HTML (sanitized
when it was saved), the addon's own QWeb views and the customer's figures,
escaped by QWeb. Creating its ``mail.message`` sanitizes that body again,
element by element: about 4 ms per reminder, most of a daily run's time.

A body made only of the tags, attributes and style properties below, whose
links are web, mail or phone addresses, with no comment, no script, no
control character inside a tag and no character reference other than the
ones QWeb writes, holds nothing the message's sanitizer would remove: it is
stored as rendered. Any other body (a template someone edited with other
markup, a link built from a record's value that is not a web address...) is
sanitized by the ORM as usual.
"""

import functools
import re

from odoo.tools import SQL

PLAIN_TAGS = frozenset(
    (
        "a b blockquote br div em h1 h2 h3 h4 h5 h6 hr i img li ol p small "
        "span strong sub sup table tbody td tfoot th thead tr u ul"
    ).split()
)
PLAIN_ATTRIBUTES = frozenset(
    (
        "align alt border cellpadding cellspacing class colspan height href "
        "rowspan src style title valign width"
    ).split()
)
# style properties the message's sanitizer keeps (a subset of its list)
PLAIN_STYLES = frozenset(
    (
        "background-color border border-bottom border-collapse border-color "
        "border-radius border-spacing border-style "
        "border-top border-width color display font-family font-size "
        "font-style font-weight height line-height margin margin-bottom "
        "margin-left margin-right margin-top max-width min-width padding "
        "padding-bottom padding-left padding-right padding-top text-align "
        "text-decoration vertical-align white-space width"
    ).split()
)
# where a link or an image may point
PLAIN_URL = re.compile(r"(https?://|mailto:|tel:|/(?!/)|#)", re.IGNORECASE)
# anything between "<" and ">"
_ANY_TAG = re.compile(r"<[^<>]*>")
# a tag whose attributes are all double-quoted, as QWeb writes them
_TAG = re.compile(
    r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[ \t\n\f\r]+[a-zA-Z-]+="[^"<>]*")*)[ \t\n\f\r]*/?>'
)
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
# the character references QWeb and the templates write (no other "&")
_REFERENCES = re.compile(r"&(?:amp|lt|gt|quot|nbsp|#34|#39);")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE = ("<!", "<?", "script", "data:", "expression(", "@import", "url(", "\\")


def is_plain(body):
    """True when ``body`` holds nothing the message's sanitizer would remove
    (see above)."""
    body = str(body or "")
    lowered = body.lower()
    if not lowered or any(text in lowered for text in _UNSAFE):
        return False
    if "&" in _REFERENCES.sub("", lowered):
        return False
    tags = _ANY_TAG.findall(body)
    if body.count("<") != len(tags):  # a "<" that opens no tag
        return False
    # a batch's bodies repeat the same few tags: each distinct one checked once
    return all(map(_is_plain_tag, set(tags)))


@functools.lru_cache(maxsize=4096)
def _is_plain_tag(tag):
    """True when ``tag`` (``<...>``) is a plain tag, its attributes plain."""
    match = _TAG.fullmatch(tag)
    if not match or match.group(2).lower() not in PLAIN_TAGS:
        return False
    # tags and attribute names in ASCII, as HTML reads them
    attributes = [
        (name.lower(), value.lower())
        for name, value in _ATTRIBUTE.findall(match.group(3))
    ]
    if not {name for name, _value in attributes} <= PLAIN_ATTRIBUTES:
        return False
    if _CONTROL.search("".join(value for _name, value in attributes)):
        return False
    if any(
        not PLAIN_URL.match(value)
        for name, value in attributes
        if name in ("href", "src")
    ):
        return False
    properties = {
        part.partition(":")[0].strip()
        for name, value in attributes
        if name == "style"
        for part in value.split(";")
    }
    return properties - {""} <= PLAIN_STYLES


def store(env, bodies):
    """Store ``bodies`` (``{mail.message id: plain body}``, see
    ``is_plain``) as the messages' bodies, in one statement."""
    if not bodies:
        return
    rows = SQL(", ").join(
        SQL("(%s, %s)", message_id, str(body)) for message_id, body in bodies.items()
    )
    env.cr.execute(
        SQL(
            "UPDATE mail_message SET body = rows.body FROM (VALUES %s) "
            "AS rows(id, body) WHERE mail_message.id = rows.id",
            rows,
        )
    )
    # the body and what is computed from it (preview, links)
    env["mail.message"].invalidate_model()
    env["mail.mail"].invalidate_model()
