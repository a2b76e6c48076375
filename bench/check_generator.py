"""Check the SQL writer of bench/generate.py against the ORM writer.

Given two databases generated from the same template with the same seed and
sizes, one ``--via orm`` and one ``--via sql``:

1. on each, the ledger holds together: the trial balance and every move sum
   to zero, the receivable accounts' balance equals the open residuals of
   their items, and the ORM recomputes nothing: every stored computed field
   of the accounting models and of the addon's models, recomputed, equals
   the stored value (so do invoices' amount_residual and payment_state);
2. both hold the same documents: moves, items, payments, reconciliations,
   customers, follow-ups and interactions, compared column by column by
   their names (ids aside), and ``account.move.line._debt_figures`` gives
   the same figures for every customer.

Exit code 1 on any difference. Nothing is changed (rolled back).

    python3 bench/check_generator.py -c ODOO_CONF --orm DB_ORM --sql DB_SQL
"""

import argparse
import sys
from collections import defaultdict

from common import odoo_env

from odoo import fields

# the models whose stored computed fields are recomputed, and their tables
MODELS = {
    "account.move": "account_move",
    "account.move.line": "account_move_line",
    "account.payment": "account_payment",
    "account.partial.reconcile": "account_partial_reconcile",
    "account.full.reconcile": "account_full_reconcile",
    "res.partner": "res_partner",
    "debt.recovery.followup": "debt_recovery_followup",
    "debt.recovery.interaction": "debt_recovery_interaction",
}
AUDIT = {"create_uid", "create_date", "write_uid", "write_date"}


def rows(cr, table):
    cr.execute(f'SELECT * FROM "{table}" ORDER BY id')  # noqa: S608 - fixed names
    names = [column.name for column in cr.description]
    return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]


# ----------------------------------------------------------------------
# 1. One database holds together
# ----------------------------------------------------------------------
def check_sums(env, label):
    cr = env.cr
    cr.execute(
        "SELECT COALESCE(SUM(balance), 0), COUNT(*) FROM account_move_line"
        " WHERE parent_state = 'posted'"
    )
    total, count = cr.fetchone()
    cr.execute(
        "SELECT COUNT(*) FROM (SELECT move_id FROM account_move_line"
        " GROUP BY move_id HAVING SUM(balance) != 0) unbalanced"
    )
    unbalanced = cr.fetchone()[0]
    cr.execute(
        """
        SELECT COALESCE(SUM(l.balance), 0), COALESCE(SUM(l.amount_residual), 0),
               COALESCE(SUM(l.amount_residual) FILTER (WHERE NOT l.reconciled), 0)
          FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id
         WHERE l.parent_state = 'posted' AND a.account_type = 'asset_receivable'
        """
    )
    receivable, residual, open_residual = cr.fetchone()
    ok = total == 0 and not unbalanced and receivable == residual == open_residual
    print(
        f"[{label}] {count} posted items: trial balance {total}, "
        f"{unbalanced} unbalanced moves; receivable balance {receivable} = "
        f"open residuals {open_residual}: {'ok' if ok else 'DIFFERENT'}"
    )
    return ok


def computed_fields(model, editable):
    """The stored computed fields (related ones included, attachments aside)
    grouped by the method that computes them: those the ORM derives
    (read-only), or with ``editable`` those it only proposes (a default the
    user may change, e.g. an item's balance or its no_followup)."""
    groups = defaultdict(list)
    for field in model._fields.values():
        if not (field.store and field.compute):
            continue
        if (field.readonly and not field.inverse) == editable:
            continue
        if field.column_type or field.type == "many2many":
            groups[str(field.compute)].append(field)
    return groups


def stored_values(cr, table, group):
    """What is stored for the fields of ``group``: {column or relation: rows}."""
    values = {}
    for field in group:
        if field.type == "many2many":
            query = (
                f'SELECT "{field.column1}", "{field.column2}" FROM "{field.relation}"'
            )
            cr.execute(query + " ORDER BY 1, 2")  # noqa: S608 - field names
        else:
            cr.execute(f'SELECT id, "{field.name}" FROM "{table}" ORDER BY id')  # noqa: S608
        values[field.name] = cr.fetchall()
    return values


