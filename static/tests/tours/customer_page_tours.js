import { registry } from "@web/core/registry";

// The customer's page, as the customer uses it: an anonymous visitor who
// opened the link of a reminder.

/** The ISO date ``days`` after the ISO date ``iso``. */
function addDays(iso, days) {
    const date = new Date(`${iso}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
}

/** Set a date input to ``days`` after its minimum (the server's today). */
function setDate(selector, days) {
    return {
        content: `Choose the day ${days} days from today`,
        trigger: selector,
        run(helpers) {
            const input = helpers.anchor;
            input.value = addDays(input.min, days);
            input.dispatchEvent(new Event("input", { bubbles: true }));
            input.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

function openSection(section, title) {
    return [
        {
            content: `Open "${title}"`,
            trigger: `.o_debt_recovery_section_${section} .accordion-button`,
            run: "click",
        },
        {
            content: `"${title}" is open`,
            trigger: `#o_debt_recovery_${section}.show`,
        },
    ];
}

registry.category("web_tour.tours").add("account_debt_recovery_customer_pay_tour", {
    steps: () => [
        {
            content: "The page shows what is due",
            trigger: ".o_debt_recovery_net_amount",
        },
        ...openSection("pay", "Pay now"),
        {
            content: "Go on to pay the invoices chosen",
            trigger: ".o_debt_recovery_pay_form button[name=pay]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Pay with the demo provider",
            trigger: "input[name=o_payment_radio][data-payment-method-code=demo]",
            run: "click",
        },
        {
            content: "Card details (test data)",
            trigger: "#customer_input",
            run: "edit 4111 1111 1111 1111",
        },
        {
            content: "Pay",
            trigger: "button[name=o_payment_submit_button]:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the page: the payment is confirmed",
            trigger: ".o_debt_recovery_confirmation:contains('Thank you for your payment')",
            timeout: 30000,
        },
    ],
});

registry.category("web_tour.tours").add("account_debt_recovery_customer_promise_tour", {
    steps: () => [
        ...openSection("promise", "I will pay on…"),
        setDate(".o_debt_recovery_promise_form input[name=promise_date]", 10),
        {
            content: "Part of the balance",
            trigger: ".o_debt_recovery_promise_form input[name=promise_amount]",
            run: "edit 500",
        },
        {
            content: "Send the promise",
            trigger: ".o_debt_recovery_promise_form button[name=send_promise]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The promise is confirmed",
            trigger: ".o_debt_recovery_confirmation:contains('Thank you, noted')",
        },
    ],
});

function planSteps(count, note, confirmation) {
    return [
        ...openSection("plan", "Propose a payment plan"),
        {
            content: `${count} instalments`,
            trigger: ".o_debt_recovery_plan_form input[name=instalment_count]",
            run: `edit ${count}`,
        },
        setDate(".o_debt_recovery_plan_form input[name=date_start]", 5),
        {
            content: "The schedule is shown as it is typed",
            trigger:
                `.o_debt_recovery_plan_lines tbody tr:nth-child(${count})` +
                `:not(:has(~ tr))`,
        },
        {
            content: "The page says what happens to the proposal",
            trigger: `.o_debt_recovery_plan_note:contains('${note}')`,
        },
        {
            content: "Propose the plan",
            trigger: ".o_debt_recovery_plan_form button[name=send_plan]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The proposal is confirmed",
            trigger: `.o_debt_recovery_confirmation:contains('${confirmation}')`,
        },
    ];
}

registry.category("web_tour.tours").add("account_debt_recovery_customer_plan_tour", {
    steps: () => planSteps(2, "the plan starts as soon", "Your payment plan is agreed"),
});

registry.category("web_tour.tours").add("account_debt_recovery_customer_proposal_tour", {
    steps: () =>
        planSteps(5, "We will review this proposal", "we have received your proposal"),
});

registry.category("web_tour.tours").add("account_debt_recovery_customer_dispute_tour", {
    steps: () => [
        ...openSection("dispute", "Something is wrong"),
        {
            content: "The first overdue invoice",
            trigger: ".o_debt_recovery_dispute_form div.form-check:first-of-type input",
            run: "click",
        },
        {
            content: "What is wrong",
            trigger: ".o_debt_recovery_dispute_form select[name=reason_id]",
            run: "selectByLabel Damaged",
        },
        {
            content: "Tell more",
            trigger: ".o_debt_recovery_dispute_form textarea[name=comment]",
            run: "edit Half of the tiles arrived broken.",
        },
        {
            content: "Attach a photo",
            trigger: ".o_debt_recovery_dispute_form input[name=attachment]",
            run(helpers) {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["tiles broken on delivery"], "broken_tiles.txt", {
                        type: "text/plain",
                    })
                );
                helpers.anchor.files = transfer.files;
                helpers.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send",
            trigger: ".o_debt_recovery_dispute_form button[name=send_dispute]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The dispute is confirmed",
            trigger: ".o_debt_recovery_confirmation:contains('Thank you for telling us')",
        },
    ],
});
