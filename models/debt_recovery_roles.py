"""The two debt recovery roles, checked on the server by every method that
changes follow-up state, whatever other rights the caller holds."""

from odoo.exceptions import AccessError

COLLECTOR_GROUP = "account_debt_recovery.group_debt_recovery_user"
MANAGER_GROUP = "account_debt_recovery.group_debt_recovery_manager"


def is_collector(env):
    return env.su or env.user.has_group(COLLECTOR_GROUP)


def is_manager(env):
    return env.su or env.user.has_group(MANAGER_GROUP)


def check_collector(env, message=None):
    """Collectors (and managers) work the ladder; nobody else changes it."""
    if not is_collector(env):
        raise AccessError(
            message
            or env._(
                "Only debt recovery collectors and managers can change the "
                "follow-up of a customer."
            )
        )


def check_manager(env, message=None):
    """Managers configure, activate plans and decide escalations."""
    if not is_manager(env):
        raise AccessError(message or env._("Only a debt recovery manager can do this."))
