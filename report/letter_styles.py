"""The stylesheet a batch of letters needs, and nothing else.

wkhtmltopdf parses the report stylesheets (about 400 KB: all of Bootstrap
and its utilities, the editor's and the icon font's styles) once for every
letter and twice more for every page, for its header and its footer: most of
the time a batch of letters took to print. Each document of a batch gets
instead, inline, the rules of those stylesheets that can match one of its
elements.

A selector is dropped only when a class or id it requires is carried by no
element of the documents: it cannot match (the letterhead's script changes
text and picks children, it never adds a class). Whatever cannot be decided
is kept: selectors with an escaped or non-ASCII name, a namespace or an ``of``
clause, the arguments of ``:not()``, ``:is()``, ``:where()`` and ``:has()``,
attribute selectors, every at-rule but ``@media`` and ``@supports`` (whose
rules are filtered the same way; ``@layer`` and ``@container`` are kept
whole), and a font face whose family is named by a rule kept or by the
documents. Class and id attributes are read quoted, as QWeb and lxml write
them.
"""

import functools
import re

# class and id names required by a selector (escaped names are kept whole)
CLASS_RE = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
ID_RE = re.compile(r"#(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
# parts of a selector that may match without the names they contain
ATTRIBUTE_RE = re.compile(r"\[[^\]]*\]")
SELECTOR_LIST_RE = re.compile(r":(?:not|is|where|has|matches|-\w+-any)\(", re.I)
FAMILY_RE = re.compile(r"font-family\s*:\s*([^;}]*)", re.I)
GROUPING_AT_RULES = ("@media", "@supports")
COMMENT_RE = re.compile(r"/\*.*?(?:\*/|$)", re.S)
# a selector whose names this module does not read: kept
UNDECIDABLE_RE = re.compile(r"[\\|]|[^\x00-\x7f]|\bof\s")

# the class and id attributes of an HTML document
CLASS_ATTR_RE = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
ID_ATTR_RE = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
# stylesheet links of an HTML document
LINK_RE = re.compile(r"<link\b[^>]*>", re.I)
MEDIA_RE = re.compile(r"""\smedia\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
HREF_RE = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
STYLESHEET_RE = re.compile(r"""\srel\s*=\s*["']?stylesheet\b""", re.I)
# an address a stylesheet gives relative to its own (read otherwise inline)
RELATIVE_URL_RE = re.compile(
    r"""(?:url\(|@import\s+)(?!\s*["']?(?:/|[a-z][a-z0-9+.-]*:|#|url\())""", re.I
)


def _skip_string(text, index):
    """The index after the quoted string that starts at ``index``."""
    quote, length = text[index], len(text)
    index += 1
    while index < length and text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return index + 1


def _statements(css):
    """The top-level statements of a stylesheet as (prelude, block) pairs;
    a statement without a block (``@import ...;``) has the block None."""
    statements, length = [], len(css)
    index = start = depth = 0
    block_start = None
    while index < length:
        char = css[index]
        if char in "\"'":
            index = _skip_string(css, index)
            continue
        if css.startswith("/*", index):
            end = css.find("*/", index + 2)
            index = length if end < 0 else end + 2
            continue
        if char == "{":
            if depth == 0:
                block_start = index
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                prelude = _uncommented(css[start:block_start])
                statements.append((prelude, css[block_start + 1 : index]))
                start = index + 1
            elif depth < 0:  # unbalanced: the rest is kept as it is
                statements.append((css[start:].strip(), None))
                return statements
        elif char == ";" and depth == 0:
            statements.append((_uncommented(css[start : index + 1]), None))
            start = index + 1
        index += 1
    if _uncommented(css[start:]):
        statements.append((_uncommented(css[start:]), None))
    return statements


def _uncommented(prelude):
    """A prelude without its comments (a comment reads as a space)."""
    return COMMENT_RE.sub(" ", prelude).strip()


def _selectors(prelude):
    """The selectors of a selector list: commas split it, except inside
    brackets, parentheses or strings."""
    selectors, depth, start, index = [], 0, 0, 0
    while index < len(prelude):
        char = prelude[index]
        if char in "\"'":
            index = _skip_string(prelude, index)
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            selectors.append(prelude[start:index].strip())
            start = index + 1
        index += 1
    selectors.append(prelude[start:].strip())
    return selectors


def _required(selector):
    """The (classes, ids) an element set must carry for ``selector`` to
    match one of them; None when this cannot be told."""
    if UNDECIDABLE_RE.search(selector):
        return None
    selector = ATTRIBUTE_RE.sub("", selector)
    while found := SELECTOR_LIST_RE.search(selector):
        depth, index = 1, found.end()
        while index < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[index], 0)
            index += 1
        selector = selector[: found.start()] + selector[index:]
    return frozenset(CLASS_RE.findall(selector)), frozenset(ID_RE.findall(selector))


def _parse(css):
    """A stylesheet as a list of entries, each of one kind:
    ("rule", [(selector, required)], block), ("group", prelude, entries),
    ("face", family, block) or ("other", text)."""
    entries = []
    for prelude, block in _statements(css):
        lowered = prelude.lower()
        if block is None:
            entries.append(("other", prelude))
        elif lowered.startswith(GROUPING_AT_RULES):
            entries.append(("group", prelude, _parse(block)))
        elif lowered.startswith("@font-face"):
            family = FAMILY_RE.search(block)
            name = family and family.group(1).strip().strip("\"'").lower()
            entries.append(("face", name or None, block))
        elif prelude.startswith("@"):
            entries.append(("other", f"{prelude}{{{block}}}"))
        else:
            selectors = [
                (selector, _required(selector)) for selector in _selectors(prelude)
            ]
            entries.append(("rule", selectors, block))
    return entries


@functools.lru_cache(maxsize=8)
def parsed_stylesheet(css):
    """``css`` parsed once per process (a bundle's address changes with its
    content: the same few stylesheets serve every batch)."""
    return tuple(_parse(css))


def _matching(entries, classes, ids):
    """The text of the entries that may apply, font faces left as entries."""
    kept = []
    for entry in entries:
        kind = entry[0]
        if kind == "rule":
            selectors = [
                selector
                for selector, required in entry[1]
                if required is None or (required[0] <= classes and required[1] <= ids)
            ]
            if selectors:
                kept.append(f"{','.join(selectors)}{{{entry[2]}}}")
        elif kind == "group":
            inner = _matching(entry[2], classes, ids)
            if inner:
                kept.append((entry[1], inner))
        elif kind == "face":
            kept.append(entry)
        else:
            kept.append(entry[1])
    return kept


def _text(kept, named):
    parts = []
    for part in kept:
        if isinstance(part, str):
            parts.append(part)
        elif part[0] == "face":
            if part[1] is None or part[1] in named:
                parts.append(f"@font-face{{{part[2]}}}")
        else:  # a group: its prelude and what it kept
            parts.append(f"{part[0]}{{{_text(part[1], named)}}}")
    return "".join(parts)


def _plain(kept):
    """The text of the rules kept, without font faces (to look families up)."""
    parts = []
    for part in kept:
        if isinstance(part, str):
            parts.append(part)
        elif part[0] != "face":
            parts.append(_plain(part[1]))
    return "".join(parts)


def used_names(documents):
    """The class and id names carried by the elements of ``documents``."""
    classes, ids = set(), set()
    for html in documents:
        for match in CLASS_ATTR_RE.finditer(html):
            classes.update((match.group(1) or match.group(2) or "").split())
        for match in ID_ATTR_RE.finditer(html):
            ids.add((match.group(1) or match.group(2) or "").strip())
    return classes, ids


def purged_stylesheet(css, documents):
    """The rules of ``css`` that may apply to an element of ``documents``."""
    classes, ids = used_names(documents)
    kept = _matching(parsed_stylesheet(css), classes, ids)
    # a family may be named by a rule kept or by an element's own style
    return _text(kept, (_plain(kept) + "".join(documents)).lower())


def inlinable(css):
    """Whether ``css`` reads the same inline: it names no address relative
    to its own (Odoo's bundles give absolute ones)."""
    return not RELATIVE_URL_RE.search(css)


def linked_stylesheets(html):
    """The addresses of the stylesheets ``html`` links."""
    return [
        href.group(1) or href.group(2)
        for link in LINK_RE.findall(html)
        if STYLESHEET_RE.search(link) and (href := HREF_RE.search(link))
    ]


def inline_stylesheets(html, styles):
    """``html`` with each link to a stylesheet of ``styles`` (address: text)
    replaced by a ``<style>`` element holding its text."""

    def inline(match):
        link = match.group(0)
        href = HREF_RE.search(link)
        address = href and (href.group(1) or href.group(2))
        if not STYLESHEET_RE.search(link) or address not in styles:
            return link
        # "</" cannot end the element early: in CSS, "<\/" reads the same
        media = MEDIA_RE.search(link)
        media = f' media="{media.group(1) or media.group(2)}"' if media else ""
        text = styles[address].replace("</", "<\\/")
        return f"<style{media}>{text}</style>"

    return LINK_RE.sub(inline, html)
