package dev.taskruns.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taskruns.store.SourceEntity;
import dev.taskruns.support.Database;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Instant;

/**
 * Engine tests on source "gamma", which the {@link ScriptedConnector} serves: an empty store, only
 * gamma due (a tick must not start the simulator-backed sources), and no cycle left running after a test.
 */
abstract class ScriptedSourceTest {

    static final String ID = "gamma";
    static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    @Inject
    SyncEngine engine;

    @Inject
    ScriptedConnector connector;

    @Inject
    SourceLock lock;

    @Inject
    Database db;

    @BeforeEach
    void onlyGammaDue() {
        db.clear();
        QuarkusTransaction.requiringNew().run(() ->
                SourceEntity.update("nextSyncAt = ?1 where id <> ?2", Instant.parse("9999-01-01T00:00:00Z"), ID));
    }

    @AfterEach
    void idle() {
        connector.script((source, context) -> { });
        awaitIdle();
    }

    void awaitIdle() {
        EndToEnd.awaitIdle(engine, ID);
    }

    static SourceEntity state() {
        return QuarkusTransaction.requiringNew().call(() -> SourceEntity.<SourceEntity>findById(ID));
    }

    static JsonNode number(int value) {
        return JsonNodeFactory.instance.numberNode(value);
    }
}
