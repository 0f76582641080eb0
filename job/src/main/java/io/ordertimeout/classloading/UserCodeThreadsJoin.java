package io.ordertimeout.classloading;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits (bounded) for the threads the job's libraries started to end before Flink closes the
 * job's class loader. The RocketMQ client's {@code shutdown()} only asks its Netty event loops to
 * shut down gracefully (a 2 s quiet period) and does not wait; those threads then ran on after the
 * class loader was closed, failing to load classes ({@code NoClassDefFoundError:
 * io/netty/buffer/PoolArena$1}, "Trying to access closed classloader" from the log appender) and,
 * while alive, keeping the class loader from being collected.
 *
 * <p>A thread is the job's if its class was defined by the job's class loader (Netty's
 * {@code FastThreadLocalThread}) or its context class loader is the job's (threads inherit it
 * from the task threads that started the clients). The job's tasks have ended when this runs, so
 * what is left is what the libraries left. The JDK's own threads (the "system" thread group, e.g.
 * the process reaper a child process of the task started) are not waited for: they outlive any
 * job by design. It blocks the TaskManager thread that releases the class loader, hence the bound;
 * measured: 1.6 to 2.2 s per ended job (Netty's 2 s quiet period).
 */
final class UserCodeThreadsJoin implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(UserCodeThreadsJoin.class);
    private static final long BUDGET_MILLIS = 10_000;

    private final ClassLoader jobClasses;
    private final ClassLoader userCode;

    UserCodeThreadsJoin(ClassLoader jobClasses, ClassLoader userCode) {
        this.jobClasses = jobClasses;
        this.userCode = userCode;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(BUDGET_MILLIS);
        List<Thread> threads = jobThreads();
        for (Thread thread : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            try {
                thread.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        List<String> alive = new ArrayList<>();
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                alive.add(thread.getName());
            }
        }
        if (!alive.isEmpty()) {
            LOG.warn("{} threads of the ended job still run after {} ms; they keep its class loader alive: {}",
                    alive.size(), BUDGET_MILLIS, alive);
        } else if (!threads.isEmpty()) {
            LOG.info("Waited {} ms for {} threads of the ended job to end",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), threads.size());
        }
    }

    private List<Thread> jobThreads() {
        List<Thread> threads = new ArrayList<>();
        Thread current = Thread.currentThread();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            ThreadGroup group = thread.getThreadGroup();
            if (thread == current || !thread.isAlive() || group == null || group.getParent() == null) {
                continue;
            }
            ClassLoader context = thread.getContextClassLoader();
            if (thread.getClass().getClassLoader() == jobClasses || context == userCode || context == jobClasses) {
                threads.add(thread);
            }
        }
        return threads;
    }
}
