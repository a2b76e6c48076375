"""The guard of the state that only a workflow changes (a follow-up's
ladder state, a plan's status, the system states of the log): ``write``
from outside is refused for everyone, whatever their rights; the models'
own methods write it after checking the caller's role."""

from odoo.exceptions import AccessError

# Not JSON-serialisable: no RPC call can put it in a context.
_WORKFLOW = object()
_KEY = "debt_recovery_workflow"


def workflow(records):
    """``records`` allowed to write their guarded state (as superuser)."""
    return records.sudo().with_context(**{_KEY: _WORKFLOW})


def check_workflow(records, names, guarded, message):
    """Refuse writing ``guarded`` fields among ``names`` outside a workflow."""
    if guarded.intersection(names) and records.env.context.get(_KEY) is not _WORKFLOW:
        raise AccessError(message)
