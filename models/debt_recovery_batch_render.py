import ast
import uuid

from lxml import etree, html
from markupsafe import Markup

from odoo import api, models
from odoo.tools import float_round, get_lang
from odoo.tools.rendering_tools import convert_inline_template_to_qweb

from odoo.addons.base.models.res_lang import intersperse

NBSP = "\N{NO-BREAK SPACE}"


def _memoized(function):
    """``function`` computed once per distinct arguments: the batch's emails
    show the same dates and amounts many times over, and formatting one
    looks up the language's settings each time."""
    results = {}

    def cached(*args, **kwargs):
        try:
            key = (args, tuple(sorted(kwargs.items())))
            return results[key]
        except KeyError:
            results[key] = value = function(*args, **kwargs)
            return value
        except TypeError:  # an argument that is not hashable
            return function(*args, **kwargs)

    return cached


def _amount_formatter(env):
    """``format_amount(amount, currency, lang_code=False)`` as the templates'
    own (odoo.tools.format_amount, the same text), with the language's and
    the currency's settings read once per batch instead of once per amount:
    the batch's amounts are nearly all distinct."""
    settings = {}

    def setting(currency, lang_code):
        key = (currency.id, lang_code)
        if key not in settings:
            lang = get_lang(env, lang_code)
            settings[key] = (
                currency.rounding,
                f"%.{currency.decimal_places}f",
                lang.decimal_point,
                ast.literal_eval(lang.grouping),
                lang.thousands_sep or "",
                f"{currency.symbol or ''}{NBSP}"
                if currency.position == "before"
                else "",
                f"{NBSP}{currency.symbol or ''}"
                if currency.position != "before"
                else "",
            )
        return settings[key]

    def format_amount(amount, currency, lang_code=False):
        rounding, fmt, point, grouping, separator, pre, post = setting(
            currency, lang_code
        )
        whole, dot, decimals = (
            fmt % float_round(amount, precision_rounding=rounding)
        ).partition(".")
        text = intersperse(whole, grouping, separator)[0] + (
            point + decimals if dot else ""
        )
        text = text.replace(" ", NBSP).replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
        return f"{pre}{text}{post}"

    return format_amount


class DebtRecoveryBatchRender(models.AbstractModel):
    """Render the fields of a mail template for a whole batch of records,
    each field compiled once per language: one QWeb loop over the records,
    where rendering record by record compiles the template again for each.
    The template stays an ordinary mail template; the result is the same."""

    _name = "debt.recovery.batch.render"
    _description = "Mail Template Rendered for a Batch"

    @api.model
    def _render(self, template, field_names, res_ids, add_context=None):
        """``{res_id: {field: rendered text}}``, each record in its language
        (the template's ``lang``)."""
        result = {res_id: {} for res_id in res_ids}
        model = template.render_model
        for lang_template, lang_ids in template._classify_per_lang(res_ids).values():
            records = self.env[model].browse(lang_ids)
            for name in field_names:
                source = lang_template[name]
                if not source:
                    rendered = dict.fromkeys(lang_ids, "")
                elif getattr(template._fields[name], "render_engine", "") == "qweb":
                    rendered = lang_template._render_template_postprocess(
                        model, self._loop(lang_template, source, records, add_context)
                    )
                else:  # an inline template: its expressions, unescaped
                    qweb = convert_inline_template_to_qweb(source)
                    rendered = {
                        res_id: Markup(value).unescape()
                        for res_id, value in self._loop(
                            lang_template, qweb, records, add_context
                        ).items()
                    }
                for res_id, value in rendered.items():
                    result[res_id][name] = value
        return result

    @api.model
    def _loop(self, template, source, records, add_context):
        """``source`` rendered for each of ``records`` in one QWeb call."""
        separator = Markup("<!--debt-recovery-%s-->") % uuid.uuid4().hex
        body = html.fragment_fromstring(str(source), create_parent="div")
        loop = etree.Element("t", {"t-foreach": "debt_batch_records", "t-as": "object"})
        etree.SubElement(loop, "t", {"t-out": "debt_batch_separator"})
        loop.append(body)
        root = etree.Element("div")
        root.append(loop)
        variables = template._render_eval_context()
        for name in ("format_date", "format_datetime"):
            if name in variables:
                variables[name] = _memoized(variables[name])
        if "format_amount" in variables:
            variables["format_amount"] = _amount_formatter(template.env)
        variables.update(add_context or {})
        variables.update(debt_batch_records=records, debt_batch_separator=separator)
        rendered = template.env["ir.qweb"]._render(root, variables)
        # <div>SEP<div>first</div>SEP<div>second</div>...</div>
        parts = str(rendered)[len("<div>") : -len("</div>")].split(separator)[1:]
        return {
            record.id: Markup(part[len("<div>") : -len("</div>")])
            for record, part in zip(records, parts, strict=True)
        }
