package dev.agentmesh.kafka.logging;

import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The task a thread works on, in the SLF4J MDC: {@value #TASK_ID}, {@value #CONVERSATION_ID} and, in an agent,
 * {@value #AGENT}. With structured logging ({@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} or {@code logstash}) every
 * log line written meanwhile carries them as JSON fields, so an operator finds a task's lines by its id. Opened
 * where a task is taken up and closed when it is done, so the next task on the same (pooled or virtual) thread
 * starts clean; {@link #carried} takes them along to another thread.
 */
public final class TaskMdc implements AutoCloseable {

    public static final String TASK_ID = "taskId";
    public static final String CONVERSATION_ID = "conversationId";
    public static final String AGENT = "agent";

    private final Map<String, String> previous;

    private TaskMdc(Map<String, String> previous) {
        this.previous = previous;
    }

    /** Puts the task's ids in this thread's MDC until {@link #close}; a null id leaves its field out. */
    public static TaskMdc open(String taskId, String conversationId) {
        return open(taskId, conversationId, null);
    }

    /** As {@link #open(String, String)}, with the agent that works on it. */
    public static TaskMdc open(String taskId, String conversationId, String agent) {
        TaskMdc scope = new TaskMdc(MDC.getCopyOfContextMap());
        put(TASK_ID, taskId);
        put(CONVERSATION_ID, conversationId);
        put(AGENT, agent);
        return scope;
    }

    /** Restores what the thread's MDC held before {@link #open}: nothing leaks to the thread's next task. */
    @Override
    public void close() {
        restore(previous);
    }

    /** The caller's MDC, set on the thread that runs {@code task} while it runs, and taken off after. */
    public static Runnable carried(Runnable task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            restore(context);
            try {
                task.run();
            } finally {
                restore(before);
            }
        };
    }

    /** As {@link #carried(Runnable)}, for a task with a result. */
    public static <T> Callable<T> carried(Callable<T> task) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return () -> {
            Map<String, String> before = MDC.getCopyOfContextMap();
            restore(context);
            try {
                return task.call();
            } finally {
                restore(before);
            }
        };
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        } else {
            MDC.remove(key);
        }
    }

    private static void restore(Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
