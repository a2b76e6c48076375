"""What `make demo` does inside the demo database, through `odoo shell`, while
the demo's server and mail sink are up (dev/demo.py sends it `setup(env, ...)`):

- points the demo at its own server and mail sink: web.base.url and
  report.url (wkhtmltopdf loads the letterhead's styling from there: letters
  rendered while nobody answers are refused), and the outgoing mail server;
- on a new database, tells the stories that take time (demo/*.xml holds the
  customers, their invoices and what happened at one moment): the daily run
  replayed on past days, as it would have run then, then what the customers
  did since (a promise, a plan agreed by phone, a payment);
- today's daily run (the real scheduled action), the mail queue sent, and
  the checks: no email in exception, every reminder in the sink as .eml,
  no letter refused for want of its letterhead.

Prints ADR-DEMO lines that dev/demo.py reads: `ADR-DEMO-FAILED: ...` stops it.
Runs inside Odoo: imports nothing from the rest of the harness.
"""

import email
from datetime import datetime, timedelta
from pathlib import Path

from odoo import fields
from odoo.exceptions import UserError

ADDON = "account_debt_recovery"
DAILY_CRON = f"{ADDON}.ir_cron_debt_recovery_daily"
SINK_SERVER = "Demo mail sink (make demo)"
# The replayed days, in days before today: the demo's customers are on
# every rung of the ladder because the run went by on these days.
REPLAY_DAYS = (73, 59, 35, 12, 3)
# the addon's refusal to print letters without their letterhead
UNSTYLED = "cannot be printed on the company's paper"
LETTER_REPORT = f"{ADDON}.action_report_debt_recovery_letter"


def say(key, message):
    print(f"ADR-DEMO-{key}: {message}", flush=True)


def setup(env, url, smtp_port, mail_dir, stories, daily_run):
    """``stories``: a new database; ``daily_run``: new or updated (its
    letters are then rendered again to check them)."""
    configure(env, url, smtp_port)
    if stories:
        tell_stories(env)
        say("STEP", f"stories told (the daily run replayed {len(REPLAY_DAYS)} days)")
    if daily_run:
        result = env.ref(DAILY_CRON).method_direct_trigger()
        env.cr.commit()
        if isinstance(result, dict):
            say("FAILED", f"the daily run failed: {result.get('params')}")
            return
        say("STEP", "today's daily run done")
    send_queue(env)
    check(env, Path(mail_dir), letters=stories or daily_run)


def configure(env, url, smtp_port):
    """The demo's URLs (frozen: an admin's login elsewhere does not move
    them) and its outgoing mail server, the sink."""
    params = env["ir.config_parameter"].sudo()
    for key, value in (
        ("web.base.url", url),
        ("web.base.url.freeze", "True"),
        ("report.url", url),
    ):
        params.set_param(key, value)
    values = {
        "name": SINK_SERVER,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_encryption": "none",
        "smtp_authentication": "login",
        "smtp_user": False,
        "smtp_pass": False,
        "sequence": 1,
    }
    servers = env["ir.mail_server"].sudo().with_context(active_test=False)
    server = servers.search([("name", "=", SINK_SERVER)], limit=1)
    if server:
        server.write(values)
    else:
        servers.create(values)
    env.cr.commit()


# ----------------------------------------------------------------------
# The stories
# ----------------------------------------------------------------------
def tell_stories(env):
    """The daily run on the replayed days, then what happened since."""
    today = fields.Date.context_today(env["res.users"])
    run = env["debt.recovery.run"]
    # the follow-ups the invoices started, as they stood on the first day
    first_day = today - timedelta(days=REPLAY_DAYS[0])
    env["debt.recovery.followup"].search([])._refresh_figures(first_day)
    for days in REPLAY_DAYS:  # as the scheduled action ran on those days
        run._cron_daily(today=today - timedelta(days=days))
        env.cr.commit()
    admin = env(user=env.ref("base.user_admin"))
    assign_collector(admin)
    calls_unanswered(admin, today)
    meridian_promises(admin, today)
    brickfield_agrees_a_plan(admin, today)
    fernhill_pays(admin, today)
    env.cr.commit()


def log(env, partner_xmlid, **values):
    """An interaction logged by the collector, as from Log an Interaction."""
    wizard = env["debt.recovery.log.wizard"].create(
        {"partner_id": env.ref(f"{ADDON}.{partner_xmlid}").id, **values}
    )
    return wizard.action_log()


def assign_collector(env):
    """The administrator is the collector of every demo customer (their
    salesperson until now, who the reminders named)."""
    partners = env["ir.model.data"].search(
        [("module", "=", ADDON), ("model", "=", "res.partner")]
    )
    followups = env["debt.recovery.followup"].search(
        [("partner_id", "in", partners.mapped("res_id"))]
    )
    followups._assign(env.user)


def calls_unanswered(env, today):
    """The retailer and the joinery never answered the call their firm
    reminder asked for: logged two days after it, the activity done."""
    for xmlid, summary in (
        ("partner_corner_demo", "Left a message with the shop assistant."),
        ("partner_gallagher_demo", "Left a message on the workshop's phone."),
    ):
        partner = env.ref(f"{ADDON}.{xmlid}")
        log(
            env,
            xmlid,
            date=datetime.now() - timedelta(days=57),
            channel="phone",
            direction="outbound",
            outcome="left_message",
            summary=f"{summary} No call back.",
        )
        done_calls(env, partner, "Left a message; no call back.")


