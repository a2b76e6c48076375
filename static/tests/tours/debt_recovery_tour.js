import { registry } from "@web/core/registry";

// A collector opens the worklist, opens a customer's follow-up, logs a
// promise to pay and sees it in the history and the status.
registry.category("web_tour.tours").add("account_debt_recovery_promise_tour", {
    url: "/odoo/debt-recovery",
    steps: () => [
        {
            content: "Open the customer's follow-up from the worklist",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains('Tour Payer')",
            run: "click",
        },
        {
            content: "Log a call",
            trigger: ".o_form_view button[name=action_log_interaction]",
            run: "click",
        },
        {
            content: "Choose the outcome",
            trigger: ".modal .o_field_widget[name=outcome] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "The customer promised to pay",
            trigger: ".o_select_menu_menu .o_select_menu_item:contains('Promise to Pay')",
            run: "click",
        },
        {
            content: "Promised payment date",
            trigger: ".modal .o_field_widget[name=promise_date] input",
            run: "edit 12/31/2099",
        },
        {
            content: "What was said",
            trigger: ".modal .o_field_widget[name=summary] input",
            run: "edit Will pay by transfer",
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            content: "Look at the history (the report comes first)",
            trigger: "body:not(:has(.modal)) .o_form_view .o_notebook a[name=history]",
            run: "click",
        },
        {
            content: "The promise is in the customer's history",
            trigger:
                "body:not(:has(.modal)) .o_form_view div[name=interaction_ids] " +
                ".o_data_row:contains('Will pay by transfer'):contains('Promise to Pay')",
        },
        {
            content: "The follow-up shows its promise at once",
            trigger: ".o_form_view .o_field_widget[name=status]:contains('Promise to Pay')",
        },
    ],
});
