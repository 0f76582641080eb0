package io.ordertimeout.classloading;

import java.util.function.BiConsumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * What the job undoes when Flink releases its user-code class loader in a TaskManager (the job's
 * last task there ended), so that a long-lived session cluster gets the class loader, and the
 * ~2,000 classes of the fat jar it holds, back after every stop, cancel or upgrade (issue 9).
 *
 * <p>Registered through Flink's public hook ({@link RuntimeContext#registerUserCodeClassLoaderReleaseHookIfAbsent}),
 * which runs once per job and TaskManager, right before Flink closes the class loader. Only when
 * the job's classes really come from a user-code class loader (a submitted jar); when they are on
 * the application class path (MiniCluster tests, the local runner) nothing is done, since the
 * drivers and threads then belong to the whole JVM.
 *
 * <p>Registered from every kind of task that starts such things: the JDBC writers (drivers) and
 * the RocketMQ source's deserializer (client threads). Flink runs a hook once per name, so the
 * registrations of many tasks in one TaskManager collapse into one; and a TaskManager that runs
 * only sources (custom slot sharing groups) still gets them.
 */
public final class UserCodeClassLoaderRelease {

    private UserCodeClassLoaderRelease() {}

    /** From an operator or function: its runtime context. */
    public static void register(RuntimeContext context) {
        register(UserCodeClassLoaderRelease.class.getClassLoader(), context.getUserCodeClassLoader(),
                context::registerUserCodeClassLoaderReleaseHookIfAbsent);
    }

    /** From a source's deserializer: its initialization context's class loader. */
    public static void register(UserCodeClassLoader userCodeClassLoader) {
        register(UserCodeClassLoaderRelease.class.getClassLoader(), userCodeClassLoader.asClassLoader(),
                userCodeClassLoader::registerReleaseHookIfAbsent);
    }

    /** The names of the hooks, as registered ({@code registerIfAbsent} keeps the first of each name). */
    static final String DRIVERS_HOOK = JdbcDriverDeregistration.class.getName();
    static final String THREADS_HOOK = UserCodeThreadsJoin.class.getName();

    static void register(ClassLoader jobClasses, ClassLoader userCode, BiConsumer<String, Runnable> registerIfAbsent) {
        if (jobClasses == ClassLoader.getSystemClassLoader() || jobClasses == null) {
            return;
        }
        registerIfAbsent.accept(DRIVERS_HOOK, new JdbcDriverDeregistration(jobClasses));
        registerIfAbsent.accept(THREADS_HOOK, new UserCodeThreadsJoin(jobClasses, userCode));
    }
}
