package dev.agentmesh.deploy;

import dev.agentmesh.events.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Kafka Streams service needs from the broker beyond reading its sources with its group, from its module and
 * its container's settings: its internal {@code <application.id>-*} topics (repartition and changelog topics, which it
 * creates and purges), the topics its code writes by name, the dead letters of what it reads, transactional ids under
 * its application.id when it runs exactly once, and DescribeConfigs on the topics it declares when it compares their
 * settings at start ({@code spring.kafka.admin.modify-topic-configs}).
 */
record StreamsAccess(String service, String applicationId, boolean exactlyOnce, Set<String> sources, Set<String> written,
                     boolean deadLetters, Set<String> describedConfigs) {

    /** Operations Kafka Streams uses on its internal topics. */
    static final List<StrimziAclOperation> INTERNAL_TOPIC_OPERATIONS = List.of(StrimziAclOperation.CREATE,
            StrimziAclOperation.DESCRIBE, StrimziAclOperation.READ, StrimziAclOperation.WRITE, StrimziAclOperation.DELETE);

    /** Empty for a service that is no Streams application. */
    static StreamsAccess of(String service, Container container) {
        Map<String, String> config = ServiceConsumption.applicationConfig(service);
        String applicationId = config.get("spring.kafka.streams.application-id");
        ServiceSettings settings = ServiceSettings.of(container, service);
        String guarantee = settings.map("spring.kafka.streams.properties").getOrDefault("processing.guarantee", "at_least_once");
        boolean modifiesTopics = settings.string("spring.kafka.admin.modify-topic-configs").map(Boolean::parseBoolean)
                .orElse(false);
        Set<String> sources = applicationId == null ? Set.of()
                : ServiceConsumption.of(service).map(ServiceConsumption::topics).orElse(Set.of());
        return new StreamsAccess(service, applicationId, guarantee.startsWith("exactly_once"), sources,
                ServiceConsumption.writtenTopics(service), ServiceConsumption.deadLettersWhatItReads(service),
                modifiesTopics ? ServiceConsumption.declaredTopics(service).keySet() : Set.of());
    }

    /** What the rules do not grant, one line each; nothing for a service that is no Streams application. */
    List<String> missingFrom(List<AclRule> rules) {
        List<String> problems = new ArrayList<>();
        if (applicationId == null) {
            return problems;
        }
        String internal = applicationId + "-some-store-changelog";
        for (StrimziAclOperation operation : INTERNAL_TOPIC_OPERATIONS) {
            if (!RenderedManifestsTests.grants(rules, "topic", internal, operation)) {
                problems.add(service + ": may not " + operation + " its internal topics " + applicationId + "-*");
            }
        }
        for (String topic : written) {
            if (!RenderedManifestsTests.grants(rules, "topic", topic, StrimziAclOperation.WRITE)) {
                problems.add(service + ": may not write " + topic + ", which its code writes");
            }
        }
        if (deadLetters) {
            for (String source : sources) {
                if (!RenderedManifestsTests.grants(rules, "topic", Topics.deadLetterFor(source), StrimziAclOperation.WRITE)) {
                    problems.add(service + ": may not write " + Topics.deadLetterFor(source) + ", where records of "
                            + source + " it cannot decode go");
                }
            }
        }
        if (exactlyOnce) {
            // exactly_once_v2 producers use transactional.id <application.id>-<process id>-<thread index>
            String transactionalId = applicationId + "-0f8fad5b-d9cb-469f-a165-70867728950e-1";
            for (StrimziAclOperation operation : List.of(StrimziAclOperation.WRITE, StrimziAclOperation.DESCRIBE)) {
                if (!RenderedManifestsTests.grants(rules, "transactionalId", transactionalId, operation)) {
                    problems.add(service + ": runs exactly_once but may not " + operation + " transactional ids "
                            + applicationId + "-*");
                }
            }
        }
        for (String topic : describedConfigs) {
            if (!RenderedManifestsTests.grants(rules, "topic", topic, StrimziAclOperation.DESCRIBECONFIGS)) {
                problems.add(service + ": compares " + topic + "'s settings at start (modify-topic-configs) but may not"
                        + " DescribeConfigs it");
            }
        }
        return problems;
    }
}
