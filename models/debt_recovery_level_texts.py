from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import is_html_empty
from odoo.tools.misc import format_date

from .debt_recovery_level import STANDARD_TEXT

# The words a level may have of its own (field: part of the standard
# words), proposed from its tone's when the level starts sending emails or
# letters.
PROPOSED_TEXTS = {
    "email_subject": "subject",
    "title": "title",
    "opening": "opening",
    "closing": "closing",
}
HTML_PARTS = ("opening", "closing")


def _words(text):
    """The words of a text or an HTML fragment, on one line."""
    return " ".join(Markup(text or "").striptags().split())


class DebtRecoveryLevel(models.Model):
    """What a level says, in the customer's language: its own words, else
    the standard ones of its tone; proposed from the tone's when the level
    starts sending emails or letters."""

    _inherit = "debt.recovery.level"

    @api.constrains("produce_letter", "title", "opening", "closing", "deadline_text")
    def _check_letter_text(self):
        """A letter says what its level says: a letter level with words of
        its own needs its opening, the text before the overdue invoices (a
        level without words of its own speaks with its tone's)."""
        for level in self.filtered("produce_letter"):
            own_words = level.title or not is_html_empty(level.closing)
            if (own_words or level.deadline_text) and is_html_empty(level.opening):
                raise ValidationError(
                    self.env._(
                        "Level %(level)s prints a letter with words of its own but "
                        "no opening: write what the letter says before the overdue "
                        "invoices, or clear its words to use the standard ones of "
                        "its tone.",
                        level=level.name,
                    )
                )

    @api.onchange("send_email", "produce_letter")
    def _onchange_propose_texts(self):
        """Ticking "send an email" or "produce a letter" proposes the tone's
        standard words, to edit; words already written are kept."""
        if not (self.send_email or self.produce_letter):
            return
        if self.send_email and not self.mail_template_id:
            self.mail_template_id = self._default_mail_template()
        lang = self.env.lang or "en_US"
        standard = self._standard_texts(lang)
        for fname, part in PROPOSED_TEXTS.items():
            if part == "subject" and not self.send_email:
                continue
            if part == "title" and not self.produce_letter:
                continue
            value = self[fname]
            if is_html_empty(value) if part in HTML_PARTS else not value:
                self[fname] = standard[part]

    @api.model_create_multi
    def create(self, vals_list):
        levels = super().create(vals_list)
        levels._translate_standard_texts()
        return levels

    def write(self, vals):
        result = super().write(vals)
        translating = self.env.context.get("debt_recovery_translating")
        if not translating and any(fname in vals for fname in PROPOSED_TEXTS):
            self._translate_standard_texts()
        return result

    def _translate_standard_texts(self):
        """Proposed words kept as the tone's standard ones speak every
        installed language: each gets the standard words of its language."""
        lang = self.env.lang or "en_US"
        others = [
            code for code, _name in self.env["res.lang"].get_installed() if code != lang
        ]
        if not others:
            return
        # writing the translations writes the field in each language again
        for level in self.with_context(debt_recovery_translating=True):
            standard = level._standard_texts(lang)
            kept = [
                (fname, part)
                for fname, part in PROPOSED_TEXTS.items()
                if level[fname] and _words(level[fname]) == _words(standard[part])
            ]
            for code in others if kept else ():
                translated = level._standard_texts(code)
                for fname, part in kept:
                    level._translate_text(fname, translated[part], code)

    def _translate_text(self, fname, translation, lang):
        """Give the text of ``fname`` its ``translation`` in ``lang``; HTML is
        translated term by term (paragraph by paragraph)."""
        field = self._fields[fname]
        if not callable(field.translate):
            self.update_field_translations(fname, {lang: translation})
            return
        terms = field.get_trans_terms(self[fname])
        translated = field.get_trans_terms(translation)
        if len(terms) == len(translated):
            self.update_field_translations(fname, {lang: dict(zip(terms, translated))})

    def _standard_texts(self, lang):
        """The tone's standard words in ``lang``: ``{subject, title, opening,
        closing}``, the subject and title as plain text."""
        self.ensure_one()
        QWeb = self.env["ir.qweb"].with_context(lang=lang)
        texts = {}
        for part in PROPOSED_TEXTS.values():
            html = QWeb._render(
                STANDARD_TEXT % part,
                {"tone": self.tone, "before_due": self._is_courtesy()},
            )
            texts[part] = html if part in HTML_PARTS else _words(html)
        return texts

    def _texts(self, lang, today=None):
        """What this level says, in ``lang``: its own words, else the
        standard ones of its tone. ``{subject, title, opening, closing,
        deadline, deadline_sentence}``."""
        self.ensure_one()
        level = self.with_context(lang=lang)
        QWeb = self.env["ir.qweb"].with_context(lang=lang)

        def standard(part):
            return QWeb._render(
                STANDARD_TEXT % part,
                {"tone": level.tone, "before_due": level._is_courtesy()},
            )

        def text(value, part):
            return " ".join((value or Markup(standard(part)).striptags()).split())

        def html(value, part):
            return Markup(value) if not is_html_empty(value) else standard(part)

        today = today or fields.Date.context_today(self)
        deadline = level.deadline_days and today + timedelta(days=level.deadline_days)
        sentence = Markup("")
        if deadline:
            wording = text(level.deadline_text, "deadline")
            date = Markup("<strong>%s</strong>") % format_date(
                level.env, deadline, lang_code=lang
            )
            sentence = escape(wording).replace("{date}", date)
        return {
            "subject": text(level.email_subject, "subject"),
            "title": text(level.title, "title"),
            "opening": html(level.opening, "opening"),
            "closing": html(level.closing, "closing"),
            "deadline": deadline or False,
            "deadline_sentence": sentence,
        }
