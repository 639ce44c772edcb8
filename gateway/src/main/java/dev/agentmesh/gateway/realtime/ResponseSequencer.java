package dev.agentmesh.gateway.realtime;

/**
 * Decides when a {@code response.create} may go upstream. The Realtime API allows one active response per
 * conversation; a second {@code response.create} fails with {@code conversation_already_has_active_response}.
 * The gateway sends its own only when no response is active or being created, and holds back a client's
 * {@code response.create} while the gateway's is on its way, so a client never sees that error because of the
 * gateway. Not thread-safe: the session calls it under its lock.
 */
final class ResponseSequencer {

    /** What the session should send upstream now. */
    enum Action { NOTHING, SEND_GATEWAY_CREATE, SEND_CLIENT_CREATE }

    private boolean active;
    private boolean createInFlight;
    private boolean gatewayCreateInFlight;
    private boolean gatewayResponseActive;
    private int gatewayWaiting;
    private final java.util.ArrayDeque<String> deferredClientCreates = new java.util.ArrayDeque<>();

    /** The gateway wants the model to speak (after a function-call output). */
    Action gatewayWantsResponse() {
        if (busy()) {
            gatewayWaiting++;
            return Action.NOTHING;
        }
        createInFlight = true;
        gatewayCreateInFlight = true;
        return Action.SEND_GATEWAY_CREATE;
    }

    /** A client sent {@code response.create}; returns false when it must wait (it is then kept here). */
    boolean clientMayCreate(String clientEvent) {
        if (gatewayCreateInFlight || gatewayResponseActive || gatewayWaiting > 0) {
            deferredClientCreates.add(clientEvent);
            return false;
        }
        createInFlight = true;
        return true;
    }

    void responseCreated() {
        active = true;
        createInFlight = false;
        gatewayResponseActive = gatewayCreateInFlight;
        gatewayCreateInFlight = false;
    }

    /** A response ended (completed, cancelled, failed or incomplete): the next waiting create may go. */
    Action responseDone() {
        active = false;
        gatewayResponseActive = false;
        return next();
    }

    /** The gateway's own create was refused because a response was active after all: retry after it is done. */
    void gatewayCreateRefused() {
        createInFlight = false;
        gatewayCreateInFlight = false;
        gatewayWaiting++;
    }

    /** Some create (the client's) was refused; nothing is in flight any more. */
    Action createRefused() {
        createInFlight = false;
        return active ? Action.NOTHING : next();
    }

    /** The client event held back by {@link #clientMayCreate}, to send after {@link Action#SEND_CLIENT_CREATE}. */
    String takeDeferredClientCreate() {
        createInFlight = true;
        return deferredClientCreates.poll();
    }

    /** A new upstream session: nothing is active there, and nothing held back for the old one is sent. */
    void reset() {
        active = false;
        createInFlight = false;
        gatewayCreateInFlight = false;
        gatewayResponseActive = false;
        gatewayWaiting = 0;
        deferredClientCreates.clear();
    }

    boolean responseActive() {
        return active || createInFlight;
    }

    private boolean busy() {
        return active || createInFlight;
    }

    private Action next() {
        if (busy()) {
            return Action.NOTHING;
        }
        if (gatewayWaiting > 0) {
            gatewayWaiting--;
            createInFlight = true;
            gatewayCreateInFlight = true;
            return Action.SEND_GATEWAY_CREATE;
        }
        if (!deferredClientCreates.isEmpty()) {
            return Action.SEND_CLIENT_CREATE;
        }
        return Action.NOTHING;
    }
}
