package dev.agentmesh.gateway.realtime;

/**
 * Why the gateway refused a client event, or changed part of it: an {@code error} code of its own, a message a
 * developer can act on, and the parameter it is about ({@code session.tool_choice}, say).
 */
final class PolicyViolation extends RuntimeException {

    private final String code;
    private final String param;

    PolicyViolation(String code, String message, String param) {
        super(message, null, false, false);
        this.code = code;
        this.param = param;
    }

    String code() {
        return code;
    }

    String param() {
        return param;
    }

    /** The {@code error} event the client gets; {@code eventId} names its event, if it had one. */
    String toErrorEvent(String eventId) {
        return RealtimeJson.error("invalid_request_error", code, getMessage(), param, eventId);
    }
}
