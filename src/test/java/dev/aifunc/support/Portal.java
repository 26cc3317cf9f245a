package dev.aifunc.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.restassured.response.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Signing in to the admin portal over HTTP, and reading the CSRF token its pages put into their forms. */
public final class Portal {

    /** The session cookie's name ({@code quarkus.http.auth.form.cookie-name}). */
    public static final String SESSION = "aifunc-session";
    private static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    private Portal() {
    }

    /** Signs in as the test profile's admin and returns the session cookie. */
    public static String signIn() {
        Response r = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", "admin").formParam("j_password", "test-admin-password")
                .post("/j_security_check");
        assertEquals(302, r.statusCode(), r.asString());
        String cookie = r.getCookie(SESSION);
        assertNotNull(cookie, "a session cookie after signing in");
        return cookie;
    }

    /** The CSRF token in the forms of a portal page, read the way a browser gets it: from the page. */
    public static String csrfToken(String session, String page) {
        String html = given().cookie(SESSION, session).get(page).then().statusCode(200).extract().asString();
        Matcher m = TOKEN.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no csrf-token field on " + page);
        }
        return m.group(1);
    }

    /** An HTML page's text with the entities Qute escapes turned back into characters. */
    public static String unescape(String html) {
        return html.replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
