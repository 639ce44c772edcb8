package dev.agentmesh.memory.api;

import dev.agentmesh.memory.InvalidRequestException;
import dev.agentmesh.memory.MemoryProperties;
import dev.agentmesh.memory.query.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Errors as RFC 9457 problem details ({@code application/problem+json}: type, title, status, detail). Bad input is
 * 400 with what is wrong, an unknown conversation 404, a store that cannot answer now 503 with Retry-After. Logged
 * without the request's content (a parser's message may quote it).
 */
@RestControllerAdvice
class ApiErrors extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private final long retryAfterSeconds;

    ApiErrors(MemoryProperties properties) {
        this.retryAfterSeconds = Math.max(1, (properties.query().retryAfter().toMillis() + 999) / 1000);
    }

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
    }

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(StoreUnavailableException e) {
        log.info("Answered 503: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds))
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Memory store not available",
                        e.getMessage() + "; retry after " + retryAfterSeconds + " s"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = e.getMostSpecificCause() instanceof UnrecognizedPropertyException unknown
                ? "unknown field \"" + unknown.getPropertyName() + "\"; the fields are name, homeCity, units, "
                + "interests, language"
                : "the body must be a JSON object with the fields to set (name, homeCity, units, interests, language)";
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "Invalid request", detail));
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
