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


def without_defaults(records, names):
    """``records`` whose context gives no default to ``names``: what only the
    system records is never a default that a caller sends (``default_*``
    context keys are applied after the values are checked)."""
    keys = {f"default_{name}" for name in names}
    context = records.env.context
    if keys.isdisjoint(context):
        return records
    # the keys are dropped: only a whole new context leaves them out
    return records.with_context(  # pylint: disable=context-overridden
        {key: value for key, value in context.items() if key not in keys}
    )


def computed_by_system(records):
    """The stored fields of ``records``' model that Odoo computes and nobody
    edits (computed or related, read-only, without an inverse): a caller who
    writes them forges what they derive from."""
    return frozenset(
        name
        for name, field in records._fields.items()
        if field.store
        and field.readonly
        and (field.compute or field.related)
        and not field.inverse
    )


def check_computed(records, names):
    """Refuse writing, outside a workflow, the fields Odoo computes."""
    check_workflow(
        records,
        names,
        computed_by_system(records),
        records.env._(
            "%(fields)s: computed from the invoices, payments and schedule, "
            "not written by hand.",
            fields=", ".join(
                records._fields[name]._description_string(records.env)
                for name in sorted(computed_by_system(records).intersection(names))
            ),
        ),
    )