def recompute(env, editable=False):
    """Recompute each stored computed field, one compute method at a time, on
    every record of MODELS; ``{(table, field): rows whose value changed}``
    (a savepoint undoes each recomputation)."""
    cr = env.cr
    differences, fields_count, records_count = {}, 0, 0
    for model_name, table in MODELS.items():
        records = env[model_name].with_context(active_test=False).search([])
        records_count += len(records)
        for group in computed_fields(records, editable).values():
            fields_count += len(group)
            before = stored_values(cr, table, group)
            cr.execute("SAVEPOINT recompute")
            for field in group:
                env.add_to_compute(field, records)
            env.flush_all()
            after = stored_values(cr, table, group)
            cr.execute("ROLLBACK TO SAVEPOINT recompute")
            env.invalidate_all(flush=False)
            for name, stored in before.items():
                changed = {row[0] for row in set(stored) ^ set(after[name])}
                if changed:
                    differences[table, name] = len(changed)
    return differences, fields_count, records_count


# ----------------------------------------------------------------------
# 2. Both databases hold the same documents
# ----------------------------------------------------------------------
class Snapshot:
    """The documents of one database, keyed by names instead of ids."""

    def __init__(self, env):
        cr = env.cr
        self.partners = {row["id"]: row["name"] for row in rows(cr, "res_partner")}
        moves = rows(cr, "account_move")
        self.move_names = {row["id"]: row["name"] for row in moves}
        payments = rows(cr, "account_payment")
        self.payment_names = {row["id"]: row["name"] for row in payments}
        lines = rows(cr, "account_move_line")
        self.line_keys = {
            row["id"]: (
                self.move_names[row["move_id"]],
                row["account_id"],
                row["display_type"],
            )
            for row in lines
        }
        followups = rows(cr, "debt_recovery_followup")
        self.followups = {
            row["id"]: self.partners[row["partner_id"]] for row in followups
        }
        groups = defaultdict(list)
        for row in lines:
            if row["matching_number"]:
                groups[row["matching_number"]].append(self.line_keys[row["id"]])
        self.groups = {number: tuple(sorted(keys)) for number, keys in groups.items()}
        self.tables = {
            "account_move": self.keyed(moves, lambda r: r["name"]),
            "account_move_line": self.keyed(lines, lambda r: self.line_keys[r["id"]]),
            "account_payment": self.keyed(payments, lambda r: r["name"]),
            "account_partial_reconcile": self.keyed(
                rows(cr, "account_partial_reconcile"),
                lambda r: (
                    self.line_keys[r["debit_move_id"]],
                    self.line_keys[r["credit_move_id"]],
                ),
            ),
            "res_partner": self.keyed(rows(cr, "res_partner"), lambda r: r["name"]),
            # the time the disputes were logged aside
            "debt_recovery_followup": self.keyed(
                followups,
                lambda r: self.partners[r["partner_id"]],
                skip=("last_contact_date",),
            ),
            "debt_recovery_interaction": self.keyed(
                rows(cr, "debt_recovery_interaction"),
                lambda r: (self.partners[r["partner_id"]], r["summary"], r["id"]),
                by_order=True,
                skip=("date",),
            ),
        }
        cr.execute("SELECT invoice_id, payment_id FROM account_move__account_payment")
        self.links = {
            (self.move_names[move], self.payment_names[payment])
            for move, payment in cr.fetchall()
        }
        cr.execute(
            "SELECT interaction_id, move_id FROM"
            " debt_recovery_interaction_account_move_rel"
        )
        self.disputed = {self.move_names[move] for _interaction, move in cr.fetchall()}

    def keyed(self, table_rows, key, by_order=False, skip=()):
        """{key: row with ids replaced by names}; ``by_order``: the key's
        last part (an id) is replaced by the row's rank among its equals."""
        result = {}
        seen = defaultdict(int)
        for row in table_rows:
            row_key = key(row)
            if by_order:
                seen[row_key[:-1]] += 1
                row_key = (*row_key[:-1], seen[row_key[:-1]])
            result[row_key] = self.normalised(row, skip)
        return result

    def normalised(self, row, skip):
        names = {
            "partner_id": self.partners,
            "commercial_partner_id": self.partners,
            "partner_shipping_id": self.partners,
            "move_id": self.move_names,
            "origin_payment_id": self.payment_names,
            "payment_id": self.payment_names,
            "followup_id": self.followups,
            "debit_move_id": self.line_keys,
            "credit_move_id": self.line_keys,
        }
        result = {}
        for column, value in row.items():
            if column in AUDIT or column in ("id", "message_main_attachment_id"):
                continue
            if column in skip:
                continue
            if column in names and value is not None:
                value = names[column].get(value, value)
            elif column == "matching_number" and value:
                value = self.groups[value]
            elif column == "full_reconcile_id":
                value = value is not None
            result[column] = value
        return result


