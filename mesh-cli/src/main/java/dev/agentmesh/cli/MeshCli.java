package dev.agentmesh.cli;

import dev.agentmesh.cli.agents.AgentStatus;
import dev.agentmesh.cli.agents.AgentView;
import dev.agentmesh.cli.agents.AgentsText;
import dev.agentmesh.cli.deadletters.DeadLetter;
import dev.agentmesh.cli.deadletters.DeadLetters;
import dev.agentmesh.cli.deadletters.DeadLettersText;
import dev.agentmesh.cli.kafka.KafkaConnection;
import dev.agentmesh.cli.kafka.PartitionReader;
import dev.agentmesh.cli.page.OpsPage;
import dev.agentmesh.cli.timeline.RecentTasks;
import dev.agentmesh.cli.timeline.Timeline;
import dev.agentmesh.cli.timeline.TimelineReader;
import dev.agentmesh.cli.timeline.TimelineText;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mesh}: the operator's commands. Exit codes: 0 done, 1 not found, refused or the cluster failed, 2 usage.
 * Reads are group-less (assign and seek, nothing committed), so running it disturbs no consumer of the system.
 */
public final class MeshCli {

    static final String USAGE = """
            usage: mesh <command>   (Kafka from KAFKA_BOOTSTRAP_SERVERS, default localhost:9092;
                                     client settings such as TLS or SASL from the file MESH_KAFKA_CONFIG names)
              timeline <task-or-conversation-id> [--since 30m|2h|7d|<instant>] [--json]
                  what the audit log and the task topics say about a task, or every task of a conversation
              tasks [--since 1h] [--limit 50] [--json]
                  the tasks requested lately, newest first, with their outcome (where to find an id)
              agents [--json]
                  agents from the registry: instances, versions, last heartbeat, their group's lag
              dlt list [<topic>-dlt] [--json]
                  dead letters with their origin and reason (every -dlt topic when none is named)
              dlt replay <topic>-dlt <partition>:<offset>... [--force]
                  puts dead letters back on their original topic; once each unless --force
              page [--port 8089] [--address 127.0.0.1]
                  serves the timeline and the agent view at http://127.0.0.1:8089/ops/ until stopped
            """;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    MeshCli(Map<String, String> environment, PrintStream out, PrintStream err, Clock clock) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static void main(String[] args) {
        int code = new MeshCli(System.getenv(), System.out, System.err, Clock.systemUTC()).run(args);
        if (code != 0 || args.length == 0 || !"page".equals(args[0])) {
            System.exit(code);
        }
    }

    /** Runs one command; {@code page} returns only when the JVM is stopped. */
    int run(String... args) {
        List<String> words = new ArrayList<>(List.of(args));
        if (words.isEmpty() || words.contains("-h") || words.contains("--help") || words.getFirst().equals("help")) {
            (words.isEmpty() ? err : out).print(USAGE);
            return words.isEmpty() ? 2 : 0;
        }
        KafkaConnection connection = null;
        try {
            Options options = Options.parse(words.subList(1, words.size()));
            connection = KafkaConnection.fromEnvironment(environment);
            return switch (words.getFirst()) {
                case "timeline" -> timeline(connection, options);
                case "tasks" -> tasks(connection, options);
                case "agents" -> agents(connection, options);
                case "dlt" -> deadLetters(connection, options);
                case "page" -> page(connection, options);
                default -> throw new IllegalArgumentException("unknown command '" + words.getFirst() + "'");
            };
        } catch (IllegalArgumentException e) {
            err.println("mesh: " + e.getMessage() + " (mesh --help lists the commands)");
            return 2;
        } catch (NoSuchElementException e) {
            err.println("mesh: " + e.getMessage());
            return 1;
        } catch (org.apache.kafka.common.KafkaException | IllegalStateException e) {
            err.println("mesh: " + e.getMessage() + (connection == null ? ""
                    : " (Kafka at " + connection.bootstrapServers() + ")"));
            return 1;
        } catch (RuntimeException | IOException e) {
            err.println("mesh: " + e.getMessage());
            return 1;
        }
    }

