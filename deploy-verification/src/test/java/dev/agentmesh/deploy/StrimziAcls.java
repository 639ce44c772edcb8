package dev.agentmesh.deploy;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;

/**
 * A KafkaUser's {@code simple} ACL rules as the broker's ACL bindings, with the meaning Strimzi's User Operator gives
 * them: principal {@code User:<KafkaUser name>} (SCRAM), host {@code *} unless the rule names one, allow unless
 * {@code type: deny}, one binding per operation; {@code literal} names are exact and {@code "*"} is Kafka's wildcard
 * (every resource of the type), {@code prefix} names are Kafka's prefixed patterns; a cluster rule is on
 * {@code kafka-cluster}.
 */
final class StrimziAcls {

    private StrimziAcls() {
    }

    static List<AclBinding> bindings(KafkaUser user) {
        String principal = "User:" + user.getMetadata().getName();
        List<AclBinding> bindings = new ArrayList<>();
        for (AclRule rule : RenderedManifestsTests.acls(user)) {
            ResourcePattern pattern = pattern(rule);
            AclPermissionType permission = rule.getType() == AclRuleType.DENY ? AclPermissionType.DENY : AclPermissionType.ALLOW;
            String host = rule.getHost() == null || rule.getHost().isBlank() ? "*" : rule.getHost();
            for (StrimziAclOperation operation : rule.getOperations()) {
                bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, host, operation(operation), permission)));
            }
        }
        return bindings;
    }

    private static ResourcePattern pattern(AclRule rule) {
        return switch (rule.getResource()) {
            case AclRuleTopicResource topic -> new ResourcePattern(ResourceType.TOPIC, topic.getName(), patternType(topic.getPatternType()));
            case AclRuleGroupResource group -> new ResourcePattern(ResourceType.GROUP, group.getName(), patternType(group.getPatternType()));
            case AclRuleTransactionalIdResource id -> new ResourcePattern(ResourceType.TRANSACTIONAL_ID, id.getName(),
                    patternType(id.getPatternType()));
            case AclRuleClusterResource cluster -> new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
            default -> throw new IllegalArgumentException("ACL resource type " + rule.getResource().getType()
                    + " is none Strimzi's simple authorization knows");
        };
    }

    private static PatternType patternType(AclResourcePatternType type) {
        return type == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
    }

    private static AclOperation operation(StrimziAclOperation operation) {
        return switch (operation) {
            case READ -> AclOperation.READ;
            case WRITE -> AclOperation.WRITE;
            case CREATE -> AclOperation.CREATE;
            case DELETE -> AclOperation.DELETE;
            case ALTER -> AclOperation.ALTER;
            case DESCRIBE -> AclOperation.DESCRIBE;
            case CLUSTERACTION -> AclOperation.CLUSTER_ACTION;
            case ALTERCONFIGS -> AclOperation.ALTER_CONFIGS;
            case DESCRIBECONFIGS -> AclOperation.DESCRIBE_CONFIGS;
            case IDEMPOTENTWRITE -> AclOperation.IDEMPOTENT_WRITE;
            case ALL -> AclOperation.ALL;
        };
    }
}
