# Copyright 2026 account_debt_recovery contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Debt Recovery",
    "summary": "Courteous-first overdue follow-up: escalation ladder, "
    "promises, payment plans and a complete contact log",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/account-debt-recovery/account_debt_recovery",
    "author": "account_debt_recovery contributors, Odoo Community Association (OCA)",
    "maintainers": [],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "mail"],
    "data": [
        "security/debt_recovery_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/debt_recovery_menus.xml",
        "views/debt_recovery_policy_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
    ],
    "demo": [],
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