def done_calls(env, partner, feedback):
    """The call activities of ``partner``'s follow-up, marked done."""
    followup = env["debt.recovery.followup"].search([("partner_id", "=", partner.id)])
    calls = followup.activity_ids.filtered(
        lambda a: a.activity_type_id == env.ref("mail.mail_activity_data_call")
    )
    calls.action_feedback(feedback=feedback)


def meridian_promises(env, today):
    """After its firm reminder, the freight forwarder called yesterday and
    promised to pay in full within ten days: the ladder holds."""
    invoice = env.ref(f"{ADDON}.invoice_meridian_1_demo")
    log(
        env,
        "partner_meridian_demo",
        date=datetime.now() - timedelta(days=1),
        channel="phone",
        direction="inbound",
        outcome="promise",
        promise_date=today + timedelta(days=10),
        promise_amount=invoice.amount_residual,
        invoice_ids=[(6, 0, invoice.ids)],
        summary="Their client's international transfer is delayed; they will "
        "pay in full within ten days.",
    )
    done_calls(env, invoice.partner_id, "They called us first: a promise to pay.")


def brickfield_agrees_a_plan(env, today):
    """After the firm reminder, the builder's finance director called to pay
    the steel frame and the roofing in four monthly instalments, the first
    one paid today; the groundworks stay disputed, and the call the firm
    reminder asked for is still to make."""
    invoices = env.ref(f"{ADDON}.invoice_brickfield_2_demo") | env.ref(
        f"{ADDON}.invoice_brickfield_3_demo"
    )
    action = log(
        env,
        "partner_brickfield_demo",
        channel="phone",
        direction="inbound",
        outcome="plan",
        invoice_ids=[(6, 0, invoices.ids)],
        summary="Agreed four monthly instalments for phase 2 with the finance "
        "director; the groundworks stay disputed.",
    )
    wizard = (
        env[action["res_model"]]
        .with_context(**action["context"])
        .create(
            {
                "frequency": "monthly",
                "instalment_count": 4,
                "date_start": today,
            }
        )
    )
    plan = env["debt.recovery.plan"].browse(wizard.action_create_plan()["res_id"])
    plan.action_activate()
    pay(env, invoices[0], plan.instalment_ids.sorted("due_date")[0].amount)


def fernhill_pays(env, today):
    """The garden centre paid everything after the courteous reminder: the
    settlement is logged and the customer thanked."""
    invoice = env.ref(f"{ADDON}.invoice_fernhill_demo")
    pay(env, invoice, invoice.amount_residual)


def pay(env, invoice, amount):
    """A payment registered on ``invoice``, as from its Pay button."""
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create({"amount": amount})
    )
    wizard.action_create_payments()


# ----------------------------------------------------------------------
# The mail queue and the checks
# ----------------------------------------------------------------------
def send_queue(env):
    mails = env["mail.mail"].sudo().search([("state", "=", "outgoing")])
    mails.send(auto_commit=True)
    env.cr.commit()


def check(env, mail_dir, letters):
    """No email in exception, each email of the log in the sink, no letter
    refused (``letters``: the letters to print rendered too)."""
    Mail = env["mail.mail"].sudo()
    Interaction = env["debt.recovery.interaction"].sudo()
    failures = []
    exception = Mail.search([("state", "=", "exception")])
    if exception:
        reasons = "; ".join(
            f"{m.subject}: {m.failure_reason}" for m in exception[:5] if m
        )
        failures.append(f"{len(exception)} emails in exception ({reasons})")
    outgoing = Mail.search_count([("state", "=", "outgoing")])
    if outgoing:
        failures.append(f"{outgoing} emails still waiting to be sent")
    received = sink_message_ids(mail_dir)
    reminders = Interaction.search(
        [
            ("channel", "=", "email"),
            ("direction", "=", "outbound"),
            ("mail_message_id", "!=", False),
        ]
    )
    missing = reminders.filtered(lambda i: i.mail_message_id.message_id not in received)
    if not reminders:
        failures.append("the demo sent no reminder")
    if missing:
        failures.append(
            f"{len(missing)} of the {len(reminders)} emails of the log are not "
            f"in {mail_dir}: " + ", ".join(missing[:5].mapped("summary"))
        )
    refused = Interaction.search_count(
        [("event", "=", "failure"), ("summary", "ilike", UNSTYLED)]
    )
    if refused:
        failures.append(f"{refused} steps failed: letters without their letterhead")
    to_print = Interaction.search([("letter_state", "=", "to_print")])
    if letters:
        try:  # as Letters to Print prints them, then forgotten
            env["ir.actions.report"]._render_qweb_pdf(LETTER_REPORT, to_print.ids)
        except UserError as error:
            failures.append(f"the letters to print cannot be printed: {error}")
        env.cr.rollback()
    if failures:
        say("FAILED", "; ".join(failures))
    else:
        say(
            "OK",
            f"{len(reminders)} emails of the log delivered to the sink "
            f"({len(received)} .eml in {mail_dir}), none in exception; "
            f"{len(to_print)} letters to print"
            + (" rendered on the letterhead" if letters else ""),
        )


def sink_message_ids(mail_dir):
    """The Message-Id of every .eml the sink wrote."""
    ids = set()
    for path in mail_dir.glob("*.eml"):
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle)
        if message["Message-Id"]:
            ids.add(message["Message-Id"].strip())
    return ids
