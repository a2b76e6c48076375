"""The body of a reminder's message, stored once it is rendered.

A reminder's body is its template rendered: the template's HTML (sanitized
when it was saved), the addon's own QWeb views and the customer's figures,
escaped by QWeb. Creating its ``mail.message`` sanitizes that body again,
element by element: about 4 ms per reminder, most of a daily run's time.

A body made only of the tags and attributes below and of the style
properties the sanitizer keeps, with no comment, no script, no URL in a
style and no character reference other than QWeb's own quotes, holds
nothing that sanitizing would remove: it is stored as rendered. Any other
body (a template someone edited with other markup, say) is sanitized by the
ORM as usual.
"""

import re

from odoo.tools import SQL
from odoo.tools.mail import _Cleaner

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
# a tag whose attributes are all double-quoted, as QWeb writes them
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+="[^"<>]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_UNSAFE = ("<!", "<?", "script", "data:", "expression(", "@import", "url(")
# the style properties the message's sanitizer keeps
STYLE_PROPERTIES = frozenset(_Cleaner._style_whitelist)


def is_plain(body):
    """True when sanitizing ``body`` would leave it as it is (see above)."""
    lowered = str(body or "").lower()
    if not lowered or any(text in lowered for text in _UNSAFE):
        return False
    # QWeb escapes quotes as &#34; and &#39;: no other character reference
    if lowered.count("&#") != lowered.count("&#34;") + lowered.count("&#39;"):
        return False
    tags = _TAG.findall(body)
    if body.count("<") != len(tags):  # a tag of another shape
        return False
    if not {name.lower() for _end, name, _attributes in tags} <= PLAIN_TAGS:
        return False
    attributes = _ATTRIBUTE.findall("".join(attrs for _end, _name, attrs in tags))
    if not {name.lower() for name, _value in attributes} <= PLAIN_ATTRIBUTES:
        return False
    styles = {value for name, value in attributes if name.lower() == "style"}
    properties = {
        part.partition(":")[0].strip().lower()
        for style in styles
        for part in style.split(";")
    }
    return properties - {""} <= STYLE_PROPERTIES


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
    env["mail.message"].invalidate_model(["body"])
    env["mail.mail"].invalidate_model(["body"])
