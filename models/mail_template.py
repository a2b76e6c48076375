from odoo import api, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _render_eval_context(self):
        """Reminders rendered by the daily run receive their batch's values
        as ``debt_documents``; rendered alone (a composer, a preview, a
        manager's test) there are none, and the template computes them."""
        render_context = super()._render_eval_context()
        render_context.setdefault("debt_documents", {})
        return render_context
