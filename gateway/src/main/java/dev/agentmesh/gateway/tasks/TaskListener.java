package dev.agentmesh.gateway.tasks;

import dev.agentmesh.events.AgentTaskCompleted;
import dev.agentmesh.events.TaskPlanned;

/** The session that waits for a task hears about it here, on the Kafka reader's thread. */
public interface TaskListener {

    void planned(TaskPlanned plan);

    void completed(AgentTaskCompleted result);
}
