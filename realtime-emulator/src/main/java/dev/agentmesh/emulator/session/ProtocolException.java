package dev.agentmesh.emulator.session;

/** A client event the API would refuse; becomes an {@code error} server event, the session stays open. */
final class ProtocolException extends RuntimeException {

    private final String type;
    private final String code;
    private final String param;

    ProtocolException(String code, String message, String param) {
        this("invalid_request_error", code, message, param);
    }

    ProtocolException(String type, String code, String message, String param) {
        super(message, null, false, false);
        this.type = type;
        this.code = code;
        this.param = param;
    }

    static ProtocolException missing(String param) {
        return new ProtocolException("missing_required_parameter", "Missing required parameter: '" + param + "'.", param);
    }

    static ProtocolException invalid(String param, String message) {
        return new ProtocolException("invalid_value", message, param);
    }

    String type() {
        return type;
    }

    String code() {
        return code;
    }

    String param() {
        return param;
    }
}
