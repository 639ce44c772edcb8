package dev.agentmesh.gateway.tasks;

import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Which session on this instance waits for which task. A result for a task not here is not for us, or late. */
@Component
public class TaskRoutes {

    private final Map<String, TaskListener> byTask = new ConcurrentHashMap<>();

    public void register(String taskId, TaskListener listener) {
        byTask.put(taskId, listener);
    }

    public void remove(String taskId) {
        byTask.remove(taskId);
    }

    Optional<TaskListener> find(String taskId) {
        return Optional.ofNullable(byTask.get(taskId));
    }
}
