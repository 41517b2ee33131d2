package dev.veil.temporaldev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  @Test
  void listensOnLoopbackOnlyUnlessAnotherAddressIsAskedFor() throws Exception {
    java.util.Optional<java.net.InetAddress> external = nonLoopbackAddress();
    try (DevTemporalServer server = DevTemporalServer.start(0)) {
      assertEquals("127.0.0.1", server.host());
      assertTrue(reachable(java.net.InetAddress.getLoopbackAddress(), server.port()));
      if (external.isPresent()) {
        assertFalse(reachable(external.get(), server.port()),
            "the dev server answers on " + external.get());
      }
    }
    if (external.isPresent()) {
      try (DevTemporalServer everywhere = DevTemporalServer.start("0.0.0.0", 0, false)) {
        assertTrue(reachable(external.get(), everywhere.port()), "--bind 0.0.0.0 is honoured");
        assertEquals("127.0.0.1:" + everywhere.port(), everywhere.address());
      }
    }
  }

  private static boolean reachable(java.net.InetAddress address, int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(address, port), 2000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static java.util.Optional<java.net.InetAddress> nonLoopbackAddress() throws Exception {
    for (java.net.NetworkInterface nic :
        java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (java.net.InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
        if (address instanceof java.net.Inet4Address) {
          return java.util.Optional.of(address);
        }
      }
    }
    return java.util.Optional.empty();
  }
}
