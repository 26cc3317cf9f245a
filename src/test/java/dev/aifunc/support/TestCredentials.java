package dev.aifunc.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The test suite's default credentials: every RestAssured request that brings none of its own (no
 * {@code Authorization}, no {@code X-API-Key}) is sent with the test profile's admin key
 * ({@code %test.aifunc.auth.admin-key}), so tests of other features need not repeat it. A test of the access
 * rules sends its own key, or {@link #ANONYMOUS} to send nothing at all.
 */
public class TestCredentials implements QuarkusTestBeforeEachCallback {

    /** Header that makes a request go out without any credentials (the header itself is not sent). */
    public static final String ANONYMOUS = "X-Test-Anonymous";

    private static final Filter DEFAULT_CREDENTIALS = new Filter() {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                               FilterContext context) {
            if (request.getHeaders().hasHeaderWithName(ANONYMOUS)) {
                request.removeHeader(ANONYMOUS);
            } else if (!request.getHeaders().hasHeaderWithName("Authorization")
                    && !request.getHeaders().hasHeaderWithName("X-API-Key")) {
                request.header("Authorization", "Bearer " + adminKey());
            }
            return context.next(request, response);
        }
    };

    /** The test profile's operator admin key. */
    public static String adminKey() {
        return ConfigProvider.getConfig().getValue("aifunc.auth.admin-key", String.class);
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!RestAssured.filters().contains(DEFAULT_CREDENTIALS)) {
            RestAssured.filters(DEFAULT_CREDENTIALS);
        }
    }
}