    private int timeline(KafkaConnection connection, Options options) {
        options.allow("--since", "--json");
        String id = options.single("a task id or a conversation id");
        try (PartitionReader reader = new PartitionReader(connection)) {
            Timeline timeline = new TimelineReader(reader).read(id,
                    options.value("--since") == null ? null : Since.parse(options.value("--since"), clock));
            if (options.flag("--json")) {
                out.println(Json.write(timeline));
            } else {
                TimelineText.print(timeline, out);
            }
        }
        return 0;
    }

    private int tasks(KafkaConnection connection, Options options) {
        options.allow("--since", "--limit", "--json");
        options.none();
        String since = options.valueOr("--since", "1h");
        int limit;
        try {
            limit = Integer.parseInt(options.valueOr("--limit", "50"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--limit needs a number");
        }
        try (PartitionReader reader = new PartitionReader(connection)) {
            List<RecentTasks.TaskLine> tasks = new RecentTasks(reader).since(Since.parse(since, clock), limit);
            if (options.flag("--json")) {
                out.println(Json.write(tasks));
            } else {
                TimelineText.printTasks(tasks, since, out);
            }
        }
        return 0;
    }

    private int agents(KafkaConnection connection, Options options) {
        options.allow("--json");
        options.none();
        try (PartitionReader reader = new PartitionReader(connection); Admin admin = connection.admin()) {
            List<AgentStatus> agents = new AgentView(reader, admin, clock).agents();
            if (options.flag("--json")) {
                out.println(Json.write(agents));
            } else {
                AgentsText.print(agents, clock, out);
            }
        }
        return 0;
    }

    private int deadLetters(KafkaConnection connection, Options options) {
        List<String> positional = options.positional();
        if (positional.isEmpty()) {
            throw new IllegalArgumentException("dlt needs list or replay");
        }
        String action = positional.getFirst();
        List<String> rest = positional.subList(1, positional.size());
        try (PartitionReader reader = new PartitionReader(connection)) {
            switch (action) {
                case "list" -> {
                    options.allow("--json");
                    if (rest.size() > 1) {
                        throw new IllegalArgumentException("dlt list takes at most one topic");
                    }
                    DeadLetters letters = new DeadLetters(reader, null, clock);
                    String topic = rest.isEmpty() ? null : rest.getFirst();
                    List<DeadLetter> listed = letters.list(topic);
                    if (options.flag("--json")) {
                        out.println(Json.write(listed));
                    } else {
                        DeadLettersText.print(listed, topic == null ? letters.topics() : List.of(topic), out);
                    }
                    return 0;
                }
                case "replay" -> {
                    options.allow("--force");
                    if (rest.size() < 2) {
                        throw new IllegalArgumentException("dlt replay needs a -dlt topic and at least one "
                                + "<partition>:<offset>");
                    }
                    try (KafkaProducer<byte[], byte[]> producer = connection.producer()) {
                        List<DeadLetters.Replay> replays = new DeadLetters(reader, producer, clock)
                                .replay(rest.getFirst(), rest.subList(1, rest.size()), options.flag("--force"));
                        boolean allReplayed = true;
                        for (DeadLetters.Replay replay : replays) {
                            (replay.replayed() ? out : err).println(replay.deadLetter() + ": "
                                    + (replay.replayed() ? "" : "not replayed: ") + replay.message());
                            allReplayed &= replay.replayed();
                        }
                        return allReplayed ? 0 : 1;
                    }
                }
                default -> throw new IllegalArgumentException("unknown dlt action '" + action + "' (list or replay)");
            }
        }
    }

    private int page(KafkaConnection connection, Options options) throws IOException {
        options.allow("--port", "--address");
        options.none();
        int port;
        try {
            port = Integer.parseInt(options.valueOr("--port", environment.getOrDefault("MESH_PAGE_PORT", "8089")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port needs a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port " + port + " is not a port");
        }
        InetAddress address = InetAddress.getByName(options.valueOr("--address", "127.0.0.1"));
        OpsPage page = new OpsPage(connection, address, port, clock).start();
        if (!address.isLoopbackAddress()) {
            err.println("mesh: the page shows users' words and is served on " + address.getHostAddress()
                    + " without authentication: keep that address off any network end users reach");
        }
        out.println("ops page on " + page.url() + " (Kafka " + connection.bootstrapServers() + "); Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            page.close();
            stopped.countDown();
        }, "ops-page-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