def compare(orm, sql):
    ok = True
    for table, orm_rows in orm.tables.items():
        sql_rows = sql.tables[table]
        missing = orm_rows.keys() - sql_rows.keys()
        extra = sql_rows.keys() - orm_rows.keys()
        columns = defaultdict(list)
        for key in orm_rows.keys() & sql_rows.keys():
            for column, value in orm_rows[key].items():
                if sql_rows[key].get(column) != value:
                    columns[column].append((key, value, sql_rows[key].get(column)))
        same = not missing and not extra and not columns
        ok &= same
        print(
            f"{table}: {len(orm_rows)} (ORM) / {len(sql_rows)} (SQL) rows"
            + ("" if same else f", {len(missing)} missing, {len(extra)} extra")
            + (": same" if same else "")
        )
        for key in sorted(missing, key=str)[:3]:
            print(f"  missing in SQL: {key}")
        for key in sorted(extra, key=str)[:3]:
            print(f"  extra in SQL: {key}")
        for column, diffs in sorted(columns.items()):
            key, orm_value, sql_value = diffs[0]
            print(
                f"  {column} differs on {len(diffs)} rows, e.g. {key}: "
                f"ORM {orm_value!r}, SQL {sql_value!r}"
            )
    for label, orm_set, sql_set in (
        ("invoice-payment links", orm.links, sql.links),
        ("disputed invoices", orm.disputed, sql.disputed),
    ):
        same = orm_set == sql_set
        ok &= same
        verdict = "same" if same else "DIFFERENT"
        print(f"{label}: {len(orm_set)} / {len(sql_set)}: {verdict}")
    return ok


def debt_figures(env):
    today = fields.Date.context_today(env.user)
    figures = env["account.move.line"]._debt_figures(env.company, None, today)
    return {partner.name: data for partner, data in figures.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--orm", required=True, help="database made --via orm")
    parser.add_argument("--sql", required=True, help="database made --via sql")
    args = parser.parse_args()
    ok, snapshots, figures, recomputed = True, {}, {}, {}
    for label, database in (("ORM", args.orm), ("SQL", args.sql)):
        with odoo_env(args.config, database) as env:
            ok &= check_sums(env, label)
            recomputed[label] = [recompute(env), recompute(env, editable=True)]
            snapshots[label] = Snapshot(env)
            figures[label] = debt_figures(env)
            env.cr.rollback()
    ok &= report_recompute(recomputed)
    ok &= compare(snapshots["ORM"], snapshots["SQL"])
    same = figures["ORM"] == figures["SQL"]
    ok &= same
    print(
        f"_debt_figures: {len(figures['ORM'])} / {len(figures['SQL'])} customers "
        f"with something overdue: {'same' if same else 'DIFFERENT'}"
    )
    print("the SQL-made ledger is the ORM's" if ok else "FAILED: differences above")
    sys.exit(0 if ok else 1)


def report_recompute(recomputed):
    """The derived fields must recompute to their stored values, in the
    SQL-made data as in the ORM-made data (where Odoo itself may store a
    value its compute would not give: the same rows must differ); the
    editable computed fields must differ exactly as in the ORM-made data."""
    ok = True
    for position, kind in enumerate(("derived", "editable computed")):
        orm_diffs, fields_count, _records = recomputed["ORM"][position]
        sql_diffs, _fields, records_count = recomputed["SQL"][position]
        same = orm_diffs == sql_diffs
        ok &= same
        print(
            f"{fields_count} stored {kind} fields recomputed on {records_count} "
            f"records: {sum(sql_diffs.values())} values differ from the stored ones "
            f"in the SQL-made data, {sum(orm_diffs.values())} in the ORM-made data"
            + (": same" if same else ": DIFFERENT")
        )
        for key in sorted(orm_diffs.keys() | sql_diffs.keys()):
            print(
                f"  {'.'.join(key)}: {sql_diffs.get(key, 0)} (SQL) / "
                f"{orm_diffs.get(key, 0)} (ORM)"
            )
    return ok


if __name__ == "__main__":
    main()
