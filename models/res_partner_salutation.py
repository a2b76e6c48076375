from odoo import models

# How a household is named is not how it is greeted: "The Hartley Family"
# is greeted "Dear Hartley Family,".
LEADING_ARTICLE = "the "


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _debt_salutation(self):
        """How every reminder, letter and notice greets this contact, in the
        language of its environment: a person or a household by name, without
        a leading article; a company by the name of its one invoice contact
        (who the reminders go to), else formally: its reader is unknown."""
        self.ensure_one()
        if self.is_company:
            readers = self.child_ids.filtered(
                lambda c: c.type == "invoice" and not c.is_company and c.name
            )
            if len(readers) == 1:
                return readers._debt_salutation()
        name = " ".join((self.name or "").split())
        if name.lower().startswith(LEADING_ARTICLE):
            name = name[len(LEADING_ARTICLE) :]
        if self.is_company or not name:
            return self.env._("Dear Sir or Madam,")
        return self.env._("Dear %(name)s,", name=name)
