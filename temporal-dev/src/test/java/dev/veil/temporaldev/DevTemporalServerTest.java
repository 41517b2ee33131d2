package dev.veil.temporaldev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.health.v1.HealthCheckResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DevTemporalServerTest {

  @Test
  void clientsConnectToTheServerOnAFreePort() throws Exception {
    try (DevTemporalServer server = DevTemporalServer.start(0)) {
      assertTrue(server.port() > 0);
      assertEquals("127.0.0.1:" + server.port(), server.address());
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newConnectedServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(server.address()).build(),
              Duration.ofSeconds(10));
      try {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, stubs.healthCheck().getStatus());
        stubs
            .blockingStub()
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      } finally {
        stubs.shutdownNow();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aBusyPortFailsUnlessAFreePortIsAllowed() {
    try (DevTemporalServer first = DevTemporalServer.start(0)) {
      IllegalStateException busy =
          assertThrows(IllegalStateException.class, () -> DevTemporalServer.start(first.port()));
      assertTrue(busy.getMessage().contains("already in use"), busy.getMessage());

      try (DevTemporalServer second = DevTemporalServer.start(first.port(), true)) {
        assertNotEquals(first.port(), second.port());
        assertTrue(DevTemporalServer.portInUse(second.port()));
      }
    }
  }
}
