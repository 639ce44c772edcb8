package dev.agentmesh.testing;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A second in-process KRaft broker, for tests that need the broker to say no: its only client listener is
 * SASL_PLAINTEXT with SCRAM-SHA-512, the {@code StandardAuthorizer} decides every request, and what no ACL allows is
 * denied, as on the Kubernetes cluster (Strimzi's {@code simple} authorization). One super user, {@value #SUPER_USER},
 * is the test's own administrator: it creates users, topics and ACLs. {@link TestKafka}'s broker stays as it is; this one
 * starts only where a test asks for it, once per JVM.
 */
public final class AuthorizingKafka {

    public static final String SUPER_USER = "admin";
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";

    private static final String SUPER_PASSWORD = "admin-" + Uuid.randomUuid();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static AuthorizingKafka instance;

    private final String bootstrapServers;

    private AuthorizingKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** The JVM's authorizing broker, started on first use and stopped when the JVM exits. */
    public static synchronized AuthorizingKafka instance() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client settings that log in as {@code user}: what a service's spring.kafka.* and a Strimzi user Secret give it. */
    public Map<String, Object> clientSettings(String user, String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SECURITY_PROTOCOL);
        settings.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, password));
        return settings;
    }

    /** The {@code sasl.jaas.config} value Strimzi's User Operator writes into a SCRAM user's Secret. */
    public static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Client settings of the super user, whom ACLs do not apply to: the test's own view of every topic. */
    public Map<String, Object> superUserSettings() {
        return clientSettings(SUPER_USER, SUPER_PASSWORD);
    }

    /** An Admin client of the super user. Close it after use. */
    public Admin superUserAdmin() {
        return Admin.create(superUserSettings());
    }

    /** Creates (or replaces) a SCRAM-SHA-512 credential, as the User Operator does for a KafkaUser. */
    public void createUser(String user, String password) {
        try (Admin admin = superUserAdmin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
            // the broker authenticates from its metadata image: wait until the credential is there
            await().atMost(READY_TIMEOUT).until(() -> admin.describeUserScramCredentials(List.of(user)).all()
                    .get(10, TimeUnit.SECONDS).containsKey(user));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the SCRAM credential of " + user, e);
        }
    }

    private static AuthorizingKafka start() {
        try {
            Path data = Files.createTempDirectory("authorizing-kafka");
            int port = freePort();
            int controllerPort = freePort();
            Properties properties = new Properties();
            properties.putAll(brokerSettings(data, port, controllerPort));
            Path file = data.resolve("server.properties");
            try (var writer = Files.newBufferedWriter(file)) {
                properties.store(writer, "authorizing test broker");
            }
            format(file);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
            server.startup();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.shutdown();
                server.awaitShutdown();
            }, "authorizing-kafka-stop"));
            AuthorizingKafka kafka = new AuthorizingKafka("127.0.0.1:" + port);
            try (Admin admin = kafka.superUserAdmin()) {
                await().atMost(READY_TIMEOUT).ignoreExceptions().until(() ->
                        !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
            }
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> brokerSettings(Path data, int port, int controllerPort) {
        Map<String, String> settings = new HashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        settings.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
        // the broker talks to itself over the SASL listener as the super user, as Strimzi's brokers do over theirs
        settings.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        settings.put("sasl.enabled.mechanisms", MECHANISM);
        settings.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        settings.put("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", jaasConfig(SUPER_USER, SUPER_PASSWORD));
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // ANONYMOUS is the broker's own principal on the loopback controller listener, which no client is told of
        settings.put("super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
        settings.put("allow.everyone.if.no.acl.found", "false");
        settings.put("log.dirs", data.resolve("logs").toString());
        settings.put("num.partitions", "1");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("group.coordinator.append.linger.ms", "0");
        // as on the cluster, where the Topic Operator creates every topic: a service may not create one by using it
        settings.put("auto.create.topics.enable", "false");
        return settings;
    }

    /** Formats the log directory with the super user's SCRAM credential, so it can log in before any user exists. */
    private static void format(Path properties) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = StorageTool.execute(new String[] {"format", "--standalone", "-t", Uuid.randomUuid().toString(),
                "-c", properties.toString(), "--add-scram",
                MECHANISM + "=[name=" + SUPER_USER + ",password=" + SUPER_PASSWORD + "]"},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting the authorizing broker failed (" + code + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
