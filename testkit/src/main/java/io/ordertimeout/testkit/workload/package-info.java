/**
 * Order workloads and their ground truth, shared by the job's integration tests, the local demo
 * and the benchmarks (no job types here).
 *
 * <ul>
 *   <li>{@link io.ordertimeout.testkit.workload.OrderWorkload}: a deterministic batch of events in
 *       emission order from a {@link io.ordertimeout.testkit.workload.WorkloadSpec}, with the initial
 *       orders rows and the {@link io.ordertimeout.testkit.workload.ExpectedOutcome};</li>
 *   <li>{@link io.ordertimeout.testkit.workload.LiveOrderSimulator}: orders in real time at a rate,
 *       acting as the order and payment services on the database;</li>
 *   <li>{@link io.ordertimeout.testkit.workload.GroundTruthCheck}: compares the contract tables with an
 *       expected outcome and reports PASS/FAIL, mismatches by order and close lateness;</li>
 *   <li>{@link io.ordertimeout.testkit.workload.EventPublisher}: where events go
 *       ({@link io.ordertimeout.testkit.workload.RocketMqEventPublisher},
 *       {@link io.ordertimeout.testkit.workload.InMemoryEventPublisher}).</li>
 * </ul>
 */
package io.ordertimeout.testkit.workload;
