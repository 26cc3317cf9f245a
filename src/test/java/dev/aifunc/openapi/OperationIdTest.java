package dev.aifunc.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Method names from scenario ids: from the id alone, valid in Java and TypeScript, never an admin operation's. */
class OperationIdTest {

    @Test
    void namesComeFromTheIdAlone() {
        assertEquals("reviewSentiment", ScenarioContract.operationId("review-sentiment"));
        assertEquals("shopFaq2024", ScenarioContract.operationId("shop-faq2024"));
        assertEquals("aB", ScenarioContract.operationId("a-b"));
        assertEquals("aDashB", ScenarioContract.operationId("a--b"));
        assertEquals("trailingDash", ScenarioContract.operationId("trailing-"));
        assertEquals("scenario3dParts", ScenarioContract.operationId("3d-parts"));
        assertEquals("classScenario", ScenarioContract.operationId("class"));
        assertEquals("defaultScenario", ScenarioContract.operationId("default"));
        assertEquals("apiClientScenario", ScenarioContract.operationId("api-client"));
        assertEquals("getScenarioScenario", ScenarioContract.operationId("get-scenario"));
        assertEquals("listApiKeysScenario", ScenarioContract.operationId("list-api-keys"));
    }
}
