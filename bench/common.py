"""Open an Odoo environment on a database from a plain Python script."""

import contextlib
import sys

try:
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config
except ImportError:  # pragma: no cover - said plainly to the user
    sys.exit("Odoo 19 is not importable: make it importable as `odoo` or set ODOO_SRC.")


@contextlib.contextmanager
def odoo_env(config_file, database):
    """Yield a superuser environment on ``database``; commit on success."""
    config.parse_config(
        ["-c", config_file, "-d", database, "--log-level=warn"], setup_logging=True
    )
    registry = Registry(database)
    with registry.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
