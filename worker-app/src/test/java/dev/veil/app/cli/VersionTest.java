package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.core.AgentVersion;
import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import org.junit.jupiter.api.Test;

/** What {@code --version} prints; no server is needed. */
class VersionTest {

  @Test
  void versionPrintsTheAgentVersion() {
    Result result = CliRunner.run("--version");
    assertEquals(0, result.code(), result.toString());
    assertFalse(result.toString().contains("No application version"), result.toString());
    assertTrue(result.out().contains(AgentVersion.get()), result.toString());
  }
}
