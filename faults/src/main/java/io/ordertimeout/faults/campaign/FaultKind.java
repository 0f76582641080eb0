package io.ordertimeout.faults.campaign;

/** The faults of DESIGN.md §9 that the campaign injects, each as production meets it. */
public enum FaultKind {
    TASK_MANAGER_KILL("TaskManager kill -9, a new TaskManager started"),
    JOB_MANAGER_KILL("JobManager kill -9, a new JobManager started (ZooKeeper HA)"),
    DATABASE_STOP("database stopped, then started again on the same data"),
    DATABASE_PAUSE("database frozen with SIGSTOP, then SIGCONT"),
    BROKER_KILL("broker kill -9, restarted on the same store"),
    RESCALE("stop-with-savepoint under load, restarted at another parallelism"),
    CANCEL_RESUME("cancel, resumed from the latest retained checkpoint"),
    DOWNTIME("job down for several payment windows, then resumed (catch-up)");

    private final String description;

    FaultKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
