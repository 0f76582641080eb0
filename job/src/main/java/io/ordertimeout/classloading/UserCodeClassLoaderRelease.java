package io.ordertimeout.classloading;

import org.apache.flink.api.common.functions.RuntimeContext;

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
 */
public final class UserCodeClassLoaderRelease {

    private UserCodeClassLoaderRelease() {}

    public static void register(RuntimeContext context) {
        ClassLoader jobClasses = UserCodeClassLoaderRelease.class.getClassLoader();
        if (jobClasses == ClassLoader.getSystemClassLoader() || jobClasses == null) {
            return;
        }
        ClassLoader userCode = context.getUserCodeClassLoader();
        context.registerUserCodeClassLoaderReleaseHookIfAbsent(
                JdbcDriverDeregistration.class.getName(), new JdbcDriverDeregistration(jobClasses));
        context.registerUserCodeClassLoaderReleaseHookIfAbsent(
                UserCodeThreadsJoin.class.getName(), new UserCodeThreadsJoin(jobClasses, userCode));
    }
}
