package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** How a failed command's error reads when it was not one the command foresaw. */
class CommandSupportTest {

  @Test
  void aBindFailureDeepInTheChainNamesTheAddressAndTheSystemsReason() {
    Throwable jetty =
        new RuntimeException(
            new IOException(
                "Failed to bind to /127.0.0.1:8080", new BindException("Address already in use")));
    String line = report("server", jetty);
    assertEquals(
        "veil server: cannot listen on 127.0.0.1:8080: Address already in use (another process"
            + " holds the port? server.applicationConnectors / VEIL_HTTP_PORT and"
            + " server.adminConnectors / VEIL_ADMIN_PORT choose others)",
        line);
  }

  @Test
  void aDatabaseLoginOrConnectionFailureIsNotAnUnexpectedError() {
    Throwable wrapped =
        new IllegalStateException(
            "planning failed",
            new SQLException("FATAL: password authentication failed for user \"app\"", "28P01"));
    String line = report("rollback", wrapped);
    assertTrue(line.startsWith("veil rollback: cannot connect to a database: FATAL: password"), line);
    assertFalse(line.contains("unexpected error"), line);
    assertFalse(line.contains("SQLException"), line);
  }

  @Test
  void anyOtherFailureStaysAnUnexpectedErrorWithItsType() {
    String line = report("worker", new IllegalStateException("boom"));
    assertTrue(line.startsWith("veil worker: unexpected error: IllegalStateException: boom"), line);
  }

  private static String report(String command, Throwable e) {
    StringWriter text = new StringWriter();
    try (PrintWriter err = new PrintWriter(text)) {
      CommandSupport.reportError(err, command, e);
    }
    return text.toString().strip();
  }
}
