package dev.aifunc.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}).
 *
 * @param type     a URI naming the kind of problem ({@code about:blank} when the status says it all)
 * @param title    short human summary of the kind of problem
 * @param status   the HTTP status code
 * @param detail   what was wrong with this request, in plain language
 * @param instance the request path
 * @param field    JSON pointer or name of the offending input field, when one is to blame
 * @param limit    the limit that was broken (e.g. {@code 8192 characters}), when one was
 * @param errors   itemised errors (e.g. dataset rows with their line numbers), when there are several
 */
@Schema(name = "Problem", description = "RFC 9457 problem details")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      String field, String limit, List<FieldError> errors) {

    /** One itemised error: where (field or line), what, and the limit it broke if any. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldError(String field, Long line, String message, String limit) {

        public FieldError(String field, Long line, String message) {
            this(field, line, message, null);
        }
    }
}
