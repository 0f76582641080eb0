package io.ordertimeout.testkit.workload;

/**
 * Progress of a {@link LiveOrderSimulator}.
 *
 * @param paid payments published (in time, late, after cancel)
 * @param latePaid payments that found their order already closed by the job: each must become a refund
 * @param latePaidBeforeClose payments meant to be late that still found the order pending (the job had not closed it yet)
 * @param paidAfterCancel payments that found their order cancelled: each must become a refund
 * @param cancelsRefused cancels not published because the order was no longer pending
 * @param cancelsAfterPayment cancels published although the order was paid (PAID_THEN_CANCELLED_SOON):
 *     the job requests a refund that the database guard must turn down
 * @param failures database or publish errors (the affected expectations are relaxed, see the simulator)
 * @param backlog scheduled actions not yet done
 */
public record LiveCounters(
        long created,
        long paid,
        long cancelled,
        long latePaid,
        long latePaidBeforeClose,
        long paidAfterCancel,
        long duplicatesSent,
        long outOfOrder,
        long invalidSent,
        long cancelsRefused,
        long cancelsAfterPayment,
        long failures,
        long backlog) {

    /** One progress line for logs and the demo's console. */
    @Override
    public String toString() {
        return "created=" + created + " paid=" + paid + " cancelled=" + cancelled + " late-paid=" + latePaid
                + " (before close " + latePaidBeforeClose + ") paid-after-cancel=" + paidAfterCancel
                + " duplicates=" + duplicatesSent + " out-of-order=" + outOfOrder + " invalid=" + invalidSent
                + " cancels-refused=" + cancelsRefused + " cancels-after-payment=" + cancelsAfterPayment + " failures=" + failures + " backlog=" + backlog;
    }
}
