def pre_init_hook(env):
    """Create the invoices' level columns empty: no invoice has reached a
    level yet, so the ORM need not compute them for every existing move."""
    env.cr.execute(
        """
        ALTER TABLE account_move
            ADD COLUMN IF NOT EXISTS debt_level_id int4,
            ADD COLUMN IF NOT EXISTS debt_level_date date
        """
    )


def post_init_hook(env):
    """Customers never evaluated are up to date; every existing company gets
    the default four-level ladder (new companies get it on creation)."""
    env["ir.default"].set("res.partner", "debt_status", "up_to_date")
    companies = env["res.company"].with_context(active_test=False).search([("id", "!=", 0)])
    companies._debt_recovery_create_default_policy()
