import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

/**
 * The payment plan form of the customer's page: the schedule of the plan
 * being described, shown live. The server computes it with the plans' own
 * split rule and the policy's limits, and says when the plan would be
 * accepted at once.
 */
export class DebtRecoveryPlanSchedule extends Interaction {
    static selector = ".o_debt_recovery_plan_form";
    dynamicContent = {
        "input, select": {
            "t-on-input": this.debounced(this.refresh, 300),
            "t-on-change": this.debounced(this.refresh, 300),
        },
    };

    setup() {
        this.previewEl = this.el.querySelector(".o_debt_recovery_plan_schedule");
    }

    start() {
        this.refresh();
    }

    async refresh() {
        const form = this.el;
        const result = await this.waitFor(
            rpc(form.dataset.scheduleRoute, {
                access_token: form.querySelector("input[name=access_token]").value,
                instalment_count: form.querySelector("input[name=instalment_count]").value,
                date_start: form.querySelector("input[name=date_start]").value,
                frequency: form.querySelector("select[name=frequency]").value,
            })
        );
        this.renderSchedule(result);
    }

    renderSchedule(result) {
        const preview = this.previewEl;
        preview.replaceChildren();
        if (result.error) {
            const alert = document.createElement("div");
            alert.className = "alert alert-warning o_debt_recovery_plan_error";
            alert.textContent = result.error;
            preview.append(alert);
            return;
        }
        const table = document.createElement("table");
        table.className = "table table-sm o_debt_recovery_plan_lines";
        const body = table.createTBody();
        result.lines.forEach((line, index) => {
            const row = body.insertRow();
            row.insertCell().textContent = `${index + 1}`;
            row.insertCell().textContent = line.date;
            const amount = row.insertCell();
            amount.className = "text-end";
            amount.textContent = line.amount;
        });
        const total = table.createTFoot().insertRow();
        total.className = "fw-bold";
        total.insertCell();
        total.insertCell();
        const totalAmount = total.insertCell();
        totalAmount.className = "text-end";
        totalAmount.textContent = result.total;
        const note = document.createElement("p");
        note.className = "small text-muted o_debt_recovery_plan_note";
        note.textContent = result.auto_accept
            ? this.el.dataset.autoAcceptText
            : this.el.dataset.reviewText;
        preview.append(table, note);
    }
}

/**
 * A form of the customer's page is sent once: its buttons are disabled as
 * soon as it is submitted (the server refuses a second sending anyway).
 */
export class DebtRecoveryFormOnce extends Interaction {
    static selector = ".o_debt_recovery_form";
    dynamicContent = {
        _root: { "t-on-submit": this.onSubmit },
    };

    onSubmit() {
        for (const button of this.el.querySelectorAll("button[type=submit]")) {
            button.disabled = true;
        }
    }
}

registry
    .category("public.interactions")
    .add("account_debt_recovery.plan_schedule", DebtRecoveryPlanSchedule)
    .add("account_debt_recovery.form_once", DebtRecoveryFormOnce);
