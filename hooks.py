def pre_init_hook(env):
    """Create the invoices' debt recovery column empty: no invoice has been
    put in a plan yet, so the ORM need not compute it for every existing
    move."""
    env.cr.execute(
        """
        ALTER TABLE account_move
            ADD COLUMN IF NOT EXISTS debt_plan_id int4
        """
    )
